"""The integrity check on open (app.store.integrity): damage is found before more is saved."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.models.errors import StoreDamaged
from app.store.store import Store
from tests.store.conftest import PASSWORD
from tests.store.sample_records import StoreTestNote, note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
PAGE = 4096


def _fill(store: Store, count: int = 300) -> None:
    with store.write() as tx:
        for i in range(count):
            tx.save(note(f"note {i} " + "x" * 400, at=T0))


def _flip_a_byte_mid_file(db: Path) -> None:
    data = bytearray(db.read_bytes())
    middle_page = len(data) // PAGE // 2
    data[middle_page * PAGE + 200] ^= 0x01
    db.write_bytes(bytes(data))


def test_a_clean_store_passes_the_background_check(store: Store, data_dir: Path) -> None:
    _fill(store)
    store.close()
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        result = reopened.integrity(wait=True)
        assert result is not None
        assert result.ok
        reopened.save(note("saved after the check", at=T0))


def test_damage_found_in_the_background_stops_further_saves(store: Store, data_dir: Path) -> None:
    _fill(store)
    store.close()
    assert not (data_dir / "rpr.db-wal").exists()  # a clean close: no whole-file check on open
    _flip_a_byte_mid_file(data_dir / "rpr.db")

    with Store.open(data_dir, "test.nurse", PASSWORD) as damaged:
        result = damaged.integrity(wait=True)
        assert result is not None
        assert not result.ok
        assert "damaged" in result.problems[0]
        # What the check met stays with its own connection: the store's other reads still work
        # (a pooled connection that met a failed page would fail every later read).
        for _ in range(3):
            assert damaged.is_demo() is False
        with pytest.raises(StoreDamaged, match="nothing more can be saved"):
            damaged.save(note("must not be written onto a damaged file", at=T0))


def test_after_an_unclean_shutdown_the_whole_file_is_checked_before_opening(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    _fill(store)
    # Move what is written so far into the main file, then write a little more, so the copy
    # below has pages in both the main file (one is damaged) and the WAL.
    raw = store._engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    store.save(note("after the checkpoint", at=T0))
    # Copy the folder while the store is open: what a power cut would leave behind.
    intact, damaged = tmp_path / "after-power-cut", tmp_path / "damaged-after-power-cut"
    shutil.copytree(data_dir, intact)
    shutil.copytree(data_dir, damaged)
    store.close()
    assert (intact / "rpr.db-wal").stat().st_size > 0
    _flip_a_byte_mid_file(damaged / "rpr.db")

    with Store.open(intact, "test.nurse", PASSWORD) as recovered:
        result = recovered.integrity()
        assert result is not None  # checked before opening, not in the background
        assert result.ok
        with recovered.read() as reader:
            assert len(reader.find(StoreTestNote)) == 301

    with pytest.raises(StoreDamaged, match="failed its integrity check"):
        Store.open(damaged, "test.nurse", PASSWORD)


def test_verify_reports_a_damaged_page_instead_of_failing(store: Store, data_dir: Path) -> None:
    _fill(store)
    store.close()
    _flip_a_byte_mid_file(data_dir / "rpr.db")
    with Store.open(data_dir, "test.nurse", PASSWORD) as damaged:
        report = damaged.verify()
    assert not report.ok
    assert any("damaged" in p or "HMAC" in p or "hmac" in p for p in report.problems)
