"""What a person does on the isolation screens, as small steps the tests share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.context import ScreenContext
from app.ui.isolation.episode_page import EpisodePage
from app.ui.isolation.fields import InstantEdit
from app.ui.isolation.loading import EpisodeRow
from app.ui.widgets import OVERDUE_COLOUR

ALT = Qt.KeyboardModifier.AltModifier
P = TypeVar("P", bound=QWidget)

#: Screens made by a test, kept until its session's store worker has stopped. pytest-qt keeps
#: only weak references, and a finished job on the worker may hold the last reference to a
#: screen (its callbacks): a screen without a parent freed there would be deleted off the GUI
#: thread. In the window a screen's parent is the tab widget, so this is for tests only.
KEPT: list[QWidget] = []


def keep_screens() -> Iterator[None]:
    """Body of each isolation test module's autouse fixture: set up before ``signed_in``, so
    torn down after it has closed the session and stopped the worker."""
    yield
    KEPT.clear()


def keep(screen: P) -> P:
    """Keep ``screen`` alive until the test's store worker has stopped."""
    KEPT.append(screen)
    return screen


def open_screen(
    qtbot: QtBot, ctx: ScreenContext, factory: Callable[[ScreenContext], QWidget], kind: type[P]
) -> P:
    """Make the screen, show it as the active window, and wait for its first list."""
    screen = keep(factory(ctx))
    assert isinstance(screen, kind)
    qtbot.addWidget(screen)
    screen.resize(1200, 900)
    loaded = screen.list_loaded if isinstance(screen, EpisodePage) else screen.handover_loaded  # type: ignore[attr-defined]
    with qtbot.waitSignal(loaded, timeout=10_000):
        screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen)
    return screen


def choose_row(qtbot: QtBot, screen: EpisodePage, episode_id: UUID) -> None:
    """Click the episode's row and wait for its records."""
    row = screen.model.row_of(episode_id)
    assert row is not None
    rect = screen.list_view.visualRect(screen.model.index(row, 0))
    qtbot.mouseClick(screen.list_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: screen.detail is not None and screen.detail.episode.id == episode_id,
        timeout=10_000,
    )


def press(qtbot: QtBot, screen: EpisodePage, key: Qt.Key) -> None:
    """Alt+key on the screen; a button's mnemonic clicks it after a short animation."""
    before = screen.form
    qtbot.keyClick(screen, key, ALT)
    qtbot.waitUntil(lambda: screen.form is not None and screen.form is not before)


def enter(qtbot: QtBot, screen: EpisodePage, *, ctrl: bool = False) -> None:
    """Enter (Ctrl+Enter in a box of several lines) in the focused field: the form saves."""
    focus = QApplication.focusWidget()
    assert isinstance(focus, QWidget)
    modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    with qtbot.waitSignal(screen.record_saved, timeout=10_000):
        qtbot.keyClick(focus, Qt.Key.Key_Return, modifier)


def type_instant(qtbot: QtBot, edit: InstantEdit, text: str) -> None:
    """Tab into the field (its first part is selected) and type the date and time."""
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(edit, text)


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Put the cursor in ``widget`` and type."""
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def tick_staff(qtbot: QtBot, checklist: QWidget, name: str) -> None:
    """Type part of a name to reach the person, Space to tick them."""
    type_into(qtbot, checklist, name)
    qtbot.keyClick(checklist, Qt.Key.Key_Space)


def running_episode(screen: EpisodePage) -> EpisodeRow:
    return next(r for r in screen.model.rows() if r.running)


def chip_text(screen: EpisodePage, label: str) -> str:
    chip = screen.chips.chip(label)
    assert chip is not None, label
    return chip.text()


def chip_is_red(screen: EpisodePage, label: str) -> bool:
    chip = screen.chips.chip(label)
    assert chip is not None, label
    return OVERDUE_COLOUR in chip.styleSheet()


def unnamed_controls(root: QWidget) -> list[str]:
    """Controls under ``root`` that can take the focus but have no accessible name (Qt's own
    inner parts of a named control are announced through it)."""
    missing = []
    for widget in root.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisibleTo(root):
            continue
        if widget.accessibleName() or _inner_part(widget):
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def _inner_part(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox):
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


def repeated_mnemonics(root: QWidget) -> list[str]:
    """Alt+letters used twice by the visible labels and buttons under ``root``."""
    seen: dict[str, str] = {}
    repeated = []
    for widget in root.findChildren(QLabel) + root.findChildren(QAbstractButton):
        if not widget.isVisibleTo(root):
            continue
        key = QKeySequence.mnemonic(widget.text()).toString()
        if not key:
            continue
        if key in seen:
            repeated.append(f"{key}: {seen[key]!r} and {widget.text()!r}")
        seen[key] = widget.text()
    return repeated
