"""The oversight figures for a ward (or every ward in the store) and a period (issue 8 item 4;
domain.md §4.4 published measures, §6 protected characteristics): incidents and interventions
by month, type, reason and ward, rates per 1,000 occupied bed days, the same by ethnic group
and category, sex, age band and learning disability / autism with each group's rate against
the rest, and — from :mod:`app.models.oversight_isolation` — prone restraint, seclusion, LTS
and the review clocks' lapses; and the restrictions beyond force by type
(:mod:`app.models.oversight_restrictions`) and by protected characteristic
(:mod:`app.models.oversight_restriction_groups`), issue 10.

Counting conventions (domain.md §4.4):

- an **incident** is one use-of-force record (MHSDS MHS505); it belongs to the period when it
  started on one of the period's days (ward calendar). Drafts count: the force was used;
- an **intervention** is an incident × type (MHSDS MHS515): each distinct type of force in an
  incident counts once;
- **people** are the distinct patients with at least one incident;
- **occupied bed days** follow :func:`~app.models.admission.occupied_bed_days`;
- every count goes through :func:`~app.models.oversight_rules.suppress_line` (or
  ``suppress_alone``) unless the figures are for a copy that stays on the ward, and a rate is
  hidden with the count it is made of.

:func:`oversight_figures` is a pure function of domain objects, so the same figures come from a
store, a fixture or a benchmark's generated ward. What its tables count each incident by (its
day, interventions and groups) and the bed days they divide by are worked out once for them
all (:mod:`app.models.oversight_index`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from app.models.admission import HospitalSpell, occupied_bed_days
from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.oversight_groups import DIMENSIONS, Dimension, bed_days_by_group
from app.models.oversight_index import GroupTally, IndexedIncident, index_records
from app.models.oversight_isolation import (
    IsolationFigures,
    IsolationRecords,
    isolation_figures,
)
from app.models.oversight_restriction_groups import (
    RestrictionGroupTable,
    restriction_events,
    restriction_group_tables,
)
from app.models.oversight_restrictions import (
    RestrictionFigures,
    RestrictionRecords,
    restriction_figures,
)
from app.models.oversight_rules import (
    Cell,
    Period,
    RateRatio,
    rate_per_thousand,
    rate_ratio,
    suppress_alone,
    suppress_line,
)
from app.models.patient import Patient
from app.models.people import Ward
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy

K = TypeVar("K", bound=Hashable)

NO_REASON = "Reason not yet recorded"


@dataclass(frozen=True, slots=True)
class OversightRecords:
    """Every record the figures are made from (any ward; :func:`oversight_figures` keeps
    those of the ward asked for)."""

    wards: Sequence[Ward]
    patients: Sequence[Patient]
    spells: Sequence[HospitalSpell]
    incidents: Sequence[UseOfForceIncident]
    isolation: IsolationRecords = field(default_factory=IsolationRecords)
    restrictions: RestrictionRecords = field(default_factory=RestrictionRecords)


@dataclass(frozen=True, slots=True)
class CountRow:
    """One line of a table of counts. ``incidents`` or ``interventions`` is ``None`` where
    the table does not count it; ``bed_days`` is set where the line has its own denominator
    (a month, a ward), else the rates are per the period's occupied bed days. A rate is
    ``None`` when its count is hidden or there were no bed days.
    """

    label: str
    incidents: Cell | None
    interventions: Cell | None
    bed_days: int | None
    incident_rate: float | None
    intervention_rate: float | None


@dataclass(frozen=True, slots=True)
class CountTable:
    """Lines and their total."""

    rows: tuple[CountRow, ...]
    total: CountRow


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One group of a protected-characteristic breakdown. ``ratio`` is the group's incident
    rate against the rest's (:func:`~app.models.oversight_rules.rate_ratio`); ``None`` when
    not calculable or hidden (``ratio_hidden`` says which).
    """

    label: str
    bed_days: int
    people: Cell
    incidents: Cell
    interventions: Cell
    incident_rate: float | None
    intervention_rate: float | None
    ratio: RateRatio | None
    ratio_hidden: bool


@dataclass(frozen=True, slots=True)
class GroupTable:
    """A breakdown by one characteristic: its groups (those with bed days or incidents) and
    the total."""

    title: str
    rows: tuple[GroupRow, ...]
    total: GroupRow


@dataclass(frozen=True, slots=True)
class OversightFigures:
    """Everything the oversight report prints (see the module docstring)."""

    scope: str
    ward_names: tuple[str, ...]
    period: Period
    as_of: datetime
    suppressed: bool
    bed_days: int
    people: Cell
    by_month: CountTable
    by_type: CountTable
    by_reason: CountTable
    by_ward: CountTable | None
    by_group: tuple[GroupTable, ...]
    isolation: IsolationFigures
    #: Restrictions beyond force by type, and by protected characteristic (issue 10).
    restrictions: RestrictionFigures | None = None
    restriction_groups: tuple[RestrictionGroupTable, ...] = ()

    @property
    def incidents(self) -> Cell:
        """Incidents in the period."""
        assert self.by_month.total.incidents is not None  # noqa: S101 - always counted
        return self.by_month.total.incidents

    @property
    def interventions(self) -> Cell:
        """Interventions (incident × type) in the period."""
        assert self.by_month.total.interventions is not None  # noqa: S101 - always counted
        return self.by_month.total.interventions

    def hidden_figures(self) -> int:
        """How many counts are hidden (primary and secondary), for the report to say so."""
        cells: list[Cell | None] = [self.people]
        tables = [self.by_month, self.by_type, self.by_reason]
        if self.by_ward is not None:
            tables.append(self.by_ward)
        for table in tables:
            for row in (*table.rows, table.total):
                cells += [row.incidents, row.interventions]
        for group in self.by_group:
            for g in (*group.rows, group.total):
                cells += [g.people, g.incidents, g.interventions]
        cells += list(self.isolation.cells())
        if self.restrictions is not None:
            cells += list(self.restrictions.cells())
        for restriction_table in self.restriction_groups:
            cells += restriction_table.cells()
        return sum(1 for c in cells if c is not None and c.hidden is not None)


def _rate(cell: Cell | None, bed_days: int) -> float | None:
    if cell is None or cell.hidden is not None:
        return None
    return rate_per_thousand(cell.value, bed_days)


def _count_table(
    labels: Sequence[tuple[K, str]],
    incidents: Mapping[K, int] | None,
    interventions: Mapping[K, int] | None,
    bed_days: Mapping[K, int] | None,
    totals: tuple[int, int, int],
    *,
    suppress: bool,
) -> CountTable:
    """A table over ``labels`` (key, printed label); each column suppressed as one line."""
    total_incidents, total_interventions, total_bed_days = totals

    def column(counts: Mapping[K, int] | None, total: int) -> tuple[list[Cell | None], Cell | None]:
        if counts is None:
            return [None] * len(labels), None
        cells, total_cell = suppress_line(
            [counts.get(k, 0) for k, _ in labels], total, suppress=suppress
        )
        return list(cells), total_cell

    incident_cells, incident_total = column(incidents, total_incidents)
    intervention_cells, intervention_total = column(interventions, total_interventions)
    rows = []
    for (key, label), inc, inv in zip(labels, incident_cells, intervention_cells, strict=True):
        days = None if bed_days is None else bed_days.get(key, 0)
        denominator = total_bed_days if days is None else days
        rows.append(
            CountRow(label, inc, inv, days, _rate(inc, denominator), _rate(inv, denominator))
        )
    total = CountRow(
        "Total",
        incident_total,
        intervention_total,
        None if bed_days is None else total_bed_days,
        _rate(incident_total, total_bed_days),
        _rate(intervention_total, total_bed_days),
    )
    return CountTable(tuple(rows), total)


def _group_table(
    dimension: Dimension,
    tallies: Sequence[GroupTally],
    bed_days: Mapping[str, int],
    *,
    total_bed_days: int,
    total_people: int,
    suppress: bool,
    coarser: GroupTable | None = None,
) -> GroupTable:
    """One protected-characteristic breakdown (domain.md §4.4, §6); see :class:`GroupRow`.
    ``coarser``: the published table this dimension divides (``dimension.within``), whose
    hidden cells must not be given back by adding up this table's."""
    incident_counts: Counter[str] = Counter()
    intervention_counts: Counter[str] = Counter()
    people: dict[str, set[UUID]] = {}
    for tally in tallies:
        group = tally.groups[dimension.title]
        incident_counts[group] += tally.incidents
        intervention_counts[group] += tally.interventions
        people.setdefault(group, set()).add(tally.patient_id)
    labels = [
        label for label in dimension.labels if bed_days.get(label, 0) or incident_counts[label]
    ]
    total_incidents = sum(incident_counts.values())
    total_interventions = sum(intervention_counts.values())
    sublines = _sublines(dimension, labels, coarser)
    incident_cells, incident_total = suppress_line(
        [incident_counts[g] for g in labels],
        total_incidents,
        suppress=suppress,
        sublines=sublines("incidents"),
    )
    intervention_cells, intervention_total = suppress_line(
        [intervention_counts[g] for g in labels],
        total_interventions,
        suppress=suppress,
        sublines=sublines("interventions"),
    )
    people_counts = [len(people.get(g, ())) for g in labels]
    if dimension.additive:
        people_cells, people_total = suppress_line(
            people_counts, total_people, suppress=suppress, sublines=sublines("people")
        )
    else:
        people_cells = [suppress_alone(n, suppress=suppress) for n in people_counts]
        people_total = suppress_alone(total_people, suppress=suppress)
    rows = []
    for index, label in enumerate(labels):
        days = bed_days.get(label, 0)
        inc = incident_cells[index]
        hidden = inc.hidden is not None or incident_total.hidden is not None
        ratio = None
        if not hidden:
            ratio = rate_ratio(inc.value, days, total_incidents - inc.value, total_bed_days - days)
        rows.append(
            GroupRow(
                label,
                days,
                people_cells[index],
                inc,
                intervention_cells[index],
                _rate(inc, days),
                _rate(intervention_cells[index], days),
                ratio,
                hidden,
            )
        )
    total = GroupRow(
        "Total",
        total_bed_days,
        people_total,
        incident_total,
        intervention_total,
        _rate(incident_total, total_bed_days),
        _rate(intervention_total, total_bed_days),
        ratio=None,
        ratio_hidden=False,
    )
    return GroupTable(dimension.title, tuple(rows), total)


def _sublines(
    dimension: Dimension, labels: Sequence[str], coarser: GroupTable | None
) -> Callable[[str], list[tuple[list[int], bool]]]:
    """For a column (``people``, ``incidents``, ``interventions``): the cells of each group
    of the coarser table, and whether that group's count is hidden there."""

    def of_column(column: str) -> list[tuple[list[int], bool]]:
        if dimension.within is None or coarser is None:
            return []
        part_of = dimension.within[1]
        found = []
        for row in coarser.rows:
            cell: Cell = getattr(row, column)
            indices = [i for i, label in enumerate(labels) if part_of(label) == row.label]
            found.append((indices, cell.hidden is not None))
        return found

    return of_column


def _by(incidents: Sequence[IndexedIncident], key: Callable[[IndexedIncident], K]) -> Counter[K]:
    return Counter(key(i) for i in incidents)


def oversight_figures(
    records: OversightRecords,
    period: Period,
    *,
    as_of: datetime,
    ward_id: UUID | None = None,
    suppress: bool = True,
    policy: ClinicalPolicy = DEFAULT_POLICY,
) -> OversightFigures:
    """The oversight figures of ``ward_id`` (``None``: every ward in ``records``) for
    ``period``, as known at ``as_of`` (open spells and running episodes count up to it).
    ``suppress`` false: nothing is hidden (a copy that stays on the ward). See the module
    docstring for what is counted and how.
    """
    wards = [w for w in records.wards if ward_id is None or w.id == ward_id]
    ward_ids = {w.id for w in wards}
    in_scope = ward_ids.__contains__
    patients = {p.id: p for p in records.patients}
    indexed = index_records(
        records.incidents, records.spells, patients, period, as_of=as_of, in_scope=in_scope
    )
    incidents = indexed.incidents
    bed_days = indexed.bed_days
    totals = (len(incidents), sum(i.interventions for i in incidents), bed_days)
    people_total = len({i.incident.patient_id for i in incidents})

    by_month = _count_table(
        [((m.first.year, m.first.month), m.first.strftime("%b %Y")) for m in period.months()],
        _by(incidents, lambda i: i.month),
        _interventions_by(incidents, lambda i: i.month),
        indexed.month_bed_days,
        totals,
        suppress=suppress,
    )
    type_counts: Counter[InterventionType] = Counter(t for i in incidents for t in i.types)
    by_type = _count_table(
        [(t, f"{t.value} {t.label}") for t in InterventionType if type_counts[t]],
        None,
        type_counts,
        None,
        totals,
        suppress=suppress,
    )
    reason_counts = _by(incidents, lambda i: i.incident.reason)
    reasons: list[tuple[InterventionReason | None, str]] = [
        (r, f"{r.value} {r.label}") for r in InterventionReason if reason_counts[r]
    ]
    if reason_counts[None]:
        reasons.append((None, NO_REASON))
    by_reason = _count_table(reasons, reason_counts, None, None, totals, suppress=suppress)
    by_ward = None
    if ward_id is None:
        by_ward = _count_table(
            [(w.id, w.name) for w in sorted(wards, key=lambda w: w.name)],
            _by(incidents, lambda i: i.incident.ward_id),
            _interventions_by(incidents, lambda i: i.incident.ward_id),
            {
                w.id: occupied_bed_days(
                    indexed.spells, period.first, period.last, ward_id=w.id, as_of=as_of
                )
                for w in wards
            },
            totals,
            suppress=suppress,
        )
    group_bed_days = {
        d.title: bed_days_by_group(d, indexed.patient_bed_days, patients, period)
        for d in DIMENSIONS
    }
    tables: dict[str, GroupTable] = {}
    for dimension in DIMENSIONS:
        tables[dimension.title] = _group_table(
            dimension,
            indexed.group_tallies,
            group_bed_days[dimension.title],
            total_bed_days=bed_days,
            total_people=people_total,
            suppress=suppress,
            coarser=tables.get(dimension.within[0]) if dimension.within else None,
        )
    by_group = tuple(tables.values())
    isolation = isolation_figures(
        records.isolation,
        [i.incident for i in incidents],
        patients,
        period,
        as_of=as_of,
        in_scope=in_scope,
        suppress=suppress,
        policy=policy,
    )
    restrictions = records.restrictions.scoped(in_scope)
    return OversightFigures(
        scope=wards[0].name if ward_id is not None and wards else f"All wards ({len(wards)})",
        ward_names=tuple(sorted(w.name for w in wards)),
        period=period,
        as_of=as_of,
        suppressed=suppress,
        bed_days=bed_days,
        people=suppress_alone(people_total, suppress=suppress),
        by_month=by_month,
        by_type=by_type,
        by_reason=by_reason,
        by_ward=by_ward,
        by_group=by_group,
        isolation=isolation,
        restrictions=restriction_figures(
            restrictions, period, as_of=as_of, suppress=suppress, policy=policy.restrictions
        ),
        restriction_groups=restriction_group_tables(
            restriction_events(restrictions, period, as_of=as_of),
            patients,
            group_bed_days,
            total_bed_days=bed_days,
            suppress=suppress,
        ),
    )


def _interventions_by(
    incidents: Sequence[IndexedIncident], key: Callable[[IndexedIncident], K]
) -> Counter[K]:
    found: Counter[K] = Counter()
    for incident in incidents:
        found[key(incident)] += incident.interventions
    return found
