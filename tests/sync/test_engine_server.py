"""The sync engine against a real trust server (FastAPI under uvicorn on loopback, a real
PostgreSQL database) and real SQLCipher stores: design.md "Sync" as a ward would see it."""

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

import app.store.sync_state
from app.models.clock import utc_now
from app.models.patient import Patient
from app.store.store import Store
from app.sync.engine import SyncEngine
from app.sync.errors import ClockSkewRefused, ServerUnreachable
from app.sync.transport import Transport
from app.sync.wire import ChainWarning, ErrorCode
from server.tables_sync import RevisionRow
from tests.fault_proxy import Fault, FaultProxy
from tests.server.harness import PASSWORD, Trust, running_trust
from tests.sync.real_trust import admit, enrol_pc, family_names, sync


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust() as running:
        yield running


@pytest.fixture
def stores() -> Iterator[list[Store]]:
    opened: list[Store] = []
    yield opened
    for store in opened:
        store.close()


def held_by_trust(trust: Trust) -> int:
    with trust.sessions() as session:
        return session.scalar(select(func.count()).select_from(RevisionRow)) or 0


def test_what_one_pc_sends_the_other_pc_on_the_ward_shows(
    trust: Trust, tmp_path: Path, stores: list[Store]
) -> None:
    ward = trust.ward()
    first = enrol_pc(trust, ward, tmp_path / "first")
    second = enrol_pc(trust, ward, tmp_path / "second")
    stores += [first, second]
    for name in ("Testperson", "Exampleson", "Sampleton"):
        admit(first, ward, name)
    admit(second, ward, "Secondpc")

    sent = sync(first, push_batch=2)
    assert (sent.sent, sent.not_yet_sent, sent.counts_match) == (3, 0, True)
    received = sync(second, pull_limit=2)  # in pages of two

    assert received.sent == 1
    assert received.received == 3
    assert received.received_kinds == {Patient.KIND}
    assert received.counts_match
    assert family_names(second) == {"Testperson", "Exampleson", "Sampleton", "Secondpc"}
    again = sync(first)
    assert again.received == 1
    assert family_names(first) == family_names(second)
    assert first.sync.outbox_count() == second.sync.outbox_count() == 0
    assert first.verify().ok
    assert second.verify().ok


def test_a_resent_push_is_a_no_op_at_the_trust(
    trust: Trust, tmp_path: Path, stores: list[Store]
) -> None:
    ward = trust.ward()
    first = enrol_pc(trust, ward, tmp_path / "first")
    stores.append(first)
    admit(first, ward, "Testperson")
    admit(first, ward, "Exampleson")
    before = held_by_trust(trust)
    proxy_url = _cut_first_answer(trust)
    with proxy_url as proxy:
        # The push is committed at the trust, but its answer never reaches the PC.
        with pytest.raises(ServerUnreachable):
            sync(first, url=proxy.url)
        assert first.sync.outbox_count() == 2
        assert held_by_trust(trust) == before + 2

        report = sync(first, url=proxy.url)

    assert report.sent == 2
    assert first.sync.outbox_count() == 0
    assert held_by_trust(trust) == before + 2  # sent twice, held once
    assert report.counts_match


def _cut_first_answer(trust: Trust) -> FaultProxy:
    proxy = FaultProxy(trust.url, seed=0)
    faults = [(Fault.CUT_RESPONSE, 0.0)]
    proxy.schedule.next_fault = lambda: faults.pop(0) if faults else (Fault.PASS, 0.0)  # type: ignore[method-assign]
    return proxy


def test_a_refused_revision_stays_in_the_outbox_with_the_servers_reason(
    trust: Trust, tmp_path: Path, stores: list[Store]
) -> None:
    ward, elsewhere = trust.ward(), trust.ward()
    first = enrol_pc(trust, ward, tmp_path / "first")
    stores.append(first)
    admit(first, ward, "Testperson")
    wrong = admit(first, elsewhere, "Otherward")  # a record of another ward's patient

    report = sync(first)

    assert report.sent == 1
    assert [r.code for r in report.refused] == [ErrorCode.FORBIDDEN]
    assert "another ward" in report.refused[0].message
    assert report.not_yet_sent == 1
    assert report.counts_match
    facts = first.sync.facts()
    assert facts.not_yet_sent == 1
    assert [r.code for r in facts.refusals] == ["forbidden"]
    assert first.sync.unsent_records() == {wrong.id}
    # Refused again at the next sync, never dropped.
    assert sync(first).not_yet_sent == 1


def test_a_crash_mid_pull_repeats_the_page_and_never_skips_one(
    trust: Trust, tmp_path: Path, stores: list[Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    ward = trust.ward()
    first = enrol_pc(trust, ward, tmp_path / "first")
    second = enrol_pc(trust, ward, tmp_path / "second")
    stores += [first, second]
    names = {f"Person{i}" for i in range(5)}
    for name in sorted(names):
        admit(first, ward, name)
    sync(first)
    real_apply = app.store.sync_state.SyncState.apply_pulled
    pages: list[int] = []

    def killed_on_the_second_page(self: object, pulled: object, next_cursor: int) -> int:
        pages.append(next_cursor)
        if len(pages) == 2:
            raise KeyboardInterrupt  # the process dies inside the page's transaction
        return real_apply(self, pulled, next_cursor)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(app.store.sync_state.SyncState, "apply_pulled", killed_on_the_second_page)
        with pytest.raises(KeyboardInterrupt):
            sync(second, pull_limit=2)
    assert second.sync.cursor() == pages[0]
    assert len(family_names(second)) == 2

    report = sync(second, pull_limit=2)
    assert family_names(second) == names
    assert report.received == 3
    assert report.counts_match


def test_a_count_that_does_not_match_is_repaired_by_pulling_again(
    trust: Trust, tmp_path: Path, stores: list[Store]
) -> None:
    ward = trust.ward()
    first = enrol_pc(trust, ward, tmp_path / "first")
    second = enrol_pc(trust, ward, tmp_path / "second")
    stores += [first, second]
    for name in ("Testperson", "Exampleson", "Sampleton"):
        admit(first, ward, name)
    sync(first)
    # The fault sync must survive: a cursor moved past revisions that were never applied.
    with second.write() as tx:
        tx._session.execute(text("UPDATE sync_state SET cursor = 1000000"))

    report = sync(second)

    assert report.repaired
    assert report.counts_match
    assert family_names(second) == {"Testperson", "Exampleson", "Sampleton"}
    assert second.sync.facts().counts_match is True


def test_a_clock_too_far_off_stops_sync_and_moves_nothing(
    trust: Trust, tmp_path: Path, stores: list[Store]
) -> None:
    ward = trust.ward()
    first = enrol_pc(trust, ward, tmp_path / "first")
    stores.append(first)
    admit(first, ward, "Testperson")
    enrolment = first.sync.enrolment()
    assert enrolment is not None
    ahead = lambda: utc_now() + timedelta(minutes=12)  # noqa: E731
    synced_at_enrolment = first.sync.facts().last_synced_at

    with (
        Transport(trust.url, token=enrolment.device_token, clock=ahead) as transport,
        pytest.raises(ClockSkewRefused, match="12 minutes ahead") as refused,
    ):
        SyncEngine(first.sync, transport).run()

    assert refused.value.code is ErrorCode.CLOCK_SKEW
    assert first.sync.outbox_count() == 1
    assert first.sync.facts().last_synced_at == synced_at_enrolment


def test_an_audit_log_cut_at_its_tail_is_reported_after_the_next_sync(
    trust: Trust, tmp_path: Path
) -> None:
    ward = trust.ward()
    folder = tmp_path / "first"
    first = enrol_pc(trust, ward, folder)
    admit(first, ward, "Testperson")
    sync(first)
    username = first.actor
    first.close()
    shutil.copytree(folder, tmp_path / "older copy")
    with Store.open(folder, username, PASSWORD) as store:
        admit(store, ward, "Exampleson")
        assert store.verify().ok  # one more event than the older copy will make below
        assert sync(store).chain_warning is None  # the witness now holds the longer chain
    # The PC's files are swapped for the older copy: its audit log ends earlier.
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "older copy", folder)
    with Store.open(folder, username, PASSWORD) as store:
        report = sync(store)
        assert report.chain_warning is ChainWarning.SHORTER
        assert store.sync.facts().chain_warning == "shorter"
        assert any("cut from its end" in p for p in store.verify().problems)
