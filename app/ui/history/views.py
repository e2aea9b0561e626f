"""Table views of the history screen: whole rows selected, text wrapped, columns sized to
their text but never wider than a readable line (long narratives wrap instead)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.ui.widgets import named

#: The widest a column grows, in average characters of the current font.
MAX_COLUMN_CHARS = 40


def table_view(name: str) -> QTableView:
    """A read-only table with its accessible name, selecting one whole row at a time."""
    table = named(QTableView(), name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


def fit(table: QTableView) -> None:
    """Size columns to their text (up to :data:`MAX_COLUMN_CHARS`), then rows to the
    wrapped text. Follows the font, so it holds at larger font sizes."""
    table.resizeColumnsToContents()
    widest = table.fontMetrics().averageCharWidth() * MAX_COLUMN_CHARS
    header = table.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)
    table.resizeRowsToContents()
