"""A believable demo ward, generated: pure and deterministic, for ``rpr demo-data``.

:func:`build_demo_ward` returns every record version a ward would have saved over the last
``months`` months — the ward, its staff and accounts, patients and their hospital spells,
use-of-force incidents (draft → submitted → signed off, one amended later with a reason),
seclusion episodes with observations and reviews (one running now, with a clock overdue),
one long-term segregation episode with its reviews and engagement log, and the restrictions
beyond force (issue 10): the ward's blanket restrictions, individual restrictions, enhanced
observation, psychological and cultural restraint, and the steps, IC(E)TR recommendations
and senior-intervenor actions towards ending the LTS episode. It reads no clock,
touches no store and no file: the caller saves :attr:`DemoWard.steps` in order.

Contract: the same ``now``, ``seed`` and ``months`` give equal results; every instant is on
or before ``now``; every record validates with the models, so ``now`` must not be in the
future of this machine's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from uuid import UUID

from app.cli.demo.incidents import (
    MINIMUM_PER_SIX_MONTHS,
    SHAPES,
    Fate,
    PlannedIncident,
    amend,
    file_incident,
    plan_incident,
)
from app.cli.demo.lts_exit import lts_exit
from app.cli.demo.observation import enhanced_observation, restraint_without_force
from app.cli.demo.patients import (
    LTS_PATIENT,
    SECLUDED_NOW,
    DemoPatient,
    build_patients,
    patient_by_key,
)
from app.cli.demo.people import DemoStaff, build_accounts, build_staff, build_ward
from app.cli.demo.restrictions import blanket_restrictions, individual_restrictions
from app.cli.demo.seclusion import SeclusionPlan, active_seclusion, past_seclusion
from app.cli.demo.segregation import long_term_segregation
from app.cli.demo.support import DemoRandom, Timeline, at_local, floor_minute, revise
from app.models.base import Record
from app.models.clock import as_utc, local_date
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.people import StaffMember, UserAccount, Ward

R = TypeVar("R", bound=Record)

#: Incidents per day, on average, across the ward.
INCIDENTS_PER_DAY = 1.35
#: Past seclusion episodes per month.
SECLUSIONS_PER_MONTH = 1.6
#: How many of the latest incidents are still drafts, and how many await sign-off.
RECENT_DRAFTS = 3
RECENT_SUBMITTED = 4
#: Relative chance of an incident starting in each hour of the ward clock (0–23).
_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 4, 5, 6, 6, 6, 6, 7, 7, 6, 5, 3, 2)


@dataclass(frozen=True)
class DemoWard:
    """Everything :func:`build_demo_ward` made.

    ``steps`` are every record version to save, oldest first: ``(record, reason)``, where
    ``reason`` is given only for an amendment after sign-off. A record id appears once per
    version. ``accounts`` are the sign-in accounts demo.nurse, demo.manager and demo.admin;
    ``colleague_accounts`` belong to the other registered nurses named as submitters and
    signers (their records are in ``steps`` too, like the demo accounts').
    """

    ward: Ward
    steps: tuple[tuple[Record, str | None], ...]
    accounts: tuple[UserAccount, ...]
    colleague_accounts: tuple[UserAccount, ...]
    staff: tuple[StaffMember, ...]
    patients: tuple[Patient, ...]
    period_start: datetime
    active_seclusion_id: UUID
    active_seclusion_incident_id: UUID
    lts_episode_id: UUID
    lts_patient_id: UUID
    amended_incident_id: UUID

    def latest(self) -> dict[UUID, Record]:
        """The current version of every record, by id (in first-saved order)."""
        current: dict[UUID, Record] = {}
        for record, _ in self.steps:
            current[record.id] = record
        return current

    def current(self, kind: type[R]) -> list[R]:
        """The current version of every record of class ``kind``."""
        return [r for r in self.latest().values() if isinstance(r, kind)]


def build_demo_ward(
    now: datetime, *, seed: int = 2026, months: int = 6, ward: Ward | None = None
) -> DemoWard:
    """The demo ward as it stands at ``now`` after ``months`` months (1 to 36) of records;
    on ``ward`` when given (an enrolled PC's ward, published by the trust) instead of the
    generated Willow Ward. Raises ``ValueError`` for a naive ``now`` or a period out of range.
    """
    if not 1 <= months <= 36:
        raise ValueError("months: must be from 1 to 36")
    now = floor_minute(as_utc(now))
    period_start = now - timedelta(days=round(months * 30.44))
    rnd = DemoRandom(seed)
    timeline = Timeline()

    generated = build_ward(rnd)  # drawn even when unused: the same seed, the same people
    ward = generated if ward is None else ward
    staff = build_staff(rnd, ward)
    accounts = build_accounts(rnd, staff)
    patients = build_patients(rnd, ward, period_start, now)
    founded = period_start - timedelta(days=365)
    for record in (ward, *staff.everyone, *accounts.demo, *accounts.colleagues):
        timeline.add(founded, record)
    _admissions(timeline, patients)

    lts_patient = patient_by_key(patients, LTS_PATIENT)
    lts = long_term_segregation(rnd, timeline, staff, lts_patient, now)
    secluded = patient_by_key(patients, SECLUDED_NOW)
    active = active_seclusion(rnd, timeline, staff, secluded, now)
    busy: dict[UUID, list[tuple[datetime, datetime]]] = {
        secluded.record.id: [(active.episode.started_at - timedelta(hours=6), now)]
    }
    seclusions = _past_seclusions(
        rnd,
        timeline,
        staff=staff,
        patients=patients,
        busy=busy,
        period=(period_start, now),
        lts_start=lts.episode.started_at,
    )
    planned = [s.incident for s in seclusions]
    planned += _regular_incidents(
        rnd,
        staff=staff,
        patients=patients,
        busy=busy,
        period=(period_start, now),
        lts_start=lts.episode.started_at,
        seclusions=len(planned),
    )
    planned.sort(key=lambda p: p.draft.started_at)
    fates = _fates(len(planned))
    filed = [
        file_incident(rnd, timeline, p, fate, accounts=accounts, staff=staff, now=now)
        for p, fate in zip(planned, fates, strict=True)
    ]
    amended = amend(rnd, timeline, _to_amend(rnd, filed, seclusions, now), now)
    # Restrictions beyond force come last, so the records above stay as they were drawn.
    blanket_restrictions(rnd, timeline, ward, staff, patients, period_start=period_start, now=now)
    individual_restrictions(rnd, timeline, staff, patients, now=now)
    enhanced_observation(rnd, timeline, staff, patients, period_start=period_start, now=now)
    restraint_without_force(rnd, timeline, staff, patients, filed, now=now)
    lts_exit(rnd, timeline, staff, lts, now)

    return DemoWard(
        ward=ward,
        steps=tuple((step.record, step.reason) for step in timeline.ordered()),
        accounts=accounts.demo,
        colleague_accounts=accounts.colleagues,
        staff=staff.everyone,
        patients=tuple(p.record for p in patients),
        period_start=period_start,
        active_seclusion_id=active.episode.id,
        active_seclusion_incident_id=active.incident.draft.id,
        lts_episode_id=lts.episode.id,
        lts_patient_id=lts_patient.record.id,
        amended_incident_id=amended.id,
    )


def _admissions(timeline: Timeline, patients: tuple[DemoPatient, ...]) -> None:
    """Each patient is registered at their first admission; each spell is saved when it
    opens and again at discharge.
    """
    for patient in patients:
        timeline.add(patient.spells[0].admitted_at, patient.record)
        for spell in patient.spells:
            if spell.discharged_at is None:
                timeline.add(spell.admitted_at, spell)
            else:
                timeline.add(spell.admitted_at, revise(spell, discharged_at=None))
                timeline.add(spell.discharged_at, spell)


def _is_free(
    busy: dict[UUID, list[tuple[datetime, datetime]]],
    patient: DemoPatient,
    start: datetime,
    end: datetime,
) -> bool:
    return all(end <= b0 or start >= b1 for b0, b1 in busy.get(patient.record.id, []))


def _past_seclusions(
    rnd: DemoRandom,
    timeline: Timeline,
    *,
    staff: DemoStaff,
    patients: tuple[DemoPatient, ...],
    busy: dict[UUID, list[tuple[datetime, datetime]]],
    period: tuple[datetime, datetime],
    lts_start: datetime,
) -> list[SeclusionPlan]:
    """Ended episodes, one at a time in the ward's one seclusion suite, at least four days
    apart for the same patient (so no 12-in-48-hour trigger), none in the last three days;
    every fourth one long enough to need MDT reviews. Whoever later went into long-term
    segregation had one in the fortnight before it.
    """
    period_start, now = period
    count = max(1, round(SECLUSIONS_PER_MONTH * (now - period_start).days / 30.44))
    suite: list[tuple[datetime, datetime]] = []
    plans: list[SeclusionPlan] = []
    latest_start = now - timedelta(days=3)
    lts_patient = patient_by_key(patients, LTS_PATIENT)
    for index in range(count):
        long = index % 4 == 1
        duration = rnd.span(600, 1680) if long else rnd.span(90, 450)
        for _ in range(500):
            if index == 0 and lts_start - timedelta(days=12) > period_start:
                start = lts_start - timedelta(days=12) + rnd.span(0, 6 * 24 * 60)
                chosen: list[DemoPatient] = [lts_patient]
            else:
                start = rnd.instant_between(period_start + timedelta(hours=12), latest_start)
                chosen = [p for p in patients if p.secludable]
            end = start + duration
            fits = [
                p
                for p in chosen
                if p.on_ward(start - timedelta(hours=1), end + timedelta(hours=1))
                and _is_free(busy, p, start - timedelta(days=4), end + timedelta(days=4))
                and not (p is lts_patient and end > lts_start - timedelta(days=1))
            ]
            if fits and end < latest_start and all(end <= a or start >= b for a, b in suite):
                break
        else:
            continue
        patient = rnd.weighted(fits, [p.weight for p in fits])
        plans.append(
            past_seclusion(
                rnd, timeline, staff=staff, patient=patient, start=start, duration=duration
            )
        )
        suite.append((start - timedelta(hours=1), end + timedelta(hours=1)))
        busy.setdefault(patient.record.id, []).append(
            (start - timedelta(hours=2), end + timedelta(hours=2))
        )
    return plans


def _shape_list(rnd: DemoRandom, count: int, months: float) -> list[str]:
    """``count`` incident shapes by their weights, topped up to the minimums."""
    keys = list(SHAPES)
    shapes = [rnd.weighted(keys, [SHAPES[k].weight for k in keys]) for _ in range(count)]
    for key, minimum in MINIMUM_PER_SIX_MONTHS.items():
        wanted = max(1, round(minimum * months / 6))
        while shapes.count(key) < wanted and "standing" in shapes:
            standing = [i for i, s in enumerate(shapes) if s == "standing"]
            shapes[rnd.pick(standing)] = key
    return shapes


def _incident_start(rnd: DemoRandom, earliest: datetime, latest: datetime) -> datetime | None:
    """A start time in ``[earliest, latest]``, busier in the afternoon and evening, or
    ``None`` when the draw fell outside (the caller draws again).
    """
    days = (local_date(latest) - local_date(earliest)).days
    day: date = local_date(earliest) + timedelta(days=rnd.between(0, days))
    hour = rnd.weighted(range(24), _HOUR_WEIGHTS)
    start = at_local(day, hour, rnd.between(0, 59))
    return start if earliest <= start <= latest else None


def _windows(count: int, period_start: datetime, now: datetime) -> list[tuple[datetime, datetime]]:
    """When each incident may start: anywhere in the period, except that the last few are
    kept recent — the drafts within the last day or so, those awaiting sign-off in the few
    days before — so the ward's "to do" lists have something in them.
    """
    latest = now - timedelta(hours=2)
    drafts = (now - timedelta(hours=30), latest)
    submitted = (now - timedelta(days=4), now - timedelta(hours=30))
    recent = [submitted] * RECENT_SUBMITTED + [drafts] * RECENT_DRAFTS
    anywhere = [(period_start, latest)] * max(count - len(recent), 0)
    return (anywhere + recent)[-count:] if count else []


def _regular_incidents(
    rnd: DemoRandom,
    *,
    staff: DemoStaff,
    patients: tuple[DemoPatient, ...],
    busy: dict[UUID, list[tuple[datetime, datetime]]],
    period: tuple[datetime, datetime],
    lts_start: datetime,
    seclusions: int,
) -> list[PlannedIncident]:
    """Incidents other than seclusion, about :data:`INCIDENTS_PER_DAY` in all, shared
    unevenly: each patient on the ward at the time is chosen by their weight (less often
    while in long-term segregation), never twice within three hours, never near seclusion.
    """
    period_start, now = period
    days = (now - period_start) / timedelta(days=1)
    count = round(days * INCIDENTS_PER_DAY) - seclusions
    planned: list[PlannedIncident] = []
    shapes = _shape_list(rnd, count, days / 30.44)
    for shape, window in zip(shapes, _windows(count, period_start, now), strict=True):
        for _ in range(50):
            start = _incident_start(rnd, *window)
            if start is None:
                continue
            fits = [
                p
                for p in patients
                if p.weight > 0
                and p.on_ward(start - timedelta(hours=1), start + timedelta(hours=2))
                and _is_free(busy, p, start - timedelta(hours=3), start + timedelta(hours=3))
            ]
            if fits:
                break
        else:
            continue
        weights = [
            p.weight * (0.35 if p.key == LTS_PATIENT and start >= lts_start else 1) for p in fits
        ]
        patient = rnd.weighted(fits, weights)
        planned.append(plan_incident(rnd, staff, patient, shape, start))
        busy.setdefault(patient.record.id, []).append((start, start + timedelta(minutes=90)))
    return planned


def _fates(count: int) -> list[Fate]:
    """Oldest first: signed off, then the latest few submitted, the very latest drafts."""
    drafts = min(RECENT_DRAFTS, count)
    submitted = min(RECENT_SUBMITTED, count - drafts)
    return (
        [Fate.SIGNED_OFF] * (count - drafts - submitted)
        + [Fate.SUBMITTED] * submitted
        + [Fate.DRAFT] * drafts
    )


def _to_amend(
    rnd: DemoRandom,
    filed: list[UseOfForceIncident],
    seclusions: list[SeclusionPlan],
    now: datetime,
) -> UseOfForceIncident:
    """A signed-off incident (not a seclusion) from between 10 and 50 days ago, if any."""
    seclusion_ids = {s.incident.draft.id for s in seclusions}
    signed = [i for i in filed if i.is_signed_off() and i.id not in seclusion_ids]
    window = [
        i for i in signed if now - timedelta(days=50) <= i.started_at <= now - timedelta(days=10)
    ]
    return rnd.pick(window or signed)
