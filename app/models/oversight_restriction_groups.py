"""Restrictions beyond force by protected characteristic (issue 10 item 4; domain.md §4.4
breakdowns by age band, ethnicity and sex, §6 protected characteristics, §1 learning
disability and autism): the same groups, bed days, rate ratio and suppression as the
report's incident breakdowns (:mod:`app.models.oversight`), over different events.

An **event** here is a restriction beyond force on one patient that started (or happened)
on a day of the period: an individual restriction, an episode of enhanced observation (one
per level), a psychological or a cultural restraint — as counted by type in
:mod:`app.models.oversight_restrictions`. Blanket restrictions apply to the whole ward and are
not broken down. A patient counts under their group on the day of each event
(:attr:`~app.models.oversight_groups.Dimension.group_of`).

For each group: occupied bed days, people with any event, events in all with their rate per
1,000 occupied bed days and the rate ratio against the rest
(:func:`~app.models.oversight_rules.rate_ratio`, which says when there is none), and the
events of each kind. Every count column is suppressed as one line with its total, linked to
the coarser published table where a dimension divides one (ethnic category within ethnic
group), exactly as the incident tables are; a rate or ratio is hidden with its count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from app.models.clock import as_utc, local_date
from app.models.oversight_groups import DIMENSIONS, Dimension
from app.models.oversight_restrictions import RestrictionRecords
from app.models.oversight_rules import (
    SUPPRESS_BELOW,
    Cell,
    Period,
    RateRatio,
    rate_per_thousand,
    rate_ratio,
    suppress_alone,
    suppress_line,
)
from app.models.patient import Patient

#: The kinds of event, in the order of the columns.
EVENT_KINDS = (
    "Individual restrictions",
    "Enhanced observation",
    "Psychological restraint",
    "Cultural restraint",
)


@dataclass(frozen=True, slots=True)
class RestrictionEvent:
    """A restriction beyond force on a patient in the period: whose, when, which kind (an
    index into :data:`EVENT_KINDS`)."""

    patient_id: UUID
    at: datetime
    kind: int


@dataclass(frozen=True, slots=True)
class RestrictionGroupRow:
    """One group: bed days, people, events and their rate, the rate ratio against the rest
    (``None``: not calculable, or hidden — ``ratio_hidden`` says which), and events by kind."""

    label: str
    bed_days: int
    people: Cell
    events: Cell
    rate: float | None
    ratio: RateRatio | None
    ratio_hidden: bool
    by_kind: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class RestrictionGroupTable:
    """A breakdown by one characteristic: groups with bed days or events, and the total."""

    title: str
    rows: tuple[RestrictionGroupRow, ...]
    total: RestrictionGroupRow

    def cells(self) -> list[Cell]:
        """Every count, for counting the hidden ones."""
        return [c for r in (*self.rows, self.total) for c in (r.people, r.events, *r.by_kind)]


def restriction_events(
    records: RestrictionRecords, period: Period, *, as_of: datetime
) -> list[RestrictionEvent]:
    """The events of ``records`` (already the scope's) that started on a day of ``period``, by
    ``as_of``."""
    until = min(as_utc(as_of), period.ends_at)
    found = [
        *((r.patient_id, r.started_at, 0) for r in records.individual),
        *((o.patient_id, o.started_at, 1) for o in records.observations),
        *((r.patient_id, r.occurred_at, 2) for r in records.psychological),
        *((r.patient_id, r.occurred_at, 3) for r in records.cultural),
    ]
    return [
        RestrictionEvent(patient_id, at, kind)
        for patient_id, at, kind in found
        if period.contains(at) and at <= until
    ]


def _rate(cell: Cell, bed_days: int) -> float | None:
    return None if cell.hidden is not None else rate_per_thousand(cell.value, bed_days)


def _column(
    counts: Sequence[int],
    total: int,
    *,
    suppress: bool,
    sublines: Sequence[tuple[Sequence[int], bool]],
) -> tuple[list[Cell], Cell]:
    cells, total_cell = suppress_line(counts, total, suppress=suppress, sublines=sublines)
    return list(cells), total_cell


def group_table(
    dimension: Dimension,
    events: Sequence[RestrictionEvent],
    patients: Mapping[UUID, Patient],
    bed_days: Mapping[str, int],
    *,
    total_bed_days: int,
    suppress: bool,
    coarser: RestrictionGroupTable | None = None,
) -> RestrictionGroupTable:
    """The breakdown of ``events`` by ``dimension`` (see the module docstring); ``coarser`` is
    the published table it divides, whose hidden cells its own must not give back."""
    groups = [dimension.group_of(patients.get(e.patient_id), local_date(e.at)) for e in events]
    by_group: Counter[str] = Counter(groups)
    labels = [label for label in dimension.labels if bed_days.get(label, 0) or by_group[label]]
    sublines = _sublines(dimension, labels, coarser)
    total_events = len(events)
    matrix = [
        [sum(1 for g, e in zip(groups, events, strict=True) if g == label and e.kind == k)
         for k in range(len(EVENT_KINDS))]
        for label in labels
    ]  # fmt: skip
    event_cells, event_total, by_kind = _suppressed_events(
        matrix, total_events, suppress=suppress, sublines=sublines
    )
    people: dict[str, set[UUID]] = {}
    for group, event in zip(groups, events, strict=True):
        people.setdefault(group, set()).add(event.patient_id)
    people_counts = [len(people.get(g, ())) for g in labels]
    total_people = len({e.patient_id for e in events})
    if dimension.additive:
        people_cells, people_total = _column(
            people_counts, total_people, suppress=suppress, sublines=sublines("people")
        )
    else:
        people_cells = [suppress_alone(n, suppress=suppress) for n in people_counts]
        people_total = suppress_alone(total_people, suppress=suppress)
    rows = []
    for i, label in enumerate(labels):
        days, cell = bed_days.get(label, 0), event_cells[i]
        hidden = cell.hidden is not None or event_total.hidden is not None
        ratio = None
        if not hidden:
            ratio = rate_ratio(cell.value, days, total_events - cell.value, total_bed_days - days)
        rows.append(
            RestrictionGroupRow(
                label,
                days,
                people_cells[i],
                cell,
                _rate(cell, days),
                ratio,
                hidden,
                by_kind[i],
            )
        )
    total = RestrictionGroupRow(
        "Total",
        total_bed_days,
        people_total,
        event_total,
        _rate(event_total, total_bed_days),
        ratio=None,
        ratio_hidden=False,
        by_kind=by_kind[-1],
    )
    return RestrictionGroupTable(dimension.title, tuple(rows), total)


def _recoverable(cells: Sequence[Cell], total: Cell) -> bool:
    """A line whose shown total would give back a hidden cell: one hidden, or several whose
    sum is under 5 (:func:`~app.models.oversight_rules.suppress_line`, step 2)."""
    if total.hidden is not None:
        return False
    concealed = [c.value for c in cells if c.hidden is not None and c.value > 0]
    return len(concealed) == 1 or (len(concealed) > 1 and sum(concealed) < SUPPRESS_BELOW)


def _suppressed_events(
    matrix: Sequence[Sequence[int]],
    total: int,
    *,
    suppress: bool,
    sublines: Callable[[str | tuple[str, int]], list[tuple[list[int], bool]]],
) -> tuple[list[Cell], Cell, tuple[tuple[Cell, ...], ...]]:
    """The events of each group (its row total), and of each kind in each group
    (``matrix[group][kind]``), suppressed so that no hidden count can be worked out from any
    line it is part of: the events column (with the coarser table's groups), its group's row
    (total: the group's events), its kind's column (total: the kind's total, one cell of the
    total row, whose own total is ``total``) and its part of the coarser table's column.

    Each line is :func:`~app.models.oversight_rules.suppress_line` with the others as
    sublines. When a line's shown total would still give back a cell (its only other cells
    are zero), that total is hidden too — a subline of one cell whose total is hidden forces
    it — and the lines are worked out again, until nothing changes.
    """
    kinds, groups = len(EVENT_KINDS), len(matrix)
    forced_groups: set[int] = set()
    forced_kinds: set[int] = set()
    while True:
        event_cells, event_total = _column(
            [sum(row) for row in matrix],
            total,
            suppress=suppress,
            sublines=[*sublines("events"), *(([g], True) for g in sorted(forced_groups))],
        )
        kind_totals, _ = _column(
            [sum(row[k] for row in matrix) for k in range(kinds)],
            total,
            suppress=suppress,
            sublines=[([k], True) for k in sorted(forced_kinds)],
        )
        lines: list[tuple[Sequence[int], bool]] = []
        for k in range(kinds):
            column = [g * kinds + k for g in range(groups)]
            lines.append((column, kind_totals[k].hidden is not None))
            lines += [([column[g] for g in part], hid) for part, hid in sublines(("by_kind", k))]
        for g in range(groups):
            lines.append((range(g * kinds, (g + 1) * kinds), event_cells[g].hidden is not None))
        flat, _ = _column(
            [n for row in matrix for n in row], total, suppress=suppress, sublines=lines
        )
        rows = tuple(tuple(flat[g * kinds : (g + 1) * kinds]) for g in range(groups))
        more_groups = {g for g in range(groups) if _recoverable(rows[g], event_cells[g])}
        more_kinds = {k for k in range(kinds) if _recoverable([r[k] for r in rows], kind_totals[k])}
        if more_groups <= forced_groups and more_kinds <= forced_kinds:
            return event_cells, event_total, (*rows, tuple(kind_totals))
        forced_groups |= more_groups
        forced_kinds |= more_kinds


def _cell_of(row: RestrictionGroupRow, column: str | tuple[str, int]) -> Cell:
    if isinstance(column, tuple):
        return row.by_kind[column[1]]
    found: Cell = getattr(row, column)
    return found


def _sublines(
    dimension: Dimension, labels: Sequence[str], coarser: RestrictionGroupTable | None
) -> Callable[[str | tuple[str, int]], list[tuple[list[int], bool]]]:
    """For a column: the cells of each group of the coarser table, and whether that group's
    count is hidden there (as :func:`app.models.oversight._sublines`)."""

    def of_column(column: str | tuple[str, int]) -> list[tuple[list[int], bool]]:
        if dimension.within is None or coarser is None:
            return []
        part_of = dimension.within[1]
        return [
            (
                [i for i, label in enumerate(labels) if part_of(label) == row.label],
                _cell_of(row, column).hidden is not None,
            )
            for row in coarser.rows
        ]

    return of_column


def restriction_group_tables(
    events: Sequence[RestrictionEvent],
    patients: Mapping[UUID, Patient],
    bed_days: Mapping[str, Mapping[str, int]],
    *,
    total_bed_days: int,
    suppress: bool,
) -> tuple[RestrictionGroupTable, ...]:
    """One table per dimension of :data:`~app.models.oversight_groups.DIMENSIONS`;
    ``bed_days`` are each dimension's bed days by group (by title)."""
    tables: dict[str, RestrictionGroupTable] = {}
    for dimension in DIMENSIONS:
        tables[dimension.title] = group_table(
            dimension,
            events,
            patients,
            bed_days[dimension.title],
            total_bed_days=total_bed_days,
            suppress=suppress,
            coarser=tables.get(dimension.within[0]) if dimension.within else None,
        )
    return tuple(tables.values())
