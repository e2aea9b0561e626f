"""The long-term segregation screen, driven as a ward manager would: the running LTS with its
clocks and decision record, reviews of each kind turning a clock from due to overdue and
back, the engagement log, the care plan revised (a new version, nothing deleted), starting
with the decision record and ending."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.clock import to_local
from app.models.segregation import EngagementKind, LtsDecision, LtsReviewKind
from app.ui.context import ScreenContext
from app.ui.isolation.care_plans import CarePlanForm
from app.ui.isolation.lts_forms import (
    EngagementForm,
    LtsReviewForm,
    StartLtsForm,
)
from app.ui.isolation.lts_page import SegregationScreen, engagement_columns, review_columns
from app.ui.isolation.screens import (
    IsolationScreen,
    isolation_screen,
    seclusion_screen,
    segregation_screen,
)
from app.ui.isolation.seclusion_page import SeclusionScreen
from app.ui.isolation.tables import RowsModel
from tests.models.isolation_builders import START, lts_engagement, lts_episode, lts_review
from tests.ui.conftest import Clock
from tests.ui.isolation_steps import (
    chip_is_red,
    chip_text,
    choose_row,
    enter,
    keep,
    keep_screens,
    open_screen,
    press,
    repeated_mnemonics,
    running_episode,
    tick_staff,
    type_instant,
    type_into,
    unnamed_controls,
)

AC = "Approved-clinician review"


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from keep_screens()


def open_lts(qtbot: QtBot, ctx: ScreenContext) -> SegregationScreen:
    return open_screen(qtbot, ctx, segregation_screen, SegregationScreen)


def test_the_lts_models_pass_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(START + timedelta(days=2))
    episode = lts_episode()
    reviews = RowsModel(review_columns(), key=lambda r: r.id, now=clock)
    qtmodeltester.check(reviews)
    reviews.set_rows(
        [
            lts_review(episode, LtsReviewKind.MDT, START + timedelta(days=1)),
            lts_review(episode, LtsReviewKind.APPROVED_CLINICIAN, START + timedelta(hours=20)),
        ]
    )
    qtmodeltester.check(reviews)
    assert reviews.index(0, 1).data() == "MDT review"
    engagement = RowsModel(engagement_columns(), key=lambda e: e.id, now=clock)
    engagement.set_rows([lts_engagement(episode, START + timedelta(hours=5))])
    qtmodeltester.check(engagement)
    assert engagement.index(0, 2).data() == "45 min"


def test_lts_with_its_reviews(qtbot: QtBot, signed_in, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    screen = open_lts(qtbot, ctx)
    episode = running_episode(screen)
    assert screen.model.index(0, 2).data().startswith("LTS day ")
    choose_row(qtbot, screen, episode.episode_id)
    for label in (AC, "MDT review", "External review"):
        assert f"{label} due in" in chip_text(screen, label)
        assert not chip_is_red(screen, label)
    assert "Joanne Pike" in screen.decision.text()  # the commissioner's representative
    assert "IMHA told:</b> yes" in screen.decision.text()
    versions = len(screen.detail.versions)

    # An MDT review with the consultant, the IMHA attending, deciding to modify the plan.
    held = screen.reviews.rowCount()
    press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, LtsReviewForm)
    assert review.kind.value() == LtsReviewKind.APPROVED_CLINICIAN.value  # the most urgent
    type_into(qtbot, review.kind, "M")
    assert review.kind.value() == LtsReviewKind.MDT.value
    assert not review.external_name.isEnabled()  # only for an external review
    tick_staff(qtbot, review.attendees, "Eleanor")
    type_into(qtbot, review.imha, "A")  # Attended
    type_into(qtbot, review.decision, "M")  # Modify
    type_into(qtbot, review.rationale, "Fewer incidents; lounge trial to start")
    type_into(qtbot, review.action, "Start the lounge trial")
    type_into(qtbot, review.action_owner, "Nurse in charge")
    enter(qtbot, screen)
    qtbot.waitUntil(lambda: screen.reviews.rowCount() == held + 1, timeout=10_000)
    assert screen.reviews.index(0, 1).data() == "MDT review"
    assert screen.reviews.index(0, 4).data() == LtsDecision.MODIFY.value.capitalize()
    assert "MDT review due in 7 days" in chip_text(screen, "MDT review")
    saved = screen.detail.reviews[0]
    assert saved.imha is not None
    assert saved.imha.attended
    assert saved.actions[0].owner == "Nurse in charge"

    # The engagement log: 45 minutes of activity that has just ended.
    entries = screen.engagement.rowCount()
    press(qtbot, screen, Qt.Key.Key_M)
    engagement = screen.form
    assert isinstance(engagement, EngagementForm)
    type_into(qtbot, engagement.kind, "A")  # Activity
    engagement.minutes.setFocus()
    engagement.minutes.selectAll()
    qtbot.keyClicks(engagement.minutes, "45")
    type_into(qtbot, engagement.notes, "Cooking with the OT")
    enter(qtbot, screen)
    qtbot.waitUntil(lambda: screen.engagement.rowCount() == entries + 1, timeout=10_000)
    # The demo's own entries may end later than this one, so find it rather than take row 0.
    shown = {
        (screen.engagement.index(row, 1).data(), screen.engagement.index(row, 2).data())
        for row in range(screen.engagement.rowCount())
    }
    assert (EngagementKind.ACTIVITY.label, "45 min") in shown
    saved_entry = next(e for e in screen.detail.engagement if e.notes == "Cooking with the OT")
    assert saved_entry.kind is EngagementKind.ACTIVITY

    # The care plan revised: a new version of the episode; the old one stays in its history.
    press(qtbot, screen, Qt.Key.Key_T)
    plan = screen.form
    assert isinstance(plan, CarePlanForm)
    steps = plan.boxes["steps_to_end"]
    steps.setFocus()
    steps.moveCursor(steps.textCursor().MoveOperation.End)
    qtbot.keyClick(steps, Qt.Key.Key_Return)  # a new line, not a save
    qtbot.keyClicks(steps, "Lunch in the dining room with two staff.")
    enter(qtbot, screen, ctrl=True)
    qtbot.waitUntil(lambda: len(screen.detail.versions) == versions + 1, timeout=10_000)
    assert screen.detail.episode.care_plan.steps_to_end.endswith(
        "\nLunch in the dining room with two staff."
    )
    assert f"{versions + 1} versions of this episode" in screen.care_plan.text()

    # The approved-clinician review falls overdue: red, and it says so.
    typed_at = to_local(clock.now).strftime("%d/%m/%Y %H:%M")
    ac_clock = next(c for c in screen.current_row().clocks if c.kind.label == AC)
    assert ac_clock.next_due is not None
    clock.now = ac_clock.next_due + timedelta(minutes=1)
    screen.tick()
    assert "Approved-clinician review OVERDUE by 1 min" in chip_text(screen, AC)
    assert chip_is_red(screen, AC)

    # It was held earlier and is recorded now: typed in at the time it was held.
    press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, LtsReviewForm)
    assert review.kind.value() == LtsReviewKind.APPROVED_CLINICIAN.value
    type_instant(qtbot, review.held_at, typed_at)
    tick_staff(qtbot, review.attendees, "Ruth")  # the approved clinician
    type_into(qtbot, review.rationale, "Settled day; continue")
    enter(qtbot, screen)
    qtbot.waitUntil(lambda: f"{AC} due in" in chip_text(screen, AC), timeout=10_000)
    assert not chip_is_red(screen, AC)


def test_an_external_review_needs_the_clinician_from_another_hospital(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    screen = open_lts(qtbot, signed_in("demo.manager"))
    choose_row(qtbot, screen, running_episode(screen).episode_id)
    press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, LtsReviewForm)
    type_into(qtbot, review.kind, "E")  # External review
    assert review.external_name.isEnabled()
    type_into(qtbot, review.rationale, "Agrees LTS remains necessary")
    qtbot.keyClick(review.rationale, Qt.Key.Key_Return)
    assert "external clinician" in review.message.text()
    type_into(qtbot, review.external_name, "Dr Imran Qureshi")
    type_into(qtbot, review.external_title, "Consultant psychiatrist")
    qtbot.keyClick(review.external_title, Qt.Key.Key_Return)
    assert "external hospital: is required" in review.message.text()
    type_into(qtbot, review.external_hospital, "Hollinsbrook Hospital")
    enter(qtbot, screen)
    qtbot.waitUntil(
        lambda: (
            "External review due in" in chip_text(screen, "External review")
            and screen.reviews.index(0, 1).data() == LtsReviewKind.EXTERNAL.label
        ),
        timeout=10_000,
    )


def test_a_review_deciding_to_end_lts_goes_on_to_its_end(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    screen = open_lts(qtbot, signed_in("demo.manager"))
    episode = running_episode(screen)
    choose_row(qtbot, screen, episode.episode_id)
    press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, LtsReviewForm)
    type_into(qtbot, review.kind, "M")
    tick_staff(qtbot, review.attendees, "Eleanor")
    type_into(qtbot, review.decision, "E")  # End
    type_into(qtbot, review.rationale, "Steps to end met for two weeks")
    with qtbot.waitSignal(screen.record_saved, timeout=10_000):
        qtbot.keyClick(review.rationale, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.form is not None and screen.form is not review)
    end = screen.form
    assert end is not None
    assert end.field("ended_by").member().name == "Dr Eleanor Marsh"
    enter(qtbot, screen)
    qtbot.waitUntil(
        lambda: screen.detail.episode.ended_at is not None and not screen.model.rows()[0].running,
        timeout=10_000,
    )
    assert screen.model.index(0, 2).data().startswith("Ended")
    assert not screen.review_button.isEnabled()
    assert "Ended" in screen.header.text()


def test_starting_lts_records_the_decision(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    screen = open_lts(qtbot, ctx)
    assert screen.episodes is not None
    patient = screen.episodes.patients[0]
    press(qtbot, screen, Qt.Key.Key_N)
    form = screen.form
    assert isinstance(form, StartLtsForm)
    type_into(qtbot, form.authorised_by, "Eleanor")
    assert form.authorised_by.member().name == "Dr Eleanor Marsh"
    tick_staff(qtbot, form.attendees, "Eleanor")
    type_into(qtbot, form.commissioner, "Joanne Pike")
    type_into(qtbot, form.why, "Sustained risk of serious harm to others")
    type_into(qtbot, form.steps, "Seven days without hitting out")
    qtbot.keyClick(form.steps, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "job title" in form.message.text()  # the commissioner's is missing
    type_into(qtbot, form.commissioner_title, "Case manager")
    assert not form.imha_told_at.isEnabled()
    type_into(qtbot, form.imha_told, "Y")
    assert form.imha_told_at.isEnabled()
    enter(qtbot, screen)
    qtbot.waitUntil(
        lambda: (
            screen.detail is not None and screen.detail.episode.patient_id == patient.patient_id
        ),
        timeout=10_000,
    )
    started = screen.detail.episode
    assert started.commissioner.name == "Joanne Pike"
    assert [p.name for p in started.decision_attendees] == [
        "Dr Eleanor Marsh",
        "Grace Adeyemi",
        "Joanne Pike",
    ]
    assert started.imha_told is not None
    assert started.imha_told_at is not None
    assert started.care_plan.steps_to_end == "Seven days without hitting out"
    qtbot.waitUntil(lambda: screen.current_row() is not None, timeout=10_000)
    assert "Approved-clinician review due in 1 day 0 h" in chip_text(screen, AC)
    assert "Joanne Pike (Case manager)" in screen.decision.text()


def test_the_combined_screen_shows_an_episode_of_either_kind(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    screen = keep(isolation_screen(ctx))
    assert isinstance(screen, IsolationScreen)
    qtbot.addWidget(screen)
    with qtbot.waitSignals(
        [screen.seclusion.list_loaded, screen.segregation.list_loaded], timeout=10_000
    ):
        screen.show()
    lts_id = running_episode(screen.segregation).episode_id
    seclusion_id = running_episode(screen.seclusion).episode_id
    with qtbot.waitSignal(screen.segregation.episode_shown, timeout=10_000):
        screen.show_episode(lts_id)
    assert screen.pages.currentWidget() is screen.segregation
    assert screen.segregation.episode_id == lts_id
    assert screen.seclusion.episode_id is None  # not a seclusion: ignored
    with qtbot.waitSignal(screen.seclusion.episode_shown, timeout=10_000):
        screen.show_episode(seclusion_id)
    assert screen.pages.currentWidget() is screen.seclusion
    screen.show_episode(uuid4())  # unknown ids are ignored by both
    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    assert screen.seclusion.model.rowCount() == 0
    assert screen.segregation.model.rowCount() == 0


def test_every_control_of_the_isolation_screens_and_their_forms_has_a_name_and_own_key(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    missing: list[str] = []
    for factory, kind, keys in (
        (seclusion_screen, SeclusionScreen, "ORTE"),
        (segregation_screen, SegregationScreen, "RMTE"),
    ):
        screen = open_screen(qtbot, ctx, factory, kind)
        choose_row(qtbot, screen, running_episode(screen).episode_id)
        for tab in range(screen.logs.count()):
            screen.logs.setCurrentIndex(tab)
            missing += unnamed_controls(screen) + repeated_mnemonics(screen)
        for key in (*keys, "N"):
            press(qtbot, screen, getattr(Qt.Key, f"Key_{key}"))
            missing += [f"Alt+{key}: {m}" for m in unnamed_controls(screen)]
            missing += [f"Alt+{key}: {m}" for m in repeated_mnemonics(screen)]
            qtbot.keyClick(screen.form, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda screen=screen: screen.form is None)
    assert not missing, "\n".join(missing)
