"""A damage sweep: one byte changed in every page of a small store, and stores cut short.

Support runs ``rpr status`` and ``rpr verify`` on a store that may be damaged anywhere. On every
page, page 1 and 2 included, neither command may fail as an unexpected error (exit 70), leave a
traceback or write to the store's files; ``status`` must notice the damage and ``verify`` must
name the page. A store cut short (empty, part of a page, whole pages missing) is refused with a
clear message, again without being written to.

Every page of the store is swept, not a sample: the pages that matter most (the schema's pages
after page 1, an index's root) are few, and a sample could miss them. The commands run
in-process through the real command line, on real SQLCipher files.
"""

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli.main import EXIT_SOFTWARE, EXIT_USER_ERROR, main
from app.store.keyslot_crypto import KdfPolicy, set_kdf_policy
from app.store.layout import DB_NAME, KEYSLOTS_NAME, PAGE_BYTES, StoreFiles
from app.store.store import Store
from tests.store.conftest import FAST_KDF, PASSWORD
from tests.store.sample_records import note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
USER = "test.nurse"
NOTES = 200
#: The store must be at least this many pages for the sweep to mean something.
MIN_PAGES = 100


@dataclass(frozen=True, slots=True)
class Run:
    """One command's exit code and what it printed."""

    command: str
    code: int
    out: str
    err: str

    def said(self) -> str:
        """What it printed, for a failure message."""
        return f"exit {self.code}; stdout {self.out[-400:]!r}; stderr {self.err[-400:]!r}"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a command must leave as it found it: the two files and the folder's names (the
    logs folder may gain lines, so only its name is compared)."""

    db: str
    keyslots: str
    names: frozenset[str]


@pytest.fixture(scope="module")
def intact_store(
    tmp_path_factory: pytest.TempPathFactory, recovery_keys: tuple[bytes, bytes]
) -> Path:
    """One small store, closed cleanly (no -wal), that every test copies before damaging."""
    data_dir = tmp_path_factory.mktemp("damage-sweep") / "ward"
    # Module scope runs outside the function-scoped fixture that makes key derivation cheap.
    previous = set_kdf_policy(KdfPolicy(default=FAST_KDF, minimum=FAST_KDF))
    try:
        store = Store.create(
            data_dir,
            username=USER,
            password=PASSWORD,
            recovery_public_key_pem=recovery_keys[1],
            kdf=FAST_KDF,
        )
        try:
            with store.write() as tx:
                for i in range(NOTES):
                    tx.save(note(f"note {i} " + "x" * 400, at=T0))
        finally:
            store.close()
    finally:
        set_kdf_policy(previous)
    files = StoreFiles(data_dir)
    assert not files.wal.exists()
    assert not files.shm.exists()
    size = files.db.stat().st_size
    assert size % PAGE_BYTES == 0
    assert size // PAGE_BYTES >= MIN_PAGES
    return data_dir


@pytest.fixture
def password_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)


def _pages(folder: Path) -> int:
    return (folder / DB_NAME).stat().st_size // PAGE_BYTES


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> Snapshot:
    return Snapshot(
        db=_sha256(folder / DB_NAME),
        keyslots=_sha256(folder / KEYSLOTS_NAME),
        names=frozenset(entry.name for entry in folder.iterdir()),
    )


def _flip_a_byte(db: Path, page: int) -> None:
    """Change one byte in the middle of ``page`` (numbered from 1, as SQLite does)."""
    with db.open("r+b") as file:
        file.seek((page - 1) * PAGE_BYTES + PAGE_BYTES // 2)
        byte = file.read(1)[0]
        file.seek(-1, os.SEEK_CUR)
        file.write(bytes([byte ^ 0xFF]))


def _run(command: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    capsys.readouterr()
    code = main([command, "--data-dir", str(folder), "--user", USER])
    captured = capsys.readouterr()
    return Run(command, code, captured.out, captured.err)


def _run_and_check_nothing_written(
    command: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Run, list[str]]:
    """Run ``command`` on ``folder``; what it did wrong whatever the damage: exit 70, a
    traceback, a changed file or a file left behind."""
    before = _snapshot(folder)
    run = _run(command, folder, capsys)
    after = _snapshot(folder)
    wrong = []
    if run.code == EXIT_SOFTWARE:
        wrong.append("exited 70 (an unexpected error)")
    if "Traceback" in run.out + run.err:
        wrong.append("printed a traceback")
    if after.db != before.db:
        wrong.append(f"wrote to {DB_NAME}")
    if after.keyslots != before.keyslots:
        wrong.append(f"wrote to {KEYSLOTS_NAME}")
    if after.names != before.names:
        added = sorted(after.names - before.names)
        removed = sorted(before.names - after.names)
        wrong.append(f"changed the folder (added {added}, removed {removed})")
    return run, wrong


def _status_noticed(run: Run, page: int) -> list[str]:
    """Status either opened the store and its whole-file check named the page (exit 1), or
    refused to open it with a message saying it is damaged and to restore a backup (exit 2)."""
    if run.code == 1:
        if "whole-file check        DAMAGED" not in run.out or f"  - page {page}:" not in run.out:
            return ["exited 1 without reporting the page DAMAGED"]
        return []
    if run.code == EXIT_USER_ERROR:
        # The two ways the store words it: a page that fails to decrypt ("damaged") and the
        # open's own check ("failed its integrity check"); both end by saying what to do.
        says_so = "damaged" in run.err.lower() or "failed its integrity check" in run.err
        if not says_so or "backup" not in run.err:
            return ["refused without saying it is damaged and what to do"]
        return []
    return [f"exited {run.code}: did not notice the damage"]


def _verify_named(run: Run, page: int) -> list[str]:
    """Verify reported problems (exit 1) and named the damaged page."""
    if run.code != 1 or f"  - page {page}:" not in run.out:
        return [f"did not name page {page} in a report"]
    return []


def _sweep(
    source: Path,
    work: Path,
    command: str,
    capsys: pytest.CaptureFixture[str],
    noticed: Callable[[Run, int], list[str]],
) -> tuple[int, list[str]]:
    """Damage a fresh copy of ``source`` on each page in turn and run ``command`` on it.
    Returns the number of pages swept and one line per page the command got wrong (copies of
    those pages are kept under ``work`` to look at)."""
    pages = _pages(source)
    failures = []
    for page in range(1, pages + 1):
        folder = work / f"page-{page}"
        shutil.copytree(source, folder)
        _flip_a_byte(folder / DB_NAME, page)
        run, wrong = _run_and_check_nothing_written(command, folder, capsys)
        wrong += noticed(run, page)
        if wrong:
            failures.append(f"page {page}: {command} {', '.join(wrong)} ({run.said()})")
        else:
            shutil.rmtree(folder)
    return pages, failures


def test_status_notices_a_changed_byte_on_every_page_and_writes_nothing(
    intact_store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    password_in_environment: None,
) -> None:
    pages, failures = _sweep(intact_store, tmp_path, "status", capsys, _status_noticed)
    assert pages >= MIN_PAGES
    assert not failures, f"status got {len(failures)} of {pages} pages wrong:\n" + "\n".join(
        failures
    )


def test_verify_names_every_page_with_a_changed_byte_and_writes_nothing(
    intact_store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    password_in_environment: None,
) -> None:
    pages, failures = _sweep(intact_store, tmp_path, "verify", capsys, _verify_named)
    assert pages >= MIN_PAGES
    assert not failures, f"verify got {len(failures)} of {pages} pages wrong:\n" + "\n".join(
        failures
    )


def test_the_sweep_damages_the_copy_and_leaves_the_intact_store_alone(
    intact_store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    password_in_environment: None,
) -> None:
    """The sweep's own premise: the store it copies is intact, and a flip changes one byte."""
    before = _snapshot(intact_store)
    folder = tmp_path / "copy"
    shutil.copytree(intact_store, folder)
    _flip_a_byte(folder / DB_NAME, 2)
    original, damaged = (intact_store / DB_NAME).read_bytes(), (folder / DB_NAME).read_bytes()
    assert len(original) == len(damaged)
    assert [i for i in range(len(original)) if original[i] != damaged[i]] == [
        PAGE_BYTES + PAGE_BYTES // 2
    ]
    shutil.rmtree(folder)
    shutil.copytree(intact_store, folder)
    run = _run("verify", folder, capsys)
    assert run.code == 0, run.said()
    assert "The store is intact." in run.out
    assert _snapshot(intact_store) == before


# ---------------------------------------------------------------- cut short


def _cut_to(size: int) -> Callable[[int], int]:
    return lambda _full: size


CUT_OFF_INSIDE_A_PAGE: dict[str, Callable[[int], int]] = {
    "zero-bytes": _cut_to(0),
    "inside-page-1": _cut_to(1000),
    "inside-the-last-page": lambda full: full - 100,
}
CUT_AT_A_PAGE_BOUNDARY: dict[str, Callable[[int], int]] = {
    "half-its-pages": lambda full: full // PAGE_BYTES // 2 * PAGE_BYTES,
    "only-page-1": _cut_to(PAGE_BYTES),
    "all-but-the-last-page": lambda full: full - PAGE_BYTES,
}


@pytest.fixture
def cut_store(intact_store: Path, tmp_path: Path) -> Callable[[Callable[[int], int]], Path]:
    """Makes a copy of the store whose database is cut to ``to(its size)`` bytes."""

    def cut(to: Callable[[int], int]) -> Path:
        folder = tmp_path / "cut-short"
        shutil.copytree(intact_store, folder)
        db = folder / DB_NAME
        size = to(db.stat().st_size)
        os.truncate(db, size)
        assert db.stat().st_size == size
        return folder

    return cut


@pytest.mark.parametrize("command", ["status", "verify"])
@pytest.mark.parametrize("cut", CUT_OFF_INSIDE_A_PAGE.values(), ids=CUT_OFF_INSIDE_A_PAGE.keys())
def test_a_database_cut_short_inside_a_page_is_refused_without_being_written_to(
    command: str,
    cut: Callable[[int], int],
    cut_store: Callable[[Callable[[int], int]], Path],
    capsys: pytest.CaptureFixture[str],
    password_in_environment: None,
) -> None:
    folder = cut_store(cut)
    empty = (folder / DB_NAME).stat().st_size == 0

    run, wrong = _run_and_check_nothing_written(command, folder, capsys)

    assert not wrong, f"{command}: {', '.join(wrong)} ({run.said()})"
    assert run.code == EXIT_USER_ERROR, run.said()
    assert run.out == ""
    reason = "is empty" if empty else "is cut short"
    assert f"{folder / DB_NAME} {reason}" in run.err
    assert "Restore rpr.db and keyslots.json from the last backup" in run.err
    assert "Nothing was changed." in run.err


@pytest.mark.parametrize("command", ["status", "verify"])
@pytest.mark.parametrize("cut", CUT_AT_A_PAGE_BOUNDARY.values(), ids=CUT_AT_A_PAGE_BOUNDARY.keys())
def test_a_database_missing_whole_pages_is_reported_damaged_without_being_written_to(
    command: str,
    cut: Callable[[int], int],
    cut_store: Callable[[Callable[[int], int]], Path],
    capsys: pytest.CaptureFixture[str],
    password_in_environment: None,
) -> None:
    folder = cut_store(cut)

    run, wrong = _run_and_check_nothing_written(command, folder, capsys)

    assert not wrong, f"{command}: {', '.join(wrong)} ({run.said()})"
    # Refused (2) or opened and reported (1): either way the person is told it is damaged.
    assert run.code in (1, EXIT_USER_ERROR), run.said()
    assert "damaged" in (run.out + run.err).lower(), run.said()
    if run.code == EXIT_USER_ERROR:
        assert "backup" in run.err, run.said()
