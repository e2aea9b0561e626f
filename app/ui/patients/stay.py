"""The inline panel for a patient's stay: admit to this ward, discharge, or transfer out
(saying where to). It asks when (on the ward's wall clock) and, for a transfer, where to;
the page applies the rules of :mod:`app.models.stays` and saves."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.patients.choices import instant_of, set_instant, time_edit
from app.ui.widgets import error_label, named


class StayAction(Enum):
    """What the panel is recording."""

    ADMIT = "admit"
    DISCHARGE = "discharge"
    TRANSFER = "transfer"


_TITLES = {
    StayAction.ADMIT: "Admit to this ward",
    StayAction.DISCHARGE: "Discharge from this ward",
    StayAction.TRANSFER: "Transfer out to another ward or hospital",
}
_WHEN = {
    StayAction.ADMIT: "Admitted at",
    StayAction.DISCHARGE: "Left the ward at",
    StayAction.TRANSFER: "Left the ward at",
}
_CONFIRM = {
    StayAction.ADMIT: "Confirm admission",
    StayAction.DISCHARGE: "Confirm discharge",
    StayAction.TRANSFER: "Confirm transfer",
}


class StayPanel(QGroupBox):
    """Asks when (and where to); Enter confirms, Escape cancels."""

    #: The person confirmed: (action, instant, destination or "").
    confirmed = Signal(object, object, str)
    #: The person cancelled.
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "Stay")
        self.action = StayAction.ADMIT
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.when = time_edit("When")
        self.when_label = QLabel()
        self.when_label.setBuddy(self.when)
        self.destination = named(QLineEdit(), "Transferred to")
        self.destination.setPlaceholderText("ward and hospital, e.g. Oak PICU, Brackenfold")
        self.destination_label = QLabel("Transferred to")
        self.destination_label.setBuddy(self.destination)
        self.confirm = named(QPushButton(), "Confirm")
        self.confirm.setAutoDefault(True)
        self.cancel = named(QPushButton("Cancel"), "Cancel")
        self.cancel.setAutoDefault(True)
        self.error = error_label()
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.when_label, self.when)
        form.addRow(self.destination_label, self.destination)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.error)
        self.confirm.clicked.connect(self._confirm)
        self.cancel.clicked.connect(self._cancel)
        QWidget.setTabOrder(self.when, self.destination)
        QWidget.setTabOrder(self.destination, self.confirm)
        QWidget.setTabOrder(self.confirm, self.cancel)
        self.hide()

    def open(self, action: StayAction, *, default: datetime, intro: str = "") -> None:
        """Ask for ``action``, starting from ``default`` (now, usually)."""
        self.action = action
        self.setTitle(_TITLES[action])
        self.intro.setText(intro)
        self.intro.setVisible(bool(intro))
        self.when_label.setText(_WHEN[action])
        self.when.setAccessibleName(_WHEN[action])
        set_instant(self.when, default)
        transfer = action is StayAction.TRANSFER
        self.destination.setVisible(transfer)
        self.destination_label.setVisible(transfer)
        self.destination.clear()
        self.confirm.setText(_CONFIRM[action])
        self.confirm.setAccessibleName(_CONFIRM[action])
        self.confirm.setEnabled(True)
        self.error.clear()
        self.show()
        (self.destination if transfer else self.when).setFocus()

    def close_panel(self) -> None:
        """Put the panel away and forget what it held."""
        self.destination.clear()
        self.error.clear()
        self.hide()

    def show_error(self, message: str) -> None:
        """Say why it was not recorded; what was typed stays."""
        self.confirm.setEnabled(True)
        self.error.setText(message)

    def busy(self) -> None:
        """Saving: no second press."""
        self.confirm.setEnabled(False)
        self.error.clear()

    def _confirm(self) -> None:
        if self.isVisible() and self.confirm.isEnabled():
            self.confirmed.emit(self.action, instant_of(self.when), self.destination.text())

    def _cancel(self) -> None:
        self.close_panel()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter confirms, Escape cancels."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.cancel.hasFocus():
                self._cancel()
            else:
                self._confirm()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self._cancel()
            event.accept()
            return
        super().keyPressEvent(event)
