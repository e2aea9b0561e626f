"""The types of force used, one box each with its own times (items (c), (d)), the injury
answers, rapid tranquillisation and the authorisation of mechanical restraint."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models.codes import InterventionType
from app.models.completeness import MissingItem
from app.models.incident import UseOfForceIncident
from app.models.people import StaffMember
from app.models.policy import ClinicalPolicy
from app.ui.incidents.force_use import ForceUseEditor
from app.ui.widgets import named

#: Draft keys of unfinished rapid-tranquillisation details start with this.
RT_PREFIX = "rt_"


class ForceSection(QGroupBox):
    """Every use of force of the incident, in the order they happened."""

    changed = Signal()
    #: Boxes were added or removed (the form puts the Tab order right).
    shape_changed = Signal()

    def __init__(
        self,
        now: Callable[[], datetime],
        policy: ClinicalPolicy,
        default_start: Callable[[], datetime | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Types of force used — items (c), (d)", parent)
        self._now = now
        self._policy = policy
        self._default_start = default_start
        self._staff: tuple[StaffMember, ...] = ()
        self.editors: list[ForceUseEditor] = []
        self.intro = QLabel(
            "Add each type of force in the order it happened (standing, then prone, then "
            "supine …), each with its own start and end."
        )
        self.intro.setWordWrap(True)
        self.add = named(QPushButton("Add a type of force (&c)"), "Add a type of force")
        self._column = QVBoxLayout(self)
        self._column.addWidget(self.intro)
        self._column.addWidget(self.add)
        self.add.clicked.connect(self._add_clicked)

    def set_staff_list(self, staff: tuple[StaffMember, ...]) -> None:
        """The staff list (senior clinicians may authorise mechanical restraint)."""
        self._staff = staff
        for editor in self.editors:
            editor.set_staff(staff)

    def add_editor(self) -> ForceUseEditor:
        """A new, empty box at the end (no :attr:`changed`)."""
        editor = ForceUseEditor(len(self.editors) + 1, self._now, self._policy)
        editor.set_staff(self._staff)
        editor.changed.connect(self.changed.emit)
        editor.remove_requested.connect(self._remove)
        self._column.insertWidget(self._column.count() - 1, editor)
        editor.show()  # at once, not when the layout gets round to it: Tab must find it
        self.editors.append(editor)
        return editor

    def _add_clicked(self) -> None:
        previous = self.editors[-1].end.value() if self.editors else None
        editor = self.add_editor()
        editor.start.set_value(previous or self._default_start())
        self.shape_changed.emit()
        self.changed.emit()
        editor.kind.setFocus()

    def _remove(self, editor: object) -> None:
        if not isinstance(editor, ForceUseEditor) or editor not in self.editors:
            return
        index = self.editors.index(editor)
        self.editors.remove(editor)
        self._column.removeWidget(editor)
        editor.deleteLater()
        for number, other in enumerate(self.editors, start=1):
            other.renumber(number)
        self.shape_changed.emit()
        self.changed.emit()
        following = self.editors[index] if index < len(self.editors) else None
        (following.kind if following else self.add).setFocus()

    # -- the record --------------------------------------------------------------------

    def load(self, incident: UseOfForceIncident) -> None:
        """Show every use of force of ``incident``."""
        for editor in self.editors:
            self._column.removeWidget(editor)
            editor.deleteLater()
        self.editors = []
        for use in incident.force_uses:
            self.add_editor().load(use)
        self.shape_changed.emit()

    def values(self) -> dict[str, Any]:
        """The record's fields this section answers (boxes without a type or start are not
        part of the record yet)."""
        uses = (editor.use() for editor in self.editors)
        return {"force_uses": tuple(use for use in uses if use is not None)}

    def unfinished(self) -> dict[str, str]:
        """Rapid-tranquillisation details typed but not yet complete, keyed by the use of force
        they belong to (``rt_<use id>_<part>``), for the draft kept beside the record."""
        return {
            f"{RT_PREFIX}{editor.use_id.hex}_{part}": text
            for editor in self.editors
            if editor.intervention_type is not None
            and editor.intervention_type.is_rapid_tranquillisation
            for part, text in editor.rt.unfinished_texts().items()
        }

    def restore_unfinished(self, kept: Mapping[str, str]) -> None:
        """Put back details kept by :meth:`unfinished` into the boxes they belong to, where the
        record does not already hold complete details (no :attr:`changed`)."""
        for editor in self.editors:
            prefix = f"{RT_PREFIX}{editor.use_id.hex}_"
            texts = {k.removeprefix(prefix): v for k, v in kept.items() if k.startswith(prefix)}
            if texts and editor.rt.missing():
                editor.rt.restore_texts(texts)

    def problems(self) -> list[str]:
        """What keeps a box out of the record, in words."""
        return [problem for editor in self.editors for problem in editor.problems()]

    def refresh(self) -> None:
        """Word every box's time again (prone so far, the post-RT clock)."""
        for editor in self.editors:
            editor.refresh()

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [*(w for editor in self.editors for w in editor.inputs()), self.add]

    def field_for(self, item: MissingItem) -> QWidget | None:  # noqa: PLR0911 - one per item
        """The input that answers ``item``."""
        editors = self.editors
        if item.item == "c":
            for editor in editors:
                if editor.intervention_type is None or editor.start.value() is None:
                    return editor.kind if editor.intervention_type is None else editor.start.editor
                if editor.end.value() is None:
                    return editor.end.editor
            return self.add
        if item.item == "d":
            return next((e.planned for e in editors if e.planned.value() is None), self.add)
        if item.item == "injuries":
            return next((w for e in editors if (w := e.unanswered_injury())), None)
        if item.item == "rapid_tranquillisation":
            rt = [
                e for e in editors if e.intervention_type is InterventionType.CHEMICAL_INJECTION_RT
            ]
            return next((e.rt.first_missing() for e in rt if e.rt.missing()), None)
        if item.item == "mechanical_authorisation":
            return next(
                (
                    e.authoriser
                    for e in editors
                    if e.intervention_type is InterventionType.MECHANICAL
                ),
                None,
            )
        return None

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        self.add.setEnabled(editable)
        for editor in self.editors:
            editor.set_editable(editable)
