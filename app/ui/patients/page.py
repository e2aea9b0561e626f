"""The patients screen: the ward's patients (on the ward now first, then those who left
recently), a filter by name or NHS number, and the patient chosen on the right (stay actions
and demographics).

Nurses and ward managers record (``Permission.RECORD``); any other account — the local
administrator, say — sees the same screen read-only. Every store call runs on the store
worker; the screen refreshes when a write anywhere changes patients, stays or isolation.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local
from app.models.people import Permission
from app.ui.context import ScreenContext
from app.ui.ops import Changes
from app.ui.patients.editor import PatientEditor
from app.ui.patients.loading import PatientList, load_patient_list
from app.ui.patients.model import PatientFilter, PatientListModel
from app.ui.widgets import disconnect_quietly, named

#: Record kinds whose changes can change what this screen shows.
WATCHED = ("patient", "hospital_spell", "seclusion_episode", "lts_episode")
READ_ONLY_NOTE = (
    "You can look at the ward's patients here. Recording them needs a nurse's or ward "
    "manager's account."
)


class PatientsPage(QWidget):
    """The ward's patients and the one chosen."""

    #: The list was read from the store (carries :class:`PatientList`).
    list_loaded = Signal(object)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patients")
        self._ctx = ctx
        self._stopped = False
        self._choosing = False
        self._wanted: UUID | None = None
        may_record = ctx.may(Permission.RECORD) and not ctx.facts.read_only

        self.search_box = named(QLineEdit(), "Find a patient")
        self.search_box.setPlaceholderText("Name or NHS number (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        find_label = QLabel("Find")
        find_label.setBuddy(self.search_box)
        self.include_earlier = named(
            QCheckBox("Include &earlier patients"), "Include earlier patients"
        )
        self.model = PatientListModel()
        self.proxy = PatientFilter(self.model)
        self.table = named(QTableView(), "Patients")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.empty = QLabel("No patients match.")
        self.empty.hide()
        self.new_button = named(QPushButton("&New patient"), "New patient")
        self.new_button.setAutoDefault(True)
        self.read_only_note = named(QLabel(READ_ONLY_NOTE), "Read-only")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setVisible(not may_record)
        self.new_button.setVisible(may_record)
        self.kept_new_note = named(QLabel(), "New patient kept unfinished")
        self.kept_new_note.setWordWrap(True)
        self.kept_new_note.hide()
        self.editor = PatientEditor(ctx, may_record=may_record)
        self._lay_out(find_label)
        self._connect()
        self.reload()

    def _lay_out(self, find_label: QLabel) -> None:
        search = QHBoxLayout()
        search.addWidget(find_label)
        search.addWidget(self.search_box, 1)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.addWidget(QLabel(f"<h2>Patients — {self._ctx.ward.name}</h2>"))
        left_column.addWidget(self.read_only_note)
        left_column.addLayout(search)
        left_column.addWidget(self.include_earlier)
        left_column.addWidget(self.table, 1)
        left_column.addWidget(self.empty)
        left_column.addWidget(self.new_button, alignment=Qt.AlignmentFlag.AlignLeft)
        left_column.addWidget(self.kept_new_note)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(1, 1)
        column = QVBoxLayout(self)
        column.addWidget(splitter)
        QWidget.setTabOrder(self.search_box, self.include_earlier)
        QWidget.setTabOrder(self.include_earlier, self.table)
        QWidget.setTabOrder(self.table, self.new_button)

    def _connect(self) -> None:
        ctx = self._ctx
        self.search_box.textChanged.connect(self._filter)
        self.include_earlier.toggled.connect(self._include_earlier)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.table.activated.connect(lambda _index: self.editor.form.given_name.setFocus())
        self.new_button.clicked.connect(self.new_patient)
        self.editor.saved.connect(self._remember_saved)
        for keys, slot in (
            ("Ctrl+F", self.search_box.setFocus),
            ("Ctrl+N", self.new_patient),
            ("Ctrl+S", self.editor.save),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        ctx.runner.changed.connect(self._on_changed)
        ctx.session.locking.connect(self.stop)

    # -- the list --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list again on the store worker."""
        ctx = self._ctx
        store, ward_id, at, actor = ctx.store, ctx.ward_id, ctx.now(), ctx.facts.actor
        ctx.runner.run(
            lambda: load_patient_list(store, ward_id, at, actor),
            on_done=self._show_list,
            owner=self,
        )

    def _show_list(self, patients: PatientList) -> None:
        if self._stopped:
            return
        self.editor.known_numbers = patients.nhs_numbers
        if self.editor.new_id is None:  # not while one is being typed in the form
            self.editor.kept_new = patients.kept_new
        self._show_kept_new()
        self._choosing = True
        try:
            self.model.set_rows(patients.rows)
        finally:
            self._choosing = False
        self._select(self._wanted or self.editor.current_id)
        self._update_empty()
        self.list_loaded.emit(patients)

    def _update_empty(self) -> None:
        self.empty.setVisible(self.proxy.rowCount() == 0)

    def _filter(self, text: str) -> None:
        self._refilter(lambda: self.proxy.set_text(text))

    def _include_earlier(self, include: bool) -> None:
        self._refilter(lambda: self.proxy.set_include_earlier(include))

    def _refilter(self, change: Callable[[], None]) -> None:
        """Change the filter without choosing anyone: rows hidden under the selection would
        otherwise move it to a neighbour. The patient shown stays shown."""
        self._choosing = True
        try:
            change()
        finally:
            self._choosing = False
        self._select(self.editor.current_id)
        self._update_empty()

    def _select(self, patient_id: UUID | None) -> None:
        """Select ``patient_id``'s row if it is listed (without reading them again)."""
        selection = self.table.selectionModel()
        row = None if patient_id is None else self.model.row_number(patient_id)
        index = QModelIndex() if row is None else self.proxy.mapFromSource(self.model.index(row, 0))
        self._choosing = True
        try:
            if index.isValid():
                selection.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
            else:
                selection.clearSelection()
        finally:
            self._choosing = False

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._choosing:
            return
        row = self.proxy.row_of(current)
        if row is None or row.patient_id == self.editor.current_id:
            return
        if self.editor.open_patient(row.patient_id):
            self._wanted = row.patient_id
        else:
            self._select(self.editor.current_id)  # unsaved changes: stay where we were

    # -- what other screens and the keyboard ask for -----------------------------------------

    def show_patient(self, patient_id: UUID) -> None:
        """Show ``patient_id`` (the work area calls this for ``navigator.patient_requested``).
        Unsaved changes to another patient keep the form where it is, saying so."""
        if patient_id != self.editor.current_id and not self.editor.may_leave():
            return
        self._wanted = patient_id
        row = self.model.row_number(patient_id)
        if row is not None and not self.proxy.filterAcceptsRow(row, QModelIndex()):
            self.search_box.clear()
            self.include_earlier.setChecked(True)
        self._select(patient_id)
        self.editor.open_patient(patient_id)

    def new_patient(self) -> None:
        """A blank form for a patient arriving now (or the one begun and not saved)."""
        if self.editor.new_patient():
            self._wanted = None
            self._select(None)
        self._show_kept_new()

    def _show_kept_new(self) -> None:
        kept = self.editor.kept_new
        self.kept_new_note.setVisible(bool(kept))
        if kept:
            when = format_local(kept[0][0].saved_at)
            self.kept_new_note.setText(
                f"A new patient you began at {when} was not saved; it was kept. New patient "
                "(Ctrl+N) carries on with it."
            )

    def _remember_saved(self, _revision: object) -> None:
        self._wanted = self.editor.current_id

    def _on_changed(self, changes: Changes) -> None:
        if self._stopped or not changes.touches(*WATCHED):
            return
        self.reload()
        self.editor.reload()

    # -- locking ---------------------------------------------------------------------------

    def stop(self) -> None:
        """The window is locking: hand unsaved changes to the store worker, stop listening,
        and show nobody. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self.editor.hand_over()
        disconnect_quietly(self._ctx.runner.changed, self._on_changed)
        self.model.clear()
        self.editor.stop()
        self.search_box.clear()
        self.kept_new_note.hide()


def patients_screen(ctx: ScreenContext) -> QWidget:
    """The patients screen (tab "&Patients"): list, stays and demographics."""
    return PatientsPage(ctx)
