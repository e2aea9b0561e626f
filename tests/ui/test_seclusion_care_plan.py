"""The seclusion care plan, written and revised by a nurse on the seclusion screen (domain.md
§3 "Seclusion": food, fluids, toilet, hygiene, clothing, bedding, medication, physical health,
steps to end seclusion). Each save is a new revision of the episode; nothing is overwritten,
and the History screen shows what each revision changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import tests.ui.isolation_steps as steps
from app.models.base import STORED
from app.models.seclusion import SeclusionEpisode
from app.ui.context import ScreenContext
from app.ui.history.page import HistoryPage, history_screen
from app.ui.isolation.care_plans import SeclusionCarePlanForm
from app.ui.isolation.screens import seclusion_screen
from app.ui.isolation.seclusion_forms import EndSeclusionForm
from app.ui.isolation.seclusion_page import SeclusionScreen
from tests.ui.isolation_steps import (
    ALT,
    choose_row,
    enter,
    keep,
    keep_screens,
    press,
    running_episode,
)
from tests.ui.screen_steps import read

FOOD = "Finger food on a paper plate; no cutlery"
BEDDING = "Tear-proof mattress and blanket"


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from keep_screens()


def open_screen(qtbot: QtBot, ctx: ScreenContext) -> SeclusionScreen:
    return steps.open_screen(qtbot, ctx, seclusion_screen, SeclusionScreen)


def retype(qtbot: QtBot, form: SeclusionCarePlanForm, section: str, text: str) -> None:
    """Go to a section with its box, select what it says and type over it (or clear it)."""
    box = form.boxes[section]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(box, text)
    else:
        qtbot.keyClick(box, Qt.Key.Key_Delete)


def test_a_nurse_writes_and_revises_the_seclusion_care_plan_and_every_version_is_kept(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    screen = open_screen(qtbot, ctx)
    episode_id = running_episode(screen).episode_id
    choose_row(qtbot, screen, episode_id)
    before = screen.detail.episode.care_plan
    versions = len(screen.detail.versions)
    assert screen.plan_button.isEnabled()
    assert f"{versions} version" in screen.care_plan.text()

    # Alt+T opens the plan as it stands, every section in its own box.
    press(qtbot, screen, Qt.Key.Key_T)
    form = screen.form
    assert isinstance(form, SeclusionCarePlanForm)
    assert form.boxes["food"].toPlainText() == (before.food or "")
    assert form.boxes["food"].hasFocus()
    retype(qtbot, form, "food", FOOD)
    retype(qtbot, form, "bedding", BEDDING)
    qtbot.keyClick(form.boxes["bedding"], Qt.Key.Key_Return)  # a new line, not a save
    assert screen.form is form
    qtbot.keyClicks(form.boxes["bedding"], "Checked every hour")
    enter(qtbot, screen, ctrl=True)
    qtbot.waitUntil(lambda: len(screen.detail.versions) == versions + 1, timeout=10_000)
    plan = screen.detail.episode.care_plan
    assert plan.food == FOOD
    assert plan.bedding == f"{BEDDING}\nChecked every hour"
    assert plan.medication == before.medication  # untouched sections stay as they were
    assert FOOD in screen.care_plan.text()
    assert f"{versions + 1} versions of this episode" in screen.care_plan.text()
    assert "by demo.nurse" in screen.care_plan.text()

    # Revised again: one more version; the first plan is still in the store, as it was.
    press(qtbot, screen, Qt.Key.Key_T)
    again = screen.form
    assert isinstance(again, SeclusionCarePlanForm)
    assert again.boxes["food"].toPlainText() == FOOD
    retype(qtbot, again, "food", "Sandwiches, fruit; plastic cup of water")
    enter(qtbot, screen, ctrl=True)
    qtbot.waitUntil(lambda: len(screen.detail.versions) == versions + 2, timeout=10_000)
    history = read(ctx, lambda r: r.history(episode_id))
    foods = [
        SeclusionEpisode.model_validate_json(r.payload, context=STORED).care_plan.food
        for r in history[-3:]
    ]
    assert foods == [before.food, FOOD, "Sandwiches, fruit; plastic cup of water"]
    assert history[-1].parents == (history[-2].revision_id,)

    # History shows the change of each revision, section by section.
    asked: list[object] = []
    ctx.navigator.history_requested.connect(asked.append)
    qtbot.keyClick(screen, Qt.Key.Key_Y, ALT)
    qtbot.waitUntil(lambda: asked == [episode_id])
    page = keep(history_screen(ctx))
    assert isinstance(page, HistoryPage)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        page.show_history(episode_id)
    lines = page.revisions.rows()
    first = [(c.label, c.old, c.new) for c in lines[-2].changes]
    assert ("Care plan › food", before.food, FOOD) in first
    assert any(c.label == "Care plan › bedding" for c in lines[-2].changes)
    assert [c.label for c in lines[-1].changes] == ["Care plan › food"]


def test_an_unfinished_care_plan_is_kept_across_the_lock_and_the_end_says_what_is_unwritten(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    screen = open_screen(qtbot, ctx)
    episode_id = running_episode(screen).episode_id
    choose_row(qtbot, screen, episode_id)
    press(qtbot, screen, Qt.Key.Key_T)
    form = screen.form
    assert isinstance(form, SeclusionCarePlanForm)
    retype(qtbot, form, "clothing", "Own tracksuit, no cords")
    retype(qtbot, form, "hygiene", "")
    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    assert screen.form is None
    ctx_again = signed_in("demo.nurse")
    unchanged = read(ctx_again, lambda r: r.get(SeclusionEpisode, episode_id))
    assert unchanged is not None
    assert unchanged.care_plan.clothing != "Own tracksuit, no cords"  # a draft, not saved

    later = open_screen(qtbot, ctx_again)
    choose_row(qtbot, later, episode_id)
    assert "Care plan revision (kept" in later.drafts.text()
    press(qtbot, later, Qt.Key.Key_T)
    carried = later.form
    assert isinstance(carried, SeclusionCarePlanForm)
    assert "Carried on from the draft" in carried.intro.text()
    assert carried.boxes["clothing"].toPlainText() == "Own tracksuit, no cords"
    assert carried.boxes["hygiene"].toPlainText() == ""
    enter(qtbot, later, ctrl=True)
    qtbot.waitUntil(
        lambda: later.detail.episode.care_plan.clothing == "Own tracksuit, no cords",
        timeout=10_000,
    )
    assert "<b>Hygiene:</b> <i>not written yet</i>" in later.care_plan.text()
    qtbot.waitUntil(lambda: later.drafts.text() == "", timeout=10_000)  # the draft closed

    # Ending seclusion prompts for what the plan still lacks.
    press(qtbot, later, Qt.Key.Key_E)
    end = later.form
    assert isinstance(end, EndSeclusionForm)
    assert "The care plan has nothing yet for: hygiene." in end.intro.text()


def test_an_account_that_cannot_record_is_not_offered_the_care_plan(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    screen = open_screen(qtbot, signed_in("demo.admin"))
    choose_row(qtbot, screen, running_episode(screen).episode_id)
    assert not screen.plan_button.isEnabled()
    qtbot.keyClick(screen, Qt.Key.Key_T, ALT)
    assert screen.form is None
