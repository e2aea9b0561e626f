"""The seclusion clock on the ward's wall clock: midnight, both UK clock changes, and the
small clock helpers (domain.md §3 "Seclusion"; hour-based clocks are elapsed time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models.clock import format_local
from app.models.review_clocks import ClockKind, ClockState, ReviewClock, describe_interval
from app.models.seclusion_clock import seclusion_clocks
from tests.models.isolation_builders import START, seclusion_episode

SECOND = timedelta(seconds=1)
H = timedelta(hours=1)


# ----------------------------------------------------------------------------- wall clock


def test_clocks_cross_midnight() -> None:
    start = datetime(2024, 5, 1, 22, 0, tzinfo=UTC)  # 23:00 BST
    clocks = seclusion_clocks(seclusion_episode(started_at=start), [], [], start)
    due = {c.kind: c.next_due for c in clocks}
    assert format_local(due[ClockKind.SECLUSION_OBSERVATION]) == "Wed 01 May 2024 23:15 BST"
    assert format_local(due[ClockKind.SECLUSION_MEDICAL]) == "Thu 02 May 2024 00:00 BST"
    assert format_local(due[ClockKind.SECLUSION_NURSING]) == "Thu 02 May 2024 01:00 BST"
    assert format_local(due[ClockKind.SECLUSION_INTERNAL_MDT]) == "Thu 02 May 2024 23:00 BST"


# Seclusion starting 00:30 local on the night the clocks change: hour-based clocks are elapsed
# time, so the wall-clock reading jumps with the change.
CLOCK_CHANGE = [
    pytest.param(
        datetime(2024, 3, 31, 0, 30, tzinfo=UTC),  # 00:30 GMT; 01:00 GMT becomes 02:00 BST
        {
            ClockKind.SECLUSION_OBSERVATION: (
                datetime(2024, 3, 31, 0, 45, tzinfo=UTC),
                "Sun 31 Mar 2024 00:45 GMT",
            ),
            ClockKind.SECLUSION_MEDICAL: (
                datetime(2024, 3, 31, 1, 30, tzinfo=UTC),
                "Sun 31 Mar 2024 02:30 BST",
            ),
            ClockKind.SECLUSION_NURSING: (
                datetime(2024, 3, 31, 2, 30, tzinfo=UTC),
                "Sun 31 Mar 2024 03:30 BST",
            ),
            ClockKind.SECLUSION_INTERNAL_MDT: (
                datetime(2024, 4, 1, 0, 30, tzinfo=UTC),
                "Mon 01 Apr 2024 01:30 BST",
            ),
        },
        (datetime(2024, 3, 31, 8, 30, tzinfo=UTC), "Sun 31 Mar 2024 09:30 BST"),
        id="march_spring_forward",
    ),
    pytest.param(
        datetime(2024, 10, 26, 23, 30, tzinfo=UTC),  # 00:30 BST; 02:00 BST becomes 01:00 GMT
        {
            ClockKind.SECLUSION_OBSERVATION: (
                datetime(2024, 10, 26, 23, 45, tzinfo=UTC),
                "Sun 27 Oct 2024 00:45 BST",
            ),
            ClockKind.SECLUSION_MEDICAL: (
                datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
                "Sun 27 Oct 2024 01:30 BST",
            ),
            ClockKind.SECLUSION_NURSING: (
                datetime(2024, 10, 27, 1, 30, tzinfo=UTC),
                "Sun 27 Oct 2024 01:30 GMT",  # the second 01:30 of the night
            ),
            ClockKind.SECLUSION_INTERNAL_MDT: (
                datetime(2024, 10, 27, 23, 30, tzinfo=UTC),
                "Sun 27 Oct 2024 23:30 GMT",
            ),
        },
        (datetime(2024, 10, 27, 7, 30, tzinfo=UTC), "Sun 27 Oct 2024 07:30 GMT"),
        id="october_fall_back",
    ),
]


@pytest.mark.parametrize(("start", "expected", "trigger"), CLOCK_CHANGE)
def test_hour_based_clocks_are_elapsed_time_across_clock_changes(
    start: datetime,
    expected: dict[ClockKind, tuple[datetime, str]],
    trigger: tuple[datetime, str],
) -> None:
    episode = seclusion_episode(started_at=start)
    clocks = {c.kind: c for c in seclusion_clocks(episode, [], [], start)}
    for kind, (utc, shown) in expected.items():
        assert clocks[kind].next_due == utc, kind
        assert format_local(utc) == shown
    later = seclusion_clocks(episode, [], [], start + 8 * H + SECOND)
    independent = next(c for c in later if c.kind is ClockKind.SECLUSION_INDEPENDENT_MDT)
    assert independent.overdue
    assert independent.next_due == trigger[0]
    assert format_local(trigger[0]) == trigger[1]


# ----------------------------------------------------------------------------- small helpers


@pytest.mark.parametrize(
    ("interval", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=2), "2 hours"),
        (timedelta(minutes=90), "1 hour 30 minutes"),
        (timedelta(hours=48), "48 hours"),
        (timedelta(0), "0 minutes"),
    ],
)
def test_describe_interval(interval: timedelta, words: str) -> None:
    assert describe_interval(interval) == words


def test_a_clock_state_must_match_its_due_time() -> None:
    with pytest.raises(ValueError, match="next_due"):
        ReviewClock(kind=ClockKind.LTS_MDT, state=ClockState.DUE, basis="weekly")
    with pytest.raises(ValueError, match="next_due"):
        ReviewClock(
            kind=ClockKind.LTS_MDT, state=ClockState.STOPPED, basis="weekly", next_due=START
        )
