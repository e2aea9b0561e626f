"""Nothing typed is lost when the window locks (idle lock, lock now, switch user): a staff
member's half-written account of their part comes back when they sign in again; edits to a
patient that break a rule of the record, and a new patient not yet confirmed, are kept as a
draft and come back into the form with the rule's message; valid edits are saved as before.
Each step is done through the widgets, and each outcome checked in the store."""

from pathlib import Path
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.models.form_draft import DraftStatus, FormDraft
from app.models.incident import UseOfForceIncident
from app.models.staff_statement import StaffStatement
from app.store.store import Store
from app.ui.incidents.statement_queries import ACCOUNT_DRAFT, ADDITION_DRAFT, MyAccounts
from app.ui.incidents.statements import StatementsPage
from app.ui.main_window import MainWindow
from tests.ui.conftest import Clock, Passwords
from tests.ui.incident_steps import on_worker
from tests.ui.lock_steps import WAIT, after_lock, click_row, drafts_of, sign_in
from tests.ui.statement_steps import name_me_on_a_new_incident

ROLE = "Second in the team; held the right arm"
BEGUN = "I held his right arm in the standing hold"
REST = " until he sat down, then let go."

# ----------------------------------------------------------------------- staff accounts


def _statements(qtbot: QtBot, window: MainWindow, incident: UseOfForceIncident) -> StatementsPage:
    """The accounts tab, opened from the reminder, with ``incident`` chosen by a click."""
    work = window.work
    assert work is not None
    page = next(s for s in work.screens() if isinstance(s, StatementsPage))

    def names_it(accounts: MyAccounts) -> bool:
        return incident.id in {row.incident.id for row in accounts.owed}

    # The incident was saved behind the screen's back: read again, and wait for the reading
    # that holds it (one begun at sign-in may report first).
    with qtbot.waitSignal(page.loaded, timeout=WAIT, check_params_cb=names_it):
        page.reload()
    qtbot.waitUntil(work.give_button.isVisible, timeout=WAIT)
    qtbot.mouseClick(work.give_button, Qt.MouseButton.LeftButton)  # "Give them now"
    assert work.tabs.currentWidget() is page
    owed = [row.incident.id for row in page.owed_model.rows()]
    click_row(qtbot, page.owed, owed.index(incident.id))
    assert incident.location is not None
    assert incident.location in page.about.text()
    return page


def _begin_account(qtbot: QtBot, page: StatementsPage) -> None:
    qtbot.keyClicks(page.role, ROLE)
    page.holds.setFocus()
    page.holds.setCurrentRow(0)
    qtbot.keyClick(page.holds, Qt.Key.Key_Space)  # ticks the first type of force
    qtbot.keyClicks(page.account, BEGUN)


def _text_anywhere(text: str) -> bool:
    """Whether any live text field of the application holds ``text``."""
    for widget in QApplication.allWidgets():
        if isinstance(widget, QLineEdit) and text in widget.text():
            return True
        if isinstance(widget, QPlainTextEdit) and text in widget.toPlainText():
            return True
    return False


def test_an_account_half_written_at_the_idle_lock_is_back_at_the_next_sign_in(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    window = make_window(folder, idle_lock_minutes=1)
    sign_in(qtbot, window, "demo.nurse", passwords)
    assert window.work is not None
    incident = name_me_on_a_new_incident(qtbot, window.work.context)
    page = _statements(qtbot, window, incident)
    _begin_account(qtbot, page)

    clock.advance(minutes=1, seconds=1)  # nobody touches the PC for the idle limit
    with qtbot.waitSignal(window.session.locked, timeout=WAIT):
        window.idle.check_now()
    assert not _text_anywhere(BEGUN)  # nothing of it is left on screen
    [kept] = after_lock(
        folder, passwords, "demo.nurse", lambda r: drafts_of(r, incident.id, ACCOUNT_DRAFT)
    )
    assert kept.is_open
    assert kept.values["account"] == BEGUN
    assert kept.values["role"] == ROLE
    assert kept.values["holds"] == incident.intervention_types[0].value

    sign_in(qtbot, window, "demo.nurse", passwords)
    page = _statements(qtbot, window, incident)
    assert page.role.text() == ROLE
    assert page.account.toPlainText() == BEGUN
    assert page.holds.chosen() == (incident.intervention_types[0],)
    assert page.notes[ACCOUNT_DRAFT].isVisible()
    assert "kept as a draft" in page.notes[ACCOUNT_DRAFT].text()

    page.account.setFocus()
    page.account.moveCursor(page.account.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.account, REST)
    with qtbot.waitSignals([page.statement_saved, page.loaded], timeout=WAIT):
        qtbot.keyClick(page.account, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.account.toPlainText() == ""
    assert window.work is not None
    ctx = window.work.context
    [given] = on_worker(qtbot, ctx, lambda s: _statements_of(s, incident))
    assert given.account == BEGUN + REST
    assert given.role == ROLE
    drafts = on_worker(
        qtbot, ctx, lambda s: _drafts(s, incident.id, ACCOUNT_DRAFT)
    )  # the draft is closed, with what was given; nothing deleted
    assert [(d.status, d.values["account"]) for d in drafts] == [(DraftStatus.CLOSED, BEGUN + REST)]


def _statements_of(store: Store, incident: UseOfForceIncident) -> list[StaffStatement]:
    with store.read() as reader:
        return reader.find(StaffStatement, parent_id=incident.id)


def _drafts(store: Store, record_id: UUID, form: str) -> list[FormDraft]:
    with store.read() as reader:
        return drafts_of(reader, record_id, form)


def test_switch_user_shows_the_account_to_nobody_else_and_its_author_gets_it_back(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    window = make_window(folder)
    sign_in(qtbot, window, "demo.nurse", passwords)
    assert window.work is not None
    incident = name_me_on_a_new_incident(qtbot, window.work.context)
    page = _statements(qtbot, window, incident)
    _begin_account(qtbot, page)
    with qtbot.waitSignal(window.session.locked, timeout=WAIT):
        window.switch_action.trigger()

    sign_in(qtbot, window, "demo.manager", passwords)  # a colleague at the same PC
    assert window.work is not None
    work = window.work
    manager_page = next(s for s in work.screens() if isinstance(s, StatementsPage))
    work.tabs.setCurrentWidget(manager_page)
    qtbot.waitUntil(lambda: manager_page.heading.text() != "", timeout=WAIT)
    assert not _text_anywhere(BEGUN)
    assert manager_page.drafts.accounts.drafts == ()
    with qtbot.waitSignal(window.session.locked, timeout=WAIT):
        window.switch_action.trigger()

    sign_in(qtbot, window, "demo.nurse", passwords)
    page = _statements(qtbot, window, incident)
    assert page.account.toPlainText() == BEGUN
    assert page.role.text() == ROLE


def test_each_incident_keeps_its_own_account_saved_while_typing_and_additions_too(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    first = name_me_on_a_new_incident(qtbot, ctx)
    second = name_me_on_a_new_incident(qtbot, ctx)
    page = StatementsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 1000)
    page.show()
    qtbot.waitUntil(lambda: page.owed_model.rowCount() >= 2, timeout=WAIT)
    owed = [row.incident.id for row in page.owed_model.rows()]

    click_row(qtbot, page.owed, owed.index(first.id))
    qtbot.keyClicks(page.account, "About the first incident.")
    click_row(qtbot, page.owed, owed.index(second.id))  # the first one's text is kept
    assert page.account.toPlainText() == ""
    with qtbot.waitSignal(page.draft_kept, timeout=WAIT):  # a moment after typing stops
        qtbot.keyClicks(page.account, "About the second incident.")
    click_row(qtbot, page.owed, owed.index(first.id))
    assert page.account.toPlainText() == "About the first incident."
    kept = {
        incident.id: on_worker(qtbot, ctx, lambda s, i=incident.id: _drafts(s, i, ACCOUNT_DRAFT))
        for incident in (first, second)
    }
    assert [d.values["account"] for d in kept[first.id]] == ["About the first incident."]
    assert [d.values["account"] for d in kept[second.id]] == ["About the second incident."]

    # given: the first one's draft closes; the second one's stays open
    qtbot.keyClicks(page.role, ROLE)
    page.holds.item(0).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignals([page.statement_saved, page.loaded], timeout=WAIT):
        qtbot.mouseClick(page.give, Qt.MouseButton.LeftButton)
    first_drafts = on_worker(qtbot, ctx, lambda s: _drafts(s, first.id, ACCOUNT_DRAFT))
    assert [d.status for d in first_drafts] == [DraftStatus.CLOSED]
    second_drafts = on_worker(qtbot, ctx, lambda s: _drafts(s, second.id, ACCOUNT_DRAFT))
    assert [d.status for d in second_drafts] == [DraftStatus.OPEN]

    # an addition half typed is kept at the lock, and comes back beside the account
    given = [row.incident.id for row in page.given_model.rows()]
    click_row(qtbot, page.given, given.index(first.id))
    qtbot.keyClicks(page.addition, "I also saw his head kept clear")
    with qtbot.waitSignal(ctx.session.locked, timeout=WAIT):
        ctx.session.lock()
    again = signed_in("demo.nurse")
    page = StatementsPage(again)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        pass
    given = [row.incident.id for row in page.given_model.rows()]
    click_row(qtbot, page.given, given.index(first.id))
    assert page.addition.toPlainText() == "I also saw his head kept clear"
    assert page.notes[ADDITION_DRAFT].isVisibleTo(page)


# --------------------------------------------------------------------------------- patients
