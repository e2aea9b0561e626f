"""Qt table models of the history screen, each over a tuple of frozen rows
(:mod:`app.ui.history.loading`, :mod:`app.models.record_diff`).

Rows are replaced whole (a reset); nothing is edited in place except the comparison's
"keep" choices, which are the model's own state, not the rows'. Differences are said in
words ("DIFFERENT") as well as in colour and bold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.models.record_diff import FieldComparison
from app.ui.history.loading import ChangeLine, ConflictRow, RevisionLine, Version
from app.ui.widgets import OVERDUE_COLOUR

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
DISPLAY = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
#: How a field that differs between versions is marked (in words, not only in colour).
DIFFERENT = "DIFFERENT"
SAME = "same"


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table over frozen rows: one ``(header, text of a row)`` per column."""

    def __init__(self, columns: Sequence[tuple[str, Callable[[T], str]]]) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._rows: tuple[T, ...] = ()

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show ``rows`` (replacing every row)."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[T, ...]:
        """The rows shown."""
        return self._rows

    def row_of(self, index: Index) -> T | None:
        """The row behind ``index``."""
        valid = index.isValid() and 0 <= index.row() < len(self._rows)
        return self._rows[index.row()] if valid else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Rows (a table: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Columns."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802 - Qt's API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text (also its tooltip, since cells may be long)."""
        row = self.row_of(index)
        if row is None or not 0 <= index.column() < len(self._columns):
            return None
        if role in (*DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return self._columns[index.column()][1](row)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells can be selected, not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def revisions_model() -> RowsModel[RevisionLine]:
    """A record's revisions, oldest first."""
    return RowsModel[RevisionLine](
        [
            ("No.", lambda r: str(r.number)),
            ("When", lambda r: r.when),
            ("Who", lambda r: r.author),
            ("What happened", lambda r: r.happened),
            ("What changed", lambda r: r.changed),
            ("Standing", lambda r: r.standing),
        ]
    )


def changes_model() -> RowsModel[ChangeLine]:
    """What one revision changed, field by field."""
    return RowsModel[ChangeLine](
        [
            ("Compared with", lambda c: c.against),
            ("Field", lambda c: c.label),
            ("Before", lambda c: c.old),
            ("After", lambda c: c.new),
        ]
    )


def conflicts_model() -> RowsModel[ConflictRow]:
    """The ward's conflicted records."""
    return RowsModel[ConflictRow](
        [
            ("Record", lambda c: c.title),
            ("Patient", lambda c: c.patient),
            ("Versions", lambda c: str(c.versions)),
            ("Latest change", lambda c: c.latest),
        ]
    )


class ComparisonModel(QAbstractTableModel):
    """Diverging versions side by side: the field, its value in each version, whether they
    differ (in words), and which version's value to keep (differing fields only)."""

    def __init__(self) -> None:
        super().__init__()
        self._versions: tuple[Version, ...] = ()
        self._all: tuple[FieldComparison, ...] = ()
        self._rows: tuple[FieldComparison, ...] = ()
        self._choices: dict[str, int] = {}
        self._only_differing = False

    # -- feeding it ------------------------------------------------------------------------

    def set_versions(
        self, versions: Sequence[Version], fields: Sequence[FieldComparison], *, keep: int
    ) -> None:
        """Compare ``versions``; every differing field starts by keeping version ``keep``."""
        self.beginResetModel()
        self._versions = tuple(versions)
        self._all = tuple(fields)
        self._choices = {f.path: keep for f in self._all if f.differs}
        self._rows = self._visible()
        self.endResetModel()

    def set_only_differing(self, only: bool) -> None:
        """Show only the fields that differ (True) or every field."""
        self.beginResetModel()
        self._only_differing = only
        self._rows = self._visible()
        self.endResetModel()

    def _visible(self) -> tuple[FieldComparison, ...]:
        return tuple(f for f in self._all if f.differs or not self._only_differing)

    def choose(self, row: int, version: int) -> None:
        """Keep version ``version``'s value of the field in ``row`` (a differing field)."""
        field = self._rows[row]
        if field.path in self._choices and 0 <= version < len(self._versions):
            self._choices[field.path] = version
            cell = self.index(row, self.keep_column)
            self.dataChanged.emit(cell, cell)

    def choose_all(self, version: int) -> None:
        """Keep version ``version``'s value of every differing field."""
        self._choices = dict.fromkeys(self._choices, version)
        if self._rows:
            column = self.keep_column
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def choices(self) -> dict[str, int]:
        """Field path → the version whose value is kept, for every differing field."""
        return dict(self._choices)

    def choice_of(self, row: int) -> int | None:
        """The version kept for the field in ``row`` (None for a field that is the same)."""
        return self._choices.get(self._rows[row].path) if 0 <= row < len(self._rows) else None

    def field_of(self, row: int) -> FieldComparison | None:
        """The field in ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @property
    def keep_column(self) -> int:
        """The column saying which version is kept."""
        return len(self._versions) + 2

    # -- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Fields shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """Field, one per version, same or different, keep."""
        return 0 if parent.isValid() or not self._versions else len(self._versions) + 3

    def headerData(  # noqa: N802 - Qt's API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Titles; a version's title is its letter, its tooltip says whose and when."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        version = self._versions[section - 1] if 1 <= section <= len(self._versions) else None
        if role == Qt.ItemDataRole.DisplayRole:
            if version is not None:
                return f"Version {version.letter}"
            return {0: "Field", self.keep_column - 1: "Same or different"}.get(section, "Keep")
        if role == Qt.ItemDataRole.ToolTipRole and version is not None:
            return version.heading
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text of a cell; differing rows are bold, and red in the "different" column."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        field, column = self._rows[index.row()], index.column()
        if role in (*DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return self._text(field, column)
        if role == Qt.ItemDataRole.FontRole and field.differs:
            font = QFont()
            font.setBold(True)
            return font
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and field.differs
            and column == self.keep_column - 1
        ):
            return QBrush(QColor(OVERDUE_COLOUR))
        return None

    def _text(self, field: FieldComparison, column: int) -> str:
        if column == 0:
            return field.label
        if column <= len(self._versions):
            return field.values[column - 1]
        if column == self.keep_column - 1:
            return DIFFERENT if field.differs else SAME
        choice = self._choices.get(field.path)
        if choice is None:
            return ""
        return f"{self._versions[choice].letter}: {field.values[choice]}"

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Cells can be selected, not edited (the keep choice has its own control)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
