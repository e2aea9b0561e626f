"""What the incident-screen tests do as a user would: open the screen, start a record, type
with the keyboard, and read back what the store holds (through the session's own worker)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.models.clock import utc_now
from app.models.completeness import PATIENT_ITEMS, missing_items
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.revision import Revision
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.incidents.form import IncidentForm
from app.ui.incidents.page import IncidentsPage

T = TypeVar("T")
#: Drafts save this soon after a change in these tests (the product waits 2 s).
QUICK_AUTOSAVE_MS = 30


def open_page(qtbot: QtBot, ctx: ScreenContext) -> IncidentsPage:
    """The Incidents screen, shown, with its list and staff list read."""
    page = IncidentsPage(ctx, autosave_ms=QUICK_AUTOSAVE_MS)
    qtbot.addWidget(page)
    page.resize(1500, 1000)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: bool(page.patients) and page.model.rowCount() > 0, timeout=10_000)
    return page


def complete_patient(page: IncidentsPage) -> Patient:
    """A patient whose own record answers items (e), (g), (j), (k), (l)."""
    for patient in page.patients:
        probe = UseOfForceIncident(
            patient_id=patient.id,
            ward_id=patient.ward_id,
            started_at=utc_now() - timedelta(hours=1),
        )
        if not {m.item for m in missing_items(probe, patient)} & PATIENT_ITEMS:
            return patient
    raise AssertionError("the demo ward has no patient with a complete record")


def new_form(qtbot: QtBot, page: IncidentsPage, patient_id: UUID) -> IncidentForm:
    """Start a new record for ``patient_id`` and return its form."""
    with qtbot.waitSignal(page.form_opened, timeout=10_000) as opened:
        page.new_incident(patient_id)
    form = opened.args[0]
    assert isinstance(form, IncidentForm)
    return form


def open_form(qtbot: QtBot, page: IncidentsPage, incident_id: UUID) -> IncidentForm:
    """Open the record ``incident_id`` and return its form."""
    with qtbot.waitSignal(page.form_opened, timeout=10_000) as opened:
        page.show_incident(incident_id)
    form = opened.args[0]
    assert isinstance(form, IncidentForm)
    return form


def on_worker(qtbot: QtBot, ctx: ScreenContext, work: Callable[[Store], T]) -> T:
    """Run ``work`` on the session's store worker (after every save queued before it), and
    wait until every outcome queued before it has reached the screens: a screen's read begun
    earlier cannot then report after a reload the test asks for next."""
    store = ctx.store
    runner = ctx.runner
    future = runner.run(lambda: work(store))
    qtbot.waitUntil(lambda: future.done() and runner.settled, timeout=10_000)
    return future.result()


def stored(qtbot: QtBot, ctx: ScreenContext, incident_id: UUID) -> UseOfForceIncident | None:
    """The record as the store holds it now."""
    return on_worker(qtbot, ctx, lambda store: store.get(UseOfForceIncident, incident_id))


def focused() -> QWidget:
    """The widget with the keyboard focus."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def tab(qtbot: QtBot, times: int = 1) -> QWidget:
    """Press Tab; return what has the focus then."""
    for _ in range(times):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    return focused()


def type_here(qtbot: QtBot, text: str) -> None:
    """Type ``text`` into whatever has the focus."""
    qtbot.keyClicks(focused(), text)


def key(
    qtbot: QtBot, which: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press one key (with a modifier) where the focus is."""
    qtbot.keyClick(focused(), which, modifier)


def answer_here(qtbot: QtBot, text: str) -> QWidget:
    """Type ``text`` where the focus is, then Tab on; return the widget typed into."""
    here = focused()
    type_here(qtbot, text)
    tab(qtbot)
    return here


def history_of(store: Store, record_id: UUID) -> list[Revision]:
    """Every revision of a record, oldest first (runs on the worker)."""
    with store.read() as reader:
        return reader.history(record_id)
