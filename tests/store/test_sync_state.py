"""Sync state in the encrypted store: the outbox, acknowledgements, refusals, pulled pages and
the cursor, the enrolment (design.md "Sync"), on real SQLCipher files."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

import app.store.sync_state
from app.models.errors import RuleViolation, StoreDamaged
from app.models.revision import Revision
from app.store.schema import AuditRow
from app.store.store import Store
from app.store.sync_state import Enrolment
from tests.store.conftest import FAST_KDF, PASSWORD
from tests.store.sample_records import StoreTestNote, note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
TOKEN = "device-token-" + "k" * 40


def enrolment(device_id: UUID | None = None) -> Enrolment:
    return Enrolment(
        server_url="https://rpr.trust.example",
        device_id=device_id or uuid4(),
        device_token=TOKEN,
        ward_id=uuid4(),
        ward_name="Willow Ward",
        trust_name="Example NHS Trust",
    )


@pytest.fixture
def other(tmp_path: Path, recovery_keys: tuple[bytes, bytes]) -> Iterator[Store]:
    """A second ward PC's store, enrolled."""
    opened = Store.create(
        tmp_path / "other-pc",
        username="other.nurse",
        password=PASSWORD,
        recovery_public_key_pem=recovery_keys[1],
        kdf=FAST_KDF,
        enrolment=enrolment(),
    )
    yield opened
    opened.close()


def pulled(revisions: list[Revision], first_seq: int = 1) -> list[tuple[int, Revision]]:
    return [(first_seq + i, r) for i, r in enumerate(revisions)]


def test_local_revisions_wait_in_the_outbox_in_the_order_they_were_made(store: Store) -> None:
    first = store.save(note("one", at=T0))
    second = store.save(note("two", at=T0))
    edit = store.save(note("one, edited", at=T0, id=first.record_id), base=first.revision_id)

    outbox = store.sync.outbox(10)
    assert [e.revision for e in outbox] == [first, second, edit]
    assert [e.seq for e in outbox] == sorted(e.seq for e in outbox)
    assert store.sync.outbox_count() == 3
    assert store.sync.unsent_records() == {first.record_id, second.record_id}
    assert [e.revision for e in store.sync.outbox(2)] == [first, second]
    assert [e.revision for e in store.sync.outbox(10, after_seq=outbox[1].seq)] == [edit]


def test_only_what_the_server_acknowledged_leaves_the_outbox(store: Store) -> None:
    first, second, third = (store.save(note(t, at=T0)) for t in ("a", "b", "c"))
    assert store.sync.facts().last_sent_at is None

    marked = store.sync.mark_acknowledged([second.revision_id, uuid4()])  # a stranger id too

    assert marked == 1
    assert store.sync.synced_count() == 1
    assert [e.revision for e in store.sync.outbox(10)] == [first, third]
    assert store.sync.outbox_count() == 2
    assert store.sync.unsent_records() == {first.record_id, third.record_id}
    assert store.sync.facts().last_sent_at is not None
    # Acknowledged twice (a retried push): nothing changes.
    assert store.sync.mark_acknowledged([second.revision_id]) == 0
    assert store.sync.mark_acknowledged([first.revision_id, third.revision_id]) == 2
    assert store.sync.outbox(10) == []
    assert store.sync.outbox_count() == 0
    later = store.save(note("d", at=T0))
    assert [e.revision for e in store.sync.outbox(10)] == [later]


def test_a_refused_revision_stays_in_the_outbox_with_its_reason(store: Store) -> None:
    kept, refused = store.save(note("kept", at=T0)), store.save(note("refused", at=T0))
    store.sync.mark_acknowledged([kept.revision_id])
    store.sync.record_refusals([(refused.revision_id, "forbidden", "Not for this ward.")])

    facts = store.sync.facts()
    assert facts.not_yet_sent == 1
    assert [(r.revision_id, r.code, r.message) for r in facts.refusals] == [
        (refused.revision_id, "forbidden", "Not for this ward.")
    ]
    assert [e.revision for e in store.sync.outbox(10)] == [refused]
    # A refusal of something the server holds after all is not shown.
    store.sync.record_refusals([(kept.revision_id, "forbidden", "late")])
    assert len(store.sync.refusals()) == 1
    # Acknowledged at a later sync: it leaves the outbox and its refusal is gone.
    store.sync.mark_acknowledged([refused.revision_id])
    assert store.sync.refusals() == ()
    assert store.sync.outbox_count() == 0


def test_a_pulled_page_is_applied_and_the_cursor_moved_together(store: Store, other: Store) -> None:
    made = [store.save(note(f"from the first PC {i}", at=T0)) for i in range(3)]

    applied = other.sync.apply_pulled(pulled(made), next_cursor=3)

    assert applied == 3
    assert other.sync.cursor() == 3
    assert {n.text for n in _notes(other)} == {f"from the first PC {i}" for i in range(3)}
    # Received revisions are held by the server already: not in this PC's outbox.
    assert other.sync.outbox_count() == 0
    assert other.sync.revision_count() == 3
    assert other.sync.synced_count() == 3
    # The same page again (a repeated pull) is a no-op; the cursor never moves back.
    assert other.sync.apply_pulled(pulled(made), next_cursor=1) == 0
    assert other.sync.cursor() == 3
    assert other.sync.revision_count() == 3
    assert other.verify().ok


def test_a_crash_before_the_commit_leaves_neither_the_page_nor_the_cursor(
    store: Store, other: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [store.save(note(f"page {i}", at=T0)) for i in range(2)]

    def crash(*_: object) -> None:
        raise KeyboardInterrupt  # the process dies after applying, before committing

    with monkeypatch.context() as patched:
        patched.setattr(app.store.sync_state, "advance_floor", crash)
        with pytest.raises(KeyboardInterrupt):
            other.sync.apply_pulled(pulled(made), next_cursor=2)
    assert other.sync.cursor() == 0
    assert _notes(other) == []
    # The next sync pulls the same page again: repeated, never skipped.
    assert other.sync.apply_pulled(pulled(made), next_cursor=2) == 2
    assert other.sync.cursor() == 2
    assert len(_notes(other)) == 2


def test_a_page_with_a_revision_that_does_not_match_its_hash_is_refused_whole(
    store: Store, other: Store
) -> None:
    good = store.save(note("good", at=T0))
    bad = store.save(note("bad", at=T0)).model_copy(update={"payload": "{}"})

    with pytest.raises(StoreDamaged, match="does not match its hash"):
        other.sync.apply_pulled(pulled([good, bad]), next_cursor=2)

    assert other.sync.cursor() == 0
    assert other.sync.revision_count() == 0


def test_a_revision_before_its_parent_is_refused_and_nothing_moves(
    store: Store, other: Store
) -> None:
    first = store.save(note("v1", at=T0))
    edit = store.save(note("v2", at=T0, id=first.record_id), base=first.revision_id)

    with pytest.raises(RuleViolation, match="before the revision it changes"):
        other.sync.apply_pulled(pulled([edit], first_seq=2), next_cursor=2)
    assert other.sync.cursor() == 0


def test_an_own_revision_pulled_back_leaves_the_outbox(store: Store) -> None:
    # The push was taken but its answer was lost: the pull shows the server holds it.
    made = store.save(note("mine", at=T0))
    store.sync.record_refusals([(made.revision_id, "unavailable", "try later")])

    assert store.sync.apply_pulled(pulled([made], first_seq=7), next_cursor=7) == 0

    assert store.sync.outbox_count() == 0
    assert store.sync.refusals() == ()
    assert store.sync.cursor() == 7


def test_the_enrolment_is_kept_inside_the_encrypted_store_only(
    other: Store, tmp_path: Path
) -> None:
    kept = other.sync.enrolment()
    assert kept is not None
    assert kept.device_token == TOKEN
    assert kept.enrolled_by == "other.nurse"
    assert kept.enrolled_at is not None
    assert TOKEN not in repr(kept)
    assert other.device_id == kept.device_id  # the server's device id is the store's
    other.close()
    for path in (tmp_path / "other-pc").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path.name


def test_an_enrolment_is_in_the_audit_chain_and_verifies(other: Store) -> None:
    enrolled = other.sync.enrolment()
    assert enrolled is not None
    with other.read() as reader:
        details = reader._session.scalars(
            select(AuditRow.detail).where(AuditRow.action == "device.enrolled")
        ).all()
    assert details == [f"enrolled as device {enrolled.device_id} for ward {enrolled.ward_id}"]
    assert other.verify().ok


def test_a_standalone_store_has_no_enrolment(store: Store) -> None:
    assert store.sync.enrolment() is None
    facts = store.sync.facts()
    assert facts.enrolment is None
    assert facts.cursor == 0
    assert facts.counts_match is None


def test_the_count_check_and_the_witness_are_kept_and_verify_reports_a_cut_chain(
    store: Store,
) -> None:
    store.save(note("x", at=T0))
    head = store.sync.audit_head()
    store.sync.record_check(expected=1, held=1, chain_warning=None, witnessed=(head.seq, head.hash))
    facts = store.sync.facts()
    assert facts.counts_match is True
    assert facts.witnessed == head
    assert facts.last_synced_at is not None
    assert store.verify().ok

    store.sync.record_check(
        expected=2, held=1, chain_warning="shorter", witnessed=(head.seq + 5, "a" * 64)
    )
    facts = store.sync.facts()
    assert facts.counts_match is False
    assert facts.chain_warning == "shorter"
    problems = store.verify().problems
    assert any("cut from its end" in p for p in problems), problems


def test_the_audit_head_is_the_last_event(store: Store) -> None:
    before = store.sync.audit_head()
    store.save(note("x", at=T0))
    after = store.sync.audit_head()
    assert after.seq > before.seq
    assert after.hash != before.hash


def _notes(store: Store) -> list[StoreTestNote]:
    with store.read() as reader:
        return list(reader.find(StoreTestNote))
