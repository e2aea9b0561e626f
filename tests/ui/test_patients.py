"""The patients screen, driven as a nurse would: the list and its filter, the NHS number
checked as it is typed, adding and admitting a patient, changing demographics, discharge and
transfer out, the rules that refuse them, read-only for the administrator, and what happens to
unsaved changes when the window locks. Every save is checked on a fresh read of the store."""

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.models.base import Answer
from app.models.characteristics import (
    Disability,
    GenderReassignment,
    MaritalStatus,
    PregnancyMaternity,
    ReligionOrBelief,
    Sex,
    SexualOrientation,
)
from app.models.codes import EthnicCategory
from app.models.legal_status import LegalStatus
from app.models.patient import Patient
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.store.store import Store
from app.ui.patients.choices import set_instant
from app.ui.patients.loading import PatientRow
from app.ui.patients.model import Column, PatientFilter, PatientListModel
from tests.ui.conftest import Passwords
from tests.ui.patient_steps import (
    choose,
    first_row,
    fresh_nhs_numbers,
    open_page,
    patient_called,
    spells_of,
    taken_numbers,
)
from tests.ui.screen_steps import (
    WAIT,
    fixed_size,
    is_control,
    mnemonic,
    pick,
    read,
    type_into,
)

# ------------------------------------------------------------------------------------- model


def _row(name: str, nhs: str, *, on_ward: bool, recent: bool) -> PatientRow:
    return PatientRow(
        patient_id=uuid4(),
        name=name,
        nhs_number=nhs,
        date_of_birth="01/02/1990",
        legal_status="s.3",
        stay="On the ward since …" if on_ward else "Discharged …",
        on_ward=on_ward,
        recent=recent,
        search=f"{name.casefold()} {nhs.replace(' ', '')}",
    )


def test_the_list_model_and_its_filter_pass_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PatientListModel()
    proxy = PatientFilter(model)
    qtmodeltester.check(model)
    rows = (
        _row("EXAMPLE, Alex", "999 000 0018", on_ward=True, recent=True),
        _row("TESTER, Sam", "999 000 0026", on_ward=False, recent=True),
        _row("OLDER, Jo", "999 000 0034", on_ward=False, recent=False),
    )
    model.set_rows(rows)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 2  # the earlier patient waits for "include earlier"
    proxy.set_include_earlier(True)
    assert proxy.rowCount() == 3
    proxy.set_include_earlier(False)
    proxy.set_text("older")  # typing searches everyone
    assert [proxy.index(i, 0).data() for i in range(proxy.rowCount())] == ["OLDER, Jo"]
    proxy.set_text("999 000 002")
    assert [proxy.index(i, 0).data() for i in range(proxy.rowCount())] == ["TESTER, Sam"]
    qtmodeltester.check(proxy)
    model.set_rows(rows)  # same patients: updated in place
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


# -------------------------------------------------------------------------------------- list


def test_patients_on_the_ward_come_first_then_those_who_left_and_typing_filters(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    listed = [page.proxy.row_of(page.proxy.index(i, 0)) for i in range(page.proxy.rowCount())]
    on_ward = [r.on_ward for r in listed if r is not None]
    assert on_ward[0]
    assert not on_ward[-1]
    assert on_ward == sorted(on_ward, reverse=True)  # on the ward first
    earlier = page.model.rowCount() - page.proxy.rowCount()
    assert earlier > 0  # patients who left long ago are not listed at first
    qtbot.mouseClick(page.include_earlier, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == page.model.rowCount()

    someone = first_row(page, lambda r: r.on_ward)
    family = someone.name.split(",")[0].title()
    qtbot.keyClicks(page.search_box, family.lower())
    names = [page.proxy.index(i, 0).data() for i in range(page.proxy.rowCount())]
    assert someone.name in names
    assert all(family.upper() in n for n in names)
    page.search_box.clear()
    qtbot.keyClicks(page.search_box, someone.nhs_number[:7])  # "999 123" as on the wristband
    numbers = [page.proxy.index(i, Column.NHS_NUMBER).data() for i in range(page.proxy.rowCount())]
    assert someone.nhs_number in numbers
    assert all(n.startswith(someone.nhs_number[:7]) for n in numbers)
    page.search_box.clear()
    qtbot.keyClicks(page.search_box, "no such person at all")
    assert page.proxy.rowCount() == 0
    assert page.empty.isVisibleTo(page)


# ----------------------------------------------------------------------- the form's questions


def test_the_nhs_number_is_checked_as_typed_and_shown_3_3_4_once_valid(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.editor.form
    valid = fresh_nhs_numbers(taken_numbers(ctx), 1)[0]
    qtbot.keyClicks(form.nhs_number, valid[:6])
    assert form.nhs_check.text() == "NHS number: must be 10 digits (not valid yet)"
    qtbot.keyClicks(form.nhs_number, valid[6:])
    assert form.nhs_number.text() == f"{valid[:3]} {valid[3:6]} {valid[6:]}"
    assert form.nhs_check.text() == "NHS number: valid (the check digit matches)"
    wrong = valid[:9] + str((int(valid[9]) + 1) % 10)
    type_into(qtbot, form.nhs_number, wrong)
    assert "check digit does not match" in form.nhs_check.text()
    assert form.nhs_check.text().startswith("NHS number:")
    assert wrong not in form.nhs_check.text()  # the rule, never what was typed
    type_into(qtbot, form.nhs_number, "99912x")
    assert form.nhs_check.text() == "NHS number: must contain digits only (not valid yet)"


CHARACTERISTIC_OPTIONS: dict[str, type[Any]] = {
    "sex": Sex,
    "ethnicity": EthnicCategory,
    "disability": Disability,
    "gender_reassignment": GenderReassignment,
    "marriage_civil_partnership": MaritalStatus,
    "pregnancy_maternity": PregnancyMaternity,
    "religion_or_belief": ReligionOrBelief,
    "sexual_orientation": SexualOrientation,
}


def test_every_characteristic_offers_not_stated_and_not_known_and_nothing_is_preselected(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    qtbot.keyClick(page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.editor.form
    assert page.editor.new_id is not None
    assert set(form.characteristics) == set(CHARACTERISTIC_OPTIONS)
    for field, kind in CHARACTERISTIC_OPTIONS.items():
        box = form.characteristics[field]
        assert box.options() == [None, *kind], field  # the model's own list, in its order
        assert box.value() is None, field
        labels = [box.itemText(i) for i in range(box.count())]
        assert any(label.startswith("Not stated") for label in labels), field
        assert any(label.startswith("Not known") for label in labels), field
    for box in (form.legal_status, form.mental_disorder, form.learning_disability, form.autism):
        assert box.value() is None
    assert form.legal_status.options() == [None, *LegalStatus]
    assert form.autism.options() == [None, *Answer]
    assert form.date_of_birth.text() == ""
    assert not form.date_of_birth_not_known.isChecked()


# ------------------------------------------------------------------------ adding a patient


def test_a_new_patient_is_saved_and_admitted_with_enter(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.editor.form
    number = fresh_nhs_numbers(taken_numbers(ctx), 1)[0]
    assert form.given_name.hasFocus()  # ready to type
    qtbot.keyClicks(form.given_name, "Robin")
    qtbot.keyClicks(form.family_name, "Testfield")
    qtbot.keyClicks(form.date_of_birth, "14/07/1991")
    qtbot.keyClicks(form.nhs_number, number)
    pick(qtbot, form.legal_status, LegalStatus.S2)
    pick(qtbot, form.mental_disorder, "not_known")
    pick(qtbot, form.learning_disability, Answer.NO)
    pick(qtbot, form.characteristics["sex"], Sex.NOT_STATED)
    pick(qtbot, form.characteristics["ethnicity"], EthnicCategory.NOT_KNOWN)
    assert "(k) patient's protected characteristics" in form.missing.text()
    with qtbot.waitSignals([page.editor.saved, page.editor.stay_saved], timeout=WAIT):
        qtbot.keyClick(form.family_name, Qt.Key.Key_Return)
    assert form.error.text() == ""

    saved = patient_called(ctx, "Testfield")
    assert saved.given_name == "Robin"
    assert saved.nhs_number == number
    assert saved.ward_id == ctx.ward_id
    assert saved.legal_status is LegalStatus.S2
    assert saved.mental_disorder is not None
    assert not saved.mental_disorder.known
    assert saved.learning_disability is Answer.NO
    assert saved.autism is None  # never answered, never guessed
    assert saved.characteristics.sex is Sex.NOT_STATED
    assert saved.characteristics.ethnicity is EthnicCategory.NOT_KNOWN
    assert saved.characteristics.religion_or_belief is None
    [spell] = spells_of(ctx, saved.id)
    assert spell.is_open
    assert spell.ward_id == ctx.ward_id
    qtbot.waitUntil(
        lambda: (
            page.model.row_number(saved.id) is not None
            and page.editor.detail is not None
            and page.editor.detail.open_stay is not None
        ),
        timeout=WAIT,
    )
    row = page.model.row_of(page.model.index(page.model.row_number(saved.id) or 0, 0))
    assert row is not None
    assert row.on_ward
    assert row.nhs_number == f"{number[:3]} {number[3:6]} {number[6:]}"


def test_a_refused_save_names_the_field_and_rule_and_keeps_what_was_typed(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    editor, form = page.editor, page.editor.form
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(form.given_name, Qt.Key.Key_Return)  # nothing to tell them apart by
    assert "family name: a patient needs a name, an NHS number or a local identifier" in (
        form.error.text()
    )
    qtbot.keyClicks(form.family_name, "Testfield")
    qtbot.keyClicks(form.date_of_birth, "31/02/1990")
    qtbot.keyClick(form.family_name, Qt.Key.Key_Return)
    assert form.error.text() == "date of birth: is not a date on the calendar"
    type_into(qtbot, form.date_of_birth, "14/07/1991")
    existing = next(iter(sorted(taken_numbers(ctx))))
    qtbot.keyClicks(form.nhs_number, existing)  # someone else's
    qtbot.keyClick(form.nhs_number, Qt.Key.Key_Return)
    assert form.error.text().startswith("NHS number: another patient on this PC has this")
    type_into(qtbot, form.nhs_number, fresh_nhs_numbers(taken_numbers(ctx), 1)[0])
    set_instant(editor.admit_at, datetime.now(UTC) + timedelta(days=2))
    qtbot.keyClick(form.nhs_number, Qt.Key.Key_Return)
    assert "admitted at: must not be in the future" in form.error.text()
    # nothing typed was lost, and nothing was saved
    assert form.family_name.text() == "Testfield"
    assert form.date_of_birth.text() == "14/07/1991"
    assert read(ctx, lambda r: [p for p in r.find(Patient) if p.family_name == "Testfield"]) == []
    set_instant(editor.admit_at, datetime.now(UTC) - timedelta(hours=1))
    with qtbot.waitSignal(editor.stay_saved, timeout=WAIT):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert patient_called(ctx, "Testfield").date_of_birth is not None


# --------------------------------------------------------------------- changing a patient


def test_changes_to_a_patient_are_saved_on_the_version_they_started_from(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    page = open_page(qtbot, ctx)
    someone = first_row(page, lambda r: r.on_ward)
    choose(qtbot, page, someone.name)
    form = page.editor.form
    before = read(ctx, lambda r: r.state(someone.patient_id))
    assert before is not None
    pick(qtbot, form.legal_status, LegalStatus.S37_41)
    pick(qtbot, form.characteristics["sexual_orientation"], SexualOrientation.NOT_STATED)
    type_into(qtbot, form.local_identifier, "BF000123")
    assert page.editor.dirty
    orientation = form.characteristics["sexual_orientation"]
    orientation.setFocus()
    with qtbot.waitSignal(page.editor.saved, timeout=WAIT) as saved:
        qtbot.keyClick(orientation, Qt.Key.Key_Return)  # Enter saves from a list too
    after = read(ctx, lambda r: r.get(Patient, someone.patient_id))
    assert after is not None
    assert after.legal_status is LegalStatus.S37_41
    assert after.characteristics.sexual_orientation is SexualOrientation.NOT_STATED
    assert after.local_identifier == "BF000123"
    assert after.care_plan_contacts == before.record.care_plan_contacts  # kept, not on the form
    history = read(ctx, lambda r: r.history(someone.patient_id))
    assert history[-1].revision_id == saved.args[0].revision_id
    assert history[-1].parents == (before.revision_id,)  # the change named its base
    assert not page.editor.dirty
    qtbot.waitUntil(
        lambda: (
            page.model.row_of(
                page.model.index(page.model.row_number(someone.patient_id) or 0, 0)
            ).legal_status  # type: ignore[union-attr]
            == "s.37/41"
        ),
        timeout=WAIT,
    )


def test_unsaved_changes_keep_the_form_when_another_patient_is_asked_for(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    first = first_row(page, lambda r: r.on_ward)
    other = first_row(page, lambda r: r.on_ward and r.patient_id != first.patient_id)
    choose(qtbot, page, first.name)
    type_into(qtbot, page.editor.form.given_name, "Changed")
    page.show_patient(other.patient_id)  # as when the board asks for someone
    assert page.editor.current_id == first.patient_id
    assert page.editor.form.given_name.text() == "Changed"
    assert "Save or discard the changes" in page.editor.form.error.text()
    qtbot.mouseClick(page.editor.discard_button, Qt.MouseButton.LeftButton)
    assert not page.editor.dirty
    with qtbot.waitSignal(page.editor.loaded, timeout=WAIT):
        page.show_patient(other.patient_id)
    assert page.editor.current_id == other.patient_id
    selected = page.table.selectionModel().selectedRows()
    assert [page.proxy.row_of(i).patient_id for i in selected] == [other.patient_id]  # type: ignore[union-attr]


def test_typing_in_the_filter_never_changes_who_is_shown(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    first = first_row(page, lambda r: r.on_ward)
    second = first_row(page, lambda r: r.on_ward and r.patient_id != first.patient_id)
    choose(qtbot, page, first.name)
    qtbot.keyClicks(page.search_box, second.name.split(",")[0].lower())  # hides the row shown
    assert page.editor.current_id == first.patient_id
    assert page.table.selectionModel().selectedRows() == []
    qtbot.mouseClick(page.include_earlier, Qt.MouseButton.LeftButton)
    page.search_box.clear()
    assert page.editor.current_id == first.patient_id
    [selected] = page.table.selectionModel().selectedRows()
    assert page.proxy.row_of(selected).patient_id == first.patient_id  # type: ignore[union-attr]


def test_show_patient_finds_someone_who_left_long_ago(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    rows = [page.model.row_of(page.model.index(i, 0)) for i in range(page.model.rowCount())]
    long_gone = next(r for r in rows if r is not None and not r.recent)
    with qtbot.waitSignal(page.editor.loaded, timeout=WAIT):
        page.show_patient(long_gone.patient_id)
    assert page.include_earlier.isChecked()
    assert page.editor.current_id == long_gone.patient_id
    assert page.editor.stays.admit.isVisibleTo(page)  # they can be admitted again


# --------------------------------------------------------------------------------- stays


def test_discharge_ends_the_stay(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    busy = read(
        ctx, lambda r: {e.patient_id for e in r.find(SeclusionEpisode, statuses=["active"])}
    )
    busy |= read(ctx, lambda r: {e.patient_id for e in r.find(LtsEpisode, statuses=["active"])})
    someone = first_row(page, lambda r: r.on_ward and r.patient_id not in busy)
    choose(qtbot, page, someone.name)
    stays = page.editor.stays
    assert stays.discharge.isVisibleTo(page)
    assert not stays.admit.isVisibleTo(page)
    qtbot.mouseClick(stays.discharge, Qt.MouseButton.LeftButton)
    panel = page.editor.panel
    assert panel.isVisibleTo(page)
    assert not panel.destination.isVisibleTo(page)
    with qtbot.waitSignal(page.editor.stay_saved, timeout=WAIT):
        qtbot.keyClick(panel.when, Qt.Key.Key_Return)  # Enter confirms
    spells = spells_of(ctx, someone.patient_id)
    assert not any(s.is_open for s in spells)
    assert spells[-1].transferred_to is None
    qtbot.waitUntil(lambda: "Discharged" in page.editor.status.text(), timeout=WAIT)
    assert stays.admit.isVisibleTo(page)
    assert page.editor.note.text() == "Discharge recorded."


def test_a_transfer_out_says_where_to(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    page = open_page(qtbot, ctx)
    busy = read(
        ctx, lambda r: {e.patient_id for e in r.find(SeclusionEpisode, statuses=["active"])}
    )
    busy |= read(ctx, lambda r: {e.patient_id for e in r.find(LtsEpisode, statuses=["active"])})
    someone = first_row(page, lambda r: r.on_ward and r.patient_id not in busy)
    choose(qtbot, page, someone.name)
    panel = page.editor.panel
    qtbot.mouseClick(page.editor.stays.transfer, Qt.MouseButton.LeftButton)
    qtbot.keyClick(panel.destination, Qt.Key.Key_Return)
    assert panel.error.text() == "transferred to: say which ward or hospital the patient went to"
    assert any(s.is_open for s in spells_of(ctx, someone.patient_id))
    qtbot.keyClicks(panel.destination, "Oak PICU, Brackenfold")
    with qtbot.waitSignal(page.editor.stay_saved, timeout=WAIT):
        qtbot.keyClick(panel.destination, Qt.Key.Key_Return)
    last = spells_of(ctx, someone.patient_id)[-1]
    assert last.transferred_to == "Oak PICU, Brackenfold"
    assert last.discharged_at is not None
    qtbot.waitUntil(
        lambda: "Transferred to Oak PICU, Brackenfold" in page.editor.status.text(), timeout=WAIT
    )


@pytest.mark.parametrize(
    ("kind", "words"), [(SeclusionEpisode, "seclusion"), (LtsEpisode, "long-term segregation")]
)
def test_a_patient_in_seclusion_or_lts_is_not_discharged_until_it_ends(
    qtbot: QtBot, signed_in, kind: type[SeclusionEpisode | LtsEpisode], words: str
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    episode = read(ctx, lambda r: r.find(kind, statuses=["active"])[0])
    row = page.model.row_of(page.model.index(page.model.row_number(episode.patient_id) or 0, 0))
    assert row is not None
    choose(qtbot, page, row.name)
    assert "In seclusion now" in page.editor.status.text() or "segregation" in (
        page.editor.status.text()
    )
    qtbot.mouseClick(page.editor.stays.discharge, Qt.MouseButton.LeftButton)
    panel = page.editor.panel
    assert "record its end first" in panel.intro.text()
    qtbot.keyClick(panel.when, Qt.Key.Key_Return)
    assert panel.error.text().startswith(f"discharged at: {words} of this patient")
    assert "record its end first" in panel.error.text()
    assert any(s.is_open for s in spells_of(ctx, episode.patient_id))
    qtbot.keyClick(panel.when, Qt.Key.Key_Escape)
    assert not panel.isVisibleTo(page)


def test_someone_who_left_is_admitted_again(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    someone = first_row(page, lambda r: not r.on_ward)
    choose(qtbot, page, someone.name)
    assert not page.editor.stays.discharge.isVisibleTo(page)
    qtbot.mouseClick(page.editor.stays.admit, Qt.MouseButton.LeftButton)
    panel = page.editor.panel
    set_instant(panel.when, datetime(2000, 1, 1, 12, tzinfo=UTC))  # before they last left
    qtbot.keyClick(panel.when, Qt.Key.Key_Return)
    assert panel.error.text().startswith("admitted at: must not be before the patient left")
    set_instant(panel.when, datetime.now(UTC) - timedelta(minutes=10))
    with qtbot.waitSignal(page.editor.stay_saved, timeout=WAIT):
        qtbot.mouseClick(panel.confirm, Qt.MouseButton.LeftButton)
    spells = spells_of(ctx, someone.patient_id)
    assert spells[-1].is_open
    assert sum(s.is_open for s in spells) == 1
    qtbot.waitUntil(lambda: page.editor.stays.discharge.isVisibleTo(page), timeout=WAIT)


# ------------------------------------------------------------------- who may, and locking


def test_the_administrator_sees_the_list_read_only(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    assert page.proxy.rowCount() > 0
    assert page.read_only_note.isVisibleTo(page)
    assert not page.new_button.isVisibleTo(page)
    someone = first_row(page, lambda r: r.on_ward)
    choose(qtbot, page, someone.name)
    editor = page.editor
    assert not editor.save_button.isVisibleTo(page)
    assert not any(
        b.isVisibleTo(page)
        for b in (editor.stays.admit, editor.stays.transfer, editor.stays.discharge)
    )
    assert all(edit.isReadOnly() for edit in editor.form.line_edits())
    assert not any(box.isEnabled() for box in editor.form.choice_boxes())
    before = read(ctx, lambda r: r.state(someone.patient_id))
    qtbot.keyClick(editor.form.given_name, Qt.Key.Key_Return)
    qtbot.keyClick(page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor.new_id is None
    ctx.runner.wait_idle()
    assert read(ctx, lambda r: r.state(someone.patient_id)) == before


def test_locking_hands_an_unsaved_change_to_the_store_and_clears_the_screen(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    someone = first_row(page, lambda r: r.on_ward)
    choose(qtbot, page, someone.name)
    type_into(qtbot, page.editor.form.local_identifier, "LOCKED-1")
    with qtbot.waitSignal(ctx.session.locked, timeout=WAIT):
        ctx.session.lock()
    assert page.model.rowCount() == 0
    assert page.editor.form.local_identifier.text() == ""
    assert page.editor.heading.text() == ""
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:
        saved = store.get(Patient, someone.patient_id)
    assert saved is not None
    assert saved.local_identifier == "LOCKED-1"


# --------------------------------------------------------------------------- accessibility


def test_every_control_is_named_and_mnemonics_do_not_clash(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, first_row(page, lambda r: r.on_ward).name)
    unnamed = [
        f"{type(w).__name__} {w.objectName()}"
        for w in page.findChildren(QWidget)
        if is_control(w) and not w.accessibleName()
    ]
    assert unnamed == []
    letters = [
        mnemonic(w.text())
        for w in page.findChildren(QWidget)
        if isinstance(w, QLabel | QAbstractButton | QCheckBox) and w.isVisibleTo(page)
    ]
    used = [letter for letter in letters if letter]
    assert len(used) == len(set(used)), sorted(used)
    assert {"n", "s", "e"} <= set(used)  # New patient, Save, include Earlier


def test_tab_moves_through_the_form_in_reading_order(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.editor.form
    expected = [
        form.given_name,
        form.family_name,
        form.local_identifier,
        form.date_of_birth,
        form.date_of_birth_not_known,
        form.nhs_number,
        form.legal_status,
    ]
    qtbot.waitUntil(form.given_name.hasFocus)
    for here, after in itertools.pairwise(expected):
        assert here.hasFocus(), here.accessibleName()
        qtbot.keyClick(here, Qt.Key.Key_Tab)
        assert after.hasFocus(), f"{here.accessibleName()} → {after.accessibleName()}"


def test_larger_fonts_grow_the_screen_rather_than_cut_words_off(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    normal = app.font()
    ctx = signed_in("demo.nurse")
    small = open_page(qtbot, ctx)
    small_hint = small.editor.form.sizeHint()
    big_font = QFont(normal)
    big_font.setPointSizeF(normal.pointSizeF() * 2)
    app.setFont(big_font)
    try:
        big = open_page(qtbot, ctx)
        big_hint = big.editor.form.sizeHint()
        assert big_hint.height() > small_hint.height() * 1.3  # margins stay, text doubles
        assert big_hint.width() > small_hint.width() * 1.3
        fixed = [w.accessibleName() for w in big.findChildren(QWidget) if fixed_size(w)]
        assert fixed == []
    finally:
        app.setFont(normal)


def test_record_a_use_of_force_asks_for_a_new_incident_for_the_patient(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    someone = first_row(page, lambda r: r.on_ward)
    choose(qtbot, page, someone.name)
    with qtbot.waitSignal(ctx.navigator.new_incident_requested) as asked:
        qtbot.mouseClick(page.editor.new_incident, Qt.MouseButton.LeftButton)
    assert asked.args == [someone.patient_id]
