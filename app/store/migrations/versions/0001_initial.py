"""Initial ward store: revisions, current records, tips, hash-chained audit, store facts.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = sa.CHAR(32)
INSTANT = sa.String(26)

APPEND_ONLY = ("revision", "audit_event")


def upgrade() -> None:
    op.create_table(
        "revision",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("revision_id", UUID, nullable=False),
        sa.Column("record_id", UUID, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("parents", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("device_id", UUID, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_revision"),
        sa.UniqueConstraint("revision_id", name="uq_revision_revision_id"),
    )
    op.create_index("ix_revision_record_id", "revision", ["record_id"])
    op.create_table(
        "record",
        sa.Column("record_id", UUID, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("current_revision_id", UUID, nullable=False),
        sa.Column("tip_count", sa.Integer(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("signed_off", sa.Boolean(), nullable=False),
        sa.Column("ward_id", UUID, nullable=True),
        sa.Column("patient_id", UUID, nullable=True),
        sa.Column("parent_id", UUID, nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("starts_at", INSTANT, nullable=True),
        sa.Column("ends_at", INSTANT, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["current_revision_id"],
            ["revision.revision_id"],
            name="fk_record_current_revision_id_revision",
        ),
        sa.PrimaryKeyConstraint("record_id", name="pk_record"),
    )
    op.create_index("ix_record_kind_ward_status", "record", ["kind", "ward_id", "status"])
    op.create_index("ix_record_kind_ward_starts", "record", ["kind", "ward_id", "starts_at"])
    op.create_index("ix_record_parent_kind_starts", "record", ["parent_id", "kind", "starts_at"])
    op.create_index("ix_record_patient_kind_starts", "record", ["patient_id", "kind", "starts_at"])
    op.create_table(
        "record_tip",
        sa.Column("record_id", UUID, nullable=False),
        sa.Column("revision_id", UUID, nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.revision_id"], name="fk_record_tip_revision_id_revision"
        ),
        sa.PrimaryKeyConstraint("record_id", "revision_id", name="pk_record_tip"),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("device_id", UUID, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_kind", sa.String(64), nullable=True),
        sa.Column("subject_id", UUID, nullable=True),
        sa.Column("revision_hash", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_event"),
    )
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_store_meta"),
    )
    # Clinical history is never rewritten or removed (design.md): the engine itself refuses.
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )


def downgrade() -> None:
    # Clinical stores are never migrated down: a downgrade could drop records.
    raise NotImplementedError("the ward store is never downgraded")
