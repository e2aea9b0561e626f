"""The trust's people and devices: trust, wards, staff accounts, enrolment codes, devices, and
which accounts the server has vouched for on which device.

Typed SQLAlchemy 2 tables; the same schema on PostgreSQL and SQLite (Alembic builds it:
server/migrations). Secrets are never stored: an enrolment code and a device token only as
SHA-256 hashes, a password only as an Argon2id hash.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, MetaData, String, Text, Uuid, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.models.people import AccessRole
from app.models.refs import ClinicalRole
from server.db import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every server table; constraint names follow :data:`NAMING_CONVENTION`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime()}  # noqa: RUF012 - SQLAlchemy's own hook


class TrustRow(Base):
    """The one trust this server belongs to (``admin init-trust``)."""

    __tablename__ = "trust"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: PEM SubjectPublicKeyInfo, RSA ≥ 3072 bits: every ward PC's store wraps its key to it.
    recovery_public_key_pem: Mapped[str] = mapped_column(Text)
    #: The device id on the revisions the server itself publishes (wards, staff, accounts):
    #: every revision names where it was made, and these were made here.
    publisher_id: Mapped[UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime]


def _enum(cls: type[AccessRole] | type[ClinicalRole], length: int) -> Enum:
    """A StrEnum stored as its values in a plain string column (no database enum type)."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class WardRow(Base):
    """A ward: devices are enrolled for one, and see its records only. ``id`` is its
    :class:`~app.models.people.Ward` record's id; ``code``, ``number_of_beds`` and ``site``
    are NULL only for a ward added before the server published wards (it is published once
    ``admin change-ward`` gives them)."""

    __tablename__ = "ward"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))
    number_of_beds: Mapped[int | None] = mapped_column(Integer)
    site: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class AccountRow(Base):
    """A member of staff who signs in (or trust IT). ``username`` is stored lower-case;
    ``id`` is its :class:`~app.models.people.UserAccount` record's id."""

    __tablename__ = "account"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    access_role: Mapped[AccessRole] = mapped_column(_enum(AccessRole, 32))
    #: The :class:`~app.models.people.StaffMember` this account belongs to (none for trust IT).
    staff_id: Mapped[UUID | None] = mapped_column(Uuid)
    #: What the server published for that staff member (NULL for trust IT, or when the staff
    #: member's record was made on a ward PC and named with ``--staff-id``).
    job_title: Mapped[str | None] = mapped_column(String(200))
    clinical_role: Mapped[ClinicalRole | None] = mapped_column(_enum(ClinicalRole, 40))
    #: A deactivated account signs in nowhere (domain.md §7); it is never deleted.
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    ward_id: Mapped[UUID | None] = mapped_column(ForeignKey("ward.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class EnrolmentCodeRow(Base):
    """A one-time code for enrolling a PC on a ward; only its hash is kept."""

    __tablename__ = "enrolment_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    ward_id: Mapped[UUID] = mapped_column(ForeignKey("ward.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: The device the code became (once used).
    device_id: Mapped[UUID | None] = mapped_column(Uuid)


class DeviceRow(Base):
    """An enrolled ward PC. Its credential is kept only as a hash; revoking is for ever."""

    __tablename__ = "device"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    ward_id: Mapped[UUID] = mapped_column(ForeignKey("ward.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]


class DeviceAccountRow(Base):
    """An account the server has vouched for on a device (a sign-in there succeeded): only
    these may author the revisions that device pushes."""

    __tablename__ = "device_account"

    device_id: Mapped[UUID] = mapped_column(ForeignKey("device.id"), primary_key=True)
    account_id: Mapped[UUID] = mapped_column(ForeignKey("account.id"), primary_key=True)
    first_signed_in_at: Mapped[datetime]
    last_signed_in_at: Mapped[datetime]
