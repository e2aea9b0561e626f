"""Small inputs the incident form is built from: a choice list whose first entry is "not
answered", narrative boxes where Tab moves on, and reading typed text as "answered or not"."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.ui.widgets import named

#: The first entry of every choice list: the question is not answered yet.
NOT_ANSWERED = "(not answered yet)"


class ChoiceCombo(QComboBox):
    """A list of answers (typing the first letters picks one); the first entry means
    "not answered" (value None)."""

    def __init__(
        self,
        name: str,
        choices: Sequence[tuple[str, object]],
        *,
        blank: str = NOT_ANSWERED,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, name)
        self._values: list[object] = [None]
        self.addItem(blank)
        for label, value in choices:
            self.addItem(label)
            self._values.append(value)

    def value(self) -> object:
        """The chosen answer, or None while the first entry is shown."""
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def choice_values(self) -> list[object]:
        """Every answer offered (without "not answered")."""
        return self._values[1:]

    def set_value(self, value: object) -> None:
        """Show ``value`` (None or an unknown value shows "not answered")."""
        index = self._values.index(value) if value in self._values else 0
        self.setCurrentIndex(index)

    def set_choices(self, choices: Sequence[tuple[str, object]]) -> None:
        """Replace the answers, keeping the current one if it is still offered."""
        current = self.value()
        blank = self.itemText(0)
        self.blockSignals(True)  # noqa: FBT003 - Qt's API
        self.clear()
        self._values = [None]
        self.addItem(blank)
        for label, value in choices:
            self.addItem(label)
            self._values.append(value)
        self.set_value(current)
        self.blockSignals(False)  # noqa: FBT003 - Qt's API


def yes_no(name: str, yes: str = "Yes", no: str = "No") -> ChoiceCombo:
    """A yes/no question (value True/False, None while not answered)."""
    return ChoiceCombo(name, [(yes, True), (no, False)])


def flag(combo: ChoiceCombo) -> bool | None:
    """The yes/no answer of ``combo``."""
    value = combo.value()
    return value if isinstance(value, bool) else None


def narrative(name: str, placeholder: str = "") -> QPlainTextEdit:
    """A box for a few sentences; Tab moves to the next field (it never types a tab)."""
    box = named(QPlainTextEdit(), name)
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * 3 + 12)
    box.setMaximumHeight(box.fontMetrics().lineSpacing() * 8 + 12)
    return box


def line(name: str, placeholder: str = "") -> QLineEdit:
    """A one-line text field."""
    field = named(QLineEdit(), name)
    field.setPlaceholderText(placeholder)
    return field


def answer(text: str) -> str | None:
    """Typed text as an answer: None when nothing but spaces was typed."""
    stripped = text.strip()
    return stripped or None


def text_of(widget: QLineEdit | QPlainTextEdit) -> str | None:
    """What ``widget`` holds, as an answer."""
    if isinstance(widget, QLineEdit):
        return answer(widget.text())
    return answer(widget.toPlainText())


def set_text(widget: QLineEdit | QPlainTextEdit, value: str | None) -> None:
    """Show ``value`` (None: empty) without marking the form changed."""
    widget.blockSignals(True)  # noqa: FBT003 - Qt's API
    if isinstance(widget, QLineEdit):
        widget.setText(value or "")
    else:
        widget.setPlainText(value or "")
    widget.blockSignals(False)  # noqa: FBT003 - Qt's API
