"""The staff list as a Qt table model over frozen rows (:class:`StaffRow`)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any
from uuid import UUID

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.ui.staff.loading import StaffRow

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The list's columns, in order."""

    NAME = 0
    JOB_TITLE = 1
    ROLE = 2
    BASE = 3
    STATUS = 4
    USERNAME = 5
    ACCESS = 6
    ON_THIS_PC = 7


HEADERS = {
    Column.NAME: "Name",
    Column.JOB_TITLE: "Job title",
    Column.ROLE: "Role",
    Column.BASE: "Based",
    Column.STATUS: "Status",
    Column.USERNAME: "Account",
    Column.ACCESS: "Access",
    Column.ON_THIS_PC: "Signs in on this PC",
}


def _text(row: StaffRow, column: Column) -> str:
    if column is Column.STATUS:
        return "Active" if row.active else "Left (inactive)"
    if column is Column.USERNAME:
        return row.username or "no account"
    if column is Column.ON_THIS_PC:
        return "" if not row.username else "Yes" if row.on_this_pc else "No"
    return {
        Column.NAME: row.name,
        Column.JOB_TITLE: row.job_title,
        Column.ROLE: row.role,
        Column.BASE: row.base,
        Column.ACCESS: row.access,
    }[column]


class StaffListModel(QAbstractTableModel):
    """One row per staff member (and per account without one)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[StaffRow, ...] = ()

    def set_rows(self, rows: tuple[StaffRow, ...]) -> None:
        """Show ``rows``: in place when the same people come in the same order, else reset."""
        if rows and [r.key for r in rows] == [r.key for r in self._rows]:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(Column) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def clear(self) -> None:
        """Show nobody (the window is locking)."""
        self.set_rows(())

    def row_of(self, index: Index) -> StaffRow | None:
        """The row behind ``index``."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self._rows[index.row()]

    def row_number(self, key: UUID) -> int | None:
        """Where the staff member or account ``key`` is listed."""
        return next(
            (i for i, r in enumerate(self._rows) if key in (r.staff_id, r.account_id)), None
        )

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """People listed (a table: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """The columns of :class:`Column`."""
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802 - Qt's API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The words of one cell (status is words, not a colour)."""
        row = self.row_of(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _text(row, Column(index.column()))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rows can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
