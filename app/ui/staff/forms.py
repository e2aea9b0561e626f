"""The fields of the staff screen: a staff member (name, job title, role, ward, active), and
an account's username, access role and password typed twice. They only show and collect:
the models check the records (``StaffMember.build``, ``UserAccount.build``,
``people.account_problem``) and the store checks the password rule."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QWidget

from app.models.errors import UserFacingError
from app.models.people import AccessRole, StaffMember
from app.models.refs import ClinicalRole
from app.ui.patients.choices import ChoiceBox, enum_value
from app.ui.staff.loading import role_words
from app.ui.widgets import named

CHOOSE = "— choose —"
PASSWORDS_DIFFER = "password again: the two passwords differ"


class _EnterSubmits(QWidget):
    """Enter anywhere in the fields submits them (text fields pass it on to here)."""

    submitted = Signal()
    edited = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter submits."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled():
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class StaffForm(_EnterSubmits):
    """A staff member as the records name them (s.6(5)(h): name and job title)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: StaffMember | None = None
        self.name = named(QLineEdit(), "Name")
        self.job_title = named(QLineEdit(), "Job title")
        self.job_title.setPlaceholderText("e.g. Staff nurse")
        self.role = ChoiceBox(
            "Role", [(role_words(r), r) for r in ClinicalRole], blank=f"{CHOOSE} a role"
        )
        self.on_this_ward = named(
            QCheckBox("&Based on this ward (untick for someone who works across wards)"),
            "Based on this ward",
        )
        self.active = named(
            QCheckBox("Acti&ve (untick when they leave; nobody is ever deleted)"), "Active"
        )
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Name", self.name)
        form.addRow("&Job title", self.job_title)
        form.addRow("&Role", self.role)
        form.addRow("", self.on_this_ward)
        form.addRow("", self.active)
        for edit in (self.name, self.job_title):
            edit.textEdited.connect(lambda _text: self.edited.emit())
        self.role.activated.connect(lambda _index: self.edited.emit())
        for box in (self.on_this_ward, self.active):
            box.clicked.connect(lambda _checked: self.edited.emit())
        self.fill(None)

    def fill(self, staff: StaffMember | None, *, ward_id: UUID | None = None) -> None:
        """Show ``staff`` (``None``: someone new, on this ward, active)."""
        self._base = staff
        self.name.setText("" if staff is None else staff.name)
        self.job_title.setText("" if staff is None else staff.job_title)
        self.role.set_value(None if staff is None else staff.role)
        self.on_this_ward.setChecked(staff is None or staff.ward_id == ward_id)
        self.active.setChecked(staff is None or staff.active)

    def set_read_only(self, read_only: bool) -> None:
        """Show without letting anyone change it."""
        for edit in (self.name, self.job_title):
            edit.setReadOnly(read_only)
        for widget in (self.role, self.on_this_ward, self.active):
            widget.setEnabled(not read_only)

    def build(self, ward_id: UUID, staff_id: UUID | None = None) -> StaffMember:
        """The staff member as the fields hold them; raises ``InvalidRecord`` naming each
        field and rule."""
        data: dict[str, object] = {} if self._base is None else self._base.model_dump()
        data.update(
            name=self.name.text(),
            job_title=self.job_title.text(),
            role=enum_value(self.role, ClinicalRole),
            ward_id=ward_id if self.on_this_ward.isChecked() else None,
            active=self.active.isChecked(),
        )
        if staff_id is not None:
            data["id"] = staff_id
        return StaffMember.build(**data)


class AccountFields(_EnterSubmits):
    """Username, access role and a password typed twice (the identity rows can be hidden:
    setting or resetting the password of an account that exists)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = named(QLineEdit(), "Username")
        self.username.setPlaceholderText("e.g. priya.nair")
        self.access_role = ChoiceBox(
            "Access role",
            [(r.label, r) for r in AccessRole],
            blank=f"{CHOOSE} what the account may do",
        )
        self.password = named(QLineEdit(), "Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = named(QLineEdit(), "Password again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self._form = QFormLayout(self)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._form.addRow("&Username", self.username)
        self._form.addRow("Access ro&le", self.access_role)
        self._form.addRow("Passwor&d (10 characters or more)", self.password)
        self._form.addRow("Password a&gain", self.again)

    def show_identity(self, shown: bool) -> None:
        """Show the username and access role rows (a new account) or only the passwords."""
        for widget in (self.username, self.access_role):
            self._form.setRowVisible(widget, shown)

    def clear(self) -> None:
        """Forget everything typed (passwords above all)."""
        for edit in (self.username, self.password, self.again):
            edit.clear()
        self.access_role.set_value(None)

    def wants_account(self) -> bool:
        """Something was typed for a new account."""
        return bool(self.username.text().strip() or self.password.text())

    def role(self) -> AccessRole | None:
        """The access role chosen."""
        return enum_value(self.access_role, AccessRole)

    def new_password(self) -> str:
        """The password typed twice; raises when the two differ (the store checks the rule)."""
        if self.password.text() != self.again.text():
            raise UserFacingError(PASSWORDS_DIFFER)
        return self.password.text()
