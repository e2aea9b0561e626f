"""Staff who used force, picked from the staff list by typing part of a name (item (h): name
and job title of every member of staff; the job title comes from the staff list), or named
with their job title when they are not on it (:mod:`app.ui.incidents.other_person`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.incident import already_named
from app.models.people import StaffMember
from app.models.refs import PersonRef
from app.ui.incidents.inputs import line
from app.ui.incidents.other_person import OtherPersonBox
from app.ui.widgets import named


def choice_text(member: StaffMember) -> str:
    """How a staff member is offered: "Priya Nair — Staff nurse"."""
    return f"{member.name} — {member.job_title}"


def chosen_text(person: PersonRef) -> str:
    """How a named person is listed: "Priya Nair, Staff nurse"."""
    suffix = "" if person.staff_id is not None else " (not on the staff list)"
    return f"{person.name}, {person.job_title}{suffix}"


class _ChosenList(QListWidget):
    """The people named so far; Delete removes the selected one."""

    removed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Delete or Backspace removes the current entry."""
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.takeItem(self.currentRow())
            self.removed.emit()
            return
        super().keyPressEvent(event)


class StaffPicker(QWidget):
    """Type part of a name, Enter adds the member of staff (with their job title)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._staff: tuple[StaffMember, ...] = ()
        self.search = line(
            "Add a member of staff who used force", "Type part of a name, then Enter"
        )
        self._choices = QStringListModel(self)
        completer = QCompleter(self._choices, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.search.setCompleter(completer)
        self.chosen = named(_ChosenList(), "Staff who used force")
        self.chosen.setMaximumHeight(self.chosen.fontMetrics().lineSpacing() * 7)
        self.remove = named(QPushButton("Remove the selected name"), "Remove the selected name")
        self.note = named(QLabel(), "Staff picker message")
        self.note.setWordWrap(True)
        self.other = named(
            QPushButton("Someone not on the staff list…"),
            "Add a member of staff who is not on the staff list",
        )
        self.other_box = OtherPersonBox()
        self.other_box.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.other)
        column.addLayout(search_row)
        column.addWidget(self.other_box)
        column.addWidget(self.note)
        row = QHBoxLayout()
        row.addWidget(self.chosen, 1)
        row.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(row)
        completer.activated.connect(self._add_text)
        self.search.returnPressed.connect(lambda: self._add_text(self.search.text()))
        self.remove.clicked.connect(self._remove_selected)
        self.chosen.removed.connect(self.changed.emit)
        self.other.clicked.connect(self._open_other)
        self.other_box.person_given.connect(self._add_other)
        self.other_box.cancelled.connect(self.other.setFocus)

    def set_staff(self, staff: Sequence[StaffMember]) -> None:
        """The staff list to pick from (active members only are offered)."""
        self._staff = tuple(m for m in staff if m.active)
        self._choices.setStringList([choice_text(m) for m in self._staff])

    def people(self) -> tuple[PersonRef, ...]:
        """Everyone named, in the order added."""
        found = (self.chosen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count()))
        return tuple(p for p in found if isinstance(p, PersonRef))

    def count(self) -> int:
        """How many people are named."""
        return self.chosen.count()

    def set_people(self, people: Sequence[PersonRef]) -> None:
        """Show ``people`` (no :attr:`changed`)."""
        self.chosen.clear()
        for person in people:
            self._append(person)

    def inputs(self) -> list[QWidget]:
        """The picker's inputs in Tab order."""
        return [self.search, self.other, *self.other_box.inputs(), self.chosen, self.remove]

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        for widget in (self.search, self.remove, self.other):
            widget.setEnabled(editable)
        if not editable:
            self.other_box.close_box()
        self.chosen.setEnabled(True)  # the names stay readable and selectable

    def _append(self, person: PersonRef) -> None:
        item = QListWidgetItem(chosen_text(person))
        item.setData(Qt.ItemDataRole.UserRole, person)
        self.chosen.addItem(item)

    def _match(self, text: str) -> StaffMember | None:
        wanted = text.strip().casefold()
        if not wanted:
            return None
        exact = [m for m in self._staff if choice_text(m).casefold() == wanted]
        if exact:
            return exact[0]
        named_like = [m for m in self._staff if wanted in m.name.casefold()]
        return named_like[0] if len(named_like) == 1 else None

    def _add_text(self, text: str) -> None:
        if not text.strip():
            return
        member = self._match(text)
        if member is None:
            self.note.setText(
                "No single member of staff matches that: type more of the name and pick from "
                "the list, or choose “Someone not on the staff list…” to name them with their "
                "job title."
            )
            return
        person = member.as_person_ref()
        if already_named(self.people(), person):
            self.note.setText(f"{member.name} is already named.")
        else:
            self._append(person)
            self.note.setText(f"Added {member.name} ({member.job_title}).")
            self.changed.emit()
        self.search.clear()

    def _open_other(self) -> None:
        typed = self.search.text()
        self.other_box.open_with("" if self._match(typed) else typed)

    def _add_other(self, person: object) -> None:
        if not isinstance(person, PersonRef):
            return
        if already_named(self.people(), person):
            self.other_box.message.setText(f"{person.name} ({person.job_title}) is already named.")
            return
        self._append(person)
        self.other_box.close_box()
        self.search.clear()
        self.note.setText(
            f"Added {person.name} ({person.job_title}), who is not on the staff list."
        )
        self.search.setFocus()
        self.changed.emit()

    def _remove_selected(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
            self.changed.emit()
