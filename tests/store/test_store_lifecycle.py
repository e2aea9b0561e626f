"""Creating, opening and closing a store: set-up is all or nothing, connections are set up as
the durability and secrecy rules need, a closed store refuses use."""

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app.models.errors import DiskFull, Locked, StoreDamaged, StoreIncomplete, UserFacingError
from app.store import engine as engine_module
from app.store import migrate
from app.store.keyslots import generate_data_key
from app.store.layout import StoreFiles
from app.store.store import Store
from tests.store.conftest import FAST_KDF, PASSWORD


def _create(data_dir: Path, public_pem: bytes, username: str = "test.nurse") -> Store:
    return Store.create(
        data_dir,
        username=username,
        password=PASSWORD,
        recovery_public_key_pem=public_pem,
        kdf=FAST_KDF,
    )


def test_every_connection_is_encrypted_durable_and_keeps_temp_data_in_memory(store: Store) -> None:
    with store.write() as tx:
        pragma = {
            name: tx._session.execute(text(f"PRAGMA {name}")).scalar()
            for name in (
                "cipher_version",
                "journal_mode",
                "synchronous",
                "temp_store",
                "foreign_keys",
            )
        }
    assert pragma["cipher_version"]
    assert pragma["journal_mode"] == "wal"
    assert pragma["synchronous"] == 2  # FULL: the WAL is fsynced on every commit
    assert pragma["temp_store"] == 2  # MEMORY: no plaintext temp files
    assert pragma["foreign_keys"] == 1


def test_a_driver_without_sqlcipher_is_refused_rather_than_writing_plaintext(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fault we cannot otherwise cause: the SQLCipher driver replaced by plain SQLite.
    monkeypatch.setattr(engine_module.sqlcipher3, "dbapi2", sqlite3)
    engine = engine_module.make_engine(tmp_path / "x.db", generate_data_key())
    with pytest.raises(StoreDamaged, match="no working encryption"), engine.connect():
        pass
    assert not (tmp_path / "x.db").exists() or (tmp_path / "x.db").stat().st_size == 0


def test_a_refused_username_leaves_no_store(
    data_dir: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    with pytest.raises(UserFacingError, match="username"):
        _create(data_dir, recovery_keys[1], username="Ward Admin")
    assert not StoreFiles(data_dir).exists()
    assert not (data_dir / "rpr.db").exists()


def test_a_set_up_that_fails_midway_leaves_no_store_and_can_be_run_again(
    data_dir: Path, recovery_keys: tuple[bytes, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_upgrade(connection: object) -> bool:
        # A fault we cannot otherwise cause at this moment (full disks are tested for real
        # in test_disk_full.py).
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(migrate, "upgrade", failing_upgrade)
        with pytest.raises(DiskFull, match="the store could not be set up"):
            _create(data_dir, recovery_keys[1])
    # Set-up removed exactly what it made: not even the folder is left.
    assert not data_dir.exists()
    with pytest.raises(StoreIncomplete, match="There is no store"):
        Store.open(data_dir, "test.nurse", PASSWORD)

    with _create(data_dir, recovery_keys[1]) as store:
        assert store.verify().ok
    assert sorted(p.name for p in data_dir.iterdir()) == ["keyslots.json", "logs", "rpr.db"]


def test_a_closed_store_refuses_use(store: Store) -> None:
    store.close()
    with pytest.raises(Locked, match="closed"):
        store.read().__enter__()
    with pytest.raises(Locked, match="closed"):
        store.write().__enter__()
    store.close()  # closing twice is harmless


def test_closing_stops_the_background_check(store: Store, data_dir: Path) -> None:
    store.close()
    reopened = Store.open(data_dir, "test.nurse", PASSWORD)
    check = reopened._background_check
    assert check is not None
    reopened.close()
    assert not check._thread.is_alive()


def test_a_store_from_a_newer_version_says_so(store: Store, data_dir: Path) -> None:
    with store.write() as tx:
        tx._session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(UserFacingError, match=r"newer version of RPR \(schema 9999"):
        Store.open(data_dir, "test.nurse", PASSWORD)


def test_adding_an_account_that_exists_is_refused_and_a_reset_is_audited(
    store: Store, data_dir: Path
) -> None:
    with pytest.raises(UserFacingError, match="can already sign in"):
        store.add_user("Test.Nurse", "someone else's choice", kdf=FAST_KDF)
    store.reset_password("test.nurse", "reset by the ward manager", kdf=FAST_KDF)
    store.close()
    with Store.open(data_dir, " TEST.NURSE ", "reset by the ward manager") as reopened:
        assert reopened.actor == "test.nurse"
