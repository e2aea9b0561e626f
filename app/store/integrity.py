"""Integrity checks of the store file, on open and in the background.

SQLCipher authenticates every page (HMAC-SHA512) whenever it is read, so a changed or damaged
page can never be read silently. What a check adds is reading *every* page and SQLite's
structural check of each b-tree (``PRAGMA quick_check``); on a five-year store that takes over
a second, because each page must be decrypted and authenticated (docs/benchmarks.md).

A whole-file check is SQLCipher's ``cipher_integrity_check`` (every page's HMAC, free pages
included: it names each damaged page, even page 1) followed by SQLite's ``quick_check``. The
per-page check reads the main file only, not the WAL: while the WAL holds saves (an unclean
shutdown, another program using the store, a change of key not yet copied into the main file)
only ``quick_check`` runs, which reads every page in use through the WAL and authenticates
each as it does.

So on open (design.md "the store's integrity is checked on open"), always on a connection that
cannot write (``Access.INSPECT``), so a check that fails leaves every file as it was:
- after an unclean shutdown — a non-empty ``-wal`` file left behind by a crash or power cut —
  or before a migration, the whole file is checked before the store is handed over;
- otherwise the store's identity table is checked at once and the whole file is checked on a
  background thread. Reads proceed meanwhile; the first write waits for the result, and the
  open itself is recorded in the audit log only once the file is known intact, so nothing at
  all is written onto a damaged file.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from app.models.errors import UserFacingError
from app.store.failures import store_failures

log = logging.getLogger("rpr.store.integrity")

T = TypeVar("T")

#: Checked synchronously on every open: small, and read by every open anyway.
OPEN_CHECK_TABLES = ("store_meta",)


_PAGE_FAILURE = re.compile(r"HMAC verification failed for page (\d+)")
#: Enough to name the damage; a file damaged all through would otherwise list every page.
MAX_REPORTED = 20


def _page_problem(line: str) -> str:
    failed = _PAGE_FAILURE.search(line)
    if failed:
        return f"page {failed[1]}: fails its authentication check (changed or damaged)"
    return f"pages: {line.strip()}"


def _structure_problem(line: str) -> str:
    # quick_check names trees and pages ("Tree 8 page 8: btreeInitPage() returns …"); never
    # record content. Keep the first line of each report.
    return "structure: " + line.replace("*** in database main ***", "").strip().splitlines()[0]


def page_problems(connection: Connection) -> list[str]:
    """SQLCipher's check of every page's HMAC (empty: every page authenticates). Works even
    when page 1 is damaged. A plain SQLite file (the benchmarks' baseline) has none to check."""
    if not _is_sqlcipher(connection):
        return []
    try:
        rows = [str(row[0]) for row in connection.execute(text("PRAGMA cipher_integrity_check"))]
    except DBAPIError:
        return ["pages: the file could not be read page by page: it is damaged"]
    # A file format without page HMACs (tried only by the benchmarks; RPR never writes one)
    # has nothing to check page by page.
    rows = [row for row in rows if "HMAC is not enabled" not in row]
    return [_page_problem(row) for row in rows[:MAX_REPORTED]]


def integrity_problems(
    connection: Connection, *, tables: tuple[str, ...] | None = None, pages: bool = False
) -> list[str]:
    """SQLite's structural check of ``tables`` (None: every table), after SQLCipher's check of
    every page's HMAC when ``pages``. Returns one line per problem; empty means intact.

    A page that fails authentication while being read makes SQLite raise instead of report;
    that is returned as a problem too.
    """
    problems = page_problems(connection) if pages else []
    try:
        if tables is None:
            rows = list(connection.execute(text("PRAGMA quick_check")))
        else:
            rows = [
                row
                for table in tables
                for row in connection.execute(text(f"PRAGMA quick_check({table})"))
            ]
    except DBAPIError:
        if not problems:
            problems.append("structure: the file could not be read: it is damaged")
        return problems
    problems.extend(_structure_problem(str(row[0])) for row in rows if row[0] != "ok")
    return problems[:MAX_REPORTED]


def checked_read_only(connection: Connection, check: Callable[[Connection], T]) -> T:
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


def whole_file_problems(connection: Connection, *, pages: bool) -> list[str]:
    """Every page's HMAC (when ``pages``: the WAL holds nothing), then the structure of every
    table (see the module docstring)."""
    return checked_read_only(connection, partial(integrity_problems, pages=pages))


class BackgroundIntegrityCheck:
    """A whole-file check on its own connection and thread, in a read transaction (WAL:
    writers are not blocked). ``cancel()`` stops it promptly; ``result`` is None until it has
    finished, and stays None if cancelled.

    Damage it reports is confirmed by a second pass first: a page read while another
    connection checkpoints could otherwise be reported by mistake. A check that cannot run at
    all (the file cannot be opened) is reported as a problem: the store is not known intact.
    """

    def __init__(self, engine: Engine, *, pages: bool) -> None:
        """Check the store behind ``engine``; ``pages``: also every page's HMAC (only when
        the WAL holds nothing when the check is made, see the module docstring)."""
        self._engine = engine
        self._pages = pages
        self._done = threading.Event()
        self._cancelled = threading.Event()
        self.result: IntegrityResult | None = None
        self._thread = threading.Thread(target=self._run, name="rpr-integrity", daemon=True)

    def start(self) -> None:
        """Begin checking."""
        self._thread.start()

    def _check_once(self) -> list[str]:
        with store_failures(), self._engine.connect() as connection:
            dbapi: Any = connection.connection.dbapi_connection
            # SQLite calls this every few thousand steps; a non-zero answer aborts the
            # statement, so cancelling works at any moment, even before the check starts.
            dbapi.set_progress_handler(lambda: int(self._cancelled.is_set()), 10_000)
            problems: list[str] | None = None
            try:
                problems = whole_file_problems(connection, pages=self._pages)
            finally:
                dbapi.set_progress_handler(None, 0)
                if problems is None or problems:
                    # SQLCipher keeps an HMAC failure on the connection that met it, and later
                    # reads on it fail too: it must not go back to the pool for others to use.
                    connection.invalidate()
            return problems

    def _run(self) -> None:
        try:
            try:
                problems = self._check_once()
                if problems and not self._cancelled.is_set():
                    confirmed = set(self._check_once())
                    problems = [problem for problem in problems if problem in confirmed]
            except UserFacingError as exc:
                problems = [f"the whole-file check could not run: {exc}"]
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
        """Wait for the check to finish (or ``timeout`` seconds); return its result (None for
        a check that was never started)."""
        if self._thread.ident is None:
            return None
        self._done.wait(timeout)
        return self.result

    def cancel(self) -> None:
        """Stop the check (the store is closing) and wait for its thread to end."""
        self._cancelled.set()
        if self._thread.is_alive():
            self._thread.join()
