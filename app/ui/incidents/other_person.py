"""A member of staff who used force but is not on the staff list — a bank or agency nurse, a
colleague from another ward — named with their job title and role as typed (s.6(5)(h),
domain.md §2 item h: the name and job title of every member of staff who used force). They are
kept on the record as a :class:`~app.models.refs.PersonRef` without a staff id."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.models.errors import UserFacingError
from app.models.isolation_roles import NOT_STAFF_ROLES
from app.models.refs import ClinicalRole, PersonRef
from app.ui.incidents.inputs import ChoiceCombo, line, text_of
from app.ui.staff.loading import role_words
from app.ui.widgets import error_label, named

#: The roles offered: members of staff (not the patient, family, IMHA or commissioner).
STAFF_ROLE_CHOICES = [(role_words(r), r) for r in ClinicalRole if r not in NOT_STAFF_ROLES]


class OtherPersonBox(QFrame):
    """Name, job title and role of someone not on the staff list; Enter or "Add this person"
    offers them (:attr:`person_given`), Escape or "Cancel" closes the box (:attr:`cancelled`).
    """

    #: A valid person was given (carries the :class:`PersonRef`).
    person_given = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        named(self, "Someone not on the staff list")
        self.name = line("Name of the member of staff not on the list", "Full name")
        self.job_title = line(
            "Job title of the member of staff not on the list", "e.g. Agency staff nurse"
        )
        self.role = ChoiceCombo(
            "Role of the member of staff not on the list",
            STAFF_ROLE_CHOICES,
            blank="(choose their role)",
        )
        self.add = named(QPushButton("Add this person"), "Add this person to the staff named")
        self.cancel = named(QPushButton("Cancel"), "Cancel adding someone not on the staff list")
        self.message = error_label()
        intro = QLabel("Someone not on the staff list (e.g. a bank or agency nurse):")
        intro.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Name", self.name)
        form.addRow("Job title (h)", self.job_title)
        form.addRow("Role", self.role)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.message)
        for button in (self.add, self.cancel):
            button.setAutoDefault(True)  # Enter on a button presses it
        self.add.clicked.connect(self.offer)
        self.cancel.clicked.connect(self._cancel)

    def open_with(self, name: str) -> None:
        """Show the box with ``name`` filled in, ready to type."""
        self.name.setText(name.strip())
        self.message.clear()
        self.show()
        (self.job_title if self.name.text() else self.name).setFocus()

    def offer(self) -> None:
        """Check what was typed; a person the record can hold is offered and the box closes,
        otherwise the message says which field is missing or wrong."""
        missing = [
            words
            for words, answer in (
                ("their name", text_of(self.name)),
                ("their job title", text_of(self.job_title)),
                ("their role", self.role.value()),
            )
            if answer is None
        ]
        if missing:
            self.message.setText("Give " + " and ".join(missing) + " (item (h) needs them).")
            first = {"their name": self.name, "their job title": self.job_title}
            first.get(missing[0], self.role).setFocus()
            return
        try:
            person = PersonRef.build(
                name=text_of(self.name), job_title=text_of(self.job_title), role=self.role.value()
            )
        except UserFacingError as exc:
            self.message.setText(str(exc))
            return
        self.person_given.emit(person)

    def close_box(self) -> None:
        """Empty the box and hide it."""
        for field in (self.name, self.job_title):
            field.clear()
        self.role.set_value(None)
        self.message.clear()
        self.hide()

    def _cancel(self) -> None:
        self.close_box()
        self.cancelled.emit()

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [self.name, self.job_title, self.role, self.add, self.cancel]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter in a field adds the person; Escape closes the box without adding anyone."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.offer()
        elif event.key() == Qt.Key.Key_Escape:
            self._cancel()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- what was typed, kept with the draft -------------------------------------------------

    def unfinished(self) -> dict[str, str]:
        """What is typed in the open box (not yet added), for the draft kept beside the record."""
        if self.isHidden():
            return {}
        role = self.role.value()
        texts = {
            "other_staff_name": self.name.text().strip(),
            "other_staff_job_title": self.job_title.text().strip(),
            "other_staff_role": role.value if isinstance(role, ClinicalRole) else "",
        }
        return {key: text for key, text in texts.items() if text}

    def restore_unfinished(self, kept: Mapping[str, str]) -> None:
        """Open the box again with what :meth:`unfinished` kept (if anything)."""
        texts = {k: v for k, v in kept.items() if k.startswith("other_staff_")}
        if not texts:
            return
        self.name.setText(texts.get("other_staff_name", ""))
        self.job_title.setText(texts.get("other_staff_job_title", ""))
        role = texts.get("other_staff_role", "")
        self.role.set_value(ClinicalRole(role) if role in set(ClinicalRole) else None)
        self.show()
