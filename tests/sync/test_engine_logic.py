"""The sync engine's own logic, with two real ward PC stores and an in-memory stand-in for the
trust server's semantics where a fault must come at an exact moment (design.md "Sync": nothing
marked sent before its acknowledgement; a crash repeats work, never skips it; a count mismatch
is repaired by pulling again, never by wiping)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

import app.store.sync_state
from app.store.store import Store
from app.sync.engine import SyncEngine
from app.sync.errors import ClockSkewRefused, ServerUnreachable
from app.sync.wire import ChainWarning, ErrorCode
from tests.store.sample_records import StoreTestNote, note
from tests.sync.conftest import MakeStore
from tests.sync.memory_trust import MemoryTrust

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def notes(store: Store) -> set[str]:
    with store.read() as reader:
        return {n.text for n in reader.find(StoreTestNote)}


def engine(store: Store, trust: MemoryTrust, **options: int) -> SyncEngine:
    return SyncEngine(store.sync, trust.link(store.device_id), **options)


def test_push_in_batches_in_local_order_then_the_other_pc_pulls_in_pages(
    make_store: MakeStore,
) -> None:
    trust, first, second = MemoryTrust(), make_store("first"), make_store("second")
    made = [first.save(note(f"note {i}", at=T0)) for i in range(5)]
    link = trust.link(first.device_id)

    report = SyncEngine(first.sync, link, push_batch=2).run()

    assert [len(batch) for batch in link.pushes] == [2, 2, 1]
    assert [rid for batch in link.pushes for rid in batch] == [r.revision_id for r in made]
    assert (report.sent, report.not_yet_sent, report.counts_match) == (5, 0, True)

    report = engine(second, trust, pull_limit=2).run()

    assert report.received == 5
    assert report.cursor == 5
    assert notes(second) == {f"note {i}" for i in range(5)}
    assert second.sync.outbox_count() == 0


def test_an_answer_lost_after_the_commit_marks_nothing_and_the_resend_is_a_no_op(
    make_store: MakeStore,
) -> None:
    trust, first = MemoryTrust(), make_store("first")
    first.save(note("taken, answer lost", at=T0))
    link = trust.link(first.device_id)
    link.lose_push_answers = 1

    with pytest.raises(ServerUnreachable):
        SyncEngine(first.sync, link).run()
    assert first.sync.outbox_count() == 1  # the server has it, but this PC was never told

    report = SyncEngine(first.sync, link).run()
    assert report.sent == 1
    assert first.sync.outbox_count() == 0
    assert len(trust.revisions) == 1  # sent twice, held once
    assert report.counts_match


def test_only_acknowledged_revisions_of_the_batch_leave_the_outbox(
    make_store: MakeStore,
) -> None:
    trust, first = MemoryTrust(), make_store("first")
    kept = first.save(note("kept here", at=T0))
    first.save(note("sent", at=T0))
    later = first.save(note("not in this batch", at=T0))
    trust.refuse = lambda r: "Not for this ward." if r.revision_id == kept.revision_id else None
    link = trust.link(first.device_id)
    link.extra_acknowledged = [later.revision_id]  # a server claiming what it was not sent

    sent, refused = SyncEngine(first.sync, link, push_batch=2).push()

    assert sent == 2  # "sent", and "not in this batch" in its own batch; not "kept here"
    assert [r.revision_id for r in refused] == [kept.revision_id]
    assert [e.revision.revision_id for e in first.sync.outbox(10)] == [kept.revision_id]


def test_a_refused_revision_stays_with_its_reason_until_the_server_takes_it(
    make_store: MakeStore,
) -> None:
    trust, first = MemoryTrust(), make_store("first")
    refused = first.save(note("refused", at=T0))
    first.save(note("taken", at=T0))
    trust.refuse = lambda r: "Not for this ward." if r.revision_id == refused.revision_id else None

    report = engine(first, trust).run()

    assert [r.revision_id for r in report.refused] == [refused.revision_id]
    assert report.refused[0].code is ErrorCode.FORBIDDEN
    assert report.not_yet_sent == 1
    assert report.counts_match  # what the server holds agrees; the refusal is kept apart
    facts = first.sync.facts()
    assert [(r.revision_id, r.message) for r in facts.refusals] == [
        (refused.revision_id, "Not for this ward.")
    ]
    trust.refuse = lambda r: None
    report = engine(first, trust).run()
    assert (report.sent, report.not_yet_sent, report.refused) == (1, 0, ())
    assert first.sync.refusals() == ()


def test_a_failure_mid_pull_keeps_every_applied_page_and_repeats_the_rest(
    make_store: MakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust, first, second = MemoryTrust(), make_store("first"), make_store("second")
    for i in range(6):
        first.save(note(f"note {i}", at=T0))
    engine(first, trust).run()
    real_apply = app.store.sync_state.SyncState.apply_pulled
    calls = []

    def crash_on_second_page(self: object, pulled: object, next_cursor: int) -> int:
        calls.append(next_cursor)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed inside the second page's transaction
        return real_apply(self, pulled, next_cursor)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(app.store.sync_state.SyncState, "apply_pulled", crash_on_second_page)
        with pytest.raises(KeyboardInterrupt):
            engine(second, trust, pull_limit=2).run()
    assert second.sync.cursor() == 2
    assert notes(second) == {"note 0", "note 1"}

    report = engine(second, trust, pull_limit=2).run()
    assert report.received == 4
    assert notes(second) == {f"note {i}" for i in range(6)}
    assert report.counts_match


def test_a_count_mismatch_is_repaired_by_pulling_again_from_zero(make_store: MakeStore) -> None:
    trust, first, second = MemoryTrust(), make_store("first"), make_store("second")
    for i in range(3):
        first.save(note(f"note {i}", at=T0))
    engine(first, trust).run()
    # A cursor moved past revisions never applied (the bug sync must survive).
    with second.write() as tx:
        tx._session.execute(text("UPDATE sync_state SET cursor = 2"))

    report = engine(second, trust).run()

    assert report.repaired
    assert report.counts_match
    assert (report.held, report.expected) == (3, 3)
    assert notes(second) == {"note 0", "note 1", "note 2"}
    assert second.sync.facts().counts_match is True


def test_a_witness_warning_is_kept_for_status_and_verify(make_store: MakeStore) -> None:
    trust, first = MemoryTrust(), make_store("first")
    engine(first, trust).run()
    head = first.sync.audit_head()
    # The server has already seen this PC's chain reach further than it now does.
    trust.witnessed[first.device_id] = type(trust.witnessed[first.device_id])(
        seq=head.seq + 10, hash="b" * 64
    )

    report = engine(first, trust).run()

    assert report.chain_warning is ChainWarning.SHORTER
    assert first.sync.facts().chain_warning == "shorter"
    assert any("cut from its end" in p for p in first.verify().problems)


def test_a_clock_skew_refusal_stops_the_sync_and_moves_nothing(make_store: MakeStore) -> None:
    trust, first = MemoryTrust(), make_store("first")
    first.save(note("waiting", at=T0))
    link = trust.link(first.device_id)

    def skewed(revisions: object) -> None:
        raise ClockSkewRefused("This PC's clock is about 9 minutes ahead", ErrorCode.CLOCK_SKEW)

    link.push = skewed  # type: ignore[method-assign,assignment]
    with pytest.raises(ClockSkewRefused, match="9 minutes"):
        SyncEngine(first.sync, link).run()
    assert first.sync.outbox_count() == 1
    assert first.sync.facts().last_synced_at is None
