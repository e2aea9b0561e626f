"""The prompts that LTS is not moving towards its end: no exit step achieved for N weeks, and
an autistic person or person with a learning disability in LTS with no IC(E)TR on record
(domain.md §3 "Long-term segregation"; app.models.lts_exit_prompts)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.models import ward_board
from app.models.base import Answer
from app.models.lts_exit import LtsExitStep, StepAchievement
from app.models.lts_exit_prompts import (
    LtsPromptKind,
    lts_prompts,
    missing_icetr_prompt,
    needs_icetr,
    no_exit_progress_prompt,
)
from app.models.patient import Patient
from app.models.policy import SegregationPolicy
from app.models.segregation import LtsEpisode, LtsReview, LtsReviewKind
from tests.models.builders import patient
from tests.models.isolation_builders import RESPONSIBLE_CLINICIAN, START, lts_episode, lts_review
from tests.models.restriction_builders import achieved_step, exit_step

DAY = timedelta(days=1)
EPISODE = lts_episode()  # started Wed 1 May 2024 11:00 BST
OTHER_EPISODE = lts_episode()


def bst(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """``hour:minute`` BST on ``day``, as UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


def _steps(kind: str) -> list[LtsExitStep]:
    return {
        "none": [],
        "not_yet": [exit_step(EPISODE)],
        "partly": [achieved_step(EPISODE, date(2024, 5, 10), StepAchievement.PARTLY)],
        "achieved_10_may": [exit_step(EPISODE), achieved_step(EPISODE, date(2024, 5, 10))],
        "achieved_in_other_episode": [achieved_step(OTHER_EPISODE, date(2024, 5, 10))],
        "achieved_after_at": [achieved_step(EPISODE, date(2024, 6, 1))],
    }[kind]


# (steps, at, expected ``since`` or None when no prompt). Default: 4 weeks from 1 May is
# the ward day Wed 29 May.
NO_PROGRESS = [
    pytest.param("none", bst(date(2024, 5, 28), 23, 59), None, id="a_minute_before_4_weeks"),
    pytest.param("none", bst(date(2024, 5, 29)), date(2024, 5, 1), id="exactly_4_weeks"),
    pytest.param("not_yet", bst(date(2024, 5, 29)), date(2024, 5, 1), id="a_step_not_yet"),
    pytest.param("partly", bst(date(2024, 5, 29)), date(2024, 5, 1), id="partly_is_no_progress"),
    pytest.param("achieved_10_may", bst(date(2024, 5, 29)), None, id="achieved_restarts"),
    pytest.param("achieved_10_may", bst(date(2024, 6, 6), 23, 59), None, id="day_before_4_weeks"),
    pytest.param(
        "achieved_10_may", bst(date(2024, 6, 7)), date(2024, 5, 10), id="4_weeks_after_a_step"
    ),
    pytest.param(
        "achieved_in_other_episode",
        bst(date(2024, 5, 29)),
        date(2024, 5, 1),
        id="another_episode_s_step_does_not_count",
    ),
    pytest.param(
        "achieved_after_at",
        bst(date(2024, 5, 29)),
        date(2024, 5, 1),
        id="a_step_achieved_after_at_is_not_known_yet",
    ),
    pytest.param("none", START - DAY, None, id="before_the_episode"),
]


@pytest.mark.parametrize(("steps", "at", "since"), NO_PROGRESS)
def test_no_progress_prompt(steps: str, at: datetime, since: date | None) -> None:
    prompt = no_exit_progress_prompt(EPISODE, _steps(steps), at)
    if since is None:
        assert prompt is None
        return
    assert prompt is not None
    assert prompt.kind is LtsPromptKind.NO_EXIT_PROGRESS
    assert (prompt.episode_id, prompt.patient_id) == (EPISODE.id, EPISODE.patient_id)
    assert prompt.since == since
    assert "for 4 weeks" in prompt.message


def test_an_ended_episode_prompts_nothing() -> None:
    end = START + 10 * DAY
    ended = lts_episode(ended_at=end, ended_by=RESPONSIBLE_CLINICIAN)
    assert no_exit_progress_prompt(ended, [], START + 60 * DAY) is None
    assert no_exit_progress_prompt(ended, [], end) is None
    assert missing_icetr_prompt(ended, patient(), [], START + 60 * DAY) is None
    # While it ran, it prompted.
    assert missing_icetr_prompt(ended, patient(), [], end - DAY) is not None


def test_the_weeks_are_set_by_policy_and_the_message_counts_them() -> None:
    policy = SegregationPolicy(no_exit_progress_weeks=2)
    assert no_exit_progress_prompt(EPISODE, [], bst(date(2024, 5, 14)), policy) is None
    prompt = no_exit_progress_prompt(EPISODE, [], bst(date(2024, 5, 15)), policy)
    assert prompt is not None
    assert prompt.message.endswith("for 2 weeks (since segregation started)")
    later = no_exit_progress_prompt(EPISODE, _steps("achieved_10_may"), bst(date(2024, 7, 1)))
    assert later is not None
    assert later.message.endswith("for 7 weeks (since the last one)")


@pytest.mark.parametrize(
    ("start", "before", "from_day"),
    [
        pytest.param(
            datetime(2024, 3, 20, 10, tzinfo=UTC),  # Wed 10:00 GMT
            datetime(2024, 4, 16, 22, 59, tzinfo=UTC),  # Tue 23:59 BST
            datetime(2024, 4, 16, 23, 0, tzinfo=UTC),  # Wed 17 Apr 00:00 BST
            id="march_spring_forward",
        ),
        pytest.param(
            datetime(2024, 10, 16, 9, tzinfo=UTC),  # Wed 10:00 BST
            datetime(2024, 11, 12, 23, 59, tzinfo=UTC),  # Tue 23:59 GMT
            datetime(2024, 11, 13, 0, 0, tzinfo=UTC),  # Wed 13 Nov 00:00 GMT
            id="october_fall_back",
        ),
    ],
)
def test_no_progress_counts_ward_days_across_a_clock_change(
    start: datetime, before: datetime, from_day: datetime
) -> None:
    episode = lts_episode(started_at=start)
    assert no_exit_progress_prompt(episode, [], before) is None
    assert no_exit_progress_prompt(episode, [], from_day) is not None


# ------------------------------------------------------------------------ missing IC(E)TR

AUTISTIC = patient(autism=Answer.YES, learning_disability=Answer.NO)
LEARNING_DISABILITY = patient(autism=Answer.NO, learning_disability=Answer.YES)
NEITHER = patient(autism=Answer.NO, learning_disability=Answer.NO)
NOT_KNOWN = patient(autism=Answer.NOT_KNOWN, learning_disability=None)
AT = START + 30 * DAY


def _reviews(kind: str) -> list[LtsReview]:
    return {
        "none": [],
        "icetr": [lts_review(EPISODE, LtsReviewKind.ICETR, START + 12 * DAY)],
        "icetr_after_at": [lts_review(EPISODE, LtsReviewKind.ICETR, AT + DAY)],
        "icetr_of_another_episode": [
            lts_review(OTHER_EPISODE, LtsReviewKind.ICETR, START + 12 * DAY)
        ],
        "icetr_before_the_start": [lts_review(EPISODE, LtsReviewKind.ICETR, START - DAY)],
        "mdt_only": [lts_review(EPISODE, LtsReviewKind.MDT, START + 7 * DAY)],
    }[kind]


MISSING_ICETR = [
    pytest.param(AUTISTIC, "none", True, id="autistic_without_icetr"),
    pytest.param(LEARNING_DISABILITY, "none", True, id="learning_disability_without_icetr"),
    pytest.param(NEITHER, "none", False, id="neither"),
    pytest.param(NOT_KNOWN, "none", False, id="not_known_is_never_guessed"),
    pytest.param(None, "none", False, id="patient_not_in_the_store"),
    pytest.param(AUTISTIC, "icetr", False, id="autistic_with_icetr"),
    pytest.param(LEARNING_DISABILITY, "icetr", False, id="learning_disability_with_icetr"),
    pytest.param(AUTISTIC, "icetr_after_at", True, id="icetr_held_after_at"),
    pytest.param(AUTISTIC, "icetr_of_another_episode", True, id="icetr_of_another_episode"),
    pytest.param(AUTISTIC, "icetr_before_the_start", True, id="icetr_before_the_episode"),
    pytest.param(AUTISTIC, "mdt_only", True, id="other_reviews_are_not_an_icetr"),
]


@pytest.mark.parametrize(("who", "reviews", "prompted"), MISSING_ICETR)
def test_missing_icetr_prompt(who: Patient | None, reviews: str, prompted: bool) -> None:
    prompt = missing_icetr_prompt(EPISODE, who, _reviews(reviews), AT)
    assert (prompt is not None) is prompted
    if prompt is not None:
        assert prompt.kind is LtsPromptKind.NO_ICETR
        assert prompt.since == date(2024, 5, 1)
        assert prompt.episode_id == EPISODE.id
        assert "autis" not in prompt.message.lower()  # never the diagnosis in a message


@pytest.mark.parametrize(
    ("who", "needed"),
    [(AUTISTIC, True), (LEARNING_DISABILITY, True), (NEITHER, False), (NOT_KNOWN, False)],
)
def test_who_needs_an_icetr_is_one_rule(who: Patient, needed: bool) -> None:
    assert needs_icetr(who) is needed
    assert ward_board.needs_icetr is needs_icetr  # the board and reports use the same rule


def test_every_prompt_for_an_episode_in_order() -> None:
    at = bst(date(2024, 6, 1))
    both = lts_prompts(EPISODE, AUTISTIC, [], [], at)
    assert [p.kind for p in both] == [LtsPromptKind.NO_EXIT_PROGRESS, LtsPromptKind.NO_ICETR]
    assert [p.kind.label for p in both] == [
        "No progress towards ending segregation",
        "No IC(E)TR on record",
    ]
    quiet: list[Any] = _steps("achieved_10_may")
    assert lts_prompts(EPISODE, NEITHER, quiet, [], at) == ()
    policy = SegregationPolicy(no_exit_progress_weeks=1)
    only_progress = lts_prompts(EPISODE, NEITHER, quiet, [], at, policy=policy)
    assert [p.kind for p in only_progress] == [LtsPromptKind.NO_EXIT_PROGRESS]


def test_an_episode_is_not_confused_with_another() -> None:
    other: LtsEpisode = OTHER_EPISODE
    prompt = no_exit_progress_prompt(other, _steps("achieved_10_may"), bst(date(2024, 5, 29)))
    assert prompt is not None
    assert prompt.episode_id == other.id
