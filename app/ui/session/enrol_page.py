"""First run: enrol this PC with the trust's server (issue 7: "the enrolment step of first
run"). The form asks what ``rpr enrol`` asks: the server's address, the one-time code from
trust IT, a name for the PC, then a member of staff's username and password, checked by the
server. Shows a progress indicator while the server is asked; says which field is wrong.
When trust IT's settings name the PC's ward, the page says so: only a code for that ward works.
"""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.session.enrolment import EnrolmentForm, PendingEnrolment
from app.ui.widgets import error_label, named


class EnrolPage(QWidget):
    """Enrol this PC and make its store; :attr:`submitted` carries :class:`EnrolmentForm`."""

    submitted = Signal(object)

    def __init__(
        self,
        server_url: str | None = None,
        ward: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("enrol")
        intro = QLabel(
            "Trust IT gives you the server's address and a <b>one-time code</b> for this ward. "
            "Then a member of staff signs in with their trust account: the server checks the "
            "password, and this PC's records are encrypted for them and for the trust's "
            "recovery key."
        )
        intro.setWordWrap(True)
        self.ward = named(QLabel(), "This PC's ward")
        self.ward.setWordWrap(True)
        self.ward.setText(
            f"Trust IT set this PC up for ward <b>{ward}</b> (the ward setting): use an "
            "enrolment code issued for that ward."
            if ward
            else ""
        )
        self.ward.setVisible(bool(ward))
        self.server_url = named(QLineEdit(server_url or ""), "Trust server address")
        self.server_url.setPlaceholderText("https://rpr.trust.example")
        self.code = named(QLineEdit(), "Enrolment code")
        self.code.setPlaceholderText("ABCD-EFGH-JKLM-NPQR")
        self.device_name = named(QLineEdit(socket.gethostname() or "ward PC"), "PC name")
        self.username = named(QLineEdit(), "Your username")
        self.password = named(QLineEdit(), "Your password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Trust &server address", self.server_url)
        form.addRow("One-time &code", self.code)
        form.addRow("This PC's &name", self.device_name)
        form.addRow("Your &username", self.username)
        form.addRow("Your pass&word", self.password)
        self.enrolled = named(QLabel(), "Enrolment")
        self.enrolled.setWordWrap(True)
        self.enrolled.hide()
        self.button = named(QPushButton("Enrol this PC"), "Enrol this PC")
        self.button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.progress = named(QProgressBar(), "Enrolling")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.step = named(QLabel(), "Enrolment step")
        self.error = error_label()
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addWidget(self.ward)
        column.addLayout(form)
        column.addWidget(self.enrolled)
        column.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.progress)
        column.addWidget(self.step)
        column.addWidget(self.error)
        column.addStretch(1)

    def _submit(self) -> None:
        missing = [
            label
            for label, field in (
                ("server address", self.server_url),
                ("code", self.code),
                ("PC name", self.device_name),
                ("username", self.username),
            )
            if field.isEnabled() and not field.text().strip()
        ]
        if not self.password.text():
            missing.append("password")
        if missing:
            self.show_error(f"{', '.join(missing)}: required")
            return
        self.button.setEnabled(False)
        self.error.clear()
        self.progress.show()
        already = not self.code.isEnabled()
        self.step.setText(
            "Checking the sign-in with the trust server and making the encrypted store…"
            if already
            else "Enrolling this PC with the trust server…"
        )
        self.submitted.emit(
            EnrolmentForm(
                server_url=self.server_url.text(),
                code=self.code.text(),
                device_name=self.device_name.text(),
                username=self.username.text(),
                password=self.password.text(),
            )
        )

    def show_enrolled(self, pending: PendingEnrolment) -> None:
        """The code worked: say so, and keep the PC's part of the form as it is."""
        enrolled = pending.enrolled
        for field in (self.server_url, self.code, self.device_name):
            field.setEnabled(False)
        self.enrolled.setText(
            f"Enrolled at {enrolled.trust_name} for {enrolled.ward.name} (device "
            f"{enrolled.device_id}). The code is not needed again."
        )
        self.enrolled.show()
        self.step.setText("Checking the sign-in with the trust server and making the store…")

    def show_error(self, message: str) -> None:
        """Say what is wrong; the password is cleared, everything else kept."""
        self.button.setEnabled(True)
        self.progress.hide()
        self.step.clear()
        self.password.clear()
        self.error.setText(message)
        if not self.code.isEnabled():
            self.error.setText(
                f"{message} This PC is enrolled; sign in again (without a new code) — if the "
                "window closes first, ask trust IT to revoke the device and issue a new code."
            )
