"""The idle lock: after ``idle_lock_minutes`` without input the window locks.

As KeePassXC's ``InactivityTimer``: an application-wide event filter notes every key press,
click, wheel turn and pointer move. Unlike a single-shot timer, the check compares wall-clock
times: Qt's timers do not count time the PC spends asleep, so a laptop or a ward PC woken from
suspend would otherwise come back unlocked. The check runs every few seconds and on
``check_now()`` (which the window calls when the application becomes active again).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.models.clock import utc_now

#: Events that mean a person is at the keyboard.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
POLL_MS = 5_000


class IdleWatcher(QObject):
    """Emits :attr:`went_idle` once ``minutes`` pass without input (while started)."""

    went_idle = Signal()

    def __init__(
        self,
        minutes: int,
        *,
        now: Callable[[], datetime] = utc_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._limit = timedelta(minutes=minutes)
        self._now = now
        self._last = now()
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.check_now)

    @property
    def limit(self) -> timedelta:
        """How long without input before the lock."""
        return self._limit

    def start(self) -> None:
        """Begin watching (someone has just signed in)."""
        self._last = self._now()
        self._running = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (the window is locked)."""
        self._running = False
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Note the time of any input; never consumes the event."""
        if event.type() in ACTIVITY:
            self._last = self._now()
        return False

    def check_now(self) -> None:
        """Lock if the limit has passed since the last input, by the wall clock."""
        if self._running and self._now() - self._last >= self._limit:
            self.stop()
            self.went_idle.emit()
