"""Alembic environment for the ward store: runs on the connection the store hands over.

The store opens SQLCipher itself (only it knows the key), so migrations never build an engine
from a URL; ``config.attributes["connection"]`` is always set by ``app.store.migrate``.
"""

from alembic import context

from app.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy; batch mode does that for us
)
with context.begin_transaction():
    context.run_migrations()
