"""Initial schema: trust, wards, accounts, enrolment codes, devices, revisions, audit.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("endpoint", sa.String(length=200), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("remote", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_audit")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("request_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_request_audit_device_id"), ["device_id"], unique=False)

    op.create_table(
        "trust",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("recovery_public_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust")),
    )
    op.create_table(
        "ward",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ward")),
        sa.UniqueConstraint("name", name=op.f("uq_ward_name")),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column(
            "access_role",
            sa.Enum(
                "nurse", "ward_manager", "admin", name="accessrole", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("ward_id", sa.Uuid(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"], name=op.f("fk_account_ward_id_ward")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("username", name=op.f("uq_account_username")),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"], name=op.f("fk_device_ward_id_ward")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_device_token_hash")),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_ward_id"), ["ward_id"], unique=False)

    op.create_table(
        "enrolment_code",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["ward.id"], name=op.f("fk_enrolment_code_ward_id_ward")
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_enrolment_code")),
    )
    op.create_table(
        "device_account",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("first_signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_device_account_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_device_account_device_id_device")
        ),
        sa.PrimaryKeyConstraint("device_id", "account_id", name=op.f("pk_device_account")),
    )
    op.create_table(
        "device_audit_head",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("witnessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_device_audit_head_device_id_device")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_audit_head")),
    )
    op.create_table(
        "revision",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False),
            nullable=False,
        ),
        sa.Column("revision_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=True),
        sa.Column("parents", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("pushed_by", sa.Uuid(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pushed_by"], ["device.id"], name=op.f("fk_revision_pushed_by_device")
        ),
        sa.ForeignKeyConstraint(["ward_id"], ["ward.id"], name=op.f("fk_revision_ward_id_ward")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_revision")),
        sa.UniqueConstraint("revision_id", name=op.f("uq_revision_revision_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index("ix_revision_pushed_by_seq", ["pushed_by", "seq"], unique=False)
        batch_op.create_index("ix_revision_record_id_seq", ["record_id", "seq"], unique=False)
        batch_op.create_index("ix_revision_ward_id_seq", ["ward_id", "seq"], unique=False)


def downgrade() -> None:
    # The trust's records are never migrated down: a downgrade could drop them.
    raise NotImplementedError("the trust server's database is never downgraded")
