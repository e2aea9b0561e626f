"""Use-of-force incidents of the demo ward: what force was used, told in the statutory items
(domain.md §2), and how each record moved from draft to submitted to signed off.

An incident is first composed as a complete draft (:func:`compose_incident`); then
:func:`file_incident` saves the versions its fate calls for, through
:func:`~app.models.incident_workflow.submit` and :func:`~app.models.incident_workflow.sign_off`
with the accounts of the nurse who wrote it and the manager who signed it off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from app.cli.demo.patients import SELF_HARM_RISK, DemoPatient
from app.cli.demo.people import DemoAccounts, DemoStaff
from app.cli.demo.support import DemoRandom, Timeline, floor_minute, minutes
from app.cli.demo.wording import (
    AMENDMENT_OUTCOME,
    AMENDMENT_REASON,
    EFFORTS,
    HOW,
    LOCATIONS,
    NON_STAFF,
    NOT_HELD_WITH_PATIENT,
    NOT_NOTIFIED,
    OUTCOMES,
    REASON_NARRATIVES,
    SERIOUS_INJURY,
)
from app.models.base import Answer
from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import (
    CarePlanNotification,
    DoseUnit,
    ForceUse,
    NonStaffInvolvement,
    PostIncidentReview,
    RapidTranquillisation,
    RtRiskFactor,
    RtRoute,
    SeriousHarm,
)
from app.models.incident_workflow import check_amendment, sign_off, submit
from app.models.people import StaffMember
from app.models.refs import PersonRef

_T, _R = InterventionType, InterventionReason


class Shape(NamedTuple):
    """A kind of incident: physical or mechanical phases one after another, optionally a
    chemical restraint given during the last phase, and the usual reasons.
    """

    weight: float
    phases: tuple[tuple[InterventionType, int, int], ...]  # type, shortest, longest (minutes)
    chemical: InterventionType | None
    reasons: tuple[InterventionReason, ...]
    staff: tuple[int, int]
    planned: float  # chance each use was part of the care plan


SHAPES: dict[str, Shape] = {
    "standing": Shape(22, ((_T.PHYSICAL_STANDING, 2, 8),), None,
                      (_R.PREVENT_VIOLENCE_TO_OTHERS, _R.PREVENT_VIOLENCE_TO_OTHERS,
                       _R.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR,
                       _R.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM, _R.SEARCH_FOR_SAFETY_OF_OTHERS),
                      (2, 3), 0.05),
    "escort": Shape(15, ((_T.PHYSICAL_RESTRICTIVE_ESCORT, 2, 6),), None,
                    (_R.PREVENT_VIOLENCE_TO_OTHERS, _R.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR,
                     _R.PREVENT_ABSCONDING, _R.PREVENT_EXTREME_PROLONGED_OVERACTIVITY),
                    (2, 3), 0.05),
    "seated": Shape(10, ((_T.PHYSICAL_STANDING, 1, 3), (_T.PHYSICAL_SEATED, 3, 7)), None,
                    (_R.PREVENT_VIOLENCE_TO_OTHERS, _R.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR,
                     _R.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM), (3, 4), 0.1),
    "supine": Shape(8, ((_T.PHYSICAL_STANDING, 1, 3), (_T.PHYSICAL_SUPINE, 3, 8)), None,
                    (_R.PREVENT_VIOLENCE_TO_OTHERS, _R.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR),
                    (3, 4), 0.0),
    "side": Shape(6, ((_T.PHYSICAL_STANDING, 1, 3), (_T.PHYSICAL_SIDE, 3, 7)), None,
                  (_R.PREVENT_VIOLENCE_TO_OTHERS, _R.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM,
                   _R.PREVENT_SERIOUS_ACCIDENTAL_INJURY_TO_SELF), (3, 4), 0.0),
    "prone_short": Shape(6, ((_T.PHYSICAL_STANDING, 1, 2), (_T.PHYSICAL_PRONE, 2, 6),
                             (_T.PHYSICAL_SUPINE, 2, 5)), None,
                         (_R.PREVENT_VIOLENCE_TO_OTHERS,), (4, 5), 0.0),
    "prone_long": Shape(1.2, ((_T.PHYSICAL_STANDING, 1, 3), (_T.PHYSICAL_PRONE, 11, 16),
                              (_T.PHYSICAL_SIDE, 2, 6)), None,
                        (_R.PREVENT_VIOLENCE_TO_OTHERS,), (4, 5), 0.0),
    "rapid_tranquillisation": Shape(7, ((_T.PHYSICAL_STANDING, 1, 3),
                                        (_T.PHYSICAL_SUPINE, 4, 9)),
                                    _T.CHEMICAL_INJECTION_RT,
                                    (_R.PREVENT_VIOLENCE_TO_OTHERS,
                                     _R.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR,
                                     _R.PREVENT_EXTREME_PROLONGED_OVERACTIVITY), (4, 5), 0.0),
    "oral": Shape(3, ((_T.PHYSICAL_STANDING, 1, 3), (_T.PHYSICAL_SEATED, 3, 7)),
                  _T.CHEMICAL_ORAL,
                  (_R.PREVENT_EXTREME_PROLONGED_OVERACTIVITY,
                   _R.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR), (3, 4), 0.0),
    "treatment": Shape(3, ((_T.PHYSICAL_SEATED, 3, 8),), _T.CHEMICAL_INJECTION_NOT_RT,
                       (_R.LAWFULLY_GIVE_MEDICINE_OR_TREATMENT,), (3, 4), 0.9),
    "personal_care": Shape(1, ((_T.PHYSICAL_SEATED, 5, 10),), None,
                           (_R.FACILITATE_PERSONAL_CARE,), (2, 3), 0.8),
    "mechanical": Shape(0.6, ((_T.PHYSICAL_STANDING, 1, 3), (_T.PHYSICAL_SUPINE, 3, 6),
                              (_T.MECHANICAL, 15, 40)), None,
                        (_R.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM,), (4, 5), 0.0),
}  # fmt: skip

#: At least this many of each shape in a six-month ward (scaled down for shorter periods).
MINIMUM_PER_SIX_MONTHS: dict[str, int] = {
    "prone_long": 2,
    "mechanical": 2,
    "rapid_tranquillisation": 6,
    "treatment": 2,
}

_SELF_HARM_SHAPES = frozenset({"standing", "seated", "side", "supine", "mechanical"})

_LOCATION_OF: dict[str, str] = {"treatment": "Clinic room", "personal_care": "Patient's bedroom"}

_RT_DRUGS: tuple[tuple[str, Decimal], ...] = (
    ("Lorazepam", Decimal(2)),
    ("Lorazepam", Decimal(1)),
    ("Promethazine", Decimal(50)),
    ("Haloperidol", Decimal(5)),
)
_RT_SITES = ("Left upper outer buttock", "Right upper outer buttock", "Left outer thigh")


class Fate(StrEnum):
    """How far a demo record has gone through its life cycle."""

    DRAFT = "draft"  # still being written: some statutory items missing
    SUBMITTED = "submitted"  # complete, awaiting the manager's sign-off
    SIGNED_OFF = "signed_off"


@dataclass(frozen=True, slots=True)
class PlannedIncident:
    """A complete draft, with its patient and the registered nurse who writes it up."""

    draft: UseOfForceIncident
    patient: DemoPatient
    recorder: StaffMember


def _ref_list(members: Sequence[StaffMember]) -> tuple[PersonRef, ...]:
    return tuple(member.as_person_ref() for member in members)


def choose_team(rnd: DemoRandom, staff: DemoStaff, low: int, high: int) -> list[StaffMember]:
    """``low``–``high`` staff from the floor, always with at least one registered nurse."""
    team = rnd.sample(staff.floor_staff, rnd.between(low, high))
    if not any(member in staff.registered for member in team):
        team[0] = rnd.pick(staff.registered)
    return team


def _rapid_tranquillisation(rnd: DemoRandom, given_at: datetime) -> RapidTranquillisation:
    drug, dose = rnd.pick(_RT_DRUGS)
    return RapidTranquillisation(
        drug=drug,
        dose_amount=dose,
        dose_unit=DoseUnit.MG,
        route=RtRoute.INTRAMUSCULAR,
        site=rnd.pick(_RT_SITES),
        given_at=given_at,
        oral_offered_first=Answer.YES if rnd.chance(0.75) else Answer.NO,
        risk_factors=(RtRiskFactor.ASLEEP_OR_SEDATED,) if rnd.chance(0.2) else (),
    )


def build_uses(
    rnd: DemoRandom, shape: Shape, start: datetime, staff: DemoStaff, *, planned: bool
) -> tuple[ForceUse, ...]:
    """The uses of force of one incident of ``shape`` starting at ``start``."""
    uses: list[ForceUse] = []
    at = start
    for kind, low, high in shape.phases:
        end = at + rnd.span(low, high)
        authoriser = rnd.pick((staff.consultant, staff.charge_nurse, staff.doctor))
        uses.append(
            ForceUse(
                id=rnd.uuid(),
                intervention_type=kind,
                started_at=at,
                ended_at=end,
                in_care_plan=planned,
                patient_injured=rnd.chance(0.04),
                staff_injured=rnd.chance(0.06),
                other_person_injured=rnd.chance(0.015),
                authorised_by=(
                    authoriser.as_person_ref() if kind is InterventionType.MECHANICAL else None
                ),
            )
        )
        at = end
    if shape.chemical is not None:
        given = uses[-1].started_at + minutes(1)
        end = min(given + minutes(rnd.between(1, 2)), at)  # within the last phase
        uses.append(
            ForceUse(
                id=rnd.uuid(),
                intervention_type=shape.chemical,
                started_at=given,
                ended_at=end,
                in_care_plan=planned,
                patient_injured=False,
                staff_injured=False,
                other_person_injured=False,
                rapid_tranquillisation=(
                    _rapid_tranquillisation(rnd, given)
                    if shape.chemical.is_rapid_tranquillisation
                    else None
                ),
            )
        )
    return tuple(uses)


def compose_incident(
    rnd: DemoRandom,
    staff: DemoStaff,
    patient: DemoPatient,
    *,
    started_at: datetime,
    uses: tuple[ForceUse, ...],
    reason: InterventionReason,
    how_key: str,
    team: Sequence[StaffMember],
    location: str | None = None,
) -> PlannedIncident:
    """A complete draft: every statutory item answered, and the post-incident review."""
    name = patient.record.given_name or "The patient"
    ends = [use.ended_at for use in uses]
    ended_at = None if None in ends else max(e for e in ends if e is not None)
    injured = any(use.patient_injured for use in uses)
    harm = SeriousHarm.SERIOUS_INJURY if injured and rnd.chance(0.12) else SeriousHarm.NONE
    outsider = rnd.pick(NON_STAFF) if rnd.chance(0.03) else None
    has_contacts = bool(patient.record.care_plan_contacts)
    notified = rnd.chance(0.9)
    with_patient = rnd.chance(0.8)
    draft = UseOfForceIncident(
        id=rnd.uuid(),
        patient_id=patient.record.id,
        ward_id=patient.record.ward_id,
        reason=reason,
        reason_narrative=rnd.pick(REASON_NARRATIVES[reason]).format(name=name),
        location=location or _LOCATION_OF.get(how_key) or rnd.pick(LOCATIONS),
        started_at=started_at,
        ended_at=ended_at,
        force_uses=uses,
        how_force_was_used=rnd.pick(HOW[how_key]).format(name=name),
        staff_involved=_ref_list(team),
        non_staff_involved=outsider is not None,
        non_staff_involvement=(
            ()
            if outsider is None
            else (NonStaffInvolvement(who=outsider[0], reason=outsider[1].format(name=name)),)
        ),
        outcome=rnd.pick(OUTCOMES).format(name=name),
        serious_harm=harm,
        serious_harm_detail=SERIOUS_INJURY if harm is SeriousHarm.SERIOUS_INJURY else None,
        efforts_to_avoid_force=rnd.pick(EFFORTS).format(name=name),
        care_plan_notification=(
            CarePlanNotification.NONE_TO_NOTIFY
            if not has_contacts
            else CarePlanNotification.NOTIFIED
            if notified
            else CarePlanNotification.NOT_NOTIFIED
        ),
        care_plan_notification_detail=NOT_NOTIFIED if has_contacts and not notified else None,
        post_incident_review=PostIncidentReview(
            held_with_patient=with_patient,
            not_held_with_patient_reason=(
                None if with_patient else rnd.pick(NOT_HELD_WITH_PATIENT)
            ),
            held_with_staff=rnd.chance(0.9),
        ),
    )
    writers = [m for m in team if m in staff.registered] or list(staff.registered)
    return PlannedIncident(draft, patient, rnd.pick(writers))


def plan_incident(
    rnd: DemoRandom, staff: DemoStaff, patient: DemoPatient, shape_key: str, start: datetime
) -> PlannedIncident:
    """An incident of the named shape for ``patient`` starting at ``start``."""
    shape = SHAPES[shape_key]
    planned = rnd.chance(shape.planned)
    reason = rnd.pick(shape.reasons)
    self_harm = _R.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM
    if shape_key in _SELF_HARM_SHAPES and rnd.chance(SELF_HARM_RISK.get(patient.key, 0.0)):
        reason = self_harm
    return compose_incident(
        rnd,
        staff,
        patient,
        started_at=start,
        uses=build_uses(rnd, shape, start, staff, planned=planned),
        reason=reason,
        how_key=shape_key,
        team=choose_team(rnd, staff, *shape.staff),
    )


#: Fields a nurse may not have filled in yet on a draft (statutory items f, i, m, n, o, p).
_DRAFT_GAPS = (
    "how_force_was_used",
    "outcome",
    "efforts_to_avoid_force",
    "care_plan_notification",
    "serious_harm",
    "non_staff_involved",
)


def unfinished(rnd: DemoRandom, incident: UseOfForceIncident) -> UseOfForceIncident:
    """``incident`` as a draft still missing two to four statutory items and the debrief."""
    gaps = [
        name
        for name in _DRAFT_GAPS
        if not (name == "non_staff_involved" and incident.non_staff_involvement)
        and not (name == "serious_harm" and incident.serious_harm_detail)
        and not (name == "care_plan_notification" and incident.care_plan_notification_detail)
    ]
    update: dict[str, Any] = dict.fromkeys(rnd.sample(gaps, rnd.between(2, min(4, len(gaps)))))
    update["post_incident_review"] = PostIncidentReview()
    return UseOfForceIncident.model_validate(incident.model_dump() | update)


def file_incident(
    rnd: DemoRandom,
    timeline: Timeline,
    planned: PlannedIncident,
    fate: Fate,
    *,
    accounts: DemoAccounts,
    staff: DemoStaff,
    now: datetime,
) -> UseOfForceIncident:
    """Save the versions ``fate`` calls for and return the last one: a draft (incomplete);
    or a complete draft then submitted; or those then signed off — each no later than now.
    """
    draft = planned.draft
    ended = draft.ended_at or draft.started_at
    room = now - ended
    written = floor_minute(ended + min(rnd.span(15, 120), room * 0.3))
    if fate is Fate.DRAFT:
        unfinished_draft = unfinished(rnd, draft)
        timeline.add(written, unfinished_draft)
        return unfinished_draft
    timeline.add(written, draft)
    submitted_at = floor_minute(written + min(rnd.span(5, 90), room * 0.2))
    recorder = planned.recorder
    submitted = submit(
        draft,
        planned.patient.record,
        account=accounts.of(recorder),
        submitter=recorder.as_person_ref(),
        at=submitted_at,
    )
    timeline.add(submitted_at, submitted)
    if fate is Fate.SUBMITTED:
        return submitted
    signer = staff.manager if rnd.chance(0.7) else staff.charge_nurse
    if signer == recorder:
        signer = staff.charge_nurse if signer == staff.manager else staff.manager
    signed_at = floor_minute(
        submitted_at + min(rnd.span(4 * 60, 60 * 60), (now - submitted_at) * 0.8)
    )
    signed = sign_off(
        submitted, account=accounts.of(signer), signer=signer.as_person_ref(), at=signed_at
    )
    timeline.add(signed_at, signed)
    return signed


def amend(
    rnd: DemoRandom, timeline: Timeline, signed: UseOfForceIncident, now: datetime
) -> UseOfForceIncident:
    """A signed-off record corrected later, with a reason (design.md "Records are
    revisions"): a bruise found the next day, so the patient-injury answer changes.
    """
    if signed.signed_off_at is None:
        raise ValueError("signed: only a signed-off record is amended")
    first, *rest = signed.force_uses
    amended = UseOfForceIncident.model_validate(
        signed.model_dump()
        | {
            "force_uses": (first.model_copy(update={"patient_injured": True}), *rest),
            "outcome": (signed.outcome or "") + AMENDMENT_OUTCOME,
        }
    )
    check_amendment(signed, amended, AMENDMENT_REASON)
    at = floor_minute(min(signed.signed_off_at + rnd.span(12 * 60, 48 * 60), now))
    timeline.add(at, amended, AMENDMENT_REASON)
    return amended
