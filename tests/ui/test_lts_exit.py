"""Getting out of long-term segregation (issue 10, item 3), keyboard only from the ward board:
an episode with no step achieved for five weeks shows the no-progress prompt on the board and
on its LTS page (built from records saved in the test); Enter on the LTS cell opens the
episode, where a step to end it is added and marked achieved (the prompt goes), a senior
intervenor's action is recorded and done, and an IC(E)TR recommendation is recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.lts_exit import (
    IcetrRecommendation,
    LtsExitStep,
    SeniorIntervenorAction,
    StepAchievement,
)
from app.models.lts_exit_prompts import LtsPromptKind
from app.models.segregation import LtsEpisode, LtsReviewKind
from app.ui.board.model import Column
from app.ui.isolation.loading import LtsDetail
from app.ui.isolation.lts_exit_forms import (
    ActionDoneForm,
    ExitStepForm,
    IcetrRecommendationForm,
    SeniorIntervenorActionForm,
    StepProgressForm,
)
from app.ui.isolation.lts_page import SegregationScreen
from app.ui.isolation.screens import IsolationScreen
from app.ui.restrictions.parts import today
from tests.models.isolation_builders import lts_episode, lts_review
from tests.ui.conftest import Clock, Passwords
from tests.ui.incident_steps import on_worker
from tests.ui.restriction_steps import (
    WAIT,
    back_to_board,
    board_of,
    cell,
    context_of,
    key,
    open_form,
    quiet_patient,
    reloaded,
    row_on_board,
    save,
    signed_in_window,
    stored,
    type_text,
    walk_to,
)

NO_PROGRESS = LtsPromptKind.NO_EXIT_PROGRESS.label


def _open_episode(qtbot: QtBot, window, episode: LtsEpisode) -> SegregationScreen:  # type: ignore[no-untyped-def]
    """From the board: walk to the patient, Right to their LTS cell, Enter."""
    board = board_of(window)
    walk_to(qtbot, board, episode.patient_id)
    for _ in range(Column.SEGREGATION):
        key(qtbot, Qt.Key.Key_Right)
    assert board.table.currentIndex().column() == Column.SEGREGATION
    key(qtbot, Qt.Key.Key_Return)
    work = window.work
    qtbot.waitUntil(lambda: isinstance(work.tabs.currentWidget(), IsolationScreen), timeout=WAIT)
    screen = work.tabs.currentWidget().segregation
    qtbot.waitUntil(
        lambda: (
            isinstance(screen.detail, LtsDetail)
            and screen.detail.episode.id == episode.id
            and screen.detail.exit is not None
        ),
        timeout=WAIT,
    )
    return screen


def _exit(screen: SegregationScreen):  # type: ignore[no-untyped-def]
    detail = screen.detail
    assert isinstance(detail, LtsDetail)
    assert detail.exit is not None
    return detail.exit


def test_the_way_out_of_lts_is_tracked_from_the_board_and_the_prompt_goes_with_progress(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.manager")
    ctx = context_of(window)
    staff = ctx.facts.staff
    assert staff is not None
    board = board_of(window)
    patient = quiet_patient(reloaded(qtbot, board)).patient_id
    started = clock.now - timedelta(weeks=5)
    episode = lts_episode(
        patient_id=patient,
        ward_id=ctx.ward_id,
        started_at=started,
        imha_told_at=started + timedelta(hours=2),
    )
    on_worker(qtbot, ctx, lambda store: store.save(episode))

    # The board says no step has been achieved, in words (the rule's name; the message on hover).
    reloaded(qtbot, board)
    [prompt, *_] = row_on_board(board, patient).lts_prompts
    assert prompt.kind is LtsPromptKind.NO_EXIT_PROGRESS
    assert NO_PROGRESS in cell(board, patient, Column.SEGREGATION)
    assert "for 5 weeks (since segregation started)" in prompt.message

    screen = _open_episode(qtbot, window, episode)
    assert NO_PROGRESS in screen.exit.prompts.text()
    assert screen.exit.prompts.isVisible()

    # A step to end LTS: refused without words, then saved.
    form = open_form(qtbot, screen, "S")
    assert isinstance(form, ExitStepForm)
    assert form.owner.member() == staff
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "step: must not be empty" in form.message.text(), timeout=WAIT)
    assert stored(qtbot, ctx, LtsExitStep, parent_id=episode.id) == []
    type_text(qtbot, "Lunch in the dining room with two staff")
    save(qtbot, screen)
    [step] = stored(qtbot, ctx, LtsExitStep, parent_id=episode.id)
    assert step.achieved is StepAchievement.NOT_YET
    assert step.owner.name == staff.name
    qtbot.waitUntil(lambda: len(_exit(screen).steps) == 1, timeout=WAIT)
    assert screen.exit.steps.index(0, 3).data() == "Not yet"

    # Achieved today, with the evidence: the prompt goes, here and on the board.
    progress = open_form(qtbot, screen, "O")
    assert isinstance(progress, StepProgressForm)
    assert progress.achieved.value() == StepAchievement.ACHIEVED.value
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "evidence: must not be empty" in progress.message.text(), timeout=WAIT)
    type_text(qtbot, "Ate lunch in the dining room on three days running")
    save(qtbot, screen)
    [achieved] = stored(qtbot, ctx, LtsExitStep, parent_id=episode.id)
    assert achieved.achieved is StepAchievement.ACHIEVED
    assert achieved.achieved_on == today(clock.now)
    qtbot.waitUntil(
        lambda: not any(p.kind is LtsPromptKind.NO_EXIT_PROGRESS for p in _exit(screen).prompts),
        timeout=WAIT,
    )
    assert NO_PROGRESS not in screen.exit.prompts.text()

    # A senior intervenor's action, then done.
    action = open_form(qtbot, screen, "B")
    assert isinstance(action, SeniorIntervenorActionForm)
    type_text(qtbot, "Ask the commissioner for a community placement search")
    save(qtbot, screen)
    [asked] = stored(qtbot, ctx, SeniorIntervenorAction, parent_id=episode.id)
    assert asked.due_on == today(clock.now) + timedelta(days=14)
    assert not asked.done
    qtbot.waitUntil(screen.exit.actions_view.isVisible, timeout=WAIT)
    done = open_form(qtbot, screen, "O")
    assert isinstance(done, ActionDoneForm)
    type_text(qtbot, "Search started; two providers asked")
    save(qtbot, screen)
    [finished] = stored(qtbot, ctx, SeniorIntervenorAction, parent_id=episode.id)
    assert finished.done
    assert finished.done_on == today(clock.now)

    # An IC(E)TR recommendation: from the IC(E)TR held in this episode.
    icetr = lts_review(episode, LtsReviewKind.ICETR, clock.now - timedelta(days=2))
    on_worker(qtbot, ctx, lambda store: store.save(icetr))
    screen.load_detail()
    qtbot.waitUntil(lambda: len(_exit(screen).icetrs) == 1, timeout=WAIT)
    recommend = open_form(qtbot, screen, "F")
    assert isinstance(recommend, IcetrRecommendationForm)
    assert recommend.recommendation.hasFocus()
    type_text(qtbot, "Speech and language therapy assessment")
    save(qtbot, screen)
    [recommended] = stored(qtbot, ctx, IcetrRecommendation, parent_id=episode.id)
    assert recommended.icetr_review_id == icetr.id
    assert recommended.agreed_on == today(icetr.held_at)
    assert recommended.owner.name == staff.name

    board = back_to_board(qtbot, window)
    assert NO_PROGRESS not in cell(board, patient, Column.SEGREGATION)
