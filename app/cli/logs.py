"""Operational logging: a private, rotating file in the data folder; never patient data.

What may be logged: identifiers, counts, durations, schema versions, usernames, setting names,
the type and place of an unexpected error. What may not: any field of a record, and exception
*messages* from outside the project (a pydantic or SQL error can repeat the values it was
given), so :func:`log_unexpected` writes the exception type and stack frames only.

Logging never creates anything in the data folder: it writes only into a ``logs`` folder that
is already there (made with the store), and the file itself is opened on the first record, so
a command that logs nothing (a refused password, say) leaves every file as it was.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.store.sharing import modes_for, open_new

LOG_FILE = "rpr.log"


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log file created owner-only (0600; 0660 in a folder the ward's group shares,
    see :mod:`app.store.sharing`) before anything is written to it.

    A record that cannot be written (a full disk, a read-only copy) is dropped quietly: the
    standard handler would print a stack trace to the person at the keyboard instead."""

    failed = False

    def _open(self):  # type: ignore[no-untyped-def]
        path = Path(self.baseFilename)
        fd = open_new(path, os.O_APPEND | os.O_WRONLY, modes_for(path.parent))
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8")

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """Remember that the log could not be written; show nothing."""
        self.failed = True

    def flush(self) -> None:
        """Flush, or remember that it could not be done (lines still buffered are lost)."""
        try:
            super().flush()
        except OSError:
            self.failed = True

    def close(self) -> None:
        """Close, even when the last lines cannot be written."""
        try:
            super().close()
        except OSError:
            self.failed = True


def log_file_written() -> Path | None:
    """The log file the project's records went to, if every one of them could be written."""
    for handler in logging.getLogger("rpr").handlers:
        if isinstance(handler, _PrivateRotatingFileHandler) and not handler.failed:
            return Path(handler.baseFilename)
    return None


class _HeldRecords(logging.Handler):
    """Keeps the records logged before the log file is chosen (while settings load)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _reset(root: logging.Logger) -> None:
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.propagate = False


@contextmanager
def held_warnings() -> Iterator[list[logging.LogRecord]]:
    """Hold the project's warnings until :func:`configure_logging` has chosen where they go
    (settings decide that, and loading settings can warn); pass them to it afterwards."""
    root = logging.getLogger("rpr")
    _reset(root)
    root.setLevel(logging.WARNING)
    held = _HeldRecords()
    root.addHandler(held)
    try:
        yield held.records
    finally:
        root.removeHandler(held)
        root.addHandler(logging.NullHandler())


def configure_logging(
    logs_dir: Path | None, level: str = "INFO", held: Sequence[logging.LogRecord] = ()
) -> None:
    """Send the project's log records to ``logs_dir/rpr.log`` — only if ``logs_dir`` already
    exists; otherwise nowhere. ``held`` records (from :func:`held_warnings`) are logged there
    too and printed to stderr, as they are meant for the person who ran the command."""
    root = logging.getLogger("rpr")
    _reset(root)
    root.setLevel(level)
    if logs_dir is None or not logs_dir.is_dir():
        root.addHandler(logging.NullHandler())
    else:
        handler = _PrivateRotatingFileHandler(
            logs_dir / LOG_FILE, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=True
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for record in held:
        print(f"rpr: warning: {record.getMessage()}", file=sys.stderr)
        root.handle(record)


def log_unexpected(exc: BaseException) -> None:
    """Log an unexpected error by type and stack frames, without its message."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    logging.getLogger("rpr").error(
        "unexpected %s (message withheld: it may hold patient data)\n%s",
        type(exc).__name__,
        frames,
    )
