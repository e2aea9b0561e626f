"""The staff and accounts screen, driven as the local administrator would: the list, adding a
staff member with an account (the store's password rule shown as it says it), making someone
inactive (never deleting them), letting a colleague sign in on this PC, resetting a password,
removing an account from this PC (which changes the store's key), and read-only for everyone
else. Records are checked on a fresh read; key slots by signing in with a new Store."""

from pathlib import Path
from uuid import uuid4

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.models.errors import Locked
from app.models.people import AccessRole, StaffMember, UserAccount
from app.models.refs import ClinicalRole
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.staff.accounts import AccountMode
from app.ui.staff.loading import StaffRow
from app.ui.staff.model import Column, StaffListModel
from app.ui.staff.page import StaffPage, staff_screen
from tests.ui.conftest import Passwords
from tests.ui.screen_steps import (
    WAIT,
    fixed_size,
    is_control,
    mnemonic,
    pick,
    read,
    type_into,
)

NEW_PASSWORD = "correct horse battery"


# ----------------------------------------------------------------------------------- helpers


def open_page(qtbot: QtBot, ctx: ScreenContext) -> StaffPage:
    page = staff_screen(ctx)
    assert isinstance(page, StaffPage)
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT):
        pass
    return page


def users_here(ctx: ScreenContext) -> tuple[str, ...]:
    store = ctx.store
    return ctx.runner.run(store.users).result(timeout=10)


def choose(qtbot: QtBot, page: StaffPage, text: str, column: Column = Column.NAME) -> None:
    for row in range(page.model.rowCount()):
        index = page.model.index(row, column)
        if index.data() == text:
            page.table.scrollTo(index)
            qtbot.mouseClick(
                page.table.viewport(),
                Qt.MouseButton.LeftButton,
                pos=page.table.visualRect(index).center(),
            )
            assert page.row is not None
            return
    raise AssertionError(f"{text} is not listed")


def close_session(qtbot: QtBot, ctx: ScreenContext) -> None:
    with qtbot.waitSignal(ctx.session.locked, timeout=WAIT):
        ctx.session.lock()


# ------------------------------------------------------------------------------------- model


def _row(name: str, username: str = "") -> StaffRow:
    return StaffRow(
        staff_id=uuid4(),
        account_id=uuid4() if username else None,
        name=name,
        job_title="Staff nurse",
        role="Registered nurse",
        base="This ward",
        active=True,
        username=username,
        access="Nurse / healthcare support worker" if username else "",
        on_this_pc=bool(username),
    )


def test_the_staff_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = StaffListModel()
    qtmodeltester.check(model)
    rows = (_row("Robin Ashdown", "robin.ashdown"), _row("Jo Penhallow"))
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.index(1, Column.USERNAME).data() == "no account"
    assert model.index(0, Column.STATUS).data() == "Active"
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


# -------------------------------------------------------------------------------------- list


def test_the_administrator_sees_staff_accounts_and_who_signs_in_here(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    staff = read(ctx, lambda r: r.find(StaffMember))
    cells = {
        page.model.index(i, Column.USERNAME).data(): page.model.index(i, Column.ON_THIS_PC).data()
        for i in range(page.model.rowCount())
    }
    assert cells["demo.nurse"] == "Yes"
    assert cells["demo.admin"] == "Yes"
    assert cells["callum.reid"] == "No"  # an account, but no key slot on this PC
    names = {page.model.index(i, Column.NAME).data() for i in range(page.model.rowCount())}
    assert {s.name for s in staff} <= names
    assert page.new_button.isVisibleTo(page)
    assert not page.read_only_note.isVisibleTo(page)


@pytest.mark.parametrize("username", ["demo.nurse", "demo.manager"])
def test_other_accounts_see_the_staff_list_read_only(
    qtbot: QtBot, signed_in, username: str
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in(username)
    page = open_page(qtbot, ctx)
    assert page.model.rowCount() > 0
    assert page.read_only_note.isVisibleTo(page)
    assert not page.new_button.isVisibleTo(page)
    assert not page.details.isVisibleTo(page)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.new_id is None


# ------------------------------------------------------------------------ adding someone


def test_a_new_staff_member_with_an_account_can_sign_in_on_this_pc(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    folder, _ = demo
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form, fields = page.form, page.accounts.fields
    assert form.name.hasFocus()
    assert form.active.isChecked()
    assert form.role.value() is None
    assert page.accounts.mode is AccountMode.NEW
    qtbot.keyClicks(form.name, "Robin Testwell")
    qtbot.keyClicks(form.job_title, "Staff nurse")
    pick(qtbot, form.role, ClinicalRole.REGISTERED_NURSE)
    qtbot.keyClicks(fields.username, "robin.testwell")
    pick(qtbot, fields.access_role, AccessRole.NURSE)
    qtbot.keyClicks(fields.password, "short")
    qtbot.keyClicks(fields.again, "shorter")
    qtbot.keyClick(fields.again, Qt.Key.Key_Return)
    assert page.error.text() == "password again: the two passwords differ"
    type_into(qtbot, fields.again, "short")
    qtbot.keyClick(fields.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.error.text() != "", timeout=WAIT)
    assert page.error.text() == "password: must be at least 10 characters; nothing was changed."
    assert form.name.text() == "Robin Testwell"  # kept
    assert "robin.testwell" not in users_here(ctx)
    assert not read(ctx, lambda r: [s for s in r.find(StaffMember) if s.name == "Robin Testwell"])

    type_into(qtbot, fields.password, NEW_PASSWORD)
    type_into(qtbot, fields.again, NEW_PASSWORD)
    with qtbot.waitSignals([page.saved, page.saved], timeout=WAIT):
        qtbot.keyClick(form.job_title, Qt.Key.Key_Return)
    assert page.error.text() == ""
    [member] = read(ctx, lambda r: [s for s in r.find(StaffMember) if s.name == "Robin Testwell"])
    assert member.job_title == "Staff nurse"
    assert member.role is ClinicalRole.REGISTERED_NURSE
    assert member.ward_id == ctx.ward_id
    [account] = read(
        ctx, lambda r: [a for a in r.find(UserAccount) if a.username == "robin.testwell"]
    )
    assert account.staff_id == member.id
    assert account.access_role is AccessRole.NURSE
    assert "robin.testwell" in users_here(ctx)
    qtbot.waitUntil(lambda: page.model.row_number(member.id) is not None, timeout=WAIT)
    close_session(qtbot, ctx)
    with Store.open(folder, "robin.testwell", NEW_PASSWORD) as store:
        assert store.actor == "robin.testwell"


def test_a_username_already_taken_is_refused_before_anything_is_saved(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.new_id is not None
    qtbot.keyClicks(page.form.name, "Sam Testwell")
    qtbot.keyClicks(page.form.job_title, "Healthcare support worker")
    pick(qtbot, page.form.role, ClinicalRole.HEALTHCARE_SUPPORT_WORKER)
    qtbot.keyClicks(page.accounts.fields.username, "demo.nurse")
    pick(qtbot, page.accounts.fields.access_role, AccessRole.NURSE)
    qtbot.keyClick(page.form.name, Qt.Key.Key_Return)
    assert page.error.text() == "username: another account already has this username"
    assert not read(ctx, lambda r: [s for s in r.find(StaffMember) if s.name == "Sam Testwell"])


# ------------------------------------------------------------------ changing someone


def test_someone_who_leaves_is_made_inactive_never_deleted(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    member = read(ctx, lambda r: next(s for s in r.find(StaffMember) if s.name == "Lucy Harper"))
    before = read(ctx, lambda r: r.state(member.id))
    assert before is not None
    choose(qtbot, page, "Lucy Harper")
    assert page.form.name.text() == "Lucy Harper"
    qtbot.mouseClick(page.form.active, Qt.MouseButton.LeftButton)
    type_into(qtbot, page.form.job_title, "Healthcare support worker (left)")
    with qtbot.waitSignal(page.saved, timeout=WAIT) as saved:
        qtbot.keyClick(page.form.job_title, Qt.Key.Key_Return)
    after = read(ctx, lambda r: r.get(StaffMember, member.id))
    assert after is not None
    assert not after.active
    assert after.job_title == "Healthcare support worker (left)"
    history = read(ctx, lambda r: r.history(member.id))
    assert history[-1].revision_id == saved.args[0].revision_id
    assert history[-1].parents == (before.revision_id,)
    qtbot.waitUntil(
        lambda: (
            page.model.index(page.model.row_number(member.id) or 0, Column.STATUS).data()
            == "Left (inactive)"
        ),
        timeout=WAIT,
    )


# -------------------------------------------------------------------------- key slots


def test_a_colleague_with_an_account_is_let_in_on_this_pc(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    folder, _ = demo
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "callum.reid", Column.USERNAME)
    panel = page.accounts
    assert panel.mode is AccountMode.NOT_HERE
    assert panel.let_in_button.isVisibleTo(page)
    qtbot.keyClicks(panel.fields.password, NEW_PASSWORD)
    qtbot.keyClicks(panel.fields.again, NEW_PASSWORD)
    with qtbot.waitSignal(panel.slots_changed, timeout=WAIT):
        qtbot.keyClick(panel.fields.again, Qt.Key.Key_Return)
    assert panel.fields.password.text() == ""  # forgotten once used
    assert "callum.reid" in users_here(ctx)
    qtbot.waitUntil(lambda: panel.mode is AccountMode.HERE, timeout=WAIT)
    close_session(qtbot, ctx)
    with Store.open(folder, "callum.reid", NEW_PASSWORD) as store:
        assert store.actor == "callum.reid"


def test_a_password_is_reset(qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]) -> None:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.nurse", Column.USERNAME)
    panel = page.accounts
    assert panel.mode is AccountMode.HERE
    qtbot.keyClicks(panel.fields.password, "too short")
    qtbot.keyClicks(panel.fields.again, "too short")
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.error.text() != "", timeout=WAIT)
    assert panel.error.text().startswith("password: must be at least 10 characters")
    type_into(qtbot, panel.fields.password, NEW_PASSWORD)
    type_into(qtbot, panel.fields.again, NEW_PASSWORD)
    with qtbot.waitSignal(panel.slots_changed, timeout=WAIT):
        qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert panel.note.text() == "New password set for demo.nurse."
    close_session(qtbot, ctx)
    with Store.open(folder, "demo.nurse", NEW_PASSWORD) as store:
        assert store.actor == "demo.nurse"
    with pytest.raises(Locked):
        Store.open(folder, "demo.nurse", passwords["demo.nurse"])


def test_an_account_is_removed_from_this_pc_with_progress_shown(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.manager", Column.USERNAME)
    panel = page.accounts
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert "Remove demo.manager from this PC?" in panel.confirm_text.text()
    qtbot.mouseClick(panel.keep, Qt.MouseButton.LeftButton)  # changed their mind
    assert not panel.confirm_text.isVisibleTo(page)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.slots_changed, timeout=30_000):
        qtbot.mouseClick(panel.confirm_remove, Qt.MouseButton.LeftButton)
        assert panel.progress.isVisibleTo(page)  # shown while the key changes
        assert "changing the store's key" in panel.progress_text.text()
    assert not panel.progress.isVisibleTo(page)
    assert "demo.manager" not in users_here(ctx)
    account = read(
        ctx, lambda r: next(a for a in r.find(UserAccount) if a.username == "demo.manager")
    )
    assert account.active  # the record stays: they may sign in elsewhere
    qtbot.waitUntil(
        lambda: (
            page.model.index(page.model.row_number(account.id) or 0, Column.ON_THIS_PC).data()
            == "No"
        ),
        timeout=WAIT,
    )
    close_session(qtbot, ctx)
    with pytest.raises(Locked):
        Store.open(folder, "demo.manager", passwords["demo.manager"])
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:  # the rest opens
        assert "demo.manager" not in store.users()


def test_the_last_administrator_cannot_remove_itself(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.admin", Column.USERNAME)
    panel = page.accounts
    assert page.form.isHidden()  # the administrator has no staff record
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert panel.error.text() == (
        "account: demo.admin cannot be removed from this PC: this PC must keep at least one "
        "active administrator account that can sign in here, or nobody could manage its "
        "accounts"
    )
    assert not panel.confirm_text.isVisibleTo(page)  # refused before asking
    qtbot.mouseClick(panel.confirm_remove, Qt.MouseButton.LeftButton)  # even if it were shown
    assert not panel.progress.isVisibleTo(page)
    assert "demo.admin" in users_here(ctx)


# ------------------------------------------------------------------ locking, accessibility


def test_locking_forgets_what_was_typed(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.nurse", Column.USERNAME)
    qtbot.keyClicks(page.accounts.fields.password, NEW_PASSWORD)
    close_session(qtbot, ctx)
    assert page.accounts.fields.password.text() == ""
    assert page.model.rowCount() == 0
    assert page.form.name.text() == ""


@pytest.mark.parametrize("who", ["new", "demo.nurse", "callum.reid"])
def test_every_control_is_named_and_mnemonics_do_not_clash(
    qtbot: QtBot, signed_in, who: str
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    if who == "new":
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    else:
        choose(qtbot, page, who, Column.USERNAME)
    unnamed = [
        type(w).__name__
        for w in page.findChildren(QWidget)
        if is_control(w) and not w.accessibleName()
    ]
    assert unnamed == []
    used = [
        letter
        for w in page.findChildren(QWidget)
        if isinstance(w, QLabel | QAbstractButton) and w.isVisibleTo(page)
        for letter in [mnemonic(w.text())]
        if letter
    ]
    assert len(used) == len(set(used)), sorted(used)
    assert {"m", "s", "n"} <= set(used)
    fixed = [type(w).__name__ for w in page.findChildren(QWidget) if fixed_size(w)]
    assert fixed == []
