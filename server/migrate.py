"""Alembic migrations of the server's own database (``rpr-server admin migrate``, and at the
start of ``rpr-server serve``).

Several processes may start together on one database: on PostgreSQL the upgrade runs in one
transaction under an advisory lock, so the second waits and then finds nothing to do; on
SQLite every transaction is ``BEGIN IMMEDIATE`` and so takes its turn. A database made by a
newer server is refused with a clear message rather than half-understood.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.models.errors import UserFacingError
from server.db import MIGRATION_LOCK

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine


def _config() -> Config:
    from alembic.config import Config  # noqa: PLC0415 - only when migrating

    config = Config()
    config.set_main_option("script_location", str(resources.files("server") / "migrations"))
    return config


def head_revision() -> str:
    """The newest schema version this server knows."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - only when migrating

    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its scripts
        raise RuntimeError("the server's migration scripts are missing")
    return head


def current_revision(connection: Connection) -> str | None:
    """The schema version of the database (None: an empty database)."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest schema; returns the version it is at now."""
    from alembic import command  # noqa: PLC0415 - only when migrating
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    config = _config()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        current = current_revision(connection)
        if current is not None and current not in known:
            raise UserFacingError(
                f"The database is at schema version {current}, which this server does not "
                "know: it was made by a newer rpr-server. Run that version; nothing was changed."
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
    return head_revision()
