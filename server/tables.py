"""The trust's people and devices: trust, wards, staff accounts, enrolment codes, devices, and
which accounts the server has vouched for on which device.

Typed SQLAlchemy 2 tables; the same schema on PostgreSQL and SQLite (Alembic builds it:
server/migrations). Secrets are never stored: an enrolment code and a device token only as
SHA-256 hashes, a password only as an Argon2id hash.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Enum, ForeignKey, Integer, MetaData, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.models.people import AccessRole
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
    created_at: Mapped[datetime]


class WardRow(Base):
    """A ward: devices are enrolled for one, and see its records only."""

    __tablename__ = "ward"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]


class AccountRow(Base):
    """A member of staff who signs in (or trust IT). ``username`` is stored lower-case."""

    __tablename__ = "account"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    access_role: Mapped[AccessRole] = mapped_column(
        Enum(
            AccessRole, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
        )
    )
    staff_id: Mapped[UUID | None] = mapped_column(Uuid)
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
