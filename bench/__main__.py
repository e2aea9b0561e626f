"""``python -m bench``: the encrypted store against plain SQLite, side by side in one process.

    .venv/bin/python -m bench                       # print the table
    .venv/bin/python -m bench --write docs/benchmarks.md    # ~3 min (cached dataset)
    .venv/bin/python -m bench --no-experiments      # main table only: under a minute
    .venv/bin/python -m bench --quick               # 5 % dataset, few samples: a smoke run
    .venv/bin/python -m bench --sync-only --write docs/benchmarks-sync.md   # sync, ~2–4 min

The five-year dataset is built once (3½–5 minutes on two cores) and cached under
``bench/results/``, keyed by the schema head, so a new migration rebuilds it on the next run
(old folders there can be deleted). Every run works on scratch copies of it, so the cache is
never changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    experiments,
    report,
    report_reports,
    run_board,
    run_client,
    run_open,
    run_reports,
    run_rotation,
    run_save,
)
from bench.common import copy_store, environment, table, text_table
from bench.dataset import QUICK_SCALE, RESULTS, BuiltStores, build_or_load

SCRATCH = RESULTS / "scratch"


def _log(message: str) -> None:
    print(message, flush=True)


def _fresh_copies(built: BuiltStores) -> None:
    shutil.rmtree(SCRATCH, ignore_errors=True)
    copy_store(built.encrypted_dir, SCRATCH / "encrypted")
    copy_store(built.plain_dir, SCRATCH / "plain")


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def run_all(
    built: BuiltStores, *, quick: bool, counts: dict[str, int], tried: bool
) -> dict[str, Any]:
    """Every benchmark, then (``tried``) every experiment, on scratch copies."""
    results: dict[str, Any] = {}
    try:
        _fresh_copies(built)
        _log("open …")
        results["open"] = run_open.run(
            built,
            SCRATCH,
            runs=counts["open_runs"],
            unclean_runs=counts["unclean_runs"],
            log=_log,
        )
        _log("board …")
        results["board"] = run_board.run(
            built, SCRATCH, warm_runs=counts["warm_runs"], cold_runs=counts["cold_runs"], log=_log
        )
        found: dict[str, Any] = {}
        if tried:
            _log("what was tried …")
            found["integrity"] = experiments.integrity(built, SCRATCH, quick=quick, log=_log)
            found["cache"] = experiments.cache(built, SCRATCH, quick=quick, log=_log)
        _log("save …")
        results["save"] = run_save.run(built, SCRATCH, saves=counts["saves"], log=_log)
        _log("ward client …")
        results["client"] = run_client.run(built, SCRATCH, runs=counts["client_runs"], log=_log)
        _log("remove an account …")
        results["rotation"] = run_rotation.run(
            built, SCRATCH, runs=counts["rotation_runs"], log=_log
        )
        if tried:
            # The incidents just saved would show on the board: start again from fresh copies.
            _fresh_copies(built)
            found["memory_security"] = experiments.memory_security(
                built, SCRATCH, quick=quick, log=_log
            )
            _fresh_copies(built)
            found["query_shapes"] = experiments.query_shapes(built, SCRATCH, quick=quick, log=_log)
            found["formats"] = experiments.formats(built, SCRATCH, quick=quick, log=_log)
            results["experiments"] = found
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="PATH", type=Path, help="write the Markdown report")
    parser.add_argument(
        "--quick", action="store_true", help="5 %% of the dataset and few samples (smoke run)"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached dataset")
    parser.add_argument(
        "--no-experiments", action="store_true", help="skip the 'what was tried' experiments"
    )
    parser.add_argument(
        "--sync-only",
        action="store_true",
        help="only the sync benchmarks (PostgreSQL + rpr-server; report: docs/benchmarks-sync.md)",
    )
    args = parser.parse_args(argv)
    if args.sync_only:
        return _sync_only(args.write, quick=args.quick)
    started = time.perf_counter()
    counts = (
        {
            "open_runs": 2,
            "unclean_runs": 2,
            "warm_runs": 10,
            "cold_runs": 2,
            "saves": 200,
            "rotation_runs": 1,
            "client_runs": 1,
        }
        if args.quick
        else {
            "open_runs": 7,
            "unclean_runs": 5,
            "warm_runs": 50,
            "cold_runs": 8,
            "saves": 300,
            "rotation_runs": 3,
            "client_runs": 5,
        }
    )
    env = environment()
    env["load average at start (1/5/15 min)"] = _load()
    _log("environment: " + "; ".join(f"{k}: {v}" for k, v in env.items()))
    built = build_or_load(QUICK_SCALE if args.quick else 1.0, log=_log, rebuild=args.rebuild)
    if not built.built_now:
        _log(f"dataset: cached in {built.root} ({built.records:,} records)")
    results = run_all(built, quick=args.quick, counts=counts, tried=not args.no_experiments)
    _log("reports …")
    report_rows = run_reports.run(
        runs=3 if args.quick else 7, oversight_runs=2 if args.quick else 3, built=built, log=_log
    )
    env["load average at end (1/5/15 min)"] = _load()
    rows = [
        *results["save"]["rows"],
        *results["board"]["rows"],
        *results["open"]["rows"],
        *results["rotation"]["rows"],
        *results["client"]["rows"],
    ]
    elapsed = time.perf_counter() - started
    _log("")
    _log(text_table(table(rows)))
    _log("\n" + report_reports.text(report_rows))
    _log(f"\nbench run: {elapsed:.0f} s (dataset {'built now' if built.built_now else 'cached'})")
    if args.write:
        text = report.render(
            env=env,
            built=built,
            rows=rows,
            results=results,
            quick=args.quick,
            counts=counts,
            elapsed_s=elapsed,
            when=datetime.now(UTC),
        )
        text = text.rstrip("\n") + "\n\n" + report_reports.markdown(report_rows) + "\n"
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        _log(f"wrote {args.write}")
    return 0


def _sync_only(write: Path | None, *, quick: bool) -> int:
    """The sync benchmarks alone (bench/run_sync.py), their own report."""
    from bench import report_sync, run_sync

    started = time.perf_counter()
    env = environment()
    env["load average at start (1/5/15 min)"] = _load()
    results = run_sync.run(
        revisions=2_000 if quick else 20_000,
        load=(20, 60) if quick else (50, 500),
        scratch=RESULTS / "sync-scratch",
        log=_log,
    )
    env["load average at end (1/5/15 min)"] = _load()
    elapsed = time.perf_counter() - started
    _log("\n" + report_sync.text(results))
    _log(f"\nsync bench run: {elapsed:.0f} s")
    if write:
        write.parent.mkdir(parents=True, exist_ok=True)
        write.write_text(
            report_sync.render(env=env, results=results, when=datetime.now(UTC), elapsed_s=elapsed),
            encoding="utf-8",
        )
        _log(f"wrote {write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
