"""Integrity checks of the store file, on open and in the background.

SQLCipher authenticates every page (HMAC-SHA512) whenever it is read, so a changed or damaged
page can never be read silently. What a check adds is reading *every* page and SQLite's
structural check of each b-tree (``PRAGMA quick_check``); on a five-year store that takes over
a second, because each page must be decrypted and authenticated (docs/benchmarks.md).

So on open (design.md "the store's integrity is checked on open"):
- after an unclean shutdown — a non-empty ``-wal`` file left behind by a crash or power cut —
  the whole file is checked before the store is handed over;
- otherwise the store's identity table is checked at once and the whole file is checked on a
  background thread; until that finishes writes proceed, and if it finds damage the store
  refuses further writes (:class:`StoreDamaged`) so nothing more is saved onto a damaged file.
``rpr verify`` adds SQLCipher's ``cipher_integrity_check`` (every page's HMAC, free pages and
WAL frames included).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("rpr.store.integrity")

#: Checked synchronously on every open: small, and read by every open anyway.
OPEN_CHECK_TABLES = ("store_meta",)


def wal_left_behind(db: Path) -> bool:
    """True when the last session did not close cleanly: SQLite removes the ``-wal`` file
    when the last connection closes, so a non-empty one means a crash or power cut (or
    another process that has the store open right now)."""
    wal = db.with_name(db.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def integrity_problems(
    connection: Connection, *, tables: tuple[str, ...] | None = None, pages: bool = False
) -> list[str]:
    """SQLite's structural check of ``tables`` (None: every table), plus SQLCipher's check of
    every page's HMAC when ``pages``. Returns one line per problem; empty means intact.

    A page that fails authentication while being read makes SQLite raise instead of report;
    that is returned as a problem too.
    """
    try:
        if tables is None:
            rows = list(connection.execute(text("PRAGMA quick_check")))
        else:
            rows = [
                row
                for table in tables
                for row in connection.execute(text(f"PRAGMA quick_check({table})"))
            ]
        problems = [str(row[0]) for row in rows if row[0] != "ok"]
        if pages and _is_sqlcipher(connection):
            problems.extend(
                str(row[0]) for row in connection.execute(text("PRAGMA cipher_integrity_check"))
            )
    except DBAPIError as exc:
        return [f"the file could not be read ({type(exc.orig).__name__}): it is damaged"]
    return problems


def checked_read_only(
    connection: Connection, check: Callable[[Connection], list[str]]
) -> list[str]:
    """Run ``check`` in a read transaction that is always rolled back: a failed page read
    leaves SQLite's error pending, and a commit would raise it again."""
    transaction = connection.begin()
    try:
        return check(connection)
    finally:
        with contextlib.suppress(DBAPIError):
            transaction.rollback()


def _is_sqlcipher(connection: Connection) -> bool:
    module = connection.dialect.dbapi
    return module is not None and "sqlcipher" in module.__name__


@dataclass(frozen=True, slots=True)
class IntegrityResult:
    """The outcome of a whole-file check; ``problems`` empty means intact."""

    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the check found nothing wrong."""
        return not self.problems


class BackgroundIntegrityCheck:
    """A whole-file ``quick_check`` on its own connection and thread, in a read transaction
    (WAL: writers are not blocked). ``cancel()`` stops it promptly; ``result`` is None until it
    has finished, and stays None if cancelled."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._done = threading.Event()
        self._cancelled = threading.Event()
        self.result: IntegrityResult | None = None
        self._thread = threading.Thread(target=self._run, name="rpr-integrity", daemon=True)

    def start(self) -> None:
        """Begin checking."""
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._engine.connect() as connection:
                dbapi: Any = connection.connection.dbapi_connection
                # SQLite calls this every few thousand steps; a non-zero answer aborts the
                # statement, so cancelling works at any moment, even before the check starts.
                dbapi.set_progress_handler(lambda: int(self._cancelled.is_set()), 10_000)
                try:
                    problems = checked_read_only(connection, integrity_problems)
                finally:
                    dbapi.set_progress_handler(None, 0)
            if self._cancelled.is_set():
                return
            self.result = IntegrityResult(tuple(problems))
            if problems:
                log.error("background integrity check found %d problem(s)", len(problems))
            else:
                log.info("background integrity check: intact")
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> IntegrityResult | None:
        """Wait for the check to finish (or ``timeout`` seconds); return its result."""
        self._done.wait(timeout)
        return self.result

    def cancel(self) -> None:
        """Stop the check (the store is closing) and wait for its thread to end."""
        self._cancelled.set()
        if self._thread.is_alive():
            self._thread.join()
