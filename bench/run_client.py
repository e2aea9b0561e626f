"""The ward client's cold start to a usable ward board, against a bare PySide6 window started
the same way (a new Python process each time, offscreen), on the demo ward and the five-year
ward, after a clean and after an unclean shutdown; board refreshes on the five-year ward; and
resident memory with it open.

A sample is the time from starting the process to its "board" line (the window shown locked,
signed in with the production Argon2id parameters, the first board drawn), read from the
process's own clock so the parent's pipe does not count. The bare window's sample is the same
process start to an empty ``QMainWindow`` shown and painted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import Row, Series, copy_store
from bench.dataset import PASSWORD, USERNAME, BuiltStores
from bench.run_open import OPENERS, make_unclean

DEMO_USER = "demo.nurse"
REFRESHES = 20


def _run_driver(*args: str) -> dict[str, list[tuple[float, int]]]:
    """Run the driver; its milestones as ``name → [(ms, rss KiB)]``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "bench.client_driver", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
        env=env,
    )
    if result.returncode != 0:
        raise AssertionError(f"client driver failed ({result.returncode}): {result.stderr[-2000:]}")
    lines: dict[str, list[tuple[float, int]]] = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            lines.setdefault(parts[0], []).append((float(parts[1]), int(parts[2])))
    return lines


def _demo_store(scratch: Path) -> tuple[Path, str]:
    """A demo ward built with the production key derivation; its nurse's password."""
    folder = scratch / "client-demo" / "demo"
    if folder.parent.exists():
        import shutil

        shutil.rmtree(folder.parent)
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "demo-data", "--data-dir", str(folder)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    for line in result.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == DEMO_USER:
            return folder, parts[-1]
    raise AssertionError("the demo ward did not print its nurse's password")


def run(built: BuiltStores, scratch: Path, *, runs: int, log: Any = print) -> dict[str, Any]:
    """Cold starts (``runs`` of each, interleaved with the bare window), refreshes, memory."""
    demo, demo_password = _demo_store(scratch)
    five_years = scratch / "client-5y"
    copy_store(built.encrypted_dir, five_years)
    series = {
        name: Series()
        for name in ("bare", "demo", "five years", "five years unclean", "refresh", "window")
    }
    memory: dict[str, int] = {}
    for i in range(runs):
        series["bare"].add(_run_driver("bare")["ready"][0][0] * 1e6)
        demo_run = _run_driver("client", str(demo), DEMO_USER, demo_password)
        series["demo"].add(demo_run["board"][0][0] * 1e6)
        series["window"].add(demo_run["window"][0][0] * 1e6)
        five = _run_driver("client", str(five_years), USERNAME, PASSWORD)
        series["five years"].add(five["board"][0][0] * 1e6)
        memory["demo"] = demo_run["board"][0][1]
        memory["five years"] = five["board"][0][1]
        log(
            f"  client start {i + 1}/{runs}: bare {series['bare'].samples[-1] / 1e6:.0f} ms, "
            f"demo {series['demo'].samples[-1] / 1e6:.0f} ms, five years "
            f"{series['five years'].samples[-1] / 1e6:.0f} ms"
        )
    unclean_runs = max(1, runs // 2)
    for i in range(unclean_runs):
        target = scratch / "client-5y-unclean"
        make_unclean(
            built.encrypted_dir,
            OPENERS["encrypted"],
            scratch / "client-unclean-work",
            target,
            built.ward_id,
        )
        os.sync()
        lines = _run_driver("client", str(target), USERNAME, PASSWORD)
        series["five years unclean"].add(lines["board"][0][0] * 1e6)
        log(
            f"  client start after unclean shutdown {i + 1}/{unclean_runs}: "
            f"{series['five years unclean'].samples[-1] / 1e6:.0f} ms"
        )
    refreshed = _run_driver("client", str(five_years), USERNAME, PASSWORD, str(REFRESHES))
    for ms, _ in refreshed["refresh"]:
        series["refresh"].add(ms * 1e6)
    memory["five years, after refreshes"] = refreshed["done"][0][1]
    bare = series["bare"]
    rows = [
        Row("client: window shown, locked (demo ward)", series["window"], bare),
        Row(
            "client: cold start to a usable board, demo ward",
            series["demo"],
            bare,
            aim="≤ 1.5 s and 3× bare",
        ),
        Row(
            "client: cold start to a usable board, five-year ward",
            series["five years"],
            bare,
            aim="≤ 1.5 s and 3× bare",
        ),
        Row(
            "client: cold start to a usable board, five-year ward, unclean shutdown",
            series["five years unclean"],
            bare,
            aim="≤ 2.5 s",
        ),
        Row("client: board refresh, five-year ward", series["refresh"], None, aim="< 100 ms"),
    ]
    return {"rows": rows, "series": series, "memory_kib": memory, "runs": runs}
