"""Long-term segregation records (domain.md §3 "Long-term segregation")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.models.base import RECORD_KINDS, STORED
from app.models.clock import utc_now
from app.models.segregation import (
    EngagementKind,
    LtsEngagementEntry,
    LtsEpisode,
    LtsReview,
    LtsReviewKind,
    Participation,
    engagement_totals,
)
from tests.models.isolation_asserts import assert_round_trips
from tests.models.isolation_builders import (
    APPROVED_CLINICIAN,
    COMMISSIONER,
    DOCTOR,
    EXTERNAL_CLINICIAN,
    IMHA,
    NURSE,
    NURSE_IN_CHARGE,
    PATIENT_ID,
    RESPONSIBLE_CLINICIAN,
    START,
    SUPPORT_WORKER,
    WARD_ID,
    lts_care_plan,
    lts_engagement,
    lts_engagement_data,
    lts_episode,
    lts_episode_data,
    lts_review,
    lts_review_data,
)
from tests.models.refusals import assert_refused

SECRET = "Zebedee-Quartz-7731"


def _future() -> Any:
    return utc_now() + timedelta(days=2)


# ----------------------------------------------------------------------------- episode


def test_a_valid_episode_is_active_and_names_its_commissioner() -> None:
    episode = lts_episode()
    assert episode.commissioner == COMMISSIONER
    summary = episode.summary()
    assert (summary.ward_id, summary.patient_id, summary.status) == (WARD_ID, PATIENT_ID, "active")
    assert summary.starts_at == START
    assert summary.parent_id is None
    assert episode.is_active_at(START + timedelta(days=30))
    assert RECORD_KINDS["lts_episode"] is LtsEpisode


def test_an_ended_episode() -> None:
    end = START + timedelta(days=40)
    episode = lts_episode(ended_at=end, ended_by=RESPONSIBLE_CLINICIAN)
    assert episode.summary().status == "ended"
    assert episode.summary().ends_at == end
    assert not episode.is_active_at(end)


@pytest.mark.parametrize(
    ("at", "days"),
    [
        (START, 0),
        (datetime(2024, 5, 1, 22, 59, tzinfo=UTC), 0),  # 23:59 BST, same ward day
        (datetime(2024, 5, 1, 23, 0, tzinfo=UTC), 1),  # 00:00 BST on 2 May
        (START + timedelta(days=10), 10),
        (START - timedelta(days=1), 0),
    ],
)
def test_days_elapsed_counts_ward_calendar_days(at: datetime, days: int) -> None:
    assert lts_episode().days_elapsed(at) == days


def test_days_elapsed_stops_at_the_end() -> None:
    episode = lts_episode(ended_at=START + timedelta(days=3), ended_by=RESPONSIBLE_CLINICIAN)
    assert episode.days_elapsed(START + timedelta(days=30)) == 3


def test_care_plan_sections_not_yet_written_are_listed() -> None:
    plan = lts_care_plan(fresh_air=None, activity="")
    assert plan.unanswered_sections() == ("fresh_air", "activity")


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "typed"),
    [
        ({"started_at": _future()}, "started_at", "must not be in the future", None),
        (
            {"ended_at": START - timedelta(hours=1), "ended_by": NURSE},
            "ended_at",
            "must not be before segregation started",
            None,
        ),
        ({"ended_at": START + timedelta(days=1)}, "ended_by", "is required once it ends", None),
        ({"ended_by": NURSE}, "ended_at", "is required when who ended", None),
        (
            {"decision_attendees": [RESPONSIBLE_CLINICIAN, NURSE]},
            "decision_attendees",
            "must include a representative of the commissioning authority",
            None,
        ),
        (
            {"decision_attendees": [COMMISSIONER, NURSE]},
            "decision_attendees",
            "needs at least two members of staff",
            None,
        ),
        ({"decision_attendees": []}, "decision_attendees", "needs at least one entry", None),
        ({"authorised_by": NURSE_IN_CHARGE}, "authorised_by", "approved clinician", None),
        ({"authorised_by": DOCTOR}, "authorised_by", "approved clinician", None),
        ({"imha_told_at": None}, "imha_told_at", "is required when the IMHA was told", None),
        ({"imha_told": "no"}, "imha_told_at", "is only recorded when the IMHA was told", None),
        ({"imha_told": SECRET}, "imha_told", "is not one of the allowed codes", SECRET),
        (
            {"care_plan": {"why_needed": SECRET, "steps_to_end": "   "}},
            "care_plan.steps_to_end",
            "must not be empty",
            SECRET,
        ),
        ({"care_plan": {"why_needed": "Risk"}}, "care_plan.steps_to_end", "is required", None),
        ({"ward_id": SECRET}, "ward_id", "is not a valid identifier", SECRET),
    ],
)
def test_bad_episodes_are_refused(
    overrides: dict[str, Any], field: str, rule: str, typed: str | None
) -> None:
    assert_refused(LtsEpisode, lts_episode_data(**overrides), field, rule, typed)


def test_the_imha_answer_may_be_not_known_or_unanswered() -> None:
    assert lts_episode(imha_told="not_known", imha_told_at=None).imha_told_at is None
    assert lts_episode(imha_told=None, imha_told_at=None).imha_told is None


# ----------------------------------------------------------------------------- review


@pytest.mark.parametrize("kind", list(LtsReviewKind))
def test_each_review_kind_is_valid_with_its_minimum(kind: LtsReviewKind) -> None:
    episode = lts_episode()
    review = lts_review(episode, kind, START + timedelta(days=1))
    summary = review.summary()
    assert (summary.parent_id, summary.patient_id, summary.ward_id) == (
        episode.id,
        PATIENT_ID,
        WARD_ID,
    )
    assert summary.starts_at == START + timedelta(days=1)
    assert kind.label


def test_participation_words() -> None:
    assert Participation.ATTENDED.invited
    assert Participation.ATTENDED.attended
    assert Participation.INVITED_DID_NOT_ATTEND.invited
    assert not Participation.INVITED_DID_NOT_ATTEND.attended
    assert not Participation.NOT_INVITED.invited


HELD = START + timedelta(days=2)


@pytest.mark.parametrize(
    ("kind", "overrides", "field", "rule", "typed"),
    [
        (
            LtsReviewKind.APPROVED_CLINICIAN,
            {"attendees": [DOCTOR, NURSE]},
            "attendees",
            "an approved-clinician review needs an approved clinician",
            None,
        ),
        (
            LtsReviewKind.MDT,
            {"attendees": [APPROVED_CLINICIAN, IMHA, COMMISSIONER]},
            "attendees",
            "an MDT review needs at least two members of staff",
            None,
        ),
        (
            LtsReviewKind.EXTERNAL,
            {"external_clinician": None},
            "external_clinician",
            "is required for an external review",
            None,
        ),
        (
            LtsReviewKind.EXTERNAL,
            {"external_hospital": None},
            "external_hospital",
            "is required for an external review",
            None,
        ),
        (
            LtsReviewKind.MDT,
            {"external_clinician": EXTERNAL_CLINICIAN},
            "external_clinician",
            "is only recorded for an external review",
            None,
        ),
        (
            LtsReviewKind.MDT,
            {"external_hospital": SECRET},
            "external_hospital",
            "is only recorded for an external review",
            SECRET,
        ),
        (
            LtsReviewKind.MDT,
            {"actions": [{"action": SECRET, "owner": "OT", "due_on": "2024-05-02"}]},
            "actions",
            "an action cannot fall due before the review was held",
            SECRET,
        ),
        (
            LtsReviewKind.MDT,
            {"actions": [{"action": "Walk", "owner": "", "due_on": "2024-06-02"}]},
            "actions.0.owner",
            "must not be empty",
            None,
        ),
        (
            LtsReviewKind.MDT,
            {"actions": [{"action": "Walk", "owner": "OT", "due_on": SECRET}]},
            "actions.0.due_on",
            "is not a date",
            SECRET,
        ),
        (LtsReviewKind.MDT, {"kind": "annual"}, "kind", "is not one of the allowed codes", None),
        (LtsReviewKind.MDT, {"decision": "pause"}, "decision", "is not one of the", None),
        (LtsReviewKind.MDT, {"rationale": " "}, "rationale", "must not be empty", None),
        (LtsReviewKind.MDT, {"imha": SECRET}, "imha", "is not one of the allowed codes", SECRET),
        (LtsReviewKind.MDT, {"held_at": _future()}, "held_at", "must not be in the future", None),
        (LtsReviewKind.ICETR, {"attendees": []}, "attendees", "needs at least one entry", None),
    ],
)
def test_bad_reviews_are_refused(
    kind: LtsReviewKind, overrides: dict[str, Any], field: str, rule: str, typed: str | None
) -> None:
    data = lts_review_data(lts_episode(), kind, HELD, **overrides)
    assert_refused(LtsReview, data, field, rule, typed)


def test_an_action_may_fall_due_on_the_day_of_the_review() -> None:
    review = lts_review(
        lts_episode(),
        LtsReviewKind.MDT,
        HELD,
        actions=[{"action": "Call family", "owner": "Named nurse", "due_on": HELD.date()}],
    )
    assert review.actions[0].due_on == HELD.date()


# ----------------------------------------------------------------------------- engagement


def test_engagement_entries_and_totals() -> None:
    episode = lts_episode()
    day = START + timedelta(days=1)
    entries = [
        lts_engagement(episode, day, kind=EngagementKind.TIME_WITH_STAFF),
        lts_engagement(episode, day + timedelta(hours=2), duration=timedelta(hours=1)),
        lts_engagement(
            episode,
            day - timedelta(minutes=30),
            kind=EngagementKind.FAMILY_CONTACT,
            duration=timedelta(hours=1),
        ),
    ]
    summary = entries[1].summary()
    assert summary.parent_id == episode.id
    assert summary.starts_at == day + timedelta(hours=2)
    assert summary.ends_at == day + timedelta(hours=3)
    totals = engagement_totals(entries, day, day + timedelta(days=1))
    assert totals == {
        EngagementKind.TIME_WITH_STAFF: timedelta(minutes=45),
        EngagementKind.ACTIVITY: timedelta(hours=1),
        EngagementKind.TIME_OUT_OF_SEGREGATION_AREA: timedelta(0),
        EngagementKind.FAMILY_CONTACT: timedelta(minutes=30),  # half was before the window
    }
    assert EngagementKind.TIME_OUT_OF_SEGREGATION_AREA.label == "Time out of segregation area"


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "typed"),
    [
        ({"duration": timedelta(0)}, "duration", "must be more than zero", None),
        ({"duration": timedelta(minutes=-5)}, "duration", "must be more than zero", None),
        ({"duration": timedelta(hours=25)}, "duration", "must not be more than 24 hours", None),
        ({"kind": "nap"}, "kind", "is not one of the allowed codes", None),
        ({"started_at": _future()}, "started_at", "must not be in the future", None),
        ({"episode_id": SECRET}, "episode_id", "is not a valid identifier", SECRET),
    ],
)
def test_bad_engagement_entries_are_refused(
    overrides: dict[str, Any], field: str, rule: str, typed: str | None
) -> None:
    data = lts_engagement_data(lts_episode(), START, **overrides)
    assert_refused(LtsEngagementEntry, data, field, rule, typed)


def test_an_engagement_period_may_not_end_in_the_future() -> None:
    data = lts_engagement_data(
        lts_episode(), utc_now() - timedelta(minutes=10), duration=timedelta(hours=1)
    )
    assert_refused(LtsEngagementEntry, data, "duration", "must not end in the future")


# ----------------------------------------------------------------------------- round trip


def test_records_round_trip_through_json() -> None:
    episode = lts_episode(ended_at=START + timedelta(days=100), ended_by=RESPONSIBLE_CLINICIAN)
    assert_round_trips(episode)
    for kind in LtsReviewKind:
        assert_round_trips(lts_review(episode, kind, START + timedelta(days=1)))
    assert_round_trips(
        lts_review(
            episode,
            LtsReviewKind.MDT,
            START,
            patient_present=None,
            patient_views=None,
            imha=None,
            actions=[],
            attendees=[RESPONSIBLE_CLINICIAN, SUPPORT_WORKER],
        )
    )
    assert_round_trips(lts_engagement(episode, START, duration=timedelta(minutes=1, seconds=30)))


def test_a_stored_engagement_entry_is_not_rechecked_against_now() -> None:
    # A revision made on a PC whose clock ran ahead must still load from the store.
    data = lts_engagement_data(lts_episode(), utc_now() + timedelta(days=1))
    assert_refused(LtsEngagementEntry, data, "started_at", "must not be in the future")
    entry = LtsEngagementEntry.model_validate(data, context=STORED)
    assert_round_trips(entry)
