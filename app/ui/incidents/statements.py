"""My accounts to give: every incident on which the signed-in member of staff is named and has
not yet given their own account of their part (what they did, which hold, their role), and the
accounts they have given, which are never edited, only added to
(:mod:`app.models.staff_statement`).

The screen is made at every sign-in; while accounts are owed its tab says how many, so the
person is reminded until they give them.
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
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local
from app.models.codes import InterventionType
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.staff_statement import StaffStatement, check_statement
from app.ui.context import ScreenContext
from app.ui.forms import RecordSaver
from app.ui.incidents.inputs import line, narrative, text_of
from app.ui.incidents.rows_model import RowsModel
from app.ui.incidents.statement_queries import (
    GivenAccount,
    MyAccounts,
    OwedAccount,
    load_my_accounts,
)
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly, error_label, named

TAB_TITLE = "My accounts to gi&ve"


def _owed_cell(row: OwedAccount, column: int) -> str:
    incident = row.incident
    cells = (
        row.patient_name,
        format_local(incident.started_at),
        incident.location or "",
        ", ".join(t.label for t in incident.intervention_types),
    )
    return cells[column]


def _given_cell(row: GivenAccount, column: int) -> str:
    cells = (
        row.patient_name,
        format_local(row.incident.started_at),
        format_local(row.first.given_at),
        str(len(row.statements) - 1),
    )
    return cells[column]


def thread_text(given: GivenAccount) -> str:
    """An account and its additions, as read back."""
    parts = []
    for statement in given.statements:
        when = format_local(statement.given_at)
        if statement.is_addition:
            parts.append(f"Added {when}:\n{statement.account}")
        else:
            holds = ", ".join(t.label for t in statement.holds)
            parts.append(
                f"Given {when}. Role: {statement.role}. Holds: {holds}.\n{statement.account}"
            )
    return "\n\n".join(parts)


class StatementsPage(QWidget):
    """The signed-in person's accounts: owed, and given."""

    #: The lists were read from the store (carries :class:`MyAccounts`).
    loaded = Signal(object)
    #: An account or an addition was saved (carries the :class:`StaffStatement`).
    statement_saved = Signal(object)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("my-accounts")
        self._ctx = ctx
        self._saver = RecordSaver(ctx)
        self._stopped = False
        self._accounts = MyAccounts(owed=(), given=())
        self.heading = named(QLabel(), "Accounts owed")
        self.heading.setWordWrap(True)
        self.owed_model = RowsModel(("Patient", "Began", "Place", "Types of force"), _owed_cell)
        self.owed = self._table(self.owed_model, "Incidents awaiting your account")
        self.about = named(QLabel(), "The incident of your account")
        self.about.setWordWrap(True)
        self.role = line("Your role in the incident", "e.g. led the team and held the head")
        self.holds = named(QListWidget(), "Types of force you took part in (Space ticks)")
        self.holds.setMaximumHeight(self.holds.fontMetrics().lineSpacing() * 7)
        self.account = narrative("What you did", "In your own words: what you saw and did")
        self.give = named(QPushButton("&Give my account (Ctrl+Enter)"), "Give my account")
        self.message = error_label()
        self.given_model = RowsModel(("Patient", "Began", "Given", "Additions"), _given_cell)
        self.given = self._table(self.given_model, "Accounts you have given")
        self.given_text = named(narrative("The account given"), "The account given")
        self.given_text.setReadOnly(True)
        self.addition = narrative(
            "Add to this account", "What you want to add (it is kept beside it)"
        )
        self.add = named(QPushButton("A&dd to this account"), "Add to this account")
        self._build_layout()
        self.give.clicked.connect(self.give_account)
        self.add.clicked.connect(self.add_to_account)
        submit = QAction(self)
        submit.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        submit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        submit.triggered.connect(self.give_account)
        self.addAction(submit)
        self.owed.selectionModel().currentRowChanged.connect(lambda *_: self._show_owed())
        self.given.selectionModel().currentRowChanged.connect(lambda *_: self._show_given())
        ctx.runner.changed.connect(self._on_changed)
        ctx.session.locking.connect(self.stop)
        able = ctx.facts.staff is not None and not ctx.facts.read_only
        for widget in (self.give, self.add):
            widget.setEnabled(able)
        self.reload()

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
        owed_column.addLayout(form)
        owed_column.addWidget(self.give)
        given_box = QGroupBox("Accounts you have given (never changed, only added to)")
        given_column = QVBoxLayout(given_box)
        given_column.addWidget(self.given)
        given_column.addWidget(self.given_text)
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
        self.owed_model.set_rows(accounts.owed)
        self.given_model.set_rows(accounts.given)
        count = len(accounts.owed)
        if count:
            self.heading.setText(
                f"<b>You were named on {count} incident{'s' if count != 1 else ''} and have "
                f"not yet given your account of your part.</b> Choose one, then say your role, "
                "the holds you took part in and what you did."
            )
            self.owed.selectRow(0)
        else:
            self.heading.setText("You have given every account asked of you.")
        self._show_owed()
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
        self.holds.clear()
        if not isinstance(row, OwedAccount):
            self.about.setText("No incident chosen.")
            return
        incident = row.incident
        self.about.setText(
            f"{row.patient_name}, {format_local(incident.started_at)}, "
            f"{incident.location or 'place not recorded'}"
        )
        for kind in incident.intervention_types:
            item = QListWidgetItem(f"{kind.value} {kind.label}")
            item.setData(Qt.ItemDataRole.UserRole, kind.value)  # Qt keeps the code as text
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.holds.addItem(item)

    def _show_given(self) -> None:
        row = self._current(self.given, self.given_model)
        self.given_text.setPlainText(thread_text(row) if isinstance(row, GivenAccount) else "")

    # -- giving ----------------------------------------------------------------------------

    def _chosen_holds(self) -> tuple[InterventionType, ...]:
        items = (self.holds.item(i) for i in range(self.holds.count()))
        return tuple(
            InterventionType(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def _save(self, statement: StaffStatement, done: str) -> None:
        def saved(_revision: object) -> None:
            self.message.setText(done)
            self.statement_saved.emit(statement)

        self._saver = RecordSaver(self._ctx)  # every account is a new record
        self._saver.save(
            statement,
            on_saved=saved,
            on_error=lambda e: self.message.setText(f"Not saved: {e}"),
            owner=self,
        )

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
                holds=self._chosen_holds(),
                account=text_of(self.account),
                given_at=self._ctx.now(),
            )
            check_statement(statement, incident)
        except UserFacingError as exc:
            self.message.setText(f"Not saved: {exc}")
            return
        self.role.clear()
        self.account.clear()
        self._save(statement, "Your account was saved. Thank you.")

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
        self.addition.clear()
        self._save(addition, "Your addition was saved beside your account.")

    def stop(self) -> None:
        """Stop listening (the session is ending)."""
        self._stopped = True
        disconnect_quietly(self._ctx.runner.changed, self._on_changed)


def statements_screen(ctx: ScreenContext) -> QWidget:
    """The "My accounts to give" tab."""
    return StatementsPage(ctx)
