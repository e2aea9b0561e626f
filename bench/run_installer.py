"""Installer benchmarks (issue 9): how long the build takes, how large its artifacts are, and
the built program's cold start to its window as a ratio to starting the same client from
source and to a bare PySide6 window.

    .venv/bin/python -m bench.run_installer --write docs/benchmarks-installer.md   # ~5 min
    .venv/bin/python -m bench.run_installer --built build/installer                # reuse a build

A start sample is the time from spawning the process to its line ``rpr: window shown`` on
stdout (``RPR_ANNOUNCE_WINDOW=1``: the window is on screen, locked at sign-in, and the event
loop runs), on the parent's clock, so interpreter start and imports count for all three. The
bare window prints the same line after showing an empty ``QMainWindow``. All offscreen, all on
the demo ward, interleaved (bare, source, built) so load on the machine falls on each alike.
Signing in and drawing the board is the same code once started, and the built program has no
way to sign in without a person (deliberately), so it is not part of the ratio; the source
client's full cold start to a usable board is in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Series, environment, markdown_table

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "installers" / "build.sh"
LINE = "rpr: window shown"
BARE = (
    "import sys\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QMainWindow(); w.resize(1200, 760); w.show()\n"
    f"QTimer.singleShot(0, lambda: print({LINE!r}, flush=True))\n"
    "app.exec()\n"
)


def _start_to_window(command: list[str], env: dict[str, str], timeout: float = 120) -> float:
    """Seconds from spawning ``command`` to its window line; the process is then stopped."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    if process.stdout is None:
        raise AssertionError("no pipe to read the window line from")
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            deadline = started + timeout
            while True:
                if not selector.select(max(0.0, deadline - time.perf_counter())):
                    raise AssertionError(f"no window within {timeout:.0f} s: {command[0]}")
                line = process.stdout.readline()
                if not line:
                    raise AssertionError(f"{command[0]} ended before its window showed")
                if line.strip() == LINE:
                    return time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _build(out: Path) -> float:
    """Build the installers into ``out``; the wall-clock seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [str(BUILD)], env={**os.environ, "RPR_INSTALLER_OUT": str(out)}, check=True, timeout=3600
    )
    return time.perf_counter() - started


def _size(path: Path) -> tuple[int, int]:
    """Bytes and files below ``path`` (or of the file)."""
    if path.is_file():
        return path.stat().st_size, 1
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def _mb(size: int) -> str:
    return f"{size / 1e6:.0f} MB"


@dataclass(frozen=True)
class Results:
    build_s: float | None  # None: an earlier build was given
    series: dict[str, Series]
    sizes: dict[str, tuple[int, int]]  # artifact → (bytes, files)
    runs: int


def run(built: Path | None, runs: int, scratch: Path) -> Results:
    """Build (unless ``built`` is given), measure the sizes, then ``runs`` interleaved starts."""
    out = built if built is not None else scratch / "installer"
    build_s = None if built is not None else _build(out)
    program = out / "dist" / "rpr" / "rpr"
    demo = scratch / "demo"
    subprocess.run(
        [sys.executable, "-m", "app.cli.main", "demo-data", "--data-dir", str(demo)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "RPR_ANNOUNCE_WINDOW": "1",
        "RPR_MACHINE_SETTINGS_FILE": str(home / "machine.toml"),
        "RPR_USER_SETTINGS_FILE": str(home / "user.toml"),
    }
    source_env = {**env, "PYTHONPATH": str(ROOT)}
    series = {"bare": Series(), "source": Series(), "built": Series()}
    commands = {
        "bare": ([sys.executable, "-c", BARE], env),
        "source": ([sys.executable, "-m", "app.cli.main", "--data-dir", str(demo)], source_env),
        "built": ([str(program), "--data-dir", str(demo)], env),
    }
    for command, with_env in commands.values():  # one start each to warm the page cache
        _start_to_window(command, with_env)
    for i in range(runs):
        for name, (command, with_env) in commands.items():
            series[name].add(_start_to_window(command, with_env) * 1e9)
        print(
            f"  start {i + 1}/{runs}: "
            + ", ".join(f"{n} {s.samples[-1] / 1e6:.0f} ms" for n, s in series.items()),
            flush=True,
        )
    sizes = {"one-folder build": _size(out / "dist" / "rpr")}
    for pattern in ("*.deb", "*.msi"):
        for artifact in sorted(out.glob(pattern)):
            sizes[artifact.name] = _size(artifact)
    return Results(build_s, series, sizes, runs)


def render(results: Results, env: dict[str, str], when: datetime) -> str:
    series = results.series
    bare, source, built = series["bare"], series["source"], series["built"]
    build_s = results.build_s
    sizes = results.sizes
    build_text = (
        "not measured (an earlier build was given)" if build_s is None else (f"{build_s:.0f} s")
    )
    start_rows = [
        ["bare PySide6 window", f"{bare.median_ms:.0f}", f"{bare.p95_ms:.0f}", "1.00×", ""],
        [
            "ward client from source (`python -m app.cli.main`)",
            f"{source.median_ms:.0f}",
            f"{source.p95_ms:.0f}",
            f"{source.median_ms / bare.median_ms:.2f}×",
            "1.00×",
        ],
        [
            "ward client, built one-folder program",
            f"{built.median_ms:.0f}",
            f"{built.p95_ms:.0f}",
            f"{built.median_ms / bare.median_ms:.2f}×",
            f"{built.median_ms / source.median_ms:.2f}×",
        ],
    ]
    size_rows = [[name, _mb(b), f"{n:,}"] for name, (b, n) in sizes.items()]
    out = [
        "# Installer benchmarks",
        "",
        (
            f"Generated by `python -m bench.run_installer --write docs/benchmarks-installer.md` on "
            f'{when:%Y-%m-%d %H:%M} UTC. Issue 9 "Benchmarks"; the storage and client '
            "benchmarks are in [benchmarks.md](benchmarks.md), sync in "
            "[benchmarks-sync.md](benchmarks-sync.md)."
        ),
        "",
        "Environment: " + "; ".join(f"{k}: {v}" for k, v in env.items()) + ".",
        "",
        "## Build",
        "",
        (
            f"`installers/build.sh` (PyInstaller one-folder build, the .deb, the MSI where wixl is "
            f"installed, signatures and manifest), from a clean output folder: **{build_text}**."
        ),
        "",
        markdown_table([["artifact", "size", "files"], *size_rows], numeric=False),
        "",
        "## Cold start to the window",
        "",
        (
            f"Median and p95 of {results.runs} starts each, interleaved, after one start each to "
            "warm the page cache: process spawn to the window on screen, locked at sign-in, with "
            "its event loop running (the line `rpr: window shown`, `RPR_ANNOUNCE_WINDOW=1`), on "
            "the demo ward, offscreen."
        ),
        "",
        markdown_table(
            [["start", "median ms", "p95 ms", "× bare window", "× from source"], *start_rows],
            numeric=False,
        ),
        "",
        (
            "The aim for the built program is to start no slower than from source (≤ 1.0× from "
            "source). Signing in and drawing the board run the same code once the program has "
            "started, and the built program offers no way to sign in without a person, so they "
            "are measured from source only (docs/benchmarks.md, 'cold start to a usable board')."
        ),
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_installer", description=__doc__)
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    parser.add_argument("--built", type=Path, help="an output folder of installers/build.sh")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    env = environment()
    with tempfile.TemporaryDirectory(prefix="rpr-bench-installer.") as temporary:
        scratch = Path(temporary)
        results = run(args.built.resolve() if args.built else None, args.runs, scratch)
        if args.built is None:
            shutil.rmtree(scratch / "installer", ignore_errors=True)
    text = render(results, env, datetime.now(UTC))
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
