"""Running one document command through ``rpr report`` in-process, as the tests of each
command do: the registry holds only that command (so a test exercises it and nothing else
is imported), and what the command printed comes back with its exit code."""

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest

import app.documents.registry
from app.cli.main import main
from app.documents.base import ReportCommand


class Run(Protocol):
    def __call__(
        self,
        folder: Path,
        user: str,
        out: Path,
        *extra: str,
        capsys: pytest.CaptureFixture[str],
    ) -> tuple[int, str]: ...


def only(command: ReportCommand) -> Callable[[pytest.MonkeyPatch], None]:
    """An autouse fixture (assign it to a name in the test module) that leaves ``command``
    alone in the registry for each test."""

    @pytest.fixture(autouse=True)
    def only_this_report(monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(app.documents.registry, "REPORTS", [command])

    return only_this_report


def runner(command: ReportCommand) -> Run:
    """``run(folder, user, out, *extra, capsys=…)`` → (exit code, what was printed)."""

    def run(
        folder: Path, user: str, out: Path, *extra: str, capsys: pytest.CaptureFixture[str]
    ) -> tuple[int, str]:
        args = ["report", command.name, "--data-dir", str(folder), "--user", user]
        code = main([*args, "--out", str(out), *extra])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run
