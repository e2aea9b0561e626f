"""The migrations build exactly the schema the typed tables describe."""

import shutil
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.store import migrate
from app.store.schema import Base
from app.store.store import Store
from tests.store.sample_records import StoreTestNote, note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def test_migrated_schema_matches_the_typed_tables(store: Store) -> None:
    with store.write() as tx:
        connection = tx._session.connection()
        assert migrate.current_revision(connection) == migrate.head_revision()
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_status_reports_the_schema_version(store: Store) -> None:
    assert store.status().schema_version == migrate.head_revision()


SAVED_STORES = Path(__file__).parent / "saved_stores"


@pytest.mark.parametrize("saved", ["schema-0001"])
def test_a_store_saved_by_an_older_version_is_upgraded_on_open(saved: str, tmp_path: Path) -> None:
    data_dir = tmp_path / saved
    shutil.copytree(SAVED_STORES / saved, data_dir)
    with Store.open(data_dir, "old.nurse", "saved store passphrase") as store:
        assert store.status().schema_version == migrate.head_revision()
        with store.read() as reader:
            notes = {n.text: n.status for n in reader.find(StoreTestNote)}
            history = reader.history(UUID("00000000-0000-4000-8000-0000000000a1"))
        assert notes == {"edited by schema 0001": "submitted", "second note": "draft"}
        assert [r.payload.count("schema 0001") for r in history] == [1, 1]
        store.save(note("written after the upgrade", at=T0))
        assert store.verify().ok
        with store.write() as tx:
            context = MigrationContext.configure(tx._session.connection())
            assert compare_metadata(context, Base.metadata) == []


def test_the_known_schema_versions_are_the_packaged_migrations_in_order() -> None:
    # migrate.SCHEMA_VERSIONS spares every open an Alembic import; it must follow the scripts.
    assert migrate.script_revisions() == migrate.SCHEMA_VERSIONS
