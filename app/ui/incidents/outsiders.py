"""Everyone involved who is not unit staff, each with why they were involved (s.6(5)(i),
domain.md §2 item i): a list of rows, one per person (who, why, remove), and a button that
adds another. Every row is reachable by Tab and each input is named after its row number."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models.incident_parts import NonStaffInvolvement
from app.ui.incidents.inputs import line, set_text, text_of
from app.ui.widgets import named

#: Draft keys of rows not yet part of the record start with this (``outsider_<n>_who``).
OUTSIDER_PREFIX = "outsider_"


class OutsiderRow:
    """One person who is not unit staff: who they were and why they were involved."""

    def __init__(self) -> None:
        self.number_label = QLabel()
        self.who = line("", "Who, e.g. Police, ambulance crew")
        self.why = line("", "Why they were involved")
        self.remove = QPushButton("Remove")

    def renumber(self, number: int) -> None:
        """Name the row's inputs after its place in the list."""
        label = f"Person not unit staff {number}"
        self.number_label.setText(f"{number}.")
        named(self.who, f"{label}: who")
        named(self.why, f"{label}: why they were involved")
        named(self.remove, f"Remove person not unit staff {number}")
        self.remove.setToolTip(f"Remove person {number} from the list")

    def texts(self) -> tuple[str | None, str | None]:
        """Who and why, as answers (None where nothing was typed)."""
        return text_of(self.who), text_of(self.why)

    def entry(self) -> NonStaffInvolvement | None:
        """The row as part of the record, once both who and why are given."""
        who, why = self.texts()
        if who is None or why is None:
            return None
        return NonStaffInvolvement.build(who=who, reason=why)

    def show(self, who: str | None, why: str | None) -> None:
        """Show ``who`` and ``why`` (no change signalled)."""
        set_text(self.who, who)
        set_text(self.why, why)

    def widgets(self) -> tuple[QWidget, ...]:
        """The row's widgets, as laid out."""
        return (self.number_label, self.who, self.why, self.remove)


class OutsiderList(QWidget):
    """The people who are not unit staff; there is always at least one (perhaps empty) row."""

    changed = Signal()
    #: Rows were added or removed (the form puts the Tab order right).
    shape_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[OutsiderRow] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.addWidget(QLabel("Who"), 0, 1)
        self._grid.addWidget(QLabel("Why they were involved"), 0, 2)
        self.add = named(
            QPushButton("Add another person who is not unit staff"),
            "Add another person who is not unit staff",
        )
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._grid)
        column.addWidget(self.add)
        self.add.clicked.connect(self._add_clicked)
        self._set_rows(1)

    # -- rows ----------------------------------------------------------------------------

    def _set_rows(self, count: int) -> None:
        while len(self.rows) < max(count, 1):
            row = OutsiderRow()
            for field in (row.who, row.why):
                field.textEdited.connect(lambda _t: self.changed.emit())
            row.remove.clicked.connect(lambda _c=False, r=row: self._remove(r))
            self.rows.append(row)
        while len(self.rows) > max(count, 1):
            self._drop(self.rows.pop())
        self._lay_out()

    def _drop(self, row: OutsiderRow) -> None:
        for widget in row.widgets():
            self._grid.removeWidget(widget)
            widget.deleteLater()

    def _lay_out(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            row.renumber(number)
            for col, widget in enumerate(row.widgets()):
                self._grid.addWidget(widget, number, col)
                widget.setVisible(True)  # at once: Tab must find a new row
        self._grid.setColumnStretch(1, 2)
        self._grid.setColumnStretch(2, 3)

    def _add_clicked(self) -> None:
        self._set_rows(len(self.rows) + 1)
        self.shape_changed.emit()
        self.rows[-1].who.setFocus()

    def _remove(self, row: OutsiderRow) -> None:
        if row not in self.rows:
            return
        index = self.rows.index(row)
        if len(self.rows) == 1:  # the last row is emptied, not removed
            row.show(None, None)
            row.who.setFocus()
        else:
            self.rows.remove(row)
            self._drop(row)
            self._lay_out()
            self.shape_changed.emit()
            following = self.rows[index] if index < len(self.rows) else None
            (following.who if following else self.add).setFocus()
        self.changed.emit()

    # -- values ----------------------------------------------------------------------------

    def set_entries(self, entries: Sequence[NonStaffInvolvement]) -> None:
        """Show ``entries``, one row each (no :attr:`changed`)."""
        self._set_rows(len(entries))
        for row in self.rows:
            row.show(None, None)
        for row, entry in zip(self.rows, entries, strict=False):
            row.show(entry.who, entry.reason)
        self.shape_changed.emit()

    def entries(self) -> tuple[NonStaffInvolvement, ...]:
        """The rows that give both who and why, in order."""
        found = (row.entry() for row in self.rows)
        return tuple(entry for entry in found if entry is not None)

    def is_empty(self) -> bool:
        """Nothing is typed in any row."""
        return all(row.texts() == (None, None) for row in self.rows)

    def half_filled(self) -> list[int]:
        """The numbers of the rows that give who or why but not both."""
        answered = ((number, row.texts()) for number, row in enumerate(self.rows, start=1))
        return [number for number, (who, why) in answered if (who is None) != (why is None)]

    def unfinished(self, kept_in_record: bool) -> dict[str, str]:
        """Rows typed but not part of the record (all typed rows when ``kept_in_record`` is
        false), for the draft kept beside the record: ``outsider_<n>_who`` / ``_why``."""
        texts: dict[str, str] = {}
        for number, row in enumerate(self.rows, start=1):
            if kept_in_record and row.entry() is not None:
                continue
            who, why = row.texts()
            if who is not None:
                texts[f"{OUTSIDER_PREFIX}{number}_who"] = who
            if why is not None:
                texts[f"{OUTSIDER_PREFIX}{number}_why"] = why
        return texts

    def restore_unfinished(self, kept: Mapping[str, str]) -> None:
        """Add the rows kept by :meth:`unfinished` after the rows shown (no :attr:`changed`)."""
        found = (re.fullmatch(rf"{OUTSIDER_PREFIX}(\d{{1,3}})_(who|why)", key) for key in kept)
        numbers = sorted({int(match.group(1)) for match in found if match})
        if not numbers:
            return
        shown = [row for row in self.rows if row.texts() != (None, None)]
        self._set_rows(len(shown) + len(numbers))
        for row, number in zip(self.rows[len(shown) :], numbers, strict=True):
            row.show(
                kept.get(f"{OUTSIDER_PREFIX}{number}_who"),
                kept.get(f"{OUTSIDER_PREFIX}{number}_why"),
            )
        self.shape_changed.emit()

    def first_unanswered(self) -> QWidget:
        """The first who or why still to type."""
        for row in self.rows:
            who, why = row.texts()
            if who is None:
                return row.who
            if why is None:
                return row.why
        return self.add

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [*(w for row in self.rows for w in (row.who, row.why, row.remove)), self.add]

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        for widget in self.inputs():
            widget.setEnabled(editable)
