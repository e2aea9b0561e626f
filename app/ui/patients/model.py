"""The patients list as a Qt table model over frozen rows (:class:`PatientRow`), and the
filter in front of it (a name, part of a name, or the digits of an NHS number)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any
from uuid import UUID

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from app.ui.patients.loading import PatientRow, digits_of

Index = QModelIndex | QPersistentModelIndex

#: The role holding the row's patient id (as text).
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(IntEnum):
    """The list's columns, in order."""

    NAME = 0
    NHS_NUMBER = 1
    BORN = 2
    LEGAL_STATUS = 3
    STAY = 4


HEADERS = {
    Column.NAME: "Patient",
    Column.NHS_NUMBER: "NHS number",
    Column.BORN: "Date of birth",
    Column.LEGAL_STATUS: "Legal status",
    Column.STAY: "Stay",
}


def _text(row: PatientRow, column: Column) -> str:
    return {
        Column.NAME: row.name,
        Column.NHS_NUMBER: row.nhs_number or "not recorded",
        Column.BORN: row.date_of_birth or "not recorded",
        Column.LEGAL_STATUS: row.legal_status or "not recorded",
        Column.STAY: row.stay,
    }[column]


class PatientListModel(QAbstractTableModel):
    """One row per patient, in the order the rows were loaded."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[PatientRow, ...] = ()

    def set_rows(self, rows: tuple[PatientRow, ...]) -> None:
        """Show ``rows``: updated in place when the same patients come in the same order (the
        selection survives), otherwise reset."""
        if rows and [r.patient_id for r in rows] == [r.patient_id for r in self._rows]:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(Column) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def clear(self) -> None:
        """Show nothing (the window is locking)."""
        self.set_rows(())

    def row_of(self, index: Index) -> PatientRow | None:
        """The row behind ``index`` of this model."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self._rows[index.row()]

    def row_number(self, patient_id: UUID) -> int | None:
        """Where ``patient_id`` is, if listed."""
        return next((i for i, r in enumerate(self._rows) if r.patient_id == patient_id), None)

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Patients listed (a table: no children)."""
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
        """Text, the patient id, and bold for those on the ward (their words say so too)."""
        row = self.row_of(index)
        if row is None:
            return None
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _text(row, column)
        if role == PATIENT_ID_ROLE:
            return str(row.patient_id)
        if role == Qt.ItemDataRole.FontRole and row.on_ward and column is Column.STAY:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rows can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class PatientFilter(QSortFilterProxyModel):
    """Shows the rows matching the typed text, and only recent patients unless earlier ones
    are asked for. Digits match the NHS number; words match the name (every word, anywhere)."""

    def __init__(self, source: PatientListModel) -> None:
        super().__init__()
        self._source = source
        self._words: tuple[str, ...] = ()
        self._digits = ""
        self._earlier = False
        self.setSourceModel(source)

    def set_text(self, text: str) -> None:
        """Filter by ``text`` (empty: everyone in scope)."""
        self.beginFilterChange()
        stripped = text.strip()
        digits = digits_of(stripped)
        if digits and digits.isdigit():
            self._digits, self._words = digits, ()
        else:
            self._digits, self._words = "", tuple(stripped.casefold().split())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_include_earlier(self, include: bool) -> None:
        """Also list patients who left long ago (to find someone coming back)."""
        self.beginFilterChange()
        self._earlier = include
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        """In scope, and matching the text."""
        row = self._source.row_of(self._source.index(source_row, 0, source_parent))
        if row is None:
            return False
        if not (row.recent or self._earlier or self._digits or self._words):
            return False
        if self._digits:
            return self._digits in row.search
        return all(word in row.search for word in self._words)

    def row_of(self, index: Index) -> PatientRow | None:
        """The row behind ``index`` of this proxy."""
        return self._source.row_of(self.mapToSource(index))
