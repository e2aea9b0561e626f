"""The incident form's steps through the record's life cycle: submit, sign off, return with a
comment, amend with a reason. Every rule is :mod:`app.models.incident_workflow`'s; this mixin
only calls it with the signed-in account and saves the result as one revision."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from app.models.completeness import MissingItem
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.incident_workflow import (
    IncompleteRecord,
    check_amendment,
    return_for_correction,
    sign_off,
    submit,
)
from app.models.people import Permission, UserAccount
from app.models.refs import PersonRef

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.models.patient import Patient
    from app.models.revision import Revision
    from app.ui.context import ScreenContext
    from app.ui.forms import DraftAutosave, RecordSaver
    from app.ui.incidents.actions import FormActions
    from app.ui.incidents.kept_draft import KeptFormDraft


class Mode(StrEnum):
    """What the form lets the signed-in person do with the record shown."""

    DRAFT = "draft"  # typing, autosaved, submit
    READ = "read"  # look only
    REVIEW = "review"  # a manager: sign off or return
    SIGNED = "signed"  # look; amend with a reason
    AMENDING = "amending"  # typing an amendment, saved only with a reason


class WorkflowMixin:
    """Submit, sign off, return and amend, for :class:`~app.ui.incidents.form.IncidentForm`."""

    _ctx: ScreenContext
    _record: UseOfForceIncident
    _patient: Patient | None
    _saver: RecordSaver
    autosave: DraftAutosave
    bar: FormActions
    mode: Mode
    record_saved: SignalInstance
    unfinished: KeptFormDraft
    _amendment_base: UUID | None

    # what the form provides
    def record(self) -> UseOfForceIncident:  # pragma: no cover - IncidentForm's
        """The record as the form holds it now."""
        raise NotImplementedError

    def go_to(self, item: MissingItem) -> None:  # pragma: no cover - IncidentForm's
        """Take the focus to the field that answers ``item``."""
        raise NotImplementedError

    def _show_record(self, record: UseOfForceIncident) -> None:  # pragma: no cover
        raise NotImplementedError

    def _set_mode(self, mode: Mode) -> None:  # pragma: no cover - IncidentForm's
        raise NotImplementedError

    def _status_words(self) -> str:  # pragma: no cover - IncidentForm's
        raise NotImplementedError

    def focus_first(self) -> None:  # pragma: no cover - IncidentForm's
        """Put the focus in the first field that can be typed in."""
        raise NotImplementedError

    def _close_amendment(self) -> None:  # pragma: no cover - DraftsMixin's
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------------------

    def _who(self) -> tuple[UserAccount, PersonRef] | None:
        facts = self._ctx.facts
        if facts.account is None or facts.staff is None:
            self.bar.message.setText(
                "This account is not linked to a member of staff, so it cannot do this."
            )
            return None
        return facts.account, facts.staff.as_person_ref()

    def _save(
        self,
        record: UseOfForceIncident,
        done: str,
        reason: str | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Save ``record`` as one revision; once saved, show it and call ``then``."""
        self.bar.message.clear()

        def saved(_revision: Revision) -> None:
            if then is not None:
                then()
            self._show_record(record)
            self.bar.status.setText(f"{self._status_words()} {done}.")
            self.record_saved.emit(record)

        self._saver.save(
            record,
            reason=reason,
            on_saved=saved,
            on_error=lambda e: self.bar.message.setText(f"Not saved: {e}"),
            owner=self.bar,
        )

    # -- the steps -------------------------------------------------------------------------

    def submit(self) -> None:
        """Ctrl+Enter: submit a complete draft for sign-off (refused with what is missing)."""
        who = self._who() if self.mode is Mode.DRAFT else None
        if who is None:
            return
        account, person = who
        try:
            done = submit(
                self.record(), self._patient, account=account, submitter=person, at=self._ctx.now()
            )
        except IncompleteRecord as exc:
            self.bar.message.setText(f"Not submitted. {exc}")
            if exc.missing:
                self.go_to(exc.missing[0])
            return
        except UserFacingError as exc:
            self.bar.message.setText(f"Not submitted: {exc}")
            return
        self.autosave.forget()
        # the details kept beside the draft are in the record now: that draft is done with
        self._save(done, "Submitted for sign-off", then=self.unfinished.close)

    def sign_off(self) -> None:
        """A manager signs the submitted record off."""
        who = self._who() if self.mode is Mode.REVIEW else None
        if who is None:
            return
        account, person = who
        try:
            done = sign_off(self._record, account=account, signer=person, at=self._ctx.now())
        except UserFacingError as exc:
            self.bar.message.setText(f"Not signed off. {exc}")
            return
        self._save(done, "Signed off")

    def return_to_nurse(self) -> None:
        """A manager returns the submitted record as a draft, with the comment typed."""
        who = self._who() if self.mode is Mode.REVIEW else None
        if who is None:
            return
        account, person = who
        try:
            done = return_for_correction(
                self._record,
                account=account,
                returner=person,
                comment=self.bar.comment.toPlainText(),
                at=self._ctx.now(),
            )
        except UserFacingError as exc:
            self.bar.message.setText(f"Not returned: {exc}")
            self.bar.comment.setFocus()
            return
        self._save(done, "Returned to the nurse")

    def begin_amendment(self) -> None:
        """Open a signed-off record for an amendment (saved only with a reason)."""
        if self.mode is Mode.SIGNED and self._ctx.may(Permission.RECORD):
            self._set_mode(Mode.AMENDING)
            self._amendment_base = self._saver.base
            self.bar.reason.clear()
            self.focus_first()
            self.bar.message.setText(
                "Amending a signed-off record: change what needs correcting, then give the "
                "reason and save the amendment."
            )

    def save_amendment(self) -> None:
        """Save the amendment with its reason (design.md "Records are revisions")."""
        if self.mode is not Mode.AMENDING:
            return
        reason = self.bar.reason.text().strip()
        try:
            proposed = self.record()
            if proposed == self._record:
                self.bar.message.setText("Nothing has been changed, so there is no amendment.")
                return
            check_amendment(self._record, proposed, reason)
        except UserFacingError as exc:
            self.bar.message.setText(f"Not saved: {exc}")
            self.bar.reason.setFocus()
            return
        self._save(proposed, "Amendment saved", reason=reason, then=self._close_amendment)

    def cancel_amendment(self) -> None:
        """Drop the amendment: the signed-off record is shown as it was, and the amendment
        kept so far is closed."""
        if self.mode is Mode.AMENDING:
            self._close_amendment()
            self._show_record(self._record)
