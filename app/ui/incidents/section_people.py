"""Who was involved: every member of staff who used force (item (h)) and anyone who is not
unit staff, with why they were involved (item (i))."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.models.completeness import MissingItem
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import NonStaffInvolvement
from app.models.people import StaffMember
from app.ui.incidents.inputs import flag, line, set_text, text_of, yes_no
from app.ui.incidents.staff_picker import StaffPicker


class PeopleSection(QGroupBox):
    """Items (h) and (i)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Who was involved — items (h), (i)", parent)
        self.staff = StaffPicker()
        self.outsiders = yes_no(
            "Was anyone who is not unit staff involved",
            yes="Yes — someone who is not unit staff was involved",
            no="No — only unit staff",
        )
        self.outsider_who = line("Who (not unit staff)", "e.g. Police, ambulance crew")
        self.outsider_why = line("Why they were involved", "Why someone from outside was needed")
        self._more: tuple[NonStaffInvolvement, ...] = ()
        self.outsider_note = QLabel()
        self.outsider_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Staff who &used force (h)", self.staff)
        form.addRow("An&yone not unit staff (i)", self.outsiders)
        form.addRow("Who", self.outsider_who)
        form.addRow("Why", self.outsider_why)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.outsider_note)
        self.staff.changed.connect(self.changed.emit)
        self.outsiders.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for field in (self.outsider_who, self.outsider_why):
            field.textEdited.connect(self._outsider_typed)

    def set_staff_list(self, staff: tuple[StaffMember, ...]) -> None:
        """The staff list the picker offers."""
        self.staff.set_staff(staff)

    def _outsider_typed(self, _text: str) -> None:
        if self.outsiders.value() is None:  # naming someone answers the question
            self.outsiders.set_value(True)
        self.changed.emit()

    # -- the record --------------------------------------------------------------------

    def load(self, incident: UseOfForceIncident) -> None:
        """Show what ``incident`` says."""
        self.staff.set_people(incident.staff_involved)
        self.outsiders.set_value(incident.non_staff_involved)
        first, *more = incident.non_staff_involvement or (None,)
        set_text(self.outsider_who, first.who if first else None)
        set_text(self.outsider_why, first.reason if first else None)
        self._more = tuple(m for m in more if m is not None)
        self.outsider_note.setText(
            "Also involved: " + "; ".join(f"{m.who} — {m.reason}" for m in self._more)
            if self._more
            else ""
        )

    def values(self) -> dict[str, Any]:
        """The record's fields this section answers."""
        involved = flag(self.outsiders)
        who, why = text_of(self.outsider_who), text_of(self.outsider_why)
        entries: tuple[NonStaffInvolvement, ...] = ()
        if involved and who is not None and why is not None:
            entries = (NonStaffInvolvement.build(who=who, reason=why), *self._more)
        elif involved:
            entries = self._more
        return {
            "staff_involved": self.staff.people(),
            "non_staff_involved": involved,
            "non_staff_involvement": entries,
        }

    def hint(self) -> str:
        """What is typed but not yet part of the record."""
        if flag(self.outsiders) is False and (
            text_of(self.outsider_who) or text_of(self.outsider_why)
        ):
            return "Who and why are not kept while the answer is 'No — only unit staff'."
        if flag(self.outsiders) and not (text_of(self.outsider_who) and text_of(self.outsider_why)):
            return "Say who was involved and why (both are needed for item (i))."
        return ""

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [*self.staff.inputs(), self.outsiders, self.outsider_who, self.outsider_why]

    def field_for(self, item: MissingItem) -> QWidget | None:
        """The input that answers ``item``."""
        if item.item == "h":
            return self.staff.search
        if item.item == "i":
            if self.outsiders.value() is None:
                return self.outsiders
            return self.outsider_who if text_of(self.outsider_who) is None else self.outsider_why
        return None

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        self.staff.set_editable(editable)
        for widget in (self.outsiders, self.outsider_who, self.outsider_why):
            widget.setEnabled(editable)
