"""Restrictions beyond force on the shift handover (issue 10 item 4): which are listed as in
force, which reviews are handed over as falling due (the 12-hour rule of every other clock on
the handover, end included; overdue always), which are marked due soon, the LTS prompts, and
one list of everything due with the seclusion, LTS and incident items."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from app.models.clock import local_date, local_midnight
from app.models.enhanced_observation import EnhancedObservation
from app.models.handover import HandoverItem, handover_from_board, handover_items
from app.models.handover_restrictions import (
    WHOLE_WARD,
    BeyondForceInputs,
    BeyondForceKind,
    beyond_force_handover,
)
from app.models.lts_exit_prompts import LtsPromptKind
from app.models.patient import Patient
from app.models.review_clocks import ClockKind
from app.models.segregation import LtsReviewKind
from app.models.ward_board import WardBoardInputs, build_ward_board
from tests.models.builders import OTHER_PATIENT_ID, patient
from tests.models.isolation_builders import (
    PATIENT_ID,
    START,
    WARD_ID,
    lts_episode,
    lts_review,
    seclusion_episode,
)
from tests.models.restriction_builders import (
    achieved_step,
    blanket_restriction,
    enhanced_observation,
    exemption,
    individual_restriction,
    observation_review,
)

AT = START + timedelta(days=10)  # 2024-05-11 10:00 UTC, 11:00 on the ward clock (BST)
UNTIL = AT + timedelta(hours=12)
H = timedelta(hours=1)
OTHER_WARD = UUID("00000000-0000-4000-8000-00000000b002")
PATIENT = patient()  # Morgan Testperson, autistic
PATIENTS: dict[UUID, Patient] = {PATIENT.id: PATIENT}


def _inputs(**records: object) -> BeyondForceInputs:
    return BeyondForceInputs(ward_id=WARD_ID, patients=PATIENTS, **records)  # type: ignore[arg-type]


def _observed(last_review_before: timedelta | None) -> tuple[EnhancedObservation, list[object]]:
    observation = enhanced_observation(started_at=AT - 2 * timedelta(days=1))
    reviews = []
    if last_review_before is not None:
        reviews.append(observation_review(observation, AT - last_review_before))
    return observation, reviews


@pytest.mark.parametrize(
    ("last_review_before", "falls_due"),
    [
        (20 * H, True),  # due in 4 hours
        (12 * H, True),  # due exactly at the end of the 12 hours: included
        (12 * H - timedelta(seconds=1), False),  # one second later: the next shift's
        (None, True),  # no review since the start two days ago: overdue
    ],
)
def test_an_enhanced_observation_review_falls_due_by_the_twelve_hour_rule(
    last_review_before: timedelta | None, falls_due: bool
) -> None:
    observation, reviews = _observed(last_review_before)

    found = beyond_force_handover(
        _inputs(observations=[observation], observation_reviews=reviews), AT, UNTIL
    )

    (line,) = found.observations
    assert line.falls_due is falls_due
    assert line.due_soon is False  # enhanced observation has no due-soon window
    assert line.clock.kind is ClockKind.ENHANCED_OBSERVATION_REVIEW
    assert (line.what, line.patient_name) == (
        "Within arm's length (continuous)",
        "Morgan Testperson",
    )
    assert found.falling_due == ((line,) if falls_due else ())


@pytest.mark.parametrize(
    ("review_on", "falls_due", "due_soon", "overdue"),
    [
        # 11 May, 11:00 BST: a review date of today is due by the end of today (23:00 UTC),
        # 13 hours away — not this shift's, but due soon (within the policy's 2 days).
        (date(2024, 5, 11), False, True, False),
        (date(2024, 5, 10), True, False, True),  # yesterday's date: overdue
        (date(2024, 5, 12), False, True, False),  # due in 1 day 13 h: within the 2 days
        (date(2024, 5, 13), False, False, False),  # due in 2 days 13 h: not yet due soon
    ],
)
def test_an_individual_restriction_is_due_by_its_review_date(
    review_on: date, falls_due: bool, due_soon: bool, overdue: bool
) -> None:
    restriction = individual_restriction(started_at=AT - 2 * timedelta(days=1), review_on=review_on)

    (line,) = beyond_force_handover(_inputs(individual=[restriction]), AT, UNTIL).individual

    assert line.due_at == local_midnight(review_on + timedelta(days=1))
    assert (line.falls_due, line.due_soon, line.overdue_at(AT)) == (falls_due, due_soon, overdue)
    assert line.what == "Phone: Mobile phone kept in the office; ward phone available"


def test_only_what_is_in_force_on_this_ward_at_the_instant_is_listed() -> None:
    running = enhanced_observation(started_at=AT - H)
    ended = enhanced_observation(
        started_at=AT - 5 * H, ended_at=AT - H, ended_by=running.decided_by
    )
    later = enhanced_observation(started_at=AT + H)
    elsewhere = enhanced_observation(started_at=AT - H, ward_id=OTHER_WARD)
    kept = individual_restriction(started_at=AT - H)
    lifted = individual_restriction(
        started_at=AT - 5 * H,
        ended_at=AT - H,
        ended_by=running.decided_by,
        end_reason="No longer needed",
    )
    register = blanket_restriction(started_at=AT - 100 * H)
    other_ward = blanket_restriction(started_at=AT - 100 * H, ward_id=OTHER_WARD)

    found = beyond_force_handover(
        _inputs(
            observations=[running, ended, later, elsewhere],
            individual=[kept, lifted],
            blanket=[register, other_ward],
        ),
        AT,
        UNTIL,
    )

    assert [line.record_id for line in found.observations] == [running.id]
    assert [line.record_id for line in found.individual] == [kept.id]
    assert [line.record_id for line in found.blanket] == [register.id]
    assert [line.kind for line in found.in_force] == [
        BeyondForceKind.ENHANCED_OBSERVATION,
        BeyondForceKind.INDIVIDUAL_RESTRICTION,
        BeyondForceKind.BLANKET_RESTRICTION,
    ]


def test_a_blanket_restriction_names_the_whole_ward_and_who_is_exempted() -> None:
    register = blanket_restriction(
        started_at=AT - 100 * H,
        review_on=local_date(AT) + timedelta(days=10),
        exemptions=[exemption(PATIENT_ID), exemption(OTHER_PATIENT_ID)],
    )

    (line,) = beyond_force_handover(_inputs(blanket=[register]), AT, UNTIL).blanket

    assert (line.patient_id, line.patient_name) == (None, WHOLE_WARD)
    assert line.detail == "Exempted: Morgan Testperson, 1 other"  # the other is not loaded
    assert line.due_soon  # within the policy's 14 days
    assert not line.falls_due


def test_overdue_lines_come_first_then_by_due_time() -> None:
    later = individual_restriction(started_at=AT - H, review_on=date(2024, 5, 13))
    sooner = individual_restriction(started_at=AT - H, review_on=date(2024, 5, 12))
    overdue = individual_restriction(started_at=AT - 9 * timedelta(days=1))  # weekly: overdue

    found = beyond_force_handover(_inputs(individual=[later, sooner, overdue]), AT, UNTIL)

    assert [line.record_id for line in found.individual] == [overdue.id, sooner.id, later.id]


def test_lts_prompts_of_the_wards_running_episodes() -> None:
    episode = lts_episode(started_at=AT - 40 * timedelta(days=1))
    ended = lts_episode(
        started_at=AT - 90 * timedelta(days=1),
        ended_at=AT - 50 * timedelta(days=1),
        ended_by=episode.authorised_by,
    )
    elsewhere = lts_episode(started_at=AT - 40 * timedelta(days=1), ward_id=OTHER_WARD)
    icetr = lts_review(episode, LtsReviewKind.ICETR, AT - 5 * timedelta(days=1))
    recent_step = achieved_step(episode, local_date(AT) - timedelta(days=3))

    quiet = beyond_force_handover(_inputs(segregations=[episode, ended, elsewhere]), AT, UNTIL)
    answered = beyond_force_handover(
        _inputs(segregations=[episode], segregation_reviews=[icetr], exit_steps=[recent_step]),
        AT,
        UNTIL,
    )

    assert [(p.patient_name, p.prompt.kind) for p in quiet.prompts] == [
        ("Morgan Testperson", LtsPromptKind.NO_EXIT_PROGRESS),
        ("Morgan Testperson", LtsPromptKind.NO_ICETR),
    ]
    assert {p.prompt.episode_id for p in quiet.prompts} == {episode.id}
    assert answered.prompts == ()


def _board_inputs() -> WardBoardInputs:
    return WardBoardInputs(
        ward_id=WARD_ID,
        patients=PATIENTS,
        seclusions=[seclusion_episode(started_at=AT - timedelta(minutes=100))],
        observations=[],
        seclusion_reviews=[],
        recent_seclusions=[],
        segregations=[],
        segregation_reviews=[],
        open_incidents=[],
        incidents_last_24h=0,
        incidents_last_7d=0,
    )


def test_everything_due_lists_both_kinds_in_handover_order() -> None:
    observation, reviews = _observed(20 * H)  # due in 4 hours
    overdue = individual_restriction(started_at=AT - 9 * timedelta(days=1))
    beyond = _inputs(observations=[observation], observation_reviews=reviews, individual=[overdue])

    handover = handover_items(_board_inputs(), AT, beyond_force=beyond)

    due = handover.everything_due()
    first, *_, last = due
    assert getattr(first, "record_id", None) == overdue.id  # overdue before everything
    assert getattr(last, "record_id", None) == observation.id  # due in 4 h: after the seclusion's
    seclusion_items = [d for d in due if isinstance(d, HandoverItem)]
    assert seclusion_items == list(handover.items)
    assert all(d.due_at is not None and d.due_at <= UNTIL for d in seclusion_items)
    assert len(due) == len(handover.items) + 2


def test_without_its_records_the_handover_has_nothing_beyond_force() -> None:
    board = build_ward_board(_board_inputs(), AT)

    for handover in (handover_items(_board_inputs(), AT), handover_from_board(board)):
        assert handover.beyond_force.in_force == ()
        assert handover.beyond_force.prompts == ()
        assert handover.everything_due() == handover.items
        assert len(handover.items) >= 1  # the seclusion's clocks are still handed over
