"""Alembic environment for the trust server: runs on the connection server.migrate hands
over (already inside its transaction and, on PostgreSQL, holding the migration lock)."""

from alembic import context

import server.tables_sync  # noqa: F401 - registers the sync tables on the metadata
from server.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy; batch mode does that for us
)
with context.begin_transaction():
    context.run_migrations()
