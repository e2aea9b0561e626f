"""Fixtures for the ward client: Qt offscreen, a demo ward store copied per test, a clock the
test controls, and the window itself."""

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.models.policy import DEFAULT_POLICY
from app.ui.context import Navigator, ScreenContext
from app.ui.main_window import MainWindow
from app.ui.ops import StoreRunner
from app.ui.session.controller import Session
from tests.demo_store import Passwords


class Clock:
    """A wall clock the test moves by hand (the idle lock reads it)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC))


@pytest.fixture
def make_window(qtbot, clock: Clock) -> Iterator[Callable[[Path], MainWindow]]:  # type: ignore[no-untyped-def]
    """``make_window(folder)``: the ward client window on ``folder``, closed afterwards
    (``ward=``: the machine-wide ``ward`` setting it was started with)."""
    windows: list[MainWindow] = []

    def make(folder: Path, idle_lock_minutes: int = 10, ward: str | None = None) -> MainWindow:
        window = MainWindow(
            folder,
            policy=DEFAULT_POLICY,
            idle_lock_minutes=idle_lock_minutes,
            now=clock,
            ward=ward,
        )
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
    QApplication.processEvents()


@pytest.fixture
def signed_in(qtbot, demo: tuple[Path, Passwords], clock: Clock):  # type: ignore[no-untyped-def]
    """``signed_in(username)``: a :class:`ScreenContext` for a session on a copy of the demo
    ward (no window): what a screen is given. Sessions are closed afterwards."""
    folder, passwords = demo
    opened: list[tuple[Session, StoreRunner]] = []

    def make(username: str = "demo.nurse") -> ScreenContext:
        runner = StoreRunner()
        session = Session(runner, folder)
        with qtbot.waitSignal(session.signed_in, timeout=10_000) as blocker:
            session.sign_in(username, passwords[username], on_error=pytest.fail)
        facts = blocker.args[0]
        opened.append((session, runner))
        return ScreenContext(
            runner=runner,
            session=session,
            store=session.require_store(),
            facts=facts,
            ward=facts.wards[0],
            policy=DEFAULT_POLICY,
            now=clock,
            navigator=Navigator(),
        )

    yield make
    for session, runner in opened:
        session.close()
        runner.shutdown()
    QApplication.processEvents()
