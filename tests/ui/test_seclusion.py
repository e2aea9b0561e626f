"""The seclusion screen, driven as a nurse would: the list with its clocks, one-keystroke
observations, reviews turning a clock from due to overdue and back, starting and ending, and
an unfinished review kept as a draft across the lock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import tests.ui.isolation_steps as steps
from app.models.clock import to_local
from app.models.review_clocks import ClockKind, ClockState, ReviewClock
from app.models.seclusion import SeclusionEpisode, SeclusionReviewKind
from app.ui.context import ScreenContext
from app.ui.isolation.fields import StaffChecklistModel
from app.ui.isolation.loading import EpisodeRow
from app.ui.isolation.screens import seclusion_screen
from app.ui.isolation.seclusion_forms import ObservationForm, SeclusionReviewForm
from app.ui.isolation.seclusion_page import (
    SeclusionScreen,
    episode_columns,
    observation_columns,
    review_columns,
)
from app.ui.isolation.tables import RowsModel
from tests.models.builders import DOCTOR, NURSE, SUPPORT_WORKER
from tests.models.isolation_builders import (
    START,
    seclusion_episode,
    seclusion_observation,
    seclusion_review,
)
from tests.ui.conftest import Clock
from tests.ui.isolation_steps import (
    ALT,
    chip_is_red,
    chip_text,
    choose_row,
    enter,
    keep_screens,
    press,
    running_episode,
    tick_staff,
    type_instant,
)


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from keep_screens()


def open_screen(qtbot: QtBot, ctx: ScreenContext) -> SeclusionScreen:
    return steps.open_screen(qtbot, ctx, seclusion_screen, SeclusionScreen)


# -- models ------------------------------------------------------------------------------------


def test_the_screen_models_pass_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(START + timedelta(hours=3))
    episode = seclusion_episode()
    nursing = ReviewClock(
        kind=ClockKind.SECLUSION_NURSING,
        state=ClockState.DUE,
        basis="every 2 hours",
        next_due=clock.now + timedelta(minutes=5),
    )
    row = EpisodeRow(
        episode_id=episode.id,
        kind="seclusion",
        patient_id=episode.patient_id,
        patient_name="Testpatient, Alex",
        started_at=episode.started_at,
        ended_at=None,
        clocks=(nursing,),
        most_urgent=nursing,
    )
    ended = EpisodeRow(
        episode_id=uuid4(),
        kind="seclusion",
        patient_id=uuid4(),
        patient_name="Quiet, Sam",
        started_at=START - timedelta(days=1),
        ended_at=START - timedelta(hours=20),
    )
    episodes: RowsModel[EpisodeRow] = RowsModel(
        episode_columns("In seclusion"), key=lambda r: r.episode_id, now=clock
    )
    qtmodeltester.check(episodes)
    episodes.set_rows([row, ended])
    qtmodeltester.check(episodes)
    clock.advance(minutes=6)
    episodes.tick()
    assert "OVERDUE" in episodes.index(0, 3).data()
    qtmodeltester.check(episodes)
    episodes.set_rows([ended])
    qtmodeltester.check(episodes)
    observations = RowsModel(observation_columns(), key=lambda o: o.id, now=clock)
    observations.set_rows([seclusion_observation(episode, START + timedelta(minutes=10))])
    qtmodeltester.check(observations)
    reviews = RowsModel(review_columns(), key=lambda r: r.id, now=clock)
    reviews.set_rows(
        [seclusion_review(episode, SeclusionReviewKind.NURSING, START + timedelta(hours=1))]
    )
    qtmodeltester.check(reviews)
    staff = StaffChecklistModel([NURSE, SUPPORT_WORKER, DOCTOR])
    qtmodeltester.check(staff)
    staff.setData(staff.index(1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert staff.ticked() == (SUPPORT_WORKER,)
    qtmodeltester.check(staff)


# -- the demo's running seclusion ----------------------------------------------------------------


def test_one_keystroke_and_enter_records_an_observation(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    screen = open_screen(qtbot, ctx)
    episode = running_episode(screen)
    choose_row(qtbot, screen, episode.episode_id)
    assert "Observation OVERDUE by" in chip_text(screen, "Observation")  # the demo is 2 min late
    assert chip_is_red(screen, "Observation")
    logged = screen.observations.rowCount()

    press(qtbot, screen, Qt.Key.Key_O)
    form = screen.form
    assert isinstance(form, ObservationForm)
    assert form.behaviour.text()  # carried forward from the last entry
    assert form.behaviour.hasFocus()
    assert form.observer.member() == ctx.facts.staff
    enter(qtbot, screen)

    qtbot.waitUntil(lambda: screen.observations.rowCount() == logged + 1, timeout=10_000)
    assert "Observation due in 1" in chip_text(screen, "Observation")  # 15 min from now
    assert not chip_is_red(screen, "Observation")
    assert screen.observations.index(0, 1).data() == ctx.facts.staff.name


def test_a_refused_review_says_why_and_saves_nothing(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    screen = open_screen(qtbot, signed_in("demo.nurse"))
    choose_row(qtbot, screen, running_episode(screen).episode_id)
    reviews = screen.reviews.rowCount()
    press(qtbot, screen, Qt.Key.Key_R)
    form = screen.form
    assert isinstance(form, SeclusionReviewForm)
    form.kind.setFocus()
    qtbot.keyClicks(form.kind, "N")  # Nursing review
    assert form.kind.value() == SeclusionReviewKind.NURSING.value
    qtbot.keyClick(form.kind, Qt.Key.Key_Return)  # only the nurse signed in is ticked
    assert "two members of staff, one of them a registered nurse" in form.message.text()
    assert screen.form is form
    qtbot.keyClick(form.kind, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.form is None)
    assert screen.stack.currentWidget() is screen.overview
    assert screen.reviews.rowCount() == reviews


# -- the required scenario: due → OVERDUE → due ---------------------------------------------


def test_seclusion_with_observations_and_reviews_turns_a_chip_from_due_to_overdue_and_back(
    qtbot: QtBot, signed_in, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    screen = open_screen(qtbot, ctx)
    assert screen.episodes is not None
    patient = screen.episodes.patients[0]

    # Start seclusion, typed in as having begun 1 h 58 min ago.
    press(qtbot, screen, Qt.Key.Key_N)
    form = screen.form
    assert form is not None
    assert form.field("patient").currentText() == patient.name
    started = clock.now - timedelta(hours=1, minutes=58)
    type_instant(qtbot, form.field("started_at"), to_local(started).strftime("%d/%m/%Y %H:%M"))
    enter(qtbot, screen)
    qtbot.waitUntil(
        lambda: (
            screen.detail is not None and screen.detail.episode.patient_id == patient.patient_id
        ),
        timeout=10_000,
    )
    new = screen.detail.episode
    assert isinstance(new, SeclusionEpisode)
    assert new.patient_id == patient.patient_id
    assert new.authorised_by.name == ctx.facts.staff.name
    assert to_local(new.started_at).strftime("%H:%M") == to_local(started).strftime("%H:%M")
    qtbot.waitUntil(lambda: screen.current_row() is not None)
    nursing = "Nursing review"
    assert "Nursing review due in 1 min" in chip_text(screen, nursing)
    assert not chip_is_red(screen, nursing)
    assert "Medical review OVERDUE" in chip_text(screen, "Medical review")  # 1 h passed

    # First observation: nothing to carry forward, so the form says what is missing.
    press(qtbot, screen, Qt.Key.Key_O)
    observation = screen.form
    assert isinstance(observation, ObservationForm)
    assert observation.behaviour.text() == ""
    qtbot.keyClick(observation.behaviour, Qt.Key.Key_Return)
    assert "behaviour" in observation.message.text()
    for box, words in (
        (observation.behaviour, "Pacing, shouting at the door"),
        (observation.mental_state, "Agitated"),
        (observation.physical_state, "No injuries seen"),
        (observation.breathing, "Regular"),
    ):
        qtbot.keyClicks(box, words)
    qtbot.keyClick(observation.fluid, Qt.Key.Key_Space)
    enter(qtbot, screen)
    qtbot.waitUntil(lambda: screen.observations.rowCount() == 1, timeout=10_000)
    assert screen.observations.index(0, 6).data() == "fluid"

    # Three minutes on, the nursing review is overdue: red, and it says so.
    clock.advance(minutes=3)
    screen.tick()
    assert "Nursing review OVERDUE by 1 min" in chip_text(screen, nursing)
    assert chip_is_red(screen, nursing)
    assert "OVERDUE" in screen.model.index(screen.model.row_of(new.id), 3).data()

    # The nursing review, with a support worker ticked beside the nurse.
    press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, SeclusionReviewForm)
    review.kind.setFocus()
    qtbot.keyClicks(review.kind, "N")
    tick_staff(qtbot, review.attendees, "Dev")
    assert [m.name for m in review.attendees.people.ticked()] == ["Dev Chauhan", "Priya Nair"]
    qtbot.keyClicks(review.notes, "Settling; plan reviewed")
    enter(qtbot, screen)
    qtbot.waitUntil(
        lambda: "Nursing review due in 2 h" in chip_text(screen, nursing), timeout=10_000
    )
    assert not chip_is_red(screen, nursing)
    qtbot.waitUntil(lambda: screen.reviews.rowCount() == 1, timeout=10_000)
    assert screen.reviews.index(0, 1).data() == "Nursing review"
    assert "Dev Chauhan (Healthcare support worker)" in screen.reviews.index(0, 2).data()


def test_a_review_deciding_to_end_goes_on_to_the_end_with_the_debrief(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    screen = open_screen(qtbot, ctx)
    episode = running_episode(screen)
    choose_row(qtbot, screen, episode.episode_id)
    press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, SeclusionReviewForm)
    review.kind.setFocus()
    qtbot.keyClicks(review.kind, "M")  # Medical review
    tick_staff(qtbot, review.attendees, "Sami")
    review.decision.setFocus()
    qtbot.keyClicks(review.decision, "E")  # End seclusion
    with qtbot.waitSignal(screen.record_saved, timeout=10_000):
        qtbot.keyClick(review.decision, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.form is not None and screen.form is not review)
    end = screen.form
    assert end is not None
    assert end.field("ended_by").member().name == "Dr Sami Haddad"  # ticked first in the list
    end.field("debrief_held").setFocus()
    qtbot.keyClicks(end.field("debrief_held"), "Y")
    enter(qtbot, screen)
    qtbot.waitUntil(
        lambda: screen.detail is not None and screen.detail.episode.ended_at is not None,
        timeout=10_000,
    )
    ended = screen.detail.episode
    assert ended.ended_by.name == "Dr Sami Haddad"
    assert ended.debrief_offered.value == "yes"
    assert ended.debrief_held.value == "yes"
    qtbot.waitUntil(lambda: not screen.model.rows()[0].running, timeout=10_000)
    assert screen.model.index(0, 2).data().startswith("Ended")
    assert "No clocks" in screen.chips.empty.text()
    assert not screen.observe_button.isEnabled()
    assert not screen.end_button.isEnabled()


def test_an_unfinished_review_is_kept_as_a_draft_when_the_window_locks(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    screen = open_screen(qtbot, ctx)
    episode_id = running_episode(screen).episode_id
    choose_row(qtbot, screen, episode_id)
    press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, SeclusionReviewForm)
    qtbot.keyClicks(review.notes, "Half written")
    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    assert screen.form is None  # nothing typed stays on screen
    assert screen.model.rowCount() == 0

    again = open_screen(qtbot, signed_in("demo.nurse"))
    choose_row(qtbot, again, episode_id)
    assert "Seclusion review (kept" in again.drafts.text()
    press(qtbot, again, Qt.Key.Key_R)
    carried = again.form
    assert isinstance(carried, SeclusionReviewForm)
    assert carried.notes.text() == "Half written"
    assert "Carried on from the draft" in carried.intro.text()
    qtbot.keyClick(carried.notes, Qt.Key.Key_Escape)  # discarded: the draft is closed
    qtbot.waitUntil(lambda: again.form is None)
    with qtbot.waitSignal(again.detail_loaded, timeout=10_000):
        again.reload()
    assert again.drafts.text() == ""


def test_show_episode_ignores_other_kinds_and_an_account_that_cannot_record_sees_only(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    screen = open_screen(qtbot, ctx)
    assert not screen.new_button.isEnabled()
    episode_id = running_episode(screen).episode_id
    shown: list[object] = []
    screen.episode_shown.connect(shown.append)
    screen.show_episode(uuid4())  # no such record
    screen.show_episode(ctx.ward_id)  # a record of another kind
    with qtbot.waitSignal(screen.detail_loaded, timeout=10_000):
        screen.show_episode(episode_id)
    assert shown == [episode_id]
    assert screen.list_view.currentIndex().row() == screen.model.row_of(episode_id)
    assert not screen.observe_button.isEnabled()
    qtbot.keyClick(screen, Qt.Key.Key_O, ALT)
    assert screen.form is None


def test_an_unfinished_start_comes_back_after_the_lock_and_closes_when_saved(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    screen = open_screen(qtbot, ctx)
    assert not screen.start_draft.isVisible()
    press(qtbot, screen, Qt.Key.Key_N)
    start = screen.form
    assert start is not None
    patient = start.field("patient").currentText()
    qtbot.keyClicks(start.field("reason_narrative"), "Hit a fellow patient in the lounge")
    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()

    again = open_screen(qtbot, signed_in("demo.nurse"))
    assert again.start_draft.isVisible()
    assert "New seclusion carries on with it" in again.start_draft.text()
    press(qtbot, again, Qt.Key.Key_N)
    carried = again.form
    assert carried is not None
    assert carried.field("patient").currentText() == patient
    assert carried.field("reason_narrative").text() == "Hit a fellow patient in the lounge"
    enter(qtbot, again)
    qtbot.waitUntil(
        lambda: (
            again.detail is not None
            and again.detail.episode.reason_narrative == "Hit a fellow patient in the lounge"
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not again.start_draft.isVisible(), timeout=10_000)
    with qtbot.waitSignal(again.list_loaded, timeout=10_000):
        again.reload()
    assert again.episodes is not None
    assert again.episodes.start_drafts == ()  # closed when the record was saved
