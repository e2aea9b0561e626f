"""Valid seclusion and long-term segregation records for tests and demo data.

Every person here is fictitious. Each builder takes keyword overrides for any field, so a test
states only what it is about; ``*_data`` builders return the raw dict (for bad-input tests that
go through ``Model.build``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from app.models.codes import InterventionReason
from app.models.refs import ClinicalRole, PersonRef
from app.models.seclusion import (
    SeclusionCarePlan,
    SeclusionDecision,
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)
from app.models.segregation import (
    EngagementKind,
    LtsAction,
    LtsCarePlan,
    LtsDecision,
    LtsEngagementEntry,
    LtsEpisode,
    LtsReview,
    LtsReviewKind,
    Participation,
)

PATIENT_ID = UUID("00000000-0000-4000-8000-00000000a001")
OTHER_PATIENT_ID = UUID("00000000-0000-4000-8000-00000000a002")
WARD_ID = UUID("00000000-0000-4000-8000-00000000b001")

#: A default start well in the past, on a plain day (no clock change nearby).
START = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def person(name: str, job_title: str, role: ClinicalRole) -> PersonRef:
    return PersonRef(name=name, job_title=job_title, role=role)


NURSE = person("Robin Ashdown", "Staff nurse", ClinicalRole.REGISTERED_NURSE)
NURSE_IN_CHARGE = person("Sam Fairweather", "Nurse in charge", ClinicalRole.NURSE_IN_CHARGE)
SUPPORT_WORKER = person(
    "Jo Penhallow", "Healthcare support worker", ClinicalRole.HEALTHCARE_SUPPORT_WORKER
)
DOCTOR = person("Dr Kit Marlowe-Evans", "Specialty doctor", ClinicalRole.DOCTOR)
PSYCHIATRIST = person("Dr Ari Quennell", "Consultant psychiatrist", ClinicalRole.PSYCHIATRIST)
RESPONSIBLE_CLINICIAN = person(
    "Dr Lee Tarrant", "Responsible clinician", ClinicalRole.RESPONSIBLE_CLINICIAN
)
APPROVED_CLINICIAN = person(
    "Dr Nic Oakridge", "Approved clinician", ClinicalRole.APPROVED_CLINICIAN
)
PSYCHOLOGIST = person("Dr Mo Fenwick", "Clinical psychologist", ClinicalRole.PSYCHOLOGIST)
COMMISSIONER = person("Pat Holloway", "Case manager, NHS commissioning", ClinicalRole.COMMISSIONER)
IMHA = person("Val Greenhalgh", "IMHA", ClinicalRole.IMHA)
EXTERNAL_CLINICIAN = person(
    "Dr Jan Whitcombe", "Consultant psychiatrist (other hospital)", ClinicalRole.PSYCHIATRIST
)

#: Attendees that satisfy each seclusion review kind's minimum.
SECLUSION_ATTENDEES: dict[SeclusionReviewKind, tuple[PersonRef, ...]] = {
    SeclusionReviewKind.NURSING: (NURSE, SUPPORT_WORKER),
    SeclusionReviewKind.MEDICAL: (DOCTOR,),
    SeclusionReviewKind.INTERNAL_MDT: (RESPONSIBLE_CLINICIAN, NURSE_IN_CHARGE, PSYCHOLOGIST),
    SeclusionReviewKind.INDEPENDENT_MDT: (PSYCHIATRIST, NURSE, PSYCHOLOGIST),
}

#: Attendees that satisfy each LTS review kind's minimum.
LTS_ATTENDEES: dict[LtsReviewKind, tuple[PersonRef, ...]] = {
    LtsReviewKind.APPROVED_CLINICIAN: (APPROVED_CLINICIAN,),
    LtsReviewKind.MDT: (RESPONSIBLE_CLINICIAN, NURSE_IN_CHARGE, PSYCHOLOGIST),
    LtsReviewKind.EXTERNAL: (EXTERNAL_CLINICIAN, RESPONSIBLE_CLINICIAN),
    LtsReviewKind.ICETR: (RESPONSIBLE_CLINICIAN, NURSE),
}


def _dump(value: Any) -> Any:
    return value.model_dump() if hasattr(value, "model_dump") else value


def seclusion_care_plan() -> SeclusionCarePlan:
    return SeclusionCarePlan(
        food="Finger food offered at meal times through the hatch",
        fluids="Water and squash offered at every observation",
        toilet="En-suite toilet in the seclusion suite",
        hygiene="Shower offered each morning with two staff",
        clothing="Own clothes; tear-proof clothing if risk of ligature",
        bedding="Tear-proof mattress and blanket",
        medication="As prescribed; PRN reviewed by the duty doctor",
        physical_health="Physical observations four-hourly if awake",
        steps_to_end_seclusion="Calm for one hour and able to talk with staff about the plan",
    )


def seclusion_episode_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "started_at": START,
        "authorised_by": NURSE_IN_CHARGE,
        "place": "Seclusion suite, Willow ward",
        "reason": InterventionReason.PREVENT_VIOLENCE_TO_OTHERS,
        "reason_narrative": "Punched a fellow patient and continued to threaten others",
        "care_plan": seclusion_care_plan(),
    }
    data.update(overrides)
    return {key: _dump(value) for key, value in data.items()}


def seclusion_episode(**overrides: Any) -> SeclusionEpisode:
    return SeclusionEpisode.model_validate(seclusion_episode_data(**overrides))


def ended_seclusion_episode(
    started_at: datetime, hours: float, /, **overrides: Any
) -> SeclusionEpisode:
    return seclusion_episode(
        started_at=started_at,
        ended_at=started_at + timedelta(hours=hours),
        ended_by=DOCTOR,
        **overrides,
    )


def seclusion_observation_data(
    episode: SeclusionEpisode, observed_at: datetime, /, **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
        "observed_at": observed_at,
        "observer": SUPPORT_WORKER,
        "behaviour": "Pacing, shouting at the door",
        "mental_state": "Agitated, responding to voices",
        "physical_state": "No injuries seen",
        "breathing": "Regular, unlaboured",
        "fluid_offered": True,
    }
    data.update(overrides)
    return {key: _dump(value) for key, value in data.items()}


def seclusion_observation(
    episode: SeclusionEpisode, observed_at: datetime, /, **overrides: Any
) -> SeclusionObservation:
    return SeclusionObservation.model_validate(
        seclusion_observation_data(episode, observed_at, **overrides)
    )


def seclusion_review_data(
    episode: SeclusionEpisode, kind: SeclusionReviewKind, held_at: datetime, /, **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
        "kind": kind,
        "held_at": held_at,
        "attendees": [_dump(p) for p in SECLUSION_ATTENDEES[kind]],
        "decision": SeclusionDecision.CONTINUE,
        "notes": "Remains too unsettled to end seclusion safely",
    }
    data.update(overrides)
    return {key: _dump(value) for key, value in data.items()}


def seclusion_review(
    episode: SeclusionEpisode, kind: SeclusionReviewKind, held_at: datetime, /, **overrides: Any
) -> SeclusionReview:
    return SeclusionReview.model_validate(
        seclusion_review_data(episode, kind, held_at, **overrides)
    )


def lts_care_plan(**overrides: Any) -> LtsCarePlan:
    data: dict[str, Any] = {
        "why_needed": "Sustained risk of serious assault on peers despite less restrictive plans",
        "own_area": "Two-room suite with lounge off the main corridor",
        "fresh_air": "Own courtyard, open 08:00–20:00",
        "bathroom": "En-suite shower room",
        "meaningful_contact": "Two named staff each shift; video call with mother twice weekly",
        "activity": "OT-led cooking weekly; gym with PE instructor three times a week",
        "physical_health_monitoring": "Weekly physical health check; bloods monthly",
        "risk_management": "PBS plan; early warning signs shared at each handover",
        "steps_to_end": "Seven days without assault; 30 minutes twice daily in the main lounge",
    }
    data.update(overrides)
    return LtsCarePlan.model_validate(data)


def lts_episode_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "started_at": START,
        "authorised_by": RESPONSIBLE_CLINICIAN,
        "decision_attendees": [
            _dump(p) for p in (RESPONSIBLE_CLINICIAN, NURSE_IN_CHARGE, PSYCHOLOGIST, COMMISSIONER)
        ],
        "imha_told": "yes",
        "imha_told_at": START + timedelta(hours=2),
        "care_plan": lts_care_plan(),
    }
    data.update(overrides)
    return {key: _dump(value) for key, value in data.items()}


def lts_episode(**overrides: Any) -> LtsEpisode:
    return LtsEpisode.model_validate(lts_episode_data(**overrides))


def lts_review_data(
    episode: LtsEpisode, kind: LtsReviewKind, held_at: datetime, /, **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
        "kind": kind,
        "held_at": held_at,
        "attendees": [_dump(p) for p in LTS_ATTENDEES[kind]],
        "patient_present": True,
        "patient_views": "Wants more time in the garden",
        "imha": Participation.ATTENDED,
        "family": Participation.INVITED_DID_NOT_ATTEND,
        "commissioner": Participation.NOT_INVITED,
        "decision": LtsDecision.CONTINUE,
        "rationale": "Two assaults on staff since the last review; risk unchanged",
        "actions": [
            LtsAction(
                action="Trial 15 minutes in the main lounge",
                owner="Nurse in charge",
                due_on=(held_at + timedelta(days=3)).date(),
            ).model_dump()
        ],
    }
    if kind is LtsReviewKind.EXTERNAL:
        data["external_clinician"] = EXTERNAL_CLINICIAN
        data["external_hospital"] = "Elmhurst Hospital"
    data.update(overrides)
    return {key: _dump(value) for key, value in data.items()}


def lts_review(
    episode: LtsEpisode, kind: LtsReviewKind, held_at: datetime, /, **overrides: Any
) -> LtsReview:
    return LtsReview.model_validate(lts_review_data(episode, kind, held_at, **overrides))


def lts_engagement_data(
    episode: LtsEpisode, started_at: datetime, /, **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
        "started_at": started_at,
        "duration": timedelta(minutes=45),
        "kind": EngagementKind.ACTIVITY,
        "notes": "Played pool with two staff",
    }
    data.update(overrides)
    return {key: _dump(value) for key, value in data.items()}


def lts_engagement(
    episode: LtsEpisode, started_at: datetime, /, **overrides: Any
) -> LtsEngagementEntry:
    return LtsEngagementEntry.model_validate(lts_engagement_data(episode, started_at, **overrides))
