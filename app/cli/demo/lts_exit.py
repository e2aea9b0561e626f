"""Getting the demo ward's LTS patient out of segregation (issue 10 item 3): the tracked steps
of the care plan, the IC(E)TR's recommendations and the senior intervenor's actions.

Which prompt the demo shows, chosen deliberately: the LTS patient is autistic and has a
learning disability, and the demo's IC(E)TR (an :class:`~app.models.segregation.LtsReview` of
kind ``icetr``, three weeks in) is on record — so the missing-IC(E)TR prompt stays quiet, as it
should for a ward that has held one. The **no-progress** prompt shows instead: the two early
steps were achieved in the first week, the lounge trial is only partly achieved (which does
not count as progress, :mod:`app.models.lts_exit`), and nothing else has been achieved since,
so more than four weeks have passed without progress. One IC(E)TR recommendation and one
senior-intervenor action are overdue; others are done or not yet due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.cli.demo.people import COMMISSIONER, DemoStaff, visitor
from app.cli.demo.restrictions import Change, save_versions
from app.cli.demo.segregation import LtsPlan
from app.cli.demo.support import DemoRandom, Timeline, at_local
from app.models.clock import local_date
from app.models.lts_exit import (
    IcetrRecommendation,
    LtsExitStep,
    SeniorIntervenorAction,
    StepAchievement,
)
from app.models.refs import ClinicalRole, PersonRef
from app.models.segregation import LtsReviewKind

SENIOR_INTERVENOR = visitor(
    "Dr Felicity Osei", "Senior intervenor (NHS England programme)", ClinicalRole.OTHER
)
OCCUPATIONAL_THERAPIST = visitor(
    "Ella Brandt", "Occupational therapist", ClinicalRole.OCCUPATIONAL_THERAPIST
)


@dataclass(frozen=True, slots=True)
class LtsExitPlan:
    """The last versions of every step, recommendation and action."""

    steps: tuple[LtsExitStep, ...]
    recommendations: tuple[IcetrRecommendation, ...]
    actions: tuple[SeniorIntervenorAction, ...]


def _achieved(
    on: date, evidence: str, how: StepAchievement = StepAchievement.ACHIEVED
) -> Callable[[Any], dict[str, Any]]:
    return lambda _: {"achieved": how, "achieved_on": on, "evidence": evidence}


def _done(on: date, progress: str) -> Callable[[Any], dict[str, Any]]:
    return lambda _: {"done": True, "done_on": on, "progress": progress}


def lts_exit(
    rnd: DemoRandom, timeline: Timeline, staff: DemoStaff, lts: LtsPlan, now: datetime
) -> LtsExitPlan:
    """The steps, recommendations and actions of ``lts`` (see the module docstring)."""
    episode = lts.episode
    day0 = local_date(episode.started_at)
    today = local_date(now)
    ids: dict[str, Any] = {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
    }

    def when(day: date, hour: int) -> datetime:
        return min(at_local(day, hour), now)

    def step(
        text: str, owner: PersonRef, target: int, changes: list[tuple[int, Callable[..., Any]]]
    ) -> LtsExitStep:
        record = LtsExitStep(
            id=rnd.uuid(), step=text, owner=owner, target_on=day0 + timedelta(days=target), **ids
        )
        later: list[Change] = [
            (when(day0 + timedelta(days=d), 17), change)
            for d, change in changes
            if day0 + timedelta(days=d) <= today
        ]
        return save_versions(timeline, episode.started_at + timedelta(hours=3), record, later)

    charge, psychologist = staff.charge_nurse.as_person_ref(), staff.psychologist.as_person_ref()
    lounge_day = max((today - day0).days - 5, 15)
    steps = (
        step("Seven days in a row without hitting out at staff", charge, 14, [
            (6, _achieved(day0 + timedelta(days=6), "PBS incident log: no hitting out from "
             "day 0 to day 6; checked at the MDT.")),
        ]),
        step("Uses the courtyard on his own for 30 minutes twice a day",
             staff.nurses[3].as_person_ref(), 10, [
            (4, _achieved(day0 + timedelta(days=4), "Engagement log: courtyard twice a day "
             "from day 2, on his own from day 4.")),
        ]),
        step("30 minutes in the main lounge with two staff, twice a day, for a week", charge, 28, [
            (lounge_day, _achieved(day0 + timedelta(days=lounge_day), "Lounge trial since the "
             "MDT of week 2: 9 of 14 sessions completed; two ended early when another patient "
             "came in.", StepAchievement.PARTLY)),
        ]),
        step("Eats lunch in the dining room with two staff and one other patient",
             psychologist, 42, []),
        step("Community placement identified and visited with his mother", COMMISSIONER, 90, []),
    )  # fmt: skip
    icetr = next((r for r in lts.reviews if r.kind is LtsReviewKind.ICETR), None)
    recommendations: list[IcetrRecommendation] = []
    if icetr is not None:
        agreed = local_date(icetr.held_at)
        for text, owner, due, done in _recommendations(staff):
            record = IcetrRecommendation(
                id=rnd.uuid(),
                icetr_review_id=icetr.id,
                recommendation=text,
                owner=owner,
                agreed_on=agreed,
                due_on=agreed + timedelta(days=due),
                **ids,
            )
            later: list[Change] = []
            if done is not None and agreed + timedelta(days=done[0]) <= today:
                done_on = agreed + timedelta(days=done[0])
                later.append((when(done_on, 16), _done(done_on, done[1])))
            recommendations.append(
                save_versions(timeline, icetr.held_at + timedelta(hours=2), record, later)
            )
    actions = _senior_intervenor(
        rnd, timeline, staff=staff, ids=ids, day0=day0, today=today, when=when
    )
    return LtsExitPlan(steps, tuple(recommendations), actions)


def _recommendations(
    staff: DemoStaff,
) -> tuple[tuple[str, PersonRef, int, tuple[int, str] | None], ...]:
    """(recommendation, owner, due days after the IC(E)TR, (done days after, progress))."""
    return (
        ("Sensory assessment by an occupational therapist", OCCUPATIONAL_THERAPIST, 14,
         (9, "Assessment done; report shared with the MDT.")),
        ("Courtyard open until 21:00 while the evenings are light",
         staff.manager.as_person_ref(), 7, (3, "Estates changed the lock times.")),
        ("Refer to the community learning disability team to start discharge planning",
         staff.consultant.as_person_ref(), 10, None),
        ("Easy-read copy of the plan to end segregation, gone through with him and his mother",
         staff.psychologist.as_person_ref(), 28, None),
    )  # fmt: skip


_WEEKLY_CALL = (
    "Weekly call between the senior intervenor and the ward manager about what stands in the "
    "way of ending segregation"
)


def _senior_intervenor(
    rnd: DemoRandom,
    timeline: Timeline,
    *,
    staff: DemoStaff,
    ids: dict[str, Any],
    day0: date,
    today: date,
    when: Callable[[date, int], datetime],
) -> tuple[SeniorIntervenorAction, ...]:
    """The senior intervenor's visit three weeks and two days in, and what it asked for."""
    agreed = min(day0 + timedelta(days=23), today)
    manager = staff.manager.as_person_ref()
    made = []
    for text, owner, due, done in (
        ("Commissioner to confirm funding for a specialist community placement search",
         COMMISSIONER, 22, None),
        (_WEEKLY_CALL, manager, 7, (7, "Calls held weekly since.")),
        ("Ask estates for a date to fit a second door to the suite's lounge", manager, 10, None),
    ):  # fmt: skip
        record = SeniorIntervenorAction(
            id=rnd.uuid(),
            action=text,
            owner=owner,
            agreed_on=agreed,
            due_on=agreed + timedelta(days=due),
            **ids,
        )
        later: list[Change] = []
        if done is not None and agreed + timedelta(days=done[0]) <= today:
            done_on = agreed + timedelta(days=done[0])
            later.append((when(done_on, 16), _done(done_on, done[1])))
        made.append(save_versions(timeline, when(agreed, 15), record, later))
    return tuple(made)
