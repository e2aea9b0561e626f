"""Seclusion on the demo ward (domain.md §3 "Seclusion"): episodes with their 15-minute
observations and the reviews the clock asks for, each linked to its type-05 incident.

Past episodes are kept to the default clock (:mod:`app.models.seclusion_clock`): an
observation at least every 15 minutes, a nursing review every 2 hours, a medical review
within the first hour (unless a psychiatrist authorised) and then every 4 hours, an internal
MDT review within 24 hours and then daily (medical reviews twice a day after it), and an
independent MDT review when an episode runs past 8 hours. The one active episode stops short
of ``now`` so that the ward board shows a clock overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.cli.demo.incidents import PlannedIncident, choose_team, compose_incident
from app.cli.demo.patients import DemoPatient
from app.cli.demo.people import DemoStaff
from app.cli.demo.support import DemoRandom, Timeline, local_hour, minutes, revise
from app.models.base import Answer
from app.models.codes import InterventionReason, InterventionType
from app.models.incident_parts import ForceUse, PostIncidentReview
from app.models.people import StaffMember
from app.models.refs import PersonRef
from app.models.seclusion import (
    SeclusionCarePlan,
    SeclusionDecision,
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)

PLACE = "Seclusion suite, Willow Ward"

CARE_PLAN = SeclusionCarePlan(
    food="Finger food offered at meal times through the hatch.",
    fluids="Water or squash offered at least hourly.",
    toilet="En-suite toilet in the suite; offered every two hours.",
    hygiene="Wash and change of clothes offered each morning with two staff.",
    clothing="Own clothes.",
    bedding="Tear-proof mattress and blanket.",
    medication="As prescribed; PRN reviewed at each medical review.",
    physical_health="Physical observations four-hourly if awake; breathing checked if asleep.",
    steps_to_end_seclusion="Calm for an hour and able to talk with staff about the plan.",
)

_EARLY = (
    ("Shouting and banging on the door", "Very agitated; not able to talk with staff"),
    ("Pacing the room, shouting at staff", "Angry and hostile; responding to voices"),
    ("Kicking the door, swearing", "Distressed; not taking in what staff say"),
)
_MIDDLE = (
    ("Pacing quietly", "Less agitated; short answers to staff"),
    ("Sitting on the mattress, talking to self", "Guarded but calmer"),
    ("Lying on the mattress, eyes open", "Quiet; says they are tired"),
)
_LATE = (
    ("Sitting calmly, talking with staff through the hatch", "Settled; able to talk things over"),
    ("Resting quietly on the mattress", "Calm; asking when they can come out"),
)
_SECLUSION_REASONS = (
    "{name} hit two members of staff and kept trying to reach other patients.",
    "{name} attacked a fellow patient and could not be calmed in the lounge or bedroom.",
    "{name} kept hitting out at staff during a long period of distress.",
)
_ASLEEP = ("Asleep on the mattress", "Asleep")
_BREATHING = ("Regular, unlaboured", "Regular; normal rate")
_SLEEP_BREATHING = "Asleep; chest rising and falling regularly"


@dataclass(frozen=True, slots=True)
class SeclusionPlan:
    """What the generator made for one episode: its last version, observations, reviews and
    the complete draft of its incident (type 05), still to be filed.
    """

    episode: SeclusionEpisode
    observations: tuple[SeclusionObservation, ...]
    reviews: tuple[SeclusionReview, ...]
    incident: PlannedIncident


class _Episode:
    """Builds one episode's records and puts them on the timeline."""

    def __init__(
        self,
        rnd: DemoRandom,
        *,
        timeline: Timeline,
        staff: DemoStaff,
        patient: DemoPatient,
        start: datetime,
        authoriser: StaffMember,
    ) -> None:
        self.rnd, self.timeline, self.staff, self.patient = rnd, timeline, staff, patient
        self.start = start
        self.observations: list[SeclusionObservation] = []
        self.reviews: list[SeclusionReview] = []
        name = patient.record.given_name or "The patient"
        hold = start - rnd.span(4, 8)
        escort = hold + rnd.span(1, 3)
        self.team = choose_team(rnd, staff, 3, 5)
        reason = InterventionReason.PREVENT_VIOLENCE_TO_OTHERS
        self.first = SeclusionEpisode(
            id=rnd.uuid(),
            patient_id=patient.record.id,
            ward_id=patient.record.ward_id,
            started_at=start,
            authorised_by=authoriser.as_person_ref(),
            place=PLACE,
            reason=reason,
            reason_narrative=rnd.pick(_SECLUSION_REASONS).format(name=name),
        )
        self.uses = (
            self._use(InterventionType.PHYSICAL_STANDING, hold, escort),
            self._use(InterventionType.PHYSICAL_RESTRICTIVE_ESCORT, escort, start),
        )
        self.reason = reason
        timeline.add(start, self.first)
        self.incident_id = rnd.uuid()
        self.planned = revise(self.first, incident_id=self.incident_id, care_plan=CARE_PLAN)
        timeline.add(start + rnd.span(25, 50), self.planned)

    def _use(self, kind: InterventionType, start: datetime, end: datetime | None) -> ForceUse:
        return ForceUse(
            id=self.rnd.uuid(),
            intervention_type=kind,
            started_at=start,
            ended_at=end,
            in_care_plan=False,
            patient_injured=False,
            staff_injured=self.rnd.chance(0.1) if end is not None else None,
            other_person_injured=False,
        )

    def incident(self, end: datetime | None) -> PlannedIncident:
        """The incident of this episode; open (no end) while seclusion goes on."""
        seclusion = self._use(InterventionType.SECLUSION, self.start, end)
        planned = compose_incident(
            self.rnd,
            self.staff,
            self.patient,
            started_at=self.uses[0].started_at,
            uses=(*self.uses, seclusion),
            reason=self.reason,
            how_key="seclusion",
            team=self.team,
            location="Day room, then the seclusion suite",
        )
        draft = revise(
            planned.draft,
            id=self.incident_id,
            reason_narrative=self.first.reason_narrative,
        )
        if end is not None:
            hours = round((end - self.start) / timedelta(hours=1))
            name = self.patient.record.given_name or "The patient"
            draft = revise(
                draft,
                outcome=f"{name} came out of seclusion after about {hours} hours and went back "
                "to their room with staff support.",
            )
        else:  # still going on: the end of the story is not written yet
            draft = revise(
                draft,
                outcome=None,
                serious_harm=None,
                care_plan_notification=None,
                care_plan_notification_detail=None,
                post_incident_review=PostIncidentReview(),
            )
        return PlannedIncident(draft, planned.patient, planned.recorder)

    def observe(self, at: datetime) -> None:
        """A written observation entry at ``at``."""
        elapsed = at - self.start
        asleep = elapsed > timedelta(hours=2) and local_hour(at) in {0, 1, 2, 3, 4, 5}
        if asleep:
            behaviour, mental = _ASLEEP
        elif elapsed < timedelta(hours=1):
            behaviour, mental = self.rnd.pick(_EARLY)
        elif elapsed < timedelta(hours=4):
            behaviour, mental = self.rnd.pick(_MIDDLE)
        else:
            behaviour, mental = self.rnd.pick(_LATE + _MIDDLE)
        hour = local_hour(at)
        observer = self.rnd.pick((*self.staff.support_workers, *self.staff.nurses))
        entry = SeclusionObservation(
            id=self.rnd.uuid(),
            episode_id=self.first.id,
            patient_id=self.first.patient_id,
            ward_id=self.first.ward_id,
            observed_at=at,
            observer=observer.as_person_ref(),
            behaviour=behaviour,
            mental_state=mental,
            physical_state="No injuries seen" if not asleep else "Lying on side; colour good",
            breathing=_SLEEP_BREATHING if asleep else self.rnd.pick(_BREATHING),
            food_offered=not asleep and hour in {8, 12, 17} and at.minute < 15,
            fluid_offered=not asleep and at.minute < 15,
            toilet_offered=not asleep and hour % 2 == 0 and at.minute < 15,
        )
        self.observations.append(entry)
        self.timeline.add(at, entry)

    def review(
        self,
        kind: SeclusionReviewKind,
        at: datetime,
        attendees: tuple[PersonRef, ...],
        decision: SeclusionDecision = SeclusionDecision.CONTINUE,
    ) -> None:
        """A review held at ``at``."""
        notes = (
            "Calm and talking with staff; seclusion ended, back to own room with support."
            if decision is SeclusionDecision.END
            else "Still too unsettled to end seclusion safely; plan reviewed."
        )
        entry = SeclusionReview(
            id=self.rnd.uuid(),
            episode_id=self.first.id,
            patient_id=self.first.patient_id,
            ward_id=self.first.ward_id,
            kind=kind,
            held_at=at,
            attendees=attendees,
            decision=decision,
            notes=notes,
        )
        self.reviews.append(entry)
        self.timeline.add(at, entry)

    # ----------------------------------------------------------------------- attendees

    def nursing_pair(self) -> tuple[PersonRef, ...]:
        """A registered nurse and a support worker."""
        nurse = self.rnd.pick(self.staff.registered)
        worker = self.rnd.pick(self.staff.support_workers)
        return (nurse.as_person_ref(), worker.as_person_ref())

    def medic(self, at: datetime) -> tuple[PersonRef, ...]:
        """The doctor on duty (the consultant in the day on weekdays, sometimes)."""
        daytime = 9 <= local_hour(at) < 17
        doctor = self.staff.consultant if daytime and self.rnd.chance(0.3) else self.staff.doctor
        return (doctor.as_person_ref(),)

    def internal_mdt(self) -> tuple[PersonRef, ...]:
        """Consultant, nurse in charge (or manager) and psychologist."""
        lead = self.rnd.pick((self.staff.charge_nurse, self.staff.manager))
        return tuple(
            m.as_person_ref() for m in (self.staff.consultant, lead, self.staff.psychologist)
        )

    def independent_mdt(self) -> tuple[PersonRef, ...]:
        """A consultant not involved in the patient's care, a nurse and the psychologist."""
        nurse = self.rnd.pick(self.staff.registered)
        people = (self.staff.approved_clinician, nurse, self.staff.psychologist)
        return tuple(m.as_person_ref() for m in people)


def _internal_mdt_times(rnd: DemoRandom, start: datetime, end: datetime) -> list[datetime]:
    """For an episode of more than 8 hours: the first internal MDT review "as soon as
    practicable" (5 to 7½ hours in), then about daily while seclusion goes on.
    """
    times: list[datetime] = []
    if end - start <= timedelta(hours=8):
        return times
    at = start + rnd.span(5 * 60, 7 * 60 + 30)
    while at < end:
        times.append(at)
        at += rnd.span(22 * 60, 23 * 60 + 30)
    return times


def past_seclusion(
    rnd: DemoRandom,
    timeline: Timeline,
    *,
    staff: DemoStaff,
    patient: DemoPatient,
    start: datetime,
    duration: timedelta,
) -> SeclusionPlan:
    """An ended episode from ``start`` lasting ``duration``, reviewed on time, with its
    incident composed (to be filed by the caller).
    """
    end = start + duration
    authoriser = rnd.weighted(
        (staff.charge_nurse, rnd.pick(staff.nurses), staff.consultant, staff.doctor),
        (5, 2, 1.5, 1.5),
    )
    ep = _Episode(
        rnd, timeline=timeline, staff=staff, patient=patient, start=start, authoriser=authoriser
    )

    at = start + rnd.span(5, 14)
    while at < end:
        ep.observe(at)
        at += rnd.span(10, 15)

    at = start + rnd.span(95, 118)
    while at < end:
        ep.review(SeclusionReviewKind.NURSING, at, ep.nursing_pair())
        at += rnd.span(100, 119)

    mdts = _internal_mdt_times(rnd, start, end)
    for at in mdts:
        ep.review(SeclusionReviewKind.INTERNAL_MDT, at, ep.internal_mdt())
    last = start
    if not ep.first.authorised_by_psychiatrist:
        last = start + rnd.span(30, 55)
        ep.review(SeclusionReviewKind.MEDICAL, last, ep.medic(last))
    while True:
        after_mdt = bool(mdts) and mdts[0] <= last
        following = last + (rnd.span(540, 690) if after_mdt else rnd.span(200, 235))
        between = [m for m in mdts if last < m <= following]
        if between:
            last = between[0]
            continue
        if following >= end:
            break
        ep.review(SeclusionReviewKind.MEDICAL, following, ep.medic(following))
        last = following

    if duration > timedelta(hours=8):
        ep.review(
            SeclusionReviewKind.INDEPENDENT_MDT,
            start + timedelta(hours=8) + rnd.span(30, 90),
            ep.independent_mdt(),
        )

    by_doctor = rnd.chance(0.5)
    closing = ep.medic(end) if by_doctor else ep.nursing_pair()
    kind = SeclusionReviewKind.MEDICAL if by_doctor else SeclusionReviewKind.NURSING
    ep.review(kind, end, closing, SeclusionDecision.END)
    held = rnd.chance(0.75)
    ended = revise(
        ep.planned,
        ended_at=end,
        ended_by=closing[0],
        debrief_offered=Answer.YES,
        debrief_held=Answer.YES if held else Answer.NO,
    )
    timeline.add(end, ended)
    return SeclusionPlan(ended, tuple(ep.observations), tuple(ep.reviews), ep.incident(end))


def active_seclusion(
    rnd: DemoRandom, timeline: Timeline, staff: DemoStaff, patient: DemoPatient, now: datetime
) -> SeclusionPlan:
    """The episode running at ``now`` (``now`` on the minute): started 3 h 50 min ago by the
    charge nurse, medical review at 40 minutes, nursing review at 1 h 55 min (next due in
    5 minutes), observations every 13–15 minutes up to 17 minutes ago — so the observation
    clock is 2 minutes overdue. Its incident is an open draft, saved once.
    """
    start = now - timedelta(hours=3, minutes=50)
    ep = _Episode(
        rnd,
        timeline=timeline,
        staff=staff,
        patient=patient,
        start=start,
        authoriser=staff.charge_nurse,
    )
    times: list[datetime] = []
    at = now - minutes(17)
    while at >= start + minutes(1):
        times.append(at)
        at -= rnd.span(13, 15)
    for at in reversed(times):
        ep.observe(at)
    ep.review(SeclusionReviewKind.MEDICAL, start + minutes(40), ep.medic(start + minutes(40)))
    ep.review(SeclusionReviewKind.NURSING, start + minutes(115), ep.nursing_pair())
    incident = ep.incident(None)
    timeline.add(start + rnd.span(55, 70), incident.draft)
    return SeclusionPlan(ep.planned, tuple(ep.observations), tuple(ep.reviews), incident)
