"""Operational logging: a private, rotating file in the data folder; never patient data.

What may be logged: identifiers, counts, durations, schema versions, usernames, the type and
place of an unexpected error. What may not: any field of a record, and exception *messages*
from outside the project (a pydantic or SQL error can repeat the values it was given), so
:func:`log_unexpected` writes the exception type and stack frames only.
"""

from __future__ import annotations

import logging
import os
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "rpr.log"


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log file created owner-only (0600) before anything is written to it."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8")


def configure_logging(logs_dir: Path | None, level: str = "INFO") -> None:
    """Send the project's log records to ``logs_dir/rpr.log`` (or nowhere, if None)."""
    root = logging.getLogger("rpr")
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.propagate = False
    if logs_dir is None:
        root.addHandler(logging.NullHandler())
        return
    logs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = _PrivateRotatingFileHandler(
        logs_dir / LOG_FILE, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def log_unexpected(exc: BaseException) -> None:
    """Log an unexpected error by type and stack frames, without its message."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    logging.getLogger("rpr").error(
        "unexpected %s (message withheld: it may hold patient data)\n%s",
        type(exc).__name__,
        frames,
    )
