"""The long-term segregation review clock at an instant (domain.md §3 "Long-term
segregation").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.models.clock import add_local_calendar, format_local
from app.models.policy import SegregationPolicy
from app.models.review_clocks import ClockKind, ClockState, ReviewClock, ReviewLapse
from app.models.segregation import LtsEpisode, LtsReviewKind
from app.models.segregation_clock import lts_clocks, lts_lapses
from tests.models.isolation_builders import (
    RESPONSIBLE_CLINICIAN,
    START,
    lts_episode,
    lts_review,
)

SECOND = timedelta(seconds=1)
H = timedelta(hours=1)
DAY = timedelta(days=1)
SIX_MONTHS = SegregationPolicy(icetr_within_months=6)


def _clock(
    episode: LtsEpisode,
    at: datetime,
    reviews: list[Any] | None = None,
    kind: ClockKind = ClockKind.LTS_MDT,
    *,
    needs_icetr: bool = True,
    policy: SegregationPolicy = SIX_MONTHS,
) -> ReviewClock:
    clocks = lts_clocks(episode, reviews or [], at, needs_icetr=needs_icetr, policy=policy)
    return next(c for c in clocks if c.kind is kind)


# START is Wed 1 May 2024 10:00 UTC (11:00 BST). kind, first due, due after one held at `done`.
DONE = START + 2 * DAY + 3 * H
REGULAR = [
    pytest.param(
        ClockKind.LTS_APPROVED_CLINICIAN,
        LtsReviewKind.APPROVED_CLINICIAN,
        START + 24 * H,
        START + 20 * H,
        START + 44 * H,
        id="approved_clinician",
    ),
    pytest.param(
        ClockKind.LTS_MDT,
        LtsReviewKind.MDT,
        datetime(2024, 5, 8, 10, tzinfo=UTC),
        DONE,
        DONE + 7 * DAY,
        id="mdt",
    ),
    pytest.param(
        ClockKind.LTS_EXTERNAL,
        LtsReviewKind.EXTERNAL,
        datetime(2024, 8, 1, 10, tzinfo=UTC),
        DONE,
        datetime(2024, 8, 3, 13, tzinfo=UTC),
        id="external",
    ),
    pytest.param(
        ClockKind.LTS_ICETR,
        LtsReviewKind.ICETR,
        datetime(2024, 11, 1, 11, tzinfo=UTC),  # 11:00 GMT: the wall clock keeps 11:00
        DONE,
        datetime(2024, 11, 3, 14, tzinfo=UTC),
        id="icetr",
    ),
]


@pytest.mark.parametrize(("kind", "review_kind", "first", "done", "after"), REGULAR)
@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE), (timedelta(0), ClockState.DUE), (SECOND, ClockState.OVERDUE)],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_first_due_from_the_start(
    *,
    kind: ClockKind,
    review_kind: LtsReviewKind,
    first: datetime,
    done: datetime,
    after: datetime,
    offset: timedelta,
    state: ClockState,
) -> None:
    clock = _clock(lts_episode(), first + offset, kind=kind)
    assert clock.next_due == first
    assert clock.state is state
    assert clock.overdue is (state is ClockState.OVERDUE)
    assert clock.last_done is None


@pytest.mark.parametrize(("kind", "review_kind", "first", "done", "after"), REGULAR)
@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE), (timedelta(0), ClockState.DUE), (SECOND, ClockState.OVERDUE)],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_a_review_restarts_the_clock(
    *,
    kind: ClockKind,
    review_kind: LtsReviewKind,
    first: datetime,
    done: datetime,
    after: datetime,
    offset: timedelta,
    state: ClockState,
) -> None:
    episode = lts_episode()
    reviews = [lts_review(episode, review_kind, done)]
    clock = _clock(episode, after + offset, reviews, kind=kind)
    assert clock.last_done == done
    assert clock.next_due == after
    assert clock.state is state
    if after > first:
        assert _clock(episode, first + SECOND, reviews, kind=kind).state is ClockState.DUE


@pytest.mark.parametrize(("kind", "review_kind", "first", "done", "after"), REGULAR)
def test_a_missed_review_is_a_lapse(
    *,
    kind: ClockKind,
    review_kind: LtsReviewKind,
    first: datetime,
    done: datetime,
    after: datetime,
) -> None:
    episode = lts_episode()
    late = first + 3 * H
    reviews = [lts_review(episode, review_kind, late)]
    lapses = lts_lapses(episode, reviews, late, needs_icetr=True, policy=SIX_MONTHS)
    mine = [lapse for lapse in lapses if lapse.kind is kind]
    assert mine[0] == ReviewLapse(kind=kind, due_at=first, done_at=late)
    assert mine[0].late_by == 3 * H


def test_other_kinds_and_other_episodes_do_not_reset_a_clock() -> None:
    episode = lts_episode()
    other = lts_episode()
    reviews = [
        lts_review(episode, LtsReviewKind.APPROVED_CLINICIAN, START + 5 * DAY),
        lts_review(other, LtsReviewKind.MDT, START + 5 * DAY),
    ]
    clock = _clock(episode, START + 6 * DAY, reviews)
    assert clock.last_done is None
    assert clock.next_due == datetime(2024, 5, 8, 10, tzinfo=UTC)


def test_the_clocks_in_order_and_icetr_only_when_needed() -> None:
    episode = lts_episode()
    clocks = lts_clocks(episode, [], START, needs_icetr=False)
    assert [c.kind for c in clocks] == [
        ClockKind.LTS_APPROVED_CLINICIAN,
        ClockKind.LTS_MDT,
        ClockKind.LTS_EXTERNAL,
    ]
    assert "every 24 hours" in clocks[0].basis
    assert "every 7 days on the ward clock" in clocks[1].basis
    assert "every 3 months on the ward clock" in clocks[2].basis
    with_icetr = lts_clocks(episode, [], START, needs_icetr=True, policy=SIX_MONTHS)
    assert with_icetr[-1].kind is ClockKind.LTS_ICETR
    assert "within 6 months" in with_icetr[-1].basis


def test_icetr_without_a_policy_interval_is_needed_with_no_date() -> None:
    episode = lts_episode()
    policy = SegregationPolicy()  # icetr_within_months None
    clock = _clock(episode, START + 400 * DAY, kind=ClockKind.LTS_ICETR, policy=policy)
    assert clock.state is ClockState.NEEDED
    assert clock.next_due is None
    assert not clock.overdue
    assert "no due date" in clock.basis
    done = [lts_review(episode, LtsReviewKind.ICETR, START + 30 * DAY)]
    clock = _clock(episode, START + 31 * DAY, done, kind=ClockKind.LTS_ICETR, policy=policy)
    assert clock.state is ClockState.NOT_NEEDED
    assert clock.last_done == START + 30 * DAY
    lapses = lts_lapses(episode, [], START + 400 * DAY, needs_icetr=True, policy=policy)
    assert not [lapse for lapse in lapses if lapse.kind is ClockKind.LTS_ICETR]


def test_an_ended_episode_stops_every_clock() -> None:
    end = START + 10 * DAY
    episode = lts_episode(ended_at=end, ended_by=RESPONSIBLE_CLINICIAN)
    reviews = [lts_review(episode, LtsReviewKind.MDT, START + 6 * DAY)]
    for policy in (SIX_MONTHS, SegregationPolicy()):
        clocks = lts_clocks(episode, reviews, end + 100 * DAY, needs_icetr=True, policy=policy)
        assert {c.state for c in clocks} == {ClockState.STOPPED}
        assert all(c.next_due is None and not c.overdue for c in clocks)
    assert clocks[1].last_done == START + 6 * DAY
    # Lapses stop at the end: AC reviews were missed from day 1; the MDT was on time.
    lapses = lts_lapses(episode, reviews, end + 100 * DAY, needs_icetr=True)
    assert [lapse.kind for lapse in lapses] == [ClockKind.LTS_APPROVED_CLINICIAN]
    assert lapses[0].due_at == START + DAY
    assert lapses[0].missed
    # While it still ran, the clocks ran.
    running = _clock(episode, START + 9 * DAY, reviews)
    assert running.state is ClockState.DUE


def test_a_policy_changes_the_intervals() -> None:
    policy = SegregationPolicy(
        approved_clinician_review_interval=timedelta(hours=12),
        mdt_review_interval_days=14,
        external_review_interval_months=1,
        icetr_within_months=2,
    )
    due = {
        c.kind: c.next_due
        for c in lts_clocks(lts_episode(), [], START, needs_icetr=True, policy=policy)
    }
    assert due[ClockKind.LTS_APPROVED_CLINICIAN] == START + 12 * H
    assert due[ClockKind.LTS_MDT] == START + 14 * DAY
    assert due[ClockKind.LTS_EXTERNAL] == datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert due[ClockKind.LTS_ICETR] == datetime(2024, 7, 1, 10, tzinfo=UTC)


def test_months_are_calendar_months_clamped_to_the_month_end() -> None:
    start = datetime(2024, 5, 31, 9, tzinfo=UTC)  # 10:00 BST on 31 May
    clock = _clock(lts_episode(started_at=start), start, kind=ClockKind.LTS_EXTERNAL)
    assert format_local(clock.next_due or start) == "Sat 31 Aug 2024 10:00 BST"
    start = datetime(2023, 11, 30, 10, tzinfo=UTC)
    clock = _clock(lts_episode(started_at=start), start, kind=ClockKind.LTS_EXTERNAL)
    assert format_local(clock.next_due or start) == "Thu 29 Feb 2024 10:00 GMT"


# LTS starting 00:30 local on the night of each clock change. The approved-clinician review is
# elapsed time (24 h); the weekly MDT and 3-monthly external reviews keep the wall-clock time.
CLOCK_CHANGE = [
    pytest.param(
        datetime(2024, 3, 31, 0, 30, tzinfo=UTC),  # 00:30 GMT, Sun 31 Mar 2024
        {
            ClockKind.LTS_APPROVED_CLINICIAN: (
                datetime(2024, 4, 1, 0, 30, tzinfo=UTC),
                "Mon 01 Apr 2024 01:30 BST",
            ),
            ClockKind.LTS_MDT: (
                datetime(2024, 4, 6, 23, 30, tzinfo=UTC),  # 167 hours later
                "Sun 07 Apr 2024 00:30 BST",
            ),
            ClockKind.LTS_EXTERNAL: (
                datetime(2024, 6, 29, 23, 30, tzinfo=UTC),
                "Sun 30 Jun 2024 00:30 BST",
            ),
        },
        id="march_spring_forward",
    ),
    pytest.param(
        datetime(2024, 10, 26, 23, 30, tzinfo=UTC),  # 00:30 BST, Sun 27 Oct 2024
        {
            ClockKind.LTS_APPROVED_CLINICIAN: (
                datetime(2024, 10, 27, 23, 30, tzinfo=UTC),
                "Sun 27 Oct 2024 23:30 GMT",
            ),
            ClockKind.LTS_MDT: (
                datetime(2024, 11, 3, 0, 30, tzinfo=UTC),  # 169 hours later
                "Sun 03 Nov 2024 00:30 GMT",
            ),
            ClockKind.LTS_EXTERNAL: (
                datetime(2025, 1, 27, 0, 30, tzinfo=UTC),
                "Mon 27 Jan 2025 00:30 GMT",
            ),
        },
        id="october_fall_back",
    ),
]


@pytest.mark.parametrize(("start", "expected"), CLOCK_CHANGE)
def test_clock_changes(start: datetime, expected: dict[ClockKind, tuple[datetime, str]]) -> None:
    clocks = {
        c.kind: c for c in lts_clocks(lts_episode(started_at=start), [], start, needs_icetr=False)
    }
    for kind, (utc, shown) in expected.items():
        assert clocks[kind].next_due == utc, kind
        assert format_local(utc) == shown


def test_a_weekly_review_keeps_its_wall_clock_time_across_the_october_change() -> None:
    episode = lts_episode(started_at=datetime(2024, 10, 1, 9, tzinfo=UTC))
    monday = datetime(2024, 10, 21, 9, tzinfo=UTC)  # Mon 10:00 BST
    reviews = [lts_review(episode, LtsReviewKind.MDT, monday)]
    clock = _clock(episode, monday + DAY, reviews)
    assert clock.next_due == datetime(2024, 10, 28, 10, tzinfo=UTC)
    assert format_local(clock.next_due) == "Mon 28 Oct 2024 10:00 GMT"
    assert clock.next_due == add_local_calendar(monday, days=7)
    assert clock.next_due - monday == 7 * DAY + H
