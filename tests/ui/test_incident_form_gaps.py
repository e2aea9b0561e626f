"""What the use-of-force form keeps that is not (yet) the record, driven through the widgets:
rapid-tranquillisation details typed but not yet complete survive the autosave, a lock and
reopening, while submitting still needs every detail; an amendment of a signed-off record not
yet saved with its reason survives a lock, comes back to its author only, and is closed when
saved or cancelled. (Who was involved and item (p): test_incident_people.py.)"""

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.form_draft import DraftStatus, FormDraft
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import DoseUnit, IncidentStatus, RtRoute
from app.models.revision import RevisionAction
from app.store.store import Store
from app.ui.incidents.form import IncidentForm
from app.ui.incidents.kept_draft import AMENDMENT_FORM, UNFINISHED_FORM
from app.ui.incidents.page import IncidentsPage
from tests.ui.conftest import Passwords
from tests.ui.incident_draft_steps import kept_beside, values_hold
from tests.ui.incident_steps import (
    answer_here,
    complete_patient,
    focused,
    history_of,
    key,
    new_form,
    on_worker,
    open_form,
    open_page,
    stored,
    type_here,
)

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


def _rt_form(qtbot: QtBot, page: IncidentsPage) -> IncidentForm:
    """A new record with one use of force by rapid tranquillisation, begun 30 minutes ago."""
    form = new_form(qtbot, page, complete_patient(page).id)
    form.when.start.editor.setFocus()
    form.when.start.editor.selectAll()  # typing replaces the time the form opened
    type_here(qtbot, "now-30")
    form.force.add.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    type_here(qtbot, "14")
    assert form.force.editors[0].rt.isVisible()
    return form


# -- rapid tranquillisation typed but not complete ------------------------------------------


def test_rt_details_not_yet_complete_survive_the_autosave_and_reopening(
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = _rt_form(qtbot, page)
    rt = form.force.editors[0].rt
    rt.drug.setFocus()
    with qtbot.waitSignal(
        form.unfinished.saved,
        timeout=10_000,
        check_params_cb=lambda r: values_hold(r, drug="Lorazepam", dose="2", site="Left thigh"),
    ):
        for typed in ("Lorazepam", "2", "m", "", "Left thigh"):
            answer_here(qtbot, typed)
    incident_id = form.record_id

    # the record itself holds no half-given details; completeness still asks for every one
    assert "rapid_tranquillisation" in [m.item for m in form.missing.model.items()]
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert "Not submitted" in form.bar.message.text()
    assert "rapid tranquillisation: drug, dose, route" in form.bar.message.text()
    form.go_to(next(m for m in form.missing.model.items() if m.item == "rapid_tranquillisation"))
    assert focused() is rt.route  # the first detail still to give
    saved = stored(qtbot, ctx, incident_id)
    assert saved is not None
    assert saved.force_uses[0].rapid_tranquillisation is None

    # closed and opened again: what was typed is back in its fields
    qtbot.mouseClick(form.bar.close_button, LEFT)
    again = open_form(qtbot, page, incident_id).force.editors[0].rt
    assert (again.drug.text(), again.dose.text(), again.site.text()) == (
        "Lorazepam",
        "2",
        "Left thigh",
    )
    assert again.unit.value() is DoseUnit.MG
    assert "still needed: route, time given" in again.clock.text()

    # the rest given: the details are part of the record (and the clock runs)
    form = page.form
    assert form is not None
    again.route.setFocus()
    with qtbot.waitSignal(form.autosave.saved, timeout=10_000):
        for typed in ("i", "", "now-25", "y"):
            answer_here(qtbot, typed)
    whole = stored(qtbot, ctx, incident_id)
    assert whole is not None
    given = whole.force_uses[0].rapid_tranquillisation
    assert given is not None
    assert (given.drug, given.dose, given.route) == ("Lorazepam", "2 mg", RtRoute.INTRAMUSCULAR)
    assert "Post-RT checks" in again.clock.text()
    assert "every 1 h" in again.clock.text()


def test_rt_details_not_yet_complete_survive_a_lock(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    ctx = signed_in("demo.nurse")
    page = IncidentsPage(ctx, autosave_ms=600_000)  # only the lock can save it in time
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: bool(page.patients), timeout=10_000)
    form = _rt_form(qtbot, page)
    incident_id = form.record_id
    form.force.editors[0].rt.drug.setFocus()
    for typed in ("Haloperidol", "5"):
        answer_here(qtbot, typed)
    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store, store.read() as r:
        kept = r.find(FormDraft, parent_id=incident_id)
    assert [(d.form, d.status) for d in kept] == [(UNFINISHED_FORM, DraftStatus.OPEN)]
    assert sorted(kept[0].values.values()) == ["5", "Haloperidol"]

    # signed in again: the draft opens with the details typed before the lock
    nurse_page = open_page(qtbot, signed_in("demo.nurse"))
    rt = open_form(qtbot, nurse_page, incident_id).force.editors[0].rt
    assert (rt.drug.text(), rt.dose.text()) == ("Haloperidol", "5")


# -- an amendment of a signed-off record ----------------------------------------------------


def test_an_amendment_not_yet_saved_survives_a_lock_and_comes_back_to_its_author(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    manager = signed_in("demo.manager")
    page = IncidentsPage(manager, autosave_ms=600_000)  # only the lock can save it in time
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    signed = next(r for r in page.model.rows() if r.status is IncidentStatus.SIGNED_OFF)
    form = open_form(qtbot, page, signed.incident_id)
    before = form.saved_record
    qtbot.mouseClick(form.bar.amend, LEFT)
    form.after.notified_detail.setFocus()  # (p)'s details can be amended too
    form.after.notified_detail.selectAll()  # what the demo record said is typed over
    type_here(qtbot, "Sister told by phone the next morning")
    form.bar.reason.setFocus()
    type_here(qtbot, "Notification found after sign-off")
    with qtbot.waitSignal(manager.session.locked, timeout=10_000):
        manager.session.lock()
    with Store.open(folder, "demo.manager", passwords["demo.manager"]) as store, store.read() as r:
        kept = r.find(FormDraft, parent_id=signed.incident_id)
        still = r.get(UseOfForceIncident, signed.incident_id)
    assert [(d.form, d.status) for d in kept] == [(AMENDMENT_FORM, DraftStatus.OPEN)]
    assert still == before  # nothing changed on the signed-off record itself

    # someone else opening the record sees it as signed off, without the amendment
    nurse_page = open_page(qtbot, signed_in("demo.nurse"))
    theirs = open_form(qtbot, nurse_page, signed.incident_id)
    assert theirs.mode == "signed"
    assert theirs.after.notified_detail.text() == (before.care_plan_notification_detail or "")

    # the author signs in again: the amendment is back, with its reason, ready to save
    again = signed_in("demo.manager")
    manager_page = open_page(qtbot, again)
    mine = open_form(qtbot, manager_page, signed.incident_id)
    assert mine.mode == "amending"
    assert mine.after.notified_detail.text() == "Sister told by phone the next morning"
    assert mine.bar.reason.text() == "Notification found after sign-off"
    assert "was kept" in mine.bar.message.text()
    with qtbot.waitSignal(mine.record_saved, timeout=10_000):
        qtbot.mouseClick(mine.bar.save_amendment, LEFT)
    history = on_worker(qtbot, again, lambda store: history_of(store, signed.incident_id))
    assert history[-1].action is RevisionAction.AMEND
    assert history[-1].reason == "Notification found after sign-off"
    amended = stored(qtbot, again, signed.incident_id)
    assert amended is not None
    assert amended.care_plan_notification_detail == "Sister told by phone the next morning"
    assert [d.status for d in kept_beside(qtbot, again, signed.incident_id)] == [DraftStatus.CLOSED]


def test_a_cancelled_amendment_is_closed_and_not_offered_again(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    signed = next(r for r in page.model.rows() if r.status is IncidentStatus.SIGNED_OFF)
    form = open_form(qtbot, page, signed.incident_id)
    qtbot.mouseClick(form.bar.amend, LEFT)
    form.after.outcome.setFocus()
    key(qtbot, Qt.Key.Key_End, CTRL)
    with qtbot.waitSignal(form.amendment.saved, timeout=10_000):
        type_here(qtbot, " Bruise found later.")
    assert [d.form for d in kept_beside(qtbot, ctx, signed.incident_id)] == [AMENDMENT_FORM]
    qtbot.mouseClick(form.bar.cancel_amendment, LEFT)
    assert form.mode == "signed"
    assert not form.after.outcome.toPlainText().endswith("Bruise found later.")
    qtbot.mouseClick(form.bar.close_button, LEFT)
    assert [d.status for d in kept_beside(qtbot, ctx, signed.incident_id)] == [DraftStatus.CLOSED]
    again = open_form(qtbot, page, signed.incident_id)
    assert again.mode == "signed"
    assert not again.after.outcome.toPlainText().endswith("Bruise found later.")
