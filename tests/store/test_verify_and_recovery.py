"""Tampering is found by verify; the recovery key opens a store whose passwords are lost."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlcipher3

from app.models.errors import Locked
from app.store.keyslots import KeySlotFile, generate_recovery_key_pair
from app.store.store import Store
from tests.store.conftest import FAST_KDF, PASSWORD
from tests.store.sample_records import StoreTestNote, note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def _raw_connection(data_dir: Path) -> sqlcipher3.Connection:
    """A connection outside the application, as an attacker holding the key would have."""
    key = KeySlotFile.load(data_dir / "keyslots.json").unlock("test.nurse", PASSWORD).current
    connection = sqlcipher3.connect(str(data_dir / "rpr.db"), isolation_level=None)
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return connection


def _without_trigger(connection: sqlcipher3.Connection, name: str, change: str) -> None:
    """Run ``change`` with the trigger ``name`` dropped, then put it back exactly as it was —
    as a careful attacker holding the key would, so that only the hashes can give it away."""
    (sql,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).fetchone()
    connection.execute(f"DROP TRIGGER {name}")
    connection.execute(change)
    connection.execute(sql)


def _flip_one_byte(data_dir: Path, table: str, column: str, seq: int) -> None:
    connection = _raw_connection(data_dir)
    try:
        (value,) = connection.execute(
            f"SELECT {column} FROM {table} WHERE seq = ?", (seq,)
        ).fetchone()
        index = len(value) // 2
        flipped = value[:index] + chr(ord(value[index]) ^ 1) + value[index + 1 :]
        escaped = flipped.replace("'", "''")
        _without_trigger(
            connection,
            f"{table}_no_update",
            f"UPDATE {table} SET {column} = '{escaped}' WHERE seq = {seq}",
        )
    finally:
        connection.close()


def _store_with_records(store: Store, data_dir: Path) -> None:
    for i in range(5):
        store.save(note(f"note {i}", at=T0))
    report = store.verify()
    assert report.ok, report.problems
    assert report.revisions_checked == 5
    store.close()


def test_verify_finds_one_changed_byte_in_a_revision(store: Store, data_dir: Path) -> None:
    _store_with_records(store, data_dir)
    _flip_one_byte(data_dir, "revision", "payload", seq=3)
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        report = reopened.verify()
    assert not report.ok
    assert any("changed after it was saved" in p for p in report.problems)


def test_verify_finds_one_changed_byte_in_an_audit_row(store: Store, data_dir: Path) -> None:
    _store_with_records(store, data_dir)
    _flip_one_byte(data_dir, "audit_event", "actor", seq=4)
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        report = reopened.verify()
    assert report.problems == ("audit event 4: its content was changed after it was written",)


def test_verify_finds_a_removed_audit_row(store: Store, data_dir: Path) -> None:
    _store_with_records(store, data_dir)
    connection = _raw_connection(data_dir)
    _without_trigger(connection, "audit_event_no_delete", "DELETE FROM audit_event WHERE seq = 5")
    connection.close()
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        report = reopened.verify()
    assert "audit event 6: does not follow the event before it" in report.problems
    assert any("not recorded in the audit chain" in p for p in report.problems)


def test_recovery_key_opens_a_store_whose_every_password_is_lost(
    store: Store, data_dir: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    store.save(note("kept through recovery", at=T0))
    store.close()
    with pytest.raises(Locked):
        Store.open(data_dir, "test.nurse", "the password nobody remembers")

    with Store.open_with_recovery(data_dir, recovery_keys[0], None) as recovered:
        recovered.reset_password("test.nurse", "a brand new passphrase", kdf=FAST_KDF)
    with Store.open(data_dir, "test.nurse", "a brand new passphrase") as reopened:
        with reopened.read() as reader:
            assert [n.text for n in reader.find(StoreTestNote)] == ["kept through recovery"]
        assert reopened.verify().ok
    with pytest.raises(Locked):
        Store.open(data_dir, "test.nurse", PASSWORD)


def test_another_trusts_recovery_key_does_not_open_the_store(store: Store, data_dir: Path) -> None:
    store.close()
    wrong_private, _ = generate_recovery_key_pair()
    with pytest.raises(Locked):
        Store.open_with_recovery(data_dir, wrong_private, None)


def test_verify_finds_a_record_hidden_by_editing_the_index(store: Store, data_dir: Path) -> None:
    _store_with_records(store, data_dir)
    connection = _raw_connection(data_dir)  # no trigger guards the index: nothing to drop
    connection.execute("UPDATE record SET voided = 1 WHERE rowid = 2")
    connection.close()
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        with reopened.read() as reader:
            assert len(reader.find(StoreTestNote)) == 4  # the record is hidden from lists
        report = reopened.verify()
    assert len(report.problems) == 1
    assert "indexed current state does not match its history (voided)" in report.problems[0]


def test_verify_finds_a_record_turned_back_to_an_old_version(store: Store, data_dir: Path) -> None:
    first = store.save(note("as first written", at=T0))
    store.save(note("as corrected", at=T0, id=first.record_id), base=first.revision_id)
    store.close()
    connection = _raw_connection(data_dir)
    old = first.revision_id.hex
    connection.execute("UPDATE record SET current_revision_id = ?", (old,))
    connection.execute("UPDATE record_tip SET revision_id = ?", (old,))
    connection.close()
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        report = reopened.verify()
    assert any("current versions do not match its history" in p for p in report.problems)
    assert any("current_revision_id" in p for p in report.problems)


def test_verify_finds_a_deleted_revision(store: Store, data_dir: Path) -> None:
    first = store.save(note("kept", at=T0))
    second = store.save(note("removed later", at=T0))
    store.close()
    connection = _raw_connection(data_dir)
    connection.execute("PRAGMA foreign_keys = OFF")
    _without_trigger(
        connection,
        "revision_no_delete",
        f"DELETE FROM revision WHERE revision_id = '{second.revision_id.hex}'",
    )
    connection.close()
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        report = reopened.verify()
    assert "1 revision(s) named in the audit chain are missing" in report.problems
    assert any("indexed but has no history" in p for p in report.problems)
    assert first.record_id != second.record_id
