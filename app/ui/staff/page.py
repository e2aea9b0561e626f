"""The staff and accounts screen: the ward's staff (and those who work across wards) with
their sign-in accounts, for the local administrator of a standalone ward PC
(``Permission.MANAGE_ACCOUNTS``); every other account sees the list read-only.

Staff are never deleted: someone who leaves is made inactive, so old records keep naming them
(s.6(5)(h)). Records are saved with :class:`~app.ui.forms.RecordSaver`, each change naming the
revision it started from; key slots go through :mod:`app.ui.staff.accounts`. Nothing here is
clinical content: on locking, what was typed (passwords above all) is simply forgotten.
"""

from __future__ import annotations

import html
from uuid import UUID, uuid4

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.errors import UserFacingError
from app.models.people import Permission, StaffMember, UserAccount, account_problem
from app.models.revision import Revision
from app.ui.context import ScreenContext
from app.ui.forms import RecordSaver
from app.ui.ops import Changes
from app.ui.staff.accounts import AccountMode, AccountPanel, make_account
from app.ui.staff.forms import StaffForm
from app.ui.staff.loading import StaffList, StaffRow, load_staff_list
from app.ui.staff.model import StaffListModel
from app.ui.widgets import disconnect_quietly, error_label, named

WATCHED = ("staff_member", "user_account")
READ_ONLY_NOTE = "Staff and their accounts are managed by this PC's local administrator."
TRUST_READ_ONLY_NOTE = "Staff and their accounts are managed by trust IT."


class StaffPage(QWidget):
    """The staff list and, for the administrator, the person chosen."""

    #: The list was read from the store (carries :class:`StaffList`).
    list_loaded = Signal(object)
    #: A staff member or account record was saved (carries the Revision).
    saved = Signal(object)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staff")
        self._ctx = ctx
        self._stopped = False
        self._choosing = False
        self.staff_list: StaffList | None = None
        self.row: StaffRow | None = None
        self.new_id: UUID | None = None
        self._wanted: UUID | None = None
        self.manage = ctx.may(Permission.MANAGE_ACCOUNTS) and not ctx.facts.read_only
        note = TRUST_READ_ONLY_NOTE if ctx.facts.trust_managed else READ_ONLY_NOTE
        self.read_only_note = named(QLabel(note), "Read-only")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setVisible(not self.manage)
        self.model = StaffListModel()
        self.table = named(QTableView(), "Staff")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.new_button = named(QPushButton("Add a staff &member"), "Add a staff member")
        self.new_button.setAutoDefault(True)
        self.heading = named(QLabel(), "Person")
        self.heading.setWordWrap(True)
        self.form = StaffForm()
        self.save_button = named(QPushButton("&Save"), "Save")
        self.save_button.setAutoDefault(True)
        self.error = error_label()
        self.note = named(QLabel(), "What was saved")
        self.note.setWordWrap(True)
        self.accounts = AccountPanel(ctx)
        self.details = QWidget()
        self._lay_out()
        self._connect()
        self._show_person()
        self.reload()

    def _lay_out(self) -> None:
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.addWidget(QLabel(f"<h2>Staff and accounts — {self._ctx.ward.name}</h2>"))
        left_column.addWidget(self.read_only_note)
        left_column.addWidget(self.table, 1)
        left_column.addWidget(self.new_button, alignment=Qt.AlignmentFlag.AlignLeft)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        details_column = QVBoxLayout(self.details)
        widget: QWidget
        for widget in (self.heading, self.form):
            details_column.addWidget(widget)
        details_column.addLayout(buttons)
        for widget in (self.error, self.note, self.accounts):
            details_column.addWidget(widget)
        details_column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(splitter)
        scroll.setVisible(self.manage)
        self.new_button.setVisible(self.manage)
        QWidget.setTabOrder(self.table, self.new_button)
        QWidget.setTabOrder(self.new_button, self.form.name)
        QWidget.setTabOrder(self.form.active, self.save_button)
        QWidget.setTabOrder(self.save_button, self.accounts.fields.username)

    def _connect(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.table.activated.connect(lambda _index: self.form.name.setFocus())
        self.new_button.clicked.connect(self.new_staff_member)
        self.save_button.clicked.connect(self.save)
        self.form.submitted.connect(self.save)
        self.form.edited.connect(self.note.clear)
        self.accounts.create_button.clicked.connect(self.create_account)
        self.accounts.fields.submitted.connect(self._account_enter)
        self.accounts.admin.saved.connect(self._account_changed)
        for keys, slot in (("Ctrl+N", self.new_staff_member), ("Ctrl+S", self.save)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._ctx.runner.changed.connect(self._on_changed)
        self._ctx.session.locking.connect(self.stop)

    # -- the list --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the staff, accounts and this PC's key slots again (on the store worker)."""
        store, ward_id = self._ctx.store, self._ctx.ward_id
        self._ctx.runner.run(
            lambda: load_staff_list(store, ward_id), on_done=self._show_list, owner=self
        )

    def _show_list(self, staff_list: StaffList) -> None:
        if self._stopped:
            return
        self.staff_list = staff_list
        self._choosing = True
        try:
            self.model.set_rows(staff_list.rows)
        finally:
            self._choosing = False
        wanted = self._wanted or (None if self.row is None else self.row.key)
        number = None if wanted is None else self.model.row_number(wanted)
        if number is not None and self.new_id is None:
            self._select(number)
            self.row = self.model.row_of(self.model.index(number, 0))
            self._show_person()
        self.list_loaded.emit(staff_list)

    def _select(self, number: int) -> None:
        self._choosing = True
        try:
            index = self.model.index(number, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)
        finally:
            self._choosing = False

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._choosing:
            return
        self.row = self.model.row_of(current)
        self.new_id = None
        self._wanted = None if self.row is None else self.row.key
        self.note.clear()
        self._show_person()

    def _on_changed(self, changes: Changes) -> None:
        if not self._stopped and (changes.accounts or changes.touches(*WATCHED)):
            self.reload()

    # -- the person chosen -------------------------------------------------------------------

    def _show_person(self) -> None:
        """Fill the details for the row chosen, or someone new."""
        self.error.clear()
        listed, row = self.staff_list, self.row
        staff = None if listed is None or row is None else listed.staff_member(row.staff_id)
        account = None if listed is None or row is None else listed.account_of(row)
        new = self.new_id is not None
        self.details.setEnabled(new or row is not None)
        self.form.setVisible(new or staff is not None)
        self.save_button.setVisible(new or staff is not None)
        self.form.fill(None if new else staff, ward_id=self._ctx.ward_id)
        if new:
            self.heading.setText("<h3>New staff member</h3>")
        elif row is not None:
            self.heading.setText(f"<h3>{html.escape(row.name)}</h3>")
        else:
            self.heading.setText("<h3>Choose someone, or add a staff member</h3>")
        if account is not None:
            mode = AccountMode.HERE if row is not None and row.on_this_pc else AccountMode.NOT_HERE
        elif new or staff is not None:
            mode = AccountMode.NEW
        else:
            mode = AccountMode.HIDDEN
        self.accounts.show_account(
            mode,
            account,
            staff_name="" if new or staff is None else staff.name,
            listed=listed,
            staff=staff,
        )
        if staff is not None and not staff.active and row is not None and row.on_this_pc:
            self.accounts.state.setText(
                f"{self.accounts.state.text()}. They have left: remove their account from this "
                "PC so it can no longer open the store here."
            )

    def new_staff_member(self) -> None:
        """Blank fields for someone joining the ward (optionally with an account)."""
        if not self.manage:
            return
        self.new_id = uuid4()
        self.row = None
        self._wanted = None
        self.table.selectionModel().clearSelection()
        self.note.clear()
        self._show_person()
        self.form.name.setFocus()

    # -- saving ----------------------------------------------------------------------------

    def _account_for(self, staff: StaffMember) -> tuple[UserAccount, str]:
        fields = self.accounts.fields
        known = () if self.staff_list is None else self.staff_list.accounts
        account = UserAccount.build(
            username=fields.username.text().strip().lower(),
            staff_id=staff.id,
            access_role=fields.role(),
        )
        problem = account_problem(account.username, staff, known)
        if problem is not None:
            raise UserFacingError(problem)
        return account, fields.new_password()

    def save(self) -> None:
        """Save the staff member (someone new with their account, if one was typed)."""
        if not self.manage or self.form.isHidden():
            return
        staff_id = self.new_id or (None if self.row is None else self.row.staff_id)
        base = None
        if self.new_id is None and staff_id is not None and self.staff_list is not None:
            base = self.staff_list.revision_of(staff_id)
        try:
            staff = self.form.build(self._ctx.ward_id, staff_id)
            wanted = self.new_id is not None and self.accounts.fields.wants_account()
            account = self._account_for(staff) if wanted else None
        except UserFacingError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.save_button.setEnabled(False)

        def save_staff(after: object = None) -> None:
            def saved(revision: Revision) -> None:
                self._saved(revision, staff.id, "Saved.")
                if callable(after):
                    after()

            RecordSaver(self._ctx, base=base).save(
                staff, on_saved=saved, on_error=self._refused, owner=self
            )

        if account is None:
            save_staff()
            return
        make_account(
            self._ctx,
            account[0],
            account[1],
            then=save_staff,
            on_done=lambda rev: self._account_saved(rev, staff.id),
            on_error=self._refused,
            owner=self,
        )

    def create_account(self) -> None:
        """Give the staff member chosen an account that signs in on this PC."""
        listed, row = self.staff_list, self.row
        staff = None if listed is None or row is None else listed.staff_member(row.staff_id)
        if not self.manage or staff is None:
            return
        try:
            account, password = self._account_for(staff)
        except UserFacingError as exc:
            self.accounts.show_error(str(exc))
            return
        self.accounts.error.clear()
        make_account(
            self._ctx,
            account,
            password,
            on_done=lambda rev: self._account_saved(rev, staff.id),
            on_error=self.accounts.show_error,
            owner=self,
        )

    def _account_enter(self) -> None:
        if self.accounts.mode is AccountMode.NEW and self.new_id is not None:
            self.save()

    def _saved(self, revision: Revision, key: UUID, sentence: str) -> None:
        self.save_button.setEnabled(True)
        self.new_id = None
        self._wanted = key
        self.note.setText(sentence)
        self.saved.emit(revision)

    def _account_saved(self, revision: Revision, key: UUID) -> None:
        self._saved(revision, key, "Saved, with an account that signs in on this PC.")
        self.accounts.done("Account made.")

    def _account_changed(self, revision: Revision, sentence: str) -> None:
        self._saved(revision, self.row.key if self.row else revision.record_id, sentence)

    def _refused(self, message: object) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(str(message))

    # -- locking ---------------------------------------------------------------------------

    def stop(self) -> None:
        """The window is locking: forget what was typed (nothing here is clinical) and show
        nobody. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        disconnect_quietly(self._ctx.runner.changed, self._on_changed)
        self.staff_list, self.row, self.new_id = None, None, None
        self.model.clear()
        self.accounts.fields.clear()
        self._show_person()


def staff_screen(ctx: ScreenContext) -> QWidget:
    """The staff and accounts screen (tab "Staff and &accounts")."""
    return StaffPage(ctx)
