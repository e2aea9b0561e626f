"""Times as staff type them on a form: ``14:05``, ``now``, ``yesterday 23:50``, ``29/03 01:30``.

The statutory record needs the start and end date-time of the incident and of each type of force
(domain.md §2 items (b) and (c)); staff type them as the ward's wall clock shows them
(Europe/London, :mod:`app.models.clock`), almost always for today. The rules, in one place:

- ``now`` (or ``n``) is the current minute; ``now-10`` is ten minutes ago;
- a bare time (``14:05``, ``1405``, ``14.05``, ``9:05``) is **today** on the ward's clock; a
  bare time still to come today (beyond :data:`~app.models.clock.FUTURE_TOLERANCE`) is
  **yesterday's** — a night shift writing up after midnight; the form shows the date it took;
- a day may be given first: ``today``, ``yesterday``, ``dd/mm`` (this year, or last year if
  that date is still to come) or ``dd/mm/yyyy``;
- on the night the clocks go back, 01:00–01:59 happens twice: such a time must say which, with
  ``BST`` (the first) or ``GMT`` (the second); on the night they go forward, 01:00–01:59 does
  not exist and is refused;
- a time later than now (beyond the tolerance) is refused: the record is of what happened.

Every message names the rule and never repeats what was typed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from app.models.clock import FUTURE_TOLERANCE, LONDON, as_utc, to_local
from app.models.errors import UserFacingError

#: Words that mean "the current minute".
NOW_WORDS = frozenset({"now", "n"})
#: What the form's tooltip says a time field accepts.
HELP = (
    'Type a time such as 14:05 (today), "now", "now-10" (ten minutes ago), '
    '"yesterday 23:50" or "29/03/2026 01:30". On the night the clocks go back, add BST or GMT.'
)

_NOW = re.compile(r"^(?:now|n)\s*(?:-\s*(\d{1,4}))?$")
_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
_ZONES = ("BST", "GMT")


class TimeEntryError(UserFacingError):
    """What was typed in a time field is not a time the record can hold (the message says
    which rule, never what was typed)."""


def floor_minute(value: datetime) -> datetime:
    """``value`` in UTC with its seconds dropped (London's offsets are whole hours, so this
    is the minute the ward's clock shows)."""
    return as_utc(value).replace(second=0, microsecond=0)


def wall_instants(day: date, at: time) -> tuple[datetime, ...]:
    """Every UTC instant at which the ward's clock reads ``day`` ``at``: none in the gap when
    the clocks go forward, two in the hour that repeats when they go back, else one."""
    naive = datetime.combine(day, at)
    found: list[datetime] = []
    for fold in (0, 1):
        instant = naive.replace(tzinfo=LONDON, fold=fold).astimezone(UTC)
        if to_local(instant).replace(tzinfo=None) == naive and instant not in found:
            found.append(instant)
    return tuple(sorted(found))


def _clock_time(text: str) -> time:
    match = _TIME.match(text)
    if match is None:
        raise TimeEntryError(f"Not a time: {HELP}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise TimeEntryError("Not a time: hours run from 00 to 23 and minutes from 00 to 59.")
    return time(hour, minute)


def _day(text: str, today: date) -> date:
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    match = _DATE.match(text)
    if match is None:
        raise TimeEntryError(f"Not a date: {HELP}")
    day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
    try:
        if year is not None:
            return date(int(year), month, day)
        found = date(today.year, month, day)
        return found if found <= today else date(today.year - 1, month, day)
    except ValueError:
        raise TimeEntryError("Not a date: there is no such day in the calendar.") from None


def _resolve(day: date, at: time, zone: str | None) -> datetime:
    instants = wall_instants(day, at)
    if not instants:
        raise TimeEntryError(
            "That time did not exist: the clocks went forward from 01:00 to 02:00 that night."
        )
    if zone is not None:
        named = [i for i in instants if to_local(i).tzname() == zone]
        if not named:
            raise TimeEntryError(f"The ward's clock did not show {zone} at that time.")
        return named[0]
    if len(instants) > 1:
        raise TimeEntryError(
            "That time happened twice: the clocks went back that night. Add BST for the first "
            "time or GMT for the second."
        )
    return instants[0]


def _still_to_come(day: date, at: time, latest: datetime) -> bool:
    """Whether ``at`` on ``day`` is still to come at ``latest`` (a time the clocks skip counts
    as the instant it is skipped to)."""
    shifted = datetime.combine(day, at).replace(tzinfo=LONDON).astimezone(UTC)
    return all(i > latest for i in wall_instants(day, at) or (shifted,))


def parse_time_entry(
    text: str, now: datetime, *, tolerance: timedelta = FUTURE_TOLERANCE
) -> datetime:
    """The UTC instant ``text`` means when typed at ``now`` (see the module docstring for
    the rules). Raises :class:`TimeEntryError` for anything else, and for a time later than
    ``now`` + ``tolerance``."""
    now = as_utc(now)
    words = " ".join(text.strip().lower().split())
    if not words:
        raise TimeEntryError(f"No time given: {HELP}")
    relative = _NOW.match(words)
    if relative is not None:
        return floor_minute(now) - timedelta(minutes=int(relative.group(1) or 0))
    parts = words.upper().split(" ")
    zone = parts.pop() if parts[-1] in _ZONES else None
    if not parts or len(parts) > 2:
        raise TimeEntryError(f"Not a time: {HELP}")
    at = _clock_time(parts[-1])
    today = to_local(now).date()
    latest = now + tolerance
    if len(parts) == 2:
        day = _day(parts[0].lower(), today)
    else:
        day = today - timedelta(days=1) if _still_to_come(today, at, latest) else today
    found = _resolve(day, at, zone)
    if found > latest:
        raise TimeEntryError("That time is still to come: record what has already happened.")
    return found


def format_time_entry(value: datetime, now: datetime) -> str:
    """How a time field shows ``value`` so that typing it back gives the same minute:
    ``14:05`` today, ``yesterday 23:50``, else ``29/03/2026 01:30`` (with BST or GMT in the
    hour that happens twice)."""
    local = to_local(value)
    today = to_local(now).date()
    clock = local.strftime("%H:%M")
    if len(wall_instants(local.date(), local.time().replace(second=0, microsecond=0))) > 1:
        clock = f"{clock} {local.tzname()}"
    if local.date() == today:
        return clock
    if local.date() == today - timedelta(days=1):
        return f"yesterday {clock}"
    return f"{local.strftime('%d/%m/%Y')} {clock}"
