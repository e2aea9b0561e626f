"""The ward's incident records as a Qt table model over frozen rows
(:class:`~app.ui.incidents.queries.IncidentRow`), replaced whole on each reload. A record
returned for correction says so in words and in colour."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.models.clock import format_local
from app.models.completeness import STATUTORY_ITEMS
from app.ui.incidents.queries import IncidentRow
from app.ui.incidents.wording import status_word
from app.ui.widgets import SOON_COLOUR

Index = QModelIndex | QPersistentModelIndex
#: The role holding a row's incident id (as text).
INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(IntEnum):
    """The list's columns, in order."""

    PATIENT = 0
    STARTED = 1
    STATUS = 2
    MISSING = 3
    TYPES = 4
    SENT = 5


HEADERS = {
    Column.PATIENT: "Patient",
    Column.STARTED: "Began",
    Column.STATUS: "Status",
    Column.MISSING: "Statutory items missing",
    Column.TYPES: "Types of force",
    Column.SENT: "Sent to the trust",
}
#: The words of a record with a revision not yet sent to the trust server (issue 7:
#: "per-record 'not yet sent'").
NOT_YET_SENT = "Not yet sent"


class IncidentListModel(QAbstractTableModel):
    """One row per record: drafts and those awaiting sign-off first, then recent sign-offs."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: tuple[IncidentRow, ...] = ()

    def set_rows(self, rows: tuple[IncidentRow, ...]) -> None:
        """Show ``rows`` (the model is reset)."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> tuple[IncidentRow, ...]:
        """The rows shown."""
        return self._rows

    def row_of(self, index: Index) -> IncidentRow | None:
        """The row behind ``index``."""
        return self._rows[index.row()] if index.isValid() else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Records listed (a table: no children)."""
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

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911
        """Text, tooltip, the returned colour and the incident id of one cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.MISSING:
            return "\n".join(STATUTORY_ITEMS[letter] for letter in row.missing) or None
        if row.returned and column is Column.STATUS:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(SOON_COLOUR))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == INCIDENT_ID_ROLE:
            return str(row.incident_id)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @staticmethod
    def _text(row: IncidentRow, column: Column) -> str:
        if column is Column.PATIENT:
            return row.patient_name
        if column is Column.STARTED:
            return format_local(row.started_at)
        if column is Column.STATUS:
            return status_word(row.status, returned=row.returned)
        if column is Column.MISSING:
            return ", ".join(f"({letter})" for letter in row.missing) or "all given"
        if column is Column.SENT:
            return NOT_YET_SENT if row.unsent else ""
        return ", ".join(t.label for t in row.types) or "None recorded yet"
