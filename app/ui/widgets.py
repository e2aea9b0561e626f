"""Small helpers every screen uses: accessible names, the error line, the colours that
always come with words."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QLabel, QWidget

W = TypeVar("W", bound=QWidget)

#: Red for overdue, amber for due soon: never the only signal (the words say it too).
OVERDUE_COLOUR = "#b00020"
SOON_COLOUR = "#8a5a00"


def named(widget: W, name: str) -> W:
    """``widget`` with its accessible name (read by screen readers, found by tests)."""
    widget.setAccessibleName(name)
    return widget


def error_label() -> QLabel:
    """The line that says what went wrong, in words (and in red)."""
    label = named(QLabel(), "Message")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {OVERDUE_COLOUR};")
    return label


def disconnect_quietly(signal: SignalInstance, slot: Callable[..., object]) -> None:
    """Disconnect ``slot`` from ``signal`` if it is still connected (a screen stops both when
    the window locks and when its work area goes; the second time there is nothing to do)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # PySide warns when nothing is connected
        with contextlib.suppress(RuntimeError, TypeError, SystemError):
            signal.disconnect(slot)
