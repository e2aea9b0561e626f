"""Sync state: which revisions the trust server holds, refusals, the enrolment, the cursor.

A revision with no ``revision_sync`` row is in the outbox (design.md "Sync"). A store made
before this revision has never been enrolled, so every revision it holds starts in the outbox;
it is sent only if the store is ever enrolled.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UUID = sa.CHAR(32)
INSTANT = sa.String(26)


def upgrade() -> None:
    op.create_table(
        "revision_sync",
        sa.Column("revision_id", UUID, nullable=False),
        sa.Column("server_seq", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.revision_id"], name="fk_revision_sync_revision_id_revision"
        ),
        sa.PrimaryKeyConstraint("revision_id", name="pk_revision_sync"),
    )
    op.create_table(
        "sync_refusal",
        sa.Column("revision_id", UUID, nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("refused_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.revision_id"], name="fk_sync_refusal_revision_id_revision"
        ),
        sa.PrimaryKeyConstraint("revision_id", name="pk_sync_refusal"),
    )
    op.create_table(
        "sync_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_url", sa.Text(), nullable=False),
        sa.Column("device_id", UUID, nullable=False),
        sa.Column("device_token", sa.Text(), nullable=False),
        sa.Column("ward_id", UUID, nullable=False),
        sa.Column("ward_name", sa.String(200), nullable=False),
        sa.Column("trust_name", sa.String(200), nullable=False),
        sa.Column("enrolled_at", INSTANT, nullable=False),
        sa.Column("enrolled_by", sa.String(200), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_sync_enrolment_one_row"),
        sa.PrimaryKeyConstraint("id", name="pk_sync_enrolment"),
    )
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("outbox_floor", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", INSTANT, nullable=True),
        sa.Column("last_synced_at", INSTANT, nullable=True),
        sa.Column("check_expected", sa.Integer(), nullable=True),
        sa.Column("check_held", sa.Integer(), nullable=True),
        sa.Column("chain_warning", sa.String(16), nullable=True),
        sa.Column("witnessed_seq", sa.Integer(), nullable=True),
        sa.Column("witnessed_hash", sa.String(64), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_sync_state_one_row"),
        sa.PrimaryKeyConstraint("id", name="pk_sync_state"),
    )


def downgrade() -> None:
    # Clinical stores are never migrated down: a downgrade could drop records.
    raise NotImplementedError("the ward store is never downgraded")
