"""The shift handover screen: every active restriction and everything due in the next 12
hours, overdue first, ticking from due to OVERDUE, refreshed when a record is saved, and each
line opening its record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from app.models.handover import Handover, HandoverItem, HandoverItemKind, handover_from_board
from app.models.review_clocks import ClockKind, ClockState, ReviewClock
from app.models.ward_board import EpisodeOnBoard, IncidentOnBoard, WardBoard
from app.ui.context import ScreenContext
from app.ui.handover.page import HandoverPage, handover_screen, item_columns, restriction_columns
from app.ui.isolation.screens import seclusion_screen
from app.ui.isolation.seclusion_page import SeclusionScreen
from app.ui.isolation.tables import RowsModel
from app.ui.widgets import OVERDUE_COLOUR
from tests.ui.conftest import Clock
from tests.ui.isolation_steps import (
    choose_row,
    enter,
    keep_screens,
    open_screen,
    press,
    running_episode,
    unnamed_controls,
)

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
FOREGROUND = Qt.ItemDataRole.ForegroundRole


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from keep_screens()


def open_handover(qtbot: QtBot, ctx: ScreenContext) -> HandoverPage:
    return open_screen(qtbot, ctx, handover_screen, HandoverPage)


def _handover(due_in: timedelta) -> Handover:
    clock = ReviewClock(
        kind=ClockKind.SECLUSION_NURSING,
        state=ClockState.DUE,
        basis="every 2 hours",
        next_due=T0 + due_in,
    )
    episode = EpisodeOnBoard(
        episode_id=uuid4(),
        kind="seclusion",
        patient_id=uuid4(),
        patient_name="Testpatient, Alex",
        started_at=T0 - timedelta(hours=1),
        clocks=(clock,),
        most_urgent=clock,
    )
    draft = IncidentOnBoard(
        incident_id=uuid4(),
        patient_id=uuid4(),
        patient_name="Quiet, Sam",
        started_at=T0 - timedelta(hours=30),
        status="draft",
        missing=("m",),
    )
    board = WardBoard(
        ward_id=uuid4(),
        at=T0,
        seclusions=(episode,),
        segregations=(),
        drafts=(draft,),
        awaiting_sign_off=(),
        incidents_last_24h=0,
        incidents_last_7d=0,
        conflicted=0,
    )
    return handover_from_board(board)


def test_the_handover_models_pass_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(T0)
    items = RowsModel(item_columns(), key=lambda i: (i.record_id, i.label), now=clock)
    restrictions = RowsModel(restriction_columns(), key=lambda r: r.episode.episode_id, now=clock)
    for model in (items, restrictions):
        qtmodeltester.check(model)
    handover = _handover(timedelta(minutes=1))
    items.set_rows(handover.items)
    restrictions.set_rows(handover.restrictions)
    assert items.index(0, 0).data() == "OVERDUE by 6 h 00 min"  # the draft's 24 hours
    assert items.index(0, 4).data() == "statutory items still missing: m"
    assert items.index(1, 0).data().startswith("due in 1 min")
    assert items.index(1, 0).data(FOREGROUND) is None
    clock.advance(minutes=1, seconds=1)
    items.tick()
    restrictions.tick()
    assert items.index(1, 0).data() == "OVERDUE by 0 min"
    assert items.index(1, 0).data(FOREGROUND) is not None
    assert restrictions.index(0, 3).data(FOREGROUND) is not None
    for model in (items, restrictions):
        qtmodeltester.check(model)
    items.set_rows(_handover(timedelta(hours=2)).items)  # other records: a reset
    qtmodeltester.check(items)


def test_the_handover_of_the_demo_ward(qtbot: QtBot, signed_in, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_handover(qtbot, ctx)
    handover = page.handover
    assert handover is not None
    assert [r.episode.kind for r in handover.restrictions] == ["seclusion", "segregation"]
    assert page.restrictions.index(0, 1).data() == "Seclusion"
    assert page.restrictions.index(0, 3).data(FOREGROUND) is not None  # the demo is late
    assert "1 in seclusion · 1 in long-term segregation" in page.summary.text()
    assert not unnamed_controls(page)

    # Overdue first: the demo's observation is two minutes late.
    first = page.items.index(0, 0)
    assert first.data().startswith("OVERDUE by")
    assert first.data(FOREGROUND) is not None
    whats = [page.items.index(n, 1).data() for n in range(page.items.rowCount())]
    overdue = [page.items.rows()[n].overdue_at(clock.now) for n in range(len(whats))]
    assert overdue == sorted(overdue, reverse=True)
    assert "Observation" in whats
    assert "Approved-clinician review" in whats  # due within hours
    assert "External review" not in whats  # due in weeks
    assert "Incident record to complete" in whats
    assert "Incident record to sign off" in whats

    # The nursing review falls due as time passes: the line turns OVERDUE, in words and red.
    nursing = next(i for i in handover.items if i.label == "Nursing review")
    assert nursing.due_at is not None
    row = page.items.row_of((nursing.record_id, nursing.label))
    assert row is not None
    assert page.items.index(row, 0).data().startswith("due in")
    clock.now = nursing.due_at + timedelta(minutes=1)
    page.tick()
    assert page.items.index(row, 0).data() == "OVERDUE by 1 min"
    assert page.items.index(row, 0).data(FOREGROUND).color().name() == OVERDUE_COLOUR


def test_saving_an_observation_elsewhere_refreshes_the_handover(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_handover(qtbot, ctx)
    assert page.handover is not None
    observation = next(i for i in page.handover.items if i.label == "Observation")
    assert observation.overdue_at(ctx.now())  # the demo's observation is late

    seclusion = open_screen(qtbot, ctx, seclusion_screen, SeclusionScreen)
    choose_row(qtbot, seclusion, running_episode(seclusion).episode_id)
    press(qtbot, seclusion, Qt.Key.Key_O)
    with qtbot.waitSignal(page.handover_loaded, timeout=10_000):
        enter(qtbot, seclusion)
    refreshed = next(i for i in page.handover.items if i.label == "Observation")
    assert not refreshed.overdue_at(ctx.now())
    assert refreshed.due_at is not None
    assert observation.due_at is not None
    assert refreshed.due_at > observation.due_at
    assert page.handover.items.index(refreshed) > page.handover.items.index(
        next(i for i in page.handover.items if i.label == "Nursing review")
    )  # no longer among the overdue: after the nursing review due before it


def _activate(qtbot: QtBot, view: QTableView, row: int) -> None:
    """Move to the line with the keyboard and press Enter."""
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(row):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == row
    qtbot.keyClick(view, Qt.Key.Key_Return)


def _kind(line: object) -> HandoverItemKind | None:
    return line.kind if isinstance(line, HandoverItem) else None


def test_a_line_opens_its_episode_or_incident_and_locking_forgets_everything(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_handover(qtbot, ctx)
    assert page.handover is not None
    items = page.items.rows()  # everything due: restrictions beyond force among them
    review = next(n for n, i in enumerate(items) if _kind(i) is HandoverItemKind.REVIEW)
    incident = next(n for n, i in enumerate(items) if _kind(i) is HandoverItemKind.INCIDENT_DRAFT)
    with qtbot.waitSignal(ctx.navigator.episode_requested) as episode:
        _activate(qtbot, page.items_view, review)
    assert episode.args == [items[review].record_id]
    with qtbot.waitSignal(ctx.navigator.incident_requested) as opened:
        _activate(qtbot, page.items_view, incident)
    assert opened.args == [items[incident].record_id]
    with qtbot.waitSignal(ctx.navigator.episode_requested) as restriction:
        _activate(qtbot, page.restrictions_view, 0)
    assert restriction.args == [page.handover.restrictions[0].episode.episode_id]

    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    assert page.items.rowCount() == 0
    assert page.restrictions.rowCount() == 0
    assert page.summary.text() == ""
