"""What was tried: settings and query shapes measured on copies of the five-year stores.

None of these changes the application. Each experiment sets something for its own duration
only (a patched module constant, an index on a scratch copy, a file exported in another
format) and measures the same operations as the main benchmarks:

- ``formats``: the SQLCipher file format — page size (4 KiB, the default, against 16 KiB) and
  HMAC algorithm (SHA-512, the default, against SHA-256; and no HMAC at all, only to show what
  the integrity protection costs). Every variant, and a plain file of each page size, is
  exported from the same encrypted store with ``sqlcipher_export`` so that all have the same
  content and the same (defragmented) layout; they are cached beside the dataset.
- ``cache``: ``cache_size`` per connection.
- ``memory_security``: ``cipher_memory_security`` on (SQLCipher's default) against off (ours).
- ``integrity``: what each kind of integrity check costs (the whole-file check that now runs
  in the background, and the cheaper ones open could run instead).
- ``query_shapes``: the board with and without the two query changes that shipped in schema
  0002 (the planner hint on status filters and the partial index on conflicted records): the
  hint is taken out by patching ``_conditions``, the index by dropping it on a scratch copy.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import shutil
import statistics
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import ColumnElement

from app.store import engine as engine_module
from app.store import records as records_module
from app.store.keyslots import KeySlotFile
from app.store.schema import RecordRow
from bench.common import copy_store, fmt_ms, ms, now_ns, patched
from bench.dataset import PASSWORD, USERNAME, BuiltStores
from bench.run_board import board_sample
from bench.run_open import OPENERS, _one_open, open_settled
from bench.run_save import run as run_save


@dataclass
class Result:
    """One line of an experiment's table: raw figures (ms, ratios) and how to show them."""

    name: str
    values: dict[str, float] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    key: str = ""


@contextmanager
def cipher_format(settings: tuple[str, ...]) -> Iterator[None]:
    """SQLCipher settings for encrypted connections made meanwhile (plain ones ignore them)."""
    with patched(engine_module, "CIPHER_FORMAT", settings):
        yield


def _med(values: list[float]) -> float:
    return ms(statistics.median(values)) if values else float("nan")


def _cell(enc: float, plain: float | None = None) -> str:
    if plain is None or math.isnan(plain) or not plain:
        return fmt_ms(enc)
    return f"{fmt_ms(enc)} ({enc / plain:.2f}×)"


SIDES = ("encrypted", "plain")


def _alternate(i: int) -> tuple[str, ...]:
    return SIDES if i % 2 == 0 else SIDES[::-1]


def _pair_opens(root: Path, built: BuiltStores, opens: int) -> dict[str, float]:
    totals: dict[str, list[float]] = {side: [] for side in SIDES}
    checks: dict[str, list[float]] = {side: [] for side in SIDES}
    for side in SIDES:
        open_settled(side, root / side).close()  # untimed: sets WAL on a fresh export
    for i in range(opens):
        for side in _alternate(i):
            phases = _one_open(OPENERS[side], root / side, built)
            totals[side].append(phases["total"])
            checks[side].append(phases["background check"])
    return {f"{side} open": _med(totals[side]) for side in SIDES} | {
        f"{side} check": _med(checks[side]) for side in SIDES
    }


def _pair_boards(root: Path, built: BuiltStores, warm: int, fresh: int) -> dict[str, float]:
    stores = {side: open_settled(side, root / side) for side in SIDES}
    samples: dict[str, list[float]] = {f"{s} {w}": [] for s in SIDES for w in ("warm", "fresh")}

    def sample(side: str, kind: str) -> None:
        samples[f"{side} {kind}"].append(board_sample(stores[side], built.ward_id, built.now)[0])

    try:
        for side in SIDES:
            for _ in range(2):
                board_sample(stores[side], built.ward_id, built.now)
        gc.collect()
        gc.disable()
        try:
            for i in range(warm):
                for side in _alternate(i):
                    sample(side, "warm")
            for i in range(fresh):
                for side in _alternate(i):
                    stores[side]._engine.dispose()
                    sample(side, "fresh")
        finally:
            gc.enable()
    finally:
        for store in stores.values():
            store.close()
    return {key: _med(values) for key, values in samples.items() if values}


def measure_pair(
    root: Path,
    built: BuiltStores,
    *,
    opens: int = 0,
    warm: int = 0,
    fresh: int = 0,
    saves: int = 0,
) -> dict[str, float]:
    """Open, board and save figures for ``root/encrypted`` against ``root/plain``, the two
    sides interleaved sample by sample. Keys: ``<side> <what>``, medians in ms."""
    out: dict[str, float] = {}
    if opens:
        out |= _pair_opens(root, built, opens)
    if warm or fresh:
        out |= _pair_boards(root, built, warm, fresh)
    if saves:
        row = run_save(built, root, saves=saves, log=lambda *_: None)["rows"][0]
        out["encrypted save"] = row.encrypted.median_ms
        out["plain save"] = row.plain.median_ms if row.plain else float("nan")
    return out


def _pair_cells(figures: dict[str, float]) -> dict[str, str]:
    """Table cells: the encrypted figure with its ratio to plain in brackets."""
    cells = {}
    for what, label in (
        # The open itself is Argon2id plus a few ms whatever the setting: not shown.
        ("check", "whole-file check ms"),
        ("warm", "board warm ms"),
        ("fresh", "board new connection ms"),
        ("save", "save ms"),
    ):
        if f"encrypted {what}" in figures:
            cells[label] = _cell(figures[f"encrypted {what}"], figures.get(f"plain {what}"))
    return cells


# ------------------------------------------------------------------------------ formats

#: (label, folder, SQLCipher settings, page size)
_FORMATS: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("4 KiB pages, HMAC-SHA512 (SQLCipher's default: what we ship)", "enc-4k-sha512", (), 4096),
    ("16 KiB pages, HMAC-SHA512", "enc-16k-sha512", ("cipher_page_size = 16384",), 16384),
    (
        "4 KiB pages, HMAC-SHA256",
        "enc-4k-sha256",
        ("cipher_hmac_algorithm = HMAC_SHA256",),
        4096,
    ),
    (
        "8 KiB pages, HMAC-SHA256",
        "enc-8k-sha256",
        ("cipher_page_size = 8192", "cipher_hmac_algorithm = HMAC_SHA256"),
        8192,
    ),
    (
        "16 KiB pages, HMAC-SHA256",
        "enc-16k-sha256",
        ("cipher_page_size = 16384", "cipher_hmac_algorithm = HMAC_SHA256"),
        16384,
    ),
    (
        "4 KiB pages, no HMAC (not an option; shows what HMAC costs)",
        "enc-4k-nohmac",
        ("cipher_use_hmac = OFF",),
        4096,
    ),
)


def _key(built: BuiltStores) -> bytes:
    return (
        KeySlotFile.load(built.encrypted_dir / "keyslots.json").unlock(USERNAME, PASSWORD).current
    )


def _export(
    built: BuiltStores, key: bytes, target: Path, settings: tuple[str, ...], plain_page: int | None
) -> None:
    """``target``: a store folder holding the dataset's database in another format."""
    if (target / "rpr.db").is_file():
        return
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(built.encrypted_dir / "keyslots.json", target / "keyslots.json")
    temp = target / "rpr.db.tmp"
    connection = sqlcipher3.dbapi2.connect(
        str(built.encrypted_dir / "rpr.db"), isolation_level=None
    )
    try:
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        if plain_page is None:
            connection.execute(f"ATTACH DATABASE ? AS n KEY \"x'{key.hex()}'\"", (str(temp),))
            for setting in settings:
                connection.execute(f"PRAGMA n.{setting}")
        else:
            connection.execute("ATTACH DATABASE ? AS n KEY ''", (str(temp),))
            connection.execute(f"PRAGMA n.page_size = {plain_page}")
        connection.execute("SELECT sqlcipher_export('n')")
        connection.execute("DETACH DATABASE n")
    finally:
        connection.close()
    temp.rename(target / "rpr.db")


def formats(built: BuiltStores, scratch: Path, *, quick: bool, log: Any = print) -> list[Result]:
    """Each format against plain with the same page size, on scratch copies of the exports."""
    root = built.root / "formats"
    work = scratch / "formats"
    key = _key(built)
    t = now_ns()
    for _, name, settings, _page in _FORMATS:
        _export(built, key, root / name, settings, None)
    for page in sorted({f[3] for f in _FORMATS}):
        _export(built, key, root / f"plain-{page // 1024}k", (), page)
    log(f"  formats: exports ready ({ms(now_ns() - t) / 1000:.0f} s)")
    opens, warm, fresh, saves = (1, 4, 1, 20) if quick else (2, 15, 4, 100)
    results: list[Result] = []
    try:
        for label, name, settings, page in _FORMATS:
            copy_store(root / name, work / "encrypted")
            copy_store(root / f"plain-{page // 1024}k", work / "plain")
            with cipher_format(settings):
                figures = measure_pair(
                    work, built, opens=opens, warm=warm, fresh=fresh, saves=saves
                )
            figures["encrypted MB"] = (root / name / "rpr.db").stat().st_size / 1e6
            figures["plain MB"] = (root / f"plain-{page // 1024}k" / "rpr.db").stat().st_size / 1e6
            cells = {
                "file MB (plain)": f"{figures['encrypted MB']:.0f} ({figures['plain MB']:.0f})",
                **_pair_cells(figures),
            }
            results.append(Result(label, figures, cells, key=name))
            log(f"  formats: {label}: {cells}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


# ------------------------------------------------------------------------------ cache and memory


def cache(built: BuiltStores, scratch: Path, *, quick: bool, log: Any = print) -> list[Result]:
    """``cache_size`` per connection: the whole-file check, the board and saves, each setting
    on fresh copies (the saves add incidents the board would show)."""
    results = []
    opens, warm, fresh, saves = (1, 4, 1, 20) if quick else (2, 15, 4, 100)
    root = scratch / "cache"
    for kib in (2_000, engine_module.CACHE_KIB, 131_072):
        copy_store(built.encrypted_dir, root / "encrypted")
        copy_store(built.plain_dir, root / "plain")
        try:
            with patched(engine_module, "CACHE_KIB", kib):
                figures = measure_pair(
                    root, built, opens=opens, warm=warm, fresh=fresh, saves=saves
                )
        finally:
            shutil.rmtree(root, ignore_errors=True)
        label = f"cache_size {kib / 1024:.0f} MiB" + (
            " (SQLite's default)" if kib == 2_000 else " (ours)" if kib == 32_768 else ""
        )
        cells = _pair_cells(figures)
        results.append(Result(label, figures, cells, key=str(kib)))
        log(f"  cache: {label}: {cells}")
    return results


def _memory_security_worker(
    root: Path, built: BuiltStores, settings: tuple[str, ...], counts: tuple[int, int, int]
) -> dict[str, float]:
    warm, fresh, saves = counts
    with cipher_format(settings):
        return measure_pair(root, built, warm=warm, fresh=fresh, saves=saves)


def memory_security(
    built: BuiltStores, scratch: Path, *, quick: bool, log: Any = print
) -> list[Result]:
    """``cipher_memory_security``: wiping freed memory (SQLCipher's default) or not (ours).

    Each setting runs in its own process on its own copies: once switched on, SQLCipher does
    not let memory security be switched off again for the life of the process, and the wiping
    slows the rest of the process down (the plain side interleaved with it, too).
    """
    results = []
    counts = (4, 1, 20) if quick else (15, 4, 100)
    context = multiprocessing.get_context("spawn")
    for tag, label, settings in (
        ("off", "cipher_memory_security OFF (ours)", ()),
        ("on", "cipher_memory_security ON (SQLCipher's default)", ("cipher_memory_security = ON",)),
    ):
        root = scratch / f"memory-{tag}"
        copy_store(built.encrypted_dir, root / "encrypted")
        copy_store(built.plain_dir, root / "plain")
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                figures = pool.submit(
                    _memory_security_worker, root, built, settings, counts
                ).result()
        finally:
            shutil.rmtree(root, ignore_errors=True)
        cells = _pair_cells(figures)
        results.append(Result(label, figures, cells, key=tag))
        log(f"  memory security: {label}: {cells}")
    return results


# ------------------------------------------------------------------------------ integrity check

INTEGRITY_CHECKS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "full",
        (
            "PRAGMA quick_check of the whole file (in the background; before open returns after "
            "an unclean shutdown)"
        ),
        ("PRAGMA quick_check",),
    ),
    (
        "hmac",
        "PRAGMA cipher_integrity_check: every page's HMAC, no b-tree structure",
        ("PRAGMA cipher_integrity_check",),
    ),
    (
        "mutable",
        "quick_check of the tables rewritten in place only (record, record_tip, store_meta)",
        (
            "PRAGMA quick_check(record)",
            "PRAGMA quick_check(record_tip)",
            "PRAGMA quick_check(store_meta)",
        ),
    ),
    (
        "meta",
        "quick_check(store_meta) (what open runs now, after a clean shutdown)",
        ("PRAGMA quick_check(store_meta)",),
    ),
    (
        "schema",
        "read the schema only (proves the key; page 1's HMAC)",
        ("SELECT count(*) FROM sqlite_master",),
    ),
)


def integrity(built: BuiltStores, scratch: Path, *, quick: bool, log: Any = print) -> list[Result]:
    """Checks the open path could run, each on a new connection (empty page cache) to the
    five-year stores, the two sides interleaved."""
    key = _key(built)
    runs = 1 if quick else 3
    connect: dict[str, Callable[[], Any]] = {
        "encrypted": lambda: engine_module._connect(
            scratch / "encrypted" / "rpr.db", key, engine_module.Access.READ_WRITE
        ),
        "plain": lambda: engine_module._connect(
            scratch / "plain" / "rpr.db", None, engine_module.Access.READ_WRITE
        ),
    }
    results = []
    for tag, label, sql in INTEGRITY_CHECKS:
        times: dict[str, list[float]] = {side: [] for side in SIDES}
        for i in range(runs):
            for side in _alternate(i):
                if tag == "hmac" and side == "plain":
                    continue
                connection = connect[side]()
                try:
                    t = now_ns()
                    for statement in sql:
                        rows = connection.execute(statement).fetchall()
                        if "quick_check" in statement and rows != [("ok",)]:
                            raise AssertionError(f"{statement}: {rows[:3]}")
                        if "cipher_integrity_check" in statement and rows:
                            raise AssertionError(f"{statement}: {rows[:3]}")
                    times[side].append(now_ns() - t)
                finally:
                    connection.close()
        figures = {f"{side} check": _med(values) for side, values in times.items() if values}
        cells = {
            "encrypted ms (× plain)": _cell(figures["encrypted check"], figures.get("plain check"))
        }
        cells["plain ms"] = fmt_ms(figures["plain check"]) if "plain check" in figures else "–"
        results.append(Result(label, figures, cells, key=tag))
        log(f"  integrity: {label}: {cells}")
    return results


# ------------------------------------------------------------------------------ query shapes


def _without_hint(original: Callable[..., Any]) -> Callable[..., Any]:
    """``_conditions`` as before schema 0002: the status filter without the planner hint."""

    def conditions(**filters: Any) -> list[ColumnElement[bool]]:
        statuses = filters.pop("statuses", None)
        out: list[ColumnElement[bool]] = original(**filters)
        if statuses is not None:
            out.append(RecordRow.status.in_(list(statuses)))
        return out

    return conditions


def _drop_conflicted_index(scratch: Path) -> None:
    for side in SIDES:
        store = open_settled(side, scratch / side)
        try:
            with store._engine.begin() as connection:
                connection.exec_driver_sql("DROP INDEX IF EXISTS ix_record_conflicted")
        finally:
            store.close()


def query_shapes(
    built: BuiltStores, scratch: Path, *, quick: bool, log: Any = print
) -> list[Result]:
    """The board as shipped, then without the planner hint, then also without the partial
    index (the shapes before schema 0002). Run last: drops an index on the scratch copies."""
    warm, fresh = (4, 1) if quick else (20, 5)
    results = []

    def measure(label: str, tag: str) -> None:
        figures = measure_pair(scratch, built, warm=warm, fresh=fresh)
        cells = _pair_cells(figures)
        results.append(Result(label, figures, cells, key=tag))
        log(f"  query shapes: {label}: {cells}")

    measure("as shipped (schema 0002): hint and partial index", "shipped")
    plain_filter = _without_hint(records_module._conditions)
    with patched(records_module, "_conditions", plain_filter):
        measure("partial index only (the status filter without the hint)", "index")
    _drop_conflicted_index(scratch)
    with patched(records_module, "_conditions", plain_filter):
        measure("without either (the board before schema 0002)", "before")
    results.reverse()  # before → index only → shipped
    return results
