"""The server publishes wards, staff and accounts as revisions devices pull.

- ``revision.pushed_by`` may be NULL: a revision the trust server made itself;
- ``trust.publisher_id``: the device id those revisions name;
- ``ward``: code, beds and site (what a Ward record holds); NULL for wards added before,
  which are published once ``admin change-ward`` gives them;
- ``account``: the staff member's job title and clinical role, and ``active``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: ClinicalRole's values when this migration was written (a migration never imports the code
#: it migrates: a later change to the enum must not change what this step did).
CLINICAL_ROLES = (
    "healthcare_support_worker",
    "registered_nurse",
    "nurse_in_charge",
    "ward_manager",
    "doctor",
    "psychiatrist",
    "responsible_clinician",
    "approved_clinician",
    "psychologist",
    "occupational_therapist",
    "social_worker",
    "pharmacist",
    "security",
    "imha",
    "commissioner",
    "family_or_carer",
    "patient",
    "other",
)


def upgrade() -> None:
    with op.batch_alter_table("trust", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publisher_id", sa.Uuid(), nullable=True))
    trust = sa.table("trust", sa.column("publisher_id", sa.Uuid()))
    op.execute(trust.update().values(publisher_id=uuid4()))
    with op.batch_alter_table("trust", schema=None) as batch_op:
        batch_op.alter_column("publisher_id", existing_type=sa.Uuid(), nullable=False)

    with op.batch_alter_table("ward", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("number_of_beds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("site", sa.String(length=200), nullable=True))

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_title", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "clinical_role",
                sa.Enum(*CLINICAL_ROLES, name="clinicalrole", native_enum=False, length=40),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )

    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.alter_column("pushed_by", existing_type=sa.Uuid(), nullable=True)


def downgrade() -> None:
    # The trust's records are never migrated down: a downgrade could drop them.
    raise NotImplementedError("the trust server's database is never downgraded")
