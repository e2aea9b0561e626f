"""Tools shared by the demo-ward generator: one seeded source of every choice and identifier,
and the timeline that puts record versions in the order they are saved.

Contract: everything the generator makes comes from one :class:`DemoRandom`, consumed in a
fixed order, so the same seed and the same ``now`` give the same ward, byte for byte. Nothing
here reads the clock, the file system or the store.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from uuid import UUID

from app.models.base import Record
from app.models.clock import LONDON, as_utc, to_local

ONE_MINUTE = timedelta(minutes=1)

T = TypeVar("T")
R = TypeVar("R", bound=Record)


def minutes(count: int) -> timedelta:
    """``count`` whole minutes."""
    return timedelta(minutes=count)


def floor_minute(instant: datetime) -> datetime:
    """``instant`` in UTC without seconds: times on the ward are written to the minute."""
    return as_utc(instant).replace(second=0, microsecond=0)


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of ``hour:minute`` on the ward's wall clock on ``day``."""
    return as_utc(datetime.combine(day, time(hour, minute), tzinfo=LONDON))


def local_hour(instant: datetime) -> int:
    """The hour on the ward's wall clock at ``instant``."""
    return to_local(instant).hour


def revise(record: R, **changes: Any) -> R:
    """A new version of ``record`` with ``changes``, validated like any other input."""
    return type(record).model_validate(record.model_dump() | changes)


class DemoRandom:
    """The generator's only source of randomness: choices, whole-minute spans and UUIDs."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - demo data, not security

    def uuid(self) -> UUID:
        """A random version-4 UUID drawn from the seed (not from the operating system)."""
        return UUID(int=self._rng.getrandbits(128), version=4)

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high`` inclusive."""
        return self._rng.randint(low, high)

    def span(self, low: int, high: int) -> timedelta:
        """A span of ``low`` to ``high`` whole minutes."""
        return minutes(self._rng.randint(low, high))

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self._rng.random() < probability

    def pick(self, options: Sequence[T]) -> T:
        """One of ``options``, uniformly."""
        return options[self._rng.randrange(len(options))]

    def weighted(self, options: Sequence[T], weights: Sequence[float]) -> T:
        """One of ``options`` with the given relative weights."""
        return self._rng.choices(options, weights=weights, k=1)[0]

    def sample(self, options: Sequence[T], count: int) -> list[T]:
        """``count`` distinct elements of ``options`` in random order."""
        return self._rng.sample(list(options), count)

    def instant_between(self, start: datetime, end: datetime) -> datetime:
        """A whole-minute instant in ``[start, end]`` (both already on the minute)."""
        span = int((end - start) / ONE_MINUTE)
        return start + minutes(self._rng.randint(0, max(span, 0)))


@dataclass(frozen=True, slots=True)
class Step:
    """One record version to save: when it was saved on the ward, and the amendment reason."""

    at: datetime
    order: int
    record: Record
    reason: str | None = None


@dataclass
class Timeline:
    """Record versions in the order the ward saved them. Versions of one record must be added
    in their own order with non-decreasing times; the sort keeps insertion order on ties.
    """

    _steps: list[Step] = field(default_factory=list)

    def add(self, at: datetime, record: Record, reason: str | None = None) -> None:
        """Save ``record`` (a new record or its next version) at ``at``."""
        self._steps.append(Step(as_utc(at), len(self._steps), record, reason))

    def ordered(self) -> tuple[Step, ...]:
        """Every version, oldest first."""
        return tuple(sorted(self._steps, key=lambda step: (step.at, step.order)))
