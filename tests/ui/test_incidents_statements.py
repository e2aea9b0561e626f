"""Staff accounts of their part: a member of staff named on an incident is asked for their own
account at sign-in and reminded until they give it; a given account is only ever added to."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget
from pytestqt.qtbot import QtBot

from app.models.staff_statement import StaffStatement
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.incidents.statement_queries import GivenAccount
from app.ui.incidents.statements import TAB_TITLE, StatementsPage
from tests.ui.incident_steps import focused, key, on_worker, tab, type_here
from tests.ui.statement_steps import name_me_on_a_new_incident


def _open(qtbot: QtBot, ctx: ScreenContext) -> tuple[StatementsPage, QTabWidget]:
    """The screen in a tab, as the work area holds it, with what is owed read."""
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    page = StatementsPage(ctx)
    tabs.addTab(page, TAB_TITLE)
    tabs.resize(1200, 1000)
    tabs.show()
    qtbot.waitExposed(tabs)
    tabs.activateWindow()
    qtbot.waitUntil(lambda: page.owed_model.rowCount() > 0, timeout=10_000)
    return page, tabs


def _mine(store: Store, incident_id: object) -> list[StaffStatement]:
    with store.read() as reader:
        return reader.find(StaffStatement, parent_id=incident_id)


def test_a_staff_account_added(qtbot: QtBot, qtmodeltester, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    incident = name_me_on_a_new_incident(qtbot, ctx)
    page, tabs = _open(qtbot, ctx)
    qtmodeltester.check(page.owed_model)
    owed = [row.incident.id for row in page.owed_model.rows()]
    assert incident.id in owed
    count = len(owed)
    assert tabs.tabText(0) == f"{TAB_TITLE} ({count})"  # the reminder, until given
    assert "have not yet given your account" in page.heading.text()

    # choose the incident with the keyboard, then say role, holds and what was done
    page.owed.setFocus()
    page.owed.setCurrentIndex(page.owed_model.index(owed.index(incident.id), 0))
    assert incident.location is not None
    assert incident.location in page.about.text()
    assert page.holds.count() == len(incident.intervention_types)
    assert tab(qtbot) is page.role
    type_here(qtbot, "Second in the team; held the right arm")
    assert tab(qtbot) is page.holds
    page.holds.setCurrentRow(0)
    key(qtbot, Qt.Key.Key_Space)  # ticks the first type of force
    assert tab(qtbot) is page.account
    type_here(qtbot, "I held his right arm in the standing hold until he sat down.")
    with qtbot.waitSignals([page.statement_saved, page.loaded], timeout=10_000):
        key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Your account was saved" in page.message.text()

    saved = on_worker(qtbot, ctx, lambda store: _mine(store, incident.id))
    assert len(saved) == 1
    account = saved[0]
    assert account.author.name == "Priya Nair"
    assert account.author.job_title == "Staff nurse"
    assert account.role == "Second in the team; held the right arm"
    assert account.holds == (incident.intervention_types[0],)
    assert account.adds_to is None
    assert incident.id not in [row.incident.id for row in page.owed_model.rows()]
    left = count - 1
    assert tabs.tabText(0) == (f"{TAB_TITLE} ({left})" if left else TAB_TITLE)

    # never edited, only added to: the addition is a new record pointing at the account
    row = next(i for i, r in enumerate(page.given_model.rows()) if r.incident.id == incident.id)
    page.given.setFocus()
    page.given.setCurrentIndex(page.given_model.index(row, 0))
    assert "I held his right arm" in page.given_text.toPlainText()
    page.addition.setFocus()
    type_here(qtbot, "I also saw his head was kept clear of the wall.")
    with qtbot.waitSignals([page.statement_saved, page.loaded], timeout=10_000):
        qtbot.mouseClick(page.add, Qt.MouseButton.LeftButton)
    both = on_worker(qtbot, ctx, lambda store: _mine(store, incident.id))
    assert len(both) == 2
    addition = next(s for s in both if s.is_addition)
    assert addition.adds_to == account.id
    assert addition.account == "I also saw his head was kept clear of the wall."
    assert next(s for s in both if not s.is_addition) == account  # the account is unchanged
    given = next(r for r in page.given_model.rows() if r.incident.id == incident.id)
    assert isinstance(given, GivenAccount)
    qtmodeltester.check(page.given_model)
    assert [s.id for s in given.statements] == [account.id, addition.id]
    assert (
        page.given_model.index(page.given_model.rows().index(given), 3).data() == "1"
    )  # one addition
    assert focused() is not None


def test_an_account_needs_a_role_a_hold_and_words(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    incident = name_me_on_a_new_incident(qtbot, ctx)
    page, _tabs = _open(qtbot, ctx)
    page.owed.setCurrentIndex(
        page.owed_model.index([r.incident.id for r in page.owed_model.rows()].index(incident.id), 0)
    )
    page.account.setFocus()
    type_here(qtbot, "Words but no role and no hold.")
    page.give_account()
    assert "Not saved" in page.message.text()
    assert "role" in page.message.text()
    saved = on_worker(qtbot, ctx, lambda store: _mine(store, incident.id))
    assert saved == []
