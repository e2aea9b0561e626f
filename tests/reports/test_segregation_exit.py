"""Section 9 of the LTS review document, "plan to end segregation and progress" (issue 10
item 4): the prompts, the tracked steps, the IC(E)TR recommendations and the senior
intervenor's actions — from the demo ward's LTS episode through ``rpr report lts-review``, and
from an episode built here, each as it stood at the end of the period. Read back with qpdf,
pdffonts and pdftotext."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.documents.segregation import COMMAND
from app.models.clock import local_date, utc_now
from app.models.lts_exit import (
    IcetrRecommendation,
    LtsExitStep,
    SeniorIntervenorAction,
    StepAchievement,
)
from app.models.segregation import LtsEpisode, LtsReviewKind
from app.reports.parts import day
from app.reports.segregation_exit import NO_PROMPT
from app.reports.segregation_review import LtsReviewInputs, render_lts_review
from app.reports.segregation_sections import TITLES
from app.store.store import Store
from tests.demo_store import Passwords
from tests.models.isolation_builders import lts_review
from tests.models.restriction_builders import (
    SENIOR_INTERVENOR,
    achieved_step,
    exit_step,
    icetr_recommendation,
    senior_intervenor_action,
)
from tests.reports.commands import only, runner
from tests.reports.lts_fixture import long_lts_inputs
from tests.reports.pdf_tools import check_pdf, written
from tests.reports.test_segregation_review import heading

only_this_report = only(COMMAND)
run = runner(COMMAND)
PLAN, VOICE = TITLES[8], TITLES[9]


def plan_section(pdf_text: str) -> str:
    """Section 9's text, white space made single spaces."""
    flat = " ".join(pdf_text.split())
    return flat[flat.index(PLAN) : flat.index(VOICE)]


def test_the_demo_lts_review_shows_the_way_out_and_the_no_progress_prompt(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    with (
        Store.open(folder, "demo.manager", passwords["demo.manager"]) as store,
        store.read() as reader,
    ):
        episode = reader.find(LtsEpisode)[0]
        steps = reader.find(LtsExitStep, parent_id=episode.id)
        recommendations = reader.find(IcetrRecommendation, parent_id=episode.id)
        actions = reader.find(SeniorIntervenorAction, parent_id=episode.id)
    out = tmp_path / "lts.pdf"

    code, said = run(folder, "demo.manager", out, "--episode", str(episode.id), capsys=capsys)

    assert code == 0, said
    section = plan_section(check_pdf(out))
    assert (
        "No progress towards ending segregation: No step to end segregation has been "
        "achieved for 4 weeks (since the last one)" in section
    )
    assert "No IC(E)TR on record" not in section  # the demo's IC(E)TR is on record
    assert len(steps) == 5
    for step in steps:
        assert step.step in section, step.step
        assert step.owner.name in section
        if step.achieved is StepAchievement.ACHIEVED:
            assert f"Achieved, {day(step.achieved_on)}" in section
    assert "Partly achieved," in section
    today = local_date(utc_now())
    overdue = [a for a in (*recommendations, *actions) if a.is_overdue_on(today)]
    assert len(overdue) == 2  # one recommendation, one senior-intervenor action
    for action in overdue:
        assert f"OVERDUE (due {day(action.due_on)})" in section
    for done in (a for a in (*recommendations, *actions) if a.done):
        assert f"Done {day(done.done_on)}. {done.progress}" in section
    assert "Commissioner to confirm funding" in section


END_DAY = date(2025, 6, 30)  # the fixture's period ends at noon UTC on this day


def _inputs(days: int) -> LtsReviewInputs:
    return long_lts_inputs(days=days, ac_reviews=days, mdt_reviews=days // 6, incidents=2)


def test_steps_recommendations_and_actions_as_they_stood_at_the_end_of_the_period(
    tmp_path: Path,
) -> None:
    inputs = _inputs(30)  # 31 May to 30 June 2025; the patient is autistic; no IC(E)TR held
    episode = inputs.episode
    previous = inputs.previous_of_featured_kind
    assert previous is not None
    since = local_date(previous.held_at)  # the MDT before the one reported
    icetr = lts_review(episode, LtsReviewKind.ICETR, datetime(2025, 6, 10, 12, 0, tzinfo=UTC))
    inputs = dataclasses.replace(
        inputs,
        exit_steps=(
            achieved_step(episode, date(2025, 6, 3), step="Courtyard on his own"),
            achieved_step(episode, since + timedelta(days=2), step="Lounge with two staff"),
            achieved_step(episode, date(2025, 7, 2), step="Lunch in the dining room"),
            exit_step(episode, step="Visit to a community home", target_on=date(2025, 6, 20)),
        ),
        icetr_recommendations=(
            icetr_recommendation(
                episode,
                icetr,
                recommendation="Sensory assessment",
                due_on=date(2025, 6, 20),
                done=True,
                done_on=date(2025, 6, 18),
                progress="Report shared with the MDT.",
            ),
            icetr_recommendation(
                episode,
                icetr,
                recommendation="Referral to the community team",
                due_on=date(2025, 6, 25),
                done=True,
                done_on=date(2025, 7, 1),
            ),
            icetr_recommendation(
                episode, icetr, recommendation="Easy-read plan", due_on=date(2025, 7, 15)
            ),
        ),
        senior_intervenor_actions=(
            senior_intervenor_action(
                episode, agreed_on=date(2025, 6, 12), due_on=date(2025, 6, 26)
            ),
        ),
    )

    section = plan_section(check_pdf(written(tmp_path, render_lts_review(heading(), inputs))))

    # A step achieved within the 4 weeks: no no-progress prompt; no IC(E)TR among the reviews.
    assert (
        "No IC(E)TR on record: No IC(E)TR is on record for this episode of long-term "
        "segregation (counted from 31/05/2025)." in section
    )
    assert "No progress towards ending segregation" not in section
    assert "Courtyard on his own" in section
    assert "Achieved, 03/06/2025 Seven days" in section  # not new: before the last MDT
    assert f"Achieved, {day(since + timedelta(days=2))} — new since {day(since)}" in section
    assert "Not yet by the end of the period (achieved 02/07/2025)" in section
    assert "20/06/2025 (passed) Not yet" in section
    assert "Done 18/06/2025. Report shared with the MDT." in section
    assert "OVERDUE (due 25/06/2025); done later, 01/07/2025" in section
    assert "Easy-read plan" in section
    assert f"{SENIOR_INTERVENOR.name} ({SENIOR_INTERVENOR.job_title})" in section
    assert "OVERDUE (due 26/06/2025)" in section
    assert "12/06/2025 26/06/2025 OVERDUE" in section  # agreed, due, done columns in order


def test_the_no_progress_prompt_and_none_once_segregation_has_ended(tmp_path: Path) -> None:
    inputs = _inputs(40)  # from 21 May 2025
    episode = inputs.episode
    icetr = lts_review(episode, LtsReviewKind.ICETR, inputs.period.start + timedelta(days=20))
    quiet = dataclasses.replace(
        inputs,
        reviews=(*inputs.reviews, icetr),
        exit_steps=(achieved_step(episode, date(2025, 5, 25)),),
    )
    ended_episode = LtsEpisode.model_validate(
        episode.model_dump() | {"ended_at": quiet.period.end, "ended_by": episode.authorised_by}
    )
    ended = dataclasses.replace(quiet, episode=ended_episode)

    running = plan_section(check_pdf(written(tmp_path, render_lts_review(heading(), quiet))))
    stopped = plan_section(
        check_pdf(written(tmp_path, render_lts_review(heading(), ended), "ended.pdf"))
    )

    assert (
        "No progress towards ending segregation: No step to end segregation has been "
        "achieved for 5 weeks (since the last one) (counted from 25/05/2025)." in running
    )
    assert "No IC(E)TR on record" not in running  # one was held
    assert NO_PROMPT in stopped
    assert "No progress towards ending segregation" not in stopped
    assert "No IC(E)TR recommendation is recorded for this episode." in running
    assert "No senior-intervenor action is recorded for this episode." in running
