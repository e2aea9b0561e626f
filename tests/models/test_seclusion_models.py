"""Seclusion episode, observation and review records (domain.md §3 "Seclusion")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.models.base import RECORD_KINDS, Answer
from app.models.clock import utc_now
from app.models.refs import ClinicalRole
from app.models.seclusion import (
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)
from tests.models.isolation_asserts import assert_round_trips
from tests.models.isolation_builders import (
    DOCTOR,
    IMHA,
    NURSE,
    NURSE_IN_CHARGE,
    PATIENT_ID,
    PSYCHIATRIST,
    PSYCHOLOGIST,
    RESPONSIBLE_CLINICIAN,
    START,
    SUPPORT_WORKER,
    WARD_ID,
    ended_seclusion_episode,
    seclusion_episode,
    seclusion_episode_data,
    seclusion_observation,
    seclusion_observation_data,
    seclusion_review,
    seclusion_review_data,
)
from tests.models.refusals import assert_refused

SECRET = "Zebedee-Quartz-7731"  # typed into fields; must never reach a message


def _future() -> Any:
    return utc_now() + timedelta(days=2)


# ----------------------------------------------------------------------------- episode


def test_a_valid_episode_is_active_and_indexed() -> None:
    episode = seclusion_episode()
    summary = episode.summary()
    assert summary.ward_id == WARD_ID
    assert summary.patient_id == PATIENT_ID
    assert summary.status == "active"
    assert summary.starts_at == START
    assert summary.ends_at is None
    assert episode.is_active_at(START)
    assert not episode.is_active_at(START - timedelta(seconds=1))
    assert episode.duration_at(START + timedelta(hours=3)) == timedelta(hours=3)
    assert RECORD_KINDS["seclusion_episode"] is SeclusionEpisode


def test_an_ended_episode_reports_its_period_and_incident() -> None:
    episode = ended_seclusion_episode(START, 5, incident_id=PATIENT_ID)
    summary = episode.summary()
    assert summary.status == "ended"
    assert summary.parent_id == PATIENT_ID
    assert summary.ends_at == START + timedelta(hours=5)
    assert episode.duration_at(START + timedelta(hours=9)) == timedelta(hours=5)
    assert not episode.is_active_at(START + timedelta(hours=5))


def test_an_episode_may_end_the_instant_it_started() -> None:
    episode = seclusion_episode(ended_at=START, ended_by=DOCTOR)
    assert episode.duration_at(START + timedelta(hours=1)) == timedelta(0)


@pytest.mark.parametrize(
    ("role", "psychiatrist"),
    [
        (ClinicalRole.PSYCHIATRIST, True),
        (ClinicalRole.RESPONSIBLE_CLINICIAN, True),
        (ClinicalRole.APPROVED_CLINICIAN, False),
        (ClinicalRole.DOCTOR, False),
        (ClinicalRole.REGISTERED_NURSE, False),
        (ClinicalRole.NURSE_IN_CHARGE, False),
    ],
)
def test_whether_a_psychiatrist_authorised_follows_the_role(
    role: ClinicalRole, psychiatrist: bool
) -> None:
    authoriser = {"name": "Dr Example", "job_title": "Clinician", "role": role}
    episode = seclusion_episode(authorised_by=authoriser)
    assert episode.authorised_by_psychiatrist is psychiatrist


def test_the_care_plan_lists_unwritten_sections() -> None:
    episode = seclusion_episode(care_plan={"food": "Sandwiches", "toilet": "  "})
    unanswered = episode.care_plan.unanswered_sections()
    assert "food" not in unanswered
    assert "toilet" in unanswered
    assert "steps_to_end_seclusion" in unanswered
    assert seclusion_episode().care_plan.unanswered_sections() == ()


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "typed"),
    [
        ({"started_at": _future()}, "started_at", "must not be in the future", None),
        ({"started_at": "2024-05-01T10:00:00"}, "started_at", "must include a time zone", None),
        ({"started_at": SECRET}, "started_at", "is not a date and time", SECRET),
        (
            {"ended_at": START - timedelta(minutes=1), "ended_by": DOCTOR},
            "ended_at",
            "must not be before seclusion started",
            None,
        ),
        (
            {"ended_at": START + timedelta(hours=1)},
            "ended_by",
            "who decided to end seclusion is required",
            None,
        ),
        ({"ended_by": DOCTOR}, "ended_at", "is required when who ended", None),
        (
            {"ended_at": _future(), "ended_by": DOCTOR},
            "ended_at",
            "must not be in the future",
            None,
        ),
        ({"reason": SECRET}, "reason", "is not one of the allowed codes", SECRET),
        ({"reason": "02"}, "reason", "is not one of the allowed codes", None),
        ({"place": "   "}, "place", "must not be empty", None),
        ({"place": SECRET * 20}, "place", "is too long", SECRET),
        (
            {"authorised_by": {"name": "", "job_title": "Nurse", "role": "registered_nurse"}},
            "authorised_by.name",
            "must not be empty",
            None,
        ),
        (
            {"authorised_by": {"name": SECRET, "job_title": "Nurse", "role": "matron-ish"}},
            "authorised_by.role",
            "is not one of the allowed codes",
            SECRET,
        ),
        (
            {"authorised_by": SUPPORT_WORKER},
            "authorised_by",
            "must be authorised by a doctor or a registered nurse",
            None,
        ),
        (
            {"debrief_offered": Answer.NO, "debrief_held": Answer.YES},
            "debrief_held",
            "cannot be yes when no debrief was offered",
            None,
        ),
        ({"patient_id": SECRET}, "patient_id", "is not a valid identifier", SECRET),
        ({"colour": SECRET}, "colour", "is not a field of this record", SECRET),
    ],
)
def test_bad_episodes_are_refused_naming_field_and_rule(
    overrides: dict[str, Any], field: str, rule: str, typed: str | None
) -> None:
    assert_refused(SeclusionEpisode, seclusion_episode_data(**overrides), field, rule, typed)


def test_a_missing_start_is_named() -> None:
    data = seclusion_episode_data()
    del data["started_at"]
    assert_refused(SeclusionEpisode, data, "started_at", "is required")


# ----------------------------------------------------------------------------- observation


def test_an_observation_hangs_off_its_episode() -> None:
    episode = seclusion_episode()
    observation = seclusion_observation(episode, START + timedelta(minutes=15))
    assert observation.summary() == (
        WARD_ID,
        PATIENT_ID,
        episode.id,
        None,
        START + timedelta(minutes=15),
        None,
    )
    assert observation.fluid_offered
    assert not observation.food_offered


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "typed"),
    [
        ({"observed_at": _future()}, "observed_at", "must not be in the future", None),
        ({"observer": IMHA}, "observer", "must be a member of staff", None),
        ({"behaviour": "  "}, "behaviour", "must not be empty", None),
        ({"breathing": ""}, "breathing", "must not be empty", None),
        ({"episode_id": SECRET}, "episode_id", "is not a valid identifier", SECRET),
        ({"food_offered": SECRET}, "food_offered", "must be yes or no", SECRET),
        ({"mood": SECRET}, "mood", "is not a field of this record", SECRET),
    ],
)
def test_bad_observations_are_refused(
    overrides: dict[str, Any], field: str, rule: str, typed: str | None
) -> None:
    data = seclusion_observation_data(seclusion_episode(), START, **overrides)
    assert_refused(SeclusionObservation, data, field, rule, typed)


# ----------------------------------------------------------------------------- review


@pytest.mark.parametrize("kind", list(SeclusionReviewKind))
def test_each_review_kind_is_valid_with_its_minimum_attendees(kind: SeclusionReviewKind) -> None:
    episode = seclusion_episode()
    review = seclusion_review(episode, kind, START + timedelta(hours=1))
    assert review.summary().parent_id == episode.id
    assert review.summary().starts_at == START + timedelta(hours=1)
    assert kind.label


NURSING_NEEDS = "a nursing review needs two members of staff, one of them a registered nurse"
MDT_NEEDS = "an MDT review needs at least two members of staff, including a doctor and a"


@pytest.mark.parametrize(
    ("kind", "attendees", "rule"),
    [
        (SeclusionReviewKind.NURSING, [SUPPORT_WORKER, SUPPORT_WORKER], NURSING_NEEDS),
        (SeclusionReviewKind.NURSING, [NURSE], NURSING_NEEDS),
        (SeclusionReviewKind.NURSING, [NURSE, IMHA], NURSING_NEEDS),
        (SeclusionReviewKind.MEDICAL, [NURSE, NURSE_IN_CHARGE], "needs a doctor"),
        (SeclusionReviewKind.INTERNAL_MDT, [DOCTOR, PSYCHOLOGIST], MDT_NEEDS),
        (SeclusionReviewKind.INTERNAL_MDT, [NURSE, PSYCHOLOGIST], MDT_NEEDS),
        (SeclusionReviewKind.INDEPENDENT_MDT, [PSYCHIATRIST], MDT_NEEDS),
        (SeclusionReviewKind.MEDICAL, [], "needs at least one entry"),
    ],
)
def test_reviews_without_the_right_people_are_refused(
    kind: SeclusionReviewKind, attendees: list[Any], rule: str
) -> None:
    data = seclusion_review_data(seclusion_episode(), kind, START, attendees=attendees)
    assert_refused(SeclusionReview, data, "attendees", rule)


def test_a_nursing_review_with_a_nurse_and_another_staff_member_is_accepted() -> None:
    review = seclusion_review(
        seclusion_episode(), SeclusionReviewKind.NURSING, START, attendees=[NURSE_IN_CHARGE, DOCTOR]
    )
    assert len(review.attendees) == 2


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "typed"),
    [
        ({"kind": SECRET}, "kind", "is not one of the allowed codes", SECRET),
        ({"kind": "weekly"}, "kind", "is not one of the allowed codes", None),
        ({"decision": "pause"}, "decision", "is not one of the allowed codes", None),
        ({"held_at": _future()}, "held_at", "must not be in the future", None),
        (
            {"attendees": [{"name": " ", "job_title": "Doctor", "role": "doctor"}]},
            "attendees.0.name",
            "must not be empty",
            None,
        ),
    ],
)
def test_bad_reviews_are_refused(
    overrides: dict[str, Any], field: str, rule: str, typed: str | None
) -> None:
    data = seclusion_review_data(
        seclusion_episode(), SeclusionReviewKind.MEDICAL, START, **overrides
    )
    assert_refused(SeclusionReview, data, field, rule, typed)


# ----------------------------------------------------------------------------- round trip


def test_records_round_trip_through_json() -> None:
    episode = ended_seclusion_episode(
        START,
        6.5,
        incident_id=WARD_ID,
        authorised_by=RESPONSIBLE_CLINICIAN,
        debrief_offered=Answer.YES,
        debrief_held=Answer.NOT_KNOWN,
    )
    assert_round_trips(episode)
    assert_round_trips(seclusion_episode(care_plan={}))
    assert_round_trips(seclusion_observation(episode, START + timedelta(minutes=14)))
    for kind in SeclusionReviewKind:
        assert_round_trips(seclusion_review(episode, kind, START + timedelta(hours=2)))
