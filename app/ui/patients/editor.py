"""One patient on the patients screen: where they are, the stay actions (admit, transfer
out, discharge), and the demographics form with its saving.

Every save goes through :class:`~app.ui.forms.RecordSaver`, whose base is the revision the
form was filled from, so a change never silently follows a version its author has not seen.
A refill from the store never overwrites what someone is typing: while the form holds
unsaved changes, only the stay facts are brought up to date.

What is typed and not saved is kept as a draft (:mod:`app.ui.patients.kept_details`) and
given back, with the rule it still breaks, when the same person opens that patient again.
"""

from __future__ import annotations

import html
from uuid import UUID, uuid4

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import ScreenContext
from app.ui.forms import RecordSaver
from app.ui.patients.choices import set_instant, time_edit
from app.ui.patients.form import DemographicsForm
from app.ui.patients.kept_details import (
    KeptDraft,
    PatientDetailsDraft,
    Texts,
    form_texts,
)
from app.ui.patients.loading import PatientDetail, load_patient, status_words
from app.ui.patients.saving import EditorSaving
from app.ui.patients.stay import StayPanel
from app.ui.patients.stay_actions import StayActions
from app.ui.widgets import named

LEAVE_FIRST = "Save or discard the changes to this patient first (Ctrl+S saves)."


class PatientEditor(EditorSaving, QWidget):
    """The right-hand side of the patients screen."""

    #: The patient record was saved (carries the :class:`Revision`).
    saved = Signal(object)
    #: A stay was recorded: admitted, discharged or transferred (carries the Revision).
    stay_saved = Signal(object)
    #: A patient was read from the store and shown (carries :class:`PatientDetail`).
    loaded = Signal(object)

    def __init__(
        self, ctx: ScreenContext, *, may_record: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.may_record = may_record
        self.detail: PatientDetail | None = None
        self.new_id: UUID | None = None
        self._saver: RecordSaver | None = None
        self._edits = 0
        self._saved_at_edit = 0
        self._saving = False
        self._stopped = False
        self.known_numbers: tuple[tuple[UUID, str | None], ...] = ()
        #: New patients this person began and did not save (newest first; the page sets it).
        self.kept_new: tuple[KeptDraft, ...] = ()
        self._start_texts: Texts = {}
        self.draft = PatientDetailsDraft(ctx, self._draft_texts, self)

        self.heading = named(QLabel("<h3>Choose a patient, or add a new one</h3>"), "Patient")
        self.heading.setWordWrap(True)
        self.status = named(QLabel(), "Where the patient is")
        self.status.setWordWrap(True)
        self.note = named(QLabel(), "What was saved")
        self.note.setWordWrap(True)
        self.draft.refused.connect(
            lambda why: self.note.setText(f"What you typed could not be kept: {why}")
        )
        self.history = named(QPushButton("Open its history to resolve them"), "Open history")
        self.history.clicked.connect(self._open_history)
        self.history.hide()
        self.new_incident = named(
            QPushButton("Record a use of force for them…"), "Record a use of force"
        )
        self.new_incident.setAutoDefault(True)
        self.new_incident.clicked.connect(self._record_incident)
        self.form = DemographicsForm()
        self.form.edited.connect(self._edited)
        self.form.submitted.connect(self.save)
        self.admit_at = time_edit("Admitted to this ward at")
        admit_row = QFormLayout()
        admit_row.addRow("Admitted to this ward at", self.admit_at)
        self.admit_row = QWidget()
        self.admit_row.setLayout(admit_row)
        self.admit_row.hide()
        self.panel = StayPanel()
        self.stays = StayActions(ctx, self, self.panel)
        self.save_button = named(QPushButton("&Save"), "Save")
        self.save_button.setAutoDefault(True)
        self.save_button.clicked.connect(self.save)
        self.discard_button = named(QPushButton("Discard changes"), "Discard changes")
        self.discard_button.setAutoDefault(True)
        self.discard_button.clicked.connect(self.discard)
        self._lay_out()
        self.form.set_read_only(not may_record)
        self._show_state()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        inner = QWidget()
        inner_column = QVBoxLayout(inner)
        inner_column.addWidget(self.admit_row)
        inner_column.addWidget(self.form)
        inner_column.addLayout(buttons)
        inner_column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(inner)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.status)
        column.addWidget(self.history, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addLayout(self.stays.buttons)
        column.addWidget(self.new_incident, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.panel)
        column.addWidget(self.note)
        column.addWidget(self.scroll_area, 1)
        QWidget.setTabOrder(self.admit_at, self.form.given_name)
        QWidget.setTabOrder(self.form.characteristics["sexual_orientation"], self.save_button)
        QWidget.setTabOrder(self.save_button, self.discard_button)

    # -- state -----------------------------------------------------------------------------

    @property
    def current_id(self) -> UUID | None:
        """The patient shown (or being added)."""
        if self.new_id is not None:
            return self.new_id
        return None if self.detail is None else self.detail.patient.id

    @property
    def dirty(self) -> bool:
        """The form holds changes not yet handed to the store."""
        return self._edits != self._saved_at_edit

    def _edited(self) -> None:
        self._edits += 1
        self.note.clear()
        self.form.refresh_derived(self._ctx.now())
        self._show_state()
        self.draft.changed()

    def _clean(self) -> None:
        self._saved_at_edit = self._edits

    def _filled(self) -> None:
        """The form was filled from the record (or blank): drafts keep what differs."""
        self._start_texts = form_texts(self.form)
        self._clean()

    def _show_state(self) -> None:
        shown = self.detail is not None or self.new_id is not None
        self.form.setEnabled(shown)
        editable = shown and self.may_record
        self.save_button.setVisible(self.may_record)
        self.discard_button.setVisible(self.may_record)
        self.save_button.setEnabled(editable and not self._saving)
        self.discard_button.setEnabled(editable and self.dirty)
        self.save_button.setText("&Save and admit" if self.new_id is not None else "&Save")
        self.admit_row.setVisible(self.new_id is not None)
        self.new_incident.setVisible(
            self.may_record and self.detail is not None and self.new_id is None
        )
        self.stays.refresh(self.detail if self.new_id is None else None)

    # -- choosing a patient ------------------------------------------------------------------

    def may_leave(self) -> bool:
        """True when nothing typed would be lost by showing something else; otherwise the
        form says so and keeps what was typed."""
        if not self.dirty:
            return True
        self.form.show_error(LEAVE_FIRST)
        return False

    def open_patient(self, patient_id: UUID) -> bool:
        """Read ``patient_id`` and show them (False: unsaved changes are in the way)."""
        if patient_id == self.current_id and self.new_id is None:
            self.reload()
            return True
        if not self.may_leave():
            return False
        self.new_id = None
        self.panel.close_panel()
        self.note.clear()
        self._load(patient_id)
        return True

    def new_patient(self) -> bool:
        """A blank form for a patient arriving now (False: unsaved changes are in the way)."""
        if not self.may_record or not self.may_leave():
            return False
        kept = next(iter(self.kept_new), None)  # one begun and not saved comes back first
        self.detail = None
        self._saver = None
        self.new_id = uuid4() if kept is None or kept[0].patient_id is None else kept[0].patient_id
        self.panel.close_panel()
        self.heading.setText("<h3>New patient</h3>")
        self.status.setText(
            "Fill in what is known now; everything can be answered later. Saving admits them "
            "to this ward."
        )
        self.history.hide()
        self.note.clear()
        self.form.fill(None, now=self._ctx.now())
        set_instant(self.admit_at, self._ctx.now())
        self._filled()
        self._show_state()
        self.draft.begin(self.new_id, kept)
        if kept is not None:
            self._restore(kept)
        self.form.given_name.setFocus()
        return True

    def reload(self) -> None:
        """Read the patient shown again (their stays may have changed)."""
        if self.detail is not None and self.new_id is None:
            self._load(self.detail.patient.id)

    def _load(self, patient_id: UUID) -> None:
        if self._stopped:
            return
        store, ward_id, actor = self._ctx.store, self._ctx.ward_id, self._ctx.facts.actor
        self._ctx.runner.run(
            lambda: load_patient(store, patient_id, ward_id, actor),
            on_done=self._show,
            owner=self,
        )

    def _show(self, detail: PatientDetail | None) -> None:
        if detail is None or self.new_id is not None or self._stopped:
            return
        same = self.detail is not None and self.detail.patient.id == detail.patient.id
        keep_form = same and (self.dirty or self._saving)
        unchanged = same and self.detail is not None and self.detail.patient == detail.patient
        if not keep_form:
            self._saver = RecordSaver(self._ctx, base=detail.revision_id)
        self.detail = detail
        if not keep_form and not unchanged:
            self.form.fill(detail.patient, now=self._ctx.now())
            self._filled()
        self.heading.setText(f"<h3>{html.escape(detail.patient.filing_name)}</h3>")
        self.status.setText(status_words(detail))
        self.history.setVisible(detail.conflicted)
        self._show_state()
        if not same:  # opened now: carry on with what this person typed and did not save
            self.draft.begin(detail.patient.id, detail.kept)
            if detail.kept is not None:
                self._restore(detail.kept)
        self.loaded.emit(detail)

    def discard(self) -> None:
        """Forget the changes typed: the record as saved, or a blank new form (a draft kept
        of them is closed)."""
        self.draft.close()
        if self.new_id is not None:
            self.new_id = None
            self.form.fill(None, now=self._ctx.now())
            self.heading.setText("<h3>Choose a patient, or add a new one</h3>")
            self.status.clear()
        elif self.detail is not None:
            self.form.fill(self.detail.patient, now=self._ctx.now())
        self._filled()
        self._show_state()

    def stop(self) -> None:
        """Show nobody from now on (the window is locking; results still on their way from
        the store worker are dropped)."""
        self._stopped = True
        self.draft.begin(None, None)  # kept already by hand_over; nothing more is kept
        self.detail = None
        self.new_id = None
        self._saver = None
        self.form.fill(None, now=self._ctx.now())
        self.panel.close_panel()
        for label in (self.status, self.note):
            label.clear()
        self.heading.clear()
        self._clean()
        self._show_state()

    def _record_incident(self) -> None:
        if self.detail is not None:
            self._ctx.navigator.new_incident_requested.emit(self.detail.patient.id)

    def _open_history(self) -> None:
        if self.detail is not None:
            self._ctx.navigator.history_requested.emit(self.detail.patient.id)
