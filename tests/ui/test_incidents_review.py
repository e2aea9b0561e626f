"""The ward manager's review: sign-off, return with a comment (the nurse sees it on the form, in
the list and in the board's drafts), and amending a signed-off record, which needs a reason."""

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.incident_parts import IncidentStatus
from app.models.revision import RevisionAction
from app.ui.board.model import Column as BoardColumn
from app.ui.board.model import WardBoardModel
from app.ui.board.page import load_board
from app.ui.incidents.list_model import Column
from app.ui.incidents.missing import MissingItemsModel, everything_missing
from app.ui.incidents.page import IncidentsPage
from tests.ui.incident_steps import (
    focused,
    history_of,
    key,
    on_worker,
    open_form,
    open_page,
    stored,
    type_here,
)

LEFT = Qt.MouseButton.LeftButton
COMMENT = "Please say who held the legs, and add the outcome after the injection."


def _status_of(page: IncidentsPage, incident_id: object) -> str:
    row = next(i for i, r in enumerate(page.model.rows()) if r.incident_id == incident_id)
    return str(page.model.index(row, Column.STATUS).data())


def test_sign_off_and_return(qtbot: QtBot, signed_in) -> None:
    manager = signed_in("demo.manager")
    page = open_page(qtbot, manager)
    waiting = [  # records whose patients' own items are answered can be submitted again
        r for r in page.model.rows() if r.status is IncidentStatus.SUBMITTED and not r.missing
    ]
    assert len(waiting) >= 2
    returned_row, signed_row = waiting[:2]
    assert _status_of(page, returned_row.incident_id) == "Awaiting sign-off"

    form = open_form(qtbot, page, returned_row.incident_id)
    assert form.mode == "review"
    assert form.bar.review_box.isVisible()
    assert not form.bar.submit.isVisible()
    assert not form.why.reason.isEnabled()  # the manager reviews; the nurse corrects

    qtbot.mouseClick(form.bar.return_, LEFT)  # no comment yet: refused, the comment box waits
    assert "needs a comment" in form.bar.message.text()
    assert focused() is form.bar.comment
    type_here(qtbot, COMMENT)
    with qtbot.waitSignals([form.record_saved, page.rows_loaded], timeout=10_000):
        qtbot.mouseClick(form.bar.return_, LEFT)
    back = stored(qtbot, manager, returned_row.incident_id)
    assert back is not None
    assert back.status is IncidentStatus.DRAFT
    assert back.submitted_by is None
    assert back.last_return is not None
    assert back.last_return.comment == COMMENT
    assert back.last_return.returned_by.name == "Grace Adeyemi"
    assert _status_of(page, returned_row.incident_id) == "Returned for correction"

    # the manager signs the other one off
    other = open_form(qtbot, page, signed_row.incident_id)
    with qtbot.waitSignal(other.record_saved, timeout=10_000):
        qtbot.mouseClick(other.bar.sign_off, LEFT)
    signed = stored(qtbot, manager, signed_row.incident_id)
    assert signed is not None
    assert signed.status is IncidentStatus.SIGNED_OFF
    assert signed.signed_off_by is not None
    assert signed.signed_off_by.name == "Grace Adeyemi"
    assert other.mode == "signed"
    assert other.bar.amend.isVisible()

    # the nurse sees the return: in the list, on the form, and among the board's drafts
    nurse = signed_in("demo.nurse")
    nurse_page = open_page(qtbot, nurse)
    assert _status_of(nurse_page, returned_row.incident_id) == "Returned for correction"
    nurse_form = open_form(qtbot, nurse_page, returned_row.incident_id)
    assert nurse_form.mode == "draft"
    assert nurse_form.returned.isVisible()
    assert COMMENT in nurse_form.returned.text()
    assert "Grace Adeyemi" in nurse_form.returned.text()
    board = on_worker(
        qtbot, nurse, lambda store: load_board(store, nurse.ward_id, nurse.now(), nurse.policy)
    )
    assert returned_row.incident_id in [d.incident_id for d in board.drafts]
    patient_row = next(p for p in board.patients if p.patient_id == returned_row.patient_id)
    assert patient_row.drafts >= 1
    assert patient_row.returned == 1
    board_model = WardBoardModel(nurse.now)
    board_model.set_board(board)
    row = next(
        r
        for r in range(board_model.rowCount())
        if board_model.row_of(board_model.index(r, 0)).patient_id == returned_row.patient_id
    )
    assert "1 returned for correction" in board_model.index(row, BoardColumn.DRAFTS).data()

    # corrected and submitted again: the return stays on the record
    nurse_form.after.outcome.setFocus()
    key(qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_here(qtbot, " Legs held by Dev Chauhan.")
    with qtbot.waitSignal(nurse_form.record_saved, timeout=10_000):
        key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    again = stored(qtbot, nurse, returned_row.incident_id)
    assert again is not None
    assert again.status is IncidentStatus.SUBMITTED
    assert again.outcome is not None
    assert again.outcome.endswith("Legs held by Dev Chauhan.")
    assert [r.comment for r in again.returns] == [COMMENT]
    assert not nurse_form.returned.isVisible()


def test_a_nurse_cannot_sign_off_or_return(qtbot: QtBot, signed_in) -> None:
    nurse = signed_in("demo.nurse")
    page = open_page(qtbot, nurse)
    waiting = next(r for r in page.model.rows() if r.status is IncidentStatus.SUBMITTED)
    form = open_form(qtbot, page, waiting.incident_id)
    assert form.mode == "read"
    assert not form.bar.review_box.isVisible()
    assert not form.bar.submit.isVisible()
    form.sign_off()
    form.return_to_nurse()
    still = stored(qtbot, nurse, waiting.incident_id)
    assert still is not None
    assert still.status is IncidentStatus.SUBMITTED


def test_amending_a_signed_off_record_asks_for_a_reason(qtbot: QtBot, signed_in) -> None:
    manager = signed_in("demo.manager")
    page = open_page(qtbot, manager)
    signed = next(r for r in page.model.rows() if r.status is IncidentStatus.SIGNED_OFF)
    form = open_form(qtbot, page, signed.incident_id)
    assert form.mode == "signed"
    assert not form.after.outcome.isEnabled() or form.after.outcome.isReadOnly()
    before = form.saved_record

    qtbot.mouseClick(form.bar.amend, LEFT)
    assert form.mode == "amending"
    assert form.bar.amend_box.isVisible()
    assert focused() is form.when.place
    form.after.outcome.setFocus()
    key(qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_here(qtbot, " A bruise on the left forearm was found the next morning.")
    qtbot.mouseClick(form.bar.save_amendment, LEFT)  # no reason: refused
    assert "needs a reason" in form.bar.message.text()
    assert focused() is form.bar.reason
    type_here(qtbot, "Injury found after sign-off")
    with qtbot.waitSignal(form.record_saved, timeout=10_000):
        qtbot.mouseClick(form.bar.save_amendment, LEFT)

    history = on_worker(qtbot, manager, lambda store: history_of(store, signed.incident_id))
    assert history[-1].action is RevisionAction.AMEND
    assert history[-1].reason == "Injury found after sign-off"
    amended = stored(qtbot, manager, signed.incident_id)
    assert amended is not None
    assert amended.status is IncidentStatus.SIGNED_OFF
    assert amended.signed_off_by == before.signed_off_by
    assert (
        amended.outcome
        == f"{before.outcome} A bruise on the left forearm was found the next morning."
    )
    assert form.mode == "signed"


def test_the_list_and_panel_models_pass_qt_model_tester(
    qtbot: QtBot, qtmodeltester, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    qtmodeltester.check(page.model)
    assert {r.status for r in page.model.rows()} == {
        IncidentStatus.DRAFT,
        IncidentStatus.SUBMITTED,
        IncidentStatus.SIGNED_OFF,
    }
    draft = next(r for r in page.model.rows() if r.status is IncidentStatus.DRAFT)
    form = open_form(qtbot, page, draft.incident_id)
    missing = MissingItemsModel()
    qtmodeltester.check(missing)
    missing.set_items(everything_missing(form.saved_record, None))
    qtmodeltester.check(missing)
    assert missing.rowCount() >= 5  # (e), (g), (j), (k), (l) without the patient record
    missing.set_items(())
    qtmodeltester.check(missing)
    page.model.set_rows(())
    qtmodeltester.check(page.model)
