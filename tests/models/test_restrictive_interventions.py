"""Restrictive interventions on one patient beyond force: enhanced observation and its review
clock, individual restrictions, psychological and cultural restraint (issue 10, item 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from app.models.base import Record
from app.models.clock import format_local, utc_now
from app.models.enhanced_observation import (
    EnhancedObservation,
    EnhancedObservationReview,
    ObservationLevel,
    ObservationReviewDecision,
    enhanced_observation_clock,
    enhanced_observation_lapses,
)
from app.models.individual_restrictions import IndividualRestriction, IndividualRestrictionKind
from app.models.policy import RestrictionPolicy
from app.models.psychological_cultural_restraint import (
    CulturalRestraint,
    CulturalRestraintForm,
    PsychologicalRestraint,
    PsychologicalRestraintForm,
)
from app.models.restriction_words import WORDS_BY_KIND
from app.models.review_clocks import ClockKind, ClockState, ReviewLapse
from tests.models.isolation_asserts import assert_round_trips
from tests.models.isolation_builders import NURSE, PATIENT_ID, START, WARD_ID
from tests.models.refusals import assert_refused
from tests.models.restriction_builders import (
    cultural_restraint,
    cultural_restraint_data,
    enhanced_observation,
    enhanced_observation_data,
    individual_restriction,
    individual_restriction_data,
    observation_review,
    psychological_restraint,
    psychological_restraint_data,
)

SECRET = "Zebedee-Quartz-7731"
SECOND = timedelta(seconds=1)
H = timedelta(hours=1)
INCIDENT_ID = uuid4()


def _future() -> datetime:
    return utc_now() + timedelta(days=2)


# ---------------------------------------------------------------------- every kind alike

KINDS: list[Any] = [
    pytest.param(enhanced_observation, id="enhanced_observation"),
    pytest.param(individual_restriction, id="individual_restriction"),
    pytest.param(psychological_restraint, id="psychological_restraint"),
    pytest.param(cultural_restraint, id="cultural_restraint"),
]


@pytest.mark.parametrize("make", KINDS)
def test_each_kind_links_an_incident_and_has_words(make: Any) -> None:
    unlinked: Record = make()
    linked: Record = make(incident_id=INCIDENT_ID)
    assert unlinked.summary().parent_id is None
    summary = linked.summary()
    assert (summary.parent_id, summary.patient_id, summary.ward_id) == (
        INCIDENT_ID,
        PATIENT_ID,
        WARD_ID,
    )
    assert summary.starts_at == START
    words = WORDS_BY_KIND[linked.KIND]
    assert words.title
    assert words.definition
    assert words.example
    assert_round_trips(linked)


@pytest.mark.parametrize(
    ("enum", "count"),
    [
        (ObservationLevel, 4),
        (IndividualRestrictionKind, 6),
        (PsychologicalRestraintForm, 4),
        (CulturalRestraintForm, 6),
        (ObservationReviewDecision, 3),
    ],
)
def test_every_code_has_plain_words(enum: Any, count: int) -> None:
    assert len(enum) == count
    assert all(member.label for member in enum)


# ------------------------------------------------------------------- enhanced observation


def test_general_observation_is_not_enhanced() -> None:
    assert not ObservationLevel.GENERAL.is_enhanced
    assert all(level.is_enhanced for level in ObservationLevel if level.value != "general")


def test_an_ended_observation() -> None:
    end = START + 30 * H
    observation = enhanced_observation(ended_at=end, ended_by=NURSE)
    assert observation.summary().status == "ended"
    assert observation.summary().ends_at == end
    assert observation.end_as_of(end + H) == end
    assert observation.end_as_of(end - H) == end - H


BAD_OBSERVATIONS = [
    ({"level": "general"}, "level", "general observation is not enhanced"),
    ({"level": SECRET}, "level", "is not one of the allowed codes"),
    ({"reason": ""}, "reason", "must not be empty"),
    (
        {"decided_by": {"job_title": "Nurse", "role": "nurse_in_charge"}},
        "decided_by.name",
        "is required",
    ),
    ({"ended_at": START + H}, "ended_by", "is required once it ends"),
    ({"ended_by": NURSE}, "ended_at", "is required when who ended"),
    ({"ended_at": START - H, "ended_by": NURSE}, "ended_at", "must not be before"),
    ({"started_at": _future()}, "started_at", "must not be in the future"),
    ({"incident_id": SECRET}, "incident_id", "is not a valid identifier"),
]


@pytest.mark.parametrize(("overrides", "field", "rule"), BAD_OBSERVATIONS)
def test_bad_observations_are_refused(overrides: dict[str, Any], field: str, rule: str) -> None:
    assert_refused(EnhancedObservation, enhanced_observation_data(**overrides), field, rule, SECRET)


@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE), (timedelta(0), ClockState.DUE), (SECOND, ClockState.OVERDUE)],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_observation_review_due_from_the_start_then_from_the_last(
    offset: timedelta, state: ClockState
) -> None:
    observation = enhanced_observation()
    first = enhanced_observation_clock(observation, [], START + 24 * H + offset)
    assert first.kind is ClockKind.ENHANCED_OBSERVATION_REVIEW
    assert first.next_due == START + 24 * H
    assert first.state is state
    assert "every 24 hours" in first.basis
    reviews = [observation_review(observation, START + 20 * H)]
    then = enhanced_observation_clock(observation, reviews, START + 44 * H + offset)
    assert then.last_done == START + 20 * H
    assert then.next_due == START + 44 * H
    assert then.state is state


def test_reviews_of_another_observation_or_before_the_start_do_not_count() -> None:
    observation = enhanced_observation()
    other = enhanced_observation()
    reviews = [
        observation_review(other, START + 2 * H),
        observation_review(observation, START - H),
    ]
    clock = enhanced_observation_clock(observation, reviews, START + 3 * H)
    assert clock.last_done is None
    assert clock.next_due == START + 24 * H


def test_an_ended_observation_stops_its_clock_and_its_lapses() -> None:
    end = START + 50 * H
    observation = enhanced_observation(ended_at=end, ended_by=NURSE)
    reviews = [observation_review(observation, START + 30 * H)]  # 6 hours late
    clock = enhanced_observation_clock(observation, reviews, end + 100 * H)
    assert clock.state is ClockState.STOPPED
    assert clock.last_done == START + 30 * H
    lapses = enhanced_observation_lapses(observation, reviews, end + 100 * H)
    kind = ClockKind.ENHANCED_OBSERVATION_REVIEW
    assert lapses == (ReviewLapse(kind=kind, due_at=START + 24 * H, done_at=START + 30 * H),)


def test_a_missed_observation_review_is_a_lapse() -> None:
    observation = enhanced_observation()
    lapses = enhanced_observation_lapses(observation, [], START + 30 * H)
    assert [lapse.missed for lapse in lapses] == [True]


def test_the_policy_sets_the_observation_review_interval() -> None:
    policy = RestrictionPolicy(enhanced_observation_review_interval=timedelta(hours=12))
    clock = enhanced_observation_clock(enhanced_observation(), [], START, policy)
    assert clock.next_due == START + 12 * H
    assert "every 12 hours" in clock.basis


@pytest.mark.parametrize(
    ("start", "due", "shown"),
    [
        pytest.param(
            datetime(2024, 3, 30, 12, tzinfo=UTC),  # Sat 12:00 GMT
            datetime(2024, 3, 31, 12, tzinfo=UTC),
            "Sun 31 Mar 2024 13:00 BST",
            id="march_spring_forward",
        ),
        pytest.param(
            datetime(2024, 10, 26, 11, tzinfo=UTC),  # Sat 12:00 BST
            datetime(2024, 10, 27, 11, tzinfo=UTC),
            "Sun 27 Oct 2024 11:00 GMT",
            id="october_fall_back",
        ),
    ],
)
def test_observation_reviews_count_elapsed_hours_across_a_clock_change(
    start: datetime, due: datetime, shown: str
) -> None:
    # 24 hours of watching is 24 hours, so the wall-clock reading moves with the change
    # (as the seclusion and approved-clinician clocks do).
    clock = enhanced_observation_clock(enhanced_observation(started_at=start), [], start)
    assert clock.next_due == due
    assert format_local(due) == shown


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"decision": "pause"}, "decision", "is not one of the allowed codes"),
        ({"reviewed_at": _future()}, "reviewed_at", "must not be in the future"),
        (
            {"reviewed_by": {"name": SECRET, "role": "doctor"}},
            "reviewed_by.job_title",
            "is required",
        ),
        ({"observation_id": SECRET}, "observation_id", "is not a valid identifier"),
    ],
)
def test_bad_observation_reviews_are_refused(
    overrides: dict[str, Any], field: str, rule: str
) -> None:
    data = observation_review(enhanced_observation(), START + H).model_dump() | overrides
    assert_refused(EnhancedObservationReview, data, field, rule, SECRET)


# ------------------------------------------------------------------ individual restriction


def test_an_individual_restriction_ends_with_a_reason() -> None:
    end = START + 48 * H
    ended = individual_restriction(
        ended_at=end, ended_by=NURSE, end_reason="Phone returned after the 48 hours agreed"
    )
    assert ended.summary().status == "ended"
    assert not ended.is_active_at(end)
    assert ended.kind.label == "Phone"


BAD_INDIVIDUAL = [
    ({"ended_at": START + H, "ended_by": NURSE}, "end_reason", "is required when a restriction"),
    ({"kind": "bedtime"}, "kind", "is not one of the allowed codes"),
    ({"what": " "}, "what", "must not be empty"),
    ({"why": ""}, "why", "must not be empty"),
    ({"patient_id": None}, "patient_id", "is not a valid identifier"),
    ({"review_on": "2024-04-01"}, "review_on", "must not be before the day it started"),
    ({"review_on": SECRET}, "review_on", "is not a date"),
]


@pytest.mark.parametrize(("overrides", "field", "rule"), BAD_INDIVIDUAL)
def test_bad_individual_restrictions_are_refused(
    overrides: dict[str, Any], field: str, rule: str
) -> None:
    data = individual_restriction_data(**overrides)
    assert_refused(IndividualRestriction, data, field, rule, SECRET)


# ------------------------------------------------------------ psychological and cultural


def test_cultural_restraint_may_be_no_one_person_s_act() -> None:
    assert cultural_restraint().by_whom == ()
    assert cultural_restraint(by_whom=[NURSE]).by_whom == (NURSE,)


PSYCHOLOGICAL = (PsychologicalRestraint, psychological_restraint_data)
CULTURAL = (CulturalRestraint, cultural_restraint_data)
BAD_RESTRAINT = [
    (PSYCHOLOGICAL, {"by_whom": []}, "by_whom", "needs at least one entry"),
    (PSYCHOLOGICAL, {"form": SECRET}, "form", "is not one of the allowed codes"),
    (PSYCHOLOGICAL, {"what_happened": ""}, "what_happened", "must not be empty"),
    (PSYCHOLOGICAL, {"occurred_at": _future()}, "occurred_at", "must not be in the future"),
    (CULTURAL, {"form": "hair"}, "form", "is not one of the allowed codes"),
    (CULTURAL, {"what_happened": " "}, "what_happened", "must not be empty"),
    (CULTURAL, {"occurred_at": "2024-05-01T10:00"}, "occurred_at", "must include a time zone"),
]


@pytest.mark.parametrize(("kind", "overrides", "field", "rule"), BAD_RESTRAINT)
def test_bad_restraint_records_are_refused(
    kind: tuple[Any, Any], overrides: dict[str, Any], field: str, rule: str
) -> None:
    model, data = kind
    assert_refused(model, data(**overrides), field, rule, SECRET)
