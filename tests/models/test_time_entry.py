"""Times typed on a form: "14:05" is today on the ward's clock, "now" is this minute, and both
clock-change nights are handled (domain.md §2 items (b), (c); Europe/London wall clock)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.clock import to_local
from app.models.time_entry import (
    HELP,
    TimeEntryError,
    floor_minute,
    format_time_entry,
    parse_time_entry,
    wall_instants,
)

#: A summer afternoon (BST, UTC+1): 15:42:30 on the ward's clock.
SUMMER = datetime(2026, 7, 15, 14, 42, 30, tzinfo=UTC)
#: A winter morning (GMT): 09:10 on the ward's clock.
WINTER = datetime(2026, 1, 20, 9, 10, 5, tzinfo=UTC)
#: The clocks go forward at 01:00 GMT on 29 March 2026 (01:00–01:59 does not exist).
SPRING_DAY = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
#: The clocks go back at 02:00 BST on 25 October 2026 (01:00–01:59 happens twice).
AUTUMN_DAY = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "now", "expected"),
    [
        # "now" and friends: this minute, seconds dropped
        ("now", SUMMER, utc(2026, 7, 15, 14, 42)),
        ("NOW", SUMMER, utc(2026, 7, 15, 14, 42)),
        ("n", SUMMER, utc(2026, 7, 15, 14, 42)),
        ("now-10", SUMMER, utc(2026, 7, 15, 14, 32)),
        ("now - 90", SUMMER, utc(2026, 7, 15, 13, 12)),
        # a bare time is today on the ward's clock (BST in summer, GMT in winter)
        ("14:05", SUMMER, utc(2026, 7, 15, 13, 5)),
        ("1405", SUMMER, utc(2026, 7, 15, 13, 5)),
        ("14.05", SUMMER, utc(2026, 7, 15, 13, 5)),
        ("9:05", WINTER, utc(2026, 1, 20, 9, 5)),
        ("905", WINTER, utc(2026, 1, 20, 9, 5)),
        ("00:00", WINTER, utc(2026, 1, 20, 0, 0)),
        ("  15:45  ", SUMMER, utc(2026, 7, 15, 14, 45)),  # within the 5-minute tolerance
        # a bare time still to come today is last night's
        ("23:50", WINTER, utc(2026, 1, 19, 23, 50)),
        ("15:48", SUMMER, utc(2026, 7, 14, 14, 48)),
        # a day first
        ("today 08:00", WINTER, utc(2026, 1, 20, 8, 0)),
        ("yesterday 23:50", WINTER, utc(2026, 1, 19, 23, 50)),
        ("Yesterday 08:00", SUMMER, utc(2026, 7, 14, 7, 0)),
        ("03/07 10:00", SUMMER, utc(2026, 7, 3, 9, 0)),
        ("3/7/2026 10:00", SUMMER, utc(2026, 7, 3, 9, 0)),
        ("01/12 10:00", SUMMER, utc(2025, 12, 1, 10, 0)),  # December still to come: last year's
        ("29/02/2024 12:00", SUMMER, utc(2024, 2, 29, 12, 0)),
    ],
)
def test_what_a_typed_time_means(typed: str, now: datetime, expected: datetime) -> None:
    assert parse_time_entry(typed, now) == expected


@pytest.mark.parametrize(
    ("typed", "now", "expected"),
    [
        # spring: 00:59 GMT is followed by 02:00 BST
        ("00:30", SPRING_DAY, utc(2026, 3, 29, 0, 30)),
        ("02:30", SPRING_DAY, utc(2026, 3, 29, 1, 30)),
        ("12:30", SPRING_DAY, utc(2026, 3, 29, 11, 30)),
        # autumn: the first 01:30 is BST, the second GMT; other times are plain
        ("01:30 BST", AUTUMN_DAY, utc(2026, 10, 25, 0, 30)),
        ("01:30 GMT", AUTUMN_DAY, utc(2026, 10, 25, 1, 30)),
        ("00:30", AUTUMN_DAY, utc(2026, 10, 24, 23, 30)),
        ("02:30", AUTUMN_DAY, utc(2026, 10, 25, 2, 30)),
        ("12:00 GMT", AUTUMN_DAY, utc(2026, 10, 25, 12, 0)),
        # written up the next day: the day says which night
        ("25/10 01:59 BST", AUTUMN_DAY + timedelta(days=1), utc(2026, 10, 25, 0, 59)),
        ("yesterday 02:15", SPRING_DAY + timedelta(days=1), utc(2026, 3, 29, 1, 15)),
        # just before the clocks go back, a bare 01:30 still to come is last night's
        ("01:30", utc(2026, 10, 24, 23, 10), utc(2026, 10, 24, 0, 30)),
        # before the clocks go forward, 01:30 is still to come (and never will be): last night's
        ("01:30", utc(2026, 3, 29, 0, 30), utc(2026, 3, 28, 1, 30)),
    ],
)
def test_both_clock_change_days(typed: str, now: datetime, expected: datetime) -> None:
    assert parse_time_entry(typed, now) == expected


@pytest.mark.parametrize(
    ("typed", "now", "rule"),
    [
        ("", SUMMER, "No time given"),
        ("   ", SUMMER, "No time given"),
        ("teatime", SUMMER, "Not a time"),
        ("24:00", SUMMER, "hours run from 00 to 23"),
        ("12:60", SUMMER, "minutes from 00 to 59"),
        ("12:5", SUMMER, "Not a time"),
        ("31/02 10:00", SUMMER, "no such day"),
        ("monday 10:00", SUMMER, "Not a date"),
        ("today 10:00 extra", SUMMER, "Not a time"),
        ("today 16:30", SUMMER, "still to come"),
        ("15/07/2027 10:00", SUMMER, "still to come"),
        ("now-", SUMMER, "Not a time"),
        ("01:30", AUTUMN_DAY, "happened twice"),
        ("01:30", SPRING_DAY, "did not exist"),
        ("01:30 BST", SPRING_DAY, "did not exist"),
        ("12:00 BST", WINTER, "did not show BST"),
        ("02:30 BST", AUTUMN_DAY, "did not show BST"),
    ],
)
def test_what_is_refused_says_the_rule_and_not_what_was_typed(
    typed: str, now: datetime, rule: str
) -> None:
    with pytest.raises(TimeEntryError, match=rule) as caught:
        parse_time_entry(typed, now)
    if typed.strip():  # the examples of HELP aside
        assert typed.strip() not in str(caught.value).replace(HELP, "")


@pytest.mark.parametrize(
    ("value", "now", "shown"),
    [
        (utc(2026, 7, 15, 13, 5, 59), SUMMER, "14:05"),
        (utc(2026, 7, 14, 22, 50), SUMMER, "yesterday 23:50"),
        (utc(2026, 7, 3, 9, 0), SUMMER, "03/07/2026 10:00"),
        (utc(2026, 10, 25, 0, 30), AUTUMN_DAY, "01:30 BST"),
        (utc(2026, 10, 25, 1, 30), AUTUMN_DAY, "01:30 GMT"),
        (utc(2026, 10, 25, 0, 30), AUTUMN_DAY + timedelta(days=3), "25/10/2026 01:30 BST"),
    ],
)
def test_how_a_time_is_shown(value: datetime, now: datetime, shown: str) -> None:
    assert format_time_entry(value, now) == shown


def test_wall_instants_on_the_change_nights() -> None:
    assert wall_instants(SPRING_DAY.date(), time(1, 30)) == ()
    assert len(wall_instants(AUTUMN_DAY.date(), time(1, 30))) == 2
    assert len(wall_instants(AUTUMN_DAY.date(), time(2, 30))) == 1


@given(
    value=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2028, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    ahead=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900)),
)
def test_a_shown_time_typed_back_is_the_same_minute(value: datetime, ahead: timedelta) -> None:
    now = value + ahead
    shown = format_time_entry(value, now)
    assert parse_time_entry(shown, now) == floor_minute(value)
    assert to_local(parse_time_entry(shown, now)).minute == to_local(value).minute
