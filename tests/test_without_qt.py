"""Everything but the window works on a machine without Qt (design.md: run the non-UI code
once with PySide6 absent), and ``rpr`` without a command says plainly what is missing."""

import subprocess
import sys
import textwrap

BLOCK_QT = """
import importlib, pkgutil, sys
sys.modules["PySide6"] = None  # any import of Qt now fails, as on a machine without it
sys.modules["shiboken6"] = None
import app
for info in pkgutil.walk_packages(app.__path__, "app."):
    if info.name.startswith("app.ui") or ".migrations" in info.name:
        continue
    importlib.import_module(info.name)
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_every_module_but_the_window_imports_without_qt() -> None:
    result = _run(BLOCK_QT + "\nprint('imported')")
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout


def test_the_self_test_runs_without_qt_and_the_window_explains_what_is_missing() -> None:
    result = _run(
        BLOCK_QT
        + """
from app.cli.main import main
assert main(["self-test"]) == 0
sys.exit(main([]))
"""
    )
    assert "Self-test passed." in result.stdout
    assert result.returncode == 2, result.stderr
    assert "needs PySide6, which is not installed here" in result.stderr
    assert "Traceback" not in result.stderr
