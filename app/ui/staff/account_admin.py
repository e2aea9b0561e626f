"""What the administrator may change about a sign-in account that exists: its access role
(nurse / ward manager / administrator), and whether it is active (domain.md §7).

Each change is a new revision of the :class:`~app.models.people.UserAccount`, based on the
version the screen read and saved with a reason saying what changed (the store audits every
revision); nothing is overwritten. Whether the change is allowed — the last administrator of
this PC, the administrator's own account, someone who has left — is decided by
:func:`app.models.people.account_change_problem`; this widget only asks and shows its answer.
Only an account that may manage accounts is offered any of this (the staff screen shows it to
nobody else, and every action checks again).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from app.models.errors import UserFacingError
from app.models.people import (
    AccessRole,
    AccountChange,
    Permission,
    StaffMember,
    UserAccount,
    account_change_problem,
)
from app.models.revision import Revision
from app.ui.context import ScreenContext
from app.ui.forms import RecordSaver
from app.ui.patients.choices import ChoiceBox
from app.ui.staff.loading import StaffList
from app.ui.widgets import named

DEACTIVATE = "Deactivate acco&unt"
REACTIVATE = "Reactivate acco&unt"
INACTIVE_NOTE = (
    "Deactivated: it can record, sign off and manage nothing. To stop it opening RPR on this "
    "PC as well, remove it from this PC."
)


class AccountAdmin(QWidget):
    """Access role and active flag of the account chosen on the staff screen."""

    #: A new revision of the account was saved (carries the Revision and a sentence).
    saved = Signal(object, str)
    #: A change was refused (carries the message naming the field and the rule).
    refused = Signal(str)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.manage = ctx.may(Permission.MANAGE_ACCOUNTS) and not ctx.facts.read_only
        self.account: UserAccount | None = None
        self._listed: StaffList | None = None
        self._staff: StaffMember | None = None
        self._busy = False
        self.role = ChoiceBox(
            "Change the access role to", [(r.label, r) for r in AccessRole], blank=None
        )
        self.change_role_button = named(QPushButton("Chang&e access role"), "Change access role")
        self.active_button = named(QPushButton(DEACTIVATE), "Deactivate account")
        self.inactive_note = named(QLabel(INACTIVE_NOTE), "Account deactivated")
        self.inactive_note.setWordWrap(True)
        for button in (self.change_role_button, self.active_button):
            button.setAutoDefault(True)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role, 1)
        role_row.addWidget(self.change_role_button)
        caption = QLabel("Access ro&le")
        caption.setBuddy(self.role)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(caption, role_row)
        form.addRow("", self.active_button)
        form.addRow("", self.inactive_note)
        self.change_role_button.clicked.connect(self.change_role)
        self.active_button.clicked.connect(self.toggle_active)
        self.show_for(None, None, None)

    def show_for(
        self, account: UserAccount | None, listed: StaffList | None, staff: StaffMember | None
    ) -> None:
        """Offer the changes for ``account`` (None: nothing to offer). A role being chosen
        stays chosen when the list is merely read again (the same account, unchanged)."""
        same = self.account is not None and self.account == account
        self.account, self._listed, self._staff = account, listed, staff
        self.setVisible(self.manage and account is not None)
        if account is None:
            return
        if not same:
            self.role.set_value(account.access_role)
        self.active_button.setText(DEACTIVATE if account.active else REACTIVATE)
        self.active_button.setAccessibleName(
            "Deactivate account" if account.active else "Reactivate account"
        )
        self.inactive_note.setVisible(not account.active)
        self._set_busy(busy=False)

    def problem(self, change: AccountChange, new_role: AccessRole | None = None) -> str | None:
        """Why ``change`` may not be made to the account shown (the models' rule), or None."""
        account, listed = self.account, self._listed
        if not self.manage or account is None or listed is None:
            return "account: only an administrator may change accounts"
        return account_change_problem(
            account,
            change,
            signed_in_as=self._ctx.facts.actor,
            accounts=listed.accounts,
            users_here=listed.users,
            new_role=new_role,
            staff=self._staff,
        )

    # -- actions ---------------------------------------------------------------------------

    def change_role(self) -> None:
        """Give the account the access role chosen (a new revision)."""
        account, role = self.account, self.role.value()
        if self._busy or account is None or not isinstance(role, AccessRole):
            return
        problem = self.problem(AccountChange.CHANGE_ROLE, role)
        if problem is not None:
            self.refused.emit(problem)
            return
        before = account.access_role.label
        self._save(
            {"access_role": role},
            reason=f"access role changed from {before} to {role.label}",
            sentence=f"{account.username} is now: {role.label}.",
        )

    def toggle_active(self) -> None:
        """Deactivate an active account, reactivate an inactive one (a new revision)."""
        account = self.account
        if self._busy or account is None:
            return
        change = AccountChange.DEACTIVATE if account.active else AccountChange.REACTIVATE
        problem = self.problem(change)
        if problem is not None:
            self.refused.emit(problem)
            return
        done = "deactivated" if account.active else "reactivated"
        self._save(
            {"active": not account.active},
            reason=f"account {done}",
            sentence=f"{account.username} was {done}.",
        )

    def _save(self, update: dict[str, object], *, reason: str, sentence: str) -> None:
        account, listed = self.account, self._listed
        if account is None or listed is None:
            return
        try:
            changed = UserAccount.build(**(account.model_dump() | update))
        except UserFacingError as exc:  # e.g. a clinical role for an account with no staff
            self.refused.emit(str(exc))
            return
        self._set_busy(busy=True)

        def refused(error: UserFacingError) -> None:
            self._set_busy(busy=False)
            self.refused.emit(str(error))

        RecordSaver(self._ctx, base=listed.revision_of(account.id)).save(
            changed,
            reason=reason,
            on_saved=lambda revision: self._saved(revision, sentence),
            on_error=refused,
            owner=self,
        )

    def _saved(self, revision: Revision, sentence: str) -> None:
        self._set_busy(busy=False)
        self.saved.emit(revision, sentence)

    def _set_busy(self, *, busy: bool) -> None:
        self._busy = busy
        for button in (self.change_role_button, self.active_button):
            button.setEnabled(not busy)
