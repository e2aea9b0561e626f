"""Getting out of LTS: tracked exit steps, IC(E)TR recommendations, senior-intervenor actions
(issue 10, item 3; domain.md §3 "Long-term segregation")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.models.base import record_class
from app.models.clock import utc_now
from app.models.lts_exit import (
    IcetrRecommendation,
    LtsExitStep,
    SeniorIntervenorAction,
    StepAchievement,
)
from app.models.people import Permission
from app.models.revision_rules import kind_permission
from app.models.segregation import LtsReviewKind
from tests.models.isolation_asserts import assert_round_trips
from tests.models.isolation_builders import START, lts_episode, lts_review
from tests.models.refusals import assert_refused
from tests.models.restriction_builders import (
    achieved_step,
    exit_step,
    exit_step_data,
    icetr_recommendation,
    icetr_recommendation_data,
    senior_intervenor_action,
    senior_intervenor_action_data,
)

SECRET = "Zebedee-Quartz-7731"
EPISODE = lts_episode()
ICETR = lts_review(EPISODE, LtsReviewKind.ICETR, START + timedelta(days=10))


def _tomorrow() -> date:
    return (utc_now() + timedelta(days=2)).date()


def test_a_step_is_indexed_under_its_episode_with_its_achievement() -> None:
    step = exit_step(EPISODE)
    assert step.summary().parent_id == EPISODE.id
    assert step.summary().status == "not_yet"
    done = achieved_step(EPISODE, date(2024, 5, 20))
    assert done.summary().status == "achieved"
    assert [a.label for a in StepAchievement] == ["Not yet", "Partly achieved", "Achieved"]
    assert_round_trips(done)


@pytest.mark.parametrize("achieved", [StepAchievement.PARTLY, StepAchievement.ACHIEVED])
def test_partly_or_fully_achieved_needs_a_date_and_evidence(achieved: StepAchievement) -> None:
    data = exit_step_data(EPISODE, achieved=achieved)
    assert_refused(LtsExitStep, data, "achieved_on", "is required once the step is achieved")
    data = exit_step_data(EPISODE, achieved=achieved, achieved_on=date(2024, 5, 20))
    assert_refused(LtsExitStep, data, "evidence", "is required once the step is achieved")
    data = exit_step_data(EPISODE, achieved=achieved, achieved_on=date(2024, 5, 20), evidence="  ")
    assert_refused(LtsExitStep, data, "evidence", "must not be empty")


BAD_STEPS = [
    ({"achieved_on": date(2024, 5, 20)}, "achieved_on", "only recorded once the step is achieved"),
    ({"evidence": SECRET}, "evidence", "only recorded once the step is achieved"),
    ({"achieved": "maybe"}, "achieved", "is not one of the allowed codes"),
    ({"step": ""}, "step", "must not be empty"),
    ({"target_on": SECRET}, "target_on", "is not a date"),
    ({"owner": {"name": SECRET, "role": "ward_manager"}}, "owner.job_title", "is required"),
    ({"episode_id": None}, "episode_id", "is not a valid identifier"),
]


@pytest.mark.parametrize(("overrides", "field", "rule"), BAD_STEPS)
def test_bad_steps_are_refused(overrides: dict[str, Any], field: str, rule: str) -> None:
    assert_refused(LtsExitStep, exit_step_data(EPISODE, **overrides), field, rule, SECRET)


def test_a_step_achieved_in_the_future_is_refused() -> None:
    data = exit_step_data(
        EPISODE, achieved="achieved", achieved_on=_tomorrow(), evidence="Seven calm days"
    )
    assert_refused(LtsExitStep, data, "achieved_on", "must not be in the future")


# ----------------------------------------------------- recommendations and actions alike

ACTIONS: list[Any] = [
    pytest.param(
        IcetrRecommendation,
        lambda **o: icetr_recommendation_data(EPISODE, ICETR, **o),
        id="icetr_recommendation",
    ),
    pytest.param(
        SeniorIntervenorAction,
        lambda **o: senior_intervenor_action_data(EPISODE, **o),
        id="senior_intervenor_action",
    ),
]


@pytest.mark.parametrize(("model", "data"), ACTIONS)
def test_an_action_is_open_until_done_and_overdue_after_its_day(model: Any, data: Any) -> None:
    action = model.build(**data())
    assert action.summary().status == "open"
    assert action.summary().parent_id == EPISODE.id
    assert not action.is_overdue_on(action.due_on)
    assert action.is_overdue_on(action.due_on + timedelta(days=1))
    done = model.build(**data(done=True, done_on=action.due_on + timedelta(days=3)))
    assert done.summary().status == "done"
    assert not done.is_overdue_on(action.due_on + timedelta(days=30))
    assert_round_trips(done)


BAD_ACTIONS = [
    ({"due_on": "2024-05-01"}, "due_on", "must not be before the day it was agreed"),
    ({"done": True}, "done_on", "is required once it is done"),
    ({"done_on": "2024-06-01"}, "done_on", "is only recorded once it is done"),
    ({"done": True, "done_on": "2024-05-01"}, "done_on", "must not be before the day it was"),
    ({"owner": {"name": "Pat", "job_title": SECRET, "role": "boss"}}, "owner.role", "allowed"),
    ({"agreed_on": SECRET}, "agreed_on", "is not a date"),
    ({"done": SECRET}, "done", "must be yes or no"),
]


@pytest.mark.parametrize(("model", "data"), ACTIONS)
@pytest.mark.parametrize(("overrides", "field", "rule"), BAD_ACTIONS)
def test_bad_actions_are_refused(
    model: Any, data: Any, overrides: dict[str, Any], field: str, rule: str
) -> None:
    assert_refused(model, data(**overrides), field, rule, SECRET)


def test_a_recommendation_names_its_icetr_and_says_something() -> None:
    recommendation = icetr_recommendation(EPISODE, ICETR)
    assert recommendation.icetr_review_id == ICETR.id
    data = icetr_recommendation_data(EPISODE, ICETR, recommendation=" ")
    assert_refused(IcetrRecommendation, data, "recommendation", "must not be empty")
    data = icetr_recommendation_data(EPISODE, ICETR, icetr_review_id=None)
    assert_refused(IcetrRecommendation, data, "icetr_review_id", "is not a valid identifier")
    data = senior_intervenor_action_data(EPISODE, action="")
    assert_refused(SeniorIntervenorAction, data, "action", "must not be empty")
    assert senior_intervenor_action(EPISODE).action


def test_the_new_kinds_sync_with_the_right_to_record() -> None:
    for kind in (
        "blanket_restriction",
        "individual_restriction",
        "enhanced_observation",
        "enhanced_observation_review",
        "psychological_restraint",
        "cultural_restraint",
        "lts_exit_step",
        "icetr_recommendation",
        "senior_intervenor_action",
    ):
        assert kind_permission(kind) is Permission.RECORD, kind
        assert kind == record_class(kind).KIND
