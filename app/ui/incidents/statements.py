"""My accounts to give: every incident on which the signed-in member of staff is named and has
not yet given their own account of their part (what they did, which hold, their role), and the
accounts they have given, which are never edited, only added to
(:mod:`app.models.staff_statement`).

The screen is made at every sign-in; while accounts are owed its tab says how many, so the
person is reminded until they give them.

Nothing typed is lost: an account or an addition being typed is kept as a draft of its
incident, put back when the same person opens that incident again, and closed when it is given
(:mod:`app.ui.incidents.statement_drafts`). A given account is never a draft, never edited.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.staff_statement import StaffStatement, check_statement
from app.ui.context import ScreenContext
from app.ui.forms import RecordSaver
from app.ui.incidents.inputs import line, narrative, text_of
from app.ui.incidents.rows_model import RowsModel
from app.ui.incidents.statement_drafts import HoldsList, StatementDrafts
from app.ui.incidents.statement_queries import (
    ACCOUNT_DRAFT,
    ADDITION_DRAFT,
    GivenAccount,
    MyAccounts,
    OwedAccount,
    given_cell,
    load_my_accounts,
    owed_cell,
    owed_heading,
    thread_text,
)
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly, error_label, named

TAB_TITLE = "My accounts to gi&ve"
SAVED_WORDS = {
    ACCOUNT_DRAFT: "Your account was saved. Thank you.",
    ADDITION_DRAFT: "Your addition was saved beside your account.",
}


class StatementsPage(QWidget):
    """The signed-in person's accounts: owed, and given."""

    #: The lists were read from the store (carries :class:`MyAccounts`).
    loaded = Signal(object)
    #: An account or an addition was saved (carries the :class:`StaffStatement`).
    statement_saved = Signal(object)
    #: What was typed was kept as a draft (carries the draft's revision).
    draft_kept = Signal(object)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("my-accounts")
        self._ctx = ctx
        self._saver = RecordSaver(ctx)
        self._stopped = False
        self._busy = False
        self._accounts = MyAccounts(owed=(), given=())
        self.heading = named(QLabel(), "Accounts owed")
        self.heading.setWordWrap(True)
        self.owed_model = RowsModel(("Patient", "Began", "Place", "Types of force"), owed_cell)
        self.owed = self._table(self.owed_model, "Incidents awaiting your account")
        self.about = named(QLabel(), "The incident of your account")
        self.about.setWordWrap(True)
        self.role = line("Your role in the incident", "e.g. led the team and held the head")
        self.holds = named(HoldsList(), "Types of force you took part in (Space ticks)")
        self.holds.setMaximumHeight(self.holds.fontMetrics().lineSpacing() * 7)
        self.account = narrative("What you did", "In your own words: what you saw and did")
        self.give = named(QPushButton("&Give my account (Ctrl+Enter)"), "Give my account")
        self.message = error_label()
        self.given_model = RowsModel(("Patient", "Began", "Given", "Additions"), given_cell)
        self.given = self._table(self.given_model, "Accounts you have given")
        self.given_text = named(narrative("The account given"), "The account given")
        self.given_text.setReadOnly(True)
        self.addition = narrative(
            "Add to this account", "What you want to add (it is kept beside it)"
        )
        self.add = named(QPushButton("A&dd to this account"), "Add to this account")
        fields = (self.role, self.holds, self.account, self.addition)
        self.drafts = StatementDrafts(ctx, fields, self)
        self.notes = {
            form: named(QLabel(), f"{what} carried on from a draft")
            for form, what in ((ACCOUNT_DRAFT, "Account"), (ADDITION_DRAFT, "Addition"))
        }
        for note in self.notes.values():
            note.setWordWrap(True)
            note.hide()
        self._build_layout()
        self._connect()
        able = ctx.facts.staff is not None and not ctx.facts.read_only
        for widget in (self.give, self.add):
            widget.setEnabled(able)
        self.reload()

    def _connect(self) -> None:
        self.give.clicked.connect(self.give_account)
        self.add.clicked.connect(self.add_to_account)
        submit = QAction(self)
        submit.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        submit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        submit.triggered.connect(self.give_account)
        self.addAction(submit)
        self.owed.selectionModel().currentRowChanged.connect(lambda *_: self._show_owed())
        self.given.selectionModel().currentRowChanged.connect(lambda *_: self._show_given())
        for typed in (self.role.textChanged, self.account.textChanged, self.holds.itemChanged):
            typed.connect(lambda *_: self._typed_in(ACCOUNT_DRAFT))
        self.addition.textChanged.connect(lambda: self._typed_in(ADDITION_DRAFT))
        self.drafts.kept.connect(self.draft_kept.emit)
        self.drafts.refused.connect(
            lambda why: self.message.setText(f"What you typed could not be kept: {why}")
        )
        self._ctx.runner.changed.connect(self._on_changed)
        self._ctx.session.locking.connect(self.stop)

    def _table(self, model: RowsModel, name: str) -> QTableView:
        table = named(QTableView(), name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("Incident", self.about)
        form.addRow("Your &role", self.role)
        form.addRow("Holds you too&k part in", self.holds)
        form.addRow("What yo&u did", self.account)
        owed_box = QGroupBox("Your account of your part")
        owed_column = QVBoxLayout(owed_box)
        owed_column.addWidget(self.notes[ACCOUNT_DRAFT])
        owed_column.addLayout(form)
        owed_column.addWidget(self.give)
        given_box = QGroupBox("Accounts you have given (never changed, only added to)")
        given_column = QVBoxLayout(given_box)
        given_column.addWidget(self.given)
        given_column.addWidget(self.given_text)
        given_column.addWidget(self.notes[ADDITION_DRAFT])
        given_column.addWidget(self.addition)
        given_column.addWidget(self.add)
        column = QVBoxLayout(self)
        column.addWidget(QLabel("<h2>My accounts of force used</h2>"))
        column.addWidget(self.heading)
        column.addWidget(self.owed, 1)
        column.addWidget(owed_box)
        column.addWidget(self.message)
        column.addWidget(given_box, 1)

    # -- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read what is owed and given again (on the store worker)."""
        staff = self._ctx.facts.staff
        if staff is None:
            self.heading.setText("This account is not linked to a member of staff.")
            return
        ctx = self._ctx
        store, ward_id, at, policy = ctx.store, ctx.ward_id, ctx.now(), ctx.policy
        ctx.runner.run(
            lambda: load_my_accounts(store, ward_id, staff.id, at, policy),
            on_done=self._show,
            owner=self,
        )

    def _show(self, accounts: MyAccounts) -> None:
        if self._stopped:
            return
        self._accounts = accounts
        self.drafts.accounts = accounts
        self.owed_model.set_rows(accounts.owed)
        self.given_model.set_rows(accounts.given)
        count = len(accounts.owed)
        self.heading.setText(owed_heading(count))
        # The incident being written about stays chosen when the lists are read again.
        for table, model, form in (
            (self.owed, self.owed_model, ACCOUNT_DRAFT),
            (self.given, self.given_model, ADDITION_DRAFT),
        ):
            shown = self.drafts.shown(form)
            ids = [row.incident.id for row in model.rows()]
            if ids:
                table.selectRow(ids.index(shown.id) if shown and shown.id in ids else 0)
        self._show_owed()
        self._show_given()
        self._retitle(count)
        self.loaded.emit(accounts)

    def _retitle(self, count: int) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if isinstance(parent, QTabWidget) and (index := parent.indexOf(self)) >= 0:
            parent.setTabText(index, f"{TAB_TITLE} ({count})" if count else TAB_TITLE)

    def _on_changed(self, changes: Changes) -> None:
        if not self._stopped and changes.touches(StaffStatement.KIND, UseOfForceIncident.KIND):
            self.reload()

    def _current(self, table: QTableView, model: RowsModel) -> object:
        index = table.selectionModel().currentIndex()
        return model.row_of(index) if index.isValid() else None

    def _show_owed(self) -> None:
        row = self._current(self.owed, self.owed_model)
        incident = row.incident if isinstance(row, OwedAccount) else None
        texts = self.drafts.leave(ACCOUNT_DRAFT, incident)
        self.drafts.filling = True  # listing the incident's holds is not typing
        try:
            self.holds.show_kinds(incident.intervention_types if incident else ())
        finally:
            self.drafts.filling = False
        if not isinstance(row, OwedAccount) or incident is None:
            self.about.setText("No incident chosen.")
        else:
            self.about.setText(
                f"{row.patient_name}, {format_local(incident.started_at)}, "
                f"{incident.location or 'place not recorded'}"
            )
        self._note(ACCOUNT_DRAFT, self.drafts.enter(ACCOUNT_DRAFT, incident, texts))

    def _show_given(self) -> None:
        row = self._current(self.given, self.given_model)
        given = row if isinstance(row, GivenAccount) else None
        incident = given.incident if given else None
        texts = self.drafts.leave(ADDITION_DRAFT, incident)
        self.given_text.setPlainText(thread_text(given) if given else "")
        self._note(ADDITION_DRAFT, self.drafts.enter(ADDITION_DRAFT, incident, texts))

    # -- what is typed, kept as drafts -------------------------------------------------------

    def _typed_in(self, form: str) -> None:
        if not self._stopped and not self.drafts.filling:
            self.notes[form].hide()
            self.drafts.typed(form)

    def _note(self, form: str, note: str | None) -> None:
        if note is None:
            return  # the same incident is still shown: its note stays as it was
        self.notes[form].setText(note)
        self.notes[form].setVisible(bool(note))

    # -- giving ----------------------------------------------------------------------------

    def _save(self, statement: StaffStatement, form: str, incident: UseOfForceIncident) -> None:
        """Save ``statement``; then close its draft and empty the fields it was typed in.
        Ignored while a save runs (a second Ctrl+Enter gives nothing twice)."""
        if self._busy:
            return
        done = SAVED_WORDS[form]

        def saved(_revision: object) -> None:
            self._busy = False
            self.drafts.given(form, incident)  # closed with what was given, fields emptied
            self.message.setText(done)
            self.statement_saved.emit(statement)

        def refused(error: object) -> None:
            self._busy = False
            self.message.setText(f"Not saved: {error}")  # what was typed stays

        self._busy = True
        self._saver = RecordSaver(self._ctx)  # every account is a new record
        self._saver.save(statement, on_saved=saved, on_error=refused, owner=self)

    def give_account(self) -> None:
        """Save the account typed for the chosen incident (Ctrl+Enter)."""
        row = self._current(self.owed, self.owed_model)
        staff = self._ctx.facts.staff
        if not isinstance(row, OwedAccount) or staff is None or not self.give.isEnabled():
            return
        incident = row.incident
        try:
            statement = StaffStatement.build(
                incident_id=incident.id,
                ward_id=incident.ward_id,
                patient_id=incident.patient_id,
                author=staff.as_person_ref(),
                role=text_of(self.role),
                holds=self.holds.chosen(),
                account=text_of(self.account),
                given_at=self._ctx.now(),
            )
            check_statement(statement, incident)
        except UserFacingError as exc:
            self.message.setText(f"Not saved: {exc}")
            return
        self._save(statement, ACCOUNT_DRAFT, incident)

    def add_to_account(self) -> None:
        """Save what is typed as an addition to the chosen account (never an edit of it)."""
        row = self._current(self.given, self.given_model)
        staff = self._ctx.facts.staff
        if not isinstance(row, GivenAccount) or staff is None or not self.add.isEnabled():
            return
        first = row.first
        try:
            addition = StaffStatement.build(
                incident_id=first.incident_id,
                ward_id=first.ward_id,
                patient_id=first.patient_id,
                author=staff.as_person_ref(),
                account=text_of(self.addition),
                given_at=self._ctx.now(),
                adds_to=first.id,
            )
            check_statement(addition, row.incident, first)
        except UserFacingError as exc:
            self.message.setText(f"Not saved: {exc}")
            return
        self._save(addition, ADDITION_DRAFT, row.incident)

    def stop(self) -> None:
        """The window is locking: keep what was typed as drafts now (their saves run on the
        store worker before the store closes), then stop listening. Safe to call twice."""
        if not self._stopped:
            self.drafts.flush()
        self._stopped = True
        disconnect_quietly(self._ctx.runner.changed, self._on_changed)


def statements_screen(ctx: ScreenContext) -> QWidget:
    """The "My accounts to give" tab."""
    return StatementsPage(ctx)
