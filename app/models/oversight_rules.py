"""The rules behind the oversight figures (issue 8 item 4; domain.md §4.4 published measures,
§6 protected characteristics): the reporting period, rates per 1,000 occupied bed days, the
rate ratio of a group against the rest with its 95 % confidence interval, the median, occupied
bed days by age band, and small-number suppression.

Each rule is a plain function of plain values, so a fixture's right answer can be worked out
by hand (tests/models/test_oversight_rules.py does, in its comments).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, overload

from app.models.admission import HospitalSpell, occupied_bed_days
from app.models.characteristics import AgeBand, age_band, age_on
from app.models.clock import local_date, local_midnight

# ------------------------------------------------------------------------------- the period


@dataclass(frozen=True, slots=True)
class Period:
    """The days ``first`` … ``last`` inclusive on the ward's (Europe/London) calendar.
    Raises ``ValueError`` when it ends before it starts.
    """

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("to: the period must not end before it starts")

    @property
    def starts_at(self) -> datetime:
        """The UTC instant the first day begins (local midnight)."""
        return local_midnight(self.first)

    @property
    def ends_at(self) -> datetime:
        """The UTC instant the last day ends (local midnight after it), exclusive."""
        return local_midnight(self.last + timedelta(days=1))

    def contains(self, instant: datetime) -> bool:
        """The instant falls on one of the period's days (ward calendar)."""
        return self.contains_day(local_date(instant))

    def contains_day(self, day: date) -> bool:
        """``day`` (a ward calendar date) is one of the period's days."""
        return self.first <= day <= self.last

    def months(self) -> list[Period]:
        """The calendar months the period touches, each cut to the period."""
        found: list[Period] = []
        first = self.first
        while first <= self.last:
            following = _first_of_next_month(first)
            found.append(Period(first, min(self.last, following - timedelta(days=1))))
            first = following
        return found


def _first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def last_full_months(today: date, months: int = 12) -> Period:
    """The default reporting period: the last ``months`` full calendar months before the
    month of ``today`` (printed on 15 March 2026: 1 March 2025 to 28 February 2026).
    """
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, last)


# --------------------------------------------------------------------------------- rates


def rate_per_thousand(count: int, bed_days: int) -> float | None:
    """``count`` per 1,000 occupied bed days (domain.md §4.4): ``count × 1000 / bed_days``;
    ``None`` when there were no occupied bed days (a rate would be meaningless, not zero).
    """
    if count < 0 or bed_days < 0:
        raise ValueError("count: must not be negative")
    return None if bed_days == 0 else count * 1000 / bed_days


#: The standard normal quantile for a two-sided 95 % interval, as usually printed.
Z_95 = 1.96


@dataclass(frozen=True, slots=True)
class RateRatio:
    """A group's rate divided by the rest's, with its 95 % confidence interval."""

    ratio: float
    lower: float
    upper: float

    @property
    def significant(self) -> bool:
        """The interval leaves out 1 (no difference)."""
        return self.lower > 1 or self.upper < 1


def rate_ratio(a: int, pa: int, b: int, pb: int) -> RateRatio | None:
    """The rate ratio of a group (``a`` events in ``pa`` occupied bed days) against the rest
    (``b`` events in ``pb`` bed days), by the log method (domain.md §4.4 rates, §6 breakdowns
    by protected characteristic):

        RR = (a / pa) / (b / pb);   SE(ln RR) = sqrt(1/a + 1/b);
        95 % CI = exp(ln RR ± 1.96 × SE).

    Zero counts: the log method needs both ``a`` and ``b`` above zero (ln 0 and 1/0 are
    undefined). When either count is zero, or either group has no bed days, there is no ratio
    and ``None`` is returned — the report prints "not calculable" rather than a ratio of 0
    or infinity with no interval, and no continuity correction is made up: the reader sees
    the counts and bed days and draws their own conclusion. Raises ``ValueError`` for a
    negative count or bed days.
    """
    if min(a, pa, b, pb) < 0:
        raise ValueError("count: must not be negative")
    if a == 0 or b == 0 or pa == 0 or pb == 0:
        return None
    ratio = (a / pa) / (b / pb)
    spread = Z_95 * math.sqrt(1 / a + 1 / b)
    log_ratio = math.log(ratio)
    return RateRatio(ratio, math.exp(log_ratio - spread), math.exp(log_ratio + spread))


# -------------------------------------------------------------------------------- median


@overload
def median(values: Iterable[timedelta]) -> timedelta | None: ...
@overload
def median(values: Iterable[float]) -> float | None: ...
def median(values: Iterable[Any]) -> Any:
    """The middle value; with an even number of values, the mean of the two middle ones
    (domain.md §4.4 "median seclusion duration"). ``None`` for no values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# ----------------------------------------------------------------- bed days by age band


def bed_days_by_age_band(
    spells: Sequence[HospitalSpell],
    date_of_birth: date | None,
    period: Period,
    *,
    as_of: datetime,
) -> dict[AgeBand, int]:
    """One patient's occupied bed days in ``period`` (the midnight convention of
    :mod:`app.models.admission`, domain.md §4.4), split by the published age band
    (:func:`~app.models.characteristics.age_band`) the patient was in **on each day**: the
    period is cut at each birthday, so a patient who turns 18 mid-spell counts under 18 up to
    the day before their birthday and 18 to 24 from it. No date of birth: all "not known".
    """
    if date_of_birth is None:
        days = occupied_bed_days(spells, period.first, period.last, as_of=as_of)
        return {AgeBand.NOT_KNOWN: days} if days else {}
    found: dict[AgeBand, int] = {}
    first = max(period.first, date_of_birth)
    while first <= period.last:
        age = age_on(date_of_birth, first)
        next_birthday = _birthday(date_of_birth, age + 1)
        last = min(period.last, next_birthday - timedelta(days=1))
        days = occupied_bed_days(spells, first, last, as_of=as_of)
        if days:
            band = age_band(age)
            found[band] = found.get(band, 0) + days
        first = next_birthday
    return found


def _birthday(date_of_birth: date, age: int) -> date:
    """The day someone reaches ``age`` (29 February: 1 March in a common year, as
    :func:`~app.models.characteristics.age_on` reads it)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return date(date_of_birth.year + age, 3, 1)


# ----------------------------------------------------------------------------- suppression

#: Counts from 1 up to this, exclusive, are hidden in anything meant to leave the ward.
SUPPRESS_BELOW = 5


class Hidden(StrEnum):
    """Why a figure is not shown."""

    SMALL = "small"  # a count from 1 to 4 (primary suppression)
    SECONDARY = "secondary"  # shown, it would let a small count be worked out from a total


@dataclass(frozen=True, slots=True)
class Cell:
    """A count in a published table, and whether (and why) it is hidden."""

    value: int
    hidden: Hidden | None = None

    @property
    def shown(self) -> int | None:
        """The value, or ``None`` when hidden."""
        return None if self.hidden else self.value


def is_small(count: int) -> bool:
    """A count that could identify a patient: 1 to 4 (domain.md §6; issue 8: "counts under
    5 are suppressed"). Zero is shown: it says that nobody in a group had the event, which
    points at no one; a small positive count points at one of very few people.
    """
    return 0 < count < SUPPRESS_BELOW


def suppress_alone(count: int, *, suppress: bool = True) -> Cell:
    """A count that is not part of a total (primary suppression only)."""
    return Cell(count, Hidden.SMALL if suppress and is_small(count) else None)


def suppress_line(
    values: Sequence[int],
    total: int,
    *,
    suppress: bool = True,
    sublines: Sequence[tuple[Sequence[int], bool]] = (),
) -> tuple[list[Cell], Cell]:
    """Suppression of one line of a table: ``values`` whose sum is ``total`` (domain.md §6;
    issue 8). With ``suppress`` false every cell is shown (a copy that stays on the ward).

    1. **Primary**: every count from 1 to 4 is hidden, the total included.
    2. **Secondary**: while a shown total could give back the hidden cells — one hidden cell
       (total minus the rest gives it back), or several whose sum is itself under 5 — the
       smallest shown cell above zero is hidden as well (the first of equals).
    3. **Nested lines**: ``sublines`` are groups of cells (indices) whose own total is
       published elsewhere — ethnic categories within a broad ethnic group — with whether
       that total is hidden there. Step 2 applies within each subline whose total is shown;
       when it is hidden, every cell of the subline above zero is hidden too, or the cells
       would add up to it. Steps repeat until nothing changes.

    A figure derived from a hidden count (its rate, its rate ratio) is hidden with it by the
    caller.
    """
    if len(values) and sum(values) != total:
        raise ValueError("total: must be the sum of the values")
    if not suppress:
        return [Cell(v) for v in values], Cell(total)
    hidden: dict[int, Hidden] = {i: Hidden.SMALL for i, v in enumerate(values) if is_small(v)}
    total_hidden: Hidden | None = Hidden.SMALL if is_small(total) else None
    lines: list[tuple[Sequence[int], bool]] = [
        (range(len(values)), total_hidden is not None),
        *sublines,
    ]
    changed = True
    while changed:
        changed = False
        for indices, line_total_hidden in lines:
            if line_total_hidden:
                for i in indices:
                    if values[i] > 0 and i not in hidden:
                        hidden[i] = Hidden.SECONDARY
                        changed = True
                continue
            changed |= _hide_one_more(values, indices, hidden)
    return [Cell(v, hidden.get(i)) for i, v in enumerate(values)], Cell(total, total_hidden)


def _hide_one_more(
    values: Sequence[int], indices: Sequence[int], hidden: dict[int, Hidden]
) -> bool:
    """Step 2 of :func:`suppress_line` on one line with a shown total: hides one more cell
    when the hidden ones could be given back; True when it did. (With the line's total at 5
    or more, a recoverable hidden set always leaves a shown cell above zero to hide.)"""
    hidden_here = [i for i in indices if i in hidden]
    if not hidden_here:
        return False
    if len(hidden_here) > 1 and sum(values[i] for i in hidden_here) >= SUPPRESS_BELOW:
        return False
    candidates = [i for i in indices if i not in hidden and values[i] > 0]
    if not candidates:
        return False
    hidden[min(candidates, key=lambda i: values[i])] = Hidden.SECONDARY
    return True
