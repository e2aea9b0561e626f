"""The records of the oversight figures, indexed once (issue 8 item 4): what the tables of
:mod:`app.models.oversight` count each incident by, and the occupied bed days they divide
by, worked out once per report rather than once per table.

Nothing here is a rule of its own: each value comes from the rule that defines it —
:meth:`~app.models.oversight_rules.Period.contains` (the day an incident belongs to),
:attr:`~app.models.incident.UseOfForceIncident.intervention_types` (MHSDS MHS515),
:attr:`~app.models.oversight_groups.Dimension.group_of`,
:func:`~app.models.admission.occupied_bed_days` and
:func:`~app.models.oversight_groups.patient_bed_days` — so the figures are those every table
would work out for itself. (A five-year report has some 20,000 incidents, five breakdowns of
them and 60 months; working these values out per table was most of its time.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from app.models.admission import HospitalSpell, occupied_bed_days
from app.models.clock import local_date
from app.models.codes import InterventionType
from app.models.incident import UseOfForceIncident
from app.models.oversight_groups import DIMENSIONS, PatientBedDays, patient_bed_days
from app.models.oversight_rules import Period
from app.models.patient import Patient

Month = tuple[int, int]


@dataclass(frozen=True, slots=True)
class IndexedIncident:
    """An incident of the period with what the tables count it by: the day it started
    (ward calendar), its intervention types (each distinct type once) and how many
    interventions that makes (incident × type, MHSDS MHS515).
    """

    incident: UseOfForceIncident
    day: date
    types: tuple[InterventionType, ...]
    interventions: int

    @property
    def month(self) -> Month:
        """(year, month) of the day it started."""
        return self.day.year, self.day.month


@dataclass(frozen=True, slots=True)
class GroupTally:
    """A patient's incidents of the period that count under the same group in every
    breakdown of :data:`~app.models.oversight_groups.DIMENSIONS` (``groups``, by title; the
    patient's group on the day of each incident): how many, and their interventions. The
    breakdowns add these up rather than go through every incident again.
    """

    patient_id: UUID
    groups: Mapping[str, str]
    incidents: int
    interventions: int


@dataclass(frozen=True, slots=True)
class IndexedRecords:
    """The records of a report's scope and period, indexed (see the module docstring)."""

    #: The scope's incidents that started in the period, in the order of the records.
    incidents: tuple[IndexedIncident, ...]
    #: The same incidents by patient and groups (every incident in exactly one tally).
    group_tallies: tuple[GroupTally, ...]
    #: The scope's hospital spells.
    spells: tuple[HospitalSpell, ...]
    #: Each patient's occupied bed days in the period, in all and by age band.
    patient_bed_days: PatientBedDays
    #: Occupied bed days in each calendar month of the period (cut to the period).
    month_bed_days: Mapping[Month, int]

    @property
    def bed_days(self) -> int:
        """Occupied bed days in the period: the sum of the patients' (each night counted is
        one patient's, :func:`~app.models.admission.occupied_bed_days`)."""
        return sum(self.patient_bed_days.total.values())


def index_records(
    incidents: Iterable[UseOfForceIncident],
    spells: Iterable[HospitalSpell],
    patients: Mapping[UUID, Patient],
    period: Period,
    *,
    as_of: datetime,
    in_scope: Callable[[UUID], bool],
) -> IndexedRecords:
    """Index the records of the wards ``in_scope`` (by ward id) for ``period``, as known at
    ``as_of`` (open spells count up to it)."""
    scoped_spells = tuple(s for s in spells if in_scope(s.ward_id))
    groups_of = _Groups(patients)
    indexed = []
    tallies: dict[tuple[UUID, tuple[str, ...]], list[int]] = {}
    for incident in incidents:
        if not in_scope(incident.ward_id):
            continue
        day = local_date(incident.started_at)
        if not period.contains_day(day):
            continue
        types = incident.intervention_types
        indexed.append(IndexedIncident(incident, day, types, len(types)))
        tally = tallies.setdefault(
            (incident.patient_id, groups_of(incident.patient_id, day)), [0, 0]
        )
        tally[0] += 1
        tally[1] += len(types)
    titles = [d.title for d in DIMENSIONS]
    return IndexedRecords(
        incidents=tuple(indexed),
        group_tallies=tuple(
            GroupTally(patient_id, dict(zip(titles, groups, strict=True)), count, interventions)
            for (patient_id, groups), (count, interventions) in tallies.items()
        ),
        spells=scoped_spells,
        patient_bed_days=patient_bed_days(scoped_spells, patients, period, as_of=as_of),
        month_bed_days={
            (month.first.year, month.first.month): occupied_bed_days(
                _within(scoped_spells, month), month.first, month.last, as_of=as_of
            )
            for month in period.months()
        },
    )


def _within(spells: Sequence[HospitalSpell], period: Period) -> list[HospitalSpell]:
    """The spells that overlap ``period`` at all: only these can have a night in it (a night
    counts at the midnight ending one of its days, after the admission and before the
    discharge). The rest would add nothing, so the count need not go through them."""
    starts_at, ends_at = period.starts_at, period.ends_at
    return [
        s
        for s in spells
        if s.admitted_at <= ends_at and (s.discharged_at is None or s.discharged_at > starts_at)
    ]


class _Groups:
    """A patient's group in each breakdown on a day (in the order of ``DIMENSIONS``), by
    :attr:`~app.models.oversight_groups.Dimension.group_of`. An additive breakdown keeps a
    patient in one group for the whole period (:class:`~app.models.oversight_groups.Dimension`),
    so that group is worked out once per patient; the others (age band) on each day.
    """

    def __init__(self, patients: Mapping[UUID, Patient]) -> None:
        self._patients = patients
        self._additive: dict[UUID, dict[str, str]] = {}

    def __call__(self, patient_id: UUID, day: date) -> tuple[str, ...]:
        patient = self._patients.get(patient_id)
        additive = self._additive.get(patient_id)
        if additive is None:
            additive = {d.title: d.group_of(patient, day) for d in DIMENSIONS if d.additive}
            self._additive[patient_id] = additive
        return tuple(
            additive[d.title] if d.additive else d.group_of(patient, day) for d in DIMENSIONS
        )
