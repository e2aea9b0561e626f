"""On a PC enrolled with the trust, trust IT manages the sign-in accounts at the trust server
(server/publish.py): the staff screen offers no account to create, no access role to change
and no deactivation, says who does it, and keeps what belongs to this PC (its key slots). An
enrolled PC signs in with the ward and the person's account the trust published."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import tests.ui.isolation_steps as isolation
from app.models.people import AccessRole, Permission
from app.ui.ops import StoreRunner
from app.ui.session.controller import Session
from app.ui.staff.accounts import AccountMode
from app.ui.staff.model import Column
from tests.server.harness import PASSWORD, Trust, running_trust
from tests.sync.real_trust import enrol_pc
from tests.ui.screen_steps import WAIT
from tests.ui.test_staff import choose, open_page


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from isolation.keep_screens()


def test_trust_it_manages_accounts_on_an_enrolled_pc(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    standalone = signed_in("demo.admin")
    ctx = replace(standalone, facts=replace(standalone.facts, trust_managed=True))
    page = open_page(qtbot, ctx)
    panel = page.accounts

    choose(qtbot, page, "demo.nurse", Column.USERNAME)  # signs in here
    assert panel.mode is AccountMode.HERE
    assert panel.managed_note.isVisibleTo(page)
    assert "trust IT" in panel.managed_note.text()
    assert not panel.admin.isVisibleTo(page)  # no role change, no deactivation here
    assert panel.reset_button.isVisibleTo(page)  # this PC's key slot stays this PC's
    assert panel.remove_button.isVisibleTo(page)

    choose(qtbot, page, "callum.reid", Column.USERNAME)  # an account, no key slot here
    assert panel.mode is AccountMode.NOT_HERE
    assert not panel.let_in_button.isVisibleTo(page)  # the server vouches at first sign-in
    assert not panel.fields.isVisibleTo(page)

    no_account = next(
        page.model.index(i, Column.NAME).data()
        for i in range(page.model.rowCount())
        if page.model.index(i, Column.USERNAME).data() == "no account"
    )
    choose(qtbot, page, no_account)
    assert panel.mode is AccountMode.NEW
    assert not panel.create_button.isVisibleTo(page)
    assert not panel.fields.isVisibleTo(page)
    assert panel.state.text() == "No sign-in account."


def test_the_standalone_pc_still_offers_the_changes(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.admin")
    assert not ctx.facts.trust_managed
    page = open_page(qtbot, ctx)
    choose(qtbot, page, "demo.nurse", Column.USERNAME)
    assert page.accounts.admin.isVisibleTo(page)
    assert not page.accounts.managed_note.isVisibleTo(page)


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust() as running:
        yield running


def test_an_enrolled_pc_signs_in_with_its_ward_and_the_published_account(
    qtbot: QtBot, trust: Trust, tmp_path: Path
) -> None:
    ward = trust.ward()
    store = enrol_pc(trust, ward, tmp_path / "pc")
    nurse = store.actor
    store.close()
    runner = StoreRunner()
    session = Session(runner, tmp_path / "pc")
    try:
        with qtbot.waitSignal(session.signed_in, timeout=WAIT) as blocker:
            session.sign_in(nurse, PASSWORD, on_error=pytest.fail)
        facts = blocker.args[0]
        assert facts.trust_managed
        assert [w.name for w in facts.wards] == [ward.name]
        assert facts.account is not None
        assert facts.account.access_role is AccessRole.NURSE
        assert facts.may(Permission.RECORD)
        assert facts.staff is not None
        assert facts.staff.job_title == "Staff nurse"
    finally:
        session.close()
        runner.shutdown()
