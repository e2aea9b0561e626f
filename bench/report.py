"""The Markdown report (docs/benchmarks.md): this run's figures, with what they mean.

Sentences that quote a figure compute it from this run's results, so the prose and the tables
cannot disagree; the reasoning around them was written from the full runs on the development
machine (see the environment section).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bench.common import Row, fmt_ms, markdown_table, table
from bench.dataset import BuiltStores
from bench.experiments import Result
from bench.run_board import EXPECTED_INDEX

KIND_LABELS = {
    "ward": "ward",
    "staff_member": "staff",
    "patient": "patients",
    "hospital_spell": "hospital spells",
    "use_of_force_incident": "use-of-force incidents",
    "seclusion_episode": "seclusion episodes",
    "seclusion_observation": "seclusion observations",
    "seclusion_review": "seclusion reviews",
    "lts_episode": "LTS episodes",
    "lts_review": "LTS reviews",
}
RATIO_AIM = 1.3
BOARD_AIM_MS = 50.0
OPEN_AIM_MS = 500.0


def _results_table(results: list[Result]) -> str:
    columns: list[str] = []
    for result in results:
        for key in result.cells:
            if key not in columns:
                columns.append(key)
    cells = [["", *columns]]
    cells.extend([r.name, *(r.cells.get(c, "–") for c in columns)] for r in results)
    return markdown_table(cells)


def _find(items: list[Result], key: str) -> Result | None:
    return next((r for r in items if r.key == key), None)


def _v(result: Result | None, name: str) -> float:
    if result is None:
        return float("nan")
    return result.values.get(name, float("nan"))


def _row(rows: list[Row], prefix: str) -> Row:
    return next(r for r in rows if r.name.startswith(prefix))


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _pct(new: float, old: float) -> str:
    return f"{(new - old) / old * 100:+.0f} %"


HOW = """\
## How the benchmarks work

`make bench` runs `.venv/bin/python -m bench --write docs/benchmarks.md`: about 3 minutes
with the dataset cached, plus 3½–5 minutes the first time after the schema, the generator or
the cipher format changed (the five-year stores are rebuilt, two processes at once, and the
file-format variants are exported again). `--no-experiments` gives only the main table (under
a minute with the dataset cached: what to run after a change to the store); `--quick` is a
smoke run on 5 % of the dataset (about 20 s); `--rebuild` rebuilds the cached dataset.
Nothing here is a pass/fail test: the figures are ratios against a baseline measured in the
same process, and wall-clock limits are never asserted in tests.

- **Baseline.** Plain SQLite with the same schema and the same pragmas:
  `Store.create(..., encrypted=False)` makes it (stdlib `sqlite3`, WAL, `synchronous=FULL`,
  the same cache, foreign keys, temp store in memory). Both stores hold the same records,
  saved the same way. The baseline is opened by the same open path minus key derivation
  (`bench/run_open.py: open_plain`, benchmark-only: production code cannot open a plain file),
  background integrity check included.
- **Side by side.** Encrypted and plain samples alternate (and which goes first alternates),
  so both sides share the disk's and the CPU's conditions. Timings use
  `time.perf_counter_ns`; the tables give medians and 95th percentiles.
- **Dataset.** `bench/dataset.py` generates five years of a busy ward deterministically and
  loads it into both stores with batched write transactions (500 records per
  `with store.write() as tx:`), two processes at once. The stores are cached under
  `bench/results/` (git-ignored), keyed by the dataset version, the schema head and the
  cipher format; every run works on scratch copies, so the cache is never changed.
- **Settled stores.** The save and board benchmarks open both stores and wait for their
  background integrity check (`store.integrity(wait=True)`) before the first sample, so no
  sample overlaps it; only the open benchmarks measure what happens while it runs.

What each benchmark measures is in the next table.
"""


MEASURES = (
    (
        "save",
        (
            "`store.save(incident)`: a new, complete use-of-force incident (every statutory item, "
            "four uses of force with rapid tranquillisation, two staff) for one of the ward's "
            "patients, in its own `BEGIN IMMEDIATE … COMMIT` with `synchronous=FULL`: revision "
            "validation and hash, revision/tip/record rows, the audit event and its chained hash, "
            "the WAL fsync. On the five-year stores; 10 untimed saves first."
        ),
    ),
    (
        "board: warm",
        (
            "`with store.read() as r: build_ward_board(load_ward_board_inputs(r, ward_id, now), "
            "now)` on an open store, repeated; split into loading (SQL, decryption, JSON → domain "
            "objects) and building (the domain's review clocks)."
        ),
    ),
    (
        "board: new connection",
        (
            "the same after disposing the connection pool: SQLite's page cache is empty (the OS "
            "cache is warm)."
        ),
    ),
    (
        "open (clean shutdown)",
        (
            "`Store.open(data_dir, user, password)` with the production Argon2id parameters "
            "(`KdfParams()`) on a store closed cleanly — the everyday case. Split into key "
            "derivation (`KeySlotFile.unlock`), the integrity check at open (`checked_read_only`:"
            " `PRAGMA quick_check(store_meta)` in a read transaction), the migration check "
            "(`migrate.upgrade`) and the rest (reading the key slots, connecting and keying, "
            "reading the identity, the audit event and its commit, starting the background check)."
            " The OS cache holds the file (one untimed open first), as on a ward PC in use that "
            "day."
        ),
    ),
    (
        "board: first query after open",
        (
            "the first board right after `Store.open` returns — what a nurse sees after signing "
            "in — while the background check reads the whole file on its own thread and "
            "connection."
        ),
    ),
    (
        "whole-file check in the background",
        (
            "from `Store.open` returning to `store.integrity(wait=True)` returning: how long "
            "after sign-in the whole file (SQLCipher's per-page `cipher_integrity_check`, then "
            "`PRAGMA quick_check`) is known intact. The first board is loaded meanwhile, as in "
            "use; the first save would wait for it."
        ),
    ),
    (
        "open after unclean shutdown",
        (
            "`Store.open` on a copy of the store folder taken while a store was open after "
            "{saves} saves, so a non-empty `-wal` is left behind, as after a crash or power cut: "
            "open then checks the whole file before it returns. Each sample opens a fresh copy "
            '(copied and flushed to disk untimed); "rest" includes SQLite\'s WAL recovery.'
        ),
    ),
    (
        "remove an account",
        (
            "`store.remove_user(name)` on a fresh copy of the five-year store (opened with the "
            "production Argon2id parameters, a second account added untimed): seal a next data "
            "key for the other accounts and the recovery key, re-encrypt every page, fold the "
            "change into the key-slot file. Baseline: copying the database file with an fsync, "
            "the I/O floor of rewriting every page once."
        ),
    ),
)


def _measures(results: dict[str, Any]) -> list[list[str]]:
    saves = str(results.get("open", {}).get("unclean_saves", "a few"))
    return [[name, text.replace("{saves}", saves)] for name, text in MEASURES]


def _aims(rows: list[Row]) -> str:
    save = _row(rows, "save:")
    warm = _row(rows, "board: warm, total")
    first = _row(rows, "board: first query")
    fresh = _row(rows, "board: new connection")
    opened = _row(rows, "open: Store.open")
    check = _row(rows, "open: whole-file check")
    unclean = _row(rows, "open after unclean shutdown: Store.open")

    def board(row: Row) -> str:
        return (
            f"{fmt_ms(row.encrypted.median_ms)} ms, p95 {fmt_ms(row.encrypted.p95_ms)} ms; "
            f"{row.ratio:.2f}× plain"
        )

    cells = [
        ["aim", "this run (median)", "status"],
        [
            f"save within {RATIO_AIM}× of plain (median and p95)",
            (
                f"{save.ratio:.2f}× / {save.ratio_p95:.2f}× (p95) — "
                f"{fmt_ms(save.encrypted.median_ms)} ms"
            ),
            _met((save.ratio or 9) <= RATIO_AIM and (save.ratio_p95 or 9) <= RATIO_AIM),
        ],
        [
            f"board query under {BOARD_AIM_MS:.0f} ms (warm, p95)",
            (
                f"{fmt_ms(warm.encrypted.median_ms)} ms, p95 {fmt_ms(warm.encrypted.p95_ms)} "
                f"ms; {warm.ratio:.2f}× plain"
            ),
            _met(warm.encrypted.p95_ms < BOARD_AIM_MS),
        ],
        [
            f"board query under {BOARD_AIM_MS:.0f} ms, first after open (check running)",
            board(first),
            _met(first.encrypted.median_ms < BOARD_AIM_MS),
        ],
        [
            f"board query under {BOARD_AIM_MS:.0f} ms, new connection",
            board(fresh),
            _met(fresh.encrypted.median_ms < BOARD_AIM_MS),
        ],
        [
            f"open under {OPEN_AIM_MS / 1000:.1f} s (clean shutdown: every day)",
            (
                f"{fmt_ms(opened.encrypted.median_ms)} ms (plain path "
                f"{fmt_ms(opened.plain.median_ms if opened.plain else None)} ms, no Argon2id)"
            ),
            _met(opened.encrypted.median_ms < OPEN_AIM_MS),
        ],
        [
            f"open under {OPEN_AIM_MS / 1000:.1f} s after an unclean shutdown (crash, power cut)",
            (
                f"{fmt_ms(unclean.encrypted.median_ms)} ms (plain path "
                f"{fmt_ms(unclean.plain.median_ms if unclean.plain else None)} ms)"
            ),
            _met(unclean.encrypted.median_ms < OPEN_AIM_MS)
            + ("" if unclean.encrypted.median_ms < OPEN_AIM_MS else " — by design, see below"),
        ],
        [
            "(no aim) whole file known intact, after open",
            f"{fmt_ms(check.encrypted.median_ms)} ms in the background; {check.ratio:.2f}× plain",
            "reads proceed meanwhile; the first save waits for it",
        ],
    ]
    cells.extend(_client_aims(rows))
    removal = next((r for r in rows if r.name.startswith("remove an account: Store")), None)
    if removal is not None:
        cells.append(
            [
                "(no aim) removing an account: the data key changed, every page re-encrypted",
                f"{fmt_ms(removal.encrypted.median_ms)} ms; {removal.ratio:.1f}× copying the file",
                "rare; runs off the GUI thread",
            ]
        )
    return markdown_table(cells, numeric=False)


def _same_plans(board: dict[str, Any]) -> str:
    plans = board.get("plans") or []
    differ = [p["query"] for p in plans if p.get("encrypted") != p.get("plain")]
    if not plans:
        return "the board's query plans were not compared in this run."
    if not differ:
        return "the board's queries get the same plans from both (EXPLAIN QUERY PLAN, below)."
    return "the board's query plans differ for: " + ", ".join(differ) + " (see below)."


def _plans_table(board: dict[str, Any]) -> list[str]:
    plans = board.get("plans") or []
    if not plans:
        return []
    cells = [["board query", "index used on `record` (SQLCipher's SQLite 3.53)", "stdlib 3.40"]]
    for plan in plans:
        enc, plain = plan.get("encrypted", "?"), plan.get("plain", "?")
        cells.append([plan["query"], f"`{enc}`", "same" if plain == enc else f"`{plain}`"])
    expected = board.get("plans_expected", {})
    verdict = "; ".join(
        f"{query}: {'uses' if ok else '**does not use**'} `{EXPECTED_INDEX[query]}`"
        for query, ok in expected.items()
    )
    return [
        (
            "Board query plans (`EXPLAIN QUERY PLAN` of every statement one board runs, with "
            f"its parameters, on both stores): {verdict}."
        ),
        "",
        markdown_table(cells, numeric=False),
        "",
    ]


def _open_text(rows: list[Row], results: dict[str, Any]) -> list[str]:
    opened = _row(rows, "open: Store.open")
    kdf = _row(rows, "open: key derivation")
    at_open = _row(rows, "open: integrity check at open")
    migration = _row(rows, "open: migration check")
    rest = _row(rows, "open: rest")
    check = _row(rows, "open: whole-file check")
    first = _row(rows, "board: first query")
    fresh = _row(rows, "board: new connection")
    unclean = _row(rows, "open after unclean shutdown: Store.open")
    unclean_check = _row(rows, "open after unclean shutdown: whole-file check")
    unclean_rest = _row(rows, "open after unclean shutdown: rest")
    info = results.get("open", {})
    running = info.get("check_still_running", {}).get("encrypted", 0)
    runs = info.get("runs", first.encrypted.n)
    clean = (
        f"**Open, clean shutdown** ({fmt_ms(opened.encrypted.median_ms)} ms): Argon2id "
        f"{fmt_ms(kdf.encrypted.median_ms)} ms (meant to be slow; the plain path has none, so "
        "the open's ratio says little), the integrity check at open "
        f"{fmt_ms(at_open.encrypted.median_ms)} ms, the migration check "
        f"{fmt_ms(migration.encrypted.median_ms)} ms, the rest "
        f"{fmt_ms(rest.encrypted.median_ms)} ms ({rest.ratio:.2f}× plain: reading the folder "
        "and the key slots, finding which key opens the file, connecting and keying the "
        "checking and the working connections; the open's audit event is written later, with "
        "the first save). The whole-file check (every page's HMAC, then `quick_check`) then "
        "runs on its own thread and connection: the store was known intact "
        f"{fmt_ms(check.encrypted.median_ms)} ms after open returned ({check.ratio:.1f}× "
        f"plain). The first board, loaded meanwhile, took {fmt_ms(first.encrypted.median_ms)} "
        f"ms ({first.ratio:.2f}× plain); the check was still running when it was drawn in "
        f"{running} of {runs} opens."
    )
    alone = _row(rows, "board: first query after open, check patched out")
    cost = first.encrypted.median_ms - alone.encrypted.median_ms
    clean += (
        f" With the check patched out (benchmark only) the same first board takes "
        f"{fmt_ms(alone.encrypted.median_ms)} ms: "
        + (
            f"the check costs the nurse's first screen {fmt_ms(cost)} ms on this two-core machine."
            if cost > 0
            else "the check costs the first screen nothing measurable."
        )
    )
    if first.plain and alone.plain and first.plain.median_ms > 1.3 * alone.plain.median_ms:
        clean += (
            f" (The plain baseline's first board is slowed more by its own, shorter check: "
            f"{fmt_ms(first.plain.median_ms)} ms against {fmt_ms(alone.plain.median_ms)} ms "
            "without it; not investigated.)"
        )
    if alone.encrypted.median_ms > 1.1 * fresh.encrypted.median_ms:
        clean += (
            " A first board after open is also slower than a board on a new connection "
            f"({fmt_ms(fresh.encrypted.median_ms)} ms) because each open makes a new engine, "
            "whose statement cache is empty: SQLAlchemy compiles the board's queries again."
        )
    after_crash = (
        f"**Open after an unclean shutdown** ({fmt_ms(unclean.encrypted.median_ms)} ms, "
        f"{unclean.ratio:.1f}× plain): the whole-file check before open returns "
        f"{fmt_ms(unclean_check.encrypted.median_ms)} ms ({unclean_check.ratio:.1f}× plain), "
        f"the rest {fmt_ms(unclean_rest.encrypted.median_ms)} ms (Argon2id excluded: WAL "
        "recovery, connecting)."
    )
    return [
        clean,
        "",
        after_crash,
        "",
        *_rotation_text(rows, results),
        *_client_text(rows, results),
    ]


def _client_text(rows: list[Row], results: dict[str, Any]) -> list[str]:
    info = results.get("client")
    if not info:
        return []
    demo = _row(rows, "client: cold start to a usable board, demo ward")
    five = next(r for r in rows if r.name == "client: cold start to a usable board, five-year ward")
    unclean = _row(rows, "client: cold start to a usable board, five-year ward, unclean")
    window = _row(rows, "client: window shown")
    refresh = _row(rows, "client: board refresh")
    memory = info["memory_kib"]
    bare = demo.plain.median_ms if demo.plain else float("nan")
    text = (
        f"**The ward client** (a new process each time, offscreen): a bare PySide6 window is "
        f"shown {fmt_ms(bare)} ms after its process starts. The client's window is shown, "
        f"locked, after {fmt_ms(window.encrypted.median_ms)} ms ({window.ratio:.1f}× bare: "
        "importing the domain, the store and SQLAlchemy); signing in with the production "
        "Argon2id parameters and drawing the first board brings a usable board to "
        f"{fmt_ms(demo.encrypted.median_ms)} ms on the demo ward ({demo.ratio:.1f}× bare) and "
        f"{fmt_ms(five.encrypted.median_ms)} ms on the five-year ward ({five.ratio:.1f}× bare); "
        f"after an unclean shutdown {fmt_ms(unclean.encrypted.median_ms)} ms (the whole file "
        f"is checked first). A board refresh on the five-year ward takes "
        f"{fmt_ms(refresh.encrypted.median_ms)} ms (p95 {fmt_ms(refresh.encrypted.p95_ms)}). "
        f"Resident memory with the board open: {memory['demo'] / 1024:.0f} MB on the demo "
        f"ward, {memory['five years'] / 1024:.0f} MB on the five-year ward "
        f"({memory['five years, after refreshes'] / 1024:.0f} MB after "
        f"{len(info['series']['refresh'].samples)} refreshes)."
    )
    return [text, ""]


def _client_aims(rows: list[Row]) -> list[list[str]]:
    starts = [r for r in rows if r.name.startswith("client: cold start")]
    refresh = next((r for r in rows if r.name.startswith("client: board refresh")), None)
    cells = []
    for row in starts:
        limit = 2500.0 if "unclean" in row.name else 1500.0
        within = row.encrypted.median_ms <= limit and (
            "unclean" in row.name or (row.ratio or 99) <= 3.0
        )
        cells.append(
            [
                row.name.removeprefix("client: ").replace("cold start", "ward client: cold start"),
                f"{fmt_ms(row.encrypted.median_ms)} ms; {row.ratio:.1f}× a bare window",
                _met(within),
            ]
        )
    if refresh is not None:
        median, p95 = fmt_ms(refresh.encrypted.median_ms), fmt_ms(refresh.encrypted.p95_ms)
        cells.append(
            [
                "ward client: board refresh under 100 ms (five-year ward)",
                f"{median} ms, p95 {p95} ms",
                _met(refresh.encrypted.median_ms < 100),
            ]
        )
    return cells


def _rotation_text(rows: list[Row], results: dict[str, Any]) -> list[str]:
    info = results.get("rotation")
    if not info:
        return []
    total = _row(rows, "remove an account: Store.remove_user")
    seal, rekey, fold = (_row(rows, f"remove an account: {step}") for step in _ROTATION_STEPS)
    megabytes = info["bytes"] / 1e6
    text = (
        f"**Removing an account** ({fmt_ms(total.encrypted.median_ms)} ms on the "
        f"{megabytes:.0f} MB five-year store, {total.ratio:.1f}× copying the file with an "
        f"fsync): the data key is changed, so an old copy of the key-slot file opens nothing "
        f"saved afterwards. Sealing the next key for every other account and the recovery key "
        f"took {fmt_ms(seal.encrypted.median_ms)} ms, re-encrypting every page (SQLCipher's "
        f"`PRAGMA rekey`, one transaction, then a checkpoint into the main file) "
        f"{fmt_ms(rekey.encrypted.median_ms)} ms, and folding the change into the key-slot file "
        f"{fmt_ms(fold.encrypted.median_ms)} ms. It is rare (an account leaves the PC) and runs "
        "on the worker thread; the WAL briefly grows to the store's size, so the disk needs "
        "that much free space."
    )
    return [text, ""]


_ROTATION_STEPS = ("seal the next key", "re-encrypt the store", "fold the key change in")


def _above_unclean(rows: list[Row], results: dict[str, Any]) -> list[str]:
    """The open after an unclean shutdown, when it is above the open aim."""
    kdf = _row(rows, "open: key derivation")
    unclean = _row(rows, "open after unclean shutdown: Store.open")
    unclean_check = _row(rows, "open after unclean shutdown: whole-file check")
    share = unclean_check.encrypted.median_ms / unclean.encrypted.median_ms
    out = [
        "### Open after an unclean shutdown",
        "",
        (
            f"{fmt_ms(unclean.encrypted.median_ms)} ms against the aim of {OPEN_AIM_MS:.0f} ms; "
            f"{share:.0%} of it is the whole-file check "
            f"({fmt_ms(unclean_check.encrypted.median_ms)} ms, "
            f"{unclean_check.ratio:.1f}× the same check on the plain file). This is the design: "
            "after a crash or power cut the file is checked before anything more is saved onto "
            "it. `PRAGMA quick_check` reads every page; on the encrypted store each page is also "
            "decrypted (AES-256-CBC) and authenticated (HMAC-SHA512), and this CPU runs SHA-512 "
            "at only about 0.5 GB/s. The cost is proportional to the file's size, so it grows "
            "with the ward's history, and no pragma removes it (see what was tried)."
        ),
        "",
    ]
    formats = results.get("experiments", {}).get("formats", [])
    default, sha256 = _find(formats, "enc-4k-sha512"), _find(formats, "enc-4k-sha256")
    best = _find(formats, "enc-16k-sha256")
    if default and sha256 and best:
        reaches = _v(best, "encrypted check") + kdf.encrypted.median_ms < OPEN_AIM_MS
        out += [
            (
                f"A different file format shortens it "
                f"{'and could reach the aim' if reaches else 'but does not reach the aim'}: on "
                f"the exported store the whole-file check takes "
                f"{fmt_ms(_v(default, 'encrypted check'))} ms in the default format, "
                f"{fmt_ms(_v(sha256, 'encrypted check'))} ms with HMAC-SHA256 and "
                f"{fmt_ms(_v(best, 'encrypted check'))} ms with HMAC-SHA256 and 16 KiB pages — "
                f"plus Argon2id ({fmt_ms(kdf.encrypted.median_ms)} ms)."
            ),
            "",
        ]
    out += [
        (
            "The same path is taken when another process has the store open at that moment "
            "(its `-wal` is not empty either): a support command run beside the client waits "
            "for the whole-file check too."
        ),
        "",
    ]
    return out


def _above(rows: list[Row], results: dict[str, Any]) -> list[str]:
    """'Where we are above an aim, and why', with this run's figures."""
    out: list[str] = []
    add = out.append
    save = _row(rows, "save:")
    warm = _row(rows, "board: warm, total")
    first = _row(rows, "board: first query")
    fresh = _row(rows, "board: new connection")
    opened = _row(rows, "open: Store.open")
    kdf = _row(rows, "open: key derivation")
    unclean = _row(rows, "open after unclean shutdown: Store.open")
    above = False
    if unclean.encrypted.median_ms >= OPEN_AIM_MS:
        above = True
        out.extend(_above_unclean(rows, results))
    if opened.encrypted.median_ms >= OPEN_AIM_MS:
        above = True
        add("### Open after a clean shutdown")
        add("")
        add(
            f"{fmt_ms(opened.encrypted.median_ms)} ms, of which Argon2id "
            f"{fmt_ms(kdf.encrypted.median_ms)} ms: see the breakdown in the results; a "
            "figure this far from the previous runs usually means the machine was busy (load "
            "averages above)."
        )
        add("")
    for row, what in ((first, "first board after open"), (fresh, "board on a new connection")):
        if row.encrypted.median_ms >= BOARD_AIM_MS:
            above = True
            add(f"### The {what}")
            add("")
            add(
                f"{fmt_ms(row.encrypted.median_ms)} ms ({row.ratio:.2f}× plain) against "
                f"{BOARD_AIM_MS:.0f} ms. Every page the board reads that is not in the "
                "connection's cache is decrypted and authenticated"
                + (
                    "; right after open it also shares this two-core machine with the "
                    "whole-file check."
                    if row is first
                    else "."
                )
                + " See the query plans above for what it reads."
            )
            add("")
        elif row.encrypted.p95_ms >= BOARD_AIM_MS:
            above = True
            add(f"### The slowest samples of the {what}")
            add("")
            plain_p95 = fmt_ms(row.plain.p95_ms if row.plain else None)
            add(
                f"The median ({fmt_ms(row.encrypted.median_ms)} ms) is within the aim, but the "
                f"p95 of {row.encrypted.n} samples (close to the slowest) is "
                f"{fmt_ms(row.encrypted.p95_ms)} ms (plain {plain_p95} ms): single samples "
                "on this shared machine spread that far"
                + (
                    ", and right after open the board shares the CPU with the check."
                    if row is first
                    else "."
                )
            )
            add("")
    if warm.encrypted.p95_ms >= BOARD_AIM_MS:
        above = True
        add("### The warm board")
        add("")
        add(
            f"p95 {fmt_ms(warm.encrypted.p95_ms)} ms against {BOARD_AIM_MS:.0f} ms "
            f"({warm.ratio_p95:.2f}× plain at p95): with the same ratio on both sides this is the "
            "machine's load, not encryption."
        )
        add("")
    if (save.ratio or 9) > RATIO_AIM or (save.ratio_p95 or 9) > RATIO_AIM:
        above = True
        add("### Save")
        add("")
        add(
            f"{save.ratio:.2f}× (p95 {save.ratio_p95:.2f}×) against {RATIO_AIM}×: encryption "
            "adds encrypting and authenticating the pages a save writes; re-run when the "
            "machine is idle before drawing conclusions."
        )
        add("")
    if not above:
        add("Nothing in this run.")
        add("")
    return out


def _shapes(results: dict[str, Any]) -> tuple[Result | None, Result | None, Result | None]:
    shapes = results.get("experiments", {}).get("query_shapes", [])
    return _find(shapes, "before"), _find(shapes, "index"), _find(shapes, "shipped")


def _implemented(rows: list[Row], results: dict[str, Any]) -> list[str]:
    """What changed in the store since the previous report (store hardening), and its cost."""
    opened = _row(rows, "open: Store.open")
    rest = _row(rows, "open: rest")
    check = _row(rows, "open: whole-file check")
    save = _row(rows, "save:")
    removal = next((r for r in rows if r.name.startswith("remove an account: Store")), None)
    out = [
        "## Changed since the previous report (store hardening), and what it cost",
        "",
        (
            "1. **Nothing is written before the whole file is known intact.** The checks before "
            "opening run on a connection that cannot write, and the open's audit event is "
            "recorded with the first save (or on closing) once the background check has "
            "passed; the first save waits for that check if it is still running. The everyday "
            f"open now takes {fmt_ms(opened.encrypted.median_ms)} ms (the previous report: "
            "100 ms, with Argon2id at 91.7 ms on that run's CPU), of which the rest after "
            f"Argon2id is {fmt_ms(rest.encrypted.median_ms)} "
            "ms (7.83 ms before, when the open also committed its audit event with an fsync: "
            "the new open connects twice, once to check and once to work)."
        ),
        (
            "2. **The background check authenticates every page**, free pages included "
            "(SQLCipher's `cipher_integrity_check`, which also names each damaged page), "
            "before SQLite's structure check. The store is known intact "
            f"{fmt_ms(check.encrypted.median_ms)} ms after open (the previous report: "
            "1,453 ms with `quick_check` alone). Only the first save of a session can meet it."
        ),
        (
            "3. **Key slots hold a key pair per account** (Argon2id → the account's X25519 "
            "private key; the data key sealed to it with HPKE), so removing an account can "
            "change the data key without the other passwords"
            + (
                f": {fmt_ms(removal.encrypted.median_ms)} ms on the five-year store."
                if removal
                else "."
            )
            + " Unlocking costs the same Argon2id plus two small operations (an AES-GCM open "
            "and an HPKE open)."
        ),
        (
            f"4. A save costs {fmt_ms(save.encrypted.median_ms)} ms ({save.ratio:.2f}× plain); "
            "saving changed only in that it runs inside the error translation of "
            "`app/store/failures.py`."
        ),
        "",
    ]
    before, _, shipped = _shapes(results)
    if before and shipped:
        out.extend(
            [
                (
                    "From the report before that, still in place: board queries with "
                    "`likelihood(status IN (…), 0.001)` and the partial index "
                    "`ix_record_conflicted` (schema 0002). Measured in this run (query shapes, "
                    f"below): the warm board {fmt_ms(_v(before, 'encrypted warm'))} → "
                    f"{fmt_ms(_v(shipped, 'encrypted warm'))} ms, on a new connection "
                    f"{fmt_ms(_v(before, 'encrypted fresh'))} → "
                    f"{fmt_ms(_v(shipped, 'encrypted fresh'))} ms."
                ),
                "",
            ]
        )
    return out


def _cache_text(cache: list[Result]) -> str:
    small, ours, large = _find(cache, "2000"), _find(cache, "32768"), _find(cache, "131072")

    def ms_(result: Result | None, what: str) -> str:
        return fmt_ms(_v(result, f"encrypted {what}"))

    slower = _v(small, "encrypted warm") / _v(ours, "encrypted warm")
    if slower > RATIO_AIM:
        small_text = (
            f"SQLite's default 2 MB cache makes the encrypted board {slower:.1f}× slower warm "
            f"({ms_(small, 'warm')} ms against {ms_(ours, 'warm')} ms): pages the board reads "
            "no longer stay cached, so each query decrypts them again."
        )
    else:
        small_text = (
            f"Since schema 0002 the board reads few pages, and SQLite's default 2 MB cache gives "
            f"about the same warm board ({ms_(small, 'warm')} ms against {ms_(ours, 'warm')} ms"
            f" with our 32 MiB; saves {ms_(small, 'save')} against {ms_(ours, 'save')} ms). "
            "It was the board's old queries, walking every incident of the ward, that "
            "needed a large cache (the previous report: 163 ms warm with 2 MB against 28.3 ms "
            "with 32 MiB). 32 MiB is a ceiling that costs memory only as pages are read — the "
            "background check's connection fills it — and still helps any screen that reads "
            "more than the board (not benchmarked); these figures give no reason to change it."
        )
    return (
        f"{small_text} 128 MiB gains nothing over 32 MiB (board {ms_(large, 'warm')} ms, "
        f"save {ms_(large, 'save')} ms; whole-file check {ms_(large, 'check')} ms against "
        f"{ms_(ours, 'check')} ms: the check reads each page once) and lets each pooled "
        "connection hold up to 96 MiB more."
    )


def _tried(results: dict[str, Any]) -> list[str]:  # noqa: PLR0915 - one paragraph per trial
    found = results.get("experiments")
    if not found:
        return ["(Experiments were skipped in this run: `--no-experiments`.)", ""]
    out: list[str] = []
    add = out.append
    add(
        "Every trial runs on scratch copies; encrypted and plain are interleaved as in the main "
        "benchmarks. A cell reads *encrypted ms (encrypted ÷ plain)*. Figures from different "
        "tables were measured at different moments and move by ±20 % on this shared machine; "
        "compare within a table. The earlier trials are kept: they explain why the store is "
        "built the way it is."
    )
    add("")
    add("### Integrity checks (five-year store, new connection each time)")
    add("")
    add(_results_table(found["integrity"]))
    add("")
    integrity = found["integrity"]
    full, hmac_only = _find(integrity, "full"), _find(integrity, "hmac")
    mutable, meta = _find(integrity, "mutable"), _find(integrity, "meta")
    add(
        f"A whole-file `quick_check` costs {fmt_ms(_v(full, 'encrypted check'))} ms; "
        f"SQLCipher's `cipher_integrity_check` (HMACs only, no structure) is not much cheaper "
        f"({fmt_ms(_v(hmac_only, 'encrypted check'))} ms), since authenticating the pages is "
        "most of the cost; even the tables rewritten in place take "
        f"{fmt_ms(_v(mutable, 'encrypted check'))} ms. No check of the whole file fits in "
        "the open aim, which is why it moved to the background; what open runs now, "
        f"`quick_check(store_meta)`, takes {fmt_ms(_v(meta, 'encrypted check'))} ms."
    )
    add("")
    add("### File format: page size and HMAC algorithm")
    add("")
    add(
        "Each variant is the five-year encrypted store exported with `sqlcipher_export` "
        "(`cipher_page_size` / `cipher_hmac_algorithm` set on the target), against a plain "
        "export with the same page size. Exports are defragmented and their b-tree pages are "
        "full, so the first saves into them split more pages than saves into a store grown by "
        "saves: compare these rows with each other rather than with the main table. The "
        "settings must be given on every "
        "connection (`app/store/engine.py: CIPHER_FORMAT`, empty in production) because "
        "SQLCipher cannot read them from the encrypted header. The whole-file check is the "
        "background check (and the check before an unclean-shutdown open)."
    )
    add("")
    add(_results_table(found["formats"]))
    add("")
    formats = found["formats"]
    default = _find(formats, "enc-4k-sha512")
    sha256 = _find(formats, "enc-4k-sha256")
    big = _find(formats, "enc-16k-sha512")
    best = _find(formats, "enc-16k-sha256")
    mid = _find(formats, "enc-8k-sha256")
    add(
        f"- **HMAC-SHA256 instead of SHA-512** (4 KiB pages): whole-file check "
        f"{_pct(_v(sha256, 'encrypted check'), _v(default, 'encrypted check'))}, board on a new "
        f"connection {_pct(_v(sha256, 'encrypted fresh'), _v(default, 'encrypted fresh'))}, "
        f"save {_pct(_v(sha256, 'encrypted save'), _v(default, 'encrypted save'))}. The gain "
        "comes from this CPU's SHA-256 instructions (SHA-NI; there are none for SHA-512). "
        "CPUs without them — Intel Core before the 10th/11th generation, which many ward PCs "
        "still are — compute SHA-512 faster than SHA-256 in software, so there the change "
        "could cost rather than save: measure on the trust's PC models first. The MAC stays a "
        "full 256-bit HMAC, so tamper detection is not weakened in any way that matters here."
    )
    add(
        f"- **Bigger pages** (16 KiB, SHA-512): check "
        f"{_pct(_v(big, 'encrypted check'), _v(default, 'encrypted check'))} (fewer pages, "
        f"less per-page overhead, a smaller file), but a save "
        f"{_pct(_v(big, 'encrypted save'), _v(default, 'encrypted save'))}: a save dirties "
        "the same number of pages, each now four times larger to encrypt, authenticate and "
        "write to the WAL. 8 KiB is in between "
        f"(with SHA-256: check {fmt_ms(_v(mid, 'encrypted check'))} ms, save "
        f"{fmt_ms(_v(mid, 'encrypted save'))} ms)."
    )
    add(
        f"- **Both** (16 KiB, SHA-256): check {fmt_ms(_v(best, 'encrypted check'))} ms "
        f"({_pct(_v(best, 'encrypted check'), _v(default, 'encrypted check'))}), board on a "
        f"new connection {fmt_ms(_v(best, 'encrypted fresh'))} ms. Warm figures do not change "
        "with the format: cached pages are already decrypted."
    )
    add(
        "- **No HMAC** was measured only to show what authentication costs; it is not an "
        "option (integrity matters more than these milliseconds)."
    )
    add("")
    add("### `cache_size` per connection")
    add("")
    add(_results_table(found["cache"]))
    add("")
    add(_cache_text(found["cache"]))
    add("")
    add("### `cipher_memory_security`")
    add("")
    add(_results_table(found["memory_security"]))
    add("")
    off, on = _find(found["memory_security"], "off"), _find(found["memory_security"], "on")
    add(
        f"Wiping freed memory (SQLCipher's default) takes the warm board from "
        f"{_v(off, 'encrypted warm') / _v(off, 'plain warm'):.2f}× to "
        f"{_v(on, 'encrypted warm') / _v(on, 'plain warm'):.2f}× plain, the board on a new "
        f"connection from {_v(off, 'encrypted fresh') / _v(off, 'plain fresh'):.1f}× to "
        f"{_v(on, 'encrypted fresh') / _v(on, 'plain fresh'):.1f}× and a save from "
        f"{_v(off, 'encrypted save') / _v(off, 'plain save'):.2f}× to "
        f"{_v(on, 'encrypted save') / _v(on, 'plain save'):.2f}×. Each setting runs in a "
        "process of its own: once switched on, SQLCipher refuses to switch it off again for "
        "the life of the process (`PRAGMA cipher_memory_security = OFF` then still reads 1), "
        "and in a single process the plain side interleaved with it slowed down too (its "
        "board doubled during development). The data key "
        "lives in this process for as long as the store is open anyway, so the engine keeps it "
        "OFF."
    )
    add("")
    add("### Query shapes of the board (implemented in schema 0002)")
    add("")
    add(_results_table(found["query_shapes"]))
    add("")
    add(
        "Before schema 0002, SQLite's planner answered the open-incidents query "
        "(`find(UseOfForceIncident, ward_id, statuses=draft/submitted)`) from the `(kind, "
        "ward_id, starts_at)` index, because it gives the `ORDER BY starts_at` for free, and so "
        "walked all 20,000 incidents of the ward to find the few open ones (ANALYZE did not "
        "change that: without histograms the planner cannot know that open statuses are rare); "
        "and `conflicted_ids()` scanned the whole `record` table for `tip_count > 1`. The hint "
        "`likelihood(status IN (…), 0.001)` makes the planner use `(kind, ward_id, status)` and "
        "sort the few rows it finds; the partial index is empty while nothing is conflicted. "
        "The trial takes the hint out by patching `_conditions` and drops the index on a "
        "scratch copy."
    )
    add("")
    add("### Settings looked at and left alone")
    add("")
    add(
        "- `mmap_size`: SQLCipher has to decrypt every page into its page cache, so memory-"
        "mapped reads do not help it (during development a full scan of `revision` took the "
        "same time with `mmap_size` 0 and 1 GiB); with the file in the OS cache they barely "
        "help the baseline either.\n"
        "- `wal_autocheckpoint` (1000 pages): a save appends 15–25 pages to the WAL, so a "
        "checkpoint runs every 40–70 saves; it copies frames that are already encrypted into "
        "the database file — no cryptography, the same work on both sides — and the save's "
        "p95 ratio stays close to its median's.\n"
        "- `cipher_use_hmac`: never turned off (see above).\n"
        "- `ANALYZE` / `PRAGMA optimize`: the statistics did not change the open-incidents plan "
        "(see the query shapes), so nothing is gained by running them on open.\n"
        "- Batching: the dataset loads in transactions of 500 records; the encrypted load took "
        "about as long as the plain one (see the dataset section). A user action stays one "
        "transaction, as design.md requires."
    )
    add("")
    return out


def _recommendations(results: dict[str, Any]) -> str:
    formats = results.get("experiments", {}).get("formats", [])
    default, sha256 = _find(formats, "enc-4k-sha512"), _find(formats, "enc-4k-sha256")
    measured = (
        f" (this run's trial, 4 KiB pages: whole-file check "
        f"{_pct(_v(sha256, 'encrypted check'), _v(default, 'encrypted check'))}, board on a "
        f"new connection {_pct(_v(sha256, 'encrypted fresh'), _v(default, 'encrypted fresh'))}"
        f", save {_pct(_v(sha256, 'encrypted save'), _v(default, 'encrypted save'))})"
        if default and sha256
        else ""
    )
    return f"""\
## Recommendations still open

1. **File format**: HMAC-SHA256 (keeping 4 KiB or 8 KiB pages) cuts the cost of every page
   read from disk on CPUs with SHA-256 instructions — the background check, the open after an
   unclean shutdown, the board on a new connection{measured}; on CPUs without them it may be
   slower than SHA-512, so measure on the ward PC models first. It changes the on-disk format:
   existing stores need a one-off `sqlcipher_export` migration (and a way to tell the formats
   apart, e.g. a field in `keyslots.json`), and the test helper that opens the file behind the
   store's back (`tests/store/test_verify_and_recovery.py: _raw_connection`) must apply the
   same settings (best: a function in `engine.py` it calls). Cheapest before the first
   release, if no ward store exists yet; needs a security review.
2. **Telling an unclean shutdown from a store open elsewhere**: `wal_left_behind` cannot tell
   a crash from another process that has the store open now (its `-wal` is not empty either),
   so a support command run beside the client takes the slow path: the whole-file check before
   open returns, as in the unclean-shutdown figure above. If that matters, the running client
   could mark itself (a lock file it holds, say) so that only a `-wal` left with no client
   running counts as unclean.
"""


def render(  # noqa: PLR0915 - the report, section by section
    *,
    env: dict[str, str],
    built: BuiltStores,
    rows: list[Row],
    results: dict[str, Any],
    quick: bool,
    counts: dict[str, int],
    elapsed_s: float,
    when: datetime,
) -> str:
    out: list[str] = []
    add = out.append
    add("# Benchmarks: the encrypted store against plain SQLite")
    add("")
    quick_note = (
        " **This is a `--quick` smoke run on 5 % of the dataset: do not quote these figures.**"
        if quick
        else ""
    )
    add(
        f"Generated by `make bench` on {when:%Y-%m-%d %H:%M} UTC; the run took "
        f"{elapsed_s:.0f} s.{quick_note} Samples: {counts['saves']} saves, "
        f"{counts['warm_runs']} warm boards, {counts['cold_runs']} boards on a new "
        f"connection, {counts['open_runs']} opens of each store after a clean shutdown and "
        f"{counts['unclean_runs']} after an unclean one. Sync: "
        "[benchmarks-sync.md](benchmarks-sync.md); the installers (build time, sizes, the built "
        "program's start): [benchmarks-installer.md](benchmarks-installer.md)."
    )
    add("")
    add("## Summary against the aims")
    add("")
    add(_aims(rows))
    add("")
    add(HOW)
    add(markdown_table([["benchmark", "one sample is"], *_measures(results)], numeric=False))
    add("")
    add("## Environment")
    add("")
    add(markdown_table([["", ""], *[[k, v] for k, v in env.items()]], numeric=False))
    add("")
    add(
        "The machine is shared with other work (see the load averages): absolute figures move "
        "by ±20 % from run to run; the ratios, measured interleaved, move much less. The "
        "baseline's SQLite (stdlib) is older than SQLCipher's; "
        + _same_plans(results.get("board", {}))
    )
    add("")
    add("## Dataset")
    add("")
    add(
        f"Five years of one busy ward up to {built.now:%Y-%m-%d %H:%M} UTC (fixed, so every "
        f"run sees the same board), {built.records:,} records: "
        + ", ".join(f"{v:,} {KIND_LABELS.get(k, k)}" for k, v in built.counts.items())
        + ". Incidents too recent to have been signed off by then are submitted (or, for the "
        "two seclusions still running, drafts) — the board shows them; all others are "
        "complete and signed off. Each seclusion has an observation every 15 minutes, a "
        "nursing review every 2 hours and a medical review every 4 hours; LTS has daily "
        "approved-clinician and weekly MDT reviews. Each record is saved once, in its final "
        "state (a real incident has 2–3 revisions, so a real store would be ~1.5× larger)."
    )
    add("")
    add(
        f"Files: encrypted {built.encrypted_bytes / 1e6:.0f} MB, plain "
        f"{built.plain_bytes / 1e6:.0f} MB. Built once in {built.build_wall_s:.0f} s "
        f"(two processes; loading took {built.load_encrypted_s:.0f} s encrypted and "
        f"{built.load_plain_s:.0f} s plain, "
        f"{built.load_encrypted_s / built.load_plain_s:.2f}×, in transactions of 500 records); "
        "later runs reuse the cache."
    )
    add("")
    add("## Results")
    add("")
    add(markdown_table(table(rows)))
    add("")
    board = results.get("board", {}).get("board")
    if board:
        add(f"The board at the dataset's end shows: {board}.")
        add("")
    save = _row(rows, "save:")
    warm = _row(rows, "board: warm, total")
    load = _row(rows, "board: warm, loading")
    fresh = _row(rows, "board: new connection")
    add(
        f"**Save** ({save.ratio:.2f}×): a save is mostly Python — validating and hashing the "
        "revision, the ORM's inserts, the audit chain — plus one fsync, the same on both "
        "sides. Encryption adds encrypting and authenticating the 15–25 pages a save "
        f"writes to the WAL and decrypting index pages not yet cached: "
        f"{fmt_ms(save.encrypted.median_ms - (save.plain.median_ms if save.plain else 0))} ms "
        "per save here."
    )
    add("")
    add(
        f"**Board, warm** ({warm.ratio:.2f}×): SQLCipher keeps decrypted pages in its cache, so "
        "a warm query costs about what plain SQLite costs; of the "
        f"{fmt_ms(warm.encrypted.median_ms)} ms, {fmt_ms(load.encrypted.median_ms)} ms is "
        "loading (the queries, and parsing ~330 records into domain objects) and the rest is "
        "the domain's clocks. On a new connection every page the board reads is decrypted and "
        f"authenticated first: {fmt_ms(fresh.encrypted.median_ms)} ms ({fresh.ratio:.2f}× "
        "plain)."
    )
    add("")
    out.extend(_plans_table(results.get("board", {})))
    out.extend(_open_text(rows, results))
    add("## Where we are above an aim, and why")
    add("")
    out.extend(_above(rows, results))
    out.extend(_implemented(rows, results))
    add("## What was tried")
    add("")
    out.extend(_tried(results))
    add(_recommendations(results))
    add("## Changes made to the store for the benchmarks")
    add("")
    add(
        "- `app/store/engine.py`: `CIPHER_FORMAT`, a tuple of SQLCipher settings applied on "
        "every encrypted connection after the key and before the first read (added for the "
        "first report). It is empty, so production behaviour and the file format are "
        "unchanged; the format trials set it on copies. The benchmarks change nothing else in "
        "`app/`: the store changes listed above were made by the store's owners from the "
        "previous report's recommendations."
    )
    add("")
    return "\n".join(out) + "\n"
