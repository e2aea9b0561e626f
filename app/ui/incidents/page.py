"""The Incidents screen: the ward's use-of-force records (drafts, returned, awaiting sign-off,
recently signed off) beside the form of the one open.

It honours the navigator's ``show_incident(incident_id)`` and ``new_incident(patient_id)``.
Every read runs on the store worker (:mod:`app.ui.incidents.queries`); the list reloads when a
record of its kinds is saved; when the window locks, the open draft is handed to the store
first and the screen stops.
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.people import Permission, StaffMember
from app.models.time_entry import floor_minute
from app.ui.context import ScreenContext
from app.ui.forms import AUTOSAVE_MS
from app.ui.incidents.form import IncidentForm
from app.ui.incidents.inputs import ChoiceCombo
from app.ui.incidents.list_model import IncidentListModel
from app.ui.incidents.queries import (
    IncidentRow,
    OpenedIncident,
    Reference,
    load_incident,
    load_patient,
    load_reference,
    load_rows,
)
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly, error_label, named

EMPTY = "Choose a record from the list, or start a new one for a patient."


class IncidentsPage(QWidget):
    """The list of the ward's incident records and the open form."""

    #: The list was read from the store (carries the rows).
    rows_loaded = Signal(object)
    #: A form was opened (carries the :class:`IncidentForm`).
    form_opened = Signal(object)

    def __init__(
        self, ctx: ScreenContext, *, autosave_ms: int = AUTOSAVE_MS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidents")
        self._ctx = ctx
        self._autosave_ms = autosave_ms
        self._reference = Reference(staff=(), patients=())
        self._stopped = False
        self.form: IncidentForm | None = None

        title = QLabel(f"<h2>Use-of-force records — {ctx.ward.name}</h2>")
        title.setWordWrap(True)
        self.patient_choice = ChoiceCombo(
            "Patient for a new record", [], blank="(choose the patient)"
        )
        self.new_button = named(QPushButton("New incident record (Ctrl+N)"), "New incident record")
        self.new_button.setEnabled(ctx.may(Permission.RECORD) and not ctx.facts.read_only)
        self.message = error_label()
        self.model = IncidentListModel()
        self.table = named(QTableView(), "Incident records")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # One line per record, so a full shift's records fit; a cell's whole text is its tooltip.
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.placeholder = QLabel(EMPTY)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)

        self._build_layout(title)
        self.new_button.clicked.connect(self._new_clicked)
        new_record = QAction(self)
        new_record.setShortcut(QKeySequence("Ctrl+N"))
        new_record.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_record.triggered.connect(self._new_clicked)
        self.addAction(new_record)
        self.table.activated.connect(self._row_opened)
        self.table.clicked.connect(self._row_opened)
        ctx.runner.changed.connect(self._on_changed)
        ctx.session.locking.connect(self._locking)
        self.reload_reference()
        self.reload()

    def _build_layout(self, title: QLabel) -> None:
        new_row = QHBoxLayout()
        new_row.addWidget(self.patient_choice, 1)
        new_row.addWidget(self.new_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(title)
        column.addLayout(new_row)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.addWidget(splitter)

    # -- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list again on the store worker."""
        store, ward_id, at = self._ctx.store, self._ctx.ward_id, self._ctx.now()
        self._ctx.runner.run(
            lambda: load_rows(store, ward_id, at), on_done=self._show_rows, owner=self
        )

    def reload_reference(self) -> None:
        """Read the staff list and the ward's patients again."""
        store, ward_id = self._ctx.store, self._ctx.ward_id
        self._ctx.runner.run(
            lambda: load_reference(store, ward_id), on_done=self._show_reference, owner=self
        )

    def _show_rows(self, rows: tuple[IncidentRow, ...]) -> None:
        if self._stopped:
            return
        self.model.set_rows(rows)
        self.rows_loaded.emit(rows)

    def _show_reference(self, reference: Reference) -> None:
        if self._stopped:
            return
        self._reference = reference
        self.patient_choice.set_choices(
            [(f"{p.filing_name} — {p.nhs_number_display or 'no NHS number'}", p.id)
             for p in reference.patients]
        )  # fmt: skip
        if self.form is not None:
            self.form.set_staff(reference.staff)

    @property
    def staff(self) -> tuple[StaffMember, ...]:
        """The staff list as last read."""
        return self._reference.staff

    @property
    def patients(self) -> tuple[Patient, ...]:
        """The ward's patients as last read."""
        return self._reference.patients

    def _on_changed(self, changes: Changes) -> None:
        if self._stopped:
            return
        if changes.touches(UseOfForceIncident.KIND, Patient.KIND):
            self.reload()
        if changes.touches(Patient.KIND, StaffMember.KIND):
            self.reload_reference()
        if changes.touches(Patient.KIND) and self.form is not None:
            store, patient_id = self._ctx.store, self.form.saved_record.patient_id
            self._ctx.runner.run(
                lambda: load_patient(store, patient_id), on_done=self._patient_read, owner=self
            )

    def _patient_read(self, patient: Patient | None) -> None:
        if self.form is not None and patient is not None:
            self.form.set_patient(patient)

    # -- what other screens ask for ------------------------------------------------------

    def show_incident(self, incident_id: UUID) -> None:
        """Open the record ``incident_id`` in the form."""
        store = self._ctx.store
        self._ctx.runner.run(
            lambda: load_incident(store, incident_id), on_done=self._opened, owner=self
        )

    def new_incident(self, patient_id: UUID) -> None:
        """Start a new record for ``patient_id`` (begun now until the nurse says when)."""
        store = self._ctx.store
        self._ctx.runner.run(
            lambda: load_patient(store, patient_id), on_done=self._start_new, owner=self
        )

    def _new_clicked(self) -> None:
        patient_id = self.patient_choice.value()
        if not isinstance(patient_id, UUID):
            self.message.setText("Choose the patient first, then start the record.")
            self.patient_choice.setFocus()
            return
        self.new_incident(patient_id)

    def _row_opened(self, index: QModelIndex) -> None:
        row = self.model.row_of(index)
        if row is not None and (self.form is None or self.form.record_id != row.incident_id):
            self.show_incident(row.incident_id)

    def _start_new(self, patient: Patient | None) -> None:
        if patient is None:
            self.message.setText("That patient's record is not on this PC.")
            return
        if not self._ctx.may(Permission.RECORD) or self._ctx.facts.read_only:
            self.message.setText("This account cannot make records here.")
            return
        draft = UseOfForceIncident.build(
            patient_id=patient.id,
            ward_id=self._ctx.ward_id,
            started_at=floor_minute(self._ctx.now()),
        )
        self._show_form(OpenedIncident(incident=draft, revision_id=None, patient=patient))

    def _opened(self, opened: OpenedIncident | None) -> None:
        if opened is None:
            self.message.setText("That record is not on this PC.")
            return
        self._show_form(opened)

    # -- the form --------------------------------------------------------------------------

    def _show_form(self, opened: OpenedIncident) -> None:
        if self._stopped:
            return
        self.message.clear()
        self._drop_form()
        form = IncidentForm(self._ctx, opened, self._reference.staff, autosave_ms=self._autosave_ms)
        form.closed.connect(self._form_closed)
        self.form = form
        self.stack.addWidget(form)
        self.stack.setCurrentWidget(form)
        form.focus_first()
        self.form_opened.emit(form)

    def _drop_form(self) -> None:
        form, self.form = self.form, None
        if form is not None:
            form.flush_draft()
            form.stop()
            self.stack.removeWidget(form)
            form.deleteLater()
        self.stack.setCurrentWidget(self.placeholder)

    def _form_closed(self) -> None:
        self._drop_form()
        self.table.setFocus()

    # -- locking -----------------------------------------------------------------------------

    def _locking(self) -> None:
        """The window is locking: hand the open draft to the store, then stop."""
        if self.form is not None:
            self.form.flush_draft()
        self.stop()

    def stop(self) -> None:
        """Stop timers and listening (the session is ending); the draft is saved first."""
        if self._stopped:
            return
        self._stopped = True
        if self.form is not None:
            self.form.flush_draft()
            self.form.stop()
        disconnect_quietly(self._ctx.runner.changed, self._on_changed)
        disconnect_quietly(self._ctx.session.locking, self._locking)


def incidents_screen(ctx: ScreenContext) -> QWidget:
    """The Incidents tab: the ward's use-of-force records and their form."""
    return IncidentsPage(ctx)
