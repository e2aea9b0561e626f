"""pytest plugin: a test that the hazard log names as evidence must not skip.

The collection check (tests/safety/test_hazard_log.py) catches tests marked skip, skipif or
xfail. This plugin catches the rest at run time: a listed test that calls ``pytest.skip()``
or ``pytest.xfail()``, or whose fixture skips, makes the whole session fail, and the summary
names the hazard whose evidence went missing. Under pytest-xdist the controller judges (the
workers' reports reach it), so it works with ``make test``'s ``-n auto``.

Enable it for the suite in tests/conftest.py::

    pytest_plugins = ["tests.safety.guard"]

It reads docs/safety/hazard-log.toml under the rootdir (or the file ``RPR_HAZARD_LOG`` names);
when there is no readable log it does nothing (the collection check reports a broken log).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts.hazard_log import HazardLogError, read_log

LOG_ENV = "RPR_HAZARD_LOG"


def _log_path(config: pytest.Config) -> Path:
    named = os.environ.get(LOG_ENV)
    return Path(named) if named else config.rootpath / "docs" / "safety" / "hazard-log.toml"


def pytest_configure(config: pytest.Config) -> None:
    """Watch the run on the controller (under xdist the workers' reports reach it)."""
    if hasattr(config, "workerinput"):
        return
    path = _log_path(config)
    try:
        listed = read_log(path).tests_by_id() if path.is_file() else {}
    except HazardLogError:
        return
    if listed:
        config.pluginmanager.register(EvidenceGuard(listed), "rpr-hazard-evidence-guard")


def hazards_for(nodeid: str, listed: dict[str, list[str]]) -> list[str]:
    """The hazards naming ``nodeid`` itself, the test it parametrises, or a class holding it."""
    test = nodeid.split("[", 1)[0]
    parts = test.split("::")
    names = {nodeid, test, *("::".join(parts[:n]) for n in range(2, len(parts)))}
    return sorted({hazard for name in names for hazard in listed.get(name, [])})


class EvidenceGuard:
    """Collects listed tests that skip or xfail while running and fails the session."""

    def __init__(self, listed: dict[str, list[str]]) -> None:
        self.listed = listed
        self.skipped: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Note each listed test that skipped or xfailed while running."""
        if not report.skipped:
            return
        hazards = hazards_for(report.nodeid, self.listed)
        if not hazards:
            return
        if hasattr(report, "wasxfail"):
            how = f"xfailed ({report.wasxfail or 'no reason given'})"
        else:
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            how = f"was skipped ({reason.removeprefix('Skipped: ')})"
        self.skipped += [
            f"{hazard}: {report.nodeid} {how}, but the hazard log names it as evidence"
            for hazard in hazards
        ]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Fail the session when listed evidence skipped."""
        if self.skipped and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Say which hazards lost their evidence."""
        if self.skipped:
            terminalreporter.section("hazard log: evidence skipped", sep="=", red=True, bold=True)
            for line in self.skipped:
                terminalreporter.write_line(line)
