"""Rules about restraint itself: when a record is required, prone and manual restraint
thresholds, who may authorise mechanical restraint, and rapid-tranquillisation monitoring.

Every threshold comes from :class:`~app.models.policy.RestraintPolicy` (domain.md marks them
*configurable*); every reading marked *(verify)* in domain.md is kept in one constant here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from app.models.clock import as_utc
from app.models.codes import ForceCategory, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import ForceUse, RapidTranquillisation
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy
from app.models.refs import ClinicalRole

# ------------------------------------------------------------------------------ negligible

#: Kinds of force that are never "negligible", so always need a record (domain.md §2,
#: *(verify)*: isolation, mechanical and chemical restraint are never negligible).
NEVER_NEGLIGIBLE_CATEGORIES: frozenset[ForceCategory] = frozenset(
    {ForceCategory.ISOLATION, ForceCategory.MECHANICAL, ForceCategory.CHEMICAL}
)


def is_never_negligible(intervention_type: InterventionType, *, resisted: bool | None) -> bool:
    """True when this use of force can never count as negligible (domain.md §2 *(verify)*):
    isolation, mechanical or chemical restraint, prone restraint, or any hold the patient
    resisted. ``resisted`` ``None`` (not answered) is treated as resisted: when in doubt, record.
    """
    return (
        intervention_type.category in NEVER_NEGLIGIBLE_CATEGORIES
        or intervention_type.is_prone
        or resisted is not False
    )


def record_required(
    intervention_type: InterventionType,
    *,
    resisted: bool | None,
    light_momentary_guiding_touch: bool | None,
) -> bool:
    """Whether s.6(1) requires a record of this use of force (domain.md §2: a record for every
    use of force that is not negligible — a light, momentary, guiding touch the patient does
    not resist). Only a use that could be negligible *and* is positively described as such
    (both answers given: not resisted, light/momentary/guiding) escapes the duty.
    """
    if is_never_negligible(intervention_type, resisted=resisted):
        return True
    return light_momentary_guiding_touch is not True


# ---------------------------------------------------------------------------------- prone


class ProneBand(StrEnum):
    """Prone restraint is reported split at the threshold (domain.md §3, 10 minutes)."""

    UP_TO_THRESHOLD = "up_to_threshold"
    OVER_THRESHOLD = "over_threshold"


def prone_exceeds_threshold(duration: timedelta, policy: ClinicalPolicy = DEFAULT_POLICY) -> bool:
    """True when a prone restraint lasted *more than* the threshold (domain.md §3 "Other
    restraint rules": reported split at 10 minutes). Exactly 10:00 is not over; 10:01 is.
    """
    return duration > policy.restraint.prone_report_threshold


def prone_band(duration: timedelta, policy: ClinicalPolicy = DEFAULT_POLICY) -> ProneBand:
    """The reporting band of a prone restraint of ``duration`` (domain.md §3)."""
    if prone_exceeds_threshold(duration, policy):
        return ProneBand.OVER_THRESHOLD
    return ProneBand.UP_TO_THRESHOLD


def prone_uses(incident: UseOfForceIncident) -> tuple[ForceUse, ...]:
    """The incident's prone (face-down) uses of force, type 01 (domain.md §3)."""
    return tuple(use for use in incident.force_uses if use.intervention_type.is_prone)


def prone_duration(incident: UseOfForceIncident) -> timedelta | None:
    """Total time the patient was held prone in this incident (domain.md §3); ``None`` when
    there was no prone restraint or a prone use has no end recorded yet.
    """
    durations = [use.duration for use in prone_uses(incident)]
    if not durations or any(d is None for d in durations):
        return None
    return sum((d for d in durations if d is not None), timedelta())


def prone_uses_over_threshold(
    incident: UseOfForceIncident, policy: ClinicalPolicy = DEFAULT_POLICY
) -> tuple[ForceUse, ...]:
    """Prone uses that lasted more than the threshold (domain.md §3), for flags and reports."""
    return tuple(
        use
        for use in prone_uses(incident)
        if use.duration is not None and prone_exceeds_threshold(use.duration, policy)
    )


# --------------------------------------------------------------------------------- manual


def manual_restraint_spans(incident: UseOfForceIncident) -> list[tuple[datetime, datetime]]:
    """Periods of continuous manual (physical) restraint: physical uses that overlap or
    follow on without a gap (standing → prone → supine is one restraint) are merged.
    Uses with no end recorded are left out. Sorted by start.
    """
    intervals = sorted(
        (use.started_at, use.ended_at)
        for use in incident.force_uses
        if use.intervention_type.category is ForceCategory.PHYSICAL and use.ended_at is not None
    )
    merged: list[tuple[datetime, datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def long_manual_restraint_spans(
    incident: UseOfForceIncident, policy: ClinicalPolicy = DEFAULT_POLICY
) -> list[tuple[datetime, datetime]]:
    """Continuous manual restraint lasting more than the flag threshold (domain.md §3: manual
    restraint should rarely exceed ~10 minutes). A flag for review, not a validation error.
    """
    limit = policy.restraint.manual_restraint_flag_after
    return [(s, e) for s, e in manual_restraint_spans(incident) if e - s > limit]


# ----------------------------------------------------------------------------- mechanical

#: Roles counted as "a senior clinician" who may authorise mechanical restraint (domain.md §3:
#: "authorised and reviewed by a senior clinician") *(verify: trusts define this locally)*.
SENIOR_CLINICIAN_ROLES: frozenset[ClinicalRole] = frozenset(
    {
        ClinicalRole.NURSE_IN_CHARGE,
        ClinicalRole.WARD_MANAGER,
        ClinicalRole.DOCTOR,
        ClinicalRole.PSYCHIATRIST,
        ClinicalRole.RESPONSIBLE_CLINICIAN,
        ClinicalRole.APPROVED_CLINICIAN,
    }
)


def is_senior_clinician(role: ClinicalRole) -> bool:
    """May authorise mechanical restraint (domain.md §3, see :data:`SENIOR_CLINICIAN_ROLES`)."""
    return role in SENIOR_CLINICIAN_ROLES


def mechanical_restraint_properly_authorised(use: ForceUse) -> bool:
    """True unless ``use`` is mechanical restraint without a senior clinician's authorisation
    (domain.md §3 "Mechanical restraint is exceptional; authorised … by a senior clinician").
    """
    if use.intervention_type is not InterventionType.MECHANICAL:
        return True
    return use.authorised_by is not None and is_senior_clinician(use.authorised_by.role)


# ------------------------------------------------------------------ rapid tranquillisation


def rt_monitoring_interval(
    rt: RapidTranquillisation, policy: ClinicalPolicy = DEFAULT_POLICY
) -> timedelta:
    """How often pulse, blood pressure, respiratory rate, temperature, hydration and
    consciousness must be checked after rapid tranquillisation (domain.md §3): at least hourly,
    every 15 minutes when any :class:`~app.models.incident_parts.RtRiskFactor` applies.
    """
    if rt.risk_factors:
        return policy.restraint.rt_monitoring_interval_high_risk
    return policy.restraint.rt_monitoring_interval


def rt_monitoring_due_at(
    rt: RapidTranquillisation,
    last_checked_at: datetime | None,
    policy: ClinicalPolicy = DEFAULT_POLICY,
) -> datetime:
    """When the next post-RT physical check is due (domain.md §3): one interval after the last
    check, or after the injection when there has been none. Hour-based, so computed in UTC.
    """
    since = rt.given_at if last_checked_at is None else as_utc(last_checked_at)
    return since + rt_monitoring_interval(rt, policy)
