"""The board's counts can be acted on: Enter or a double-click on a patient's conflicts chip
opens History and conflicts on their conflicted record, side by side; the awaiting sign-off and
drafts chips open the record they count; the buttons under the board do the same from the
keyboard for the selected row, and say what they open in words."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models.patient import Patient
from app.models.ward_board import IncidentOnBoard, PatientOnBoard, WardBoard
from app.store.store import Store
from app.ui.board.links import CHIP_HINTS, NO_CONFLICTS_LEFT, Chip, chip_target
from app.ui.board.model import Column, WardBoardModel
from app.ui.board.page import BoardPage
from app.ui.context import ScreenContext
from app.ui.history.page import HistoryPage
from app.ui.incidents.page import IncidentsPage
from app.ui.main_window import MainWindow
from tests.ui.conftest import Passwords
from tests.ui.incident_steps import on_worker
from tests.ui.test_session import _sign_in

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
WAIT = 10_000


def _signed_in_window(qtbot: QtBot, make_window, demo: tuple[Path, Passwords]) -> MainWindow:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    window = make_window(folder)
    _sign_in(qtbot, window, "demo.manager", passwords["demo.manager"])
    window.activateWindow()  # mnemonics go to the active window, as at a real desk
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _board(window: MainWindow) -> BoardPage:
    assert window.work is not None
    assert window.work.board is not None
    return window.work.board


def _context(window: MainWindow) -> ScreenContext:
    assert window.work is not None
    return window.work.context


def _reloaded(qtbot: QtBot, board: BoardPage) -> WardBoard:
    with qtbot.waitSignal(board.board_loaded, timeout=WAIT) as loaded:
        board.reload()
    result = loaded.args[0]
    assert isinstance(result, WardBoard)
    return result


def _row_of(board: BoardPage, patient_id: UUID) -> int:
    model = board.model
    return next(
        r
        for r in range(model.rowCount())
        if model.row_of(model.index(r, 0)).patient_id == patient_id  # type: ignore[union-attr]
    )


def _make_patient_conflict(qtbot: QtBot, ctx: ScreenContext, patient_id: UUID) -> None:
    """Two changes saved from the same version of the patient's record, as two PCs would."""

    def work(store: Store) -> None:
        with store.read() as reader:
            state = reader.state(patient_id)
        assert state is not None
        assert isinstance(state.record, Patient)
        one = state.record.model_copy(update={"local_identifier": "OFFICE-PC-1"})
        two = state.record.model_copy(update={"local_identifier": "WARD-PC-2"})
        store.save(one, base=state.revision_id)
        store.save(two, base=state.revision_id)

    on_worker(qtbot, ctx, work)


def _focus_cell(qtbot: QtBot, board: BoardPage, row: int, column: Column) -> None:
    """Choose the patient's row with a click, then walk to ``column`` with the arrow keys."""
    table = board.table
    index = board.model.index(row, Column.PATIENT)
    table.scrollTo(index)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    for _ in range(column):
        qtbot.keyClick(table, Qt.Key.Key_Right)
    assert table.currentIndex().column() == column
    assert board.selected_patient() == board.model.row_of(index).patient_id  # type: ignore[union-attr]


def test_enter_on_the_conflicts_chip_opens_that_patients_conflict_side_by_side(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    window = _signed_in_window(qtbot, make_window, demo)
    board = _board(window)
    ward = _reloaded(qtbot, board)
    patient = next(p for p in ward.patients if p.on_ward and not p.conflicted)
    _make_patient_conflict(qtbot, _context(window), patient.patient_id)
    _reloaded(qtbot, board)
    row = _row_of(board, patient.patient_id)
    cell = board.model.index(row, Column.CONFLICTS)
    assert cell.data() == "1"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == CHIP_HINTS[Chip.CONFLICTS]  # in words
    assert board.model.index(row, Column.PATIENT).data(Qt.ItemDataRole.ForegroundRole) is None

    _focus_cell(qtbot, board, row, Column.CONFLICTS)
    assert board.chips.conflicts.isEnabled()
    assert board.chips.conflicts.text() == "Open c&onflicts (1)"
    qtbot.keyClick(board.table, Qt.Key.Key_Return)
    assert window.work is not None
    work = window.work
    qtbot.waitUntil(lambda: isinstance(work.tabs.currentWidget(), HistoryPage), timeout=WAIT)
    history = work.tabs.currentWidget()
    assert isinstance(history, HistoryPage)
    qtbot.waitUntil(
        lambda: history._history is not None and history.tabs.currentWidget() is history.compare,
        timeout=WAIT,
    )
    assert history._history is not None
    assert history._history.record_id == patient.patient_id
    assert history._history.conflicted
    assert history.tabs.isTabEnabled(1)


def test_the_keyboard_buttons_open_the_record_awaiting_sign_off_and_say_when_nothing_is_left(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    window = _signed_in_window(qtbot, make_window, demo)
    board = _board(window)
    ward = _reloaded(qtbot, board)
    waiting = next(p for p in ward.patients if p.awaiting_sign_off)
    oldest = min(
        (i for i in ward.awaiting_sign_off if i.patient_id == waiting.patient_id),
        key=lambda i: i.started_at,
    )
    row = _row_of(board, waiting.patient_id)
    _focus_cell(qtbot, board, row, Column.PATIENT)
    assert board.chips.awaiting.isEnabled()
    assert board.chips.awaiting.text() == (
        f"Open &record awaiting sign-off ({waiting.awaiting_sign_off})"
    )
    qtbot.keyClick(board.table, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert window.work is not None
    work = window.work
    qtbot.waitUntil(lambda: isinstance(work.tabs.currentWidget(), IncidentsPage), timeout=WAIT)
    incidents = work.tabs.currentWidget()
    assert isinstance(incidents, IncidentsPage)
    qtbot.waitUntil(
        lambda: incidents.form is not None and incidents.form.record_id == oldest.incident_id,
        timeout=WAIT,
    )

    # a patient with no conflicts: the button is off, and the chip (if forced) says so
    work.tabs.setCurrentWidget(board)
    quiet = next(p for p in ward.patients if p.on_ward and not p.conflicted)
    _focus_cell(qtbot, board, _row_of(board, quiet.patient_id), Column.CONFLICTS)
    assert not board.chips.conflicts.isEnabled()
    assert board.chips.conflicts.text() == "Open c&onflicts"
    with qtbot.waitSignal(board.patient_opened, timeout=WAIT) as opened:
        qtbot.keyClick(board.table, Qt.Key.Key_Return)  # an empty chip opens the patient
    assert opened.args == [quiet.patient_id]
    work.tabs.setCurrentWidget(board)
    board.open_chip(quiet.patient_id, Chip.CONFLICTS)
    qtbot.waitUntil(lambda: board.chips.message.text() == NO_CONFLICTS_LEFT, timeout=WAIT)


def test_a_double_click_on_the_drafts_chip_opens_the_draft_returned_first(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    window = _signed_in_window(qtbot, make_window, demo)
    board = _board(window)
    ward = _reloaded(qtbot, board)
    drafting = next(p for p in ward.patients if p.drafts)
    target = chip_target(ward, drafting.patient_id, Chip.DRAFTS)
    assert target is not None
    row = _row_of(board, drafting.patient_id)
    index = board.model.index(row, Column.DRAFTS)
    board.table.scrollTo(index)
    at = board.table.visualRect(index).center()
    qtbot.mouseClick(board.table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    with qtbot.waitSignal(board.incident_opened, timeout=WAIT) as opened:
        qtbot.mouseDClick(board.table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert opened.args == [target]
    assert window.work is not None
    work = window.work
    qtbot.waitUntil(lambda: isinstance(work.tabs.currentWidget(), IncidentsPage), timeout=WAIT)


# ------------------------------------------------------------------ which record a chip opens


def _incident(patient: UUID, hours_ago: int, *, returned: bool = False) -> IncidentOnBoard:
    return IncidentOnBoard(
        incident_id=uuid4(),
        patient_id=patient,
        patient_name="Testpatient, Alex",
        started_at=T0 - timedelta(hours=hours_ago),
        status="draft",
        missing=(),
        returned=returned,
    )


def test_chips_open_the_oldest_waiting_record_and_a_returned_draft_before_others(
    qtmodeltester,
) -> None:  # type: ignore[no-untyped-def]
    alex, sam = uuid4(), uuid4()
    old_draft, returned, newer = (
        _incident(alex, 9),
        _incident(alex, 3, returned=True),
        _incident(alex, 1),
    )
    waiting_new, waiting_old = _incident(alex, 2), _incident(alex, 20)
    board = WardBoard(
        ward_id=uuid4(),
        at=T0,
        seclusions=(),
        segregations=(),
        drafts=(old_draft, returned, newer, _incident(sam, 30)),
        awaiting_sign_off=(waiting_new, waiting_old),
        incidents_last_24h=0,
        incidents_last_7d=0,
        conflicted=1,
        patients=(
            PatientOnBoard(
                patient_id=alex,
                patient_name="Testpatient, Alex",
                on_ward=True,
                drafts=3,
                returned=1,
                awaiting_sign_off=2,
                conflicted=1,
            ),
            PatientOnBoard(patient_id=sam, patient_name="Quiet, Sam", on_ward=True, drafts=1),
        ),
    )
    assert chip_target(board, alex, Chip.DRAFTS) == returned.incident_id
    assert chip_target(board, sam, Chip.DRAFTS) is not None
    assert chip_target(board, alex, Chip.AWAITING) == waiting_old.incident_id
    assert chip_target(board, sam, Chip.AWAITING) is None
    assert chip_target(board, alex, Chip.CONFLICTS) is None  # read from the store instead

    model = WardBoardModel(lambda: T0)
    model.set_board(board)
    qtmodeltester.check(model)
    description = Qt.ItemDataRole.AccessibleDescriptionRole
    assert model.index(0, Column.AWAITING).data(description) == CHIP_HINTS[Chip.AWAITING]
    assert model.index(0, Column.DRAFTS).data() == "3 (1 returned for correction)"
    assert model.index(1, Column.CONFLICTS).data(description) is None  # nothing to open
    assert model.index(1, Column.AWAITING).data() == ""
