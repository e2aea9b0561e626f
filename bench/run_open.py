"""Opening the store: ``Store.open`` with the production Argon2id defaults, broken down, and
what follows it (the background whole-file check, the first board), plus the open after an
unclean shutdown.

The encrypted figure is ``Store.open(data_dir, user, password)`` exactly as the client calls
it. The plain baseline is the same open path on the plain file minus key derivation: load the
key slots, then ``opening.open_unlocked`` with the engines built without a key (the only way to
open a plain store, which production code refuses to do).

- **Clean shutdown** (every day): open checks ``store_meta`` (``PRAGMA quick_check(store_meta)``)
  on a connection that cannot write, and starts the whole-file check on its own thread and
  connection. The breakdown wraps, for the duration of the benchmark only, the functions
  ``Store.open`` calls: ``KeySlotFile.unlock`` (Argon2id, the private key's AES-GCM unwrap and
  the HPKE-sealed data key), ``integrity_problems`` as called by ``app.store.opening`` (the
  open-time integrity check) and ``migrate.current_revision`` (the migration check); "rest" is
  everything else (reading the folder and the key slots, which key opens the file, connecting
  and keying the checking and the working connections, reading the identity, starting the
  background thread). The open itself is audited later, with the first save or on closing.
  Right after each open the first board is loaded — while the background check runs on the
  other core — and then
  ``store.integrity(wait=True)`` is awaited: the time from ``Store.open`` returning to the
  check's result is the background check's duration.
- **Unclean shutdown** (a crash or power cut): a copy of the store folder taken while a store
  is open after a few saves, so its ``-wal`` file is not empty; open then checks the whole file
  before returning. Each sample opens a fresh copy (copied and flushed to disk untimed).
- **For comparison only**, the first board after a clean-shutdown open with the background
  check's ``start`` patched out: what the check costs the nurse's first screen.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from app.models.patient import Patient
from app.models.ward_board import build_ward_board
from app.store import migrate, opening
from app.store.audit import AuditAction
from app.store.board import load_ward_board_inputs
from app.store.engine import Access, make_engine
from app.store.integrity import BackgroundIntegrityCheck
from app.store.keyslots import KeySlotFile, UnlockedKeys
from app.store.layout import StoreFiles
from app.store.store import Store
from bench.common import Row, Series, copy_store, now_ns, patched, timed
from bench.dataset import PASSWORD, SEED, USERNAME, BuiltStores
from tests.models.builders import submitted_incident

PHASES = ("key derivation", "integrity check", "migration check")
SIDES = ("encrypted", "plain")
#: Saves made before the unclean copy is taken: enough to leave WAL frames behind.
UNCLEAN_SAVES = 5


def _plain_engine(path: Path, key: bytes | None, access: Access = Access.READ_WRITE) -> Any:
    return make_engine(path, None, access)


def open_plain(data_dir: Path, actor: str = USERNAME) -> Store:
    """The benchmark's baseline: ``Store.open``'s path on a plain file, minus the key."""
    files, slots = opening.load_slots(data_dir)
    keys = UnlockedKeys(actor, b"\0" * 32, None)  # a plain file: any key "opens" it
    with (
        patched(opening, "make_engine", _plain_engine),
        patched(opening, "key_opens", lambda *_: True),
    ):
        return Store(opening.open_unlocked(files, slots, keys, actor, AuditAction.STORE_OPENED))


def open_encrypted(data_dir: Path) -> Store:
    return Store.open(data_dir, USERNAME, PASSWORD)


OPENERS: dict[str, Callable[[Path], Store]] = {"encrypted": open_encrypted, "plain": open_plain}


def settled(store: Store) -> Store:
    """``store`` once its whole-file check has finished (and found nothing): benchmarks that
    time boards or saves start from here, so no sample overlaps the background check."""
    result = store.integrity(wait=True)
    if result is None or not result.ok:
        store.close()
        raise AssertionError(f"integrity check of the benchmark store: {result}")
    return store


def open_settled(side: str, data_dir: Path) -> Store:
    return settled(OPENERS[side](data_dir))


def _instrumented(phases: dict[str, float]) -> list[Any]:
    return [
        patched(KeySlotFile, "unlock", timed(phases, "key derivation", KeySlotFile.unlock)),
        # Only the open calls it through this module (the background thread calls the one in
        # app.store.integrity), so this is the open-time check alone.
        patched(
            opening,
            "integrity_problems",
            timed(phases, "integrity check", opening.integrity_problems),
        ),
        patched(
            migrate,
            "current_revision",
            timed(phases, "migration check", migrate.current_revision),
        ),
    ]


def board_once(store: Store, ward_id: Any, at: Any) -> None:
    with store.read() as reader:
        build_ward_board(load_ward_board_inputs(reader, ward_id, at), at)


def timed_open(opener: Callable[[Path], Store], data_dir: Path) -> tuple[Store, dict[str, float]]:
    """Open with the breakdown; ``phases["total"]`` is the whole ``Store.open``."""
    phases: dict[str, float] = {}
    gc.collect()
    with ExitStack() as stack:
        for p in _instrumented(phases):
            stack.enter_context(p)
        t = now_ns()
        store = opener(data_dir)
        phases["total"] = now_ns() - t
    return store, phases


def _one_open(
    opener: Callable[[Path], Store], data_dir: Path, built: BuiltStores
) -> dict[str, float]:
    """A clean-shutdown open, its first board, and the background check's duration."""
    store, phases = timed_open(opener, data_dir)
    opened = now_ns()
    try:
        board_once(store, built.ward_id, built.now)
        phases["first board"] = now_ns() - opened
        phases["check still running after board"] = float(store.integrity() is None)
        result = store.integrity(wait=True)
        phases["background check"] = now_ns() - opened
    finally:
        store.close()
    if result is None or not result.ok:
        raise AssertionError(f"background integrity check: {result}")
    return phases


def _first_board_without_check(
    opener: Callable[[Path], Store], data_dir: Path, built: BuiltStores
) -> float:
    """The first board after an open whose background check never starts (benchmark only)."""
    gc.collect()
    with patched(BackgroundIntegrityCheck, "start", lambda self: None):
        store = opener(data_dir)
    try:
        t = now_ns()
        board_once(store, built.ward_id, built.now)
        return now_ns() - t
    finally:
        store.close()


def _rest(phases: dict[str, float]) -> float:
    return phases["total"] - sum(phases.get(p, 0.0) for p in PHASES)


# ------------------------------------------------------------------------------ unclean shutdown


def make_unclean(
    source: Path, opener: Callable[[Path], Store], work: Path, target: Path, ward_id: uuid.UUID
) -> None:
    """``target``: the store folder as a crash would leave it — copied while ``opener``'s store
    is open after ``UNCLEAN_SAVES`` saves, so the copy holds a non-empty ``-wal``."""
    copy_store(source, work)
    store = opener(work)
    try:
        settled(store)
        with store.read() as reader:
            patients = [p.id for p in reader.find(Patient, ward_id=ward_id)]
        rng = random.Random(SEED + 2)
        for _ in range(UNCLEAN_SAVES):
            store.save(
                submitted_incident(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    patient_id=rng.choice(patients),
                    ward_id=ward_id,
                )
            )
        copy_store(work, target)
    finally:
        store.close()
        shutil.rmtree(work, ignore_errors=True)
    if not StoreFiles(target).wal_has_content():
        raise AssertionError(f"{target}: no WAL was left behind; the copy is not unclean")


def _unclean_opens(
    built: BuiltStores, scratch: Path, runs: int, log: Any
) -> dict[str, dict[str, Series]]:
    names = ("total", *PHASES, "rest")
    series = {side: {name: Series() for name in names} for side in SIDES}
    templates = scratch / "unclean"
    sources = {"encrypted": built.encrypted_dir, "plain": built.plain_dir}
    try:
        for side in SIDES:
            make_unclean(
                sources[side],
                OPENERS[side],
                scratch / "unclean-work",
                templates / side,
                built.ward_id,
            )
        for i in range(runs):
            for side in SIDES if i % 2 == 0 else SIDES[::-1]:
                target = scratch / "unclean-run" / side
                copy_store(templates / side, target)
                os.sync()  # the copy's writeback must not land inside the timed open
                store, phases = timed_open(OPENERS[side], target)
                try:
                    checked = store.integrity()
                    if checked is None or not checked.ok:  # must have been checked in open
                        raise AssertionError(f"unclean open did not check the file: {checked}")
                finally:
                    store.close()
                    shutil.rmtree(target, ignore_errors=True)
                phases["rest"] = _rest(phases)
                for name in names:
                    series[side][name].add(phases.get(name, 0.0))
            log(
                f"  unclean open {i + 1}/{runs}: "
                f"{series['encrypted']['total'].samples[-1] / 1e6:.0f} ms, "
                f"plain {series['plain']['total'].samples[-1] / 1e6:.0f} ms"
            )
    finally:
        shutil.rmtree(templates, ignore_errors=True)
        shutil.rmtree(scratch / "unclean-run", ignore_errors=True)
    return series


# ------------------------------------------------------------------------------ run


def run(
    built: BuiltStores, scratch: Path, *, runs: int, unclean_runs: int, log: Any = print
) -> dict[str, Any]:
    """Open each store ``runs`` times after a clean shutdown and ``unclean_runs`` times after an
    unclean one, alternating which side goes first."""
    dirs = {side: scratch / side for side in SIDES}
    names = (*PHASES, "rest", "total", "first board", "background check")
    series = {side: {name: Series() for name in names} for side in SIDES}
    still_running = dict.fromkeys(SIDES, 0)
    # One untimed open of each first: the OS page cache then holds both files, as it would
    # on a ward PC where the client was used today.
    for side in SIDES:
        open_settled(side, dirs[side]).close()
    for i in range(runs):
        for side in SIDES if i % 2 == 0 else SIDES[::-1]:
            phases = _one_open(OPENERS[side], dirs[side], built)
            phases["rest"] = _rest(phases)
            for name in names:
                series[side][name].add(phases.get(name, 0.0))
            still_running[side] += int(phases["check still running after board"])
        last = {side: series[side]["total"].samples[-1] / 1e6 for side in SIDES}
        check = {side: series[side]["background check"].samples[-1] / 1e6 for side in SIDES}
        log(
            f"  open {i + 1}/{runs}: {last['encrypted']:.0f} ms, plain {last['plain']:.0f} ms; "
            f"background check {check['encrypted']:.0f} ms, plain {check['plain']:.0f} ms"
        )
    no_check = {side: Series() for side in SIDES}
    for i in range(runs):
        for side in SIDES if i % 2 == 0 else SIDES[::-1]:
            no_check[side].add(_first_board_without_check(OPENERS[side], dirs[side], built))
    unclean = _unclean_opens(built, scratch, unclean_runs, log)

    def pair(name: str, source: dict[str, dict[str, Series]] = series) -> tuple[Series, Series]:
        return source["encrypted"][name], source["plain"][name]

    rows = [
        Row("open: Store.open total (clean shutdown)", *pair("total"), aim="< 500 ms"),
        Row("open: key derivation (Argon2id)", series["encrypted"]["key derivation"], None),
        Row("open: integrity check at open (store_meta)", *pair("integrity check")),
        Row("open: migration check", *pair("migration check")),
        Row("open: rest", *pair("rest")),
        Row("open: whole-file check in the background (open → result)", *pair("background check")),
        Row(
            "board: first query after open (check running)",
            *pair("first board"),
            aim="< 50 ms",
        ),
        Row(
            "board: first query after open, check patched out (comparison)",
            no_check["encrypted"],
            no_check["plain"],
        ),
        Row(
            "open after unclean shutdown: Store.open total",
            *pair("total", unclean),
            aim="< 500 ms",
        ),
        Row("open after unclean shutdown: whole-file check", *pair("integrity check", unclean)),
        Row("open after unclean shutdown: rest (WAL recovery …)", *pair("rest", unclean)),
    ]
    return {
        "rows": rows,
        "series": series,
        "unclean": unclean,
        "check_still_running": still_running,
        "runs": runs,
        "unclean_saves": UNCLEAN_SAVES,
    }
