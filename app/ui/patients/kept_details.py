"""What was typed into the patient form but not saved, kept as a
:class:`~app.models.form_draft.FormDraft` of form :data:`PATIENT_DRAFT` (``patient_id`` and
``parent_id`` = the patient), so nothing typed is lost to a lock, a switch of user or a killed
client (issue 6: "never lose a word"; design.md "Records are revisions").

Why a draft and not the record: a form that breaks a rule of the record (an NHS number half
typed, a date not on the calendar) cannot be saved as a patient revision, and a new patient is
saved — and admitted — only when the person confirms it. So the form's texts are kept as they
stand: for a patient already recorded only the fields changed from the version the form was
filled from (so a later change by someone else to another field is not undone); for a new
patient every field and the admission time typed (:data:`ADMIT_KEY`).

Contract (:class:`PatientDetailsDraft`): kept a moment after each change and at least every
few seconds while typing goes on, at once on :meth:`~PatientDetailsDraft.keep` (the window is
locking); given back only to the person who typed it (the author of its revisions), when they
open that patient again — or press "New patient" for one not saved yet; closed when the
patient is saved from it or the changes are discarded. Nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from uuid import UUID, uuid4

from PySide6.QtCore import QObject, Signal

from app.models.errors import UserFacingError
from app.models.form_draft import DraftStatus, FormDraft
from app.store.records import RecordReader
from app.ui.context import ScreenContext
from app.ui.forms import DraftAutosave, RecordSaver
from app.ui.patients.choices import ChoiceBox
from app.ui.patients.form import DemographicsForm

PATIENT_DRAFT = "patient_details"
#: A new patient's admission time as typed (ISO text), kept beside the form's fields.
ADMIT_KEY = "admitted_at"
#: A draft and the revision its next save names as its base.
KeptDraft = tuple[FormDraft, UUID]
#: The texts of the form's fields, by field name.
Texts = dict[str, str]

LINE_FIELDS = (
    "given_name",
    "family_name",
    "local_identifier",
    "date_of_birth",
    "nhs_number",
    "legal_status_detail",
    "disorder_description",
    "icd10_code",
)
NOT_KNOWN_KEY = "date_of_birth_not_known"


# -- the form as texts ---------------------------------------------------------------------


def _choices(form: DemographicsForm) -> dict[str, ChoiceBox]:
    return {
        "legal_status": form.legal_status,
        "mental_disorder": form.mental_disorder,
        "learning_disability": form.learning_disability,
        "autism": form.autism,
        **form.characteristics,
    }


def _code(value: object) -> str:
    if value is None:
        return ""
    return str(value.value) if isinstance(value, Enum) else str(value)


def form_texts(form: DemographicsForm) -> Texts:
    """Every field of ``form`` as text (an answer as its code; unanswered as "")."""
    texts = {name: getattr(form, name).text() for name in LINE_FIELDS}
    texts[NOT_KNOWN_KEY] = "1" if form.date_of_birth_not_known.isChecked() else ""
    texts |= {key: _code(box.value()) for key, box in _choices(form).items()}
    return texts


def put_texts(form: DemographicsForm, texts: Texts) -> None:
    """Put ``texts`` (from :func:`form_texts`) back into ``form``; fields not named keep what
    they show. An answer no longer offered is left unanswered, never guessed."""
    for name in LINE_FIELDS:
        if name in texts:
            getattr(form, name).setText(texts[name])
    if NOT_KNOWN_KEY in texts:
        form.date_of_birth_not_known.setChecked(texts[NOT_KNOWN_KEY] == "1")
    for key, box in _choices(form).items():
        if key in texts:
            box.set_value(next((v for v in box.options() if _code(v) == texts[key]), None))
    form.check_nhs_number(form.nhs_number.text())


# -- reading the kept drafts (store worker) ---------------------------------------------------


def _mine(reader: RecordReader, drafts: list[FormDraft], actor: str) -> list[KeptDraft]:
    """Open patient drafts last saved by ``actor``, newest first, with their revisions."""
    kept: list[KeptDraft] = []
    for draft in drafts:
        if draft.form != PATIENT_DRAFT or not draft.is_open:
            continue
        tips = reader.tips(draft.id)
        state = reader.state(draft.id)
        if tips and tips[-1].author == actor and state is not None:
            kept.append((draft, state.revision_id))
    return sorted(kept, key=lambda k: k[0].saved_at, reverse=True)


def kept_for_patient(reader: RecordReader, patient_id: UUID, actor: str) -> KeptDraft | None:
    """``actor``'s newest unsaved changes to ``patient_id``, if any."""
    drafts = reader.find(FormDraft, patient_id=patient_id, statuses=[DraftStatus.OPEN.value])
    return next(iter(_mine(reader, drafts, actor)), None)


def kept_new_patients(reader: RecordReader, ward_id: UUID, actor: str) -> tuple[KeptDraft, ...]:
    """``actor``'s new patients begun on ``ward_id`` and never saved, newest first (one
    whose every field was emptied again holds nothing to carry on with)."""
    drafts = reader.find(FormDraft, ward_id=ward_id, statuses=[DraftStatus.OPEN.value])
    return tuple(
        k
        for k in _mine(reader, drafts, actor)
        if k[0].values and k[0].patient_id is not None and reader.state(k[0].patient_id) is None
    )


# -- keeping them (GUI thread) -------------------------------------------------------------------


class PatientDetailsDraft(QObject):
    """The draft of the patient shown in the form. ``texts()`` gives what to keep now
    (empty: nothing typed); nothing is saved until it first gives something."""

    #: The draft was kept (carries its revision).
    saved = Signal(object)
    #: It could not be kept (carries the message).
    refused = Signal(str)

    def __init__(
        self, ctx: ScreenContext, texts: Callable[[], Texts], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._texts = texts
        self._patient_id: UUID | None = None
        self._autosave: DraftAutosave | None = None
        self.begin(None, None)

    def begin(self, patient_id: UUID | None, kept: KeptDraft | None) -> None:
        """Keep drafts for ``patient_id`` from now on (carrying on with ``kept``). What was
        not kept for the patient before is dropped: call :meth:`keep` or :meth:`close`
        first."""
        if self._autosave is not None:
            self._autosave.forget()
            self._autosave.deleteLater()
        self._patient_id = patient_id
        self._id = kept[0].id if kept else uuid4()
        self._started = kept is not None
        self._last: tuple[Texts, FormDraft] | None = None
        self._saver = RecordSaver(self._ctx, base=kept[1] if kept else None)
        self._autosave = DraftAutosave(self._saver, self._build, parent=self)
        self._autosave.saved.connect(self.saved.emit)
        self._autosave.refused.connect(self.refused.emit)

    @property
    def draft_id(self) -> UUID:
        """The id the draft of the patient shown has (kept or not yet)."""
        return self._id

    def _draft(self, texts: Texts, status: DraftStatus) -> FormDraft:
        return FormDraft.build(
            id=self._id,
            ward_id=self._ctx.ward_id,
            patient_id=self._patient_id,
            parent_id=self._patient_id,
            form=PATIENT_DRAFT,
            values=texts,
            saved_at=self._ctx.now(),
            status=status,
        )

    def _build(self) -> FormDraft | None:
        texts = self._texts()
        if self._patient_id is None or (not texts and not self._started):
            return None
        if self._last is not None and self._last[0] == texts:
            return self._last[1]  # unchanged: the autosave skips it
        draft = self._draft(texts, DraftStatus.OPEN)
        self._started = True
        self._last = (texts, draft)
        return draft

    def changed(self) -> None:
        """Something was typed: keep it in a moment."""
        if self._autosave is not None:
            self._autosave.changed()

    def keep(self) -> None:
        """Keep what is typed now (the window is locking)."""
        if self._autosave is not None:
            self._autosave.flush()

    def close(self) -> None:
        """The patient was saved from the draft, or the changes discarded: close the draft
        (further typing starts a new one)."""
        if self._autosave is not None:
            self._autosave.forget()
        if self._started and self._patient_id is not None:
            try:
                closed: FormDraft | None = self._draft(self._texts(), DraftStatus.CLOSED)
            except UserFacingError:  # a text the draft cannot hold: close it as last kept
                closed = None if self._last is None else self._last[1].closed(self._ctx.now())
            if closed is not None:
                self._saver.save(closed, owner=self)
        self.begin(self._patient_id, None)
