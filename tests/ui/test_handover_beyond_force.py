"""The shift handover screen shows the restrictions beyond force (issue 10 item 4): on the demo
ward, Kirsty's enhanced observation within eyesight with its review due this shift, Nia's
internet restriction and the garden's blanket restriction with their reviews overdue, and
Jordan's LTS no-progress prompt — in force in their own lists, and their reviews due in the
next 12 hours in the list of what is due, with the same countdowns and OVERDUE styling;
Enter on a patient's line opens their restrictions, keyboard only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from app.models.handover_restrictions import BeyondForceKind, RestrictionInForce
from app.models.lts_exit_prompts import LtsPromptKind
from app.ui.context import ScreenContext
from app.ui.handover.page import HandoverPage, handover_screen, item_key
from app.ui.isolation.tables import RowsModel
from app.ui.widgets import OVERDUE_COLOUR
from tests.ui.conftest import Clock
from tests.ui.isolation_steps import keep_screens, open_screen, repeated_mnemonics, unnamed_controls

FOREGROUND = Qt.ItemDataRole.ForegroundRole
ALT = Qt.KeyboardModifier.AltModifier
GARDEN = "Garden open 08:00–20:00 only"


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from keep_screens()


def open_handover(qtbot: QtBot, ctx: ScreenContext) -> HandoverPage:
    return open_screen(qtbot, ctx, handover_screen, HandoverPage)


def texts(model: RowsModel[object], row: int) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def is_red(model: RowsModel[object], row: int, column: int) -> bool:
    brush = model.index(row, column).data(FOREGROUND)
    return brush is not None and brush.color().name() == OVERDUE_COLOUR


def line(page: HandoverPage, kind: BeyondForceKind, words: str) -> RestrictionInForce:
    """The line in force of ``kind`` whose patient or what holds ``words``."""
    return next(
        r
        for r in page.beyond.rows()
        if r.kind is kind and (words in r.patient_name or words in r.what)
    )


def kirsty(page: HandoverPage) -> RestrictionInForce:
    return line(page, BeyondForceKind.ENHANCED_OBSERVATION, "Kirsty")


def nias_internet(page: HandoverPage) -> RestrictionInForce:
    nia = line(page, BeyondForceKind.INDIVIDUAL_RESTRICTION, "Nia")
    assert nia.what.startswith("Internet:"), nia.what
    return nia


def garden(page: HandoverPage) -> RestrictionInForce:
    return line(page, BeyondForceKind.BLANKET_RESTRICTION, GARDEN)


def test_the_demo_wards_restrictions_beyond_force_are_on_the_handover_screen(  # type: ignore[no-untyped-def]
    qtbot: QtBot, signed_in, clock: Clock
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_handover(qtbot, ctx)
    assert not unnamed_controls(page)
    assert not repeated_mnemonics(page)
    assert (
        "Beyond force: 1 on enhanced observation · 4 individual restrictions · "
        "3 blanket restrictions in force · 1 LTS prompt." in page.summary.text()
    )

    # In force: Kirsty within eyesight since when, her review due in about 10 hours.
    beyond = page.beyond
    observation = kirsty(page)
    row = beyond.row_of(observation.record_id)
    assert row is not None
    patient, kind, what, since, _why, review = texts(beyond, row)
    assert "Kirsty" in patient
    assert kind == "Enhanced observation"
    assert what.startswith("Within eyesight")
    assert ", since " in since
    assert review.startswith("Enhanced observation review: due in")
    assert observation.due_at is not None
    assert timedelta(hours=9) < observation.due_at - clock.now < timedelta(hours=11)
    assert not is_red(beyond, row, 5)

    # Nia's internet restriction and the garden's blanket restriction: OVERDUE, in red.
    for overdue in (nias_internet(page), garden(page)):
        row = beyond.row_of(overdue.record_id)
        assert row is not None
        assert "OVERDUE by" in texts(beyond, row)[5]
        assert is_red(beyond, row, 5)
    row = beyond.row_of(garden(page).record_id)
    assert row is not None
    assert texts(beyond, row)[:3] == ["Whole ward", "Blanket restriction", GARDEN]
    kinds = [r.kind for r in beyond.rows()]
    assert kinds.count(BeyondForceKind.INDIVIDUAL_RESTRICTION) == 4
    assert kinds.count(BeyondForceKind.BLANKET_RESTRICTION) == 3

    # Jordan's LTS prompt.
    assert page.prompts.rowCount() == 1
    prompt = page.prompts.rows()[0]
    assert prompt.prompt.kind is LtsPromptKind.NO_EXIT_PROGRESS
    patient, label, meaning, _counted = texts(page.prompts, 0)
    assert "Jordan" in patient
    assert label == "No progress towards ending segregation"
    assert meaning

    # Due in the next 12 hours: Kirsty's review with the episodes' reviews and the incident
    # records, the overdue ones first; the reviews due later are not handed over.
    due = page.items
    rows = due.rows()
    overdue = [r.overdue_at(clock.now) for r in rows]
    assert overdue == sorted(overdue, reverse=True)
    keys = [item_key(r) for r in rows]
    for restriction in (observation, nias_internet(page), garden(page)):
        assert item_key(restriction) in keys
    phone = line(page, BeyondForceKind.INDIVIDUAL_RESTRICTION, "Phone:")
    assert phone.record_id not in {k[0] for k in keys}  # due tomorrow: not this shift
    for restriction, about in (
        (nias_internet(page), "Individual restriction"),
        (garden(page), "Blanket restriction"),
    ):
        row = due.row_of(item_key(restriction))
        assert row is not None
        assert due.index(row, 0).data().startswith("OVERDUE by")
        assert is_red(due, row, 0)
        assert due.index(row, 3).data() == about
    row = due.row_of(item_key(observation))
    assert row is not None
    when, what, patient, about, detail = texts(due, row)
    assert when.startswith(("due in 9 h", "due in 10 h")), when
    assert what == "Enhanced observation review"
    assert "Kirsty" in patient
    assert about == "Enhanced observation"
    assert detail.startswith("Within eyesight")
    assert not is_red(due, row, 0)
    assert "Nursing review" in [r.label for r in rows if not isinstance(r, RestrictionInForce)]

    # Kirsty's review falls due as time passes: OVERDUE in words and red, in both lists.
    assert observation.due_at is not None
    clock.now = observation.due_at + timedelta(minutes=1)
    page.tick()
    assert due.index(row, 0).data() == "OVERDUE by 1 min"
    assert is_red(due, row, 0)
    in_force = beyond.row_of(observation.record_id)
    assert in_force is not None
    assert texts(beyond, in_force)[5] == "Enhanced observation review: OVERDUE by 1 min"
    assert is_red(beyond, in_force, 5)


def _go_to(qtbot: QtBot, view: QTableView, row: int) -> None:
    """From the first line of the focused list, Down to ``row``."""
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(row):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == row


def test_the_lines_beyond_force_open_by_keyboard_and_locking_forgets_them(  # type: ignore[no-untyped-def]
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_handover(qtbot, ctx)
    navigator = ctx.navigator

    # Alt+B: the restrictions in force; Enter on Kirsty's line opens her restrictions.
    qtbot.keyClick(page, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.beyond_view)
    observation = kirsty(page)
    row = page.beyond.row_of(observation.record_id)
    assert row is not None
    _go_to(qtbot, page.beyond_view, row)
    with qtbot.waitSignal(navigator.restrictions_requested) as opened:
        qtbot.keyClick(page.beyond_view, Qt.Key.Key_Return)
    assert opened.args == [observation.patient_id]

    # A blanket restriction is the ward's, not a patient's: Enter opens nothing.
    row = page.beyond.row_of(garden(page).record_id)
    assert row is not None
    _go_to(qtbot, page.beyond_view, row)
    with (
        qtbot.assertNotEmitted(navigator.restrictions_requested),
        qtbot.assertNotEmitted(navigator.episode_requested),
    ):
        qtbot.keyClick(page.beyond_view, Qt.Key.Key_Return)

    # Alt+L: the LTS prompts; Enter opens Jordan's LTS episode (its steps to end LTS).
    qtbot.keyClick(page, Qt.Key.Key_L, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.prompts_view)
    _go_to(qtbot, page.prompts_view, 0)
    with qtbot.waitSignal(navigator.episode_requested) as episode:
        qtbot.keyClick(page.prompts_view, Qt.Key.Key_Return)
    assert episode.args == [page.prompts.rows()[0].prompt.episode_id]

    # Alt+O: what is due; Enter on Nia's overdue internet review opens her restrictions, on
    # the garden's opens nothing.
    qtbot.keyClick(page, Qt.Key.Key_O, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.items_view)
    nia = nias_internet(page)
    row = page.items.row_of(item_key(nia))
    assert row is not None
    _go_to(qtbot, page.items_view, row)
    with qtbot.waitSignal(navigator.restrictions_requested) as opened:
        qtbot.keyClick(page.items_view, Qt.Key.Key_Return)
    assert opened.args == [nia.patient_id]
    row = page.items.row_of(item_key(garden(page)))
    assert row is not None
    _go_to(qtbot, page.items_view, row)
    with (
        qtbot.assertNotEmitted(navigator.restrictions_requested),
        qtbot.assertNotEmitted(navigator.episode_requested),
        qtbot.assertNotEmitted(navigator.incident_requested),
    ):
        qtbot.keyClick(page.items_view, Qt.Key.Key_Return)

    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    assert page.beyond.rowCount() == 0
    assert page.prompts.rowCount() == 0
    assert page.items.rowCount() == 0
