"""The ward board: its model passes Qt's model tester, and its clocks turn red on time."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from pytestqt.qtbot import QtBot

from app.models.review_clocks import ClockKind, ClockState, ReviewClock
from app.models.ward_board import EpisodeOnBoard, PatientOnBoard, WardBoard
from app.ui.board.model import Column, WardBoardModel
from tests.ui.conftest import Clock

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def _board(at: datetime, *, due_in: timedelta) -> WardBoard:
    patient = uuid4()
    clock = ReviewClock(
        kind=ClockKind.SECLUSION_NURSING,
        state=ClockState.DUE,
        basis="every 2 hours",
        next_due=at + due_in,
    )
    episode = EpisodeOnBoard(
        episode_id=uuid4(),
        kind="seclusion",
        patient_id=patient,
        patient_name="Testpatient, Alex",
        started_at=at - timedelta(hours=1, minutes=50),
        clocks=(clock,),
        most_urgent=clock,
    )
    row = PatientOnBoard(
        patient_id=patient, patient_name="Testpatient, Alex", on_ward=True, seclusion=episode
    )
    quiet = PatientOnBoard(patient_id=uuid4(), patient_name="Quiet, Sam", on_ward=True, drafts=2)
    return WardBoard(
        ward_id=uuid4(),
        at=at,
        seclusions=(episode,),
        segregations=(),
        drafts=(),
        awaiting_sign_off=(),
        incidents_last_24h=0,
        incidents_last_7d=0,
        conflicted=0,
        patients=(row, quiet),
    )


def test_the_board_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = WardBoardModel(lambda: T0)
    qtmodeltester.check(model)
    model.set_board(_board(T0, due_in=timedelta(minutes=10)))
    qtmodeltester.check(model)
    model.set_board(_board(T0, due_in=timedelta(minutes=5)))  # other patients: a reset
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


def test_a_due_review_turns_overdue_in_red_and_in_words_as_time_passes(qtbot: QtBot) -> None:
    clock = Clock(T0)
    model = WardBoardModel(clock)
    model.set_board(_board(T0, due_in=timedelta(minutes=1)))
    cell = model.index(0, Column.SECLUSION)
    with qtbot.waitSignal(model.dataChanged):
        model.tick()
    assert "Nursing review due in 1 min" in cell.data()
    assert cell.data(9) is None  # Qt.ForegroundRole: not red while due
    clock.advance(minutes=1, seconds=1)
    with qtbot.waitSignal(model.dataChanged):
        model.tick()
    assert "Nursing review OVERDUE by 0 min" in cell.data()
    assert cell.data(9) is not None  # red, and the words say OVERDUE too
    assert model.index(1, Column.DRAFTS).data() == "2"
