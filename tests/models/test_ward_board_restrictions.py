"""The restrictions beyond force on the ward board (app.models.ward_board and
app.models.ward_board_restrictions): each patient's running individual restrictions and
enhanced observation with their review clocks, overdue and due soon counted in the board's
order; the LTS prompts on the episode; the ward's blanket restrictions due for review."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from app.models.lts_exit_prompts import LtsPromptKind
from app.models.patient import Patient
from app.models.ward_board import WardBoardInputs, build_ward_board
from tests.models.builders import patient
from tests.models.isolation_builders import NURSE, PATIENT_ID, START, WARD_ID, lts_episode
from tests.models.restriction_builders import (
    blanket_restriction,
    enhanced_observation,
    exit_step,
    individual_restriction,
    observation_review,
)

DAY = timedelta(days=1)
H = timedelta(hours=1)
OTHER = uuid4()


def _inputs(**overrides: Any) -> WardBoardInputs:
    patients: dict[Any, Patient] = {
        PATIENT_ID: patient(id=PATIENT_ID, ward_id=WARD_ID),
        OTHER: patient(id=OTHER, ward_id=WARD_ID, given_name="Sam", family_name="Quiet"),
    }
    data: dict[str, Any] = {
        "ward_id": WARD_ID,
        "patients": patients,
        "seclusions": (),
        "observations": (),
        "seclusion_reviews": (),
        "recent_seclusions": (),
        "segregations": (),
        "segregation_reviews": (),
        "open_incidents": (),
        "incidents_last_24h": 0,
        "incidents_last_7d": 0,
        "on_ward": patients,
    }
    return WardBoardInputs(**(data | overrides))


# (records, hours after START, (overdue, due soon)) for one patient's only restriction
PATIENT_CLOCKS = [
    pytest.param(
        {"individual_restrictions": (individual_restriction(),)},
        24,
        (False, False),
        id="individual_six_days_left",
    ),
    pytest.param(
        {"individual_restrictions": (individual_restriction(),)},
        24 * 6,
        (False, True),
        id="individual_due_within_two_days",
    ),
    pytest.param(
        {"individual_restrictions": (individual_restriction(),)},
        24 * 7 + 1,
        (True, False),
        id="individual_overdue_after_seven_days",
    ),
    pytest.param(
        {"enhanced_observations": (enhanced_observation(),)},
        21,
        (False, False),
        id="observation_three_hours_left",
    ),
    pytest.param(
        {"enhanced_observations": (enhanced_observation(),)},
        23,
        (False, True),
        id="observation_due_within_two_hours",
    ),
    pytest.param(
        {"enhanced_observations": (enhanced_observation(),)},
        25,
        (True, False),
        id="observation_overdue_after_a_day",
    ),
]


@pytest.mark.parametrize(("records", "hours", "expected"), PATIENT_CLOCKS)
def test_a_patients_restriction_shows_with_its_clock(
    records: dict[str, Any], hours: int, expected: tuple[bool, bool]
) -> None:
    board = build_ward_board(_inputs(**records), START + hours * H)
    row = next(p for p in board.patients if p.patient_id == PATIENT_ID)
    [on_board] = row.restrictions
    assert (on_board.overdue, on_board.due_soon) == expected
    assert row.overdue is expected[0]
    assert row.needs_a_look is expected[1]
    assert board.restriction_reviews_overdue == int(expected[0])


def test_a_review_restarts_the_observation_clock_and_ended_ones_are_left_off() -> None:
    observation = enhanced_observation()
    review = observation_review(observation, START + 20 * H)
    at = START + 30 * H
    board = build_ward_board(
        _inputs(enhanced_observations=(observation,), enhanced_observation_reviews=(review,)),
        at,
    )
    [on_board] = next(p for p in board.patients if p.patient_id == PATIENT_ID).restrictions
    assert not on_board.overdue
    assert on_board.clock.next_due == START + 44 * H
    ended = enhanced_observation(ended_at=START + 2 * H, ended_by=NURSE)
    board = build_ward_board(_inputs(enhanced_observations=(ended,)), at)
    assert all(p.restrictions == () for p in board.patients)


def test_an_overdue_restriction_puts_the_patient_first_and_most_urgent_first_within() -> None:
    late = individual_restriction(started_at=START - 10 * DAY)
    soon = individual_restriction(started_at=START - 6 * DAY)
    observation = enhanced_observation(patient_id=OTHER)
    board = build_ward_board(
        _inputs(individual_restrictions=(soon, late), enhanced_observations=(observation,)),
        START + H,
    )
    assert [p.patient_id for p in board.patients] == [PATIENT_ID, OTHER]
    assert [r.record_id for r in board.patients[0].restrictions] == [late.id, soon.id]
    assert board.patients[0].restrictions[0].title == "Phone restricted"


# (review date relative to the board's day, listed, overdue)
BLANKET_DUE = [
    pytest.param(-1, True, True, id="review_date_passed"),
    pytest.param(5, True, False, id="due_within_fourteen_days"),
    pytest.param(40, False, False, id="not_yet_due_soon"),
]


@pytest.mark.parametrize(("days", "listed", "overdue"), BLANKET_DUE)
def test_the_ward_lists_blanket_restrictions_due_soon_or_overdue(
    days: int, listed: bool, overdue: bool
) -> None:
    at = START + 10 * DAY
    restriction = blanket_restriction(review_on=date(2024, 5, 11) + timedelta(days=days))
    board = build_ward_board(_inputs(blanket_restrictions=(restriction,)), at)
    assert [r.record_id for r in board.blanket_restrictions] == ([restriction.id] if listed else [])
    if listed:
        assert board.blanket_restrictions[0].overdue is overdue
        assert board.blanket_restrictions[0].patient_id is None


def test_an_ended_blanket_restriction_is_not_listed() -> None:
    ended = blanket_restriction(
        review_on=date(2024, 5, 2),
        ended_at=START + DAY,
        ended_by=NURSE,
        end_reason="Fire doors fitted",
    )
    board = build_ward_board(_inputs(blanket_restrictions=(ended,)), START + 10 * DAY)
    assert board.blanket_restrictions == ()


def test_the_lts_prompts_are_on_the_episode_and_the_patients_row() -> None:
    episode = lts_episode()
    at = START + 5 * 7 * DAY
    board = build_ward_board(_inputs(segregations=(episode,)), at)
    row = next(p for p in board.patients if p.patient_id == PATIENT_ID)
    assert LtsPromptKind.NO_EXIT_PROGRESS in [p.kind for p in row.lts_prompts]
    assert row.segregation is not None
    assert row.segregation.prompts == row.lts_prompts
    assert row.needs_a_look
    achieved = exit_step(
        episode, achieved="achieved", achieved_on=date(2024, 6, 1), evidence="Lunch out"
    )
    board = build_ward_board(_inputs(segregations=(episode,), lts_exit_steps=(achieved,)), at)
    row = next(p for p in board.patients if p.patient_id == PATIENT_ID)
    assert LtsPromptKind.NO_EXIT_PROGRESS not in [p.kind for p in row.lts_prompts]
