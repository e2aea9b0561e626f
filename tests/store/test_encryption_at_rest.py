"""What someone who takes the PC or copies the data folder gets: nothing readable
(design.md "Encryption at rest and signing in")."""

import hashlib
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.models.errors import Locked
from app.store.store import Store
from tests.store.conftest import FAST_KDF, PASSWORD
from tests.store.sample_records import StoreTestNote, note

MARKER = "MARKER-Zq7fE2-NOT-ON-DISK"
T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _assert_marker_absent(root: Path) -> None:
    files = _all_files(root)
    assert files, "the data folder is empty"
    for path in files:
        data = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert MARKER.encode(encoding) not in data, f"marker found in {path.name}"


def test_marker_is_in_no_file_while_open_and_after_close(store: Store, data_dir: Path) -> None:
    for i in range(50):  # enough to fill WAL pages, so the -wal file holds the marker's page
        store.save(note(f"{MARKER} {i}", at=T0))
    assert (data_dir / "rpr.db-wal").exists()
    _assert_marker_absent(data_dir)

    # The marker really is stored: reading it back through the key gives it.
    with store.read() as reader:
        assert any(MARKER in n.text for n in reader.find(StoreTestNote))

    store.close()
    _assert_marker_absent(data_dir)
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened, reopened.read() as reader:
        assert len(reader.find(StoreTestNote)) == 50
    _assert_marker_absent(data_dir)


def test_plain_sqlite_cannot_read_the_store(store: Store, data_dir: Path) -> None:
    store.save(note(MARKER, at=T0))
    store.close()
    connection = sqlite3.connect(data_dir / "rpr.db")
    try:
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            connection.execute("SELECT * FROM sqlite_master").fetchall()
    finally:
        connection.close()
    assert not (data_dir / "rpr.db").read_bytes().startswith(b"SQLite format 3")


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in _all_files(root)
    }


def test_wrong_password_fails_at_once_and_changes_nothing(store: Store, data_dir: Path) -> None:
    store.save(note("something to protect", at=T0))
    store.close()
    before = _snapshot(data_dir)

    started = time.perf_counter()
    with pytest.raises(Locked, match=r"password for test\.nurse is not right") as caught:
        Store.open(data_dir, "test.nurse", "Tr0ub4dor&3")
    elapsed = time.perf_counter() - started
    assert "Tr0ub4dor" not in str(caught.value)
    assert elapsed < 5, "the refusal should not wait for retries"

    with pytest.raises(Locked, match=r"^There is no account with that username on this PC\.$"):
        Store.open(data_dir, "someone.else", PASSWORD)

    assert _snapshot(data_dir) == before


def test_files_are_private_to_the_owner(store: Store, data_dir: Path) -> None:
    store.save(note("x", at=T0))
    assert data_dir.stat().st_mode & 0o777 == 0o700
    for path in _all_files(data_dir):
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"


def test_a_new_account_gets_its_own_key_slot(store: Store, data_dir: Path) -> None:
    store.save(note("x", at=T0))
    store.add_user("second.nurse", "another long passphrase", kdf=FAST_KDF)
    store.close()
    with Store.open(data_dir, "second.nurse", "another long passphrase") as reopened:
        assert reopened.actor == "second.nurse"
        with reopened.read() as reader:
            assert [n.text for n in reader.find(StoreTestNote)] == ["x"]
