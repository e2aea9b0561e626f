"""The seclusion review clock at an instant (domain.md §3 "Seclusion")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.models.policy import SeclusionPolicy
from app.models.review_clocks import (
    ClockKind,
    ClockState,
    ReviewClock,
    ReviewLapse,
    most_urgent,
)
from app.models.seclusion import (
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)
from app.models.seclusion_clock import seclusion_clocks, seclusion_lapses
from tests.models.isolation_builders import (
    DOCTOR,
    OTHER_PATIENT_ID,
    PSYCHIATRIST,
    RESPONSIBLE_CLINICIAN,
    START,
    ended_seclusion_episode,
    seclusion_episode,
    seclusion_observation,
    seclusion_review,
)

SECOND = timedelta(seconds=1)
H = timedelta(hours=1)
M = timedelta(minutes=1)

Facts = tuple[list[SeclusionObservation], list[SeclusionReview]]
FactMaker = Callable[[SeclusionEpisode, datetime], Facts]


def _clock(
    episode: SeclusionEpisode,
    at: datetime,
    observations: list[SeclusionObservation] | None = None,
    reviews: list[SeclusionReview] | None = None,
    kind: ClockKind = ClockKind.SECLUSION_NURSING,
    **kwargs: Any,
) -> ReviewClock:
    clocks = seclusion_clocks(episode, observations or [], reviews or [], at, **kwargs)
    return next(c for c in clocks if c.kind is kind)


def _observed(episode: SeclusionEpisode, at: datetime) -> Facts:
    return [seclusion_observation(episode, at)], []


def _reviewed(kind: SeclusionReviewKind) -> FactMaker:
    def make(episode: SeclusionEpisode, at: datetime) -> Facts:
        return [], [seclusion_review(episode, kind, at)]

    return make


# kind, first due after the start, interval after one is done, how to record one
REGULAR = [
    pytest.param(ClockKind.SECLUSION_OBSERVATION, 15 * M, 15 * M, _observed, id="observation"),
    pytest.param(
        ClockKind.SECLUSION_NURSING,
        2 * H,
        2 * H,
        _reviewed(SeclusionReviewKind.NURSING),
        id="nursing",
    ),
    pytest.param(
        ClockKind.SECLUSION_MEDICAL,
        1 * H,
        4 * H,
        _reviewed(SeclusionReviewKind.MEDICAL),
        id="medical",
    ),
    pytest.param(
        ClockKind.SECLUSION_INTERNAL_MDT,
        24 * H,
        24 * H,
        _reviewed(SeclusionReviewKind.INTERNAL_MDT),
        id="internal_mdt",
    ),
]


@pytest.mark.parametrize(("kind", "first", "interval", "record"), REGULAR)
@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE), (timedelta(0), ClockState.DUE), (SECOND, ClockState.OVERDUE)],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_first_due_from_the_start(
    *,
    kind: ClockKind,
    first: timedelta,
    interval: timedelta,
    record: FactMaker,
    offset: timedelta,
    state: ClockState,
) -> None:
    episode = seclusion_episode()
    clock = _clock(episode, START + first + offset, kind=kind)
    assert clock.next_due == START + first
    assert clock.state is state
    assert clock.overdue is (state is ClockState.OVERDUE)
    assert clock.last_done is None
    assert clock.basis.startswith(("every", "first within", "as soon as practicable"))


@pytest.mark.parametrize(("kind", "first", "interval", "record"), REGULAR)
@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE), (timedelta(0), ClockState.DUE), (SECOND, ClockState.OVERDUE)],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_a_review_restarts_the_clock(
    *,
    kind: ClockKind,
    first: timedelta,
    interval: timedelta,
    record: FactMaker,
    offset: timedelta,
    state: ClockState,
) -> None:
    episode = seclusion_episode()
    done_at = START + first - 5 * M  # on time
    observations, reviews = record(episode, done_at)
    # At the old due time, with a review just done, nothing is overdue.
    at_old_due = _clock(episode, START + first + SECOND, observations, reviews, kind=kind)
    assert at_old_due.state is ClockState.DUE
    assert at_old_due.last_done == done_at
    clock = _clock(episode, done_at + interval + offset, observations, reviews, kind=kind)
    assert clock.next_due == done_at + interval
    assert clock.state is state


@pytest.mark.parametrize(("kind", "first", "interval", "record"), REGULAR)
def test_a_late_review_restarts_from_when_it_was_held(
    *, kind: ClockKind, first: timedelta, interval: timedelta, record: FactMaker
) -> None:
    episode = seclusion_episode()
    done_at = START + first + 7 * M
    observations, reviews = record(episode, done_at)
    assert _clock(episode, done_at - SECOND, observations, reviews, kind=kind).overdue
    clock = _clock(episode, done_at, observations, reviews, kind=kind)
    assert clock.next_due == done_at + interval
    assert not clock.overdue
    lapses = seclusion_lapses(episode, observations, reviews, done_at)
    assert ReviewLapse(kind=kind, due_at=START + first, done_at=done_at) in lapses


@pytest.mark.parametrize(("kind", "first", "interval", "record"), REGULAR)
def test_facts_after_the_instant_or_of_other_episodes_do_not_count(
    *, kind: ClockKind, first: timedelta, interval: timedelta, record: FactMaker
) -> None:
    episode = seclusion_episode()
    other = seclusion_episode()
    later_obs, later_reviews = record(episode, START + first - M)
    other_obs, other_reviews = record(other, START + first - 2 * M)
    clock = _clock(
        episode,
        START + first - 2 * M,
        later_obs + other_obs,
        later_reviews + other_reviews,
        kind=kind,
    )
    assert clock.last_done is None
    assert clock.next_due == START + first


def test_all_clocks_in_order() -> None:
    clocks = seclusion_clocks(seclusion_episode(), [], [], START)
    assert [c.kind for c in clocks] == [
        ClockKind.SECLUSION_OBSERVATION,
        ClockKind.SECLUSION_NURSING,
        ClockKind.SECLUSION_MEDICAL,
        ClockKind.SECLUSION_INTERNAL_MDT,
        ClockKind.SECLUSION_INDEPENDENT_MDT,
    ]
    assert most_urgent(clocks) == clocks[0]
    assert clocks[0].due_in(START) == 15 * M
    assert clocks[4].state is ClockState.NOT_NEEDED
    assert clocks[4].due_in(START) is None
    assert all(c.kind.label for c in clocks)


# ----------------------------------------------------------------------------- medical


@pytest.mark.parametrize("authoriser", [PSYCHIATRIST, RESPONSIBLE_CLINICIAN])
def test_psychiatrist_authorisation_is_the_first_medical_review(authoriser: object) -> None:
    episode = seclusion_episode(authorised_by=authoriser)
    clock = _clock(episode, START + H + SECOND, kind=ClockKind.SECLUSION_MEDICAL)
    assert clock.state is ClockState.DUE
    assert clock.last_done == START
    assert clock.next_due == START + 4 * H
    assert "psychiatrist's assessment was the first medical review" in clock.basis
    assert _clock(episode, START + 4 * H + SECOND, kind=ClockKind.SECLUSION_MEDICAL).overdue
    assert not [
        lapse
        for lapse in seclusion_lapses(episode, [], [], START + 3 * H)
        if lapse.kind is ClockKind.SECLUSION_MEDICAL
    ]


def test_a_doctor_who_is_not_a_psychiatrist_does_not_count_as_the_first_review() -> None:
    episode = seclusion_episode(authorised_by=DOCTOR)
    assert _clock(episode, START + H + SECOND, kind=ClockKind.SECLUSION_MEDICAL).overdue


def test_the_medical_interval_switches_after_the_first_internal_mdt() -> None:
    episode = seclusion_episode()
    medical = SeclusionReviewKind.MEDICAL
    reviews = [
        seclusion_review(episode, medical, START + 50 * M),
        seclusion_review(episode, medical, START + 4 * H + 40 * M),
    ]
    kind = ClockKind.SECLUSION_MEDICAL
    # Before any MDT: every 4 hours from the last medical review.
    before = _clock(episode, START + 6 * H, [], reviews, kind=kind)
    assert before.next_due == START + 8 * H + 40 * M
    assert "every 4 hours until the first internal MDT review" in before.basis
    # The first internal MDT counts as a medical review and switches to 12-hourly.
    mdt_at = START + 7 * H
    reviews.append(seclusion_review(episode, SeclusionReviewKind.INTERNAL_MDT, mdt_at))
    # Computed as at a moment before the MDT, the MDT is not yet known.
    assert _clock(episode, mdt_at - M, [], reviews, kind=kind).next_due == START + 8 * H + 40 * M
    after = _clock(episode, START + 9 * H, [], reviews, kind=kind)
    assert after.last_done == mdt_at
    assert after.next_due == mdt_at + 12 * H
    assert after.state is ClockState.DUE
    assert "twice in every 24 hours" in after.basis
    # A later medical review restarts the 12-hour clock.
    reviews.append(seclusion_review(episode, medical, START + 15 * H))
    later = _clock(episode, START + 20 * H, [], reviews, kind=kind)
    assert later.next_due == START + 27 * H
    assert not _clock(episode, START + 27 * H, [], reviews, kind=kind).overdue
    assert _clock(episode, START + 27 * H + SECOND, [], reviews, kind=kind).overdue


def test_the_switch_follows_the_policy() -> None:
    policy = SeclusionPolicy(medical_review_interval_after_mdt=timedelta(hours=8))
    episode = seclusion_episode()
    reviews = [seclusion_review(episode, SeclusionReviewKind.INTERNAL_MDT, START + 2 * H)]
    clock = _clock(
        episode, START + 3 * H, [], reviews, kind=ClockKind.SECLUSION_MEDICAL, policy=policy
    )
    assert clock.next_due == START + 10 * H
    assert "every 8 hours" in clock.basis


# ----------------------------------------------------------------------------- independent MDT


@pytest.mark.parametrize(
    ("offset", "state", "next_due"),
    [
        (-SECOND, ClockState.NOT_NEEDED, None),
        (timedelta(0), ClockState.NOT_NEEDED, None),  # exactly 8 h is not more than 8 h
        (SECOND, ClockState.OVERDUE, START + 8 * H),
    ],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_independent_mdt_after_eight_hours_continuously(
    offset: timedelta, state: ClockState, next_due: datetime | None
) -> None:
    clock = _clock(
        seclusion_episode(), START + 8 * H + offset, kind=ClockKind.SECLUSION_INDEPENDENT_MDT
    )
    assert clock.state is state
    assert clock.next_due == next_due


def test_independent_mdt_held_after_the_trigger_satisfies_the_clock() -> None:
    episode = seclusion_episode()
    kind = ClockKind.SECLUSION_INDEPENDENT_MDT
    early = seclusion_review(episode, SeclusionReviewKind.INDEPENDENT_MDT, START + 7 * H)
    clock = _clock(episode, START + 9 * H, [], [early], kind=kind)
    assert clock.overdue  # one held before the trigger does not answer it
    assert clock.last_done == START + 7 * H
    assert "more than 8 hours continuously" in clock.basis
    held = seclusion_review(episode, SeclusionReviewKind.INDEPENDENT_MDT, START + 9 * H)
    clock = _clock(episode, START + 30 * H, [], [early, held], kind=kind)
    assert clock.state is ClockState.NOT_NEEDED
    assert clock.last_done == START + 9 * H
    lapses = seclusion_lapses(episode, [], [early, held], START + 10 * H)
    assert not [lapse for lapse in lapses if lapse.kind is kind]


def test_independent_mdt_after_twelve_hours_in_forty_eight_across_episodes() -> None:
    earlier = ended_seclusion_episode(START, 7)
    current = seclusion_episode(started_at=START + 20 * H)
    kind = ClockKind.SECLUSION_INDEPENDENT_MDT

    def clock(at: datetime) -> ReviewClock:
        return _clock(current, at, kind=kind, episodes_of_patient=[earlier, current])

    assert clock(START + 25 * H).state is ClockState.NOT_NEEDED  # 7 h + 5 h = 12 h exactly
    late = clock(START + 25 * H + SECOND)
    assert late.overdue
    assert late.next_due == START + 25 * H
    assert "more than 12 hours in total within 48 hours" in late.basis
    # Without the patient's other episodes only the 8-hour rule applies.
    alone = _clock(current, START + 25 * H + SECOND, kind=kind)
    assert alone.state is ClockState.NOT_NEEDED
    lapses = seclusion_lapses(current, [], [], START + 26 * H, episodes_of_patient=[earlier])
    assert ReviewLapse(kind=kind, due_at=START + 25 * H) in lapses


def test_a_new_episode_is_due_at_once_when_the_rule_already_holds() -> None:
    earlier = ended_seclusion_episode(START, 13)
    current = seclusion_episode(started_at=START + 20 * H)
    clock = _clock(
        current,
        START + 20 * H + M,
        kind=ClockKind.SECLUSION_INDEPENDENT_MDT,
        episodes_of_patient=[earlier],
    )
    assert clock.next_due == START + 20 * H
    assert clock.overdue


def test_episodes_of_another_patient_are_refused() -> None:
    other = ended_seclusion_episode(START - 30 * H, 7, patient_id=OTHER_PATIENT_ID)
    with pytest.raises(ValueError, match="same patient"):
        seclusion_clocks(seclusion_episode(), [], [], START + H, episodes_of_patient=[other])


# ----------------------------------------------------------------------------- ended episode


def test_an_ended_episode_stops_every_clock() -> None:
    episode = ended_seclusion_episode(START, 9)
    reviews = [seclusion_review(episode, SeclusionReviewKind.NURSING, START + 2 * H)]
    clocks = seclusion_clocks(episode, [], reviews, START + 30 * H)
    assert {c.state for c in clocks} == {ClockState.STOPPED}
    assert all(c.next_due is None and not c.overdue for c in clocks)
    assert clocks[1].last_done == START + 2 * H
    assert most_urgent(clocks) is None
    # As at an instant while it still ran, the clocks ran.
    running = seclusion_clocks(episode, [], reviews, START + 3 * H)
    assert running[1].state is ClockState.DUE
    assert running[1].next_due == START + 4 * H


def test_lapses_of_an_ended_episode() -> None:
    episode = ended_seclusion_episode(START, 3)
    observations = [
        seclusion_observation(episode, START + 15 * M),
        seclusion_observation(episode, START + 40 * M),  # 10 minutes late
    ]
    reviews = [seclusion_review(episode, SeclusionReviewKind.MEDICAL, START + 50 * M)]
    lapses = seclusion_lapses(episode, observations, reviews, START + 48 * H)
    assert lapses[0] == ReviewLapse(
        kind=ClockKind.SECLUSION_OBSERVATION, due_at=START + 30 * M, done_at=START + 40 * M
    )
    assert lapses[0].late_by == 10 * M
    assert not lapses[0].missed
    # Nothing after 00:40 → the observation due at 00:55 was missed; then the nursing review.
    assert lapses[1] == ReviewLapse(kind=ClockKind.SECLUSION_OBSERVATION, due_at=START + 55 * M)
    assert lapses[1].missed
    assert lapses[1].late_by is None
    assert lapses[2] == ReviewLapse(kind=ClockKind.SECLUSION_NURSING, due_at=START + 2 * H)
    assert len(lapses) == 3  # medical due 04:50, internal MDT due 24:00: after the end
