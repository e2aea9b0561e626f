"""Every isolation form keeps what was typed when the window locks, and gives it back: the
nurse types into each kind of field of the form (text, several lines, a choice, a tick, a
person from the list, a date and time, a date, a number), the window locks, she signs in again,
opens the same form and finds every field as she left it (issue 6, item 9: "never lose a
word")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

import tests.ui.isolation_steps as steps
from app.models.clock import to_local
from app.ui.context import ScreenContext
from app.ui.isolation.episode_page import EpisodePage
from app.ui.isolation.form import FormPanel
from app.ui.isolation.lts_page import SegregationScreen
from app.ui.isolation.screens import seclusion_screen, segregation_screen
from app.ui.isolation.seclusion_page import SeclusionScreen
from tests.ui.conftest import Clock
from tests.ui.isolation_steps import (
    choose_row,
    keep_screens,
    press,
    running_episode,
    tick_staff,
    type_instant,
    type_into,
)

Fill = Callable[[QtBot, FormPanel, str], None]


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from keep_screens()


def _replace(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select what the field holds and type over it."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def _observation(qtbot: QtBot, form: FormPanel, earlier: str) -> None:
    type_instant(qtbot, form.field("observed_at"), earlier)
    _replace(qtbot, form.field("behaviour"), "Pacing, shouting at the door")
    _replace(qtbot, form.field("breathing"), "Fast, 24 a minute")
    qtbot.keyClick(form.field("fluid_offered"), Qt.Key.Key_Space)


def _seclusion_review(qtbot: QtBot, form: FormPanel, earlier: str) -> None:
    type_into(qtbot, form.field("kind"), "Me")  # Medical review
    type_instant(qtbot, form.field("held_at"), earlier)
    tick_staff(qtbot, form.field("attendees"), "Sami")
    type_into(qtbot, form.field("decision"), "E")  # End seclusion
    type_into(qtbot, form.field("notes"), "Calmer; agreed to talk")


def _end_seclusion(qtbot: QtBot, form: FormPanel, earlier: str) -> None:
    type_instant(qtbot, form.field("ended_at"), earlier)
    type_into(qtbot, form.field("ended_by"), "Sami")
    type_into(qtbot, form.field("debrief_offered"), "N")  # No
    type_into(qtbot, form.field("debrief_held"), "N")  # No


def _seclusion_care_plan(qtbot: QtBot, form: FormPanel, _earlier: str) -> None:
    type_into(qtbot, form.field("food"), "Finger food on a paper plate")
    type_into(qtbot, form.field("steps_to_end_seclusion"), "Two calm observations in a row")


def _start_lts(qtbot: QtBot, form: FormPanel, earlier: str) -> None:
    type_instant(qtbot, form.field("started_at"), earlier)
    type_into(qtbot, form.field("authorised_by"), "Eleanor")
    tick_staff(qtbot, form.field("attendees"), "Eleanor")
    type_into(qtbot, form.field("commissioner"), "Joanne Pike")
    type_into(qtbot, form.field("commissioner_title"), "Case manager")
    type_into(qtbot, form.field("imha_told"), "Y")
    type_instant(qtbot, form.field("imha_told_at"), earlier)
    type_into(qtbot, form.field("why_needed"), "Sustained risk of serious harm")
    type_into(qtbot, form.field("steps_to_end"), "Seven days without hitting out")


def _lts_review(qtbot: QtBot, form: FormPanel, earlier: str) -> None:
    type_into(qtbot, form.field("kind"), "M")  # MDT review
    type_instant(qtbot, form.field("held_at"), earlier)
    tick_staff(qtbot, form.field("attendees"), "Eleanor")
    type_into(qtbot, form.field("patient_present"), "Y")
    type_into(qtbot, form.field("patient_views"), "Wants to eat with others")
    type_into(qtbot, form.field("imha"), "A")  # Attended
    type_into(qtbot, form.field("decision"), "M")  # Modify
    type_into(qtbot, form.field("rationale"), "Fewer incidents")
    type_into(qtbot, form.field("action"), "Start the lounge trial")
    type_into(qtbot, form.field("action_owner"), "Nurse in charge")
    due = form.field("action_due")
    due.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(due, (to_local(form.ctx.now()) + timedelta(days=9)).strftime("%d/%m/%Y"))


def _engagement(qtbot: QtBot, form: FormPanel, earlier: str) -> None:
    type_into(qtbot, form.field("kind"), "F")  # Family contact
    _replace(qtbot, form.field("minutes"), "50")
    type_instant(qtbot, form.field("ended_at"), earlier)
    type_into(qtbot, form.field("notes"), "Phone call with her sister")


def _lts_care_plan(qtbot: QtBot, form: FormPanel, _earlier: str) -> None:
    type_into(qtbot, form.field("fresh_air"), "Garden twice a day with two staff")


def _end_lts(qtbot: QtBot, form: FormPanel, earlier: str) -> None:
    type_instant(qtbot, form.field("ended_at"), earlier)
    type_into(qtbot, form.field("ended_by"), "Eleanor")


SECLUSION = (seclusion_screen, SeclusionScreen)
LTS = (segregation_screen, SegregationScreen)

FORMS = [
    pytest.param((SECLUSION, Qt.Key.Key_O, _observation), id="seclusion observation"),
    pytest.param((SECLUSION, Qt.Key.Key_R, _seclusion_review), id="seclusion review"),
    pytest.param((SECLUSION, Qt.Key.Key_E, _end_seclusion), id="end seclusion"),
    pytest.param((SECLUSION, Qt.Key.Key_T, _seclusion_care_plan), id="seclusion care plan"),
    pytest.param((LTS, Qt.Key.Key_N, _start_lts), id="LTS decision"),
    pytest.param((LTS, Qt.Key.Key_R, _lts_review), id="LTS review"),
    pytest.param((LTS, Qt.Key.Key_M, _engagement), id="LTS engagement"),
    pytest.param((LTS, Qt.Key.Key_T, _lts_care_plan), id="LTS care plan"),
    pytest.param((LTS, Qt.Key.Key_E, _end_lts), id="end LTS"),
]


def shown(form: FormPanel) -> dict[str, str]:
    """What each field of the form shows on screen, as the nurse reads it."""
    seen = {}
    for key in form.values():
        widget = form.field(key)
        if isinstance(widget, QLineEdit):
            seen[key] = widget.text()
        elif isinstance(widget, QPlainTextEdit):
            seen[key] = widget.toPlainText()
        elif isinstance(widget, QComboBox):
            seen[key] = widget.currentText()
        elif isinstance(widget, QAbstractButton):
            seen[key] = "ticked" if widget.isChecked() else "not ticked"
        elif isinstance(widget, QAbstractSpinBox):
            seen[key] = widget.text()
        elif isinstance(widget, QListView):
            model = widget.model()
            rows = [model.index(n, 0) for n in range(model.rowCount())]
            checked = Qt.ItemDataRole.CheckStateRole
            seen[key] = "; ".join(str(i.data()) for i in rows if i.data(checked) == 2)
        else:
            raise TypeError(f"{key}: a kind of field this test does not read")
    return seen


def _open_form(
    qtbot: QtBot, ctx: ScreenContext, screen_kind: tuple[object, type], key: Qt.Key
) -> tuple[EpisodePage, FormPanel]:
    factory, kind = screen_kind
    screen = steps.open_screen(qtbot, ctx, factory, kind)  # type: ignore[arg-type]
    if key != Qt.Key.Key_N:
        choose_row(qtbot, screen, running_episode(screen).episode_id)
    press(qtbot, screen, key)
    assert screen.form is not None
    return screen, screen.form


@pytest.mark.parametrize("case", FORMS)
def test_each_isolation_form_keeps_what_was_typed_across_the_lock(
    qtbot: QtBot, signed_in, clock: Clock, case: tuple[tuple[object, type], Qt.Key, Fill]
) -> None:  # type: ignore[no-untyped-def]
    screen_kind, key, fill = case
    ctx = signed_in("demo.manager")
    screen, form = _open_form(qtbot, ctx, screen_kind, key)
    untouched = shown(form)
    fill(qtbot, form, to_local(clock.now - timedelta(minutes=20)).strftime("%d/%m/%Y %H:%M"))
    typed = shown(form)
    changed = {k for k in typed if typed[k] != untouched[k]}
    assert changed, "the test typed nothing"
    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    assert screen.form is None

    clock.advance(minutes=3)  # she signs in again a little later
    _again, carried = _open_form(qtbot, signed_in("demo.manager"), screen_kind, key)
    assert "Carried on from the draft" in carried.intro.text()
    back = shown(carried)
    lost = {k: (typed[k], back[k]) for k in typed if back[k] != typed[k]}
    assert lost == {}, f"fields not given back after the lock: {lost}"
