"""What the restriction tests do as a nurse at the ward PC would, keyboard only: sign in, walk
the ward board to a patient with the arrow keys, open their restrictions with Alt+E, open a
form with its Alt+key, jump to a field with its label's Alt+key, type, and press Enter; then
read back what the store holds (on the session's own worker) and what the board shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.models.base import Record
from app.models.enhanced_observation import EnhancedObservation
from app.models.ward_board import PatientOnBoard, WardBoard
from app.store.store import Store
from app.ui.board.model import Column
from app.ui.board.page import BoardPage
from app.ui.context import ScreenContext
from app.ui.isolation.episode_page import EpisodePage
from app.ui.isolation.form import FormPanel
from app.ui.main_window import MainWindow
from app.ui.restrictions.page_frame import FormHostPage
from app.ui.restrictions.screen import RestrictionsScreen
from tests.ui.conftest import Passwords
from tests.ui.incident_steps import on_worker
from tests.ui.test_session import _sign_in

ALT = Qt.KeyboardModifier.AltModifier
WAIT = 10_000
R = TypeVar("R", bound=Record)


def signed_in_window(
    qtbot: QtBot, make_window: Callable[[Path], MainWindow], demo: tuple[Path, Passwords], who: str
) -> MainWindow:
    """The window signed in as ``who``, active (mnemonics go to the active window)."""
    folder, passwords = demo
    window = make_window(folder)
    _sign_in(qtbot, window, who, passwords[who])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def board_of(window: MainWindow) -> BoardPage:
    """The window's ward board."""
    assert window.work is not None
    assert window.work.board is not None
    return window.work.board


def context_of(window: MainWindow) -> ScreenContext:
    """The session's screen context."""
    assert window.work is not None
    return window.work.context


def reloaded(qtbot: QtBot, board: BoardPage) -> WardBoard:
    """The board read again (after records were saved behind its back)."""
    with qtbot.waitSignal(board.board_loaded, timeout=WAIT) as loaded:
        board.reload()
    result = loaded.args[0]
    assert isinstance(result, WardBoard)
    return result


def quiet_patient(board: WardBoard) -> PatientOnBoard:
    """A patient on the ward in neither seclusion nor LTS, with no enhanced observation
    running — with nothing running at all if the demo ward has such a patient."""
    calm = [
        p
        for p in board.patients
        if p.on_ward
        and p.seclusion is None
        and p.segregation is None
        and not any(r.kind == EnhancedObservation.KIND for r in p.restrictions)
    ]
    return next((p for p in calm if not p.restrictions), calm[0])


def board_clock(board: BoardPage) -> datetime:
    """The time the board words its countdowns for (its clock, the test's)."""
    return board.model._now()


def row_on_board(board: BoardPage, patient_id: UUID) -> PatientOnBoard:
    """The patient's row as the board shows it now."""
    model = board.model
    for row in range(model.rowCount()):
        found = model.row_of(model.index(row, 0))
        if found is not None and found.patient_id == patient_id:
            return found
    raise AssertionError("the patient is not on the board")


def cell(board: BoardPage, patient_id: UUID, column: Column) -> str:
    """The words of one of the patient's cells."""
    model = board.model
    for row in range(model.rowCount()):
        found = model.row_of(model.index(row, 0))
        if found is not None and found.patient_id == patient_id:
            return str(model.index(row, column).data() or "")
    raise AssertionError("the patient is not on the board")


def key(
    qtbot: QtBot, which: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """One key where the keyboard focus is (the active window if nothing has it)."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert isinstance(target, QWidget)
    qtbot.keyClick(target, which, modifier)


def alt(qtbot: QtBot, letter: str) -> None:
    """Alt+``letter`` (a tab, a button or a field's label)."""
    key(qtbot, getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)


def type_text(qtbot: QtBot, text: str) -> None:
    """Type where the focus is."""
    target = QApplication.focusWidget()
    assert isinstance(target, QWidget), "nothing has the keyboard focus"
    qtbot.keyClicks(target, text)


def walk_to(qtbot: QtBot, board: BoardPage, patient_id: UUID) -> None:
    """Alt+T puts the focus on the board's table; Ctrl+Home, then Down until the patient's row
    is selected."""
    alt(qtbot, "T")
    assert board.table.hasFocus()
    key(qtbot, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(board.model.rowCount()):
        if board.selected_patient() == patient_id:
            return
        key(qtbot, Qt.Key.Key_Down)
    assert board.selected_patient() == patient_id


def choose_in_list(
    qtbot: QtBot, letter: str, view: QAbstractItemView, chosen: Callable[[], bool]
) -> None:
    """Alt+``letter`` to the list, Ctrl+Home, then Down until ``chosen()`` holds."""
    alt(qtbot, letter)
    assert view.hasFocus()
    key(qtbot, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(view.model().rowCount()):
        if chosen():
            return
        key(qtbot, Qt.Key.Key_Down)
    assert chosen()


def restrictions_screen(window: MainWindow) -> RestrictionsScreen:
    """The restrictions screen (once it is the current tab)."""
    assert window.work is not None
    screen = window.work.tabs.currentWidget()
    assert isinstance(screen, RestrictionsScreen)
    return screen


def open_patient_restrictions(
    qtbot: QtBot, window: MainWindow, patient_id: UUID
) -> RestrictionsScreen:
    """From the board: walk to the patient's row and press Alt+E; wait for their page."""
    board = board_of(window)
    walk_to(qtbot, board, patient_id)
    alt(qtbot, "E")
    assert window.work is not None
    work = window.work
    qtbot.waitUntil(lambda: isinstance(work.tabs.currentWidget(), RestrictionsScreen), timeout=WAIT)
    screen = restrictions_screen(window)
    page = screen.patient
    qtbot.waitUntil(
        lambda: page.view is not None and page.view.patient_id == patient_id, timeout=WAIT
    )
    return screen


def open_form(qtbot: QtBot, page: FormHostPage | EpisodePage, letter: str) -> FormPanel:
    """Alt+``letter`` on the page; the form it opens (a button's mnemonic clicks it after a
    short animation)."""
    before = page.form
    alt(qtbot, letter)
    qtbot.waitUntil(lambda: page.form is not None and page.form is not before, timeout=WAIT)
    assert page.form is not None
    return page.form


def fill(qtbot: QtBot, letter: str, text: str) -> None:
    """Alt+``letter`` to the field its label names, select what it holds, type ``text``."""
    alt(qtbot, letter)
    key(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, text)


def save(qtbot: QtBot, page: FormHostPage | EpisodePage) -> None:
    """Enter in the focused field: the form saves; wait for the record to be saved."""
    with qtbot.waitSignal(page.record_saved, timeout=WAIT):
        key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.form is None, timeout=WAIT)


def refused(qtbot: QtBot, form: FormPanel) -> str:
    """Enter on a form that will refuse: the message it shows (the form stays open)."""
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(form.message.text()), timeout=WAIT)
    return form.message.text()


def stored(qtbot: QtBot, ctx: ScreenContext, kind: type[R], **filters: object) -> list[R]:
    """The current records of ``kind`` matching ``filters``, read on the store worker."""

    def read(store: Store) -> list[R]:
        with store.read() as reader:
            return reader.find(kind, **filters)

    return on_worker(qtbot, ctx, read)


def stored_ids(
    qtbot: QtBot, ctx: ScreenContext, kind: type[Record], **filters: object
) -> set[UUID]:
    """The ids of the records of ``kind`` matching ``filters`` now (the demo ward's own, say)."""
    return {r.id for r in stored(qtbot, ctx, kind, **filters)}


def added(
    qtbot: QtBot, ctx: ScreenContext, kind: type[R], before: set[UUID], **filters: object
) -> list[R]:
    """The records of ``kind`` matching ``filters`` that were not there ``before``."""
    return [r for r in stored(qtbot, ctx, kind, **filters) if r.id not in before]


def back_to_board(qtbot: QtBot, window: MainWindow) -> BoardPage:
    """Alt+W: the ward board, drawn again from the store."""
    board = board_of(window)
    with qtbot.waitSignal(board.board_loaded, timeout=WAIT):
        alt(qtbot, "W")
        board.reload()
    assert window.work is not None
    assert window.work.tabs.currentWidget() is board
    return board
