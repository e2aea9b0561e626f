"""Removing an account on the five-year ward: ``Store.remove_user`` changes the data key, so
every page of the store is re-encrypted (design.md: an old copy of the key-slot file must open
nothing new).

Each sample works on a fresh copy of the encrypted five-year store: it is opened (production
Argon2id), a second account is added (untimed), and ``store.remove_user`` is timed, broken
into its three steps — sealing the next key for every other account and the recovery key
(``KeySlotFile.begin_rotation``), re-encrypting the store (``engine.rekey``: SQLCipher's
``PRAGMA rekey`` in one transaction, then a checkpoint into the main file) and folding the key
change into the key-slot file (``KeySlotFile.finish_rotation``).

Baseline, in the same process on the same disk: copying the store's database file and
fsyncing the copy — the I/O floor of rewriting every page once.
"""

from __future__ import annotations

import gc
import os
import shutil
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from app.store import store as store_module
from app.store.keyslots import KeySlotFile
from app.store.store import Store
from bench.common import Row, Series, copy_store, now_ns, patched, timed
from bench.dataset import PASSWORD, USERNAME, BuiltStores

LEAVER, LEAVER_PASSWORD = "bench.leaver", "a leaver's passphrase"
STEPS = ("seal the next key", "re-encrypt the store", "fold the key change in")


def _copy_with_fsync(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _one_removal(built: BuiltStores, work: Path) -> dict[str, float]:
    copy_store(built.encrypted_dir, work)
    store = Store.open(work, USERNAME, PASSWORD)
    phases: dict[str, float] = {}
    try:
        store.integrity(wait=True)
        store.add_user(LEAVER, LEAVER_PASSWORD)
        gc.collect()
        os.sync()  # the copy's writeback must not land inside the timed removal
        with ExitStack() as stack:
            for name, owner, attribute in (
                (STEPS[0], KeySlotFile, "begin_rotation"),
                (STEPS[1], store_module, "rekey"),
                (STEPS[2], KeySlotFile, "finish_rotation"),
            ):
                stack.enter_context(
                    patched(owner, attribute, timed(phases, name, getattr(owner, attribute)))
                )
            t = now_ns()
            store.remove_user(LEAVER)
            phases["total"] = now_ns() - t
        if LEAVER in store.users():
            raise AssertionError("the account was not removed")
    finally:
        store.close()
    t = now_ns()
    _copy_with_fsync(work / "rpr.db", work / "baseline-copy.db")
    phases["baseline"] = now_ns() - t
    shutil.rmtree(work, ignore_errors=True)
    return phases


def run(built: BuiltStores, scratch: Path, *, runs: int, log: Any = print) -> dict[str, Any]:
    """Remove an account ``runs`` times, each on a fresh copy of the five-year store."""
    names = ("total", *STEPS, "baseline")
    series = {name: Series() for name in names}
    for i in range(runs):
        phases = _one_removal(built, scratch / "rotation")
        for name in names:
            series[name].add(phases.get(name, 0.0))
        log(
            f"  remove an account {i + 1}/{runs}: {phases['total'] / 1e6:.0f} ms "
            f"(copying the file: {phases['baseline'] / 1e6:.0f} ms)"
        )
    rows = [
        Row(
            "remove an account: Store.remove_user total (every page re-encrypted)",
            series["total"],
            series["baseline"],
            note="baseline: copying the file with fsync",
        ),
        *(Row(f"remove an account: {step}", series[step], None) for step in STEPS),
    ]
    return {"rows": rows, "series": series, "runs": runs, "bytes": built.encrypted_bytes}
