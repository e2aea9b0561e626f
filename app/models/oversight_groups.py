"""The protected-characteristic breakdowns of the oversight report (domain.md §4.4: by age
band, ethnicity and sex; §6 protected characteristics; §1: learning disability and autism):
which group a patient counts under, and each group's occupied bed days.

A patient is counted under what their record says now (the patient record holds current
facts; domain.md §6: nothing is guessed, so an unanswered characteristic is its own group,
"Not recorded"). Age is the exception: it is taken on the day — the age band on the day of
each incident, and on each occupied bed day
(:func:`~app.models.oversight_rules.bed_days_by_age_band`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from app.models.admission import HospitalSpell, occupied_bed_days
from app.models.base import Answer
from app.models.characteristics import AgeBand, Sex
from app.models.codes import EthnicCategory
from app.models.oversight_rules import Period, bed_days_by_age_band
from app.models.patient import Patient

NOT_RECORDED = "Not recorded"
LD_OR_AUTISM = "Learning disability or autism"
NEITHER = "Neither"
LD_NOT_KNOWN = "Not known or not recorded"

_BROAD_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Not stated", "Not known")
_BROAD_GROUP_OF = {c.label: c.broad_group for c in EthnicCategory}


@dataclass(frozen=True, slots=True)
class Dimension:
    """One breakdown: its title, its groups in the order printed, and the group a patient
    counts under on a day (``patient`` ``None``: the incident's patient is not in the store).
    ``additive``: each person is in one group for the whole period (age band is not: a
    birthday moves them), so the groups' people add up to the total.
    """

    title: str
    labels: tuple[str, ...]
    group_of: Callable[[Patient | None, date], str]
    additive: bool = True
    #: The coarser dimension this one divides (by title), and the group each label is part
    #: of there: ethnic categories within broad ethnic groups. Both tables are published, so
    #: their suppression is linked (:func:`~app.models.oversight_rules.suppress_line`).
    within: tuple[str, Callable[[str], str]] | None = None


def _ethnic_group(patient: Patient | None, _: date) -> str:
    value = None if patient is None else patient.characteristics.ethnicity
    return NOT_RECORDED if value is None else value.broad_group


def _ethnic_category(patient: Patient | None, _: date) -> str:
    value = None if patient is None else patient.characteristics.ethnicity
    return NOT_RECORDED if value is None else value.label


def _sex(patient: Patient | None, _: date) -> str:
    value = None if patient is None else patient.characteristics.sex
    return NOT_RECORDED if value is None else value.label


def _age_band(patient: Patient | None, day: date) -> str:
    return AgeBand.NOT_KNOWN.label if patient is None else patient.age_band_at(day).label


def learning_disability_or_autism(patient: Patient | None) -> str:
    """s.6(5)(l), domain.md §2 item l: "yes" to either is the group; "no" to both is
    "Neither"; anything else (not known, not answered) is its own group, never guessed.
    """
    if patient is None:
        return LD_NOT_KNOWN
    answers = (patient.learning_disability, patient.autism)
    if Answer.YES in answers:
        return LD_OR_AUTISM
    if answers == (Answer.NO, Answer.NO):
        return NEITHER
    return LD_NOT_KNOWN


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("Ethnic group", (*_BROAD_GROUPS, NOT_RECORDED), _ethnic_group),
    Dimension(
        "Ethnic category",
        (*(c.label for c in EthnicCategory), NOT_RECORDED),
        _ethnic_category,
        within=("Ethnic group", lambda label: _BROAD_GROUP_OF.get(label, NOT_RECORDED)),
    ),
    Dimension("Sex", (*(s.label for s in Sex), NOT_RECORDED), _sex),
    Dimension("Age band", tuple(b.label for b in AgeBand), _age_band, additive=False),
    Dimension(
        "Learning disability or autism",
        (LD_OR_AUTISM, NEITHER, LD_NOT_KNOWN),
        lambda patient, _: learning_disability_or_autism(patient),
    ),
)


def _spells_of_patients(spells: Iterable[HospitalSpell]) -> dict[UUID, list[HospitalSpell]]:
    by_patient: dict[UUID, list[HospitalSpell]] = {}
    for spell in spells:
        by_patient.setdefault(spell.patient_id, []).append(spell)
    return by_patient


def bed_days_of_patients(
    spells: Iterable[HospitalSpell], period: Period, *, as_of: datetime
) -> dict[UUID, int]:
    """Each patient's occupied bed days in ``period`` (domain.md §4.4, the midnight
    convention of :mod:`app.models.admission`); patients with none are left out.
    """
    found = {
        patient_id: occupied_bed_days(theirs, period.first, period.last, as_of=as_of)
        for patient_id, theirs in _spells_of_patients(spells).items()
    }
    return {patient_id: days for patient_id, days in found.items() if days}


@dataclass(frozen=True, slots=True)
class PatientBedDays:
    """Each patient's occupied bed days in a period: in all
    (:func:`bed_days_of_patients`), and split by the age band they were in on each day
    (:func:`~app.models.oversight_rules.bed_days_by_age_band`). Worked out once for a report
    and shared by all its breakdowns (:func:`bed_days_by_group`); patients with none are left
    out.
    """

    total: Mapping[UUID, int]
    by_age_band: Mapping[UUID, Mapping[AgeBand, int]]


def patient_bed_days(
    spells: Sequence[HospitalSpell],
    patients: Mapping[UUID, Patient],
    period: Period,
    *,
    as_of: datetime,
) -> PatientBedDays:
    """The :class:`PatientBedDays` of the patients of ``spells`` in ``period``."""
    by_age_band: dict[UUID, Mapping[AgeBand, int]] = {}
    for patient_id, theirs in _spells_of_patients(spells).items():
        patient = patients.get(patient_id)
        born = None if patient is None else patient.date_of_birth
        bands = bed_days_by_age_band(theirs, born, period, as_of=as_of)
        if bands:
            by_age_band[patient_id] = bands
    return PatientBedDays(bed_days_of_patients(spells, period, as_of=as_of), by_age_band)


def bed_days_by_group(
    dimension: Dimension,
    bed_days: PatientBedDays,
    patients: Mapping[UUID, Patient],
    period: Period,
) -> dict[str, int]:
    """Occupied bed days in ``period`` per group of ``dimension`` (domain.md §4.4, §6), from
    each patient's (``bed_days``). Age band splits each patient's days at their birthdays;
    every other dimension puts all of a patient's days in their one group.
    """
    found: dict[str, int] = {}
    if dimension.additive:
        for patient_id, days in bed_days.total.items():
            group = dimension.group_of(patients.get(patient_id), period.first)
            found[group] = found.get(group, 0) + days
        return found
    for bands in bed_days.by_age_band.values():
        for band, days in bands.items():
            found[band.label] = found.get(band.label, 0) + days
    return found
