"""Enhanced observation and restraint without force on the demo ward (issue 10).

- **Enhanced observation**: one patient on it now — stepped down at a review from within
  arm's length to within eyesight (the level change ends one record and starts the next),
  with its next review falling due within the next 12 hours, so the handover lists it; one
  ended a fortnight or so ago; and a handful of earlier episodes across the period, each
  reviewed about daily and ended at a review, so the oversight report has durations to show.
- **Psychological restraint**: a threat before a use-of-force incident (linked to it), and
  a withheld cigarette break raised at a staff debrief (not linked).
- **Cultural restraint**: Friday prayers missed for want of an escort, before an incident
  (linked to it) of a patient whose record says Muslim, when there is one.

Every review follows the default 24-hour clock (:mod:`app.models.enhanced_observation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from app.cli.demo.patients import LTS_PATIENT, DemoPatient, ids_of, patient_by_key
from app.cli.demo.people import DemoStaff
from app.cli.demo.restrictions import after_admission
from app.cli.demo.support import DemoRandom, Timeline, floor_minute, revise
from app.models.characteristics import ReligionOrBelief
from app.models.enhanced_observation import (
    EnhancedObservation,
    EnhancedObservationReview,
    ObservationLevel,
    ObservationReviewDecision,
)
from app.models.incident import UseOfForceIncident
from app.models.psychological_cultural_restraint import (
    CulturalRestraint,
    CulturalRestraintForm,
    PsychologicalRestraint,
    PsychologicalRestraintForm,
)
from app.models.refs import PersonRef

#: Earlier episodes of enhanced observation spread over the period.
PAST_EPISODES = 5
_HOUR = timedelta(hours=1)
_L = ObservationLevel
_REASONS = (
    (_L.INTERMITTENT, "Low mood and not eating; checked every 15 minutes."),
    (_L.WITHIN_EYESIGHT, "Threatened to hit another patient after a row over the television."),
    (_L.WITHIN_EYESIGHT, "Found with a broken plastic knife; said it was to cut herself."),
    (_L.WITHIN_ARMS_LENGTH, "Tried to tie a ligature with a dressing-gown cord."),
    (_L.INTERMITTENT, "New to the ward, very unsettled and trying the exit doors."),
)
_NOTES = (
    "Settled overnight; continue at the same level.",
    "Still voicing thoughts of harm; continue.",
    "Engaging with staff; review again tomorrow.",
)


class _Observer:
    def __init__(self, rnd: DemoRandom, timeline: Timeline, staff: DemoStaff) -> None:
        self.rnd, self.timeline, self.staff = rnd, timeline, staff
        self.reviews: list[EnhancedObservationReview] = []

    def reviewer(self) -> PersonRef:
        return self.rnd.pick((self.staff.consultant, self.staff.doctor)).as_person_ref()

    def start(
        self, patient: DemoPatient, level: ObservationLevel, at: datetime, reason: str
    ) -> EnhancedObservation:
        record = EnhancedObservation(
            id=self.rnd.uuid(),
            patient_id=patient.record.id,
            ward_id=patient.record.ward_id,
            level=level,
            started_at=at,
            decided_by=self.staff.charge_nurse.as_person_ref(),
            reason=reason,
        )
        self.timeline.add(at, record)
        return record

    def review(
        self,
        observation: EnhancedObservation,
        at: datetime,
        decision: ObservationReviewDecision = ObservationReviewDecision.CONTINUE,
        notes: str | None = None,
    ) -> None:
        entry = EnhancedObservationReview(
            id=self.rnd.uuid(),
            observation_id=observation.id,
            patient_id=observation.patient_id,
            ward_id=observation.ward_id,
            reviewed_at=at,
            reviewed_by=self.reviewer(),
            decision=decision,
            notes=notes if notes is not None else self.rnd.pick(_NOTES),
        )
        self.reviews.append(entry)
        self.timeline.add(at, entry)

    def end(self, observation: EnhancedObservation, at: datetime) -> EnhancedObservation:
        ended = revise(observation, ended_at=at, ended_by=self.staff.charge_nurse.as_person_ref())
        self.timeline.add(at, ended)
        return ended

    def run(self, observation: EnhancedObservation, until: datetime) -> None:
        """Reviews about every 20 to 23 hours from the start while before ``until``."""
        at = observation.started_at + self.rnd.span(20 * 60, 23 * 60)
        while at < until:
            self.review(observation, at)
            at += self.rnd.span(20 * 60, 23 * 60)


def enhanced_observation(
    rnd: DemoRandom,
    timeline: Timeline,
    staff: DemoStaff,
    patients: Sequence[DemoPatient],
    *,
    period_start: datetime,
    now: datetime,
) -> tuple[tuple[EnhancedObservation, ...], tuple[EnhancedObservationReview, ...]]:
    """Every episode of enhanced observation (last versions) and every review (see the
    module docstring)."""
    obs = _Observer(rnd, timeline, staff)
    made: list[EnhancedObservation] = []
    busy: dict[str, list[tuple[datetime, datetime]]] = {}

    kirsty = patient_by_key(patients, "kirsty")
    first = obs.start(
        kirsty,
        _L.WITHIN_ARMS_LENGTH,
        after_admission(kirsty, now - timedelta(hours=70), now),
        "Tied a ligature in the bathroom; found at once and unharmed.",
    )
    obs.review(first, first.started_at + timedelta(hours=22), notes=_NOTES[1])
    change = first.started_at + timedelta(hours=44)
    obs.review(
        first,
        change,
        ObservationReviewDecision.CHANGE_LEVEL,
        "No further attempts; step down to within eyesight.",
    )
    stepped = change + timedelta(minutes=5)
    made.append(obs.end(first, stepped))
    second = obs.start(
        kirsty, _L.WITHIN_EYESIGHT, stepped, "Stepped down from arm's length at review; still "
        "voicing thoughts of self-harm."
    )  # fmt: skip
    obs.review(second, floor_minute(now - timedelta(hours=14)), notes=_NOTES[0])
    made.append(second)
    busy["kirsty"] = [(first.started_at - timedelta(days=2), now)]

    nia = patient_by_key(patients, "nia")
    start = after_admission(nia, now - timedelta(days=19), now)
    end = min(start + timedelta(days=4), max(now - timedelta(days=2), start + 6 * _HOUR))
    ended = obs.start(nia, _L.INTERMITTENT, start, "Not eating or drinking; low and withdrawn.")
    obs.run(ended, end)
    obs.review(ended, end, ObservationReviewDecision.END, "Eating and drinking again; end.")
    made.append(obs.end(ended, end))
    busy["nia"] = [(start - timedelta(days=2), end + timedelta(days=2))]

    for index in range(PAST_EPISODES):
        level, reason = _REASONS[index % len(_REASONS)]
        placed = _place(rnd, patients, busy, period_start, now)
        if placed is None:
            continue
        patient, start, end = placed
        episode = obs.start(patient, level, start, reason)
        obs.run(episode, end)
        obs.review(episode, end, ObservationReviewDecision.END, "Risk has settled; end.")
        made.append(obs.end(episode, end))
    return tuple(made), tuple(obs.reviews)


def _place(
    rnd: DemoRandom,
    patients: Sequence[DemoPatient],
    busy: dict[str, list[tuple[datetime, datetime]]],
    period_start: datetime,
    now: datetime,
) -> tuple[DemoPatient, datetime, datetime] | None:
    """A patient and a span of one to five days in the period, on the ward throughout and
    clear of their other episodes by two days; ``None`` when none fits."""
    chosen = [p for p in patients if p.weight > 0 and p.key != LTS_PATIENT]
    for _ in range(200):
        patient = rnd.weighted(chosen, [p.weight for p in chosen])
        start = rnd.instant_between(period_start + _HOUR, now - timedelta(days=4))
        end = start + rnd.span(24 * 60, 5 * 24 * 60)
        margin = timedelta(days=2)
        clear = all(
            end + margin <= b0 or start - margin >= b1 for b0, b1 in busy.get(patient.key, [])
        )
        if clear and end < now - timedelta(days=2) and patient.on_ward(start, end):
            busy.setdefault(patient.key, []).append((start, end))
            return patient, start, end
    return None


def restraint_without_force(
    rnd: DemoRandom,
    timeline: Timeline,
    staff: DemoStaff,
    patients: Sequence[DemoPatient],
    incidents: Sequence[UseOfForceIncident],
    *,
    now: datetime,
) -> tuple[tuple[PsychologicalRestraint, ...], tuple[CulturalRestraint, ...]]:
    """The psychological and cultural restraint of the module docstring."""
    by_id = ids_of(patients)
    signed = [i for i in incidents if i.is_signed_off() and i.patient_id in by_id]
    if not signed:  # nothing to link to (a ward with no signed-off incident yet)
        return (), ()
    recent = [i for i in signed if now - timedelta(days=60) <= i.started_at] or signed
    threatened = rnd.pick(recent)
    psychological = [
        _psychological(
            rnd,
            by_id[threatened.patient_id],
            at=_before(by_id[threatened.patient_id], threatened, timedelta(minutes=15)),
            form=PsychologicalRestraintForm.THREAT,
            what="Told that escorted leave would be cancelled unless the medication was "
            "taken; became distressed and the incident followed.",
            by_whom=threatened.staff_involved[:1] or (staff.nurses[1].as_person_ref(),),
            incident_id=threatened.id,
        )
    ]
    yusuf = patient_by_key(patients, "yusuf")
    psychological.append(
        _psychological(
            rnd,
            yusuf,
            at=after_admission(yusuf, floor_minute(now - timedelta(days=6, hours=2)), now),
            form=PsychologicalRestraintForm.WITHHOLDING,
            what="Cigarette break held back until he was quiet; raised at the staff debrief "
            "as coercion and discussed with the team.",
            by_whom=(staff.support_workers[1].as_person_ref(),),
        )
    )
    muslim = [
        i
        for i in signed
        if by_id[i.patient_id].record.characteristics.religion_or_belief is ReligionOrBelief.MUSLIM
    ]
    missed = rnd.pick(muslim or signed)
    cultural = CulturalRestraint(
        id=rnd.uuid(),
        patient_id=missed.patient_id,
        ward_id=missed.ward_id,
        incident_id=missed.id,
        occurred_at=_before(by_id[missed.patient_id], missed, timedelta(minutes=40)),
        form=CulturalRestraintForm.RELIGIOUS_PRACTICE,
        what_happened="Asked to go to Friday prayers in the multi-faith room; told there were "
        "not enough staff to escort. Became distressed; the incident followed.",
    )
    made: tuple[PsychologicalRestraint | CulturalRestraint, ...] = (*psychological, cultural)
    for record in made:
        timeline.add(_written(record.occurred_at, now), record)
    return tuple(psychological), (cultural,)


def _psychological(
    rnd: DemoRandom,
    patient: DemoPatient,
    *,
    at: datetime,
    form: PsychologicalRestraintForm,
    what: str,
    by_whom: tuple[PersonRef, ...],
    incident_id: UUID | None = None,
) -> PsychologicalRestraint:
    return PsychologicalRestraint(
        id=rnd.uuid(),
        patient_id=patient.record.id,
        ward_id=patient.record.ward_id,
        incident_id=incident_id,
        occurred_at=at,
        form=form,
        what_happened=what,
        by_whom=by_whom,
    )


def _before(patient: DemoPatient, incident: UseOfForceIncident, lead: timedelta) -> datetime:
    """``lead`` before the incident when the patient was on the ward then, else its start."""
    at = incident.started_at - lead
    return at if patient.on_ward(at) else incident.started_at


def _written(happened: datetime, now: datetime) -> datetime:
    """When the entry was saved: an hour after, or now if that is sooner."""
    return min(happened + _HOUR, now)
