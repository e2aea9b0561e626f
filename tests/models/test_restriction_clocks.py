"""Review clocks of blanket and individual restrictions: the review date, the policy interval,
due soon, overdue, stopped, and both UK clock changes (app.models.restriction_period)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.models.blanket_restrictions import blanket_restriction_clock
from app.models.clock import format_local
from app.models.individual_restrictions import individual_restriction_clock
from app.models.policy import RestrictionPolicy
from app.models.restriction_period import due_soon
from app.models.review_clocks import ClockKind, ClockState
from tests.models.isolation_builders import NURSE, START
from tests.models.restriction_builders import (
    WARD_MANAGER,
    blanket_restriction,
    individual_restriction,
)

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
H = timedelta(hours=1)

# START is Wed 1 May 2024 10:00 UTC (11:00 BST).
THREE_MONTHS = datetime(2024, 8, 1, 10, tzinfo=UTC)
REVIEWED = START + 20 * DAY  # Tue 21 May 11:00 BST


# (what the restriction holds, when its review is next due)
BLANKET_DUE = [
    pytest.param({}, THREE_MONTHS, id="three_months_from_the_start"),
    pytest.param(
        {"reviewed_at": REVIEWED, "reviewed_by": WARD_MANAGER},
        datetime(2024, 8, 21, 10, tzinfo=UTC),
        id="three_months_from_the_last_review",
    ),
    pytest.param(
        {"review_on": date(2024, 6, 15)},
        datetime(2024, 6, 15, 23, tzinfo=UTC),  # the end of 15 June on the ward clock
        id="an_earlier_review_date_comes_first",
    ),
    pytest.param(
        {"review_on": date(2024, 12, 1)},
        THREE_MONTHS,
        id="a_later_review_date_does_not_stretch_the_interval",
    ),
    pytest.param(
        {"reviewed_at": REVIEWED, "reviewed_by": WARD_MANAGER, "review_on": date(2024, 7, 1)},
        datetime(2024, 7, 1, 23, tzinfo=UTC),
        id="the_review_date_set_at_the_last_review",
    ),
]


@pytest.mark.parametrize(("fields", "due"), BLANKET_DUE)
@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE), (timedelta(0), ClockState.DUE), (SECOND, ClockState.OVERDUE)],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_blanket_review_due_and_overdue(
    fields: dict[str, Any], due: datetime, offset: timedelta, state: ClockState
) -> None:
    clock = blanket_restriction_clock(blanket_restriction(**fields), due + offset)
    assert clock.kind is ClockKind.BLANKET_RESTRICTION_REVIEW
    assert clock.next_due == due
    assert clock.state is state
    assert clock.overdue is (state is ClockState.OVERDUE)
    assert clock.last_done == fields.get("reviewed_at")
    assert "at least every 3 months on the ward clock" in clock.basis


INDIVIDUAL_DUE = [
    pytest.param({}, START + 7 * DAY, id="seven_days_from_the_start"),
    pytest.param(
        {"reviewed_at": START + 3 * DAY, "reviewed_by": NURSE},
        START + 10 * DAY,
        id="seven_days_from_the_last_review",
    ),
    pytest.param(
        {"review_on": date(2024, 5, 3)},
        datetime(2024, 5, 3, 23, tzinfo=UTC),
        id="an_earlier_review_date_comes_first",
    ),
]


@pytest.mark.parametrize(("fields", "due"), INDIVIDUAL_DUE)
@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE), (timedelta(0), ClockState.DUE), (SECOND, ClockState.OVERDUE)],
    ids=["just_before", "exactly_at", "just_after"],
)
def test_individual_review_due_and_overdue(
    fields: dict[str, Any], due: datetime, offset: timedelta, state: ClockState
) -> None:
    clock = individual_restriction_clock(individual_restriction(**fields), due + offset)
    assert clock.kind is ClockKind.INDIVIDUAL_RESTRICTION_REVIEW
    assert clock.next_due == due
    assert clock.state is state
    assert "at least every 7 days on the ward clock" in clock.basis


def test_an_ended_restriction_stops_its_clock() -> None:
    end = START + 200 * DAY
    ended = blanket_restriction(
        ended_at=end,
        ended_by=WARD_MANAGER,
        end_reason="Replaced by individual risk assessments",
        reviewed_at=REVIEWED,
        reviewed_by=WARD_MANAGER,
    )
    clock = blanket_restriction_clock(ended, end)
    assert clock.state is ClockState.STOPPED
    assert clock.next_due is None
    assert not clock.overdue
    assert clock.last_done == REVIEWED
    # While it still ran, the clock ran (and was overdue long before the end).
    assert blanket_restriction_clock(ended, end - SECOND).state is ClockState.OVERDUE


@pytest.mark.parametrize(
    ("before_due", "soon"),
    [
        (15 * DAY, False),
        (14 * DAY + SECOND, False),
        (14 * DAY, True),
        (DAY, True),
        (timedelta(0), True),
        (-SECOND, False),  # overdue is red, not amber
    ],
    ids=["15_days", "just_over_14_days", "exactly_14_days", "1_day", "at_due", "overdue"],
)
def test_due_soon_within_the_policy_days(before_due: timedelta, soon: bool) -> None:
    policy = RestrictionPolicy()
    within = timedelta(days=policy.blanket_review_due_soon_days)
    at = THREE_MONTHS - before_due
    clock = blanket_restriction_clock(blanket_restriction(), at, policy)
    assert due_soon(clock, at, within) is soon
    # A clock computed earlier turns amber then red as time passes, without recomputing.
    early = blanket_restriction_clock(blanket_restriction(), START)
    assert due_soon(early, at, within) is soon


def test_a_stopped_clock_is_never_due_soon() -> None:
    ended = blanket_restriction(
        ended_at=START + DAY, ended_by=WARD_MANAGER, end_reason="Lifted after the fire review"
    )
    clock = blanket_restriction_clock(ended, THREE_MONTHS)
    assert not due_soon(clock, THREE_MONTHS - DAY, timedelta(days=14))


def test_the_policy_sets_the_intervals() -> None:
    policy = RestrictionPolicy(blanket_review_interval_months=1, individual_review_interval_days=14)
    assert blanket_restriction_clock(blanket_restriction(), START, policy).next_due == datetime(
        2024, 6, 1, 10, tzinfo=UTC
    )
    individual = individual_restriction_clock(individual_restriction(), START, policy)
    assert individual.next_due == START + 14 * DAY
    assert "at least every 14 days" in individual.basis


def test_months_are_calendar_months_clamped_to_the_month_end() -> None:
    start = datetime(2023, 11, 30, 10, tzinfo=UTC)
    clock = blanket_restriction_clock(blanket_restriction(started_at=start), start)
    assert format_local(clock.next_due or start) == "Thu 29 Feb 2024 10:00 GMT"


# Across both UK clock changes: interval due times keep their wall-clock time; a review date
# is due by the end of that ward day, whatever the length of the day.
CLOCK_CHANGE = [
    pytest.param(
        "blanket",
        {"started_at": datetime(2023, 12, 31, 10, tzinfo=UTC)},  # Sun 10:00 GMT
        datetime(2024, 3, 31, 9, tzinfo=UTC),
        "Sun 31 Mar 2024 10:00 BST",
        id="blanket_interval_over_march",
    ),
    pytest.param(
        "blanket",
        {"started_at": datetime(2024, 7, 27, 9, tzinfo=UTC)},  # Sat 10:00 BST
        datetime(2024, 10, 27, 10, tzinfo=UTC),
        "Sun 27 Oct 2024 10:00 GMT",
        id="blanket_interval_over_october",
    ),
    pytest.param(
        "blanket",
        {"started_at": datetime(2024, 3, 1, 10, tzinfo=UTC), "review_on": date(2024, 3, 31)},
        datetime(2024, 3, 31, 23, tzinfo=UTC),  # the 23-hour day ends at 23:00 UTC
        "Mon 01 Apr 2024 00:00 BST",
        id="blanket_review_date_on_the_march_change",
    ),
    pytest.param(
        "blanket",
        {"started_at": datetime(2024, 10, 1, 9, tzinfo=UTC), "review_on": date(2024, 10, 27)},
        datetime(2024, 10, 28, 0, tzinfo=UTC),  # the 25-hour day ends at 00:00 UTC
        "Mon 28 Oct 2024 00:00 GMT",
        id="blanket_review_date_on_the_october_change",
    ),
    pytest.param(
        "individual",
        {"started_at": datetime(2024, 3, 25, 10, tzinfo=UTC)},  # Mon 10:00 GMT
        datetime(2024, 4, 1, 9, tzinfo=UTC),  # 167 hours later
        "Mon 01 Apr 2024 10:00 BST",
        id="individual_week_over_march",
    ),
    pytest.param(
        "individual",
        {"started_at": datetime(2024, 10, 21, 9, tzinfo=UTC)},  # Mon 10:00 BST
        datetime(2024, 10, 28, 10, tzinfo=UTC),  # 169 hours later
        "Mon 28 Oct 2024 10:00 GMT",
        id="individual_week_over_october",
    ),
    pytest.param(
        "individual",
        {
            "started_at": datetime(2024, 3, 25, 10, tzinfo=UTC),
            "reviewed_at": datetime(2024, 3, 29, 14, tzinfo=UTC),  # Fri 14:00 GMT
            "reviewed_by": NURSE,
        },
        datetime(2024, 4, 5, 13, tzinfo=UTC),
        "Fri 05 Apr 2024 14:00 BST",
        id="individual_week_from_a_review_over_march",
    ),
]


@pytest.mark.parametrize(("which", "fields", "due", "shown"), CLOCK_CHANGE)
def test_clock_changes(which: str, fields: dict[str, Any], due: datetime, shown: str) -> None:
    if which == "blanket":
        restriction = blanket_restriction(**fields)
        clock = blanket_restriction_clock(restriction, restriction.started_at)
    else:
        individual = individual_restriction(**fields)
        clock = individual_restriction_clock(individual, individual.started_at)
    assert clock.next_due == due
    assert format_local(due) == shown
    assert clock.state is ClockState.DUE
    assert clock.overdue_at(due + H)
    assert not clock.overdue_at(due)
