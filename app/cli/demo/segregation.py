"""Long-term segregation on the demo ward (domain.md §3 "Long-term segregation"): one
active episode, decided by an MDT with the commissioner's representative, the IMHA told the
same afternoon, a full care plan with steps to end it; daily approved-clinician reviews,
weekly MDT reviews, an IC(E)TR, an external review and the engagement log.

The reviews follow the default clock (:mod:`app.models.segregation_clock`); the last
approved-clinician review is about 20 hours before ``now``, so the next is due within hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.cli.demo.patients import DemoPatient
from app.cli.demo.people import COMMISSIONER, IMHA, DemoStaff, visitor
from app.cli.demo.support import (
    DemoRandom,
    Timeline,
    at_local,
    floor_minute,
    local_hour,
    revise,
)
from app.models.base import Answer
from app.models.clock import local_date
from app.models.refs import ClinicalRole, PersonRef
from app.models.segregation import (
    EngagementKind,
    LtsAction,
    LtsCarePlan,
    LtsDecision,
    LtsEngagementEntry,
    LtsEpisode,
    LtsReview,
    LtsReviewKind,
    Participation,
)

#: How long before ``now`` the episode started.
LTS_AGE = timedelta(days=36)

EXTERNAL_CLINICIAN = visitor(
    "Dr Imran Qureshi", "Consultant psychiatrist", ClinicalRole.PSYCHIATRIST
)
EXTERNAL_HOSPITAL = "Hollinsbrook Hospital"
ICETR_PANEL = (
    visitor("Dr Alison Greaves", "Independent clinical expert", ClinicalRole.OTHER),
    visitor("Paul Dunmore", "Expert by experience", ClinicalRole.OTHER),
)

CARE_PLAN = LtsCarePlan(
    why_needed="Hits out at others when they come close, most days, despite a less "
    "restrictive plan; repeated seclusion in the weeks before.",
    own_area="Two-room suite at the end of the bedroom corridor, with its own lounge.",
    fresh_air="Own courtyard, open 08:00 to 20:00.",
    bathroom="En-suite shower room.",
    meaningful_contact="Two named staff each shift; video call with mother twice a week.",
    activity="Cooking with the occupational therapist; gym three times a week; music.",
    physical_health_monitoring="Weekly physical health check; bloods monthly.",
    risk_management="Positive behaviour support plan; early signs shared at each handover.",
    steps_to_end="Seven days without hitting out; then 30 minutes twice a day in the main "
    "lounge with two staff, building up week by week.",
)

_AC_RATIONALES = (
    "Still hitting out when others come close; risk to others unchanged. Continue.",
    "Calmer day, used the courtyard twice; not yet ready to mix. Continue.",
    "Hit out at staff once yesterday; continue and review the PBS plan at the MDT.",
    "Good engagement with activities; steps to end segregation on track. Continue.",
)
_VIEWS = (
    "Wants more time outside.",
    "Asked to see mum.",
    "Did not want to talk today.",
    "Says the suite is too hot at night.",
    "Likes the cooking sessions.",
)
_ACTIVITIES = (
    "Cooking session with the occupational therapist",
    "Gym with two staff",
    "Music and art in the suite",
    "Board games with two staff",
)
_OUTINGS = ("Walk in the ward garden with two staff", "Time in the main lounge when quiet")


@dataclass(frozen=True, slots=True)
class LtsPlan:
    """The episode's last version, its reviews and its engagement log."""

    episode: LtsEpisode
    reviews: tuple[LtsReview, ...]
    engagement: tuple[LtsEngagementEntry, ...]


class _Segregation:
    def __init__(self, rnd: DemoRandom, timeline: Timeline, staff: DemoStaff) -> None:
        self.rnd, self.timeline, self.staff = rnd, timeline, staff
        self.reviews: list[LtsReview] = []
        self.engagement: list[LtsEngagementEntry] = []

    def open(self, patient: DemoPatient, start: datetime) -> LtsEpisode:
        staff = self.staff
        deciding = (staff.consultant, staff.manager, staff.charge_nurse, staff.psychologist)
        episode = LtsEpisode(
            id=self.rnd.uuid(),
            patient_id=patient.record.id,
            ward_id=patient.record.ward_id,
            started_at=start,
            authorised_by=staff.consultant.as_person_ref(),
            decision_attendees=(*(m.as_person_ref() for m in deciding), COMMISSIONER),
            imha_told=Answer.YES,
            imha_told_at=start + timedelta(hours=2),
            care_plan=CARE_PLAN,
        )
        self.timeline.add(start, episode)
        self.episode = episode
        return episode

    def review(
        self,
        kind: LtsReviewKind,
        at: datetime,
        attendees: tuple[PersonRef, ...],
        rationale: str,
        *,
        outsiders: tuple[Participation, Participation, Participation] | None = None,
        decision: LtsDecision = LtsDecision.CONTINUE,
        actions: tuple[LtsAction, ...] = (),
    ) -> None:
        imha, family, commissioner = outsiders or (Participation.NOT_INVITED,) * 3
        present = self.rnd.chance(0.8)
        external = kind is LtsReviewKind.EXTERNAL
        entry = LtsReview(
            id=self.rnd.uuid(),
            episode_id=self.episode.id,
            patient_id=self.episode.patient_id,
            ward_id=self.episode.ward_id,
            kind=kind,
            held_at=at,
            attendees=attendees,
            patient_present=present,
            patient_views=self.rnd.pick(_VIEWS) if present else None,
            imha=imha,
            family=family,
            commissioner=commissioner,
            external_clinician=EXTERNAL_CLINICIAN if external else None,
            external_hospital=EXTERNAL_HOSPITAL if external else None,
            decision=decision,
            rationale=rationale,
            actions=actions,
        )
        self.reviews.append(entry)
        self.timeline.add(at, entry)

    def engage(self, at: datetime, length: int, kind: EngagementKind, notes: str) -> None:
        entry = LtsEngagementEntry(
            id=self.rnd.uuid(),
            episode_id=self.episode.id,
            patient_id=self.episode.patient_id,
            ward_id=self.episode.ward_id,
            started_at=at,
            duration=timedelta(minutes=length),
            kind=kind,
            notes=notes,
        )
        self.engagement.append(entry)
        self.timeline.add(entry.ended_at, entry)


def _ac_review_times(rnd: DemoRandom, start: datetime, now: datetime) -> list[datetime]:
    """Daily, at nearly the same time of day, the last about 20 hours before ``now``; each
    within 24 hours of the one before (and the first within 24 hours of the start).
    """
    at = now - timedelta(hours=20) - rnd.span(0, 30)
    times = [at]
    while (earlier := at - timedelta(hours=24) + rnd.span(0, 4)) > start:
        times.append(earlier)
        at = earlier
    return sorted(times)


def long_term_segregation(
    rnd: DemoRandom, timeline: Timeline, staff: DemoStaff, patient: DemoPatient, now: datetime
) -> LtsPlan:
    """The active LTS episode of ``patient``, started :data:`LTS_AGE` before ``now`` (at 15:00
    on the ward clock), with every review and engagement entry up to ``now``.
    """
    start = at_local(local_date(now - LTS_AGE), 15)
    lts = _Segregation(rnd, timeline, staff)
    lts.open(patient, start)
    for at in _ac_review_times(rnd, start, now):
        weekday_day = local_date(at).weekday() < 5 and 9 <= local_hour(at) < 17
        clinician = staff.consultant if weekday_day else staff.approved_clinician
        lts.review(
            LtsReviewKind.APPROVED_CLINICIAN,
            at,
            (clinician.as_person_ref(), rnd.pick(staff.registered).as_person_ref()),
            rnd.pick(_AC_RATIONALES),
        )
    _weekly_reviews(rnd, lts, staff, start, now)
    _engagement(rnd, lts, start, now)
    return LtsPlan(lts.episode, tuple(lts.reviews), tuple(lts.engagement))


def _weekly_reviews(
    rnd: DemoRandom, lts: _Segregation, staff: DemoStaff, start: datetime, now: datetime
) -> None:
    """MDT reviews every 7 days at 10:30 on the ward clock; the IC(E)TR after three weeks and
    the external review after four (both earlier than their clocks need: good practice).
    """
    first_day = local_date(start)
    mdt = tuple(
        m.as_person_ref()
        for m in (staff.consultant, staff.manager, staff.psychologist, staff.nurses[0])
    )
    week = 1
    while (at := at_local(first_day + timedelta(days=7 * week), 10, 30)) < now - timedelta(hours=1):
        modify = week == 2
        imha = rnd.pick((Participation.ATTENDED, Participation.INVITED_DID_NOT_ATTEND))
        family = rnd.pick((Participation.ATTENDED, Participation.INVITED_DID_NOT_ATTEND))
        commissioner = (
            Participation.ATTENDED if week % 2 == 0 else Participation.INVITED_DID_NOT_ATTEND
        )
        visitors = tuple(
            person
            for person, came in ((IMHA, imha.attended), (COMMISSIONER, commissioner.attended))
            if came
        )
        lts.review(
            LtsReviewKind.MDT,
            at,
            mdt + visitors,
            "Plan changed: gym added, lounge trial to start."
            if modify
            else "Fewer incidents this week but risk to others remains; continue the plan.",
            outsiders=(imha, family, commissioner),
            decision=LtsDecision.MODIFY if modify else LtsDecision.CONTINUE,
            actions=(_action(at, "Update the PBS plan with the new triggers", "Psychologist"),),
        )
        if modify:
            changed = lts.episode.care_plan.model_copy(
                update={
                    "activity": (CARE_PLAN.activity or "") + " Lounge trial with two staff daily."
                }
            )
            lts.episode = revise(lts.episode, care_plan=changed)
            lts.timeline.add(at + timedelta(minutes=45), lts.episode)
        week += 1
    icetr = at_local(first_day + timedelta(days=21), 13)
    if icetr < now:
        lts.review(
            LtsReviewKind.ICETR,
            icetr,
            (staff.consultant.as_person_ref(), COMMISSIONER, IMHA, *ICETR_PANEL),
            "Panel agreed LTS is still needed; recommends more time outdoors and a sensory "
            "assessment.",
            outsiders=(
                Participation.ATTENDED,
                Participation.INVITED_DID_NOT_ATTEND,
                Participation.ATTENDED,
            ),
            actions=(_action(icetr, "Arrange a sensory assessment", "Occupational therapist"),),
        )
    external = at_local(first_day + timedelta(days=28), 14)
    if external < now:
        lts.review(
            LtsReviewKind.EXTERNAL,
            external,
            (
                EXTERNAL_CLINICIAN,
                staff.consultant.as_person_ref(),
                staff.manager.as_person_ref(),
                IMHA,
                COMMISSIONER,
            ),
            "External psychiatrist agrees segregation remains necessary and the plan to end it "
            "is sound.",
            outsiders=(Participation.ATTENDED, Participation.NOT_INVITED, Participation.ATTENDED),
        )


def _action(at: datetime, text: str, owner: str) -> LtsAction:
    return LtsAction(action=text, owner=owner, due_on=local_date(at) + timedelta(days=7))


def _engagement(rnd: DemoRandom, lts: _Segregation, start: datetime, now: datetime) -> None:
    """Each day: time with staff in the morning, an activity after lunch, time out of the
    area late afternoon; a video call with family on Tuesdays and Saturdays.
    """
    day: date = local_date(start)
    while day <= local_date(now):
        slots = [
            (at_local(day, 10) + rnd.span(0, 60), rnd.between(30, 60),
             EngagementKind.TIME_WITH_STAFF, "Time with named nurse; talked about the day."),
            (at_local(day, 14) + rnd.span(0, 30), rnd.between(30, 60),
             EngagementKind.ACTIVITY, rnd.pick(_ACTIVITIES)),
            (at_local(day, 16) + rnd.span(0, 45), rnd.between(20, 45),
             EngagementKind.TIME_OUT_OF_SEGREGATION_AREA, rnd.pick(_OUTINGS)),
        ]  # fmt: skip
        if day.weekday() in {1, 5}:
            slots.append(
                (
                    at_local(day, 18, 30),
                    rnd.between(20, 40),
                    EngagementKind.FAMILY_CONTACT,
                    "Video call with mother.",
                )
            )
        for begins, length, kind, notes in slots:
            at = floor_minute(begins)
            if at >= start and at + timedelta(minutes=length) <= now:
                lts.engage(at, length, kind, notes)
        day += timedelta(days=1)
