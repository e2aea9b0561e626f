"""Moving a use-of-force record through its life cycle: ``draft → submitted → signed_off``,
and back from ``submitted`` to ``draft`` when the reviewing manager returns it for correction.

Contracts:
- every transition takes a frozen incident and returns a *new* one (``model_copy`` then full
  re-validation); the caller stores it as a new revision (design.md "Records are revisions");
- a transition that breaks a rule raises :class:`~app.models.errors.RuleViolation` (or its
  subclass :class:`IncompleteRecord`, which lists the missing items); nothing is changed;
- who may do what is decided by :mod:`app.models.people` (domain.md §7);
- :func:`submission_due_at` / :func:`is_submission_overdue` flag drafts left too long
  (domain.md §2: complete the record the same shift, always within 24 hours).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError

from app.models.clock import as_utc, utc_now
from app.models.completeness import MissingItem, missing_for_sign_off, missing_for_submission
from app.models.errors import RuleViolation, invalid_record
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus, ReturnedForCorrection
from app.models.patient import Patient
from app.models.people import UserAccount, can_record, can_sign_off
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy
from app.models.refs import PersonRef
from app.models.revision import REASON_REQUIRED, action_for_change

#: Fields a general edit may not change: they move only through :func:`submit`/:func:`sign_off`.
WORKFLOW_FIELDS: frozenset[str] = frozenset(
    {"status", "submitted_by", "submitted_at", "signed_off_by", "signed_off_at", "returns"}
)


class IncompleteRecord(RuleViolation):
    """The record lacks items the transition needs; ``missing`` lists them in order."""

    def __init__(self, action: str, missing: list[MissingItem]) -> None:
        self.missing = tuple(missing)
        listed = "; ".join(str(item) for item in missing)
        super().__init__(f"The record cannot be {action} — still missing: {listed}")


def _transition(incident: UseOfForceIncident, **update: Any) -> UseOfForceIncident:
    changed = incident.model_copy(update=update)
    try:
        return UseOfForceIncident.model_validate(changed.model_dump())
    except ValidationError as exc:
        raise invalid_record(UseOfForceIncident, exc) from None


def _check_person_is_account(account: UserAccount, person: PersonRef) -> None:
    if not account.active:
        raise RuleViolation("This account is not active.")
    if person.staff_id is None or person.staff_id != account.staff_id:
        raise RuleViolation("The person named must be the staff member this account belongs to.")


def submit(
    incident: UseOfForceIncident,
    patient: Patient | None,
    *,
    account: UserAccount,
    submitter: PersonRef,
    at: datetime | None = None,
) -> UseOfForceIncident:
    """Submit a draft (domain.md §2: a record is complete only when every s.6(5) item is
    answered). Only a draft may be submitted, only by an active account that may record, in the
    name of that account's staff member, and only when
    :func:`~app.models.completeness.missing_for_submission` finds nothing (else
    :class:`IncompleteRecord` lists what is missing). ``at`` defaults to now.
    """
    if incident.status is not IncidentStatus.DRAFT:
        raise RuleViolation("Only a draft can be submitted.")
    if not can_record(account.access_role):
        raise RuleViolation("This account may not submit records.")
    _check_person_is_account(account, submitter)
    missing = missing_for_submission(incident, patient)
    if missing:
        raise IncompleteRecord("submitted", missing)
    return _transition(
        incident,
        status=IncidentStatus.SUBMITTED,
        submitted_by=submitter,
        submitted_at=utc_now() if at is None else at,
    )


def sign_off(
    incident: UseOfForceIncident,
    *,
    account: UserAccount,
    signer: PersonRef,
    at: datetime | None = None,
) -> UseOfForceIncident:
    """Sign off a submitted record (domain.md §2: "a ward manager reviews and signs off each
    record"; §7: nurse in charge / ward manager). Only from ``submitted``, only by an active
    account whose :class:`~app.models.people.AccessRole` may sign off, in the name of that
    account's staff member, and only once the post-incident review answers are recorded
    (:func:`~app.models.completeness.missing_for_sign_off`). ``at`` defaults to now.
    """
    if incident.status is not IncidentStatus.SUBMITTED:
        raise RuleViolation("Only a submitted record can be signed off.")
    if not can_sign_off(account.access_role):
        raise RuleViolation("This account may not sign off records.")
    _check_person_is_account(account, signer)
    missing = missing_for_sign_off(incident)
    if missing:
        raise IncompleteRecord("signed off", missing)
    return _transition(
        incident,
        status=IncidentStatus.SIGNED_OFF,
        signed_off_by=signer,
        signed_off_at=utc_now() if at is None else at,
    )


def return_for_correction(
    incident: UseOfForceIncident,
    *,
    account: UserAccount,
    returner: PersonRef,
    comment: str,
    at: datetime | None = None,
) -> UseOfForceIncident:
    """Send a submitted record back to its author as a draft, with a comment saying what to
    put right (domain.md §2: "a ward manager reviews and signs off each record" — reviewing
    includes sending back; §7: the nurse in charge / ward manager). Only from ``submitted``,
    only by an active account that may sign off, in the name of that account's staff member,
    and only with a comment. Who returned it, when and the comment are kept on the record
    (:attr:`~app.models.incident.UseOfForceIncident.returns`); the submission is cleared, so
    the record counts as a draft again until it is submitted anew. ``at`` defaults to now.
    """
    if incident.status is not IncidentStatus.SUBMITTED:
        raise RuleViolation("Only a submitted record can be returned for correction.")
    if not can_sign_off(account.access_role):
        raise RuleViolation("This account may not return records for correction.")
    _check_person_is_account(account, returner)
    if not comment.strip():
        raise RuleViolation("Returning a record needs a comment saying what to put right.")
    returned = ReturnedForCorrection.build(
        returned_by=returner, returned_at=utc_now() if at is None else at, comment=comment
    )
    return _transition(
        incident,
        status=IncidentStatus.DRAFT,
        submitted_by=None,
        submitted_at=None,
        returns=(*incident.returns, returned),
    )


def amendment_needs_reason(previous: UseOfForceIncident, proposed: UseOfForceIncident) -> bool:
    """True when saving ``proposed`` over ``previous`` changes a signed-off record, which needs
    a reason kept with the revision (design.md "Records are revisions": an amendment after
    sign-off needs a reason). Saving an unchanged record needs none. The rule itself lives in
    :func:`app.models.revision.action_for_change`, which the store applies to every save.
    """
    return proposed != previous and action_for_change(previous, tips=1) in REASON_REQUIRED


def check_amendment(
    previous: UseOfForceIncident, proposed: UseOfForceIncident, reason: str | None
) -> None:
    """Refuse an edit that breaks the amendment rules (design.md "Records are revisions"):
    it must be the same record, it must not change the status or sign-off fields (those move
    only through :func:`submit`, :func:`sign_off` and :func:`return_for_correction`), and a
    change to a signed-off record needs a non-empty ``reason``. Raises
    :class:`~app.models.errors.RuleViolation`.
    """
    if proposed.id != previous.id:
        raise RuleViolation("An amendment must be to the same record.")
    changed = {
        name for name in WORKFLOW_FIELDS if getattr(proposed, name) != getattr(previous, name)
    }
    if changed:
        raise RuleViolation("Status and sign-off can only change by submitting or signing off.")
    if amendment_needs_reason(previous, proposed) and not (reason and reason.strip()):
        raise RuleViolation("A change to a signed-off record needs a reason.")


def submission_due_at(
    incident: UseOfForceIncident, policy: ClinicalPolicy = DEFAULT_POLICY
) -> datetime:
    """When the record should be submitted by (domain.md §2 good practice: the same shift,
    always within 24 hours, *configurable* as ``RecordingPolicy.complete_within``), counted
    from the end of the incident, or from its start while no end is recorded.
    """
    return (incident.ended_at or incident.started_at) + policy.recording.complete_within


def is_submission_overdue(
    incident: UseOfForceIncident,
    now: datetime | None = None,
    policy: ClinicalPolicy = DEFAULT_POLICY,
) -> bool:
    """True for a draft still unsubmitted after :func:`submission_due_at` (for the ward
    board's red flag). ``now`` defaults to the current instant.
    """
    if incident.status is not IncidentStatus.DRAFT:
        return False
    return as_utc(now or utc_now()) > submission_due_at(incident, policy)
