"""Valid records of the restrictions beyond force and of the way out of LTS, for tests.

Every person here is fictitious. Each builder takes keyword overrides for any field, so a test
states only what it is about; ``*_data`` builders return the raw dict (for bad-input tests
that go through ``Model.build``). Ward, patient and people match
:mod:`tests.models.isolation_builders`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from app.models.blanket_restrictions import BlanketRestriction, BlanketRestrictionCategory
from app.models.enhanced_observation import (
    EnhancedObservation,
    EnhancedObservationReview,
    ObservationLevel,
    ObservationReviewDecision,
)
from app.models.individual_restrictions import IndividualRestriction, IndividualRestrictionKind
from app.models.lts_exit import (
    IcetrRecommendation,
    LtsExitStep,
    SeniorIntervenorAction,
    StepAchievement,
)
from app.models.psychological_cultural_restraint import (
    CulturalRestraint,
    CulturalRestraintForm,
    PsychologicalRestraint,
    PsychologicalRestraintForm,
)
from app.models.refs import ClinicalRole
from app.models.segregation import LtsEpisode, LtsReview
from tests.models.isolation_builders import (
    NURSE,
    NURSE_IN_CHARGE,
    PATIENT_ID,
    PSYCHOLOGIST,
    RESPONSIBLE_CLINICIAN,
    START,
    WARD_ID,
    person,
)

WARD_MANAGER = person("Alex Brightwater", "Ward manager", ClinicalRole.WARD_MANAGER)
SENIOR_INTERVENOR = person("Chris Allonby", "Senior intervenor", ClinicalRole.OTHER)


def _dump(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_dump(item) for item in value]
    return value.model_dump() if hasattr(value, "model_dump") else value


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {key: _dump(value) for key, value in data.items()}


# ------------------------------------------------------------------------------ restrictions


def blanket_restriction_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ward_id": WARD_ID,
        "title": "Kitchen locked 23:00–07:00",
        "category": BlanketRestrictionCategory.ACCESS_TO_AREAS,
        "reason": "Two fires from unattended toasters at night in March",
        "approved_by": WARD_MANAGER,
        "approved_on": date(2024, 4, 30),
        "started_at": START,
        "involvement": "Discussed at the community meeting; carers' forum told in May",
    }
    data.update(overrides)
    return _clean(data)


def blanket_restriction(**overrides: Any) -> BlanketRestriction:
    return BlanketRestriction.model_validate(blanket_restriction_data(**overrides))


def exemption(patient_id: Any = PATIENT_ID, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient_id": patient_id,
        "assessed_on": date(2024, 5, 10),
        "reason": "Cooks safely; on a self-catering rehabilitation plan",
    }
    return data | overrides


def individual_restriction_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "kind": IndividualRestrictionKind.PHONE,
        "what": "Mobile phone kept in the office; ward phone available",
        "why": "Phone used to arrange drugs being brought onto the ward",
        "decided_by": RESPONSIBLE_CLINICIAN,
        "started_at": START,
    }
    data.update(overrides)
    return _clean(data)


def individual_restriction(**overrides: Any) -> IndividualRestriction:
    return IndividualRestriction.model_validate(individual_restriction_data(**overrides))


def enhanced_observation_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "level": ObservationLevel.WITHIN_ARMS_LENGTH,
        "started_at": START,
        "decided_by": NURSE_IN_CHARGE,
        "reason": "Ligature attempt in the bathroom this afternoon",
    }
    data.update(overrides)
    return _clean(data)


def enhanced_observation(**overrides: Any) -> EnhancedObservation:
    return EnhancedObservation.model_validate(enhanced_observation_data(**overrides))


def observation_review(
    observation: EnhancedObservation, reviewed_at: datetime, /, **overrides: Any
) -> EnhancedObservationReview:
    data: dict[str, Any] = {
        "observation_id": observation.id,
        "patient_id": observation.patient_id,
        "ward_id": observation.ward_id,
        "reviewed_at": reviewed_at,
        "reviewed_by": RESPONSIBLE_CLINICIAN,
        "decision": ObservationReviewDecision.CONTINUE,
        "notes": "Still voicing intent; continue within arm's length",
    }
    data.update(overrides)
    return EnhancedObservationReview.model_validate(_clean(data))


def psychological_restraint_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "occurred_at": START,
        "form": PsychologicalRestraintForm.THREAT,
        "what_happened": "Told leave would be cancelled unless medication was taken",
        "by_whom": [NURSE],
    }
    data.update(overrides)
    return _clean(data)


def psychological_restraint(**overrides: Any) -> PsychologicalRestraint:
    return PsychologicalRestraint.model_validate(psychological_restraint_data(**overrides))


def cultural_restraint_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "occurred_at": START,
        "form": CulturalRestraintForm.DIET,
        "what_happened": "No halal meal on the menu for three days; offered vegetarian only",
    }
    data.update(overrides)
    return _clean(data)


def cultural_restraint(**overrides: Any) -> CulturalRestraint:
    return CulturalRestraint.model_validate(cultural_restraint_data(**overrides))


# ----------------------------------------------------------------------------- out of LTS


def exit_step_data(episode: LtsEpisode, /, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
        "step": "30 minutes in the main lounge with two staff, twice a day, for a week",
        "owner": NURSE_IN_CHARGE,
        "target_on": date(2024, 6, 1),
    }
    data.update(overrides)
    return _clean(data)


def exit_step(episode: LtsEpisode, /, **overrides: Any) -> LtsExitStep:
    return LtsExitStep.model_validate(exit_step_data(episode, **overrides))


def achieved_step(
    episode: LtsEpisode,
    on: date,
    /,
    achieved: StepAchievement = StepAchievement.ACHIEVED,
    **overrides: Any,
) -> LtsExitStep:
    return exit_step(
        episode,
        achieved=achieved,
        achieved_on=on,
        evidence="Seven days of lounge time with no incident (daily notes)",
        **overrides,
    )


def icetr_recommendation_data(
    episode: LtsEpisode, icetr: LtsReview, /, **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
        "icetr_review_id": icetr.id,
        "recommendation": "Sensory assessment by an OT within four weeks",
        "owner": PSYCHOLOGIST,
        "agreed_on": icetr.held_at.date(),
        "due_on": icetr.held_at.date() + timedelta(weeks=4),
    }
    data.update(overrides)
    return _clean(data)


def icetr_recommendation(
    episode: LtsEpisode, icetr: LtsReview, /, **overrides: Any
) -> IcetrRecommendation:
    return IcetrRecommendation.model_validate(
        icetr_recommendation_data(episode, icetr, **overrides)
    )


def senior_intervenor_action_data(episode: LtsEpisode, /, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
        "action": "Commissioner to confirm funding for a community placement search",
        "owner": SENIOR_INTERVENOR,
        "agreed_on": date(2024, 5, 20),
        "due_on": date(2024, 6, 20),
    }
    data.update(overrides)
    return _clean(data)


def senior_intervenor_action(episode: LtsEpisode, /, **overrides: Any) -> SeniorIntervenorAction:
    return SeniorIntervenorAction.model_validate(
        senior_intervenor_action_data(episode, **overrides)
    )
