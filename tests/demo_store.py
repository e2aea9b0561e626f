"""A demo ward store for tests that read a real store (the window's, the reports'): built once
per run and copied for each test. Import both fixtures into a package's conftest.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.cli.main import main
from app.store.keyslot_crypto import KdfPolicy, set_kdf_policy
from tests.conftest import FAST_KDF

Passwords = dict[str, str]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Passwords]:
    """One demo ward built for the whole run (copied for each test that changes it)."""
    folder = tmp_path_factory.mktemp("demo-template") / "demo"
    captured: list[str] = []
    previous = set_kdf_policy(KdfPolicy(default=FAST_KDF, minimum=FAST_KDF))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("builtins.print", lambda *a, **_: captured.append(" ".join(map(str, a))))
            assert main(["demo-data", "--data-dir", str(folder)]) == 0
    finally:
        set_kdf_policy(previous)
    passwords = dict(
        re.findall(r"^\s+(demo\.\w+)\s.*?\s(\S+)$", "\n".join(captured), flags=re.MULTILINE)
    )
    return folder, passwords


@pytest.fixture
def demo(demo_template: tuple[Path, Passwords], tmp_path: Path) -> tuple[Path, Passwords]:
    """A fresh copy of the demo ward for one test."""
    folder, passwords = demo_template
    copy = tmp_path / "demo"
    shutil.copytree(folder, copy)
    return copy, passwords
