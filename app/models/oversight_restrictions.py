"""The oversight figures on restrictions beyond force (issue 10 item 4: "their own sections in
the oversight report: counts and durations by type … with the same small-number
suppression"). Not in domain.md: national guidance on reducing restrictive practice asks
wards to see these as well as the force the Use of Force Act counts (§1) *(verify)*.

Counting conventions, chosen to match the report's seclusion figures
(:mod:`app.models.oversight_isolation`):

- **blanket restrictions** (:mod:`app.models.blanket_restrictions`): every one in force at
  any time in the period (up to the figures' instant), listed by title with its review state
  at the end of the period. They are rules of the ward, not events of a patient, so the list
  is not suppressed; the number of patients exempted from each is a count of patients, so it
  is (counts from 1 to 4 hidden);
- **individual restrictions** by kind, **enhanced observation** by level (one record per
  level: a change of level ends one and starts another), **psychological restraint** and
  **cultural restraint** by form: those that *started* (or happened) on a day of the period;
  with the distinct people, and — for the two that run over time — how many were in force at
  the end of the period, and the median and longest duration of those that started in the
  period and had ended (a running one has no duration yet);
- **time on enhanced observation in the period**: the overlap of every episode with the
  period, up to the figures' instant (so an episode that began before the period counts for
  the part inside it); hidden when fewer than 5 episodes make it up, as days in LTS are;
- suppression: each column of a table is one line with its total
  (:func:`~app.models.oversight_rules.suppress_line`); people and the in-force column are
  counts of their own (:func:`~app.models.oversight_rules.suppress_alone`); how many ended is
  suppressed with how many have not, as seclusion's are, and hidden with the count it is part
  of; a median or longest duration is hidden when it comes from 1 to 4 durations.

The breakdown by protected characteristic is :mod:`app.models.oversight_restriction_groups`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from app.models.blanket_restrictions import BlanketRestriction, blanket_restriction_clock
from app.models.clock import as_utc
from app.models.enhanced_observation import EnhancedObservation, ObservationLevel
from app.models.individual_restrictions import IndividualRestriction, IndividualRestrictionKind
from app.models.oversight_isolation import Durations, summarise_durations
from app.models.oversight_rules import (
    SUPPRESS_BELOW,
    Cell,
    Hidden,
    Period,
    suppress_alone,
    suppress_line,
)
from app.models.policy import DEFAULT_POLICY, RestrictionPolicy
from app.models.psychological_cultural_restraint import (
    CulturalRestraint,
    CulturalRestraintForm,
    PsychologicalRestraint,
    PsychologicalRestraintForm,
)
from app.models.review_clocks import ClockState


@dataclass(frozen=True, slots=True)
class RestrictionRecords:
    """Records of restrictions beyond force of any ward (the figures keep those in scope)."""

    blanket: Sequence[BlanketRestriction] = ()
    individual: Sequence[IndividualRestriction] = ()
    observations: Sequence[EnhancedObservation] = ()
    psychological: Sequence[PsychologicalRestraint] = ()
    cultural: Sequence[CulturalRestraint] = ()

    def scoped(self, in_scope: Callable[[UUID], bool]) -> RestrictionRecords:
        """Only the records of the wards ``in_scope`` (by ward id)."""
        return RestrictionRecords(
            blanket=[r for r in self.blanket if in_scope(r.ward_id)],
            individual=[r for r in self.individual if in_scope(r.ward_id)],
            observations=[o for o in self.observations if in_scope(o.ward_id)],
            psychological=[r for r in self.psychological if in_scope(r.ward_id)],
            cultural=[r for r in self.cultural if in_scope(r.ward_id)],
        )


class _Event(Protocol):
    @property
    def patient_id(self) -> UUID: ...


@dataclass(frozen=True, slots=True)
class KindRow:
    """One kind (or level, or form) of a restriction beyond force in the period (see the
    module docstring); ``None`` where the table does not count it."""

    label: str
    count: Cell
    people: Cell
    in_force_at_end: Cell | None = None
    durations: Durations | None = None
    time_in_period: timedelta | None = None
    time_hidden: bool = False


@dataclass(frozen=True, slots=True)
class KindTable:
    """The kinds with any record in the period, and the total."""

    title: str
    rows: tuple[KindRow, ...]
    total: KindRow


@dataclass(frozen=True, slots=True)
class BlanketRow:
    """A blanket restriction in force at some time in the period."""

    title: str
    category: str
    started_at: datetime
    ended_at: datetime | None
    #: The review clock at the end of the period: "overdue", "due" or "stopped" (ended).
    review_at_end: ClockState
    exemptions: Cell


@dataclass(frozen=True, slots=True)
class RestrictionFigures:
    """Restrictions beyond force by type (see the module docstring)."""

    blanket: tuple[BlanketRow, ...]
    individual: KindTable
    observation: KindTable
    psychological: KindTable
    cultural: KindTable

    @property
    def tables(self) -> tuple[KindTable, ...]:
        """The four tables of kinds, in the order printed."""
        return (self.individual, self.observation, self.psychological, self.cultural)

    def cells(self) -> Iterator[Cell]:
        """Every count of the by-type figures, for counting the hidden ones."""
        yield from (row.exemptions for row in self.blanket)
        for table in self.tables:
            for row in (*table.rows, table.total):
                yield row.count
                yield row.people
                if row.in_force_at_end is not None:
                    yield row.in_force_at_end


def _is(kind: StrEnum) -> Callable[[StrEnum], bool]:
    return lambda key: key is kind


def _overlap(start: datetime, end: datetime | None, period: Period, until: datetime) -> timedelta:
    """How much of ``[start, end)`` lies in the period up to ``until``."""
    lower = max(start, period.starts_at)
    upper = min(end or until, until)
    return max(upper - lower, timedelta(0))


def _kind_table(
    title: str,
    keys: Sequence[tuple[StrEnum, str]],
    started: Sequence[tuple[StrEnum, _Event]],
    *,
    suppress: bool,
    in_force: Sequence[StrEnum] | None = None,
    durations: Sequence[tuple[StrEnum, timedelta]] | None = None,
    time_in_period: Sequence[tuple[StrEnum, timedelta]] | None = None,
) -> KindTable:
    """A table over ``keys`` (key, label) of those with anything to show; each column one
    suppressed line with its total."""
    shown = [
        (k, label)
        for k, label in keys
        if any(key is k for key, _ in started) or (in_force and k in in_force)
    ]
    counts, count_total = suppress_line(
        [sum(1 for key, _ in started if key is k) for k, _ in shown],
        len(started),
        suppress=suppress,
    )
    force_cells: list[Cell | None] = [None] * len(shown)
    force_total = None
    if in_force is not None:
        cells, force_total = suppress_line(
            [sum(1 for key in in_force if key is k) for k, _ in shown],
            len(in_force),
            suppress=suppress,
        )
        force_cells = list(cells)

    def row(
        label: str, which: Callable[[StrEnum], bool], count: Cell, force: Cell | None
    ) -> KindRow:
        people = len({e.patient_id for key, e in started if which(key)})
        lengths = None if durations is None else [d for key, d in durations if which(key)]
        spans = None if time_in_period is None else [t for key, t in time_in_period if which(key)]
        hidden = spans is not None and suppress and 0 < len(spans) < SUPPRESS_BELOW
        return KindRow(
            label,
            count,
            suppress_alone(people, suppress=suppress),
            force,
            None if lengths is None else _ended(lengths, count, suppress=suppress),
            None if spans is None or hidden else sum(spans, timedelta(0)),
            hidden,
        )

    rows = tuple(
        row(label, _is(k), counts[i], force_cells[i]) for i, (k, label) in enumerate(shown)
    )
    return KindTable(title, rows, row("Total", lambda _: True, count_total, force_total))


def _ended(lengths: Sequence[timedelta], started: Cell, *, suppress: bool) -> Durations:
    """The durations of those of ``started`` that have ended. How many ended is suppressed
    with how many have not, as one line whose total is ``started`` (as seclusion's ended and
    running are), and hidden whenever ``started`` is, or it would give it back."""
    summary = summarise_durations(lengths, suppress=suppress)
    split, _ = suppress_line(
        [len(lengths), started.value - len(lengths)], started.value, suppress=suppress
    )
    known = split[0]
    if started.hidden is not None and known.hidden is None and known.value > 0:
        known = Cell(known.value, Hidden.SECONDARY)
    return replace(summary, known=known)


def restriction_figures(
    records: RestrictionRecords,
    period: Period,
    *,
    as_of: datetime,
    suppress: bool,
    policy: RestrictionPolicy = DEFAULT_POLICY.restrictions,
) -> RestrictionFigures:
    """The by-type figures of ``records`` (already the scope's) for ``period`` as known at
    ``as_of`` (see the module docstring)."""
    until = min(as_utc(as_of), period.ends_at)

    def in_period(at: datetime) -> bool:
        return period.contains(at) and at <= until

    blanket = [
        BlanketRow(
            title=r.title,
            category=r.category.label,
            started_at=r.started_at,
            ended_at=r.ended_at if r.ended_at is not None and r.ended_at <= until else None,
            review_at_end=blanket_restriction_clock(r, until, policy).state,
            exemptions=suppress_alone(
                sum(1 for e in r.exemptions if e.assessed_on <= period.last), suppress=suppress
            ),
        )
        for r in sorted(records.blanket, key=lambda r: (r.started_at, r.title))
        if r.started_at < until and (r.ended_at is None or r.ended_at > period.starts_at)
    ]
    individual = [r for r in records.individual if in_period(r.started_at)]
    observations = [o for o in records.observations if in_period(o.started_at)]
    overlapping = [
        o
        for o in records.observations
        if o.started_at < until and (o.ended_at is None or o.ended_at > period.starts_at)
    ]
    return RestrictionFigures(
        blanket=tuple(blanket),
        individual=_kind_table(
            "Individual restrictions, by what is restricted",
            [(k, k.label) for k in IndividualRestrictionKind],
            [(r.kind, r) for r in individual],
            suppress=suppress,
            in_force=[r.kind for r in records.individual if r.is_active_at(until)],
            durations=[
                (r.kind, r.ended_at - r.started_at)
                for r in individual
                if r.ended_at is not None and r.ended_at <= until
            ],
        ),
        observation=_kind_table(
            "Enhanced observation, by level",
            [(level, level.label) for level in ObservationLevel if level.is_enhanced],
            [(o.level, o) for o in observations],
            suppress=suppress,
            in_force=[o.level for o in overlapping if o.end_as_of(until) == until],
            durations=[
                (o.level, o.ended_at - o.started_at)
                for o in observations
                if o.ended_at is not None and o.ended_at <= until
            ],
            time_in_period=[
                (o.level, _overlap(o.started_at, o.ended_at, period, until)) for o in overlapping
            ],
        ),
        psychological=_kind_table(
            "Psychological restraint, by form",
            [(f, f.label) for f in PsychologicalRestraintForm],
            [(r.form, r) for r in records.psychological if in_period(r.occurred_at)],
            suppress=suppress,
        ),
        cultural=_kind_table(
            "Cultural restraint, by form",
            [(f, f.label) for f in CulturalRestraintForm],
            [(r.form, r) for r in records.cultural if in_period(r.occurred_at)],
            suppress=suppress,
        ),
    )
