"""pytest plugin used by :mod:`scripts.hazard_evidence`: during ``--collect-only`` it writes
every collected test to a JSON file — whether the project's options select it (``-m "not
soak"``), whether a skip, skipif or xfail mark applies at collection — and every file that
failed to collect.

Loaded with ``-p scripts.hazard_collect``; it does nothing unless ``RPR_HAZARD_COLLECT_OUT``
names the file to write.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from _pytest.skipping import evaluate_skip_marks, evaluate_xfail_marks

OUT_ENV = "RPR_HAZARD_COLLECT_OUT"

_items: dict[str, dict[str, Any]] = {}
_errors: dict[str, str] = {}


def _marks(item: pytest.Item) -> dict[str, Any]:
    """What the skipping plugin would decide for ``item`` before running it."""
    facts: dict[str, Any] = {"selected": False, "skip": None, "xfail": None}
    try:
        skipped = evaluate_skip_marks(item)
        xfailed = evaluate_xfail_marks(item)
    except Exception as exc:  # noqa: BLE001 - a broken condition is reported, never raised
        facts["skip"] = f"its skip or xfail condition cannot be evaluated ({exc})"
        return facts
    if skipped is not None:
        facts["skip"] = skipped.reason or "marked skip"
    if xfailed is not None:
        facts["xfail"] = xfailed.reason or "marked xfail"
    return facts


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Generator[None, None, None]:
    """Record every item before the project's options deselect any, then which remain."""
    if os.environ.get(OUT_ENV):
        for item in items:
            _items[item.nodeid] = _marks(item)
    result = yield
    for item in items:
        if item.nodeid in _items:
            _items[item.nodeid]["selected"] = True
    return result


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """Keep the first line of why a file could not be collected."""
    if report.failed and os.environ.get(OUT_ENV):
        lines = [line for line in str(report.longrepr).splitlines() if line.strip()]
        reason = next((line for line in reversed(lines) if line.startswith("E ")), None)
        _errors[report.nodeid] = (reason or (lines[-1] if lines else "unknown error"))[:300]


def pytest_sessionfinish() -> None:
    """Write what was collected."""
    out = os.environ.get(OUT_ENV)
    if out:
        document = {"items": _items, "errors": _errors}
        Path(out).write_text(json.dumps(document, indent=1), "utf-8")
