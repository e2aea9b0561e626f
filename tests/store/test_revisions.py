"""The revision model: nothing is overwritten or deleted; conflicts are kept; amendments and
voids need reasons (design.md "Records are revisions, never overwrites")."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from app.models.errors import InvalidRecord, RuleViolation, StoreDamaged
from app.models.revision import Revision, RevisionAction
from app.store.store import Store
from tests.store.sample_records import StoreTestNote, note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def test_each_change_is_a_new_revision_naming_its_parent(store: Store) -> None:
    first = store.save(note("restraint in the lounge", at=T0))
    edited = note("restraint in the lounge, 4 minutes", at=T0, id=first.record_id)
    second = store.save(edited, base=first.revision_id)

    assert second.parents == (first.revision_id,)
    assert second.action is RevisionAction.EDIT
    assert store.get(StoreTestNote, first.record_id) == edited
    with store.read() as reader:
        history = reader.history(first.record_id)
    assert [r.revision_id for r in history] == [first.revision_id, second.revision_id]
    assert history[0].payload != history[1].payload  # the first version is still there
    assert all(r.hash_is_valid() for r in history)


def test_saving_unchanged_content_adds_no_revision(store: Store) -> None:
    record = note("same", at=T0)
    first = store.save(record)
    again = store.save(record, base=first.revision_id)
    assert again.revision_id == first.revision_id
    with store.read() as reader:
        assert len(reader.history(record.id)) == 1


def test_revisions_and_audit_rows_cannot_be_updated_or_deleted(store: Store) -> None:
    store.save(note("x", at=T0))
    for statement in (
        "UPDATE revision SET payload = '{}'",
        "DELETE FROM revision",
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event",
    ):
        with (
            pytest.raises((IntegrityError, OperationalError), match="append-only"),
            store.write() as tx,
        ):
            tx._session.execute(text(statement))


def test_amending_a_signed_off_record_needs_a_reason(store: Store) -> None:
    signed = note("final", at=T0, status="signed_off")
    base = store.save(signed).revision_id
    amended = signed.model_copy(update={"text": "final, corrected time"})
    with pytest.raises(RuleViolation, match="amendment needs a reason"):
        store.save(amended, base=base)
    revision = store.save(amended, base=base, reason="time of release corrected from CCTV")
    assert revision.action is RevisionAction.AMEND
    assert revision.reason == "time of release corrected from CCTV"


def test_void_keeps_the_record_and_needs_a_reason(store: Store) -> None:
    record = note("entered on the wrong patient", at=T0)
    created = store.save(record)
    with pytest.raises(RuleViolation, match="needs a reason"):
        store.void(record.id, "  ")
    store.void(record.id, "entered on the wrong patient")
    with store.read() as reader:
        assert reader.find(StoreTestNote) == []
        assert reader.find(StoreTestNote, include_voided=True) == [record]
        state = reader.state(record.id)
        assert state is not None
        assert state.voided
        assert [r.action for r in reader.history(record.id)] == [
            RevisionAction.CREATE,
            RevisionAction.VOID,
        ]
    with store.read() as reader:
        current = reader.state(record.id)
    assert current is not None
    with pytest.raises(RuleViolation, match="voided"):
        store.save(
            record.model_copy(update={"text": "changed after void"}), base=current.revision_id
        )
    # A change made elsewhere from before the void is kept, and the record is conflicted and
    # in sight again until a person decides (never hidden by clock order).
    store.save(
        record.model_copy(update={"text": "edited on the office PC"}), base=created.revision_id
    )
    with store.read() as reader:
        state = reader.state(record.id)
    assert state is not None
    assert state.conflicted
    assert not state.voided


def test_two_changes_from_the_same_revision_are_kept_as_a_conflict(store: Store) -> None:
    base = store.save(note("v1", at=T0))
    mine = note("v2 from this PC", at=T0, id=base.record_id)
    theirs = note("v2 from the office PC", at=T0, id=base.record_id)
    store.save(mine, base=base.revision_id)
    store.save(theirs, base=base.revision_id)

    with store.read() as reader:
        state = reader.state(base.record_id)
        assert state is not None
        assert state.conflicted
        assert {
            StoreTestNote.model_validate_json(t.payload) for t in reader.tips(base.record_id)
        } == {
            mine,
            theirs,
        }
        assert reader.conflicted_ids() == [base.record_id]
    with pytest.raises(RuleViolation, match="base"):
        store.save(note("v3 without saying what it changes", at=T0, id=base.record_id))

    merged = note("v2 from both PCs", at=T0, id=base.record_id)
    with store.write() as tx:
        resolution = tx.resolve(merged)
    assert resolution.action is RevisionAction.RESOLVE
    assert len(resolution.parents) == 2
    with store.read() as reader:
        state = reader.state(base.record_id)
        assert state is not None
        assert not state.conflicted
        assert state.record == merged


def test_applying_a_revision_twice_is_a_no_op(store: Store) -> None:
    record = note("from another PC", at=T0)
    incoming = Revision.of(
        record, action=RevisionAction.CREATE, parents=(), author="other.nurse", device_id=uuid4()
    )
    with store.write() as tx:
        assert tx.apply(incoming) is True
    with store.write() as tx:
        assert tx.apply(incoming) is False
    with store.read() as reader:
        assert len(reader.history(record.id)) == 1
        assert reader.get(StoreTestNote, record.id) == record


def test_a_revision_whose_content_does_not_match_its_hash_is_refused(store: Store) -> None:
    record = note("original", at=T0)
    good = Revision.of(
        record, action=RevisionAction.CREATE, parents=(), author="other.nurse", device_id=uuid4()
    )
    forged = good.model_copy(update={"payload": good.payload.replace("original", "altered!")})
    with pytest.raises(StoreDamaged), store.write() as tx:
        tx.apply(forged)
    assert store.get(StoreTestNote, record.id) is None


def test_a_failed_action_saves_nothing_of_it(store: Store) -> None:
    first = note("first", at=T0)

    def save_then_void_without_reason() -> None:
        with store.write() as tx:
            tx.save(first)
            tx.void(first.id, "")  # refused: the whole action rolls back

    with pytest.raises(RuleViolation):
        save_then_void_without_reason()
    assert store.get(StoreTestNote, first.id) is None


def test_queries_filter_on_indexed_facts(store: Store) -> None:
    ward = uuid4()
    open_one = note("open", at=T0, ward_id=ward)
    ended = note("ended", at=T0, ward_id=ward, ends_at=datetime(2026, 11, 1, 4, tzinfo=UTC))
    other_ward = note("elsewhere", at=T0)
    submitted = note("submitted", at=T0, ward_id=ward, status="submitted")
    with store.write() as tx:
        for record in (open_one, ended, other_ward, submitted):
            tx.save(record)
    with store.read() as reader:
        at = datetime(2026, 11, 1, 5, tzinfo=UTC)
        assert set(reader.find(StoreTestNote, ward_id=ward, ongoing_at=at)) == {open_one, submitted}
        assert reader.find(StoreTestNote, ward_id=ward, statuses=["submitted"]) == [submitted]
    status = store.status()
    assert status.drafts == 3
    assert status.awaiting_sign_off == 1
    assert status.records_by_kind == {"store_test_note": 4}


def test_resolving_away_a_signed_off_version_needs_a_reason(store: Store) -> None:
    draft = note("draft", at=T0)
    base = store.save(draft).revision_id
    signed = draft.model_copy(update={"status": "signed_off", "text": "signed"})
    store.save(signed, base=base)
    # An edit from the draft, made on another PC before the sign-off arrived:
    store.save(draft.model_copy(update={"text": "late edit"}), base=base)
    merged = draft.model_copy(update={"text": "late edit, merged"})
    with pytest.raises(RuleViolation, match="signed off or voided"), store.write() as tx:
        tx.resolve(merged)
    with store.write() as tx:
        resolution = tx.resolve(merged, reason="late edit agreed with the ward manager")
    assert resolution.reason == "late edit agreed with the ward manager"


def test_voiding_a_conflicted_record_joins_every_version(store: Store) -> None:
    record = note("v1", at=T0)
    base = store.save(record).revision_id
    store.save(record.model_copy(update={"text": "here"}), base=base)
    store.save(record.model_copy(update={"text": "there"}), base=base)
    revision = store.void(record.id, "duplicate of another record")
    assert len(revision.parents) == 2
    with store.read() as reader:
        state = reader.state(record.id)
    assert state is not None
    assert state.voided
    assert not state.conflicted


def test_a_revision_from_elsewhere_on_an_old_version_forks_the_record(store: Store) -> None:
    record = note("v1", at=T0)
    base = store.save(record)
    store.save(record.model_copy(update={"text": "v2 here"}), base=base.revision_id)
    theirs = Revision.of(
        record.model_copy(update={"text": "v2 there"}),
        action=RevisionAction.EDIT,
        parents=(base.revision_id,),
        author="other.nurse",
        device_id=uuid4(),
    )
    with store.write() as tx:
        assert tx.apply(theirs)
    with store.read() as reader:
        assert len(reader.tips(record.id)) == 2
        assert reader.conflicted_ids() == [record.id]


def test_a_revision_whose_payload_is_another_record_is_refused(store: Store) -> None:
    record = note("mine", at=T0)
    forged = Revision.of(
        record, action=RevisionAction.CREATE, parents=(), author="x.y", device_id=uuid4()
    )
    forged = forged.model_copy(update={"record_id": uuid4()})
    forged = forged.model_copy(update={"content_hash": forged.computed_hash()})
    with pytest.raises(StoreDamaged, match="another record"), store.write() as tx:
        tx.apply(forged)


def test_a_reason_that_breaks_a_rule_is_refused_without_echoing_it(store: Store) -> None:
    record = note("x", at=T0)
    store.save(record)
    secret = "Patient Jane Testperson 999 000 0018 " * 1000
    with pytest.raises(InvalidRecord) as caught:
        store.void(record.id, secret)
    assert "reason" in str(caught.value)
    assert "Testperson" not in str(caught.value)
