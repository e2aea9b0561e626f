"""Connections to the store file: SQLCipher 4 with a raw 256-bit key, or plain SQLite.

The only module that knows SQLCipher. Every connection is configured the same way:
- the raw data key first (``PRAGMA key = "x'…'"``: no passphrase KDF — the key is already
  random and 256-bit; key derivation happens once, in the key slot);
- WAL with ``synchronous=FULL`` so a save that has returned survives a crash or power cut
  (design.md "Encryption at rest");
- temporary tables and indices in memory, so no plaintext ever reaches a temp file;
- foreign keys on; a busy timeout so a support command can run beside the client.

``key=None`` gives plain SQLite with the same schema and settings — used only by the
benchmarks as their baseline and never for clinical data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from app.models.errors import StoreDamaged, UserFacingError

#: Page cache per connection, in KiB (negative cache_size means KiB in SQLite).
CACHE_KIB = 32_768
BUSY_TIMEOUT_MS = 10_000
#: SQLCipher settings that define the file's format (e.g. ``"cipher_page_size = 16384"``),
#: applied on every connection after the key and before the first read — SQLCipher cannot read
#: them from the encrypted header. Empty: SQLCipher 4's defaults (4096-byte pages, HMAC-SHA512).
#: Changing them makes existing stores unreadable until migrated (``sqlcipher_export``); the
#: benchmarks set them on copies to measure what they would buy (docs/benchmarks.md).
CIPHER_FORMAT: tuple[str, ...] = ()


def _configure(dbapi_connection: Any, key: bytes | None) -> None:
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
        # The first real read proves the key: a wrong one fails here, before anything is written.
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA temp_store = MEMORY")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    finally:
        cursor.close()


def _connect(path: Path, key: bytes | None) -> Any:
    module: Any = sqlcipher3.dbapi2 if key is not None else sqlite3
    # isolation_level=None: the driver never opens transactions behind our back; SQLAlchemy's
    # "begin" event below emits BEGIN (IMMEDIATE for writes) itself.
    connection = module.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        _configure(connection, key)
    except EncryptionUnavailable:
        connection.close()
        raise StoreDamaged(
            "This installation of RPR has no working encryption (SQLCipher); it will not "
            "open or write a store. Reinstall RPR."
        ) from None
    except module.DatabaseError as exc:
        connection.close()
        message = str(exc)
        if "locked" in message or "busy" in message:
            raise UserFacingError(
                "The store is busy in another program on this PC; try again in a moment."
            ) from None
        if "not a database" in message:
            # The key came from a slot that unlocked, so the file is not the one it belongs to,
            # or its first page is damaged.
            raise StoreDamaged(
                "The store file does not match its key slots, or its first page is damaged."
            ) from None
        raise StoreDamaged("The store file could not be read.") from None
    return connection


class EncryptionUnavailable(Exception):
    """The SQLite driver in use is not SQLCipher."""


def checkpoint(engine: Engine) -> None:
    """Copy everything in the WAL into the main file and empty the WAL (before renaming or
    copying the file). Raises if another connection kept the checkpoint from finishing."""
    raw = engine.raw_connection()
    try:
        busy, _, _ = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    if busy:
        raise StoreDamaged("The store could not be checkpointed: another program is using it.")


def make_engine(path: Path, key: bytes | None) -> Engine:
    """An engine over the store file at ``path``.

    Write transactions must be started on ``engine.execution_options(rpr_write=True)`` so they
    begin with ``BEGIN IMMEDIATE`` and take the write lock up front (no lock upgrade failures
    mid-save); reads begin with a plain ``BEGIN``.
    """
    module: Any = sqlcipher3.dbapi2 if key is not None else sqlite3
    engine = create_engine(
        "sqlite://",
        module=module,
        creator=lambda: _connect(path, key),
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
    )

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get("rpr_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
