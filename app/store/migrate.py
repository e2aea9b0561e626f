"""Alembic migrations, applied on open on the store's own (keyed) connection."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from sqlalchemy import Connection


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("app.store") / "migrations"))
    return config


@cache
def head_revision() -> str:
    """The schema version this build of the client writes."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations are packaged")
    return head


def current_revision(connection: Connection) -> str | None:
    """The schema version of the open store (None: empty file)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> bool:
    """Bring the store to the head schema. Returns True if anything ran.

    Runs inside the caller's write transaction, so a crash mid-migration leaves the old schema.
    """
    if current_revision(connection) == head_revision():
        return False
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return True
