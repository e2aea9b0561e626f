"""A tiny pytest project in a temporary folder, with its own hazard log, for proving that the
hazard log's checks bite: tests that pass, skip, xfail or are deselected, named by hazards."""

import re
import subprocess
import sys
from pathlib import Path

from scripts.hazard_evidence import subprocess_env
from scripts.hazard_log import DEFAULT_LOG

#: The real log's header and [document] table: everything before its first [[hazard]].
DOCUMENT = re.split(r"(?m)^\[\[hazard\]\]$", DEFAULT_LOG.read_text("utf-8"), maxsplit=1)[0]

#: The throwaway project's tests. Its skip and xfail marks are the point: they are what the
#: hazard-log check must catch. They live in this string, written to a temporary folder and
#: run in a subprocess, so they never skip a test of this project.
TESTS = """
import pytest


def test_passes():
    pass


def test_fails():
    assert 1 == 2


@pytest.mark.skip(reason="not on this PC")
def test_marked_skip():
    pass


@pytest.mark.skipif(True, reason="condition holds")
def test_skipif_true():
    pass


@pytest.mark.skipif(False, reason="condition does not hold")
def test_skipif_false():
    pass


@pytest.mark.xfail(reason="known bug", strict=False)
def test_marked_xfail():
    assert False


@pytest.mark.slow
def test_deselected():
    pass


def test_skips_inside():
    pytest.skip("no database here")


def test_xfails_inside():
    pytest.xfail("flaky")


@pytest.mark.parametrize("n", [1, pytest.param(2, marks=pytest.mark.skip(reason="two"))])
def test_param(n):
    pass


@pytest.mark.parametrize("n", [1, 2])
def test_all_params_pass(n):
    pass


class TestGroup:
    def test_method(self):
        pass
"""

PYTEST_INI = """[pytest]
addopts = -m "not slow"
markers =
    slow: deselected by default, as the project's soak tests are
"""


def hazard(hazard_id: str, tests: list[str], *, kind: str = "design") -> str:
    """One [[hazard]] at risk 1 whose single control names ``tests``."""
    quoted = ", ".join(f'"{t}"' for t in tests)
    return f"""
[[hazard]]
id = "{hazard_id}"
title = "A hazard of the fake project"
area = "tests"
feature_state = "built"
cause = "A cause."
effect = "An effect."
initial = {{ severity = "minor", likelihood = "low", risk = 1 }}
residual = {{ severity = "minor", likelihood = "low", risk = 1 }}

[[hazard.control]]
kind = "{kind}"
description = "A control shown by the fake project's tests."
tests = [{quoted}]
"""


def fake_project(root: Path, hazards: dict[str, list[str]]) -> Path:
    """Write the project under ``root``; its log names ``hazards`` (id → test ids)."""
    (root / "checks").mkdir(parents=True)
    (root / "checks" / "test_fake.py").write_text(TESTS, "utf-8")
    (root / "checks" / "test_broken.py").write_text("def test_x(:\n", "utf-8")
    (root / "pytest.ini").write_text(PYTEST_INI, "utf-8")
    log = root / "docs" / "safety" / "hazard-log.toml"
    log.parent.mkdir(parents=True)
    text = DOCUMENT + "".join(hazard(h, tests) for h, tests in hazards.items())
    log.write_text(text, "utf-8")
    return log


def run_pytest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in ``root`` with this project importable, as the guard and builder run it."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=root,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
