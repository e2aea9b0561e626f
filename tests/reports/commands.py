"""Running one document command through ``rpr report`` in-process, as the tests of each
command do: the registry holds only that command (so a test exercises it and nothing else
is imported), and what the command printed comes back with its exit code."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest

import app.documents.registry
from app.cli.main import main
from app.documents.base import ReportCommand
from app.store.store import Store


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


NURSE = "demo.nurse"


def open_as_nurse(folder: Path) -> Store:
    """The demo store opened by its nurse (after :func:`as_nurse`)."""
    return Store.open(folder, NURSE, os.environ["RPR_PASSWORD"])


class NurseRun(Protocol):
    def __call__(
        self, folder: Path, out: Path, *extra: str, capsys: pytest.CaptureFixture[str]
    ) -> tuple[int, str]: ...


def nurse_runner(command: ReportCommand) -> NurseRun:
    """``run(folder, out, *extra, capsys=…)``: ``command`` run by the demo ward's nurse."""
    run = runner(command)

    def as_the_nurse(
        folder: Path, out: Path, *extra: str, capsys: pytest.CaptureFixture[str]
    ) -> tuple[int, str]:
        return run(folder, NURSE, out, *extra, capsys=capsys)

    return as_the_nurse
