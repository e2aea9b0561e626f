"""The database connection: one engine (a connection pool) per process, nothing else kept.

PostgreSQL (psycopg 3) is the production database; SQLite is the embedded demo. The two
differ only here and in :func:`insert_ignoring_duplicates` / :func:`serialise_writers`:

- SQLite: WAL, ``synchronous=FULL``, foreign keys on, and every transaction ``BEGIN
  IMMEDIATE`` so two writers queue on the busy timeout instead of failing on a lock upgrade;
- PostgreSQL: a pool whose connections are taken back on trust and replaced when one turns
  out dead: a restarted database empties the pool at the first failure, and the first
  statement of a request (``server.deps``) and :func:`ping` are run once more on a fresh
  connection, so a restart costs at most the requests already in flight (503), not a process
  restart. (A "pre-ping" of every connection taken from the pool would cost a round trip on
  every request.)
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect, Engine, create_engine, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Insert
from sqlalchemy.types import DateTime, TypeDecorator

#: The PostgreSQL advisory lock key that orders revision inserts (see serialise_writers).
_REVISION_WRITERS_LOCK = 0x5250_5201
#: The advisory lock key held while migrating, so processes starting together take turns.
MIGRATION_LOCK = 0x5250_5202


class UtcDateTime(TypeDecorator[datetime]):
    """An aware instant stored in UTC on both databases (SQLite keeps no zone: it is added
    back on reading). A naive value is refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """UTC on the way in."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored; give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware UTC on the way out."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """The engine for ``url`` (see the module docstring for what each database gets)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_timeout=10)


def _sqlite_on_connect(connection: sqlite3.Connection, _record: Any) -> None:
    # The driver's own transaction handling is switched off; "begin" below takes over.
    connection.isolation_level = None
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
    ):
        connection.execute(pragma)


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (answers are built after it)."""
    return sessionmaker(engine, expire_on_commit=False)


def insert_ignoring_duplicates(session: Session, table: Any, index: list[str]) -> Insert:
    """``INSERT … ON CONFLICT (index) DO NOTHING`` in the session's dialect."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=index)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=index)


def upsert(session: Session, table: Any) -> Any:
    """An ``INSERT`` that can take ``on_conflict_do_update`` in the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def serialise_writers(session: Session) -> None:
    """Hold, until this transaction ends, the lock every revision insert takes.

    Why: a puller must never see sequence number N+1 committed while N is still to come, or
    its cursor would skip N for ever. With inserts taking turns, sequence numbers are
    committed in order. PostgreSQL: a transaction-scoped advisory lock; SQLite: every write
    transaction is already ``BEGIN IMMEDIATE``, one at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_REVISION_WRITERS_LOCK)))


def ping(engine: Engine) -> None:
    """Raise the driver's error unless the database answers (a pooled connection the database
    dropped is replaced, and asked once more)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
