"""Timing, statistics and the environment, shared by every benchmark."""

from __future__ import annotations

import math
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3


def now_ns() -> int:
    return time.perf_counter_ns()


def ms(ns: float) -> float:
    return ns / 1e6


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) by linear interpolation (the same as numpy's default)."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


@dataclass
class Series:
    """Timings of one thing, in nanoseconds."""

    samples: list[float] = field(default_factory=list)

    def add(self, ns: float) -> None:
        self.samples.append(ns)

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def median_ms(self) -> float:
        return ms(statistics.median(self.samples)) if self.samples else float("nan")

    @property
    def p95_ms(self) -> float:
        return ms(percentile(self.samples, 0.95))

    @property
    def min_ms(self) -> float:
        return ms(min(self.samples)) if self.samples else float("nan")


@dataclass
class Row:
    """One line of the results table: encrypted against plain."""

    name: str
    encrypted: Series
    plain: Series | None
    aim: str = ""
    note: str = ""
    single: bool = False  # one sample: show it as the median, no p95

    @property
    def ratio(self) -> float | None:
        if self.plain is None or not self.plain.samples:
            return None
        return self.encrypted.median_ms / self.plain.median_ms

    @property
    def ratio_p95(self) -> float | None:
        if self.plain is None or not self.plain.samples or self.single:
            return None
        return self.encrypted.p95_ms / self.plain.p95_ms


def fmt_ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def table(rows: list[Row]) -> list[list[str]]:
    header = [
        "benchmark",
        "n",
        "encrypted median ms",
        "encrypted p95 ms",
        "plain median ms",
        "plain p95 ms",
        "ratio (median)",
        "ratio (p95)",
        "aim",
    ]
    out = [header]
    for row in rows:
        plain = row.plain
        out.append(
            [
                row.name,
                str(row.encrypted.n),
                fmt_ms(row.encrypted.median_ms),
                "–" if row.single else fmt_ms(row.encrypted.p95_ms),
                fmt_ms(plain.median_ms) if plain else "–",
                "–" if row.single or not plain else fmt_ms(plain.p95_ms),
                fmt_ratio(row.ratio),
                fmt_ratio(row.ratio_p95),
                row.aim,
            ]
        )
    return out


def text_table(cells: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = []
    for n, r in enumerate(cells):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(cells: list[list[str]], *, numeric: bool = True) -> str:
    """A GitHub table; ``numeric``: every column but the first is right-aligned."""
    lines = ["| " + " | ".join(cells[0]) + " |"]
    align = "---:" if numeric else "---"
    lines.append("|" + "|".join("---" if i == 0 else align for i in range(len(cells[0]))) + "|")
    lines.extend("| " + " | ".join(r) + " |" for r in cells[1:])
    return "\n".join(lines)


# ------------------------------------------------------------------------------ environment


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict[str, str]:
    connection = sqlcipher3.dbapi2.connect(":memory:")
    try:
        connection.execute("PRAGMA key = \"x'" + "00" * 32 + "'\"")
        cipher_version = connection.execute("PRAGMA cipher_version").fetchone()[0]
        provider = connection.execute("PRAGMA cipher_provider").fetchone()
        provider_version = connection.execute("PRAGMA cipher_provider_version").fetchone()
        cipher_sqlite = connection.execute("SELECT sqlite_version()").fetchone()[0]
        defaults = {
            name: connection.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("cipher_page_size", "kdf_iter", "cipher_hmac_algorithm")
        }
    finally:
        connection.close()
    import sqlalchemy

    try:
        mem_kib = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        memory = f"{mem_kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    return {
        "CPU": f"{_cpu_model()} — {os.cpu_count()} logical CPUs",
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": sys.version.split()[0],
        "SQLCipher": f"{cipher_version} (its SQLite {cipher_sqlite}; crypto: "
        f"{provider[0] if provider else '?'} {provider_version[0] if provider_version else ''})",
        "plain baseline": f"stdlib sqlite3, SQLite {sqlite3.sqlite_version}",
        "SQLAlchemy": sqlalchemy.__version__,
        "sqlcipher3": _dist_version("sqlcipher3"),
        "SQLCipher defaults": ", ".join(f"{k}={v}" for k, v in defaults.items()),
    }


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


# ------------------------------------------------------------------------------ helpers


@contextmanager
def patched(target: Any, name: str, replacement: Any) -> Iterator[None]:
    """Replace ``target.name`` for the duration (benchmarks only: never in the app)."""
    original = getattr(target, name)
    setattr(target, name, replacement)
    try:
        yield
    finally:
        setattr(target, name, original)


def timed(store: dict[str, float], key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` wrapped to add its duration (ns) to ``store[key]``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = now_ns()
        try:
            return fn(*args, **kwargs)
        finally:
            store[key] = store.get(key, 0.0) + (now_ns() - t)

    return wrapper


def copy_store(source: Path, target: Path) -> None:
    """A byte copy of a closed store folder (database and key slots)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
