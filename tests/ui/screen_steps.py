"""Steps every screen test takes: a fresh read of the store on the store worker, choosing
an answer with the keyboard, retyping a field, and the checks on controls and mnemonics."""

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.store.records import RecordReader
from app.ui.context import ScreenContext
from app.ui.patients.choices import ChoiceBox

T = TypeVar("T")
WAIT = 10_000


def read(ctx: ScreenContext, query: Callable[[RecordReader], T]) -> T:
    """A fresh read of the store, run on the store worker like every other store call."""
    store = ctx.store

    def work() -> T:
        with store.read() as reader:
            return query(reader)

    return ctx.runner.run(work).result(timeout=10)


def pick(qtbot: QtBot, box: ChoiceBox, value: object) -> None:
    """Choose ``value`` with the arrow keys, as someone at the keyboard would."""
    box.setFocus()
    key = Qt.Key.Key_Down if box.options().index(value) > box.currentIndex() else Qt.Key.Key_Up
    for _ in range(box.count()):
        if box.value() == value:
            return
        qtbot.keyClick(box, key)
    raise AssertionError(f"{value!r} could not be chosen")


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace what the field holds by typing ``text``."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def is_control(widget: QWidget) -> bool:
    """A control a person operates (not the inner parts of a combo box, spin box, view or
    line edit)."""
    parent = widget.parent()
    if isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView | QLineEdit):
        return False
    return isinstance(widget, QLineEdit | QComboBox | QAbstractButton | QAbstractSpinBox)


def mnemonic(text: str) -> str | None:
    """The Alt+letter of a label or button text, if it has one."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if at >= 0 else None


def fixed_size(widget: QWidget) -> bool:
    """A widget fixed in width or height (it would cut words off with larger fonts)."""
    return (
        widget.minimumWidth() == widget.maximumWidth()
        or widget.minimumHeight() == widget.maximumHeight()
    )
