"""Saving the patients screen's form, and what is typed but not saved: a mixin for
:class:`~app.ui.patients.editor.PatientEditor`.

Every save goes through :class:`~app.ui.forms.RecordSaver`, whose base is the revision the
form was filled from. A new patient is saved and admitted together, only on "Save and admit".
When the window locks (:meth:`EditorSaving.hand_over`), valid changes to a recorded patient
are saved as its next version; anything else typed — a form that breaks a rule of the record,
a new patient nobody confirmed — is kept as a draft and given back, with the rule it still
breaks, when the same person opens the patient again (:mod:`app.ui.patients.kept_details`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from app.models.admission import HospitalSpell
from app.models.clock import format_local
from app.models.errors import UserFacingError
from app.models.patient import Patient
from app.models.stays import nhs_number_in_use
from app.ui.forms import RecordSaver
from app.ui.patients.choices import instant_of, set_instant
from app.ui.patients.kept_details import (
    ADMIT_KEY,
    KeptDraft,
    PatientDetailsDraft,
    Texts,
    form_texts,
    put_texts,
)

if TYPE_CHECKING:
    from uuid import UUID

    from PySide6.QtCore import QObject, SignalInstance
    from PySide6.QtWidgets import QDateTimeEdit, QLabel

    from app.models.revision import Revision
    from app.ui.context import ScreenContext
    from app.ui.patients.form import DemographicsForm
    from app.ui.patients.loading import PatientDetail

NOT_ADMITTED_AFTER_SAVE = "The patient was saved but not admitted — {}. Press Admit to try again."
RESTORED = (
    "Your changes, not saved, were kept at {} and are back in the form: check them, then save "
    "(or discard them)."
)


class EditorSaving:
    """Saving, handing over on lock, and kept drafts of the patient form."""

    _ctx: ScreenContext
    form: DemographicsForm
    admit_at: QDateTimeEdit
    note: QLabel
    detail: PatientDetail | None
    new_id: UUID | None
    may_record: bool
    known_numbers: tuple[tuple[UUID, str | None], ...]
    kept_new: tuple[KeptDraft, ...]
    draft: PatientDetailsDraft
    saved: SignalInstance
    stay_saved: SignalInstance
    _saver: RecordSaver | None
    _start_texts: Texts
    _edits: int
    _saved_at_edit: int
    _saving: bool
    _stopped: bool

    # what the editor provides
    @property
    def current_id(self) -> UUID | None:  # pragma: no cover - PatientEditor's
        """The patient shown (or being added)."""
        raise NotImplementedError

    @property
    def dirty(self) -> bool:  # pragma: no cover - PatientEditor's
        """The form holds changes not yet handed to the store."""
        raise NotImplementedError

    def _show_state(self) -> None:  # pragma: no cover - PatientEditor's
        raise NotImplementedError

    def _clean(self) -> None:  # pragma: no cover - PatientEditor's
        raise NotImplementedError

    def _load(self, patient_id: UUID) -> None:  # pragma: no cover - PatientEditor's
        raise NotImplementedError

    # -- drafts ----------------------------------------------------------------------------

    def _draft_texts(self) -> Texts:
        """What a draft keeps now: the fields changed since the form was filled (a new
        patient: every field answered, and the admission time)."""
        texts = form_texts(self.form)
        if self.new_id is None:
            return {k: v for k, v in texts.items() if self._start_texts.get(k) != v}
        texts = {k: v for k, v in texts.items() if v}
        return texts | {ADMIT_KEY: instant_of(self.admit_at).isoformat()} if texts else {}

    def _restore(self, kept: KeptDraft) -> None:
        """Put kept changes back into the form, saying so and naming the rule they still
        break. Changes the record has since taken (or that were saved) are not changes."""
        draft = kept[0]
        self.kept_new = tuple(k for k in self.kept_new if k[0].id != draft.id)
        texts = {k: v for k, v in draft.values.items() if self._start_texts.get(k, "") != v}
        admitted = texts.pop(ADMIT_KEY, None)
        if not texts:
            self.draft.close()  # nothing left that is not in the record
            return
        put_texts(self.form, texts)
        if admitted and self.new_id is not None:
            set_instant(self.admit_at, datetime.fromisoformat(admitted))
        self._edits += 1  # unsaved now, as when they were typed
        self.form.refresh_derived(self._ctx.now())
        self._show_state()
        self.note.setText(RESTORED.format(format_local(draft.saved_at)))
        try:
            self._build()
        except UserFacingError as exc:
            self.form.show_error(str(exc))

    # -- saving ----------------------------------------------------------------------------

    def _build(self) -> Patient:
        patient_id = self.new_id if self.new_id is not None else None
        ward_id = self._ctx.ward_id if self.detail is None else self.detail.patient.ward_id
        patient = self.form.build(ward_id=ward_id, patient_id=patient_id)
        problem = nhs_number_in_use(patient.nhs_number, patient.id, self.known_numbers)
        if problem is not None:
            raise UserFacingError(problem)
        return patient

    def save(self) -> None:
        """Save the form (a new patient is admitted to this ward as well)."""
        if not self.may_record or self._saving or self.current_id is None:
            return
        try:
            patient = self._build()
            spell = None
            if self.new_id is not None:
                spell = HospitalSpell.build(
                    patient_id=patient.id,
                    ward_id=self._ctx.ward_id,
                    admitted_at=instant_of(self.admit_at),
                )
        except UserFacingError as exc:
            self.form.show_error(str(exc))
            return
        saver = self._saver or RecordSaver(self._ctx)
        self._saver = saver
        self._saving = True
        self.form.error.clear()
        self._show_state()
        edits = self._edits
        owner = cast("QObject", self)  # the editor: its callbacks are dropped once it is gone

        def done(revision: Revision) -> None:
            self._saving = False
            if self._edits == edits:
                self._saved_at_edit = edits
                self.draft.close()  # saved from what was typed: the draft is done with
            if self._stopped:
                return  # locked meanwhile: saved, not admitted (the list will say so)
            if spell is not None:
                self.new_id = None
                self.detail = None
                self.note.setText("Patient saved; admitting…")
                RecordSaver(self._ctx).save(
                    spell, on_saved=self._admitted, on_error=self._not_admitted, owner=owner
                )
                self._load(patient.id)
            else:
                self.note.setText("Saved.")
            self._show_state()
            self.saved.emit(revision)

        saver.save(patient, on_saved=done, on_error=self._refused, owner=owner)

    def _refused(self, error: UserFacingError) -> None:
        self._saving = False
        self.form.show_error(str(error))
        self._show_state()

    def _admitted(self, revision: Revision) -> None:
        self.note.setText("Saved and admitted to this ward.")
        self.stay_saved.emit(revision)

    def _not_admitted(self, error: UserFacingError) -> None:
        self.form.show_error(NOT_ADMITTED_AFTER_SAVE.format(error))

    def hand_over(self) -> None:
        """The window is locking: give unsaved changes to the store worker (they are saved
        before the store closes). Valid changes to a recorded patient are saved as its next
        version; a form that breaks a rule of the record, and a new patient (saving it would
        admit nobody, and nobody confirmed it), are kept as a draft for the same person."""
        if not (self.may_record and self.dirty and not self._saving):
            return
        patient = None
        if self.new_id is None:
            try:
                patient = self._build()
            except UserFacingError:
                patient = None
        if patient is None:
            self.draft.keep()
        else:
            (self._saver or RecordSaver(self._ctx)).save(patient)
            self.draft.close()  # queued after the save: a draft from earlier typing closes
        self._clean()
