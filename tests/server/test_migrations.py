"""The Alembic scripts build exactly the tables the code declares, on PostgreSQL and SQLite,
and a database made by a newer server is refused, not touched."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

import server.tables_sync  # noqa: F401 - the sync tables on the metadata
from app.models.errors import UserFacingError
from server.db import make_engine
from server.migrate import head_revision, upgrade
from server.tables import Base
from tests.postgres import fresh_database


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        assert upgrade(engine) == head_revision()
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def test_the_migrations_match_the_tables_on_postgresql() -> None:
    with fresh_database("rpr_server_schema") as url:
        assert _differences(url) == []


def test_the_migrations_match_the_tables_on_sqlite(tmp_path: Path) -> None:
    assert _differences(f"sqlite:///{tmp_path / 'server.db'}") == []


def test_a_database_from_a_newer_server_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'server.db'}")
    try:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(UserFacingError, match="newer rpr-server"):
            upgrade(engine)
    finally:
        engine.dispose()
