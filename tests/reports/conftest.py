"""The reports' tests read a demo ward store: the ``demo`` and ``demo_template`` fixtures of
tests/demo_store.py (a plugin of tests/conftest.py), and ``as_nurse``."""

from pathlib import Path

import pytest

from tests.reports.commands import NURSE


@pytest.fixture
def as_nurse(demo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo ward's folder, with the nurse's password in ``RPR_PASSWORD``."""
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords[NURSE])
    return folder
