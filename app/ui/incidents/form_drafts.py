"""How the incident form keeps what was typed: the draft record itself (autosaved while the
record is a draft), and beside it the drafts of :mod:`app.ui.incidents.kept_draft` — details
typed but not yet complete, and an amendment of a signed-off record not yet saved with its
reason. A mixin for :class:`~app.ui.incidents.form.IncidentForm`.

Contract: what is typed is handed to the store a moment after each change, at least every few
seconds while typing goes on (:meth:`DraftsMixin._beat`), at once on Ctrl+S, when the form
closes and when the window locks (:meth:`DraftsMixin.flush_draft`). When the form opens, the
kept drafts are put back: unfinished details into a draft record; an amendment (the person's
own) into a signed-off record, which then opens in amendment mode.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING
from uuid import UUID

from app.models.base import STORED
from app.models.clock import format_local
from app.models.errors import UserFacingError
from app.models.form_draft import newest_open_draft
from app.models.incident import UseOfForceIncident
from app.models.people import Permission
from app.ui.incidents.kept_draft import (
    AMENDMENT_FORM,
    BASE_KEY,
    REASON_KEY,
    UNFINISHED_FORM,
    KeptDraft,
    KeptFormDraft,
    amended_record,
    amendment_texts,
)
from app.ui.incidents.workflow import Mode

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.models.revision import Revision
    from app.ui.context import ScreenContext
    from app.ui.forms import DraftAutosave, RecordSaver
    from app.ui.incidents.actions import FormActions
    from app.ui.incidents.section_force import ForceSection
    from app.ui.incidents.section_people import PeopleSection

RESTORED_AMENDMENT = (
    "Your amendment of this signed-off record, not yet saved, was kept and is shown: check it, "
    "give the reason and save the amendment, or cancel it."
)
CHANGED_SINCE = (
    " The record has been changed since you began, so what you changed is shown on top of "
    "its latest version."
)


class DraftsMixin:
    """Autosave of the draft record and the drafts kept beside it."""

    _ctx: ScreenContext
    _record: UseOfForceIncident
    _saver: RecordSaver
    _dirty: bool
    _loading: bool
    autosave: DraftAutosave
    bar: FormActions
    force: ForceSection
    people: PeopleSection
    mode: Mode
    closed: SignalInstance
    unfinished: KeptFormDraft
    amendment: KeptFormDraft
    _amendment_base: UUID | None
    _amendment_fields: dict[str, str]

    # what the form provides
    def record(self) -> UseOfForceIncident:  # pragma: no cover - IncidentForm's
        """The record as the form holds it now."""
        raise NotImplementedError

    def _status_words(self) -> str:  # pragma: no cover - IncidentForm's
        raise NotImplementedError

    def _set_mode(self, mode: Mode) -> None:  # pragma: no cover - IncidentForm's
        raise NotImplementedError

    def _load_sections(self, record: UseOfForceIncident) -> None:  # pragma: no cover
        raise NotImplementedError

    def _refresh(self) -> None:  # pragma: no cover - IncidentForm's
        raise NotImplementedError

    def stop(self) -> None:  # pragma: no cover - IncidentForm's
        raise NotImplementedError

    # -- the draft record --------------------------------------------------------------

    def _draft(self) -> UseOfForceIncident | None:
        if self.mode is not Mode.DRAFT or not self._dirty:
            return None
        return self.record()

    def _draft_saved(self, revision: Revision) -> None:
        self._record = UseOfForceIncident.model_validate_json(revision.payload, context=STORED)
        saved_at = format_local(revision.created_at)
        self.bar.status.setText(f"{self._status_words()} Saved {saved_at}.")

    def _kept_changed(self) -> None:
        """Something was typed: keep it the way the mode asks."""
        if self.mode is Mode.DRAFT:
            self.autosave.changed()
            self.unfinished.changed()
        elif self.mode is Mode.AMENDING:
            self.amendment.changed()

    def _beat(self) -> None:
        if self.mode is Mode.DRAFT and self._dirty:
            self.autosave.flush()
            self.unfinished.flush()
        elif self.mode is Mode.AMENDING:
            self.amendment.flush()

    def save_now(self) -> None:
        """Ctrl+S: save the draft now."""
        if self.mode is Mode.DRAFT:
            self._dirty = True  # an explicit save is saved even if nothing was typed
            self.autosave.flush()
            self.unfinished.flush()

    def flush_draft(self) -> None:
        """Hand what was typed to the store now (the window is locking, or the form closing):
        the draft record and its unfinished details, or the amendment not yet saved."""
        if self.mode is Mode.DRAFT:
            if self._dirty:
                self.autosave.flush()
            self.unfinished.flush()
        elif self.mode is Mode.AMENDING:
            self.amendment.flush()

    def close_form(self) -> None:
        """Close: what was typed is kept first (a draft stays a draft, an amendment not yet
        saved is kept for its author)."""
        self.flush_draft()
        self.stop()
        self.closed.emit()

    # -- the drafts kept beside the record ---------------------------------------------

    def _keep_beside(self, kept: tuple[KeptDraft, ...], delay_ms: int) -> None:
        """Make the kept drafts, and put back what they hold (called once, record shown)."""
        by_form = {form: _newest(kept, form) for form in (UNFINISHED_FORM, AMENDMENT_FORM)}
        self._amendment_base = None
        self._amendment_fields = {}
        self.unfinished = KeptFormDraft(
            self._ctx,
            UNFINISHED_FORM,
            self._record,
            self._unfinished_texts,
            kept=by_form[UNFINISHED_FORM],
            delay_ms=delay_ms,
            parent=self,  # type: ignore[arg-type]
        )
        self.amendment = KeptFormDraft(
            self._ctx,
            AMENDMENT_FORM,
            self._record,
            self._amendment_texts,
            kept=by_form[AMENDMENT_FORM],
            delay_ms=delay_ms,
            parent=self,  # type: ignore[arg-type]
        )
        for draft in (self.unfinished, self.amendment):
            draft.refused.connect(
                lambda m: self.bar.message.setText(f"What was typed could not be kept: {m}")
            )
        unfinished, amendment = by_form[UNFINISHED_FORM], by_form[AMENDMENT_FORM]
        if self.mode is Mode.DRAFT and unfinished is not None:
            self._put_back(unfinished[0].values)
        elif (
            self.mode is Mode.SIGNED and amendment is not None and self._ctx.may(Permission.RECORD)
        ):
            self._restore_amendment(amendment[0].values)

    def _unfinished_texts(self) -> dict[str, str]:
        return self.force.unfinished() | self.people.unfinished()

    def _put_back(self, texts: dict[str, str]) -> None:
        self._loading = True
        try:
            self.force.restore_unfinished(texts)
            self.people.restore_unfinished(texts)
        finally:
            self._loading = False
        self._refresh()

    def _amendment_texts(self) -> dict[str, str]:
        if self.mode is not Mode.AMENDING:
            return {}
        # a change that breaks a rule for now (an end before a start): keep the last that did not
        with suppress(UserFacingError):
            self._amendment_fields = amendment_texts(self._record, self.record())
        texts = self._amendment_fields | self._unfinished_texts()
        reason = self.bar.reason.text().strip()
        if reason:
            texts[REASON_KEY] = reason
        if texts and self._amendment_base is not None:
            texts[BASE_KEY] = str(self._amendment_base)
        return texts

    def _restore_amendment(self, texts: dict[str, str]) -> None:
        note = RESTORED_AMENDMENT
        try:
            proposed = amended_record(self._record, texts)
        except UserFacingError:
            proposed = self._record
            note += " Some of the changes could not be put back; please type them again."
        self._amendment_base = _uuid(texts.get(BASE_KEY)) or self._saver.base
        if self._amendment_base != self._saver.base:
            note += CHANGED_SINCE
        self._load_sections(proposed)
        self._put_back(texts)
        self._set_mode(Mode.AMENDING)
        self.bar.reason.setText(texts.get(REASON_KEY, ""))
        self.bar.message.setText(note)

    def _close_amendment(self) -> None:
        self._amendment_fields = {}
        self.amendment.close()


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None


def _newest(kept: tuple[KeptDraft, ...], form: str) -> KeptDraft | None:
    newest = newest_open_draft((draft for draft, _ in kept), form)
    return next((k for k in kept if k[0] is newest), None)
