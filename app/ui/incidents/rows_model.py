"""A read-only Qt table model over a tuple of frozen rows, its cells worded by one function
(the statements screen's lists). Rows are replaced whole."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """``headers`` name the columns; ``cell(row, column)`` words one cell."""

    def __init__(self, headers: Sequence[str], cell: Callable[[Any, int], str]) -> None:
        super().__init__()
        self._headers = tuple(headers)
        self._cell = cell
        self._rows: tuple[Any, ...] = ()

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows`` (the model is reset)."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[Any, ...]:
        """The rows shown."""
        return self._rows

    def row_of(self, index: Index) -> Any:
        """The row behind ``index`` (None if it is not a row)."""
        valid = index.isValid() and 0 <= index.row() < len(self._rows)
        return self._rows[index.row()] if valid else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Rows shown (a table: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """One per header."""
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802 - Qt's API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The cell's words."""
        row = self.row_of(index)
        if row is None or not 0 <= index.column() < len(self._headers):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cell(row, index.column())
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
