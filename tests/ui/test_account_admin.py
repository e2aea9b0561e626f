"""The administrator's changes to accounts that exist, driven on the staff screen: the access
role (a new, audited revision of the account), deactivating and reactivating, the rules that
keep this PC an administrator and stop one changing one's own account, someone who has left
(kept on old records, no longer offered for new ones), and none of it offered to anyone else
(domain.md §7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

import tests.ui.isolation_steps as isolation
from app.models.people import (
    LAST_ADMINISTRATOR_RULE,
    LEFT_STAFF_REACTIVATION,
    OWN_ACCOUNT_RULE,
    AccessRole,
    Permission,
    UserAccount,
)
from app.models.revision import RevisionAction
from app.models.seclusion import SeclusionEpisode, SeclusionObservation
from app.store.records import RecordReader
from app.ui.context import ScreenContext
from app.ui.isolation.screens import seclusion_screen
from app.ui.isolation.seclusion_forms import SeclusionReviewForm
from app.ui.isolation.seclusion_page import SeclusionScreen
from app.ui.ops import StoreRunner
from app.ui.session.controller import Session
from app.ui.staff.model import Column
from tests.ui.screen_steps import WAIT, pick, read
from tests.ui.test_staff import choose, close_session, open_page, users_here


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from isolation.keep_screens()


def account_named(ctx: ScreenContext, username: str) -> UserAccount:
    return read(ctx, lambda r: next(a for a in r.find(UserAccount) if a.username == username))


def audit_events(ctx: ScreenContext) -> int:
    store = ctx.store
    return ctx.runner.run(lambda: store.status().audit_events).result(timeout=10)


def cell(page: object, key: object, column: Column) -> str:
    number = page.model.row_number(key)  # type: ignore[attr-defined]
    assert number is not None
    return str(page.model.index(number, column).data())  # type: ignore[attr-defined]


def test_the_administrator_changes_an_access_role_as_a_new_audited_revision(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    before = account_named(ctx, "demo.nurse")
    versions = len(read(ctx, lambda r: r.history(before.id)))
    events = audit_events(ctx)
    choose(qtbot, page, "demo.nurse", Column.USERNAME)
    admin = page.accounts.admin
    assert admin.isVisibleTo(page)
    assert admin.role.value() is AccessRole.NURSE  # shows what the account has now

    pick(qtbot, admin.role, AccessRole.NURSE)
    qtbot.mouseClick(admin.change_role_button, Qt.MouseButton.LeftButton)
    assert page.accounts.error.text() == "access role: the account already has this access role"

    pick(qtbot, admin.role, AccessRole.WARD_MANAGER)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.keyClick(admin.change_role_button, Qt.Key.Key_Space)
    assert page.note.text() == "demo.nurse is now: Nurse in charge / ward manager."
    after = account_named(ctx, "demo.nurse")
    assert after.access_role is AccessRole.WARD_MANAGER
    assert after.staff_id == before.staff_id
    history = read(ctx, lambda r: r.history(before.id))
    assert len(history) == versions + 1  # a new revision; the old one is kept
    assert history[-1].action is RevisionAction.EDIT
    assert history[-1].author == "demo.admin"
    assert history[-1].reason == (
        "access role changed from Nurse / healthcare support worker to Nurse in charge / "
        "ward manager"
    )
    assert audit_events(ctx) > events  # (the first write also records this sign-in)
    qtbot.waitUntil(
        lambda: cell(page, before.id, Column.ACCESS) == "Nurse in charge / ward manager",
        timeout=WAIT,
    )
    close_session(qtbot, ctx)

    nurse = signed_in("demo.nurse")  # signs in with the new role
    assert nurse.may(Permission.SIGN_OFF)
    close_session(qtbot, nurse)

    # Back to nurse: one more revision, one more audit event.
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.nurse", Column.USERNAME)
    pick(qtbot, page.accounts.admin.role, AccessRole.NURSE)
    with qtbot.waitSignals([page.saved, page.list_loaded], order="strict", timeout=WAIT):
        qtbot.mouseClick(page.accounts.admin.change_role_button, Qt.MouseButton.LeftButton)
    events = audit_events(ctx)
    pick(qtbot, page.accounts.admin.role, AccessRole.WARD_MANAGER)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(page.accounts.admin.change_role_button, Qt.MouseButton.LeftButton)
    assert audit_events(ctx) == events + 1
    assert len(read(ctx, lambda r: r.history(before.id))) == versions + 3


def test_an_account_is_deactivated_and_reactivated_unless_its_person_has_left(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    account = account_named(ctx, "callum.reid")
    choose(qtbot, page, "callum.reid", Column.USERNAME)
    admin = page.accounts.admin
    assert admin.active_button.text() == "Deactivate acco&unt"
    assert not admin.inactive_note.isVisibleTo(page)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(admin.active_button, Qt.MouseButton.LeftButton)
    assert not account_named(ctx, "callum.reid").active
    qtbot.waitUntil(lambda: "DEACTIVATED" in page.accounts.state.text(), timeout=WAIT)
    assert admin.active_button.text() == "Reactivate acco&unt"
    assert admin.inactive_note.isVisibleTo(page)  # in words, not only a colour

    # He leaves: the staff record says so; his account cannot come back until he does.
    qtbot.mouseClick(page.form.active, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: cell(page, account.staff_id, Column.STATUS) == "Left (inactive)", timeout=WAIT
    )
    qtbot.mouseClick(admin.active_button, Qt.MouseButton.LeftButton)
    assert page.accounts.error.text() == LEFT_STAFF_REACTIVATION
    assert not account_named(ctx, "callum.reid").active

    # He comes back: active again, then so is his account.
    qtbot.mouseClick(page.form.active, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(page, account.staff_id, Column.STATUS) == "Active", timeout=WAIT)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(admin.active_button, Qt.MouseButton.LeftButton)
    assert account_named(ctx, "callum.reid").active
    assert len(read(ctx, lambda r: r.history(account.id))) == 3  # made, deactivated, back


def test_a_deactivated_account_cannot_sign_in(qtbot: QtBot, signed_in, demo) -> None:  # type: ignore[no-untyped-def]
    _folder, passwords = demo
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.manager", Column.USERNAME)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(page.accounts.admin.active_button, Qt.MouseButton.LeftButton)
    close_session(qtbot, ctx)
    # The right password no longer opens RPR for the account, and the PC says why.
    runner = StoreRunner()
    session = Session(runner, ctx.session.data_dir)
    refusals: list[str] = []
    session.sign_in("demo.manager", passwords["demo.manager"], on_error=refusals.append)
    qtbot.waitUntil(lambda: bool(refusals), timeout=WAIT)
    assert len(refusals) == 1
    assert refusals[0].startswith("account: deactivated by the ward's administrator")
    assert session.current is None
    runner.shutdown()


def test_the_last_administrator_and_ones_own_account_are_kept(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.admin", Column.USERNAME)
    admin, panel = page.accounts.admin, page.accounts
    pick(qtbot, admin.role, AccessRole.NURSE)
    qtbot.mouseClick(admin.change_role_button, Qt.MouseButton.LeftButton)
    assert panel.error.text() == (
        f"account: demo.admin cannot be given another access role: {LAST_ADMINISTRATOR_RULE}"
    )
    qtbot.mouseClick(admin.active_button, Qt.MouseButton.LeftButton)
    assert (
        panel.error.text()
        == f"account: demo.admin cannot be deactivated: {LAST_ADMINISTRATOR_RULE}"
    )
    assert account_named(ctx, "demo.admin").access_role is AccessRole.ADMIN

    # A second administrator who signs in here: now it is one's own account that is refused.
    choose(qtbot, page, "demo.manager", Column.USERNAME)
    pick(qtbot, admin.role, AccessRole.ADMIN)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(admin.change_role_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            page.staff_list is not None
            and any(
                a.access_role is AccessRole.ADMIN and a.username == "demo.manager"
                for a in page.staff_list.accounts
            )
        ),
        timeout=WAIT,
    )
    choose(qtbot, page, "demo.admin", Column.USERNAME)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert (
        panel.error.text()
        == f"account: demo.admin cannot be removed from this PC: {OWN_ACCOUNT_RULE}"
    )
    assert not panel.confirm_text.isVisibleTo(page)
    assert "demo.admin" in users_here(ctx)


@pytest.mark.parametrize("username", ["demo.nurse", "demo.manager"])
def test_nobody_else_is_offered_any_of_it(qtbot: QtBot, signed_in, username: str) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in(username)
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.nurse", Column.USERNAME)
    offered = [
        w.accessibleName()
        for w in page.findChildren(QWidget)
        if w.isVisibleTo(page)
        and w.accessibleName()
        in {"Change access role", "Deactivate account", "Reactivate account", "Remove from this PC"}
    ]
    assert offered == []
    page.accounts.admin.change_role()  # and asked anyway, nothing happens
    page.accounts.admin.toggle_active()
    assert account_named(ctx, "demo.nurse").access_role is AccessRole.NURSE
    assert account_named(ctx, "demo.nurse").active


def test_someone_who_has_left_keeps_their_name_on_old_records_and_is_not_offered_for_new_ones(
    qtbot: QtBot, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")

    def an_observer(reader: RecordReader) -> str:
        running = next(e for e in reader.find(SeclusionEpisode) if e.ended_at is None)
        names = {o.observer.name for o in reader.find(SeclusionObservation, parent_id=running.id)}
        return sorted(names - {"Priya Nair"})[0]  # someone other than demo.nurse

    leaver = read(ctx, an_observer)
    page = open_page(qtbot, ctx)
    choose(qtbot, page, leaver)
    qtbot.mouseClick(page.form.active, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.keyClick(page.form.job_title, Qt.Key.Key_Return)
    close_session(qtbot, ctx)

    nurse = signed_in("demo.nurse")
    screen = isolation.open_screen(qtbot, nurse, seclusion_screen, SeclusionScreen)
    isolation.choose_row(qtbot, screen, isolation.running_episode(screen).episode_id)
    observers = {
        screen.observations.index(n, 1).data() for n in range(screen.observations.rowCount())
    }
    assert leaver in observers  # the old records keep their name
    isolation.press(qtbot, screen, Qt.Key.Key_R)
    review = screen.form
    assert isinstance(review, SeclusionReviewForm)
    model = review.attendees.people
    offered = [model.index(n).data() for n in range(model.rowCount())]
    assert not any(text.startswith(leaver) for text in offered)  # not offered for new ones
    assert any(text.startswith("Priya Nair") for text in offered)
