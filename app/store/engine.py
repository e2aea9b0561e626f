"""Connections to the store file: SQLCipher 4 with a raw 256-bit key, or plain SQLite.

The only module that knows SQLCipher. Every connection is configured the same way:
- the raw data key first (``PRAGMA key = "x'…'"``: no passphrase KDF — the key is already
  random and 256-bit; key derivation happens once, in the key slot);
- WAL with ``synchronous=FULL`` so a save that has returned survives a crash or power cut
  (design.md "Encryption at rest");
- temporary tables and indices in memory, so no plaintext ever reaches a temp file;
- foreign keys on; a busy timeout so a support command can run beside the client.

Three kinds of access (:class:`Access`):
- ``READ_WRITE`` — the everyday store;
- ``INSPECT`` — checks made before anything may be written (opening, ``verify``): the
  connection refuses every write (``query_only``), never changes the journal mode, and when the
  WAL holds saves not yet in the main file it opens read-only, so closing it never copies them
  into a file that may be damaged. A check that fails leaves every file as it was;
- ``READ_ONLY`` — a copy that cannot be written (a backup, a forensic copy, a read-only mount):
  read-only, and ``immutable`` when there is no WAL, so SQLite makes no ``-wal``/``-shm``.

``key=None`` gives plain SQLite with the same schema and settings — used only by the
benchmarks as their baseline and never for clinical data.
"""

from __future__ import annotations

import sqlite3
from enum import Enum
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from app.models.errors import StoreBusy, StoreDamaged, StoreReadOnly
from app.store.failures import sqlite_failure

#: Page cache per connection, in KiB (negative cache_size means KiB in SQLite).
CACHE_KIB = 32_768
BUSY_TIMEOUT_MS = 10_000
#: SQLCipher settings that define the file's format (e.g. ``"cipher_page_size = 16384"``),
#: applied on every connection after the key and before the first read — SQLCipher cannot read
#: them from the encrypted header. Empty: SQLCipher 4's defaults (4096-byte pages, HMAC-SHA512).
#: Changing them makes existing stores unreadable until migrated (``sqlcipher_export``); the
#: benchmarks set them on copies to measure what they would buy (docs/benchmarks.md).
CIPHER_FORMAT: tuple[str, ...] = ()


class Access(Enum):
    """How a connection may use the store file (see the module docstring)."""

    READ_WRITE = "read-write"
    INSPECT = "inspect"
    READ_ONLY = "read-only"


def _configure(
    dbapi_connection: Any, key: bytes | None, access: Access, *, prove_key: bool
) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Before the first read, so that read waits for another writer instead of failing.
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if key is not None:
            # A driver built without SQLCipher ignores PRAGMA key and would write plaintext.
            if not cursor.execute("PRAGMA cipher_version").fetchall():
                raise EncryptionUnavailable
            # SQLCipher would print page numbers of failed HMAC checks to stderr; our own
            # message says what happened without detail an attacker could use.
            cursor.execute("PRAGMA cipher_log_level = NONE")
            cursor.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            # Freed memory is not wiped page by page: the data key stays in this process anyway,
            # and wiping costs measurable time on every query (see docs/benchmarks.md).
            cursor.execute("PRAGMA cipher_memory_security = OFF")
            for setting in CIPHER_FORMAT:
                cursor.execute(f"PRAGMA {setting}")
        if access is not Access.READ_WRITE:
            cursor.execute("PRAGMA query_only = ON")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA temp_store = MEMORY")
        if not prove_key:
            return  # the settings below read page 1, which may be the damage being checked for
        # The first real read proves the key: a wrong one fails here, before anything is written.
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if access is Access.READ_WRITE:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    finally:
        cursor.close()


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def _target(path: Path, access: Access) -> tuple[str, bool]:
    """What to hand the driver for ``path`` under ``access``: (filename or URI, is a URI)."""
    if access is Access.READ_WRITE:
        return str(path), False
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    uri = path.absolute().as_uri()
    if access is Access.INSPECT:
        # A read-write connection that only reads leaves no files behind when it closes; a
        # read-only one would leave an empty -wal and -shm. But when the WAL holds saves, the
        # last read-write connection to close copies them into the main file: read-only then.
        return (f"{uri}?mode=ro", True) if _has_content(wal) else (str(path), False)
    if _has_content(wal):
        if not shm.exists():
            raise StoreReadOnly(
                f"This read-only copy of the store holds recent saves in {wal.name} but not "
                f"{shm.name}, which SQLite needs to read them. Copy the whole folder somewhere "
                "that can be written, and open the copy."
            )
        return f"{uri}?mode=ro", True
    # Nothing beyond the main file: read it as it is, without locks or companion files.
    return f"{uri}?mode=ro&immutable=1", True


def _connect(path: Path, key: bytes | None, access: Access, *, prove_key: bool = True) -> Any:
    module: Any = sqlcipher3.dbapi2 if key is not None else sqlite3
    target, uri = _target(path, access)
    # isolation_level=None: the driver never opens transactions behind our back; SQLAlchemy's
    # "begin" event below emits BEGIN (IMMEDIATE for writes) itself.
    connection = module.connect(target, isolation_level=None, check_same_thread=False, uri=uri)
    try:
        _configure(connection, key, access, prove_key=prove_key)
    except EncryptionUnavailable:
        connection.close()
        raise StoreDamaged(
            "This installation of RPR has no working encryption (SQLCipher); it will not "
            "open or write a store. Reinstall RPR."
        ) from None
    except module.Error as exc:
        connection.close()
        if getattr(exc, "sqlite_errorname", None) == "SQLITE_NOTADB":
            # The key came from a slot that unlocked, so the file is not the one it belongs to,
            # or its first page is damaged.
            raise KeyDoesNotOpen(
                "The store file does not match its key slots, or its first page is damaged. "
                "Nothing was changed."
            ) from None
        translated = sqlite_failure(exc)
        if translated is None:
            raise StoreDamaged("The store file could not be read. Nothing was changed.") from None
        raise translated from None
    return connection


class EncryptionUnavailable(Exception):
    """The SQLite driver in use is not SQLCipher."""


class KeyDoesNotOpen(StoreDamaged):
    """The key does not decrypt the file's first page: another store's key, or page 1 is
    damaged (the key slots vouch for the key, so for a key from them it is the file)."""


def key_opens(path: Path, key: bytes, access: Access) -> bool:
    """Whether ``key`` decrypts the store file at ``path``: one read of its first page only
    (the header), so damage elsewhere — even in the schema — is left to the checks that name
    it. Under ``INSPECT`` or ``READ_ONLY`` nothing is written. Other failures are raised."""
    connection = _connect(path, key, access, prove_key=False)
    try:
        connection.execute("PRAGMA user_version").fetchone()
    except sqlcipher3.dbapi2.Error as exc:
        if getattr(exc, "sqlite_errorname", None) == "SQLITE_NOTADB":
            return False
        translated = sqlite_failure(exc)
        if translated is None:
            raise
        raise translated from None
    finally:
        connection.close()
    return True


def checkpoint(engine: Engine) -> None:
    """Copy everything in the WAL into the main file and empty the WAL (before renaming or
    copying the file). Raises if another connection kept the checkpoint from finishing."""
    raw = engine.raw_connection()
    try:
        busy, _, _ = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    if busy:
        raise StoreBusy("The store could not be checkpointed: another program is using it.")


def rekey(engine: Engine, path: Path, old_key: bytes, new_key: bytes) -> None:
    """Re-encrypt the store at ``path`` from ``old_key`` to ``new_key``, then copy the result
    into the main file. SQLCipher's ``PRAGMA rekey`` rewrites every page in one transaction, so
    a crash before it commits leaves the store on the old key and after it on the new one.
    ``engine``'s pooled connections (which hold the old key) are closed first."""
    engine.dispose()
    connection = _connect(path, old_key, Access.READ_WRITE)
    try:
        connection.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        # PRAGMA rekey reports no failure itself (a full disk, say, leaves the store on the old
        # key and the error pending): the next statement raises it. Callers still check which
        # key opens the file afterwards.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        connection.close()


def make_engine(
    path: Path, key: bytes | None, access: Access = Access.READ_WRITE, *, prove_key: bool = True
) -> Engine:
    """An engine over the store file at ``path``, used as ``access`` allows. With
    ``prove_key=False`` a connection reads nothing when it is made (``verify`` checks a file
    whose first page may be damaged page by page).

    Write transactions must be started on ``engine.execution_options(rpr_write=True)`` so they
    begin with ``BEGIN IMMEDIATE`` and take the write lock up front (no lock upgrade failures
    mid-save); reads begin with a plain ``BEGIN``.
    """
    module: Any = sqlcipher3.dbapi2 if key is not None else sqlite3
    engine = create_engine(
        "sqlite://",
        module=module,
        creator=lambda: _connect(path, key, access, prove_key=prove_key),
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
    )

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get("rpr_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
