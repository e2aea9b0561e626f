"""The patients of the demo ward with their hospital spells. Every name is fictitious; every
NHS number is in the 999 range reserved for test data (domain.md §5).

The patients are a fixed cast chosen so that the ward's figures are worth looking at: every
NHS ethnic category appears (including "not stated" and "not known"), some patients are
autistic or have a learning disability, legal status is mostly s.2/s.3 with some informal
patients and a restricted hospital order, and a few patients account for most incidents.
The seed decides dates of birth, NHS numbers, admission times and the smaller answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from app.cli.demo.support import DemoRandom, floor_minute
from app.models.admission import HospitalSpell
from app.models.base import Answer
from app.models.characteristics import (
    Disability,
    GenderReassignment,
    MaritalStatus,
    PregnancyMaternity,
    ProtectedCharacteristics,
    ReligionOrBelief,
    Sex,
    SexualOrientation,
)
from app.models.clock import local_date
from app.models.codes import EthnicCategory
from app.models.legal_status import LegalStatus
from app.models.nhs_number import TEST_PREFIX, check_digit
from app.models.patient import MentalDisorder, NotificationContact, Patient
from app.models.people import Ward

_DISORDERS: dict[str, tuple[str, str]] = {
    "schizophrenia": ("Paranoid schizophrenia", "F20.0"),
    "schizoaffective": ("Schizoaffective disorder, manic type", "F25.0"),
    "bipolar": ("Bipolar affective disorder, manic with psychotic symptoms", "F31.2"),
    "eupd": ("Emotionally unstable personality disorder", "F60.3"),
    "depression": ("Severe depressive episode with psychotic symptoms", "F32.3"),
    "acute": ("Acute and transient psychotic disorder", "F23"),
    "cannabis": ("Psychotic disorder due to use of cannabinoids", "F12.5"),
    "psychosis": ("Unspecified nonorganic psychosis", "F29"),
}

#: A spell as fractions of the demo period: 0 is its start, 1 is ``now``. A negative start is
#: that fraction of 90 days *before* the period; an end of ``None`` means still on the ward.
SpellPlan = tuple[float, float | None]


class _Cast(NamedTuple):
    key: str
    given: str
    family: str
    sex: Sex
    ethnicity: EthnicCategory
    age: int
    learning_disability: Answer
    autism: Answer
    legal: LegalStatus
    disorder: str | None  # key of _DISORDERS; None: recorded as not known
    religion: ReligionOrBelief
    weight: float  # share of the ward's incidents (0: none)
    secludable: bool
    spells: tuple[SpellPlan, ...]
    contact: tuple[str, str] | None  # (name, relationship) to be told under the care plan


_M, _F = Sex.MALE, Sex.FEMALE
_Y, _N, _NK = Answer.YES, Answer.NO, Answer.NOT_KNOWN
_E, _L, _R = EthnicCategory, LegalStatus, ReligionOrBelief
_SECL, _NO_SECL = True, False  # may be secluded in the demo

_CAST: tuple[_Cast, ...] = (
    _Cast("daniel", "Daniel", "Hartley", _M, _E.WHITE_BRITISH, 34, _N, _N, _L.S3, "schizophrenia",
          _R.NO_RELIGION, 3, _NO_SECL, ((-0.3, 0.45), (0.7, None)), ("Janet Hartley", "Mother")),
    _Cast("kirsty", "Kirsty", "Dawson", _F, _E.WHITE_BRITISH, 27, _N, _N, _L.S3, "eupd",
          _R.NOT_STATED, 9, _NO_SECL, ((-0.1, None),), ("Ian Dawson", "Father")),
    _Cast("liam", "Liam", "Fletcher", _M, _E.WHITE_BRITISH, 22, _N, _N, _L.S2, "bipolar",
          _R.NO_RELIGION, 5, _SECL, ((0.15, 0.62),), ("Amy Fletcher", "Sister")),
    _Cast("stephen", "Stephen", "Rowe", _M, _E.WHITE_BRITISH, 58, _N, _N, _L.S37_41,
          "schizophrenia", _R.CHRISTIAN, 1, _NO_SECL, ((-0.9, None),), None),
    _Cast("ciara", "Ciara", "Byrne", _F, _E.WHITE_IRISH, 45, _N, _N, _L.INFORMAL, "depression",
          _R.CHRISTIAN, 1, _NO_SECL, ((0.55, 0.74),), ("Declan Byrne", "Husband")),
    _Cast("tomasz", "Tomasz", "Zielinski", _M, _E.WHITE_OTHER, 31, _N, _N, _L.S3, "cannabis",
          _R.CHRISTIAN, 6, _SECL, ((-0.2, 0.5),), ("Ewa Zielinska", "Mother")),
    _Cast("jordan", "Jordan", "Campbell", _M, _E.MIXED_WHITE_BLACK_CARIBBEAN, 24, _Y, _Y, _L.S3,
          "psychosis", _R.NO_RELIGION, 8, _SECL, ((-0.9, None),), ("Denise Campbell", "Mother")),
    _Cast("nia", "Nia", "Harrison", _F, _E.MIXED_WHITE_BLACK_AFRICAN, 19, _N, _Y, _L.S3, "acute",
          _R.NOT_KNOWN, 3, _NO_SECL, ((0.3, None),), ("Paula Harrison", "Mother")),
    _Cast("ravi", "Ravi", "Pearce", _M, _E.MIXED_WHITE_ASIAN, 39, _N, _N, _L.CTO_RECALL,
          "schizoaffective", _R.HINDU, 2, _NO_SECL, ((0.05, 0.35), (0.8, None)),
          ("Sunita Pearce", "Mother")),
    _Cast("leon", "Leon", "Duarte", _M, _E.MIXED_OTHER, 29, _N, _N, _L.S2, "acute",
          _R.CHRISTIAN, 3, _SECL, ((-0.15, 0.25),), None),
    _Cast("arjun", "Arjun", "Mehta", _M, _E.ASIAN_INDIAN, 52, _N, _N, _L.INFORMAL, "depression",
          _R.HINDU, 1, _NO_SECL, ((0.6, 0.85),), ("Kavita Mehta", "Wife")),
    _Cast("bilal", "Bilal", "Hussain", _M, _E.ASIAN_PAKISTANI, 26, _N, _N, _L.S3,
          "schizophrenia", _R.MUSLIM, 6, _SECL, ((0.4, None),), ("Nadia Hussain", "Sister")),
    _Cast("rahima", "Rahima", "Begum", _F, _E.ASIAN_BANGLADESHI, 36, _N, _N, _L.S2, "bipolar",
          _R.MUSLIM, 2, _NO_SECL, ((-0.05, 0.4),), ("Shahid Ahmed", "Brother")),
    _Cast("minh", "Minh", "Tran", _M, _E.ASIAN_OTHER, 47, _N, _NK, _L.INFORMAL, "depression",
          _R.BUDDHIST, 0, _NO_SECL, ((0.9, None),), None),
    _Cast("andre", "Andre", "Thompson", _M, _E.BLACK_CARIBBEAN, 33, _N, _N, _L.S3,
          "schizoaffective", _R.CHRISTIAN, 7, _SECL, ((0.5, None),), ("Carol Thompson", "Mother")),
    _Cast("marcia", "Marcia", "Clarke", _F, _E.BLACK_CARIBBEAN, 41, _N, _N, _L.S3, "bipolar",
          _R.CHRISTIAN, 2, _NO_SECL, ((-0.25, 0.3),), ("Delroy Clarke", "Brother")),
    _Cast("samuel", "Samuel", "Okafor", _M, _E.BLACK_AFRICAN, 30, _N, _N, _L.S2, "acute",
          _R.CHRISTIAN, 3, _SECL, ((0.2, 0.75),), ("Ngozi Okafor", "Mother")),
    _Cast("abdi", "Abdi", "Warsame", _M, _E.BLACK_AFRICAN, 23, _N, _N, _L.S2, None,
          _R.MUSLIM, 2, _NO_SECL, ((0.65, None),), ("Hodan Warsame", "Aunt")),
    _Cast("joel", "Joel", "Baptiste", _M, _E.BLACK_OTHER, 38, _N, _Y, _L.S37, "schizophrenia",
          _R.NOT_STATED, 2, _NO_SECL, ((-0.35, None),), None),
    _Cast("meiling", "Mei Ling", "Zhou", _F, _E.CHINESE, 28, _N, _N, _L.S2, "acute",
          _R.NO_RELIGION, 2, _NO_SECL, ((0.45, 0.9),), ("Li Zhou", "Father")),
    _Cast("yusuf", "Yusuf", "Karimi", _M, _E.OTHER, 35, _N, _N, _L.S3, "schizophrenia",
          _R.MUSLIM, 3, _SECL, ((0.1, None),), ("Farida Karimi", "Wife")),
    _Cast("chris", "Chris", "Morgan", Sex.NOT_STATED, _E.NOT_STATED, 44, _N, _N, _L.S2, None,
          _R.NOT_STATED, 2, _NO_SECL, ((0.75, None),), None),
    _Cast("gary", "Gary", "Holt", _M, _E.NOT_KNOWN, 63, _N, _NK, _L.S2, None,
          _R.NOT_KNOWN, 0, _NO_SECL, ((0.97, None),), None),
)  # fmt: skip

#: Patients whose incidents are often about self-harm: the chance an incident's reason is
#: "prevent serious intentional self-harm" when the kind of hold fits.
SELF_HARM_RISK: dict[str, float] = {"kirsty": 0.6, "nia": 0.3}

#: The patient in long-term segregation, and the one secluded now.
LTS_PATIENT = "jordan"
SECLUDED_NOW = "andre"


@dataclass(frozen=True, slots=True)
class DemoPatient:
    """A patient with their spells and how the generator treats them."""

    key: str
    record: Patient
    spells: tuple[HospitalSpell, ...]
    weight: float
    secludable: bool

    def on_ward(self, start: datetime, end: datetime | None = None) -> bool:
        """True when one spell covers all of ``[start, end]`` (``end`` defaults to start)."""
        end = start if end is None else end
        return any(
            s.admitted_at <= start and (s.discharged_at is None or end < s.discharged_at)
            for s in self.spells
        )


def _nhs_numbers(rnd: DemoRandom, count: int) -> list[str]:
    numbers: list[str] = []
    while len(numbers) < count:
        nine = f"{TEST_PREFIX}{rnd.between(0, 999_999):06d}"
        digit = check_digit(nine)
        if digit is not None and nine + str(digit) not in numbers:
            numbers.append(nine + str(digit))
    return numbers


def _characteristics(rnd: DemoRandom, cast: _Cast) -> ProtectedCharacteristics:
    if cast.ethnicity is EthnicCategory.NOT_KNOWN:  # admitted in crisis, not yet asked
        return ProtectedCharacteristics.all_not_known().model_copy(update={"sex": cast.sex})
    relation = cast.contact[1] if cast.contact else ""
    marital = (
        MaritalStatus.MARRIED
        if relation in {"Husband", "Wife"}
        else rnd.weighted(
            (MaritalStatus.SINGLE, MaritalStatus.DIVORCED_OR_DISSOLVED, MaritalStatus.NOT_STATED),
            (8, 2, 1),
        )
    )
    disability = (
        Disability.YES
        if cast.learning_disability is Answer.YES
        else rnd.weighted((Disability.NO, Disability.YES, Disability.NOT_STATED), (7, 1, 2))
    )
    return ProtectedCharacteristics(
        disability=disability,
        gender_reassignment=rnd.weighted(
            (GenderReassignment.NO, GenderReassignment.NOT_STATED), (4, 1)
        ),
        marriage_civil_partnership=marital,
        pregnancy_maternity=rnd.weighted(
            (PregnancyMaternity.NEITHER, PregnancyMaternity.NOT_STATED), (9, 1)
        ),
        ethnicity=cast.ethnicity,
        religion_or_belief=cast.religion,
        sex=cast.sex,
        sexual_orientation=rnd.weighted(
            (
                SexualOrientation.HETEROSEXUAL,
                SexualOrientation.GAY_OR_LESBIAN,
                SexualOrientation.BISEXUAL,
                SexualOrientation.NOT_STATED,
            ),
            (12, 1, 1, 3),
        ),
    )


def _spell_bounds(
    rnd: DemoRandom, plan: SpellPlan, period_start: datetime, now: datetime
) -> tuple[datetime, datetime | None]:
    period = now - period_start
    begin, end = plan
    if begin < 0:
        admitted = period_start + begin * timedelta(days=90)
    else:
        admitted = period_start + begin * period
    admitted = floor_minute(admitted) + rnd.span(0, 8 * 60)
    if end is None:
        return min(admitted, now - timedelta(days=2)), None
    discharged = floor_minute(period_start + end * period) + rnd.span(0, 5 * 60)
    return admitted, min(discharged, now - timedelta(days=1))


def build_patients(
    rnd: DemoRandom, ward: Ward, period_start: datetime, now: datetime
) -> tuple[DemoPatient, ...]:
    """The cast as patient records with their hospital spells, admitted and discharged over
    the period so that occupied bed days mean something (admission.py).
    """
    numbers = _nhs_numbers(rnd, len(_CAST))
    patients: list[DemoPatient] = []
    for cast, nhs_number in zip(_CAST, numbers, strict=True):
        patient_id = rnd.uuid()
        born = local_date(now) - timedelta(days=365 * cast.age + rnd.between(10, 350))
        disorder = _DISORDERS.get(cast.disorder or "")
        contacts: tuple[NotificationContact, ...] = ()
        if cast.contact is not None:
            contacts = (
                NotificationContact(
                    name=cast.contact[0],
                    relationship=cast.contact[1],
                    how_to_contact=f"Telephone 07700 900{rnd.between(100, 999)}",
                ),
            )
        record = Patient(
            id=patient_id,
            ward_id=ward.id,
            given_name=cast.given,
            family_name=cast.family,
            nhs_number=nhs_number,
            local_identifier=f"BF{rnd.between(100_000, 999_999)}",
            date_of_birth=born,
            characteristics=_characteristics(rnd, cast),
            learning_disability=cast.learning_disability,
            autism=cast.autism,
            mental_disorder=(
                MentalDisorder.not_known()
                if disorder is None
                else MentalDisorder(known=True, description=disorder[0], icd10_code=disorder[1])
            ),
            legal_status=cast.legal,
            care_plan_contacts=contacts,
        )
        spells = tuple(
            HospitalSpell(
                id=rnd.uuid(),
                patient_id=patient_id,
                ward_id=ward.id,
                admitted_at=admitted,
                discharged_at=discharged,
            )
            for admitted, discharged in (
                _spell_bounds(rnd, plan, period_start, now) for plan in cast.spells
            )
        )
        patients.append(DemoPatient(cast.key, record, spells, cast.weight, cast.secludable))
    return tuple(patients)


def patient_by_key(patients: Sequence[DemoPatient], key: str) -> DemoPatient:
    """The cast member called ``key`` (e.g. :data:`LTS_PATIENT`)."""
    return next(p for p in patients if p.key == key)


def ids_of(patients: Sequence[DemoPatient]) -> dict[UUID, DemoPatient]:
    """Patients by record id."""
    return {p.record.id: p for p in patients}
