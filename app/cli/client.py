"""Starting the ward client window (``rpr`` with no command, and ``make run``).

PySide6 is imported only here, when the window is wanted, so every other command works on a
machine (or in a test run) without Qt.
"""

from __future__ import annotations

from pathlib import Path

from app.config import RprSettings
from app.models.errors import UserFacingError


def start_client(data_dir: Path, settings: RprSettings) -> int:
    """Open the ward client window on ``data_dir``; its exit code."""
    try:
        from app.ui.app import run_client  # noqa: PLC0415 - Qt only when the window is wanted
    except ImportError as exc:
        raise UserFacingError(
            "The ward client window needs PySide6, which is not installed here "
            f"({exc.name}). Reinstall RPR; the support commands (rpr --help) work without it."
        ) from None
    return run_client(data_dir, settings)
