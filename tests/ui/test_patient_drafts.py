"""The patients screen when the window locks: edits that break a rule of the record (an NHS
number half typed) cannot be saved as a patient revision, so they are kept as a draft and come
back into the form, with the rule's message, when the same person opens the patient again; a
new patient not yet confirmed is kept the same way and admitted only when they save it; valid
edits are saved as the patient's next version, as before. Checked in the store each time."""

from pathlib import Path
from uuid import UUID

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.admission import HospitalSpell
from app.models.form_draft import DraftStatus, FormDraft
from app.models.patient import Patient
from app.store.records import RecordReader
from app.ui.patients.kept_details import ADMIT_KEY, PATIENT_DRAFT
from app.ui.patients.page import PatientsPage
from tests.ui.conftest import Passwords
from tests.ui.lock_steps import WAIT, after_lock, open_tab, sign_in
from tests.ui.patient_steps import (
    choose,
    first_row,
    fresh_nhs_numbers,
    open_page,
    taken_numbers,
)
from tests.ui.screen_steps import read, type_into

HALF_TYPED = "999 12"


def _patient_drafts(reader: RecordReader, patient_id: UUID) -> list[FormDraft]:
    found = reader.find(FormDraft, patient_id=patient_id)
    return [d for d in found if d.form == PATIENT_DRAFT]


def _patients_tab(qtbot: QtBot, window) -> PatientsPage:  # type: ignore[no-untyped-def]
    page = open_tab(window, "Patients", PatientsPage)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT)
    return page


def test_a_half_typed_nhs_number_is_kept_at_lock_now_and_comes_back_with_its_rule(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    window = make_window(folder)
    sign_in(qtbot, window, "demo.nurse", passwords)
    page = _patients_tab(qtbot, window)
    someone = first_row(page, lambda r: r.on_ward and bool(r.nhs_number))
    choose(qtbot, page, someone.name)
    form = page.editor.form
    type_into(qtbot, form.local_identifier, "KEPT-7")
    type_into(qtbot, form.nhs_number, HALF_TYPED)
    assert "not valid yet" in form.nhs_check.text()
    with qtbot.waitSignal(window.session.locked, timeout=WAIT):
        # Lock now, pressed while the cursor is still in the field
        qtbot.keyClick(form.nhs_number, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    patient, drafts = after_lock(
        folder,
        passwords,
        "demo.nurse",
        lambda r: (r.get(Patient, someone.patient_id), _patient_drafts(r, someone.patient_id)),
    )
    assert patient is not None
    assert patient.nhs_number_display == someone.nhs_number  # nothing half typed was saved
    assert patient.local_identifier != "KEPT-7"  # one record per action: all or nothing
    [draft] = drafts
    assert draft.is_open
    assert draft.values == {"nhs_number": HALF_TYPED, "local_identifier": "KEPT-7"}

    # a colleague who opens the patient sees the record, not someone else's typing
    sign_in(qtbot, window, "demo.manager", passwords)
    page = _patients_tab(qtbot, window)
    choose(qtbot, page, someone.name)
    assert page.editor.form.nhs_number.text() == someone.nhs_number
    assert not page.editor.dirty
    with qtbot.waitSignal(window.session.locked, timeout=WAIT):
        window.switch_action.trigger()

    # the person who typed it opens the patient again: it is back, with the rule it breaks
    sign_in(qtbot, window, "demo.nurse", passwords)
    page = _patients_tab(qtbot, window)
    choose(qtbot, page, someone.name)
    form = page.editor.form
    assert form.nhs_number.text() == HALF_TYPED
    assert form.local_identifier.text() == "KEPT-7"
    assert "nhs number: must be 10 digits" in form.error.text()  # the rule, as on saving
    assert "not valid yet" in form.nhs_check.text()
    assert "kept" in page.editor.note.text()
    assert page.editor.dirty

    number = fresh_nhs_numbers(taken_numbers(page.editor._ctx), 1)[0]
    type_into(qtbot, form.nhs_number, number)
    with qtbot.waitSignal(page.editor.saved, timeout=WAIT):
        qtbot.keyClick(form.nhs_number, Qt.Key.Key_Return)
    ctx = page.editor._ctx
    saved = read(ctx, lambda r: r.get(Patient, someone.patient_id))
    assert saved is not None
    assert saved.nhs_number == number
    assert saved.local_identifier == "KEPT-7"
    drafts = read(ctx, lambda r: _patient_drafts(r, someone.patient_id))
    assert [d.status for d in drafts] == [DraftStatus.CLOSED]  # closed, not deleted


def test_a_new_patient_not_yet_saved_is_kept_not_admitted_and_comes_back_on_new_patient(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.editor.form
    new_id = page.editor.new_id
    assert new_id is not None
    qtbot.keyClicks(form.given_name, "Robin")
    qtbot.keyClicks(form.family_name, "Keptfield")
    qtbot.keyClicks(form.date_of_birth, "14/07/19")  # half typed
    with qtbot.waitSignal(ctx.session.locked, timeout=WAIT):
        ctx.session.lock()

    again = signed_in("demo.nurse")
    assert read(again, lambda r: r.get(Patient, new_id)) is None  # nobody was confirmed
    assert read(again, lambda r: r.find(HospitalSpell, patient_id=new_id)) == []
    [draft] = read(again, lambda r: _patient_drafts(r, new_id))
    assert draft.is_open
    assert draft.values["family_name"] == "Keptfield"
    assert ADMIT_KEY in draft.values

    page = open_page(qtbot, again)
    assert page.kept_new_note.isVisibleTo(page)
    assert "New patient (Ctrl+N) carries on with it" in page.kept_new_note.text()
    qtbot.keyClick(page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.editor.form
    assert page.editor.new_id == new_id
    assert form.given_name.text() == "Robin"
    assert form.family_name.text() == "Keptfield"
    assert form.date_of_birth.text() == "14/07/19"
    assert form.error.text() == "date of birth: must be a date written dd/mm/yyyy"
    assert not page.kept_new_note.isVisibleTo(page)

    type_into(qtbot, form.date_of_birth, "14/07/1991")
    with qtbot.waitSignals([page.editor.saved, page.editor.stay_saved], timeout=WAIT):
        qtbot.mouseClick(page.editor.save_button, Qt.MouseButton.LeftButton)
    saved = read(again, lambda r: r.get(Patient, new_id))
    assert saved is not None
    assert saved.family_name == "Keptfield"
    [spell] = read(again, lambda r: r.find(HospitalSpell, patient_id=new_id))
    assert spell.is_open
    drafts = read(again, lambda r: _patient_drafts(r, new_id))
    assert [d.status for d in drafts] == [DraftStatus.CLOSED]


def test_valid_edits_are_saved_at_the_lock_and_the_draft_kept_while_typing_closes(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    someone = first_row(page, lambda r: r.on_ward)
    choose(qtbot, page, someone.name)
    with qtbot.waitSignal(page.editor.draft.saved, timeout=WAIT):  # kept a moment later
        type_into(qtbot, page.editor.form.local_identifier, "VALID-9")
    [open_draft] = read(ctx, lambda r: _patient_drafts(r, someone.patient_id))
    assert open_draft.values == {"local_identifier": "VALID-9"}
    with qtbot.waitSignal(ctx.session.locked, timeout=WAIT):
        ctx.session.lock()

    again = signed_in("demo.nurse")
    saved = read(again, lambda r: r.get(Patient, someone.patient_id))
    assert saved is not None
    assert saved.local_identifier == "VALID-9"  # saved as the patient's next version
    drafts = read(again, lambda r: _patient_drafts(r, someone.patient_id))
    assert [d.status for d in drafts] == [DraftStatus.CLOSED]
    page = open_page(qtbot, again)
    choose(qtbot, page, someone.name)
    assert not page.editor.dirty
    assert page.editor.note.text() == ""
