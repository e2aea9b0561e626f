"""store_meta becomes append-only, and the store's identity is recorded in the audit chain.

The identity facts (store id, device id, created, demo flag) never change after set-up; the
triggers refuse UPDATE and DELETE, and ``verify`` compares the facts with the hash the chain
recorded. Stores made before this revision get that hash recorded here, as a
``store.identity`` event, chained like every other event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from app.store.audit import AuditAction, append_event, identity_detail
from app.store.schema import MetaRow

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: Who made the identity event: a migration, not a person.
MIGRATION_ACTOR = "(schema upgrade)"


def upgrade() -> None:
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER store_meta_no_{verb.lower()} BEFORE {verb} ON store_meta "
            "BEGIN SELECT RAISE(ABORT, 'store_meta rows are append-only'); END"
        )
    connection = op.get_bind()
    meta = dict(connection.execute(sa.select(MetaRow.key, MetaRow.value)).all())
    if "device_id" not in meta:
        return  # a store being set up: its creation event records the identity
    # A savepoint inside the migration's own transaction: committed with the schema change.
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        append_event(
            session,
            actor=MIGRATION_ACTOR,
            device_id=uuid.UUID(meta["device_id"]),
            action=AuditAction.IDENTITY_RECORDED,
            detail=identity_detail(meta),
        )
        session.commit()


def downgrade() -> None:
    # Clinical stores are never migrated down: a downgrade could drop records.
    raise NotImplementedError("the ward store is never downgraded")
