"""The "History and conflicts" screen: the ward's conflicted records, and one record's every
revision (who, when, what happened, what changed field by field), with voiding and, for a
conflicted record, its versions side by side to resolve.

One screen holds both, because a conflict is resolved while reading the record's history:
the list on the left names the ward's conflicted records; opening one shows its versions side
by side. Other screens ask for a record's history through ``ctx.navigator.history_requested``
(honoured by :meth:`HistoryPage.show_history`). Nothing here deletes anything: a void is a
revision that says why, and the record stays, shown as voided.
"""

from __future__ import annotations

import contextlib
from uuid import UUID

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.revision_rules import RESOLVE_PERMISSION, void_permission
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.ui.context import ScreenContext
from app.ui.history.compare import ComparePanel
from app.ui.history.loading import (
    ConflictRow,
    RecordHistory,
    RevisionLine,
    load_conflicts,
    load_history,
    void_versions,
)
from app.ui.history.models import changes_model, conflicts_model, revisions_model
from app.ui.history.reason import ReasonDialog, write_with_reason
from app.ui.history.views import fit, table_view
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly, error_label, named

NOTHING_SHOWN = "Open a conflicted record from the list, or a record's history from its own screen."
NO_CONFLICTS = "No conflicted records on this ward."
NOT_HERE = "This record is not on this PC."
VOID_TITLE = "Void this record"
VOID_PROMPT = (
    "Voiding marks the record as made in error. It is not deleted: it stays, with its whole "
    "history, shown as voided and left out of lists and figures. Say why it is being voided."
)


def _labelled(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class HistoryPage(QWidget):
    """Conflicted records on the left; the chosen record's history (and versions) on the
    right."""

    #: A record's history was drawn (carries the :class:`RecordHistory`, or None).
    history_loaded = Signal(object)
    #: The conflict list was drawn (carries the rows).
    conflicts_loaded = Signal(object)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self._ctx = ctx
        self._record_id: UUID | None = None
        self._history: RecordHistory | None = None
        self._want_versions = False
        self._stopped = False
        self.dialog: ReasonDialog | None = None

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_conflicts())
        splitter.addWidget(self._build_record())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        column = QVBoxLayout(self)
        column.addWidget(splitter)
        self.setTabOrder(self.conflicts_table, self.open_button)
        self.setTabOrder(self.open_button, self.void_button)
        self.setTabOrder(self.void_button, self.tabs)
        self.setTabOrder(self.tabs, self.revisions_table)
        self.setTabOrder(self.revisions_table, self.changes_table)

        self.conflicts_table.activated.connect(self._open_conflict)
        self.revisions_table.selectionModel().currentRowChanged.connect(self._revision_chosen)
        self.void_button.clicked.connect(self._void)
        self.open_button.clicked.connect(self._open_record)
        self.compare.resolved.connect(lambda _revision: self.tabs.setCurrentIndex(0))
        self._show_actions()
        ctx.runner.changed.connect(self._on_changed)
        self.reload_conflicts()

    def _build_conflicts(self) -> QWidget:
        self.conflicts = conflicts_model()
        self.conflicts_table = table_view("Conflicted records on this ward")
        self.conflicts_table.setModel(self.conflicts)
        self.conflicts_summary = named(QLabel(), "Conflicts on this ward")
        self.conflicts_summary.setWordWrap(True)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(_labelled("Co&nflicted records on this ward", self.conflicts_table))
        column.addWidget(self.conflicts_summary)
        column.addWidget(self.conflicts_table, 1)
        return left

    def _build_record(self) -> QWidget:
        self.title = named(QLabel(NOTHING_SHOWN), "Record")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.state = named(QLabel(), "Where the record stands")
        self.state.setWordWrap(True)
        self.message = error_label()
        self.open_button = named(QPushButton("&Open the record"), "Open the record")
        self.void_button = named(QPushButton("&Void this record…"), "Void this record")
        self.void_note = named(QLabel(), "Who can void")
        self.void_note.setWordWrap(True)
        self.compare = ComparePanel(self._ctx)
        self.tabs = named(QTabWidget(), "Record history")
        self.tabs.addTab(self._build_revisions(), "Revisions")
        self.tabs.addTab(self.compare, "Versions side by side")
        self.tabs.setTabEnabled(1, False)  # noqa: FBT003 - Qt's API
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.void_button)
        actions.addWidget(self.void_note, 1)
        right = QWidget()
        column = QVBoxLayout(right)
        column.addWidget(self.title)
        column.addWidget(self.state)
        column.addLayout(actions)
        column.addWidget(self.message)
        column.addWidget(self.tabs, 1)
        return right

    def _build_revisions(self) -> QWidget:
        self.revisions = revisions_model()
        self.revisions_table = table_view("Revisions, oldest first")
        self.revisions_table.setModel(self.revisions)
        self.changes = changes_model()
        self.changes_table = table_view("Fields the selected revision changed")
        self.changes_table.setModel(self.changes)
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.addWidget(_labelled("&Revisions, oldest first", self.revisions_table))
        column.addWidget(self.revisions_table, 2)
        column.addWidget(_labelled("Fi&elds the selected revision changed", self.changes_table))
        column.addWidget(self.changes_table, 3)
        return tab

    # -- what other screens ask for ------------------------------------------------------

    def show_history(self, record_id: UUID) -> None:
        """Show ``record_id``'s history (navigator: ``history_requested``)."""
        self._want_versions = False
        self._load(record_id)
        self.tabs.setCurrentIndex(0)

    def show_conflict(self, record_id: UUID) -> None:
        """Show ``record_id``'s diverging versions side by side."""
        self._want_versions = True
        self._load(record_id)

    # -- loading -------------------------------------------------------------------------

    def reload_conflicts(self) -> None:
        """Read the ward's conflicted records again."""
        store, ward_id = self._ctx.store, self._ctx.ward_id
        self._ctx.runner.run(
            lambda: load_conflicts(store, ward_id), on_done=self._show_conflicts, owner=self
        )

    def _load(self, record_id: UUID) -> None:
        self._record_id = record_id
        store = self._ctx.store
        self._ctx.runner.run(
            lambda: load_history(store, record_id),
            on_done=lambda history: self._show_history(record_id, history),
            owner=self,
        )

    def _show_conflicts(self, rows: tuple[ConflictRow, ...]) -> None:
        if self._stopped:
            return
        self.conflicts.set_rows(rows)
        count = len(rows)
        self.conflicts_summary.setText(
            NO_CONFLICTS
            if not count
            else f"{count} record{'s have' if count != 1 else ' has'} diverging versions."
        )
        fit(self.conflicts_table)
        self.conflicts_loaded.emit(rows)

    def _show_history(self, record_id: UUID, history: RecordHistory | None) -> None:
        if self._stopped or record_id != self._record_id:
            return  # another record was asked for meanwhile
        self._history = history
        self.message.clear()
        if history is None:
            self.title.setText(NOT_HERE)
            self.state.clear()
            self.revisions.set_rows(())
            self.changes.set_rows(())
        else:
            self.title.setText(history.title)
            self.state.setText(history.state)
            self.revisions.set_rows(history.revisions)
            fit(self.revisions_table)
            if history.revisions:
                self.revisions_table.selectRow(len(history.revisions) - 1)
        conflicted = history is not None and history.conflicted
        self.compare.show_conflict(history.conflict if history else None)
        self.tabs.setTabEnabled(1, conflicted)
        if conflicted and self._want_versions:
            self.tabs.setCurrentWidget(self.compare)
        elif not conflicted:
            self.tabs.setCurrentIndex(0)
        self._show_actions()
        self.history_loaded.emit(history)

    def _revision_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        line: RevisionLine | None = self.revisions.row_of(current)
        self.changes.set_rows(line.changes if line else ())
        fit(self.changes_table)

    def _on_changed(self, changes: Changes) -> None:
        self.reload_conflicts()
        history = self._history
        if self._record_id is not None and (history is None or changes.touches(history.kind)):
            self._want_versions = self.tabs.currentWidget() is self.compare
            self._load(self._record_id)

    # -- acting on the record ------------------------------------------------------------

    def _show_actions(self) -> None:
        history = self._history
        self.open_button.setEnabled(history is not None and self._opener(history) is not None)
        if history is None:
            self.void_button.setEnabled(False)
            self.void_note.clear()
            return
        needed = void_permission(history.record, conflicted=history.conflicted)
        allowed = self._ctx.may(needed) and not self._ctx.facts.read_only
        self.void_button.setEnabled(allowed and not history.voided)
        if history.voided:
            note = "Already voided: the record and its history are kept."
        elif self._ctx.facts.read_only:
            note = "This is a read-only copy of the store: nothing can be saved here."
        elif not allowed and needed is RESOLVE_PERMISSION:
            note = "Only a nurse in charge or ward manager can void this record."
        elif not allowed:
            note = "Your account cannot void records."
        else:
            note = ""
        self.void_note.setText(note)

    def _void(self) -> None:
        history = self._history
        if history is None or not self.void_button.isEnabled():
            return
        store, record_id = self._ctx.store, history.record_id
        conflict = history.conflict
        expected = frozenset(v.revision_id for v in conflict.versions) if conflict else None

        def work(reason: str) -> object:
            if expected is not None:
                return void_versions(store, record_id, expected, reason)
            return store.void(record_id, reason)

        self.dialog = write_with_reason(
            self._ctx.runner,
            self,
            title=VOID_TITLE,
            prompt=VOID_PROMPT,
            action="&Void",
            work=work,
            changes=Changes(kinds=frozenset({history.kind})),
        )

    def _opener(self, history: RecordHistory) -> tuple[str, UUID] | None:
        record = history.record
        if isinstance(record, UseOfForceIncident):
            return ("incident_requested", record.id)
        if isinstance(record, SeclusionEpisode | LtsEpisode):
            return ("episode_requested", record.id)
        if isinstance(record, Patient):
            return ("patient_requested", record.id)
        episode = getattr(record, "episode_id", None)
        return ("episode_requested", episode) if isinstance(episode, UUID) else None

    def _open_record(self) -> None:
        opener = self._opener(self._history) if self._history else None
        if opener is not None:
            signal, value = opener
            getattr(self._ctx.navigator, signal).emit(value)

    def _open_conflict(self, index: QModelIndex) -> None:
        row = self.conflicts.row_of(index)
        if row is not None:
            self.show_conflict(row.record_id)

    def stop(self) -> None:
        """Forget everything shown (the window is locking)."""
        self._stopped = True
        disconnect_quietly(self._ctx.runner.changed, self._on_changed)
        for dialog in (self.dialog, self.compare.dialog):
            if dialog is not None:
                with contextlib.suppress(RuntimeError):  # already closed and deleted
                    dialog.reject()
        self.conflicts.set_rows(())
        self.revisions.set_rows(())
        self.changes.set_rows(())
        self.compare.show_conflict(None)
        self.title.setText(NOTHING_SHOWN)
        self.state.clear()


def history_screen(ctx: ScreenContext) -> QWidget:
    """History and conflicts: every revision of a record; the ward's conflicts to resolve."""
    return HistoryPage(ctx)
