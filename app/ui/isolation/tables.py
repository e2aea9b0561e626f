"""Lists of the isolation screens: one Qt table model over frozen rows with declared columns,
and the row of clock chips of an episode.

Rows are replaced whole when the screen reloads (on the store worker); between reloads
:meth:`RowsModel.tick` re-words the live columns every second, so "due in 1 min" becomes
"OVERDUE by 0 min" exactly when the domain's rule says (``ReviewClock.overdue_at``). Overdue
cells and chips are red and bold *and* say OVERDUE: colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.models.review_clocks import ReviewClock
from app.ui.isolation.wording import clock_chip, clock_tooltip
from app.ui.widgets import OVERDUE_COLOUR, named

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
#: The role holding a row's key (its record id, as text).
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """One column: its title, its words for a row at an instant, and whether the row is
    overdue there (red, bold). ``live`` columns are re-worded every second."""

    title: str
    text: Callable[[T, datetime], str]
    overdue: Callable[[T, datetime], bool] | None = None
    tooltip: Callable[[T, datetime], str | None] | None = None
    live: bool = False


class RowsModel(QAbstractTableModel, Generic[T]):
    """A table over frozen rows of type ``T``, worded for the current time. Give it a
    ``parent`` (its screen): a model is a QObject, and one owned by Python alone could be
    freed on the store worker when a finished job drops the last reference to its screen."""

    def __init__(
        self,
        columns: Sequence[Column[T]],
        key: Callable[[T], Hashable],
        now: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._key = key
        self._now = now
        self._rows: tuple[T, ...] = ()
        self._at = now()

    # -- feeding it ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show ``rows``. The same keys in the same order are updated in place (the
        selection survives); otherwise the model is reset."""
        rows = tuple(rows)
        self._at = self._now()
        if rows and [self._key(r) for r in rows] == [self._key(r) for r in self._rows]:
            self._rows = rows
            last = self.index(len(rows) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def clear(self) -> None:
        """Show nothing (the window is locking)."""
        self.set_rows(())

    def tick(self) -> None:
        """Re-word the live columns for the current time."""
        self._at = self._now()
        live = [n for n, c in enumerate(self._columns) if c.live]
        if self._rows and live:
            self.dataChanged.emit(
                self.index(0, min(live)), self.index(len(self._rows) - 1, max(live))
            )

    def rows(self) -> tuple[T, ...]:
        """Every row, in order."""
        return self._rows

    def row_at(self, index: Index) -> T | None:
        """The row behind ``index``."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self._rows[index.row()]

    def row_of(self, key: Hashable) -> int | None:
        """The position of the row with ``key``."""
        return next((n for n, r in enumerate(self._rows) if self._key(r) == key), None)

    # -- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Rows (a table: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """The declared columns."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802 - Qt's API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; rows are not numbered."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: PLR0911
        """Text, tooltip, colour and key of one cell."""
        row = self.row_at(index)
        if row is None or not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row, self._at)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row, self._at) if column.tooltip else None
        overdue = column.overdue is not None and column.overdue(row, self._at)
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QBrush(QColor(OVERDUE_COLOUR))
        if role == Qt.ItemDataRole.FontRole and overdue:
            font = QFont()
            font.setBold(True)
            return font
        if role == KEY_ROLE:
            return str(self._key(row))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ClockChips(QWidget):
    """Every clock of one episode, one line each, re-worded every second."""

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._clocks: tuple[ReviewClock, ...] = ()
        self._labels: list[QLabel] = []
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel("No clocks: the episode has ended.")
        self._column.addWidget(self.empty)

    def set_clocks(self, clocks: Sequence[ReviewClock]) -> None:
        """Show ``clocks`` (one chip each)."""
        self._clocks = tuple(clocks)
        while len(self._labels) < len(self._clocks):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._labels.append(label)
            self._column.addWidget(label)
        for n, label in enumerate(self._labels):
            label.setVisible(n < len(self._clocks))
        self.empty.setVisible(not self._clocks)
        self.tick()

    def chip(self, kind_label: str) -> QLabel | None:
        """The chip of the clock labelled ``kind_label`` (e.g. "Nursing review")."""
        for clock, label in zip(self._clocks, self._labels, strict=False):
            if clock.kind.label == kind_label:
                return label
        return None

    def tick(self) -> None:
        """Re-word every chip for the current time."""
        at = self._now()
        for clock, label in zip(self._clocks, self._labels, strict=False):
            label.setText(clock_chip(clock, at))
            named(label, f"{clock.kind.label} clock")
            label.setToolTip(clock_tooltip(clock))
            style = f"color: {OVERDUE_COLOUR}; font-weight: bold;" if clock.overdue_at(at) else ""
            if label.styleSheet() != style:  # restyle only when it turns (a style is costly)
                label.setStyleSheet(style)
