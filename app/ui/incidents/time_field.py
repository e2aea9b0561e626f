"""A time typed as the ward's clock shows it ("14:05", "now", "yesterday 23:50"), read by the
domain's rule (:mod:`app.models.time_entry`) the moment it is typed, with the date and time it
was taken to mean shown beside it in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from app.models.clock import format_local
from app.models.time_entry import HELP, TimeEntryError, format_time_entry, parse_time_entry
from app.ui.widgets import OVERDUE_COLOUR, named


class TimeField(QWidget):
    """One date-time of the record. ``editor`` takes the focus; :meth:`value` is the instant
    typed (None when empty or not a time; :meth:`problem` then says why)."""

    #: What was typed changed (the value may now be None).
    changed = Signal()

    def __init__(
        self, name: str, now: Callable[[], datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._value: datetime | None = None
        self._problem: str | None = None
        self.editor = named(QLineEdit(), name)
        self.editor.setPlaceholderText("hh:mm or now")
        self.editor.setToolTip(HELP)
        self.editor.setMaxLength(40)
        self.now_button = named(QToolButton(), f"{name}: now")
        self.now_button.setText("Now")
        self.now_button.setToolTip('Fill in the current time (or type "now" or "n").')
        self.now_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing "n" does it by keyboard
        self.meaning = named(QLabel(), f"{name} as recorded")
        self.meaning.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.editor, 1)
        row.addWidget(self.now_button)
        row.addWidget(self.meaning, 2)
        self.setFocusProxy(self.editor)
        self.editor.textEdited.connect(self._typed)
        self.editor.editingFinished.connect(self._tidy)
        self.now_button.clicked.connect(self._fill_now)

    def rename(self, name: str) -> None:
        """Name the field (and its parts) ``name``."""
        named(self.editor, name)
        named(self.now_button, f"{name}: now")
        named(self.meaning, f"{name} as recorded")

    # -- reading and showing -----------------------------------------------------------

    def value(self) -> datetime | None:
        """The instant typed, or None (empty, or not a time)."""
        return self._value

    def problem(self) -> str | None:
        """Why what was typed is not a time, or None."""
        return self._problem

    def set_value(self, value: datetime | None) -> None:
        """Show ``value`` as the ward's clock shows it (no :attr:`changed`)."""
        self._value, self._problem = value, None
        self.editor.setText("" if value is None else format_time_entry(value, self._now()))
        self._show()

    def set_typed(self, text: str) -> None:
        """Show ``text`` as if it had been typed (a draft kept it), read as typing is (no
        :attr:`changed`)."""
        self.editor.setText(text)
        self.blockSignals(True)  # noqa: FBT003 - Qt's API
        try:
            self._typed(text)
        finally:
            self.blockSignals(False)  # noqa: FBT003 - Qt's API

    def set_editable(self, editable: bool) -> None:
        """Allow typing (or not)."""
        self.editor.setEnabled(editable)
        self.now_button.setEnabled(editable)

    # -- typing ----------------------------------------------------------------------------

    def _typed(self, text: str) -> None:
        if not text.strip():
            self._value, self._problem = None, None
        else:
            try:
                self._value, self._problem = parse_time_entry(text, self._now()), None
            except TimeEntryError as exc:
                self._value, self._problem = None, str(exc)
        self._show()
        self.changed.emit()

    def _fill_now(self) -> None:
        self.editor.setText("now")
        self._typed("now")
        self._tidy()

    def _tidy(self) -> None:
        """Leaving the field: "now" becomes the time it meant, so it no longer moves."""
        if self._value is not None:
            self.editor.setText(format_time_entry(self._value, self._now()))

    def _show(self) -> None:
        if self._problem is not None:
            self.meaning.setText(f"Not a time the record can hold: {self._problem}")
            self.meaning.setStyleSheet(f"color: {OVERDUE_COLOUR};")
        else:
            self.meaning.setText("" if self._value is None else format_local(self._value))
            self.meaning.setStyleSheet("")
