"""The migrations build exactly the schema the typed tables describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.store import migrate
from app.store.schema import Base
from app.store.store import Store


def test_migrated_schema_matches_the_typed_tables(store: Store) -> None:
    with store.write() as tx:
        connection = tx._session.connection()
        assert migrate.current_revision(connection) == migrate.head_revision()
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_status_reports_the_schema_version(store: Store) -> None:
    assert store.status().schema_version == migrate.head_revision()
