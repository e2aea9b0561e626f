"""The sign-in account of the person chosen on the staff screen: make one, let it sign in on
this PC, reset its password, change its access role or (de)activate it
(:mod:`app.ui.staff.account_admin`), or remove it from this PC.

Key slots live in the store's key-slot file, not in records: those calls are submitted with
``Changes(accounts=True)`` so every screen hears of them. Removing an account changes the
store's data key (``Store.remove_user``), which takes a few seconds on a big store: it runs on
the store worker behind a progress bar. The store enforces the password rule and refuses to
remove the account signed in now; its messages are shown as they are. Before asking to
remove an account, the models' rule is checked (:func:`~app.models.people
.account_change_problem`: never the last administrator of this PC, never yourself).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.errors import UserFacingError
from app.models.people import AccountChange, StaffMember, UserAccount
from app.models.revision import Revision
from app.ui.context import ScreenContext
from app.ui.forms import RecordSaver
from app.ui.ops import Changes
from app.ui.staff.account_admin import AccountAdmin
from app.ui.staff.forms import AccountFields
from app.ui.staff.loading import StaffList
from app.ui.widgets import error_label, named

REMOVING = (
    "Removing {} from this PC and changing the store's key — this can take a few seconds on a "
    "big store. Keep RPR open."
)


TRUST_MANAGED_NOTE = (
    "This PC is enrolled with the trust: trust IT adds sign-in accounts, sets what they may do "
    "and deactivates them at the trust server, and the changes arrive here at the next sync. "
    'Someone signing in here for the first time uses "First time on this PC?" on the '
    "sign-in screen."
)


class AccountMode(Enum):
    """What the panel offers."""

    HIDDEN = "hidden"
    NEW = "new"  # no account yet: username, access role, password
    NOT_HERE = "not_here"  # an account that cannot sign in on this PC yet
    HERE = "here"  # an account that signs in on this PC


def make_account(
    ctx: ScreenContext,
    account: UserAccount,
    password: str,
    *,
    then: Callable[[Callable[[], None]], None] | None = None,
    on_done: Callable[[Revision], None],
    on_error: Callable[[str], None],
    owner: QWidget,
) -> None:
    """Give ``account`` its key slot on this PC (the store checks the password), then run
    ``then`` (saving the staff member, say) and save the account record."""
    store, username = ctx.store, account.username

    def save_record() -> None:
        RecordSaver(ctx).save(
            account,
            on_saved=on_done,
            on_error=lambda e: on_error(f"{username} can sign in on this PC, but {e}"),
            owner=owner,
        )

    def slot_made(_: object) -> None:
        if then is None:
            save_record()
        else:
            then(save_record)

    ctx.runner.run(
        lambda: store.add_user(username, password),
        on_done=slot_made,
        on_error=lambda e: on_error(str(e)),
        changes=Changes(accounts=True),
        owner=owner,
    )


class AccountPanel(QGroupBox):
    """The account part of the staff screen."""

    #: A key slot was added, reset or removed (carries a sentence saying which).
    slots_changed = Signal(str)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__("Sign-in account", parent)
        named(self, "Sign-in account")
        self._ctx = ctx
        self.mode = AccountMode.HIDDEN
        self.account: UserAccount | None = None
        self.state = named(QLabel(), "Account state")
        self.state.setWordWrap(True)
        self.fields = AccountFields()
        self.create_button = named(QPushButton("Create acc&ount"), "Create account")
        self.let_in_button = named(
            QPushButton("Let them sign in on &this PC"), "Let them sign in here"
        )
        self.reset_button = named(QPushButton("Rese&t password"), "Reset password")
        self.remove_button = named(QPushButton("Remove from this P&C…"), "Remove from this PC")
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        self.confirm_remove = named(QPushButton("Yes, remove"), "Yes, remove")
        self.keep = named(QPushButton("Keep it"), "Keep it")
        self.progress = named(QProgressBar(), "Removing the account")
        self.progress.setRange(0, 0)
        self.progress_text = QLabel()
        self.progress_text.setWordWrap(True)
        self.error = error_label()
        self.note = named(QLabel(), "Account saved")
        self.note.setWordWrap(True)
        self.managed_note = named(QLabel(TRUST_MANAGED_NOTE), "Managed by trust IT")
        self.managed_note.setWordWrap(True)
        self.admin = AccountAdmin(ctx)  # made last: Tab reaches it after the buttons above it
        self._lay_out()
        self.reset_button.clicked.connect(self._reset)
        self.let_in_button.clicked.connect(self._let_in)
        self.remove_button.clicked.connect(self._ask_remove)
        self.confirm_remove.clicked.connect(self._remove)
        self.keep.clicked.connect(self._keep)
        self.fields.submitted.connect(self._submitted)
        self.admin.refused.connect(self.show_error)
        self.show_account(AccountMode.HIDDEN, None)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (
            self.create_button,
            self.let_in_button,
            self.reset_button,
            self.remove_button,
        ):
            button.setAutoDefault(True)
            buttons.addWidget(button)
        buttons.addStretch(1)
        confirm = QHBoxLayout()
        for button in (self.confirm_remove, self.keep):
            button.setAutoDefault(True)
            confirm.addWidget(button)
        confirm.addStretch(1)
        self._confirm_row = QWidget()
        self._confirm_row.setLayout(confirm)
        column = QVBoxLayout(self)
        widget: QWidget
        for widget in (self.state, self.managed_note, self.fields):
            column.addWidget(widget)
        column.addLayout(buttons)
        for widget in (self.confirm_text, self._confirm_row, self.progress_text, self.progress):
            column.addWidget(widget)
        column.addWidget(self.admin)
        column.addWidget(self.error)
        column.addWidget(self.note)

    # -- what is shown -----------------------------------------------------------------------

    def show_account(
        self,
        mode: AccountMode,
        account: UserAccount | None,
        *,
        staff_name: str = "",
        listed: StaffList | None = None,
        staff: StaffMember | None = None,
    ) -> None:
        """Offer what fits ``account`` (``mode`` says whether it may sign in here; ``listed``
        and ``staff`` are what the screen read, for the rules on changing it)."""
        self.mode, self.account = mode, account
        # On an enrolled PC trust IT makes accounts, sets their access role and deactivates
        # them at the trust server; a newcomer's first sign-in here is vouched for by it. What
        # stays here is this PC's key slots: resetting a password here, removing someone.
        managed = self._ctx.facts.trust_managed
        offered = None if mode is AccountMode.NEW or managed else account
        self.admin.show_for(offered, listed, staff)
        self.fields.clear()
        self.error.clear()
        self._keep()
        self.setVisible(mode is not AccountMode.HIDDEN)
        self.fields.show_identity(mode is AccountMode.NEW)
        self.fields.setVisible(not managed or mode is AccountMode.HERE)
        self.create_button.setVisible(mode is AccountMode.NEW and bool(staff_name) and not managed)
        self.let_in_button.setVisible(mode is AccountMode.NOT_HERE and not managed)
        self.reset_button.setVisible(mode is AccountMode.HERE)
        self.remove_button.setVisible(mode is AccountMode.HERE)
        self.managed_note.setVisible(managed and mode is not AccountMode.HIDDEN)
        if account is None:
            self.state.setText(
                "No sign-in account."
                if managed
                else "No sign-in account. To give one, type a username, what the account may "
                "do and a password twice (optional)."
            )
        else:
            where = (
                "can sign in on this PC"
                if mode is AccountMode.HERE
                else ("cannot sign in on this PC yet: type a password twice to let them")
            )
            status = "" if account.active else " · DEACTIVATED"
            self.state.setText(
                f"{account.username} · {account.access_role.label}{status} · {where}"
            )

    def show_error(self, message: str) -> None:
        """Say what went wrong; what was typed stays (passwords too, to try again)."""
        self.note.clear()
        self.error.setText(message)
        self._keep()
        self._working(working=False)

    def done(self, sentence: str) -> None:
        """Say what was done and forget the passwords."""
        self.fields.clear()
        self.error.clear()
        self.note.setText(sentence)
        self._keep()
        self._working(working=False)

    def _working(self, *, working: bool) -> None:
        for button in (
            self.create_button,
            self.let_in_button,
            self.reset_button,
            self.remove_button,
            self.confirm_remove,
        ):
            button.setEnabled(not working)

    # -- actions ---------------------------------------------------------------------------

    def _submitted(self) -> None:
        if self.mode is AccountMode.NOT_HERE:
            self._let_in()
        elif self.mode is AccountMode.HERE:
            self._reset()
        elif self.mode is AccountMode.NEW and not self.create_button.isHidden():
            self.create_button.click()

    def _slot_work(self, work: Callable[[], None], sentence: str) -> None:
        self._working(working=True)
        self.error.clear()

        def finished(_: object) -> None:
            self.done(sentence)
            self.slots_changed.emit(sentence)

        self._ctx.runner.run(
            work,
            on_done=finished,
            on_error=lambda e: self.show_error(str(e)),
            changes=Changes(accounts=True),
            owner=self,
        )

    def _password(self) -> str | None:
        try:
            return self.fields.new_password()
        except UserFacingError as exc:
            self.show_error(str(exc))
            return None

    def _reset(self) -> None:
        password, account, store = self._password(), self.account, self._ctx.store
        if password is None or account is None:
            return
        name = account.username
        self._slot_work(
            lambda: store.reset_password(name, password), f"New password set for {name}."
        )

    def _let_in(self) -> None:
        password, account, store = self._password(), self.account, self._ctx.store
        if password is None or account is None:
            return
        name = account.username
        self._slot_work(lambda: store.add_user(name, password), f"{name} can sign in on this PC.")

    def _ask_remove(self) -> None:
        if self.account is None:
            return
        problem = self.admin.problem(AccountChange.REMOVE_FROM_PC)
        if problem is not None:
            self.show_error(problem)
            return
        self.error.clear()
        self.confirm_text.setText(
            f"Remove {self.account.username} from this PC? They will not be able to sign in "
            "here; their records stay. The store's key is changed, which takes a few seconds."
        )
        self.confirm_text.show()
        self._confirm_row.show()
        self.confirm_remove.setFocus()

    def _keep(self) -> None:
        self.confirm_text.hide()
        self._confirm_row.hide()
        self.progress.hide()
        self.progress_text.hide()

    def _remove(self) -> None:
        if self.account is None:
            return
        problem = self.admin.problem(AccountChange.REMOVE_FROM_PC)
        if problem is not None:  # checked again: the list may have changed since asking
            self.show_error(problem)
            return
        name, store = self.account.username, self._ctx.store
        self.confirm_text.hide()
        self._confirm_row.hide()
        self.progress_text.setText(REMOVING.format(name))
        self.progress_text.show()
        self.progress.show()
        self._slot_work(
            lambda: store.remove_user(name), f"{name} was removed from this PC; the key changed."
        )
