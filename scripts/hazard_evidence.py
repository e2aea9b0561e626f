"""Whether the tests the hazard log names exist and will run: collected by pytest itself in a
subprocess (so parametrised tests, classes, the project's marker options and skip conditions
count exactly as in ``make test``), each problem naming the hazard whose evidence it breaks.

    problems = check_log(Path("docs/safety/hazard-log.toml"))
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.hazard_collect import OUT_ENV
from scripts.hazard_log import DEFAULT_LOG, ROOT, HazardLog, HazardLogError, read_log

COLLECT_TIMEOUT_S = 600


@dataclass(frozen=True)
class Collection:
    """What pytest collected from the test files the log names.

    ``items``: node id → ``{"selected", "skip", "xfail"}``; ``errors``: file → why it could not
    be collected; ``missing_files``: files named by the log that do not exist.
    """

    items: Mapping[str, Mapping[str, Any]]
    errors: Mapping[str, str] = field(default_factory=dict)
    missing_files: frozenset[str] = frozenset()

    def matching(self, test_id: str) -> list[str]:
        """The collected node ids ``test_id`` stands for: itself, its parametrisations, or
        every test of the class it names."""
        return [
            nodeid
            for nodeid in self.items
            if nodeid == test_id or nodeid.startswith((f"{test_id}[", f"{test_id}::"))
        ]


def file_of(test_id: str) -> str:
    """The file part of a node id."""
    return test_id.split("::", 1)[0]


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a pytest subprocess: this project importable, Qt offscreen."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("PYTEST_ADDOPTS", None)  # the project's own options, as `make test` sees them
    env.pop("PYTEST_XDIST_WORKER", None)
    env.update(extra)
    return env


def collect(test_ids: Iterable[str], root: Path = ROOT) -> Collection:
    """Collect the files of ``test_ids`` under ``root`` with the project's pytest options."""
    files = sorted({file_of(t) for t in test_ids})
    present = [f for f in files if (root / f).is_file()]
    missing = frozenset(f for f in files if f not in present)
    if not present:
        return Collection(items={}, missing_files=missing)
    with tempfile.TemporaryDirectory(prefix="rpr-hazard-collect-") as folder:
        out = Path(folder) / "collected.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "scripts.hazard_collect",
            *present,
        ]
        finished = subprocess.run(
            command,
            cwd=root,
            env=subprocess_env(**{OUT_ENV: str(out)}),
            capture_output=True,
            text=True,
            timeout=COLLECT_TIMEOUT_S,
            check=False,
        )
        if not out.is_file():
            tail = "\n".join((finished.stdout + finished.stderr).splitlines()[-15:])
            raise RuntimeError(f"pytest could not collect the tests the hazard log names:\n{tail}")
        document = json.loads(out.read_text("utf-8"))
    return Collection(items=document["items"], errors=document["errors"], missing_files=missing)


def evidence_problem(test_id: str, collection: Collection) -> str | None:
    """Why ``test_id`` is no evidence (it does not exist, cannot run, or will not run), or
    None when it is collected, selected and not marked to skip or xfail."""
    path = file_of(test_id)
    if path in collection.missing_files:
        return f"{test_id} does not exist (there is no file {path})"
    if path in collection.errors:
        return f"{test_id} cannot be collected: {collection.errors[path]}"
    matched = collection.matching(test_id)
    if not matched:
        return f"{test_id} does not exist (no such test in {path})"
    return _will_not_run(test_id, [(n, collection.items[n]) for n in matched])


def _will_not_run(test_id: str, matched: list[tuple[str, Mapping[str, Any]]]) -> str | None:
    """Why the collected ``matched`` items of ``test_id`` will not run as evidence, or None."""
    for nodeid, facts in matched:
        if facts["skip"]:
            return f"{test_id} is skipped at collection ({nodeid}: {facts['skip']})"
    for nodeid, facts in matched:
        if facts["xfail"]:
            return (
                f"{test_id} is marked xfail ({nodeid}: {facts['xfail']}): an expected failure "
                "is no evidence"
            )
    if not any(facts["selected"] for _, facts in matched):
        return (
            f"{test_id} is deselected by the project's pytest options, so `make test` never runs it"
        )
    return None


def evidence_problems(log: HazardLog, collection: Collection) -> list[str]:
    """One line per hazard and test id that is no evidence, starting with the hazard id."""
    problems = []
    for test_id, hazards in log.tests_by_id().items():
        problem = evidence_problem(test_id, collection)
        if problem is not None:
            problems += [f"{hazard}: {problem}" for hazard in hazards]
    return sorted(problems)


def check_log(path: Path = DEFAULT_LOG, root: Path = ROOT) -> list[str]:
    """Every problem with the log at ``path``: its schema, then its evidence under ``root``."""
    try:
        log = read_log(path)
    except HazardLogError as refused:
        return refused.problems
    return evidence_problems(log, collect(log.tests_by_id(), root))
