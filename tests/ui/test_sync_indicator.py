"""The window's sync status and "send everything now" against a real trust server (issue 7:
"a sync indicator (online / offline / n not yet sent / last sent at)", "send everything
now"), and screens told when another PC's records arrive."""

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models.patient import Patient
from app.store.store import Store
from app.sync.scheduler import SyncScheduler
from app.sync.status import Connection, SyncStatus
from app.ui.ops import Changes, StoreRunner
from app.ui.sync.controller import NOT_STARTED, SyncController
from server.tables import WardRow
from server.tables_sync import RevisionRow
from tests.conftest import FAST_KDF
from tests.server.harness import PASSWORD, Trust, recovery_public_key_pem, running_trust
from tests.sync.real_trust import admit, enrol_pc, sync

WAIT = 20_000
#: No timed sync during a test: only the first one at start and "send everything now".
QUIET = partial(SyncScheduler, interval=3600)


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust() as running:
        yield running


@pytest.fixture
def runner() -> Iterator[StoreRunner]:
    made = StoreRunner()
    yield made
    made.shutdown()


def wait_status(qtbot: QtBot, controller: SyncController, wanted: dict[str, object]) -> SyncStatus:
    def matches(status: SyncStatus) -> bool:
        return all(getattr(status, k) == v for k, v in wanted.items())

    if controller.status is not None and matches(controller.status):
        return controller.status
    with qtbot.waitSignal(controller.status_changed, check_params_cb=matches, timeout=WAIT) as got:
        pass
    return got.args[0]


def save_on_the_runner(runner: StoreRunner, store: Store, ward: WardRow, name: str) -> None:
    runner.run(lambda: admit(store, ward, name), changes=Changes(kinds=frozenset({Patient.KIND})))


def test_the_status_line_counts_what_is_not_yet_sent_and_send_now_sends_it(
    qtbot: QtBot, trust: Trust, tmp_path: Path, runner: StoreRunner
) -> None:
    ward = trust.ward()
    store = enrol_pc(trust, ward, tmp_path / "pc")
    admit(store, ward, "Testperson")
    controller = SyncController(runner, make_scheduler=QUIET)
    assert controller.summary() == NOT_STARTED
    try:
        controller.begin(store)
        status = wait_status(
            qtbot, controller, {"connection": Connection.ONLINE, "not_yet_sent": 0}
        )
        assert controller.enrolled
        assert status.last_sent_at is not None
        assert controller.summary().startswith("Sync: Online · all sent · last sent: ")

        save_on_the_runner(runner, store, ward, "Exampleson")
        wait_status(qtbot, controller, {"not_yet_sent": 1})
        assert "1 not yet sent" in controller.summary()

        controller.sync_now()
        wait_status(qtbot, controller, {"not_yet_sent": 0, "syncing": False})
    finally:
        controller.end()
        runner.wait_idle()
        store.close()


def test_records_from_another_pc_refresh_the_screens(
    qtbot: QtBot, trust: Trust, tmp_path: Path, runner: StoreRunner
) -> None:
    ward = trust.ward()
    first = enrol_pc(trust, ward, tmp_path / "first")
    second = enrol_pc(trust, ward, tmp_path / "second")
    admit(first, ward, "Testperson")
    controller = SyncController(runner, make_scheduler=QUIET)
    try:
        sync(first)
        with qtbot.waitSignal(
            runner.changed, check_params_cb=lambda c: c.touches(Patient.KIND), timeout=WAIT
        ):
            controller.begin(second)
        with second.read() as reader:
            assert {p.family_name for p in reader.find(Patient)} == {"Testperson"}
    finally:
        controller.end()
        runner.wait_idle()
        first.close()
        second.close()


def test_offline_is_said_in_words_with_what_waits(
    qtbot: QtBot, trust: Trust, tmp_path: Path, runner: StoreRunner
) -> None:
    ward = trust.ward()
    store = enrol_pc(trust, ward, tmp_path / "pc")
    admit(store, ward, "Testperson")
    controller = SyncController(runner, server_url="http://127.0.0.1:9", make_scheduler=QUIET)
    try:
        controller.begin(store)
        status = wait_status(qtbot, controller, {"connection": Connection.OFFLINE})
        assert status.not_yet_sent == 1
        assert status.last_error is not None
        assert "cannot be reached" in status.last_error
        assert controller.summary() == "Sync: Offline · 1 not yet sent · last sent: never"
    finally:
        controller.end()
        runner.wait_idle()
        store.close()


def test_a_standalone_pc_says_it_is_not_enrolled(
    qtbot: QtBot, tmp_path: Path, runner: StoreRunner
) -> None:
    store = Store.create(
        tmp_path / "standalone",
        username="local.admin",
        password=PASSWORD,
        recovery_public_key_pem=recovery_public_key_pem().encode(),
        kdf=FAST_KDF,
    )
    controller = SyncController(runner, make_scheduler=QUIET)
    try:
        controller.begin(store)
        wait_status(qtbot, controller, {"connection": Connection.NOT_ENROLLED})
        assert not controller.enrolled
        assert (
            controller.summary()
            == "Sync: Not connected to a trust server (this PC keeps every record itself)"
        )
    finally:
        controller.end()
        runner.wait_idle()
        store.close()


def test_the_window_shows_sync_and_sends_everything_now_then_locks_it_away(
    qtbot: QtBot, trust: Trust, tmp_path: Path, make_window
) -> None:
    ward = trust.ward()
    folder = tmp_path / "pc"
    store = enrol_pc(trust, ward, folder)
    nurse = store.actor
    store.close()
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    assert window.sync_label.text() == "Sync: starts when someone signs in"
    assert not window.send_action.isEnabled()
    window.sign_in.username.setText(nurse)
    window.sign_in.password.setText(PASSWORD)
    with qtbot.waitSignal(window.work_shown, timeout=WAIT):
        qtbot.keyClick(window.sign_in.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Online · all sent" in window.sync_label.text(), timeout=WAIT)
    assert window.send_action.isEnabled()

    opened = window.session.require_store()
    save_on_the_runner(window.runner, opened, ward, "Testperson")
    qtbot.waitUntil(lambda: "1 not yet sent" in window.sync_label.text(), timeout=WAIT)
    window.send_action.trigger()  # "Send everything now", e.g. at shift handover
    qtbot.waitUntil(lambda: "Online · all sent" in window.sync_label.text(), timeout=WAIT)
    with trust.sessions() as session:
        sent = session.scalars(
            select(RevisionRow.ward_id).where(RevisionRow.pushed_by.is_not(None))
        ).all()
    assert sent.count(ward.id) == 1  # the patient, sent by this PC

    window.lock_now()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    assert window.sync_label.text() == "Sync: starts when someone signs in"
    assert not window.send_action.isEnabled()
