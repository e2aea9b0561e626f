"""A long-term segregation episode of any length, built from single records, for the review
document's tests and benchmark (issue 8 "Benchmarks": an LTS review covering 180 days with
180 approved-clinician reviews, 26 MDT reviews, 2 external reviews and 40 incidents).

Everything is fictitious; every instant is well in the past. Reviews keep to the default
clock (each a little early), so no clock is overdue at the end unless ``ac_reviews`` is fewer
than ``days``: then the approved-clinician reviews stop early and that clock is overdue.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.models.base import Answer
from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import (
    DoseUnit,
    ForceUse,
    RapidTranquillisation,
    RtRoute,
)
from app.models.segregation import (
    EngagementKind,
    LtsAction,
    LtsDecision,
    LtsEngagementEntry,
    LtsEpisode,
    LtsReview,
    LtsReviewKind,
    Participation,
)
from app.reports.segregation_review import LtsReviewInputs, ReviewPeriod
from tests.models import builders
from tests.models.isolation_builders import (
    APPROVED_CLINICIAN,
    COMMISSIONER,
    EXTERNAL_CLINICIAN,
    IMHA,
    NURSE,
    NURSE_IN_CHARGE,
    PSYCHOLOGIST,
    RESPONSIBLE_CLINICIAN,
    lts_care_plan,
)

#: The end of the fixture's period: a plain day well in the past.
END = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
WARD_NAME = "Rowan Ward"
MDT_DECISION = "Risk to others still high; continue, and start the lounge trial."
EXTERNAL_HOSPITAL = "Larchfield Hospital"
ACTION = "Review the positive behaviour support plan"
VIEWS = "Wants to go to the gym more often."


def _ac_review(episode: LtsEpisode, at: datetime) -> LtsReview:
    return LtsReview(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        ward_id=episode.ward_id,
        kind=LtsReviewKind.APPROVED_CLINICIAN,
        held_at=at,
        attendees=(APPROVED_CLINICIAN, NURSE),
        patient_present=True,
        patient_views=VIEWS,
        decision=LtsDecision.CONTINUE,
        rationale="Still hitting out when others come close; continue.",
    )


def _meeting(episode: LtsEpisode, at: datetime, kind: LtsReviewKind) -> LtsReview:
    external = kind is LtsReviewKind.EXTERNAL
    return LtsReview(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        ward_id=episode.ward_id,
        kind=kind,
        held_at=at,
        attendees=(
            *((EXTERNAL_CLINICIAN,) if external else ()),
            RESPONSIBLE_CLINICIAN,
            NURSE_IN_CHARGE,
            PSYCHOLOGIST,
            IMHA,
            COMMISSIONER,
        ),
        patient_present=False,
        imha=Participation.ATTENDED,
        family=Participation.INVITED_DID_NOT_ATTEND,
        commissioner=Participation.ATTENDED,
        external_clinician=EXTERNAL_CLINICIAN if external else None,
        external_hospital=EXTERNAL_HOSPITAL if external else None,
        decision=LtsDecision.CONTINUE,
        rationale=MDT_DECISION,
        actions=(
            LtsAction(action=ACTION, owner="Psychologist", due_on=(at + timedelta(days=7)).date()),
        ),
    )


def _incident(at: datetime, with_rt: bool) -> UseOfForceIncident:
    uses = [
        ForceUse(
            intervention_type=InterventionType.PHYSICAL_STANDING,
            started_at=at,
            ended_at=at + timedelta(minutes=4),
            in_care_plan=True,
            patient_injured=False,
            staff_injured=False,
            other_person_injured=False,
        )
    ]
    if with_rt:
        uses.append(
            ForceUse(
                intervention_type=InterventionType.CHEMICAL_INJECTION_RT,
                started_at=at + timedelta(minutes=5),
                ended_at=at + timedelta(minutes=6),
                in_care_plan=False,
                patient_injured=False,
                staff_injured=False,
                other_person_injured=False,
                rapid_tranquillisation=RapidTranquillisation(
                    drug="Lorazepam",
                    dose_amount=Decimal(2),
                    dose_unit=DoseUnit.MG,
                    route=RtRoute.INTRAMUSCULAR,
                    site="Left upper outer gluteal",
                    given_at=at + timedelta(minutes=5),
                    oral_offered_first=Answer.YES,
                ),
            )
        )
    return builders.incident(
        started_at=at,
        ended_at=at + timedelta(minutes=10),
        force_uses=tuple(uses),
        reason=InterventionReason.PREVENT_VIOLENCE_TO_OTHERS,
        location="Segregation suite",
    )


def long_lts_inputs(
    *,
    days: int = 180,
    ac_reviews: int = 180,
    mdt_reviews: int = 26,
    external_reviews: int = 2,
    incidents: int = 40,
    end: datetime = END,
) -> LtsReviewInputs:
    """An LTS episode that started ``days`` days before ``end``, with the reviews and
    incidents asked for spread over it, and one engagement entry a day; the period is the
    whole episode. With the defaults: the benchmark's 180-day review."""
    start = end - timedelta(days=days)
    patient = builders.patient()
    episode = LtsEpisode(
        patient_id=patient.id,
        ward_id=patient.ward_id,
        started_at=start,
        authorised_by=RESPONSIBLE_CLINICIAN,
        decision_attendees=(RESPONSIBLE_CLINICIAN, NURSE_IN_CHARGE, PSYCHOLOGIST, COMMISSIONER),
        imha_told=Answer.YES,
        imha_told_at=start + timedelta(hours=2),
        care_plan=lts_care_plan(),
    )
    reviews = [
        _ac_review(episode, start + timedelta(days=i, hours=-1)) for i in range(1, ac_reviews + 1)
    ]
    # Evenly spread, so none is more than the 7 days the MDT clock allows after the last.
    mdt_every = timedelta(days=days) / max(mdt_reviews, 1)
    reviews += [
        _meeting(episode, start + mdt_every * k - timedelta(hours=3), LtsReviewKind.MDT)
        for k in range(1, mdt_reviews + 1)
    ]
    step = days / (external_reviews + 1)
    reviews += [
        _meeting(episode, start + timedelta(days=step * (k + 1), hours=2), LtsReviewKind.EXTERNAL)
        for k in range(external_reviews)
    ]
    spacing = timedelta(days=days) / (incidents + 1)
    found = [_incident(start + spacing * (k + 1), with_rt=k % 4 == 0) for k in range(incidents)]
    engagement = [
        LtsEngagementEntry(
            episode_id=episode.id,
            patient_id=episode.patient_id,
            ward_id=episode.ward_id,
            started_at=start + timedelta(days=d, hours=3),
            duration=timedelta(minutes=45),
            kind=list(EngagementKind)[d % len(EngagementKind)],
            notes="Cooking with the occupational therapist",
        )
        for d in range(days)
    ]
    return LtsReviewInputs(
        episode=episode,
        patient=patient,
        ward_name=WARD_NAME,
        period=ReviewPeriod(start, end),
        reviews=tuple(reviews),
        engagement=tuple(engagement),
        incidents=tuple(found),
    )
