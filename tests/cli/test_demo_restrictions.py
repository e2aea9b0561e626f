"""The demo ward's restrictions beyond force (issue 10): believable examples of every kind,
placed so that the board, the handover and the reports have something of each to show — a
review overdue, one due soon, one falling due within the handover's 12 hours, a level change,
restraint linked to incidents, and an LTS episode whose no-progress prompt shows."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from app.cli.demo.ward import DemoWard, build_demo_ward
from app.models.admission import HospitalSpell, spell_at
from app.models.blanket_restrictions import (
    BlanketRestriction,
    BlanketRestrictionCategory,
    blanket_restriction_clock,
    is_subject_to,
)
from app.models.clock import local_date
from app.models.enhanced_observation import (
    EnhancedObservation,
    EnhancedObservationReview,
    ObservationLevel,
    ObservationReviewDecision,
    enhanced_observation_clock,
    enhanced_observation_lapses,
)
from app.models.incident import UseOfForceIncident
from app.models.individual_restrictions import (
    IndividualRestriction,
    IndividualRestrictionKind,
    individual_restriction_clock,
)
from app.models.lts_exit import (
    IcetrRecommendation,
    LtsExitStep,
    SeniorIntervenorAction,
    StepAchievement,
)
from app.models.lts_exit_prompts import LtsPromptKind, lts_prompts, needs_icetr
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY
from app.models.psychological_cultural_restraint import CulturalRestraint, PsychologicalRestraint
from app.models.restriction_period import due_soon
from app.models.review_clocks import ClockState
from app.models.segregation import LtsEpisode, LtsReview, LtsReviewKind

NOW = datetime(2025, 11, 20, 14, 37, 12, tzinfo=UTC)
POLICY = DEFAULT_POLICY.restrictions


@pytest.fixture(scope="module")
def demo() -> DemoWard:
    return build_demo_ward(NOW)


def _on_ward(demo: DemoWard, patient_id: UUID, at: datetime) -> bool:
    return spell_at(demo.current(HospitalSpell), patient_id, at) is not None


def _versions(demo: DemoWard) -> dict[UUID, int]:
    return Counter(record.id for record, _ in demo.steps)


def test_the_register_holds_four_blanket_restrictions_one_overdue_and_one_ended(
    demo: DemoWard,
) -> None:
    register = {r.category: r for r in demo.current(BlanketRestriction)}
    assert set(register) == {
        BlanketRestrictionCategory.ACCESS_TO_AREAS,
        BlanketRestrictionCategory.SET_TIMES,
        BlanketRestrictionCategory.BANNED_ITEMS,
        BlanketRestrictionCategory.VISITING,
    }
    states = {c: blanket_restriction_clock(r, NOW).state for c, r in register.items()}
    assert states == {
        BlanketRestrictionCategory.ACCESS_TO_AREAS: ClockState.DUE,
        BlanketRestrictionCategory.SET_TIMES: ClockState.OVERDUE,
        BlanketRestrictionCategory.BANNED_ITEMS: ClockState.DUE,
        BlanketRestrictionCategory.VISITING: ClockState.STOPPED,
    }
    ended = register[BlanketRestrictionCategory.VISITING]
    assert ended.ended_at is not None
    assert ended.end_reason
    kitchen = register[BlanketRestrictionCategory.ACCESS_TO_AREAS]
    assert len(kitchen.exemptions) == 2
    for exemption in kitchen.exemptions:
        assert _on_ward(demo, exemption.patient_id, NOW)
        assert not is_subject_to(kitchen, exemption.patient_id, NOW)
    # created, two exemptions and a review: each its own version, nothing overwritten
    assert _versions(demo)[kitchen.id] == 4
    assert all(r.ward_id == demo.ward.id for r in register.values())


def test_individual_restrictions_of_each_kind_one_due_soon_and_one_ended(
    demo: DemoWard,
) -> None:
    restrictions = demo.current(IndividualRestriction)
    kinds = {r.kind for r in restrictions}
    for kind in (
        IndividualRestrictionKind.PHONE,
        IndividualRestrictionKind.LEAVE,
        IndividualRestrictionKind.VISITS,
    ):
        assert kind in kinds
    soon = timedelta(days=POLICY.individual_review_due_soon_days)
    clocks = {r.kind: individual_restriction_clock(r, NOW) for r in restrictions}
    assert due_soon(clocks[IndividualRestrictionKind.PHONE], NOW, soon)
    assert clocks[IndividualRestrictionKind.PROPERTY].state is ClockState.STOPPED
    ended = [r for r in restrictions if r.ended_at is not None]
    assert [r.kind for r in ended] == [IndividualRestrictionKind.PROPERTY]
    assert ended[0].end_reason
    for restriction in restrictions:
        assert _on_ward(demo, restriction.patient_id, restriction.started_at)


def test_one_patient_is_on_enhanced_observation_now_after_a_level_change(
    demo: DemoWard,
) -> None:
    observations = demo.current(EnhancedObservation)
    reviews = demo.current(EnhancedObservationReview)
    running = [o for o in observations if o.ended_at is None]
    assert len(running) == 1
    now = running[0]
    assert now.level is ObservationLevel.WITHIN_EYESIGHT
    clock = enhanced_observation_clock(now, reviews, NOW)
    assert clock.state is ClockState.DUE
    assert clock.next_due is not None
    assert timedelta(0) < clock.next_due - NOW <= timedelta(hours=12)  # on the handover
    before = [o for o in observations if o.patient_id == now.patient_id and o.ended_at == (
        now.started_at
    )]  # fmt: skip
    assert [o.level for o in before] == [ObservationLevel.WITHIN_ARMS_LENGTH]
    decisions = [r.decision for r in reviews if r.observation_id == before[0].id]
    assert decisions[-1] is ObservationReviewDecision.CHANGE_LEVEL
    ended = [o for o in observations if o.ended_at is not None]
    assert len(ended) >= 5  # enough durations for the oversight report's median
    assert len({o.patient_id for o in observations}) >= 3
    for observation in observations:
        assert enhanced_observation_lapses(observation, reviews, NOW) == ()
        assert _on_ward(demo, observation.patient_id, observation.started_at)


def test_psychological_and_cultural_restraint_are_linked_to_incidents_of_the_patient(
    demo: DemoWard,
) -> None:
    incidents = {i.id: i for i in demo.current(UseOfForceIncident)}
    psychological = demo.current(PsychologicalRestraint)
    cultural = demo.current(CulturalRestraint)
    linked = [r for r in (*psychological, *cultural) if r.incident_id is not None]
    assert {type(r) for r in linked} == {PsychologicalRestraint, CulturalRestraint}
    for record in linked:
        assert record.incident_id is not None
        incident = incidents[record.incident_id]
        assert incident.patient_id == record.patient_id
        assert timedelta(0) <= incident.started_at - record.occurred_at <= timedelta(hours=1)
    assert any(r.incident_id is None for r in psychological)


def test_the_lts_patient_shows_the_no_progress_prompt_and_not_the_missing_icetr_one(
    demo: DemoWard,
) -> None:
    episode = next(e for e in demo.current(LtsEpisode) if e.id == demo.lts_episode_id)
    patient = next(p for p in demo.current(Patient) if p.id == demo.lts_patient_id)
    steps = demo.current(LtsExitStep)
    reviews = demo.current(LtsReview)
    assert needs_icetr(patient)  # autistic, with a learning disability …
    icetr = [r for r in reviews if r.kind is LtsReviewKind.ICETR]
    assert len(icetr) == 1  # … and the IC(E)TR is on record, so only no-progress shows
    prompts = lts_prompts(episode, patient, steps, reviews, NOW)
    assert [p.kind for p in prompts] == [LtsPromptKind.NO_EXIT_PROGRESS]
    assert "4 weeks" in prompts[0].message

    achieved = Counter(s.achieved for s in steps)
    assert achieved == {
        StepAchievement.ACHIEVED: 2,
        StepAchievement.PARTLY: 1,
        StepAchievement.NOT_YET: 2,
    }
    today = local_date(NOW)
    for step in steps:
        assert step.episode_id == episode.id
        if step.achieved is StepAchievement.ACHIEVED:
            assert step.achieved_on is not None
            assert (today - step.achieved_on).days > 28
    recommendations = demo.current(IcetrRecommendation)
    actions = demo.current(SeniorIntervenorAction)
    assert {r.icetr_review_id for r in recommendations} == {icetr[0].id}
    for tracked in (recommendations, actions):
        assert sum(a.is_overdue_on(today) for a in tracked) == 1
        assert any(a.done for a in tracked)
        assert any(not a.done and a.due_on > today for a in tracked)


def test_reviews_exemptions_achievements_and_ends_are_new_versions(demo: DemoWard) -> None:
    versions: dict[UUID, list[object]] = defaultdict(list)
    kinds = (BlanketRestriction, IndividualRestriction, EnhancedObservation, LtsExitStep)
    for record, reason in demo.steps:
        if isinstance(record, kinds):
            assert reason is None  # none of these is an amendment after sign-off
            versions[record.id].append(record)
    changed = [v for v in versions.values() if len(v) > 1]
    assert len(changed) >= 12
    for history in changed:
        assert history[0].id == history[-1].id
        assert history[0] != history[-1]


@pytest.mark.parametrize("months", [1, 36])
def test_every_kind_is_there_whatever_the_period(months: int) -> None:
    ward = build_demo_ward(datetime.now(UTC), seed=3, months=months)
    kinds = Counter(type(r) for r in ward.latest().values())
    for kind in (
        BlanketRestriction,
        IndividualRestriction,
        EnhancedObservation,
        EnhancedObservationReview,
        PsychologicalRestraint,
        CulturalRestraint,
        LtsExitStep,
        IcetrRecommendation,
        SeniorIntervenorAction,
    ):
        assert kinds[kind] >= 1, kind
