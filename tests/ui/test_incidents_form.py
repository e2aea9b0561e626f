"""The incident form driven as a nurse would: from empty to submitted with the completeness
panel shrinking to nothing, a full incident by keyboard alone, Tab through every input, and
drafts that survive closing the form and locking the window."""

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import (
    CarePlanNotification,
    IncidentStatus,
    RtRiskFactor,
    SeriousHarm,
)
from app.store.store import Store
from app.ui.incidents.page import IncidentsPage
from tests.ui.conftest import Passwords
from tests.ui.incident_steps import (
    answer_here,
    complete_patient,
    focused,
    key,
    new_form,
    open_page,
    stored,
    tab,
    type_here,
)

CTRL = Qt.KeyboardModifier.ControlModifier

#: What the nurse types into each field the panel leads to (by the field's accessible name).
ANSWERS = {
    "Incident end time": "now-5",
    "Reason for the use of force (code)": "10",
    "Reason for the use of force (narrative)": "Threw a chair towards another patient.",
    "How force was used": "Two staff held both arms, standing, for three minutes.",
    "Efforts made to avoid the need to use force": "Talked with him, offered the quiet room.",
    "Outcome": "Settled; observations normal afterwards.",
    "Did the patient die or suffer serious injury": "n",
    "Were the people in the care plan notified": "y",
    "Was anyone who is not unit staff involved": "n",
    "Post-incident debrief held with the patient": "y",
    "Post-incident debrief held with staff": "y",
    "Type of force 1: part of the care plan": "u",
    "Type of force 1: patient injured": "n",
    "Type of force 1: staff injured": "n",
    "Type of force 1: another person injured": "n",
    "Type of force 1: end time": "now-10",
}


def test_an_incident_from_empty_to_submitted_with_the_panel_shrinking_to_nothing(
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    patient = complete_patient(page)
    form = new_form(qtbot, page, patient.id)
    panel = form.missing
    first = [m.item for m in panel.model.items()]
    assert first[:3] == ["a", "b", "c"]  # the patient's own items are answered on their record
    assert not {"e", "g", "j", "k", "l"} & set(first)

    # submitting now is refused with the missing items listed, and the focus goes to (a)
    key(qtbot, Qt.Key.Key_Return, CTRL)
    assert "Not submitted" in form.bar.message.text()
    assert "(a) reason for the use of force" in form.bar.message.text()
    assert focused() is form.why.reason

    # a click on a line takes the focus to its field
    view = panel.view
    second = panel.model.index(1, 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(second).center()
    )
    assert focused() is form.when.place
    answer_here(qtbot, "Day room")
    type_here(qtbot, "now-30")  # the start was filled in with the time the form opened

    statutory_left = sum(m.statutory for m in panel.model.items())
    for _ in range(40):
        if not panel.model.rowCount():
            break
        view.setFocus()
        view.setCurrentIndex(panel.model.index(0, 0))
        key(qtbot, Qt.Key.Key_Return)  # Enter on the line: the focus goes to its field
        field = focused().accessibleName()
        if field == "Add a type of force":
            key(qtbot, Qt.Key.Key_Space)
            type_here(qtbot, "09")  # supine; it starts when the incident did
        elif field == "Add a member of staff who used force":
            type_here(qtbot, "Marcus")
            key(qtbot, Qt.Key.Key_Return)
        else:
            type_here(qtbot, ANSWERS[field])
        now_left = sum(m.statutory for m in panel.model.items())
        assert now_left <= statutory_left, f"answering {field} added a statutory item"
        statutory_left = now_left
    assert panel.model.rowCount() == 0
    assert not panel.view.isVisible()
    assert panel.heading.text().startswith("<b>Complete:</b>")

    with qtbot.waitSignal(form.record_saved, timeout=10_000):
        key(qtbot, Qt.Key.Key_Return, CTRL)
    saved = stored(qtbot, ctx, form.record_id)
    assert saved is not None
    assert saved.status is IncidentStatus.SUBMITTED
    assert saved.submitted_by is not None
    assert saved.submitted_by.name == "Priya Nair"
    assert [p.name for p in saved.staff_involved] == ["Marcus Bennett"]
    assert saved.staff_involved[0].job_title == "Senior staff nurse"  # filled in from the list
    assert form.mode == "read"  # the author cannot change a submitted record
    assert not form.why.reason.isEnabled()


def test_keyboard_only_entry_of_a_full_incident(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    patient = complete_patient(page)
    form = new_form(qtbot, page, patient.id)
    assert focused() is form.when.place  # the form opens ready to type

    answer_here(qtbot, "Corridor by the clinic")
    answer_here(qtbot, "now-40")  # start (the field was filled with now; typing replaces it)
    answer_here(qtbot, "now-5")  # end
    assert focused() is form.force.add
    key(qtbot, Qt.Key.Key_Space)

    # 1: standing hold, 4 minutes (its start is filled with the incident's)
    assert answer_here(qtbot, "07") is form.force.editors[0].kind
    assert focused().text() == form.when.start.editor.text()
    tab(qtbot)
    for typed in ("now-36", "u", "n", "n", "n"):
        answer_here(qtbot, typed)
    assert focused() is form.force.editors[0].remove
    tab(qtbot)
    key(qtbot, Qt.Key.Key_Space)

    # 2: prone for 12 minutes, over the 10-minute line (its start is where 1 ended)
    answer_here(qtbot, "01")
    prone = form.force.editors[1]
    assert prone.start.value() == form.force.editors[0].end.value()
    tab(qtbot)
    for typed in ("now-24", "u", "n", "y", "n"):
        answer_here(qtbot, typed)
    assert "Prone for 12 min — OVER the 10-minute line" in prone.timing.text()
    tab(qtbot)
    key(qtbot, Qt.Key.Key_Space)

    # 3: rapid tranquillisation, with its details and the post-RT observation clock
    answer_here(qtbot, "14")
    rt_use = form.force.editors[2]
    assert rt_use.rt.isVisible()
    for typed in ("now-28", "now-26", "u", "n", "n", "n"):
        answer_here(qtbot, typed)
    for typed in ("Lorazepam", "2", "m", "i", "Left outer thigh", "now-27", "y"):
        answer_here(qtbot, typed)
    tab(qtbot)  # past "maximum dose exceeded"
    key(qtbot, Qt.Key.Key_Space)  # asleep or sedated: checks every 15 minutes
    assert rt_use.rt.risks[RtRiskFactor.ASLEEP_OR_SEDATED].isChecked()
    assert "every 15 min (a risk factor applies)" in rt_use.rt.clock.text()
    tab(qtbot, 4)
    assert focused() is rt_use.remove
    tab(qtbot, 2)  # past "Add a type of force"

    for typed in (
        "10",
        "He threw a chair towards another patient in the corridor.",
        "Talked with him for ten minutes; offered the quiet room and oral medication.",
        "Standing hold by two staff, then prone on the floor, then an injection.",
    ):
        answer_here(qtbot, typed)
    assert focused() is form.people.staff.search
    for name in ("Priya", "Dev"):
        type_here(qtbot, name)
        key(qtbot, Qt.Key.Key_Return)
    tab(qtbot, 4)  # past "someone not on the staff list", the names and "remove"
    assert focused() is form.people.outsiders
    # "No — only unit staff" puts the who-and-why rows out of the way: Tab goes to the outcome
    for typed in ("n", "Asleep after the injection; observed.", "n", "", "y", ""):
        answer_here(qtbot, typed)
    for typed in ("n", "He was asleep; to be offered tomorrow.", "y"):
        answer_here(qtbot, typed)
    assert form.missing.model.rowCount() == 0, [str(m) for m in form.missing.model.items()]

    with qtbot.waitSignal(form.record_saved, timeout=10_000):
        key(qtbot, Qt.Key.Key_Return, CTRL)
    saved = stored(qtbot, ctx, form.record_id)
    assert saved is not None
    assert saved.status is IncidentStatus.SUBMITTED
    assert saved.location == "Corridor by the clinic"
    assert saved.duration is not None
    assert saved.duration.total_seconds() == 35 * 60
    assert [u.intervention_type for u in saved.force_uses] == [
        InterventionType.PHYSICAL_STANDING,
        InterventionType.PHYSICAL_PRONE,
        InterventionType.CHEMICAL_INJECTION_RT,
    ]
    assert saved.force_uses[1].staff_injured is True
    rt = saved.force_uses[2].rapid_tranquillisation
    assert rt is not None
    assert (rt.drug, rt.dose, rt.site) == ("Lorazepam", "2 mg", "Left outer thigh")
    assert rt.risk_factors == (RtRiskFactor.ASLEEP_OR_SEDATED,)
    assert saved.reason is InterventionReason.PREVENT_VIOLENCE_TO_OTHERS
    assert [(p.name, p.job_title) for p in saved.staff_involved] == [
        ("Priya Nair", "Staff nurse"),
        ("Dev Chauhan", "Healthcare support worker"),
    ]
    assert saved.non_staff_involved is False
    assert saved.serious_harm is SeriousHarm.NONE
    assert saved.care_plan_notification is CarePlanNotification.NOTIFIED
    review = saved.post_incident_review
    assert review.held_with_patient is False
    assert review.not_held_with_patient_reason == "He was asleep; to be offered tomorrow."
    assert review.held_with_staff is True


def test_tab_reaches_every_input_of_the_form_in_order(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    for code in ("07", "04", "14"):  # mechanical shows "authorised by", 14 the RT details
        form.force.add.setFocus()
        key(qtbot, Qt.Key.Key_Space)
        type_here(qtbot, code)
    expected = form.inputs()
    assert len(expected) > 60
    assert all(w.accessibleName() for w in expected)  # every control is named
    expected[0].setFocus()
    reached = [focused(), *(tab(qtbot) for _ in expected[1:])]
    assert [w.accessibleName() for w in reached] == [w.accessibleName() for w in expected]


def test_closing_the_form_keeps_the_draft_and_the_list_opens_it_again(
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    incident_id = form.record_id
    form.why.how.setFocus()
    type_here(qtbot, "Held by both arms while standing.")
    with qtbot.waitSignal(page.rows_loaded, timeout=10_000):
        qtbot.mouseClick(form.bar.close_button, Qt.MouseButton.LeftButton)
    assert page.form is None
    draft = stored(qtbot, ctx, incident_id)
    assert draft is not None
    assert draft.status is IncidentStatus.DRAFT
    assert draft.how_force_was_used == "Held by both arms while standing."
    row = next(i for i, r in enumerate(page.model.rows()) if r.incident_id == incident_id)
    assert page.model.index(row, 2).data() == "Draft"

    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(row, 0))
    with qtbot.waitSignal(page.form_opened, timeout=10_000) as opened:
        key(qtbot, Qt.Key.Key_Return)
    assert opened.args[0].why.how.toPlainText() == "Held by both arms while standing."


def test_a_locked_window_keeps_what_was_typed(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]
) -> None:
    folder, passwords = demo
    ctx = signed_in("demo.nurse")
    page = IncidentsPage(ctx, autosave_ms=600_000)  # only the lock can save it in time
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: bool(page.patients), timeout=10_000)
    form = new_form(qtbot, page, complete_patient(page).id)
    form.after.outcome.setFocus()
    type_here(qtbot, "Typed a moment before the window locked.")
    with qtbot.waitSignal(ctx.session.locked, timeout=10_000):
        ctx.session.lock()
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:
        draft = store.get(UseOfForceIncident, form.record_id)
    assert draft is not None
    assert draft.outcome == "Typed a moment before the window locked."


def test_a_time_that_is_not_a_time_is_said_in_words_and_not_kept(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    end = form.when.end
    end.editor.setFocus()
    type_here(qtbot, "25:00")
    assert end.value() is None
    assert "Not a time the record can hold" in end.meaning.text()
    assert "End: Not a time" in form.bar.hint.text()
    assert "b" in [m.item for m in form.missing.model.items()]
    end.editor.clear()
    type_here(qtbot, "now")
    assert end.value() is not None
    assert end.meaning.text().endswith(("GMT", "BST"))
    tab(qtbot)  # leaving the field: "now" becomes the time it meant
    assert end.editor.text() != "now"
    assert QApplication.focusWidget() is form.force.add


def test_removing_a_type_of_force_renumbers_the_rest(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    form.when.start.editor.setFocus()
    type_here(qtbot, "now-30")
    for code in ("07", "01", "09"):
        form.force.add.setFocus()
        key(qtbot, Qt.Key.Key_Space)
        type_here(qtbot, code)
    first = form.force.editors[0]
    first.remove.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    assert len(form.force.editors) == 2
    assert focused() is form.force.editors[0].kind  # the focus stays in the list of types
    assert [e.title() for e in form.force.editors] == ["Type of force 1", "Type of force 2"]
    assert focused().accessibleName() == "Type of force 1: type"
    assert form.force.editors[1].end.editor.accessibleName() == "Type of force 2: end time"
    assert [u.intervention_type for u in form.record().force_uses] == [
        InterventionType.PHYSICAL_PRONE,
        InterventionType.PHYSICAL_SUPINE,
    ]


def test_the_form_survives_a_larger_font(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    form.force.add.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    type_here(qtbot, "14")  # the rapid tranquillisation details too
    font = page.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    page.setFont(font)
    inputs = form.inputs()
    qtbot.waitUntil(
        lambda: all(w.height() >= w.minimumSizeHint().height() for w in inputs), timeout=5_000
    )
    assert form.scroller.widgetResizable()  # the form scrolls rather than squeezing
    assert form.missing.heading.wordWrap()


def test_alt_letters_do_not_collide_with_each_other_or_the_tabs(qtbot: QtBot, signed_in) -> None:
    """Every underlined letter on the screen leads to one place only, the tabs' included
    (W, P, H and A are taken by the other tabs; I and V by ours)."""
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    form.force.add.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    type_here(qtbot, "14")
    shown = [
        w.text()
        for w in page.findChildren(QLabel) + page.findChildren(QAbstractButton)
        if w.isVisibleTo(page) and "&" in w.text().replace("&&", "")
    ]
    letters = [re.search(r"&(\w)", text).group(1).lower() for text in shown]  # type: ignore[union-attr]
    assert len(letters) >= 12
    assert len(letters) == len(set(letters)), sorted(letters)
    assert not set(letters) & {"w", "p", "h", "a", "i", "v"}
    with qtbot.waitSignal(page.form_opened, timeout=10_000):  # Ctrl+N: a new record
        page.patient_choice.setFocus()
        page.patient_choice.set_value(complete_patient(page).id)
        key(qtbot, Qt.Key.Key_N, CTRL)
