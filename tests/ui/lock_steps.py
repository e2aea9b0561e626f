"""Steps of the lock-keeps-typing tests: signing in through the window, finding a screen by
its tab as a nurse would, choosing a row with the mouse, and what the store holds once the
window has locked (read with the person's own password, as the next sign-in would)."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from app.models.form_draft import FormDraft
from app.store.records import RecordReader
from app.store.store import Store
from app.ui.main_window import MainWindow
from tests.ui.conftest import Passwords
from tests.ui.test_session import _sign_in

W = TypeVar("W", bound=QWidget)
T = TypeVar("T")
WAIT = 10_000


def sign_in(qtbot: QtBot, window: MainWindow, username: str, passwords: Passwords) -> None:
    """Sign in through the sign-in screen, and make the window the active one."""
    _sign_in(qtbot, window, username, passwords[username])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def open_tab(window: MainWindow, words: str, kind: type[W]) -> W:
    """Click the tab whose title has ``words``; return its screen."""
    work = window.work
    assert work is not None
    index = next(i for i in range(work.tabs.count()) if words in work.tabs.tabText(i))
    work.tabs.setCurrentIndex(index)
    screen = work.tabs.widget(index)
    assert isinstance(screen, kind)
    window.activateWindow()  # building the screen can take the focus out of the window
    return screen


def click_row(qtbot: QtBot, table: QTableView, row: int) -> None:
    """Click the first cell of ``row``."""
    index = table.model().index(row, 0)
    table.scrollTo(index)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )


def after_lock(
    folder: Path, passwords: Passwords, username: str, query: Callable[[RecordReader], T]
) -> T:
    """What the store holds now, read as ``username`` (the window must be locked)."""
    with Store.open(folder, username, passwords[username]) as store, store.read() as reader:
        return query(reader)


def drafts_of(reader: RecordReader, record_id: UUID, form: str) -> list[FormDraft]:
    """Every draft of ``form`` kept for ``record_id`` (as parent), open or closed."""
    found = reader.find(FormDraft, parent_id=record_id)
    return [d for d in found if d.form == form]
