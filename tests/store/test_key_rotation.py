"""Removing an account changes the store's data key (design.md: "When an account is removed the
key is rotated, so an old copy of the key-slot file opens nothing new"), all or nothing across a
crash."""

import multiprocessing
import multiprocessing.context
import os
import random
import shutil
import time
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import select

from app.models.errors import Locked, StoreDamaged, UserFacingError
from app.store.engine import Access, key_opens, make_engine, rekey
from app.store.keyslots import KeySlotFile
from app.store.schema import AuditRow
from app.store.store import Store
from tests.soak_report import report
from tests.store.conftest import PASSWORD
from tests.store.sample_records import StoreTestNote, note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
LEAVER, LEAVER_PW = "agency.nurse", "agency nurse passphrase"
SOAK_REMOVALS = 300


def _with_a_leaver(store: Store) -> None:
    store.add_user(LEAVER, LEAVER_PW)
    for i in range(20):
        store.save(note(f"before the removal {i}", at=T0))


def _notes(store: Store) -> set[str]:
    with store.read() as reader:
        return {n.text for n in reader.find(StoreTestNote)}


def test_an_old_copy_of_the_key_slot_file_opens_nothing_after_a_removal(
    store: Store, data_dir: Path, tmp_path: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    _with_a_leaver(store)
    kept_by_the_leaver = tmp_path / "keyslots-copy.json"
    shutil.copy(data_dir / "keyslots.json", kept_by_the_leaver)
    old_key = KeySlotFile.load(kept_by_the_leaver).unlock(LEAVER, LEAVER_PW).current

    store.remove_user(LEAVER)
    store.save(note("after the removal", at=T0))
    assert store.users() == ("test.nurse",)
    store.close()

    # The leaver's own slot and key open nothing now...
    assert not key_opens(data_dir / "rpr.db", old_key, Access.INSPECT)
    with pytest.raises(Locked, match="There is no account with that username"):
        Store.open(data_dir, LEAVER, LEAVER_PW)
    current = (data_dir / "keyslots.json").read_bytes()
    shutil.copy(kept_by_the_leaver, data_dir / "keyslots.json")
    with pytest.raises(StoreDamaged, match="does not match its key slots"):
        Store.open(data_dir, LEAVER, LEAVER_PW)
    with pytest.raises(StoreDamaged, match="does not match its key slots"):
        Store.open(data_dir, "test.nurse", PASSWORD)  # nor anyone's, from the old file

    # ... while the current file opens everything, old and new.
    (data_dir / "keyslots.json").write_bytes(current)
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        assert "after the removal" in _notes(reopened)


def test_the_remaining_accounts_and_the_recovery_key_open_everything_after_a_removal(
    store: Store, data_dir: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    _with_a_leaver(store)
    store.remove_user(LEAVER)
    store.save(note("after the removal", at=T0))
    store.close()
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        assert len(_notes(reopened)) == 21
        report = reopened.verify()
        assert report.ok, report.problems
    with Store.open_with_recovery(data_dir, recovery_keys[0], None) as recovered:
        assert "after the removal" in _notes(recovered)
        with recovered.read() as reader:
            actions = list(reader._session.scalars(select(AuditRow.action)))
        assert "key.changed" in actions


def test_the_signed_in_account_cannot_remove_itself(store: Store) -> None:
    with pytest.raises(UserFacingError, match="cannot remove itself"):
        store.remove_user("test.nurse")
    with pytest.raises(Locked, match="There is no account with that username"):
        store.remove_user("ghost.user")


def test_a_crash_before_the_store_is_re_encrypted_keeps_the_account(
    store: Store, data_dir: Path
) -> None:
    _with_a_leaver(store)
    slots = KeySlotFile.load(data_dir / "keyslots.json")
    key = slots.unlock("test.nurse", PASSWORD).current
    slots.begin_rotation(key, LEAVER)  # the first step was saved, then the PC went down
    store.close()

    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        assert reopened.users() == (LEAVER, "test.nurse")
        assert len(_notes(reopened)) == 20
    assert KeySlotFile.load(data_dir / "keyslots.json").rotation is None
    with Store.open(data_dir, LEAVER, LEAVER_PW) as as_leaver:
        assert len(_notes(as_leaver)) == 20


def test_a_crash_after_the_store_is_re_encrypted_finishes_the_removal(
    store: Store, data_dir: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    _with_a_leaver(store)
    store.close()
    slots = KeySlotFile.load(data_dir / "keyslots.json")
    key = slots.unlock("test.nurse", PASSWORD).current
    next_key = slots.begin_rotation(key, LEAVER)
    engine = make_engine(data_dir / "rpr.db", key)
    rekey(engine, data_dir / "rpr.db", key, next_key)  # re-encrypted; the last step never ran

    with pytest.raises(Locked, match="removed from this PC"):
        Store.open(data_dir, LEAVER, LEAVER_PW)
    with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
        assert reopened.users() == ("test.nurse",)
        assert len(_notes(reopened)) == 20
        assert reopened.verify().ok
    assert KeySlotFile.load(data_dir / "keyslots.json").rotation is None
    with Store.open_with_recovery(data_dir, recovery_keys[0], None) as recovered:
        assert len(_notes(recovered)) == 20


def test_a_crash_before_the_re_encrypted_pages_reach_the_main_file_loses_nothing(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    _with_a_leaver(store)
    store.close()
    slots = KeySlotFile.load(data_dir / "keyslots.json")
    key = slots.unlock("test.nurse", PASSWORD).current
    next_key = slots.begin_rotation(key, LEAVER)
    connection = sqlcipher3.connect(str(data_dir / "rpr.db"), isolation_level=None)
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    connection.execute(f"PRAGMA rekey = \"x'{next_key.hex()}'\"")
    # The power goes now: every page under the next key is in the WAL, none in the main file.
    crashed = tmp_path / "as-the-disk-was"
    shutil.copytree(data_dir, crashed)
    connection.close()
    assert (crashed / "rpr.db-wal").stat().st_size > 0

    with Store.open(crashed, "test.nurse", PASSWORD) as reopened:
        assert reopened.users() == ("test.nurse",)
        assert len(_notes(reopened)) == 20
        report = reopened.verify()
        assert report.ok, report.problems


def test_a_removal_is_refused_while_another_account_has_an_old_format_slot(
    tmp_path: Path,
) -> None:
    saved = Path(__file__).parent / "saved_stores" / "schema-0001"
    data_dir = tmp_path / "old"
    shutil.copytree(saved, data_dir)
    with Store.open(data_dir, "old.nurse", "saved store passphrase") as store:
        store.add_user(LEAVER, LEAVER_PW)
        store.add_user("second.nurse", "second nurse passphrase")
        before = (data_dir / "keyslots.json").read_bytes()
        with pytest.raises(UserFacingError, match="recovery public key"):
            store.remove_user(LEAVER)  # the old file never held the trust's public key
        assert (data_dir / "keyslots.json").read_bytes() == before
        assert store.users() == (LEAVER, "old.nurse", "second.nurse")


# ---------------------------------------------------------------- killed mid-removal


def _remove_until_killed(data_dir: Path, acks: Connection) -> None:
    """Open the store, say so, remove the leaver's account, say so."""
    store = Store.open(data_dir, "test.nurse", PASSWORD)
    acks.send("opened")
    store.remove_user(LEAVER)
    acks.send("removed")
    store.close()


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.store.test_key_rotation"])
    return context


def _kill_removals(
    store: Store,
    data_dir: Path,
    tmp_path: Path,
    recovery_keys: tuple[bytes, bytes],
    *,
    rounds: int,
    seed: int,
) -> dict[str, float]:
    """Kill a process removing the leaver's account at a random moment, ``rounds`` times on
    fresh copies; after each kill the store must open for everyone it should, hold every
    record, verify, and have settled the key change one way or the other."""
    _with_a_leaver(store)
    with store.write() as tx:  # a larger file, so the re-encryption takes a moment
        for i in range(400):
            tx.save(note(f"bulk {i} " + "x" * 600, at=T0))
    store.close()
    pristine = tmp_path / "pristine"
    shutil.copytree(data_dir, pristine)
    rng = random.Random(seed)
    outcomes = {"kept": 0, "removed": 0}
    context = _context()
    started = time.perf_counter()
    for _ in range(rounds):
        shutil.rmtree(data_dir)
        shutil.copytree(pristine, data_dir)
        parent_end, child_end = context.Pipe(duplex=False)
        worker = context.Process(target=_remove_until_killed, args=(data_dir, child_end))
        worker.start()
        child_end.close()
        assert parent_end.poll(60)
        assert parent_end.recv() == "opened"
        parent_end.poll(rng.uniform(0, 0.08))  # a random moment of the removal, not a sleep
        worker.kill()
        worker.join()
        parent_end.close()

        with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
            assert len(_notes(reopened)) == 420
            assert reopened.verify().ok
            users = reopened.users()
        assert KeySlotFile.load(data_dir / "keyslots.json").rotation is None
        if LEAVER in users:
            outcomes["kept"] += 1
            with Store.open(data_dir, LEAVER, LEAVER_PW) as as_leaver:
                assert len(_notes(as_leaver)) == 420
        else:
            outcomes["removed"] += 1
            with pytest.raises(Locked):
                Store.open(data_dir, LEAVER, LEAVER_PW)
        with Store.open_with_recovery(data_dir, recovery_keys[0], None) as recovered:
            assert len(_notes(recovered)) == 420
    return {**outcomes, "kills": rounds, "seconds": round(time.perf_counter() - started, 1)}


def test_a_removal_killed_at_any_moment_leaves_a_store_that_opens(
    store: Store, data_dir: Path, tmp_path: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    figures = _kill_removals(store, data_dir, tmp_path, recovery_keys, rounds=20, seed=20261201)
    print(f"\nkilled during a removal: {figures}")
    assert figures["kept"], figures  # killed before the re-encryption committed
    assert figures["removed"], figures  # and after


@pytest.mark.soak
@pytest.mark.timeout(3 * 3600)
def test_soak_removals_killed(
    store: Store, data_dir: Path, tmp_path: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    rounds = int(os.environ.get("RPR_SOAK_REMOVALS", SOAK_REMOVALS))
    figures = _kill_removals(store, data_dir, tmp_path, recovery_keys, rounds=rounds, seed=7)
    report("removal soak: SIGKILL while removing an account", figures)
    assert figures["kept"], figures
    assert figures["removed"], figures
