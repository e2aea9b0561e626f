"""Who was involved: every member of staff who used force (item (h)) — from the staff list, or
someone not on it with their job title — and everyone who is not unit staff, each with why they
were involved (item (i))."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from app.models.completeness import MissingItem
from app.models.incident import UseOfForceIncident
from app.models.people import StaffMember
from app.ui.incidents.inputs import flag, yes_no
from app.ui.incidents.outsiders import OutsiderList
from app.ui.incidents.staff_picker import StaffPicker


class PeopleSection(QGroupBox):
    """Items (h) and (i)."""

    changed = Signal()
    #: Rows or boxes were added or removed (the form puts the Tab order right).
    shape_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Who was involved — items (h), (i)", parent)
        self.staff = StaffPicker()
        self.outsiders = yes_no(
            "Was anyone who is not unit staff involved",
            yes="Yes — someone who is not unit staff was involved",
            no="No — only unit staff",
        )
        self.outsider_list = OutsiderList()
        form = QFormLayout(self)
        form.addRow("Staff who &used force (h)", self.staff)
        form.addRow("An&yone not unit staff (i)", self.outsiders)
        self._list_label = QLabel("Who and why (i)")
        form.addRow(self._list_label, self.outsider_list)
        self.staff.changed.connect(self.changed.emit)
        self.outsiders.currentIndexChanged.connect(self._answered)
        self.outsider_list.changed.connect(self._outsider_typed)
        self.outsider_list.shape_changed.connect(self.shape_changed.emit)

    def set_staff_list(self, staff: tuple[StaffMember, ...]) -> None:
        """The staff list the picker offers."""
        self.staff.set_staff(staff)

    def _answered(self, _index: int) -> None:
        self._show_list()
        self.changed.emit()

    def _outsider_typed(self) -> None:
        if self.outsiders.value() is None and not self.outsider_list.is_empty():
            self.outsiders.blockSignals(True)  # noqa: FBT003 - Qt's API
            self.outsiders.set_value(True)  # naming someone answers the question
            self.outsiders.blockSignals(False)  # noqa: FBT003 - Qt's API
        self.changed.emit()

    def _show_list(self) -> None:
        """The rows are out of the way after "No — only unit staff" unless something is
        typed in them (then they stay, with a note that they are not kept)."""
        shown = flag(self.outsiders) is not False or not self.outsider_list.is_empty()
        self.outsider_list.setVisible(shown)
        self._list_label.setVisible(shown)

    # -- the record --------------------------------------------------------------------

    def load(self, incident: UseOfForceIncident) -> None:
        """Show what ``incident`` says."""
        self.staff.set_people(incident.staff_involved)
        self.outsiders.set_value(incident.non_staff_involved)
        self.outsider_list.set_entries(incident.non_staff_involvement)
        self._show_list()

    def values(self) -> dict[str, Any]:
        """The record's fields this section answers (rows that give both who and why, while
        the answer is yes)."""
        involved = flag(self.outsiders)
        return {
            "staff_involved": self.staff.people(),
            "non_staff_involved": involved,
            "non_staff_involvement": self.outsider_list.entries() if involved else (),
        }

    def unfinished(self) -> dict[str, str]:
        """Rows typed but not part of the record, and a person not on the staff list typed
        but not yet added, for the draft kept beside it."""
        return self.staff.other_box.unfinished() | self.outsider_list.unfinished(
            kept_in_record=flag(self.outsiders) is True
        )

    def restore_unfinished(self, kept: Mapping[str, str]) -> None:
        """Put back what :meth:`unfinished` kept (no :attr:`changed`)."""
        self.staff.other_box.restore_unfinished(kept)
        self.outsider_list.restore_unfinished(kept)
        self._show_list()

    def hint(self) -> str:
        """What is typed but not yet part of the record."""
        involved = flag(self.outsiders)
        people = self.outsider_list
        if involved is False and not people.is_empty():
            return "Who and why are not kept while the answer is 'No — only unit staff'."
        half = people.half_filled()
        if involved and half:
            numbers = ", ".join(str(n) for n in half)
            return (
                f"Person not unit staff {numbers}: say who and why (both are needed for item "
                "(i); a row with only one of them is not kept in the record)."
            )
        if involved and not people.entries():
            return "Say who was involved and why (both are needed for item (i))."
        return ""

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [*self.staff.inputs(), self.outsiders, *self.outsider_list.inputs()]

    def field_for(self, item: MissingItem) -> QWidget | None:
        """The input that answers ``item``."""
        if item.item == "h":
            return self.staff.search
        if item.item == "i":
            if self.outsiders.value() is None:
                return self.outsiders
            return self.outsider_list.first_unanswered()
        return None

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        self.staff.set_editable(editable)
        self.outsiders.setEnabled(editable)
        self.outsider_list.set_editable(editable)
