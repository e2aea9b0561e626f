"""Signing in, the idle lock, lock now and switch user, driven through the widgets."""

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app.models.patient import Patient
from app.store.store import Store
from app.ui.main_window import MainWindow
from app.ui.session.controller import WRONG_CREDENTIALS
from tests.ui.conftest import Clock, Passwords


def _sign_in(qtbot: QtBot, window: MainWindow, username: str, password: str) -> None:
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    window.sign_in.username.setText(username)
    window.sign_in.password.setText(password)
    with qtbot.waitSignal(window.work_shown, timeout=10_000):
        qtbot.keyClick(window.sign_in.password, Qt.Key.Key_Return)


def _board_loaded(qtbot: QtBot, window: MainWindow) -> None:
    assert window.work is not None
    assert window.work.board is not None
    board = window.work.board
    qtbot.waitUntil(lambda: board.model.rowCount() > 0, timeout=10_000)


def _every_text_on_screen() -> str:
    """Every piece of text any live widget holds: labels, fields, buttons, tooltips, and
    every cell of every item view."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        texts += [widget.toolTip(), widget.accessibleName(), widget.windowTitle()]
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        model = getattr(widget, "model", None)
        if callable(model) and isinstance(model(), QAbstractItemModel):
            m = model()
            root = QModelIndex()
            columns = 1 if isinstance(m, QAbstractListModel) else m.columnCount(root)
            for row in range(m.rowCount(root)):
                for column in range(columns):
                    texts.append(str(m.index(row, column).data() or ""))
    return "\n".join(t for t in texts if t)


def _patient_names(folder: Path, passwords: Passwords) -> list[str]:
    with (
        Store.open(folder, "demo.manager", passwords["demo.manager"]) as store,
        store.read() as reader,
    ):
        return [p.display_name for p in reader.find(Patient)]


def test_the_window_starts_locked_and_signs_in_to_the_ward_board(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    assert window.work is None
    assert not window.lock_action.isEnabled()
    _sign_in(qtbot, window, "demo.nurse", passwords["demo.nurse"])
    _board_loaded(qtbot, window)
    assert window.banner.isVisible()  # a demo store says so on every screen
    assert "DEMO DATA" in window.banner.text()
    assert window.who.text() == "Signed in as demo.nurse"
    # The demo store was never enrolled: its status arrives from the store, in words.
    qtbot.waitUntil(lambda: "not connected to a trust server" in window.sync_label.text().lower())
    assert not window.send_action.isEnabled()


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    window = make_window(folder)
    answers = []
    for username, password in (
        ("demo.nurse", "not the right password"),
        ("nobody.here", "not the right password"),
        (passwords["demo.manager"], passwords["demo.manager"]),  # password in the wrong box
    ):
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
        window.sign_in.username.setText(username)
        window.sign_in.password.setText(password)
        qtbot.keyClick(window.sign_in.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.sign_in.error.text() != "", timeout=10_000)
        answers.append(window.sign_in.error.text())
        assert window.sign_in.password.text() == ""
        assert passwords["demo.manager"] not in window.sign_in.error.text()
        window.sign_in.error.clear()
    assert answers == [WRONG_CREDENTIALS] * 3
    assert window.work is None


def test_the_idle_lock_hides_every_patient_and_the_same_person_carries_on(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:
    folder, passwords = demo
    names = _patient_names(folder, passwords)
    window = make_window(folder, idle_lock_minutes=5)
    _sign_in(qtbot, window, "demo.nurse", passwords["demo.nurse"])
    _board_loaded(qtbot, window)
    on_screen = _every_text_on_screen()
    assert any(name in on_screen for name in names)  # the check can see patient names

    clock.advance(minutes=4, seconds=59)
    window.idle.check_now()
    assert window.work is not None  # not yet
    clock.advance(seconds=2)  # as after a PC wakes from sleep: the timers saw none of it
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        window.idle.check_now()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    QApplication.sendPostedEvents(None, 0)  # let deleted widgets go
    on_screen = _every_text_on_screen()
    assert not [name for name in names if name in on_screen]
    assert window.sign_in.username.text() == "demo.nurse"  # the same person carries on
    _sign_in(qtbot, window, "demo.nurse", passwords["demo.nurse"])
    _board_loaded(qtbot, window)


def test_switch_user_clears_the_username_and_the_next_person_signs_in(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    window = make_window(folder)
    _sign_in(qtbot, window, "demo.nurse", passwords["demo.nurse"])
    _board_loaded(qtbot, window)
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        window.switch_action.trigger()
    assert window.sign_in.username.text() == ""
    _sign_in(qtbot, window, "demo.manager", passwords["demo.manager"])
    assert window.who.text() == "Signed in as demo.manager"
    _board_loaded(qtbot, window)


def test_lock_now_is_ctrl_l(qtbot: QtBot, make_window, demo: tuple[Path, Passwords]) -> None:
    folder, passwords = demo
    window = make_window(folder)
    _sign_in(qtbot, window, "demo.nurse", passwords["demo.nurse"])
    window.activateWindow()  # shortcuts go to the active window, as at a real desk
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(window.session.locked, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.work is None
