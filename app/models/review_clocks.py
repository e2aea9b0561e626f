"""Review clocks: what the ward board and the segregation review document show for each kind
of review — when it was last done, when it is next due, and whether it is overdue
(domain.md §3; design.md "The UI": clocks visible on the ward board, red when overdue).

The values here are shared by :mod:`app.models.seclusion_clock` and
:mod:`app.models.segregation_clock`, which compute them **at a given instant** ``at`` from the
records as they stood then. Contract of every clock:

- ``next_due`` is counted from the start of the episode until the first review of that kind,
  then from the last one (a late review restarts the clock from when it was held);
- ``overdue`` means ``at`` is strictly later than ``next_due`` with no review since — at the
  exact due instant a clock is due, not overdue;
- an episode that has ended by ``at`` has stopped clocks: no next due, never overdue.

The same replay also lists past lapses (reviews done late or not at all) for compliance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import model_validator

from app.models.base import DomainModel, Instant
from app.models.clock import as_utc


class ClockKind(StrEnum):
    """Every clock the ward board shows: seclusion, LTS, and the restrictions beyond force."""

    SECLUSION_OBSERVATION = "seclusion_observation"
    SECLUSION_NURSING = "seclusion_nursing"
    SECLUSION_MEDICAL = "seclusion_medical"
    SECLUSION_INTERNAL_MDT = "seclusion_internal_mdt"
    SECLUSION_INDEPENDENT_MDT = "seclusion_independent_mdt"
    LTS_APPROVED_CLINICIAN = "lts_approved_clinician"
    LTS_MDT = "lts_mdt"
    LTS_EXTERNAL = "lts_external"
    LTS_ICETR = "lts_icetr"
    ENHANCED_OBSERVATION_REVIEW = "enhanced_observation_review"
    BLANKET_RESTRICTION_REVIEW = "blanket_restriction_review"
    INDIVIDUAL_RESTRICTION_REVIEW = "individual_restriction_review"

    @property
    def label(self) -> str:
        """Plain wording for the ward board and reports."""
        return _CLOCK_LABELS[self]


_CLOCK_LABELS: dict[ClockKind, str] = {
    ClockKind.SECLUSION_OBSERVATION: "Observation",
    ClockKind.SECLUSION_NURSING: "Nursing review",
    ClockKind.SECLUSION_MEDICAL: "Medical review",
    ClockKind.SECLUSION_INTERNAL_MDT: "Internal MDT review",
    ClockKind.SECLUSION_INDEPENDENT_MDT: "Independent MDT review",
    ClockKind.LTS_APPROVED_CLINICIAN: "Approved-clinician review",
    ClockKind.LTS_MDT: "MDT review",
    ClockKind.LTS_EXTERNAL: "External review",
    ClockKind.LTS_ICETR: "IC(E)TR",
    ClockKind.ENHANCED_OBSERVATION_REVIEW: "Enhanced observation review",
    ClockKind.BLANKET_RESTRICTION_REVIEW: "Blanket restriction review",
    ClockKind.INDIVIDUAL_RESTRICTION_REVIEW: "Individual restriction review",
}


class ClockState(StrEnum):
    """Where a clock stands at the instant it was computed."""

    DUE = "due"  # running: next_due is set and has not passed
    OVERDUE = "overdue"  # next_due has passed with no review since
    NEEDED = "needed"  # required, but no due date is set (IC(E)TR without a policy interval)
    NOT_NEEDED = "not_needed"  # not required now (independent MDT not triggered, or done)
    STOPPED = "stopped"  # the episode has ended


class ReviewClock(DomainModel):
    """One review kind's clock at an instant. ``basis`` says in plain words how the due time
    is worked out (e.g. "every 2 hours from the start of seclusion, then from the last
    nursing review"). ``next_due`` is set exactly when the state is due or overdue.
    """

    kind: ClockKind
    state: ClockState
    basis: str
    last_done: Instant | None = None
    next_due: Instant | None = None

    @model_validator(mode="after")
    def _due_matches_state(self) -> ReviewClock:
        running = self.state in (ClockState.DUE, ClockState.OVERDUE)
        if running != (self.next_due is not None):
            raise ValueError("next_due: is set exactly when the clock is due or overdue")
        return self

    @property
    def overdue(self) -> bool:
        """The review is past its due time and none has been held since (the board's red)."""
        return self.state is ClockState.OVERDUE

    def due_in(self, at: datetime) -> timedelta | None:
        """Time left until due at ``at`` (negative when overdue); ``None`` with no due time."""
        return None if self.next_due is None else self.next_due - as_utc(at)

    def overdue_at(self, at: datetime) -> bool:
        """Whether this clock, unchanged since it was computed, is overdue at the later instant
        ``at`` (a live countdown turns red without recomputing the clocks). Same rule as
        :attr:`overdue`: strictly after the due time."""
        return self.next_due is not None and as_utc(at) > self.next_due


class ReviewLapse(DomainModel):
    """A review that was late (``done_at`` after ``due_at``) or not done at all
    (``done_at`` None) while the episode ran — the compliance appendix.
    """

    kind: ClockKind
    due_at: Instant
    done_at: Instant | None = None

    @property
    def missed(self) -> bool:
        """No review of this kind followed the due time while the episode ran."""
        return self.done_at is None

    @property
    def late_by(self) -> timedelta | None:
        """How late the review was; ``None`` when it was missed."""
        return None if self.done_at is None else self.done_at - self.due_at


def most_urgent(clocks: Iterable[ReviewClock]) -> ReviewClock | None:
    """The clock due soonest (an overdue clock is due earliest); ``None`` when no clock has a
    due time. Ties keep the order given.
    """
    timed = [(clock.next_due, index, clock) for index, clock in enumerate(clocks) if clock.next_due]
    return min(timed)[2] if timed else None


def describe_interval(interval: timedelta) -> str:
    """Plain words for an hour-based interval: ``15 minutes``, ``1 hour``, ``1 hour 30
    minutes``, ``24 hours``. Days are left as hours, because these clocks count elapsed time.
    """
    minutes = int(interval.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A periodic duty: when it is first due, and where the due time moves each time it is
    done. ``next_due_after`` receives the instant it was done.
    """

    first_due: datetime
    next_due_after: Callable[[datetime], datetime]


@dataclass(frozen=True, slots=True)
class Replay:
    """The state of a :class:`Schedule` after replaying what was done up to an instant."""

    last_done: datetime | None
    next_due: datetime
    lapses: tuple[tuple[datetime, datetime | None], ...]


def replay(schedule: Schedule, done: Iterable[datetime], until: datetime) -> Replay:
    """Replay ``done`` (instants, any order; those after ``until`` are ignored) against
    ``schedule``. A lapse is ``(due, done_at)`` for a late review, ``(due, None)`` when
    ``until`` is past the due time with nothing done.
    """
    due = schedule.first_due
    last: datetime | None = None
    lapses: list[tuple[datetime, datetime | None]] = []
    for instant in sorted(t for t in done if t <= until):
        if instant > due:
            lapses.append((due, instant))
        last = instant
        due = schedule.next_due_after(instant)
    if until > due:
        lapses.append((due, None))
    return Replay(last, due, tuple(lapses))


def clock_from_replay(
    kind: ClockKind, basis: str, result: Replay, at: datetime, *, stopped: bool
) -> ReviewClock:
    """The clock for a replayed schedule at ``at``; ``stopped`` when the episode has ended."""
    if stopped:
        return ReviewClock(
            kind=kind, state=ClockState.STOPPED, basis=basis, last_done=result.last_done
        )
    state = ClockState.OVERDUE if as_utc(at) > result.next_due else ClockState.DUE
    return ReviewClock(
        kind=kind, state=state, basis=basis, last_done=result.last_done, next_due=result.next_due
    )


def lapses_from_replay(kind: ClockKind, result: Replay) -> list[ReviewLapse]:
    """The replay's lapses as :class:`ReviewLapse` values."""
    return [ReviewLapse(kind=kind, due_at=due, done_at=done) for due, done in result.lapses]
