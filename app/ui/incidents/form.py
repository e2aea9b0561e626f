"""The use-of-force record form: one structured form a nurse finishes keyboard only.

Its sections follow the statutory items (domain.md §2): patient, place and time (b); the types
of force with their own times, care plan and injuries (c, d); why and how (a, o, f); who was
involved (h, i); outcome, harm, notification and the debriefs (m, n, p). The live panel beside
it lists what is still missing (:mod:`app.models.completeness`); each line leads to its field.

Contract:
- a draft saves itself a moment after every change and at least every few seconds while
  typing goes on (:class:`~app.ui.forms.DraftAutosave`, bases tracked by
  :class:`~app.ui.forms.RecordSaver`), at once on Ctrl+S, when the form closes and when the
  window locks (:meth:`flush_draft`);
- what cannot be part of the record yet (rapid-tranquillisation details not all given, a
  person not unit staff with only who or why, someone not on the staff list not yet added) and
  an amendment not yet saved with its reason are kept beside the record as form drafts, and
  put back when the record is opened again (:mod:`app.ui.incidents.form_drafts`);
- submitting (Ctrl+Enter), signing off, returning with a comment and amending with a reason go
  through :mod:`app.models.incident_workflow`; each is one save;
- a submitted record is read-only for its author; a manager (``Permission.SIGN_OFF``) signs it
  off or returns it; a signed-off record changes only by an amendment with a reason.
"""

from __future__ import annotations

from itertools import pairwise
from uuid import UUID

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.models.clock import format_local, local_date
from app.models.completeness import MissingItem
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer
from app.models.people import Permission, StaffMember
from app.ui.context import ScreenContext
from app.ui.documents import DocumentButton
from app.ui.forms import AUTOSAVE_MS, DraftAutosave, RecordSaver
from app.ui.incidents.actions import FormActions
from app.ui.incidents.form_drafts import DraftsMixin
from app.ui.incidents.missing import MissingPanel, everything_missing
from app.ui.incidents.queries import OpenedIncident, load_copies
from app.ui.incidents.section_after import AfterSection
from app.ui.incidents.section_event import EventSection
from app.ui.incidents.section_force import ForceSection
from app.ui.incidents.section_people import PeopleSection
from app.ui.incidents.section_why import WhySection
from app.ui.incidents.wording import incident_status
from app.ui.incidents.workflow import Mode, WorkflowMixin
from app.ui.widgets import SOON_COLOUR, named

#: While typing goes on, a draft is saved at least this often (the autosave waits for a pause).
HEARTBEAT_MS = 5_000
#: How often prone-so-far and the post-RT clock are worded again.
TICK_MS = 15_000


class IncidentForm(DraftsMixin, WorkflowMixin, QWidget):
    """One incident record, open for the signed-in person. (``DraftsMixin`` comes before
    ``WorkflowMixin``: it provides what the workflow only declares.)"""

    #: The record was saved by submitting, signing off, returning or amending (carries it).
    record_saved = Signal(object)
    #: The person closed the form (the draft was handed to the store first).
    closed = Signal()

    def __init__(
        self,
        ctx: ScreenContext,
        opened: OpenedIncident,
        staff: tuple[StaffMember, ...],
        *,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incident-form")
        self._ctx = ctx
        self._record = opened.incident
        self._patient: Patient | None = opened.patient
        self._conflicted = opened.conflicted
        self._dirty = False
        self._loading = False
        self.mode = Mode.READ
        self._saver = RecordSaver(ctx, base=opened.revision_id)
        self.autosave = DraftAutosave(self._saver, self._draft, delay_ms=autosave_ms, parent=self)
        self.autosave.saved.connect(self._draft_saved)

        self.returned = named(QLabel(), "Returned for correction")
        self.returned.setWordWrap(True)
        self.returned.setStyleSheet(f"color: {SOON_COLOUR}; font-weight: bold;")
        self.when = EventSection(ctx.now)
        self.force = ForceSection(ctx.now, ctx.policy, lambda: self.when.started_at)
        self.why = WhySection()
        self.people = PeopleSection()
        self.after = AfterSection()
        self.sections = (self.when, self.force, self.why, self.people, self.after)
        self.bar = FormActions()
        self._build_documents(ctx, opened)
        self.autosave.refused.connect(lambda m: self.bar.message.setText(f"Not saved: {m}"))
        self.missing = MissingPanel()
        self._build_layout()
        for section in self.sections:
            section.changed.connect(self._changed)
        self.force.shape_changed.connect(self._fix_tab_order)
        self.people.shape_changed.connect(self._fix_tab_order)
        self.when.patient_record_wanted.connect(
            lambda: ctx.navigator.patient_requested.emit(self._record.patient_id)
        )
        self.missing.item_chosen.connect(self.go_to)
        self._connect_actions()
        self.people.set_staff_list(staff)
        self.force.set_staff_list(staff)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.timeout.connect(self._beat)
        self._heartbeat.start()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.force.refresh)
        self._tick.start()
        self._show_record(self._record)
        self._keep_beside(opened.kept_drafts, autosave_ms)

    # -- building --------------------------------------------------------------------------

    def _build_layout(self) -> None:
        body = QWidget()
        column = QVBoxLayout(body)
        keys = named(
            QLabel(
                "Keyboard: Tab moves on; Alt + a label's underlined letter goes to its field; in "
                'a time field type 14:05 or "now"; Ctrl+S saves; Ctrl+Enter submits.'
            ),
            "Keyboard help",
        )
        keys.setWordWrap(True)
        column.addWidget(keys)
        column.addWidget(self.returned)
        for section in self.sections:
            column.addWidget(section)
        column.addWidget(self.bar)
        column.addStretch(1)
        self.scroller = named(QScrollArea(), "Incident record form")
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(body)
        self.missing.setMinimumWidth(self.fontMetrics().averageCharWidth() * 28)
        self.missing.setMaximumWidth(self.fontMetrics().averageCharWidth() * 48)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scroller, 3)
        row.addWidget(self.missing, 1)

    def _connect_actions(self) -> None:
        a = self.bar
        a.save.clicked.connect(self.save_now)
        a.submit.clicked.connect(self.submit)
        a.close_button.clicked.connect(self.close_form)
        a.sign_off.clicked.connect(self.sign_off)
        a.return_.clicked.connect(self.return_to_nurse)
        a.amend.clicked.connect(self.begin_amendment)
        a.save_amendment.clicked.connect(self.save_amendment)
        a.cancel_amendment.clicked.connect(self.cancel_amendment)
        a.reason.textEdited.connect(lambda _t: self._kept_changed())
        a.history.clicked.connect(
            lambda: self._ctx.navigator.history_requested.emit(self._record.id)
        )
        for keys, slot in (
            (("Ctrl+S",), self.save_now),
            (("Ctrl+Return", "Ctrl+Enter"), self.submit),
        ):
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def inputs(self) -> list[QWidget]:
        """Every input a person can reach now (shown and enabled), in Tab order."""
        chain = [w for section in self.sections for w in section.inputs()]
        chain += self.bar.inputs()
        return [w for w in chain if w.isVisibleTo(self) and w.isEnabled()]

    def focus_first(self) -> None:
        """Put the focus in the first field that can be typed in."""
        reachable = [w for w in self.inputs() if w is not self.when.open_patient]
        if reachable:
            self.scroller.ensureWidgetVisible(reachable[0])
            reachable[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _fix_tab_order(self) -> None:
        chain = [w for section in self.sections for w in section.inputs()]
        chain += self.bar.inputs()
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_documents(self, ctx: ScreenContext, opened: OpenedIncident) -> None:
        """The record's PDF and the patient's copies, and which copies were made."""
        self.print_record = DocumentButton(
            ctx,
            "incident",
            "Save the record as PDF…",
            options_now=lambda: {"incident": str(self._record.id)},
            file_name=lambda: self._file_name("use-of-force-record"),
        )
        self.patient_copy = DocumentButton(
            ctx,
            "patient-copy",
            "Patient copy (PDF)…",
            options_now=lambda: {"incident": str(self._record.id), "easy_read": False},
            file_name=lambda: self._file_name("patient-copy"),
            saves=PatientCopyOffer.KIND,
        )
        self.easy_read_copy = DocumentButton(
            ctx,
            "patient-copy",
            "Easy-read patient copy (PDF)…",
            options_now=lambda: {"incident": str(self._record.id), "easy_read": True},
            file_name=lambda: self._file_name("patient-copy-easy-read"),
            saves=PatientCopyOffer.KIND,
        )
        for document in (self.print_record, self.patient_copy, self.easy_read_copy):
            self.bar.add_document(document, document.note)
        self.copies = named(QLabel(), "Patient copies made")
        self.copies.setWordWrap(True)
        self.bar.add_document_note(self.copies)
        self._show_copies(opened.copies)
        for copy in (self.patient_copy, self.easy_read_copy):
            copy.saved.connect(lambda _path: self._reload_copies())

    def _show_copies(self, copies: tuple[PatientCopyOffer, ...]) -> None:
        """Say which patient's copies were made, so the next nurse knows one was offered."""
        self.copies.setVisible(bool(copies))
        self.copies.setText(
            "Patient's copy made to offer: "
            + "; ".join(
                f"{c.version.label}, {format_local(c.made_at)} by {c.made_by}" for c in copies
            )
        )

    def _reload_copies(self) -> None:
        store, incident_id = self._ctx.store, self._record.id
        self._ctx.runner.run(
            lambda: load_copies(store, incident_id), on_done=self._show_copies, owner=self
        )

    def _file_name(self, prefix: str) -> str:
        """A file name for a document of this record: its kind and the incident's date, never
        the patient's name (a file name is seen by anyone who lists the folder)."""
        return f"{prefix}-{local_date(self._record.started_at or self._ctx.now())}.pdf"

    # -- showing the record ----------------------------------------------------------------

    @property
    def record_id(self) -> UUID:
        """The id of the record shown."""
        return self._record.id

    @property
    def saved_record(self) -> UseOfForceIncident:
        """The record as last read or saved."""
        return self._record

    def _load_sections(self, record: UseOfForceIncident) -> None:
        """Show ``record`` in every section (no change signalled)."""
        self._loading = True
        try:
            self.when.load(record, self._patient)
            for section in (self.force, self.why, self.people, self.after):
                section.load(record)
        finally:
            self._loading = False

    def _show_record(self, record: UseOfForceIncident) -> None:
        self._load_sections(record)
        self._record = record
        self._dirty = False
        self._set_mode(self._mode_for(record))
        self._refresh()

    def _mode_for(self, record: UseOfForceIncident) -> Mode:
        ctx = self._ctx
        if self._conflicted or ctx.facts.read_only:
            return Mode.READ
        if record.status is IncidentStatus.DRAFT:
            return Mode.DRAFT if ctx.may(Permission.RECORD) else Mode.READ
        if record.status is IncidentStatus.SUBMITTED:
            return Mode.REVIEW if ctx.may(Permission.SIGN_OFF) else Mode.READ
        return Mode.SIGNED

    def _set_mode(self, mode: Mode) -> None:
        self.mode = mode
        editable = mode in (Mode.DRAFT, Mode.AMENDING)
        for section in self.sections:
            section.set_editable(editable)
        a = self.bar
        a.save.setVisible(mode is Mode.DRAFT)
        a.submit.setVisible(mode is Mode.DRAFT)
        a.review_box.setVisible(mode is Mode.REVIEW)
        a.amend.setVisible(mode is Mode.SIGNED and self._ctx.may(Permission.RECORD))
        a.amend_box.setVisible(mode is Mode.AMENDING)
        a.history.setVisible(self._conflicted)
        # A patient copy tells what happened: only once the record is submitted.
        given = self._record.status is not IncidentStatus.DRAFT and not self._conflicted
        for copy in (self.patient_copy, self.easy_read_copy):
            copy.setVisible(copy.allowed and given)
        a.status.setText(self._status_words())
        last = self._record.last_return
        self.returned.setVisible(self._record.is_returned and last is not None)
        if last is not None:
            self.returned.setText(
                f"Returned for correction by {last.returned_by.name} "
                f"({last.returned_by.job_title}), {format_local(last.returned_at)}: "
                f"“{last.comment}”"
            )
        self._fix_tab_order()

    def _status_words(self) -> str:
        record = self._record
        words = [f"<b>{incident_status(record)}</b>"]
        if self._conflicted:
            words.append(
                "— this record has diverging versions; open its history to settle them first."
            )
        if record.submitted_by is not None and record.submitted_at is not None:
            words.append(
                f"— submitted by {record.submitted_by.name}, {format_local(record.submitted_at)}"
            )
        if record.signed_off_by is not None and record.signed_off_at is not None:
            words.append(
                f"— signed off by {record.signed_off_by.name}, {format_local(record.signed_off_at)}"
            )
        if self.mode is Mode.DRAFT:
            words.append("— changes save by themselves (Ctrl+S saves now).")
        return " ".join(words)

    def set_staff(self, staff: tuple[StaffMember, ...]) -> None:
        """The staff list was read again."""
        self.people.set_staff_list(staff)
        self.force.set_staff_list(staff)

    def set_patient(self, patient: Patient | None) -> None:
        """The patient's record changed (items e, g, j, k, l may now be answered)."""
        self._patient = patient
        self.when.set_patient(patient)
        self._refresh()

    # -- changes ---------------------------------------------------------------------------

    def record(self) -> UseOfForceIncident:
        """The record as the form holds it now (raises a ``UserFacingError`` naming the rule
        it breaks, e.g. an end before the start)."""
        data = self._record.model_dump()
        for section in self.sections:
            data |= section.values()
        return UseOfForceIncident.build(**data)

    def _changed(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self.when.refresh()
        self._refresh()
        self._kept_changed()

    def _refresh(self) -> None:
        a = self.bar
        problems = self.when.problems() + self.force.problems()
        hints = [h for h in (self.people.hint(), self.after.hint()) if h]
        a.hint.setText(" ".join(problems + hints))
        try:
            record = self.record()
        except UserFacingError as exc:
            a.message.setText(f"Not saved yet: {exc}")
            return
        a.message.clear()
        self.missing.show_items(everything_missing(record, self._patient))

    def go_to(self, item: MissingItem) -> None:
        """Take the focus to the field that answers ``item``."""
        for section in self.sections:
            field = section.field_for(item)
            if field is not None:
                self.scroller.ensureWidgetVisible(field)
                field.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def stop(self) -> None:
        """Stop the timers (the form is going away)."""
        self._heartbeat.stop()
        self._tick.stop()
