"""The ward board as a Qt table model over frozen rows (:class:`PatientOnBoard`).

Rows are replaced whole when the board is reloaded (from the store worker); between reloads
:meth:`WardBoardModel.tick` re-words the countdown columns every second, so "due in 1 min"
becomes "OVERDUE by 0 min" exactly when the domain's rule says (``ReviewClock.overdue_at``).
Overdue cells are red *and* say OVERDUE: colour is never the only signal. A restriction's
review due soon, or an LTS prompt, is amber and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.models.clock import utc_now
from app.models.ward_board import EpisodeOnBoard, PatientOnBoard, WardBoard
from app.ui.board.links import CHIP_HINTS, Chip, chip_count
from app.ui.board.wording import (
    clock_lines,
    restrictions_cell,
    restrictions_tooltip,
    seclusion_chip,
    segregation_chip,
)
from app.ui.widgets import OVERDUE_COLOUR, SOON_COLOUR

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The board's columns, in order."""

    PATIENT = 0
    SECLUSION = 1
    SEGREGATION = 2
    RESTRICTIONS = 3
    INCIDENTS = 4
    DRAFTS = 5
    AWAITING = 6
    CONFLICTS = 7


HEADERS = {
    Column.PATIENT: "Patient",
    Column.SECLUSION: "Seclusion",
    Column.SEGREGATION: "Long-term segregation",
    Column.RESTRICTIONS: "Restrictions and enhanced observation",
    Column.INCIDENTS: "Incidents, 7 days",
    Column.DRAFTS: "Drafts",
    Column.AWAITING: "Awaiting sign-off",
    Column.CONFLICTS: "Conflicts",
}
#: The role holding the row's patient id.
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The columns whose counts open what they count (:mod:`app.ui.board.links`).
CHIP_OF_COLUMN = {
    Column.DRAFTS: Chip.DRAFTS,
    Column.AWAITING: Chip.AWAITING,
    Column.CONFLICTS: Chip.CONFLICTS,
}


class WardBoardModel(QAbstractTableModel):
    """One row per patient, most in need of attention first."""

    def __init__(self, now: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self._now = now
        self._rows: tuple[PatientOnBoard, ...] = ()
        self._at = now()

    # -- feeding it ------------------------------------------------------------------------

    def set_board(self, board: WardBoard) -> None:
        """Show ``board``. The same patients in the same order are updated in place (the
        selection survives); otherwise the model is reset."""
        rows = board.patients
        self._at = self._now()
        if [r.patient_id for r in rows] == [r.patient_id for r in self._rows] and rows:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(Column) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def clear(self) -> None:
        """Show nothing (the window is locking)."""
        self.beginResetModel()
        self._rows = ()
        self.endResetModel()

    def tick(self) -> None:
        """Re-word the countdowns for the current time."""
        self._at = self._now()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.SECLUSION),
                self.index(len(self._rows) - 1, Column.RESTRICTIONS),
            )

    @property
    def at(self) -> datetime:
        """The instant the countdowns are worded for (the last tick or reload)."""
        return self._at

    def row_of(self, index: Index) -> PatientOnBoard | None:
        """The row behind ``index``."""
        return self._rows[index.row()] if index.isValid() else None

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Patients on the board (a table: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """The columns of :class:`Column`."""
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802 - Qt's API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; rows are numbered by Qt."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911
        """Text, tooltip (a count's says what Enter opens), colour and the patient id of one
        cell."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            chip = CHIP_OF_COLUMN.get(column)
            if chip is not None:
                return CHIP_HINTS[chip] if chip_count(row, chip) else None
            if column is Column.RESTRICTIONS:
                return restrictions_tooltip(row.restrictions)
            episode = self._episode(row, column)
            return clock_lines(episode, self._at) if episode else None
        if role == Qt.ItemDataRole.ForegroundRole and self._overdue(row, column):
            return QBrush(QColor(OVERDUE_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole and self._soon(row, column):
            return QBrush(QColor(SOON_COLOUR))
        if role == Qt.ItemDataRole.FontRole and self._overdue(row, column):
            font = QFont()
            font.setBold(True)
            return font
        if role == PATIENT_ID_ROLE:
            return str(row.patient_id)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- cells -------------------------------------------------------------------------------

    @staticmethod
    def _episode(row: PatientOnBoard, column: Column) -> EpisodeOnBoard | None:
        if column is Column.SECLUSION:
            return row.seclusion
        if column is Column.SEGREGATION:
            return row.segregation
        return None

    def _overdue(self, row: PatientOnBoard, column: Column) -> bool:
        if column is Column.RESTRICTIONS:
            return any(r.clock.overdue_at(self._at) for r in row.restrictions)
        episode = self._episode(row, column)
        return episode is not None and any(c.overdue_at(self._at) for c in episode.clocks)

    @staticmethod
    def _soon(row: PatientOnBoard, column: Column) -> bool:
        """Amber: a restriction's review due soon, or an LTS prompt (words say it too)."""
        if column is Column.RESTRICTIONS:
            return any(r.due_soon for r in row.restrictions)
        return column is Column.SEGREGATION and bool(row.lts_prompts)

    def _text(self, row: PatientOnBoard, column: Column) -> str:
        if column is Column.PATIENT:
            return row.patient_name if row.on_ward else f"{row.patient_name} (not on the ward)"
        if column is Column.SECLUSION:
            return seclusion_chip(row.seclusion, self._at) if row.seclusion else ""
        if column is Column.SEGREGATION:
            return segregation_chip(row.segregation, self._at) if row.segregation else ""
        if column is Column.RESTRICTIONS:
            return restrictions_cell(row.restrictions, self._at)
        counts = {
            Column.INCIDENTS: row.incidents_last_7d,
            Column.DRAFTS: row.drafts,
            Column.AWAITING: row.awaiting_sign_off,
            Column.CONFLICTS: row.conflicted,
        }
        count = counts[column]
        if column is Column.DRAFTS and row.returned:
            return f"{count} ({row.returned} returned for correction)"
        return str(count) if count else ""
