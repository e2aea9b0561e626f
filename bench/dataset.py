"""Five years of a busy ward, generated deterministically, loaded into an encrypted and a plain
store side by side, and cached under ``bench/results/`` so repeat runs do not rebuild.

The ward (all people fictitious, NHS numbers in the 999 test range):

- 1 ward of 18 beds, 25 staff;
- ~365 hospital spells of ~310 patients (beds tiled by spells of 1 week to 6 months, some
  patients readmitted);
- ~20,000 use-of-force incidents (about 11 a day), each with 1–3 uses of force and 2–4 staff,
  complete and signed off — except those too recent to have been signed off by ``NOW``
  (submitted or, in the last hours, drafts), which is what a real board shows;
- ~2,000 seclusion episodes, each the consequence of one of those incidents (its last use of
  force is type 05, seclusion), with an observation every 15 minutes, a nursing review every
  2 hours and a medical review every 4 hours — about 60,000 observations and reviews. All have
  ended except two running at ``NOW`` (5 and 26 hours in);
- 4 long-term segregation episodes with a daily approved-clinician review and a weekly MDT
  review; one is running at ``NOW``.

Every record is saved once, in its final state (a real incident has 2–3 revisions: draft,
submitted, signed off; that would make the revision table ~1.5× larger).

``NOW`` is fixed so that the dataset and the board it produces are the same on every run.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import shutil
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.models.admission import HospitalSpell
from app.models.base import Answer, Record
from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import (
    CarePlanNotification,
    ForceUse,
    IncidentStatus,
    PostIncidentReview,
    SeriousHarm,
)
from app.models.legal_status import LegalStatus
from app.models.patient import MentalDisorder, NotificationContact, Patient
from app.models.people import StaffMember, Ward
from app.models.refs import ClinicalRole, PersonRef
from app.models.seclusion import (
    SeclusionCarePlan,
    SeclusionDecision,
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)
from app.models.segregation import (
    LtsCarePlan,
    LtsDecision,
    LtsEpisode,
    LtsReview,
    LtsReviewKind,
    Participation,
)
from app.store import engine, migrate
from app.store.keyslots import KdfParams, generate_recovery_key_pair
from app.store.store import Store
from tests.models.builders import characteristics, rapid_tranquillisation, valid_test_nhs_numbers

#: Bump when the generator or the store's on-disk format changes: cached stores are rebuilt.
DATASET_VERSION = 3
SEED = 20_181_101  # the Use of Force Act's royal assent, 1 Nov 2018
NOW = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
YEARS = 5
START = NOW - timedelta(days=365 * YEARS + 1)
BEDS = 18
INCIDENTS = 20_000
SECLUSIONS = 2_000
BATCH = 500

USERNAME = "bench.nurse"
PASSWORD = "bench password, not a secret"  # noqa: S105 - a throwaway store's password
RESULTS = Path(__file__).resolve().parent / "results"

QUICK_SCALE = 0.05  # --quick: 5 % of the ward (1,000 incidents, 100 seclusions)


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


class _Ids:
    """Deterministic UUID4s from the generator's random stream."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)


# ------------------------------------------------------------------------------ the people

_STAFF_PLAN: tuple[tuple[int, str, ClinicalRole, bool], ...] = (
    # (how many, job title, role, based on the ward)
    (1, "Ward manager", ClinicalRole.WARD_MANAGER, True),
    (3, "Nurse in charge", ClinicalRole.NURSE_IN_CHARGE, True),
    (8, "Staff nurse", ClinicalRole.REGISTERED_NURSE, True),
    (8, "Healthcare support worker", ClinicalRole.HEALTHCARE_SUPPORT_WORKER, True),
    (2, "Specialty doctor", ClinicalRole.DOCTOR, False),
    (1, "Responsible clinician", ClinicalRole.RESPONSIBLE_CLINICIAN, True),
    (1, "Approved clinician", ClinicalRole.APPROVED_CLINICIAN, False),
    (1, "Clinical psychologist", ClinicalRole.PSYCHOLOGIST, True),
)
_GIVEN = [
    "Alex",
    "Robin",
    "Sam",
    "Jo",
    "Kit",
    "Ari",
    "Lee",
    "Nic",
    "Mo",
    "Pat",
    "Val",
    "Jan",
    "Charlie",
    "Frankie",
    "Jamie",
    "Morgan",
    "Rowan",
    "Sasha",
    "Taylor",
    "Avery",
    "Casey",
    "Drew",
    "Emery",
    "Harper",
    "Jules",
    "Kai",
    "Logan",
    "Quinn",
    "Reese",
    "Skyler",
]
_FAMILY = [
    "Ashdown",
    "Penhallow",
    "Fairweather",
    "Marlowe",
    "Quennell",
    "Tarrant",
    "Oakridge",
    "Fenwick",
    "Holloway",
    "Greenhalgh",
    "Whitcombe",
    "Testperson",
    "Brackley",
    "Corrigan",
    "Dunmore",
    "Elsworth",
    "Farrow",
    "Gilchrist",
    "Hartigan",
    "Ingleby",
    "Jessop",
    "Kendrew",
    "Lockyer",
    "Mabbott",
    "Northcote",
    "Orpwood",
    "Pendry",
    "Quarrie",
    "Ravenhill",
    "Stannard",
    "Tolley",
    "Upcott",
    "Verity",
    "Wadsworth",
    "Yelland",
]


@dataclass(frozen=True, slots=True)
class Staff:
    """The ward's staff, by what records need them for."""

    members: tuple[StaffMember, ...]

    def _with(self, *roles: ClinicalRole) -> list[PersonRef]:
        return [m.as_person_ref() for m in self.members if m.role in roles]

    @property
    def nurses(self) -> list[PersonRef]:
        return self._with(
            ClinicalRole.REGISTERED_NURSE, ClinicalRole.NURSE_IN_CHARGE, ClinicalRole.WARD_MANAGER
        )

    @property
    def floor(self) -> list[PersonRef]:
        return self._with(
            ClinicalRole.REGISTERED_NURSE,
            ClinicalRole.NURSE_IN_CHARGE,
            ClinicalRole.HEALTHCARE_SUPPORT_WORKER,
        )

    @property
    def support(self) -> list[PersonRef]:
        return self._with(ClinicalRole.HEALTHCARE_SUPPORT_WORKER)

    @property
    def in_charge(self) -> list[PersonRef]:
        return self._with(ClinicalRole.NURSE_IN_CHARGE, ClinicalRole.WARD_MANAGER)

    @property
    def doctors(self) -> list[PersonRef]:
        return self._with(ClinicalRole.DOCTOR)

    @property
    def manager(self) -> PersonRef:
        return self._with(ClinicalRole.WARD_MANAGER)[0]

    @property
    def rc(self) -> PersonRef:
        return self._with(ClinicalRole.RESPONSIBLE_CLINICIAN)[0]

    @property
    def ac(self) -> PersonRef:
        return self._with(ClinicalRole.APPROVED_CLINICIAN)[0]

    @property
    def psychologist(self) -> PersonRef:
        return self._with(ClinicalRole.PSYCHOLOGIST)[0]


def _staff(rng: random.Random, new_id: _Ids, ward_id: uuid.UUID) -> Staff:
    members = []
    for count, title, role, on_ward in _STAFF_PLAN:
        for _ in range(count):
            name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
            if role in (ClinicalRole.DOCTOR, ClinicalRole.RESPONSIBLE_CLINICIAN):
                name = "Dr " + name
            members.append(
                StaffMember(
                    id=new_id(),
                    name=name,
                    job_title=title,
                    role=role,
                    ward_id=ward_id if on_ward else None,
                )
            )
    return Staff(tuple(members))


# ------------------------------------------------------------------------------ the ward


@dataclass
class Spell:
    """A bed occupied by one patient for a period (the generator's view of a spell)."""

    patient: Patient
    admitted_at: datetime
    discharged_at: datetime | None  # None: still on the ward at NOW

    def covers(self, at: datetime) -> bool:
        return self.admitted_at <= at and (self.discharged_at is None or at < self.discharged_at)


@dataclass
class Ward5y:
    """Every record of the five years, in the order they are loaded."""

    records: list[Record] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    ward_id: uuid.UUID | None = None
    now: datetime = NOW

    def add(self, record: Record) -> None:
        self.records.append(record)
        self.counts[record.KIND] = self.counts.get(record.KIND, 0) + 1


def _patient(rng: random.Random, new_id: _Ids, ward_id: uuid.UUID, nhs: str, n: int) -> Patient:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 52))
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    return Patient(
        id=new_id(),
        ward_id=ward_id,
        given_name=given,
        family_name=family,
        nhs_number=nhs,
        local_identifier=f"MBH{n:05d}",
        date_of_birth=born,
        characteristics=characteristics(),
        learning_disability=Answer.NO,
        autism=rng.choice((Answer.NO, Answer.NO, Answer.NO, Answer.YES)),
        mental_disorder=MentalDisorder(known=True, description="Schizophrenia", icd10_code="F20.0"),
        legal_status=rng.choice((LegalStatus.S2, LegalStatus.S3, LegalStatus.S37)),
        care_plan_contacts=(
            NotificationContact(
                name=f"{rng.choice(_GIVEN)} {family}",
                relationship="Sibling",
                how_to_contact="Telephone",
            ),
        ),
    )


def _spells(
    rng: random.Random, new_id: _Ids, ward_id: uuid.UUID, scale: float
) -> tuple[list[Patient], list[list[Spell]]]:
    """Beds tiled by spells from START to NOW; about one spell in seven is a readmission."""
    nhs_numbers = iter(valid_test_nhs_numbers())
    patients: list[Patient] = []
    discharged: list[Patient] = []
    on_ward: set[uuid.UUID] = set()
    beds: list[list[Spell]] = [[] for _ in range(max(2, round(BEDS * max(scale, 0.25))))]
    # Walk time forward; each bed takes its next patient when its last one leaves.
    free_at = [START - timedelta(days=rng.randint(0, 120)) for _ in beds]
    leaving: list[tuple[datetime, uuid.UUID, Patient]] = []
    while True:
        bed = min(range(len(beds)), key=free_at.__getitem__)
        admitted = free_at[bed]
        if admitted >= NOW - timedelta(days=2):
            break
        leaving.sort(key=lambda x: x[0])
        while leaving and leaving[0][0] <= admitted:
            _, pid, who = leaving.pop(0)
            on_ward.discard(pid)
            discharged.append(who)
        candidates = [p for p in discharged if p.id not in on_ward]
        if candidates and rng.random() < 0.15:
            who = rng.choice(candidates)
            discharged.remove(who)
        else:
            who = _patient(rng, new_id, ward_id, next(nhs_numbers), len(patients) + 1)
            patients.append(who)
        on_ward.add(who.id)
        stay = timedelta(days=rng.randint(7, 170), hours=rng.randint(0, 23))
        until: datetime | None = admitted + stay
        if until is not None and until >= NOW:
            until = None
        if until is not None:
            leaving.append((until, who.id, who))
        beds[bed].append(Spell(who, admitted, until))
        free_at[bed] = (
            NOW + timedelta(days=1)
            if until is None
            else until + timedelta(hours=rng.randint(2, 30))
        )
    return patients, beds


def _occupant(rng: random.Random, beds: list[list[Spell]], at: datetime) -> Spell | None:
    order = list(range(len(beds)))
    rng.shuffle(order)
    for bed in order:
        for spell in reversed(beds[bed]):
            if spell.admitted_at <= at:
                if spell.covers(at):
                    return spell
                break
    return None


_PHYSICAL = (
    InterventionType.PHYSICAL_STANDING,
    InterventionType.PHYSICAL_SEATED,
    InterventionType.PHYSICAL_SUPINE,
    InterventionType.PHYSICAL_SIDE,
    InterventionType.PHYSICAL_KNEELING,
    InterventionType.PHYSICAL_PRONE,
    InterventionType.PHYSICAL_RESTRICTIVE_ESCORT,
)
_REASONS = (
    InterventionReason.PREVENT_VIOLENCE_TO_OTHERS,
    InterventionReason.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM,
    InterventionReason.LAWFULLY_GIVE_MEDICINE_OR_TREATMENT,
    InterventionReason.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR,
)


def _force_uses(
    rng: random.Random, new_id: _Ids, start: datetime, seclusion_hours: float | None
) -> tuple[list[ForceUse], datetime | None]:
    """1–3 uses of force from ``start``; with ``seclusion_hours`` the last one is seclusion
    (None: still running). Returns the uses and the end of the last one."""
    uses: list[ForceUse] = []
    at = start
    for i in range(rng.randint(1, 3) if seclusion_hours is None else rng.randint(1, 2)):
        kind = rng.choice(_PHYSICAL)
        if seclusion_hours is None and i > 0 and rng.random() < 0.3:
            kind = InterventionType.CHEMICAL_INJECTION_RT
        length = _minutes(rng.randint(2, 15))
        extra: dict[str, Any] = {}
        if kind is InterventionType.CHEMICAL_INJECTION_RT:
            extra["rapid_tranquillisation"] = rapid_tranquillisation(given_at=at + _minutes(1))
        uses.append(
            ForceUse(
                id=new_id(),
                intervention_type=kind,
                started_at=at,
                ended_at=at + length,
                in_care_plan=rng.random() < 0.4,
                patient_injured=rng.random() < 0.05,
                staff_injured=rng.random() < 0.05,
                other_person_injured=False,
                **extra,
            )
        )
        at += length
    end: datetime | None = at
    if seclusion_hours is not None:
        end = None if seclusion_hours < 0 else at + timedelta(hours=seclusion_hours)
        uses.append(
            ForceUse(
                id=new_id(),
                intervention_type=InterventionType.SECLUSION,
                started_at=at,
                ended_at=end,
                in_care_plan=False,
                patient_injured=False,
                staff_injured=False,
                other_person_injured=False,
            )
        )
    return uses, end


def _incident(
    rng: random.Random,
    *,
    new_id: _Ids,
    staff: Staff,
    spell: Spell,
    ward_id: uuid.UUID,
    start: datetime,
    seclusion_hours: float | None = None,
) -> UseOfForceIncident:
    uses, end = _force_uses(rng, new_id, start, seclusion_hours)
    involved = rng.sample(staff.floor, rng.randint(2, 4))
    data: dict[str, Any] = {
        "id": new_id(),
        "patient_id": spell.patient.id,
        "ward_id": ward_id,
        "reason": rng.choice(_REASONS),
        "reason_narrative": "Became acutely distressed and assaulted another patient in the "
        "corridor; verbal de-escalation was not effective.",
        "location": rng.choice(("Day room", "Corridor", "Bedroom", "Dining room", "Garden")),
        "started_at": start,
        "ended_at": end,
        "force_uses": tuple(uses),
        "how_force_was_used": "Two-person standing hold moving to a supported seated position "
        "on the floor; holds released as the patient settled.",
        "staff_involved": tuple(involved),
        "non_staff_involved": False,
        "outcome": "Settled; physical observations within normal range; no injuries seen.",
        "serious_harm": SeriousHarm.NONE,
        "efforts_to_avoid_force": "Verbal de-escalation, offered quiet space, PRN oral "
        "medication offered and declined.",
        "care_plan_notification": CarePlanNotification.NOTIFIED,
        "post_incident_review": PostIncidentReview(held_with_patient=True, held_with_staff=True),
    }
    if end is not None:
        submitted_at = end + _minutes(rng.randint(30, 180))
        signed_off_at = submitted_at + timedelta(hours=rng.randint(6, 96))
        if submitted_at <= NOW:
            data |= {
                "status": IncidentStatus.SUBMITTED,
                "submitted_by": involved[0],
                "submitted_at": submitted_at,
            }
        if signed_off_at <= NOW:
            data |= {
                "status": IncidentStatus.SIGNED_OFF,
                "signed_off_by": staff.manager,
                "signed_off_at": signed_off_at,
            }
    return UseOfForceIncident(**data)


_SECLUSION_PLAN = SeclusionCarePlan(
    food="Finger food offered at meal times through the hatch",
    fluids="Water and squash offered at every observation",
    toilet="En-suite toilet in the seclusion suite",
    hygiene="Shower offered each morning with two staff",
    clothing="Own clothes",
    bedding="Tear-proof mattress and blanket",
    medication="As prescribed; PRN reviewed by the duty doctor",
    physical_health="Physical observations four-hourly if awake",
    steps_to_end_seclusion="Calm for one hour and able to talk with staff about the plan",
)


def _seclusion(
    rng: random.Random,
    new_id: _Ids,
    staff: Staff,
    incident: UseOfForceIncident,
    ward: Ward5y,
) -> None:
    """The episode that follows ``incident``, its observations and reviews, into ``ward``."""
    use = incident.force_uses[-1]
    start, end = use.started_at, use.ended_at
    episode = SeclusionEpisode(
        id=new_id(),
        patient_id=incident.patient_id,
        ward_id=incident.ward_id,
        incident_id=incident.id,
        started_at=start,
        authorised_by=rng.choice(staff.in_charge),
        place="Seclusion suite",
        reason=incident.reason,
        reason_narrative="Continued to assault staff after the restraint was released",
        care_plan=_SECLUSION_PLAN,
        ended_at=end,
        ended_by=None if end is None else rng.choice(staff.doctors),
        debrief_offered=None if end is None else Answer.YES,
        debrief_held=None if end is None else Answer.YES,
    )
    ward.add(episode)
    until = NOW if end is None else end
    observations = staff.floor
    at = start + _minutes(15)
    while at <= until:
        ward.add(
            SeclusionObservation(
                id=new_id(),
                episode_id=episode.id,
                patient_id=episode.patient_id,
                ward_id=episode.ward_id,
                observed_at=at,
                observer=rng.choice(observations),
                behaviour=rng.choice(
                    ("Pacing, shouting at the door", "Lying on the mattress", "Sitting quietly")
                ),
                mental_state="Agitated, responding to voices",
                physical_state="No injuries seen",
                breathing="Regular, unlaboured",
                fluid_offered=rng.random() < 0.5,
                food_offered=rng.random() < 0.1,
                toilet_offered=rng.random() < 0.2,
            )
        )
        at += _minutes(15)
    reviews = [(start + _minutes(40), SeclusionReviewKind.MEDICAL)]
    reviews += [(start + timedelta(hours=h), SeclusionReviewKind.NURSING) for h in range(2, 400, 2)]
    reviews += [(start + timedelta(hours=h), SeclusionReviewKind.MEDICAL) for h in range(4, 400, 4)]
    for held_at, kind in sorted(reviews):
        if held_at > until:
            continue
        attendees = (
            (rng.choice(staff.nurses), rng.choice(staff.support))
            if kind is SeclusionReviewKind.NURSING
            else (rng.choice(staff.doctors),)
        )
        ward.add(
            SeclusionReview(
                id=new_id(),
                episode_id=episode.id,
                patient_id=episode.patient_id,
                ward_id=episode.ward_id,
                kind=kind,
                held_at=held_at,
                attendees=attendees,
                decision=SeclusionDecision.CONTINUE,
                notes="Remains too unsettled to end seclusion safely",
            )
        )


def _lts(
    rng: random.Random,
    *,
    new_id: _Ids,
    staff: Staff,
    spell: Spell,
    start: datetime,
    days: int | None,
    ward: Ward5y,
) -> None:
    """An LTS episode from ``start`` lasting ``days`` (None: running at NOW) with reviews."""
    end = None if days is None else start + timedelta(days=days)
    episode = LtsEpisode(
        id=new_id(),
        patient_id=spell.patient.id,
        ward_id=spell.patient.ward_id,
        started_at=start,
        authorised_by=staff.rc,
        decision_attendees=(staff.rc, staff.manager, staff.psychologist, _COMMISSIONER),
        imha_told=Answer.YES,
        imha_told_at=start + timedelta(hours=2),
        care_plan=LtsCarePlan(
            why_needed="Sustained risk of serious assault on peers despite less restrictive plans",
            own_area="Two-room suite with lounge off the main corridor",
            fresh_air="Own courtyard, open 08:00–20:00",
            bathroom="En-suite shower room",
            meaningful_contact="Two named staff each shift; video call with family weekly",
            activity="OT-led cooking weekly; gym three times a week",
            physical_health_monitoring="Weekly physical health check",
            risk_management="PBS plan; early warning signs shared at each handover",
            steps_to_end="Seven days without assault; 30 minutes twice daily in the lounge",
        ),
        ended_at=end,
        ended_by=None if end is None else staff.rc,
    )
    ward.add(episode)
    until = NOW if end is None else end
    day = 1
    while start + timedelta(days=day) <= until:
        held_at = start + timedelta(days=day)
        mdt = day % 7 == 0
        ward.add(
            LtsReview(
                id=new_id(),
                episode_id=episode.id,
                patient_id=episode.patient_id,
                ward_id=episode.ward_id,
                kind=LtsReviewKind.MDT if mdt else LtsReviewKind.APPROVED_CLINICIAN,
                held_at=held_at,
                attendees=(staff.rc, staff.manager, staff.psychologist) if mdt else (staff.ac,),
                patient_present=True,
                patient_views="Wants more time in the garden",
                imha=Participation.ATTENDED if mdt else None,
                family=Participation.INVITED_DID_NOT_ATTEND if mdt else None,
                commissioner=Participation.NOT_INVITED if mdt else None,
                decision=LtsDecision.CONTINUE,
                rationale="Two assaults on staff since the last review; risk unchanged",
            )
        )
        day += 1


_COMMISSIONER = PersonRef(
    name="Pat Holloway", job_title="Case manager, NHS commissioning", role=ClinicalRole.COMMISSIONER
)


def generate(scale: float = 1.0) -> Ward5y:
    """The whole ward, deterministic for a given ``scale`` (1.0: the full five years)."""
    rng = random.Random(SEED)
    new_id = _Ids(rng)
    ward = Ward5y()
    ward_record = Ward(
        id=new_id(), name="Ashdown Ward", code="ASH-1", number_of_beds=BEDS, site="Meadowbank"
    )
    ward.ward_id = ward_record.id
    ward.add(ward_record)
    staff = _staff(rng, new_id, ward_record.id)
    for member in staff.members:
        ward.add(member)
    patients, beds = _spells(rng, new_id, ward_record.id, scale)
    for patient in patients:
        ward.add(patient)
    for bed in beds:
        for spell in bed:
            ward.add(
                HospitalSpell(
                    id=new_id(),
                    patient_id=spell.patient.id,
                    ward_id=ward_record.id,
                    admitted_at=spell.admitted_at,
                    discharged_at=spell.discharged_at,
                )
            )

    incidents = round(INCIDENTS * scale)
    seclusions = round(SECLUSIONS * scale)
    span = (NOW - START - timedelta(hours=2)).total_seconds()
    starts = sorted(START + timedelta(seconds=rng.uniform(0, span)) for _ in range(incidents))
    seclusion_every = max(1, incidents // max(1, seclusions))
    secluded_until: dict[uuid.UUID, datetime] = {}
    made = 0
    for n, start in enumerate(starts):
        occupant = _occupant(rng, beds, start)
        if occupant is None:
            continue
        hours: float | None = None
        if (
            n % seclusion_every == seclusion_every // 2
            and made < seclusions
            and secluded_until.get(occupant.patient.id, START) < start
        ):
            hours = rng.randint(60, 720) / 60
            if start + timedelta(hours=hours + 1) >= NOW:
                hours = None
        incident = _incident(
            rng,
            new_id=new_id,
            staff=staff,
            spell=occupant,
            ward_id=ward_record.id,
            start=start,
            seclusion_hours=hours,
        )
        ward.add(incident)
        if hours is not None:
            made += 1
            secluded_until[occupant.patient.id] = start + timedelta(hours=hours + 1)
            _seclusion(rng, new_id, staff, incident, ward)

    # Running now: two seclusions (5 and 26 hours in) and one LTS; three LTS in the past.
    current = [bed[-1] for bed in beds if bed[-1].discharged_at is None]
    current.sort(key=lambda s: s.admitted_at)
    for spell, hours_in in zip(current[-2:], (5, 26), strict=False):
        start = NOW - timedelta(hours=hours_in, minutes=7)
        incident = _incident(
            rng,
            new_id=new_id,
            staff=staff,
            spell=spell,
            ward_id=ward_record.id,
            start=start,
            seclusion_hours=-1.0,
        )
        ward.add(incident)
        _seclusion(rng, new_id, staff, incident, ward)
    long_stay = current[0]
    lts_start = max(long_stay.admitted_at + timedelta(days=3), NOW - timedelta(days=150))
    _lts(rng, new_id=new_id, staff=staff, spell=long_stay, start=lts_start, days=None, ward=ward)
    past = sorted(
        (s for bed in beds for s in bed if s.discharged_at is not None),
        key=lambda s: s.discharged_at - s.admitted_at,  # type: ignore[operator]
    )[-3:]
    for spell, days in zip(past, (40, 75, 120), strict=True):
        stay = (spell.discharged_at or NOW) - spell.admitted_at
        _lts(
            rng,
            new_id=new_id,
            staff=staff,
            spell=spell,
            start=spell.admitted_at + timedelta(days=1),
            days=min(days, stay.days - 2),
            ward=ward,
        )
    return ward


# ------------------------------------------------------------------------------ loading


def batches(records: list[Record], size: int = BATCH) -> Iterator[list[Record]]:
    for i in range(0, len(records), size):
        yield records[i : i + size]


@dataclass
class BuiltStores:
    """The cached pair of stores and what is known about them."""

    root: Path
    encrypted_dir: Path
    plain_dir: Path
    ward_id: uuid.UUID
    now: datetime
    counts: dict[str, int]
    records: int
    generate_s: float
    load_encrypted_s: float
    load_plain_s: float
    encrypted_bytes: int
    plain_bytes: int
    recovery_private_pem: bytes = field(repr=False)
    build_wall_s: float = 0.0
    built_now: bool = False


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())


def _manifest_path(root: Path) -> Path:
    return root / "manifest.json"


def dataset_root(scale: float) -> Path:
    """The cache folder: changes with the generator, the schema and the cipher format."""
    tag = "full" if scale == 1.0 else f"scale{scale:g}"
    cipher = "default" if not engine.CIPHER_FORMAT else _short_hash(";".join(engine.CIPHER_FORMAT))
    return RESULTS / f"ward5y-v{DATASET_VERSION}-schema{migrate.head_revision()}-{cipher}-{tag}"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _load_one(
    root: Path, name: str, *, encrypted: bool, public_pem: bytes, scale: float
) -> tuple[float, float]:
    """Generate the ward and load it into one new store (run in its own process)."""
    t0 = time.perf_counter()
    ward = generate(scale)
    generate_s = time.perf_counter() - t0
    store = Store.create(
        root / name,
        username=USERNAME,
        password=PASSWORD,
        recovery_public_key_pem=public_pem,
        kdf=KdfParams(),
        encrypted=encrypted,
    )
    t0 = time.perf_counter()
    try:
        for batch in batches(ward.records):
            with store.write() as tx:
                for record in batch:
                    tx.save(record)
    finally:
        store.close()  # the last connection to close checkpoints the WAL and removes it
    return generate_s, time.perf_counter() - t0


def build_or_load(scale: float = 1.0, *, log: Any = print, rebuild: bool = False) -> BuiltStores:
    """The cached stores for ``scale``, building them first if missing (or ``rebuild``).

    The two stores are loaded by two processes at once (one per core), each generating the
    same records from the same seed.
    """
    root = dataset_root(scale)
    manifest = _manifest_path(root)
    if manifest.is_file() and not rebuild:
        data = json.loads(manifest.read_text())
        return BuiltStores(
            root=root,
            encrypted_dir=root / "encrypted",
            plain_dir=root / "plain",
            ward_id=uuid.UUID(data["ward_id"]),
            now=datetime.fromisoformat(data["now"]),
            counts=data["counts"],
            records=data["records"],
            generate_s=data["generate_s"],
            load_encrypted_s=data["load_encrypted_s"],
            load_plain_s=data["load_plain_s"],
            encrypted_bytes=_dir_bytes(root / "encrypted"),
            plain_bytes=_dir_bytes(root / "plain"),
            recovery_private_pem=data["recovery_private_pem"].encode("ascii"),
            build_wall_s=data.get("build_wall_s", 0.0),
        )
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    log(f"building the five-year ward (scale {scale:g}) in {root} (two processes) …")
    t0 = time.perf_counter()
    ward = generate(scale)
    log(f"  {len(ward.records):,} records: {ward.counts}")
    private_pem, public_pem = generate_recovery_key_pair()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        encrypted = pool.submit(
            _load_one, root, "encrypted", encrypted=True, public_pem=public_pem, scale=scale
        )
        plain = pool.submit(
            _load_one, root, "plain", encrypted=False, public_pem=public_pem, scale=scale
        )
        generate_s, load_encrypted_s = encrypted.result()
        _, load_plain_s = plain.result()
    data = {
        "version": DATASET_VERSION,
        "scale": scale,
        "ward_id": str(ward.ward_id),
        "now": ward.now.isoformat(),
        "counts": ward.counts,
        "records": len(ward.records),
        "generate_s": generate_s,
        "load_encrypted_s": load_encrypted_s,
        "load_plain_s": load_plain_s,
        "build_wall_s": time.perf_counter() - t0,
        "recovery_private_pem": private_pem.decode("ascii"),
    }
    manifest.write_text(json.dumps(data, indent=2))
    built = build_or_load(scale)
    built.built_now = True
    log(
        f"  built in {data['build_wall_s']:.0f} s wall (loading: encrypted "
        f"{load_encrypted_s:.0f} s, plain {load_plain_s:.0f} s; "
        f"{built.encrypted_bytes / 1e6:.0f} MB encrypted,"
        f" {built.plain_bytes / 1e6:.0f} MB plain)"
    )
    return built


def describe(built: BuiltStores) -> dict[str, Any]:
    out = asdict(built)
    out.pop("recovery_private_pem")
    return out
