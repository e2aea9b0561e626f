"""A full disk, a write lock held by another program, and copies that cannot be written: each
reaches a person as one clear sentence, never a driver error or a stack trace, and loses
nothing that was saved (design.md "Encryption at rest"; app.store.failures).

Everything here is real: tmpfs file systems of a few MiB that fill up, grow and are remounted
read-only (tests/filesystems.py; the tests run as root), an immutable file on ext4, and a
second process holding SQLite's write lock, driven through a pipe. The one setting changed is
the busy timeout, so a held lock is given up on after 200 ms instead of 10 s.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import multiprocessing
import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from uuid import UUID

import pytest
import sqlcipher3

from app.cli.demo.command import demo_passwords_path, demo_recovery_key_path
from app.cli.main import main
from app.models.errors import DiskFull, StoreBusy, StoreReadOnly, UserFacingError
from app.store import engine as store_engine
from app.store.keyslots import KeySlotFile
from app.store.layout import SETUP_PREFIX, StoreFiles
from app.store.store import Store
from tests.conftest import FAST_KDF
from tests.filesystems import SmallFilesystem, small_filesystem
from tests.store.conftest import PASSWORD
from tests.store.sample_records import StoreTestNote, note

USER = "test.nurse"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
#: Far more saves than fit on the 2 MiB file system: reaching it means the disk never filled.
MOST_SAVES = 3000
#: How long to wait for the lock-holding process to answer (it answers in well under a second).
PIPE_WAIT_S = 60

Mount = Callable[[str, int], SmallFilesystem]


# ---------------------------------------------------------------- helpers and fixtures


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Mount]:
    """Mount small file systems under tmp_path for one test; all are unmounted afterwards,
    whatever happened. Log files the CLI left open on them are let go of first."""
    with contextlib.ExitStack() as mounted:

        def make(name: str, size_kib: int) -> SmallFilesystem:
            return mounted.enter_context(small_filesystem(tmp_path / name, size_kib))

        try:
            yield make
        finally:
            _let_go_of_log_files()


def _let_go_of_log_files() -> None:
    """Close the CLI's log handlers, so no file on a test's file system stays open."""
    root = logging.getLogger("rpr")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        with contextlib.suppress(OSError, ValueError):
            handler.close()


@pytest.fixture
def immutable() -> Iterator[Callable[[Path], None]]:
    """``immutable(path)`` sets the file's immutable attribute (chattr +i); every file so
    marked is made mutable again afterwards, so pytest can remove it."""
    marked: list[Path] = []

    def mark(path: Path) -> None:
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
        marked.append(path)

    try:
        yield mark
    finally:
        for path in marked:
            subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)


def _new_store(data_dir: Path, recovery_keys: tuple[bytes, bytes], username: str = USER) -> Store:
    return Store.create(
        data_dir,
        username=username,
        password=PASSWORD,
        recovery_public_key_pem=recovery_keys[1],
        kdf=FAST_KDF,
    )


def _note(number: int) -> StoreTestNote:
    """A note of a few KB that does not compress (the store is encrypted anyway)."""
    return note(f"note {number} {secrets.token_hex(1500)}", at=T0 + timedelta(minutes=number))


def _save_notes(store: Store, count: int) -> list[UUID]:
    saved = []
    for number in range(count):
        record = _note(number)
        store.save(record)
        saved.append(record.id)
    return saved


def _held_ids(store: Store) -> set[UUID]:
    with store.read() as reader:
        return {record.id for record in reader.find(StoreTestNote)}


def _fingerprints(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name: SHA-256 of its bytes)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _fill(folder: Path) -> Path:
    """Write a filler file in ``folder`` until its file system has no room left."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for chunk in (bytes(65536), bytes(4096), bytes(1)):
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return filler


def _cli(*args: str) -> int:
    return main([args[0], "--data-dir", *args[1:]])


def _no_stack_trace(err: str, when: str = "") -> None:
    """stderr holds sentences for a person: no stack trace, no logging's own complaint, no
    driver error and no "something went wrong" (an unexpected error, exit 70)."""
    for sign in ("Traceback", 'File "', "Logging error", "sqlcipher3", "something went wrong"):
        assert sign not in err, f"{when}{sign!r} on stderr:\n{err}"


# ---------------------------------------------------------------- a full disk


def test_a_full_disk_refuses_the_save_keeps_earlier_ones_and_the_store_works_once_space_is_freed(
    mount: Mount, recovery_keys: tuple[bytes, bytes]
) -> None:
    fs = mount("small-disk", 2048)
    data_dir = fs.path / "ward"
    files = StoreFiles(data_dir)
    store = _new_store(data_dir, recovery_keys)
    acknowledged: list[UUID] = []
    try:
        refusal: DiskFull | None = None
        for number in range(MOST_SAVES):
            record = _note(number)
            try:
                store.save(record)
            except DiskFull as exc:
                refusal = exc
                break
            acknowledged.append(record.id)
        assert refusal is not None, f"{MOST_SAVES} notes of 3 KB fitted on a 2 MiB disk"
        assert len(acknowledged) > 10  # the store really was saving before the disk filled
        message = str(refusal)
        assert "disk holding the store is full" in message
        assert "everything saved before it is kept" in message
        assert store.get(StoreTestNote, record.id) is None
        assert _held_ids(store) == set(acknowledged)

        slots_before = files.keyslots.read_bytes()
        with pytest.raises(UserFacingError) as add_refused:
            store.add_user("second.nurse", "another long password")
        said = str(add_refused.value).replace(str(data_dir), "<folder>")  # its path says "full"
        assert isinstance(add_refused.value, DiskFull) or "disk is full" in said.lower(), said
        assert files.keyslots.read_bytes() == slots_before
        assert sorted(path.name for path in data_dir.iterdir() if path.name.endswith(".tmp")) == []
        assert "second.nurse" not in store.users()

        # The check is made on the full disk (recording it may or may not fit in the room
        # the refused save left in the WAL; either way the report stands).
        report = store.verify()
        assert report.ok, report.problems
    finally:
        store.close()

    fs.resize(8192)  # space is freed
    with Store.open(data_dir, USER, PASSWORD) as reopened:
        assert _held_ids(reopened) == set(acknowledged)
        report = reopened.verify()
        assert report.ok, report.problems
        assert report.recorded
        after = _note(MOST_SAVES)
        reopened.save(after)
    with Store.open(data_dir, USER, PASSWORD) as reopened:
        assert _held_ids(reopened) == {*acknowledged, after.id}


def test_demo_data_on_a_disk_too_small_for_the_ward_says_so_and_leaves_no_store(
    mount: Mount, capsys: pytest.CaptureFixture[str]
) -> None:
    fs = mount("small-disk", 3072)
    data_dir = fs.path / "demo"
    code = main(["demo-data", "--data-dir", str(data_dir)])
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "disk is full" in err.replace(str(data_dir), "<folder>")
    _no_stack_trace(err)
    assert "Demo accounts" not in out
    # No store is left whose passwords were never shown, and no half-made one either.
    assert not data_dir.exists() or not any(data_dir.iterdir())
    assert not any(path.name.startswith(SETUP_PREFIX) for path in fs.path.rglob("*"))
    assert not demo_recovery_key_path(data_dir).exists()
    assert not demo_passwords_path(data_dir).exists()


def test_logging_on_a_full_disk_prints_no_stack_trace(
    mount: Mount,
    recovery_keys: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fs = mount("small-disk", 1024)
    data_dir = fs.path / "ward"
    log_file = StoreFiles(data_dir).logs / "rpr.log"
    # The ward client has the store open (so SQLite's -wal and -shm already have their room)
    # when the disk fills up and trust IT runs support commands.
    client = _new_store(data_dir, recovery_keys)
    try:
        client.save(_note(1))
        assert log_file.parent.is_dir()  # made with the store: the CLI logs into it
        _fill(fs.path)
        with pytest.raises(OSError, match="No space left"):
            (fs.path / "one-more").write_bytes(bytes(4096))
        monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
        # Run twice, as a person would: the second command also lets go of the log file the
        # first one could not write to.
        for run in ("first", "second"):
            code = _cli("status", str(data_dir), "--user", USER)
            out, err = capsys.readouterr()
            _no_stack_trace(err, f"{run} run: ")
            assert code in (0, 2), f"{run} run exited {code}: {out}{err}"
            # The command did log (the file was opened), and nothing could be written.
            assert log_file.exists()
            assert log_file.stat().st_size == 0
    finally:
        client.close()


# ---------------------------------------------------------------- another program saving


def _hold_write_lock(db: str, key_hex: str, pipe: Connection) -> None:
    """Another program saving to the store: take the write lock, say so, wait to be told
    to let go, then commit and exit."""
    try:
        connection = sqlcipher3.dbapi2.connect(db, isolation_level=None)
        connection.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # proves the key
    except Exception as exc:
        pipe.send(f"failed: {type(exc).__name__}: {exc}")
        raise
    pipe.send("locked")
    message = pipe.recv()
    connection.execute("COMMIT")
    connection.close()
    pipe.send(f"released after {message}")


def test_a_save_while_another_program_holds_the_write_lock_is_refused_as_busy_and_loses_nothing(
    data_dir: Path,
    recovery_keys: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    files = StoreFiles(data_dir)
    _new_store(data_dir, recovery_keys).close()
    key = KeySlotFile.load(files.keyslots).unlock(USER, PASSWORD).current
    context = multiprocessing.get_context("forkserver")
    ours, theirs = context.Pipe()
    holder = context.Process(target=_hold_write_lock, args=(str(files.db), key.hex(), theirs))
    store = Store.open(data_dir, USER, PASSWORD)
    try:
        acknowledged = _save_notes(store, 3)
        holder.start()
        theirs.close()
        assert ours.poll(PIPE_WAIT_S), "the other program never took the lock"
        assert ours.recv() == "locked"

        # Reading goes on while another program saves.
        assert _held_ids(store) == set(acknowledged)
        assert store.status().records_by_kind == {StoreTestNote.KIND: 3}

        refused = _note(100)
        with pytest.raises(StoreBusy) as busy:
            store.save(refused)
        message = str(busy.value)
        assert "another program" in message
        assert "is saving" in message
        assert "Nothing was saved by this action" in message
        assert "nothing saved before is lost" in message
        assert store.get(StoreTestNote, refused.id) is None

        # A support command run meanwhile reads what it needs and says nothing alarming.
        code = _cli("status", str(data_dir), "--user", USER)
        out, err = capsys.readouterr()
        assert code == 0, out + err
        _no_stack_trace(err)
        assert f"{StoreTestNote.KIND}" in out

        ours.send("release")
        assert ours.poll(PIPE_WAIT_S), "the other program never let go of the lock"
        assert ours.recv() == "released after release"
        holder.join(PIPE_WAIT_S)
        assert holder.exitcode == 0

        again = _note(101)
        store.save(again)
        acknowledged.append(again.id)
    finally:
        store.close()
        if holder.is_alive():
            holder.kill()
            holder.join()
        ours.close()
    with Store.open(data_dir, USER, PASSWORD) as reopened:
        assert _held_ids(reopened) == set(acknowledged)
        report = reopened.verify()
        assert report.ok, report.problems


# ---------------------------------------------------------------- copies that cannot be written


def _closed_store_with_notes(data_dir: Path, recovery_keys: tuple[bytes, bytes]) -> list[UUID]:
    with _new_store(data_dir, recovery_keys) as store:
        return _save_notes(store, 3)


def test_a_read_only_copy_is_read_and_verified_without_writing_a_byte(
    mount: Mount,
    tmp_path: Path,
    recovery_keys: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "ward"
    saved = _closed_store_with_notes(source, recovery_keys)
    fs = mount("read-only-copy", 4096)
    copy = fs.path / "ward"
    shutil.copytree(source, copy)
    fs.make_read_only()
    before = _fingerprints(copy)
    assert before == _fingerprints(source)
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)

    code = _cli("status", str(copy), "--user", USER)
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "(read-only copy)" in out
    _no_stack_trace(err)

    code = _cli("verify", str(copy), "--user", USER)
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "The store is intact." in out
    assert "The check was not recorded in the audit log" in out
    _no_stack_trace(err)

    with Store.open(copy, USER, PASSWORD) as store:
        assert store.read_only is True
        assert _held_ids(store) == set(saved)
        with pytest.raises(StoreReadOnly):
            store.save(_note(100))

    assert _fingerprints(copy) == before
    files = StoreFiles(copy)
    assert not files.wal.exists()
    assert not files.shm.exists()


def test_status_of_a_store_whose_database_is_immutable_leaves_no_companion_files(
    data_dir: Path,
    recovery_keys: tuple[bytes, bytes],
    immutable: Callable[[Path], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _closed_store_with_notes(data_dir, recovery_keys)
    files = StoreFiles(data_dir)
    db_before = files.db.read_bytes()
    immutable(files.db)
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)

    code = _cli("status", str(data_dir), "--user", USER)
    out, err = capsys.readouterr()
    assert code == 0, out + err
    _no_stack_trace(err)
    assert not files.wal.exists()
    assert not files.shm.exists()
    assert files.db.read_bytes() == db_before


def test_a_read_only_copy_whose_wal_holds_saves_without_its_shm_names_the_file_and_what_to_do(
    mount: Mount,
    data_dir: Path,
    recovery_keys: tuple[bytes, bytes],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fs = mount("read-only-copy", 4096)
    copy = fs.path / "ward"
    with _new_store(data_dir, recovery_keys) as store:
        _save_notes(store, 3)
        assert StoreFiles(data_dir).wal_has_content()  # the saves are still only in the WAL
        shutil.copytree(data_dir, copy)  # copied while the store is open, as a backup might
    copied = StoreFiles(copy)
    assert copied.wal_has_content()
    copied.shm.unlink()
    fs.make_read_only()
    before = _fingerprints(copy)
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)

    code = _cli("status", str(copy), "--user", USER)
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "rpr.db-shm" in err
    assert "Copy the whole folder somewhere that can be written" in err
    _no_stack_trace(err)
    assert _fingerprints(copy) == before


def test_removing_an_account_on_a_disk_too_full_to_re_encrypt_keeps_everything(
    mount: Mount, recovery_keys: tuple[bytes, bytes]
) -> None:
    fs = mount("full-for-removal", 8192)
    data_dir = fs.path / "ward"
    store = _new_store(data_dir, recovery_keys)
    try:
        store.add_user("agency.nurse", "agency nurse passphrase")
        with store.write() as tx:
            for number in range(300):
                tx.save(_note(number))
        saved = list(_held_ids(store))
        store.close()
        # Re-encrypting needs room for every page again, in the WAL: leave far less than that.
        assert (data_dir / "rpr.db").stat().st_size > 1024 * 1024
        space = os.statvfs(fs.path)
        filler = fs.path / "filler"
        filler.write_bytes(bytes(space.f_bavail * space.f_frsize - 256 * 1024))
        store = Store.open(data_dir, USER, PASSWORD)
        with pytest.raises(DiskFull, match="disk holding the store is full"):
            store.remove_user("agency.nurse")
        assert "agency.nurse" in store.users()
        store.close()
        assert KeySlotFile.load(data_dir / "keyslots.json").rotation is None
        with Store.open(data_dir, "agency.nurse", "agency nurse passphrase") as as_leaver:
            assert _held_ids(as_leaver) == set(saved)

        filler.unlink()  # space is freed: now the removal goes through
        with Store.open(data_dir, USER, PASSWORD) as reopened:
            reopened.remove_user("agency.nurse")
            assert reopened.users() == (USER,)
            assert reopened.verify().ok
            assert _held_ids(reopened) == set(saved)
    finally:
        store.close()
