"""Partial index on conflicted records (the ward board asks on every refresh).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_record_conflicted", "record", ["record_id"], sqlite_where=sa.text("tip_count > 1")
    )


def downgrade() -> None:
    # Clinical stores are never migrated down: a downgrade could drop records.
    raise NotImplementedError("the ward store is never downgraded")
