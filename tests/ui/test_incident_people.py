"""Who was involved and who was told, driven through the incident form's widgets: several
people not unit staff, each with why (item (i)), added, edited and removed by keyboard; a member
of staff not on the staff list named with their job title and role (item (h)); notification
under the care plan with its details (item (p))."""

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.incident_parts import CarePlanNotification, NonStaffInvolvement
from app.models.refs import ClinicalRole
from tests.ui.incident_draft_steps import values_hold
from tests.ui.incident_steps import (
    answer_here,
    complete_patient,
    focused,
    key,
    new_form,
    open_form,
    open_page,
    stored,
    tab,
    type_here,
)

LEFT = Qt.MouseButton.LeftButton


# -- several people not unit staff, each with why (item (i)) -------------------------------


def test_several_people_not_unit_staff_are_added_edited_and_removed_by_keyboard(
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    people = form.people
    people.outsiders.setFocus()
    answer_here(qtbot, "y")
    first = people.outsider_list.rows[0]
    assert focused() is first.who
    assert first.who.accessibleName() == "Person not unit staff 1: who"
    answer_here(qtbot, "Police")
    answer_here(qtbot, "He had a weapon")
    assert focused() is first.remove
    tab(qtbot)
    assert focused() is people.outsider_list.add
    key(qtbot, Qt.Key.Key_Space)  # another person: the focus goes to their "who"
    second = people.outsider_list.rows[1]
    assert focused() is second.who
    assert second.why.accessibleName() == "Person not unit staff 2: why they were involved"
    answer_here(qtbot, "Ambulance crew")
    with qtbot.waitSignal(form.autosave.saved, timeout=10_000):
        answer_here(qtbot, "Took him to the emergency department")
    assert all(w.accessibleName() for w in people.inputs())
    assert [w for w in form.inputs() if w in people.outsider_list.inputs()] == [
        first.who,
        first.why,
        first.remove,
        second.who,
        second.why,
        second.remove,
        people.outsider_list.add,
    ]
    saved = stored(qtbot, ctx, form.record_id)
    assert saved is not None
    assert saved.non_staff_involvement == (
        NonStaffInvolvement(who="Police", reason="He had a weapon"),
        NonStaffInvolvement(who="Ambulance crew", reason="Took him to the emergency department"),
    )
    assert "i" not in [m.item for m in form.missing.model.items()]

    # edit the first person's reason, then remove them: the second is now number 1
    first.why.setFocus()
    key(qtbot, Qt.Key.Key_End)
    type_here(qtbot, " and would not drop it")
    first.remove.setFocus()
    with qtbot.waitSignal(form.autosave.saved, timeout=10_000):
        key(qtbot, Qt.Key.Key_Space)
    assert focused() is second.who
    assert second.who.accessibleName() == "Person not unit staff 1: who"
    left = stored(qtbot, ctx, form.record_id)
    assert left is not None
    assert [e.who for e in left.non_staff_involvement] == ["Ambulance crew"]

    # opened again, every person is shown
    qtbot.mouseClick(form.bar.close_button, LEFT)
    rows = open_form(qtbot, page, form.record_id).people.outsider_list.rows
    assert [(r.who.text(), r.why.text()) for r in rows] == [
        ("Ambulance crew", "Took him to the emergency department")
    ]


def test_a_person_not_unit_staff_with_only_who_is_said_and_kept(qtbot: QtBot, signed_in) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    outsiders = form.people.outsider_list
    outsiders.rows[0].who.setFocus()
    type_here(qtbot, "Security from the main hospital")
    assert form.people.outsiders.value() is True  # naming someone answers the question
    assert "Person not unit staff 1: say who and why" in form.bar.hint.text()
    assert "i" in [m.item for m in form.missing.model.items()]
    with qtbot.waitSignal(
        form.unfinished.saved,
        timeout=10_000,
        check_params_cb=lambda r: values_hold(r, who="Security from the main hospital"),
    ):
        form.save_now()
    qtbot.mouseClick(form.bar.close_button, LEFT)
    again = open_form(qtbot, page, form.record_id)
    assert again.people.outsider_list.rows[0].who.text() == "Security from the main hospital"
    again.go_to(next(m for m in again.missing.model.items() if m.item == "i"))
    assert focused() is again.people.outsider_list.rows[0].why


# -- a member of staff not on the staff list (item (h)) --------------------------------------


def test_a_bank_nurse_not_on_the_staff_list_is_named_with_their_job_title(
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    picker = form.people.staff
    picker.search.setFocus()
    type_here(qtbot, "Jo Bloggs")
    key(qtbot, Qt.Key.Key_Return)
    assert "Someone not on the staff list" in picker.note.text()
    assert tab(qtbot) is picker.other
    key(qtbot, Qt.Key.Key_Space)
    box = picker.other_box
    assert box.isVisible()
    assert box.name.text() == "Jo Bloggs"  # what was typed is carried over
    assert focused() is box.job_title
    key(qtbot, Qt.Key.Key_Return)  # no job title yet: refused, naming what is missing
    assert "their job title" in box.message.text()
    assert "their role" in box.message.text()
    assert picker.count() == 0
    answer_here(qtbot, "Agency staff nurse")
    assert focused() is box.role
    answer_here(qtbot, "Reg")  # typing picks "Registered nurse"
    assert focused() is box.add
    with qtbot.waitSignal(form.autosave.saved, timeout=10_000):
        key(qtbot, Qt.Key.Key_Space)
    assert not box.isVisible()
    assert focused() is picker.search
    assert picker.chosen.item(0).text() == ("Jo Bloggs, Agency staff nurse (not on the staff list)")
    saved = stored(qtbot, ctx, form.record_id)
    assert saved is not None
    (person,) = saved.staff_involved
    assert (person.name, person.job_title, person.role, person.staff_id) == (
        "Jo Bloggs",
        "Agency staff nurse",
        ClinicalRole.REGISTERED_NURSE,
        None,
    )
    assert "h" not in [m.item for m in form.missing.model.items()]

    # the same person twice is refused; someone from the list still goes in beside them
    qtbot.mouseClick(picker.other, LEFT)
    for field, text in ((box.name, "jo  bloggs"), (box.job_title, "Agency Staff Nurse")):
        field.setFocus()
        type_here(qtbot, text)
    box.role.set_value(ClinicalRole.REGISTERED_NURSE)
    qtbot.mouseClick(box.add, LEFT)
    assert "already named" in box.message.text()
    key(qtbot, Qt.Key.Key_Escape)
    assert not box.isVisible()
    picker.search.setFocus()
    type_here(qtbot, "Marcus")
    key(qtbot, Qt.Key.Key_Return)
    assert [p.name for p in form.record().staff_involved] == ["Jo Bloggs", "Marcus Bennett"]


def test_someone_not_on_the_list_typed_but_not_added_is_kept_with_the_draft(
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    picker = form.people.staff
    picker.other.setFocus()
    key(qtbot, Qt.Key.Key_Space)
    answer_here(qtbot, "Sam Okafor")
    type_here(qtbot, "Bank healthcare assistant")
    with qtbot.waitSignal(
        form.unfinished.saved,
        timeout=10_000,
        check_params_cb=lambda r: values_hold(r, job_title="Bank healthcare assistant"),
    ):
        form.save_now()
    qtbot.mouseClick(form.bar.close_button, LEFT)
    again = open_form(qtbot, page, form.record_id)
    box = again.people.staff.other_box
    assert box.isVisible()
    assert (box.name.text(), box.job_title.text()) == ("Sam Okafor", "Bank healthcare assistant")
    box.role.setFocus()
    type_here(qtbot, "Health")
    key(qtbot, Qt.Key.Key_Return)  # Enter in the box adds the person
    assert not box.isVisible()
    (person,) = again.record().staff_involved
    assert (person.job_title, person.role) == (
        "Bank healthcare assistant",
        ClinicalRole.HEALTHCARE_SUPPORT_WORKER,
    )


# -- notification under the care plan (item (p)) --------------------------------------------


def test_care_plan_notification_and_its_details_are_answered_and_kept(
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.nurse")
    page = open_page(qtbot, ctx)
    form = new_form(qtbot, page, complete_patient(page).id)
    after = form.after
    item_p = next(m for m in form.missing.model.items() if m.item == "p")
    assert "notified under the care plan" in str(item_p)
    form.go_to(item_p)  # the panel's line leads to the answer
    assert focused() is after.notified
    answer_here(qtbot, "n")
    assert focused() is after.notified_detail
    with qtbot.waitSignal(form.autosave.saved, timeout=10_000):
        type_here(qtbot, "Mother not reachable by phone; message left at 15:10")
    assert "p" not in [m.item for m in form.missing.model.items()]
    saved = stored(qtbot, ctx, form.record_id)
    assert saved is not None
    assert saved.care_plan_notification is CarePlanNotification.NOT_NOTIFIED
    assert saved.care_plan_notification_detail == (
        "Mother not reachable by phone; message left at 15:10"
    )
    qtbot.mouseClick(form.bar.close_button, LEFT)
    again = open_form(qtbot, page, form.record_id).after
    assert again.notified.value() is CarePlanNotification.NOT_NOTIFIED
    assert again.notified_detail.text().startswith("Mother not reachable")
    assert again.notified.isEnabled()
    assert again.notified_detail.isEnabled()
