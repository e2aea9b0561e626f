"""Every screen, walked as a screen reader or a keyboard user meets it: every control that can
take focus has an accessible name; and a locked window holds no patient data anywhere."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.models.nhs_number import format_nhs_number
from app.models.patient import Patient
from app.store.store import Store
from tests.ui.conftest import Passwords
from tests.ui.test_session import _every_text_on_screen, _sign_in


def _part_of_a_named_control(widget: QWidget) -> bool:
    """Qt's own pieces of a control (a spin box's line edit, a table's viewport, a combo
    box's list) are announced through the control, which carries the name."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QDateTimeEdit):
            return True
        if isinstance(parent, QTabWidget) and widget is parent.tabBar():
            return bool(parent.accessibleName())
        if isinstance(parent, QAbstractScrollArea) and widget in (
            parent.viewport(),
            parent.horizontalScrollBar(),
            parent.verticalScrollBar(),
        ):
            return True
        parent = parent.parentWidget()
    return False


def _unnamed_focusable(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisibleTo(root):
            continue
        if _part_of_a_named_control(widget) or widget.accessibleName():
            continue
        if (
            type(widget).__name__ in ("QTabBar", "QScrollBar", "QToolButton")
            and not widget.objectName()
        ):
            # Qt's tab bar and the scroll/tool buttons it makes read their own labels.
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {root.objectName()!r}")
    return missing


def test_every_focusable_control_on_every_screen_has_an_accessible_name(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    missing = _unnamed_focusable(window.sign_in)
    _sign_in(qtbot, window, "demo.manager", passwords["demo.manager"])
    assert window.work is not None
    tabs = window.work.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        QApplication.processEvents()
        screen = tabs.widget(index)
        assert screen is not None
        missing += _unnamed_focusable(screen)
    assert not missing, "\n".join(missing)


def test_a_locked_window_shows_no_patient_name_or_nhs_number_after_visiting_every_screen(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    with (
        Store.open(folder, "demo.manager", passwords["demo.manager"]) as store,
        store.read() as reader,
    ):
        patients = reader.find(Patient)
    secrets = [p.display_name for p in patients] + [
        number
        for p in patients
        if p.nhs_number
        for number in (p.nhs_number, format_nhs_number(p.nhs_number))
    ]
    window = make_window(folder)
    _sign_in(qtbot, window, "demo.manager", passwords["demo.manager"])
    assert window.work is not None
    tabs = window.work.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        QApplication.processEvents()
    qtbot.waitUntil(lambda: any(s in _every_text_on_screen() for s in secrets), timeout=10_000)
    with qtbot.waitSignal(window.session.locked, timeout=20_000):
        window.lock_now()
    QApplication.sendPostedEvents(None, 0)
    QApplication.processEvents()
    on_screen = _every_text_on_screen()
    assert not [s for s in secrets if s in on_screen]
