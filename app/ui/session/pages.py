"""The screens of a locked window: sign in, set up a standalone ward PC, and a folder that
holds only part of a store. None of them shows patient data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.errors import UserFacingError
from app.models.people import Ward
from app.store.passwords import password_problem
from app.ui.session.controller import StandaloneSetUp
from app.ui.session.enrol_page import EnrolPage
from app.ui.session.enrolment import FirstSignIn
from app.ui.widgets import error_label, named


class SignInPage(QWidget):
    """Username, password, Enter to sign in. "First time on this PC" adds a colleague who can
    already sign in here (see :mod:`app.ui.session.enrolment`)."""

    #: (username, password) the person submitted.
    submitted = Signal(str, str)
    #: A first sign-in on this PC with a colleague; carries :class:`FirstSignIn`.
    first_time = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sign-in")
        title = QLabel("<h2>Sign in to RPR</h2>")
        self.intro = QLabel("This PC is locked. Sign in with your own account.")
        self.username = named(QLineEdit(), "Username")
        self.password = named(QLineEdit(), "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.button = named(QPushButton("Sign in"), "Sign in")
        self.button.setDefault(True)
        self.error = error_label()
        form = QFormLayout()
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)
        self.first_time_button = named(
            QPushButton("&First time on this PC?"), "First time on this PC"
        )
        self.first_time_button.setCheckable(True)
        self.first_time_box = QWidget()
        colleague_form = QFormLayout(self.first_time_box)
        how = QLabel(
            "The trust server checks your password. A colleague who already signs in on this "
            "PC types their own username and password to let you in here; after that you can "
            "sign in on your own, even when the server does not answer."
        )
        how.setWordWrap(True)
        colleague_form.addRow(how)
        self.colleague = named(QLineEdit(), "Colleague's username")
        self.colleague_password = named(QLineEdit(), "Colleague's password")
        self.colleague_password.setEchoMode(QLineEdit.EchoMode.Password)
        colleague_form.addRow("&Colleague's username", self.colleague)
        colleague_form.addRow("Colleague's pass&word", self.colleague_password)
        self.first_time_box.hide()
        self.first_time_button.toggled.connect(self._first_time_toggled)
        self.progress = named(QProgressBar(), "Signing in")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        column = QVBoxLayout(self)
        column.addStretch(1)
        for widget in (title, self.intro):
            column.addWidget(widget, alignment=Qt.AlignmentFlag.AlignHCenter)
        box = QWidget()
        box.setLayout(form)
        box.setMaximumWidth(420)
        column.addWidget(box, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.first_time_box.setMaximumWidth(420)
        column.addWidget(self.first_time_box, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.first_time_button, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.progress, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.error, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._submit)
        self.colleague_password.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)

    def _first_time_toggled(self, on: bool) -> None:
        self.first_time_box.setVisible(on)
        self.colleague_password.clear()
        if on:
            self.colleague.setFocus()

    def _submit(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.show_error("Type your username and your password.")
            return
        first_time = self.first_time_button.isChecked()
        if first_time and (not self.colleague.text().strip() or not self.colleague_password.text()):
            self.show_error("colleague: type your colleague's username and their password.")
            return
        self.button.setEnabled(False)
        self.error.clear()
        self.progress.show()
        if first_time:
            self.first_time.emit(
                FirstSignIn(
                    username=self.username.text(),
                    password=self.password.text(),
                    colleague=self.colleague.text(),
                    colleague_password=self.colleague_password.text(),
                )
            )
        else:
            self.submitted.emit(self.username.text(), self.password.text())

    def show_error(self, message: str) -> None:
        """Say why signing in did not work; the passwords are cleared, the usernames kept."""
        self.button.setEnabled(True)
        self.progress.hide()
        self.password.clear()
        self.colleague_password.clear()
        self.error.setText(message)
        self.password.setFocus()

    def reset(self, *, keep_username: bool = False) -> None:
        """Ready for the next person (or the same one, after the idle lock)."""
        self.button.setEnabled(True)
        self.progress.hide()
        self.password.clear()
        self.error.clear()
        self.colleague.clear()
        self.colleague_password.clear()
        self.first_time_button.setChecked(False)
        if not keep_username:
            self.username.clear()
        (self.password if keep_username and self.username.text() else self.username).setFocus()


class SetUpPage(QWidget):
    """First run on an empty folder, two choices: enrol the PC with the trust's server
    (:attr:`enrol`, :class:`~app.ui.session.enrol_page.EnrolPage`), or a standalone ward PC
    (its ward, a local administrator and the trust's recovery public key)."""

    submitted = Signal(object)  # StandaloneSetUp

    def __init__(
        self,
        server_url: str | None = None,
        ward: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("set-up")
        title = QLabel("<h2>Set up this ward PC</h2>")
        choice = QLabel(
            "There is no RPR store on this PC yet. <b>Enrol it with the trust's server</b> "
            "(records are sent to the trust and shared with the ward's other PCs), or set it "
            "up as a <b>standalone ward PC</b>."
        )
        choice.setWordWrap(True)
        self.enrol = EnrolPage(server_url, ward)
        self.choices = named(QTabWidget(), "How to set up this PC")
        self.choices.addTab(self.enrol, "&Enrol this PC with the trust's server")
        self.choices.addTab(self._standalone_form(), "S&tandalone ward PC")
        outer = QVBoxLayout(self)
        outer.addWidget(title)
        outer.addWidget(choice)
        outer.addWidget(self.choices, 1)

    def _standalone_form(self) -> QWidget:
        standalone = QWidget()
        intro = QLabel(
            "A standalone ward PC: records stay on this PC, encrypted, and a local "
            "administrator adds the ward's staff."
        )
        intro.setWordWrap(True)
        self.ward_name = named(QLineEdit(), "Ward name")
        self.ward_code = named(QLineEdit(), "Ward code")
        self.ward_code.setPlaceholderText("e.g. ASH-1")
        self.site = named(QLineEdit(), "Hospital site")
        self.beds = named(QSpinBox(), "Number of beds")
        self.beds.setRange(1, 500)
        self.beds.setValue(16)
        self.username = named(QLineEdit(), "Administrator username")
        self.username.setPlaceholderText("e.g. local.admin")
        self.password = named(QLineEdit(), "Administrator password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = named(QLineEdit(), "Administrator password again")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery_key = named(QLineEdit(), "Trust recovery public key file")
        browse = named(QPushButton("Choose…"), "Choose the recovery public key file")
        browse.clicked.connect(self._browse)
        key_row = QHBoxLayout()
        key_row.addWidget(self.recovery_key, 1)
        key_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Ward &name", self.ward_name)
        form.addRow("Ward &code", self.ward_code)
        form.addRow("Hospital &site", self.site)
        form.addRow("&Beds", self.beds)
        form.addRow("Administrator &username", self.username)
        form.addRow("&Password (10 characters or more)", self.password)
        form.addRow("Password &again", self.confirm)
        form.addRow("Trust &recovery public key", key_row)
        self.button = named(QPushButton("Set up this PC"), "Set up this PC")
        self.button.setDefault(True)
        self.button.clicked.connect(self._submit)
        self.error = error_label()
        column = QVBoxLayout(standalone)
        column.addWidget(intro)
        column.addLayout(form)
        column.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.error)
        column.addStretch(1)
        return standalone

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Trust recovery public key", "", "PEM files (*.pem *.pub);;All files (*)"
        )
        if path:
            self.recovery_key.setText(path)

    def _collect(self) -> StandaloneSetUp:
        """The form's values, checked field by field (messages name the field and rule)."""
        ward = Ward.build(  # InvalidRecord names each field and its rule
            name=self.ward_name.text(),
            code=self.ward_code.text().strip().upper(),
            number_of_beds=self.beds.value(),
            site=self.site.text(),
        )
        if self.password.text() != self.confirm.text():
            raise UserFacingError("password again: the two passwords differ")
        problem = password_problem(self.password.text(), self.username.text())
        if problem is not None:
            raise UserFacingError(problem)
        path = Path(self.recovery_key.text().strip())
        if not self.recovery_key.text().strip():
            raise UserFacingError("recovery public key: choose the trust's key file")
        try:
            pem = path.read_bytes()[:65536]
        except OSError:
            raise UserFacingError("recovery public key: the file cannot be read") from None
        return StandaloneSetUp(
            ward=ward,
            username=self.username.text(),
            password=self.password.text(),
            recovery_public_key_pem=pem,
        )

    def _submit(self) -> None:
        try:
            setup = self._collect()
        except UserFacingError as exc:
            self.show_error(str(exc))
            return
        self.button.setEnabled(False)
        self.error.clear()
        self.submitted.emit(setup)

    def show_error(self, message: str) -> None:
        """Say what is wrong; the form keeps what was typed (but not the passwords)."""
        self.button.setEnabled(True)
        self.error.setText(message)


class FolderProblemPage(QWidget):
    """The data folder holds only part of a store: say which, and what to restore."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folder-problem")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = QVBoxLayout(self)
        column.addWidget(QLabel("<h2>This PC's RPR store needs trust IT</h2>"))
        column.addWidget(self.message)
        column.addStretch(1)

    def show_problem(self, text: str) -> None:
        """Show ``text`` (names files only, never contents)."""
        self.message.setText(text)
