"""About this PC: every setting the ward client runs with, its value and where it came from.

Read-only by design: settings that trust IT put in the machine-wide file are shown as managed by
the organisation, and nothing here can be edited (a person at a ward PC changes no setting; see
:mod:`app.config`). Settings hold no patient data, so the panel is open while the window is
locked too (IT checks a PC without signing in).
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import SettingsSources
from app.ui.widgets import named

COLUMNS = ("Setting", "Value", "Managed", "Where it came from")
MANAGED = "Managed by your organisation"


def shown_value(value: object) -> str:
    """A setting's value in words: durations in days, hours and minutes; unset as "not set"."""
    if value is None:
        return "not set"
    if isinstance(value, timedelta):
        return _duration(value)
    return str(value)


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    parts = []
    for unit, size in (("day", 24 * 60), ("hour", 60), ("minute", 1)):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return ", ".join(parts) or f"{int(value.total_seconds())} seconds"


class AboutThisPc(QDialog):
    """The settings of this PC, each with its source; nothing in it can be edited."""

    def __init__(self, sources: SettingsSources, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About this PC — RPR")
        self.setObjectName("about-this-pc")
        self.resize(900, 560)
        intro = named(
            QLabel(
                "The settings RPR runs with on this PC. Settings marked “"
                f"{MANAGED}” are set by trust IT in {sources.machine_file} and cannot be "
                "changed here; ask trust IT to change them. Nothing on this page can be edited."
            ),
            "About these settings",
        )
        intro.setWordWrap(True)
        self.table = named(QTableWidget(len(sources.settings), len(COLUMNS)), "Settings")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for row, setting in enumerate(sources.settings):
            cells = (
                setting.name,
                shown_value(setting.value),
                MANAGED if setting.managed else "",
                setting.where,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.ignored = named(
            QLabel("\n".join(ignored.sentence for ignored in sources.ignored)),
            "Ignored settings",
        )
        self.ignored.setWordWrap(True)
        self.ignored.setVisible(bool(sources.ignored))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            named(close, "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.ignored)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, ...]]:
        """The table's text, row by row (tests and screen readers see the same)."""
        return [
            tuple(
                item.text() if (item := self.table.item(row, column)) is not None else ""
                for column in range(self.table.columnCount())
            )
            for row in range(self.table.rowCount())
        ]
