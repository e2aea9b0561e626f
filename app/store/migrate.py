"""Alembic migrations, applied on open on the store's own (keyed) connection."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.models.errors import StoreDamaged, UserFacingError

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


@cache
def known_revisions() -> frozenset[str]:
    """Every schema version this build of the client knows (older ones and the head)."""
    return _known_revisions()


@cache
def _known_revisions() -> frozenset[str]:
    return frozenset(
        script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()
    )


def current_revision(connection: Connection) -> str | None:
    """The schema version of the open store (None: empty file)."""
    return MigrationContext.configure(connection).get_current_revision()


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
    if current not in _known_revisions():
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
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return True
