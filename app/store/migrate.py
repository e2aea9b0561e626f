"""Alembic migrations, applied on open on the store's own (keyed) connection.

Alembic itself is imported only when a migration has to run: every open needs the schema
versions (which are constants here, checked against the migration scripts by
tests/store/test_migrations.py), and importing Alembic would add about half a second to the
ward client's start.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import text

from app.models.errors import StoreDamaged, UserFacingError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

#: Every schema version this build knows, oldest first; the last is the one it writes.
#: A new migration adds its revision here (a test fails until it does).
SCHEMA_VERSIONS = ("0001", "0002", "0003", "0004")


def _config() -> Config:
    from alembic.config import Config  # noqa: PLC0415 - only when migrating

    config = Config()
    config.set_main_option("script_location", str(resources.files("app.store") / "migrations"))
    return config


def head_revision() -> str:
    """The schema version this build of the client writes."""
    return SCHEMA_VERSIONS[-1]


def known_revisions() -> frozenset[str]:
    """Every schema version this build of the client knows (older ones and the head)."""
    return frozenset(SCHEMA_VERSIONS)


def script_revisions() -> tuple[str, ...]:
    """The revisions of the packaged migration scripts, oldest first (read by Alembic)."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - only for the check

    scripts = ScriptDirectory.from_config(_config())
    return tuple(reversed([script.revision for script in scripts.walk_revisions()]))


def current_revision(connection: Connection) -> str | None:
    """The schema version of the open store (None: empty file, before the first migration)."""
    exists = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
    ).first()
    if exists is None:
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def needs_upgrade(current: str | None) -> bool:
    """Whether a store at schema ``current`` must be migrated before use. A store from a newer
    RPR is refused (:class:`UserFacingError`), one without a schema is damaged."""
    if current == head_revision():
        return False
    if current is None:
        raise StoreDamaged("The store has no schema: it is damaged. Nothing was changed.")
    _refuse_newer(current)
    return True


def _refuse_newer(current: str) -> None:
    if current not in known_revisions():
        raise UserFacingError(
            f"This store was last used by a newer version of RPR (schema {current}; this "
            f"version knows up to {head_revision()}). Install that version or a later one. "
            "Nothing was changed."
        )


def upgrade(connection: Connection) -> bool:
    """Bring the store to the head schema. Returns True if anything ran.

    Runs inside the caller's write transaction, so a crash mid-migration leaves the old schema.
    """
    current = current_revision(connection)
    if current == head_revision():
        return False
    if current is not None:
        _refuse_newer(current)
    from alembic import command  # noqa: PLC0415 - only when migrating

    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return True
