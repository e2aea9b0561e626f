"""Time: instants are stored in UTC and shown in Europe/London.

Durations and hour-based clocks are computed on UTC instants, so they are right across the
October and March clock changes without special cases. Day-, week- and month-based clocks
("weekly MDT review", "external review every 3 months") follow the ward's wall clock, which is
what staff expect; :func:`add_local_calendar` does that arithmetic in Europe/London.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

#: How far ahead of this machine's clock an instant may be before it counts as "in the future".
#: Ward PCs drift; a record typed at 03:00 must not be refused for a clock a minute fast.
FUTURE_TOLERANCE = timedelta(minutes=5)


def utc_now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` converted to UTC. Raises ``ValueError`` for a naive datetime, and for one
    whose UTC form falls outside the calendar (year 1 east of Greenwich, year 9999 west)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must include a time zone")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside the dates the calendar can hold") from None


def to_local(value: datetime) -> datetime:
    """``value`` as Europe/London wall-clock time (aware)."""
    return as_utc(value).astimezone(LONDON)


def format_local(value: datetime) -> str:
    """Display form for staff, e.g. ``Sun 29 Oct 2023 01:30 GMT``."""
    return to_local(value).strftime("%a %d %b %Y %H:%M %Z")


def local_date(value: datetime) -> date:
    """The Europe/London calendar date of an instant (for "today", midnight boundaries)."""
    return to_local(value).date()


def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` begins on the ward's wall clock."""
    return datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    # Clamp to the month's last day: 31 May + 3 months is 31 Aug, 30 Nov + 3 months is 28/29 Feb.
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has at least 28 days")  # pragma: no cover


def add_local_calendar(value: datetime, *, days: int = 0, months: int = 0) -> datetime:
    """Add calendar days/months on the Europe/London wall clock; return UTC.

    10:00 on the Monday before the clocks change plus 7 days is 10:00 the next Monday, even
    though 167 or 169 hours have passed. A wall time that does not exist (01:30 on the March
    change) moves forward by the gap; an ambiguous one (01:30 on the October change) takes the
    first occurrence, so a due time never slips later than staff expect.
    """
    local = to_local(value)
    day = _add_months(local.date(), months) + timedelta(days=days)
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    candidate = naive.replace(tzinfo=LONDON, fold=0)
    # Round-trip through UTC: a non-existent wall time comes back shifted, which is what we want.
    return candidate.astimezone(UTC)
