"""What the trust holds of the ward PCs' work: every revision, numbered; each device's audit
chain head as last witnessed; and the request audit log.

``revision`` is append-only (design.md "Records are revisions, never overwrites"): a row is
inserted once, never updated or deleted. ``seq`` is the server's sequence number, given in
commit order (server.db.serialise_writers), so a cursor never skips a revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, BigInteger, ForeignKey, Identity, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.tables import Base

#: A 64-bit sequence on PostgreSQL; SQLite's rowid (also 64-bit) needs the INTEGER spelling.
BigSerial = BigInteger().with_variant(Integer, "sqlite")


class RevisionRow(Base):
    """One immutable revision as pushed, with where the trust routed it."""

    __tablename__ = "revision"
    __table_args__ = (
        Index("ix_revision_ward_id_seq", "ward_id", "seq"),
        Index("ix_revision_record_id_seq", "record_id", "seq"),
        Index("ix_revision_pushed_by_seq", "pushed_by", "seq"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(BigSerial, Identity(), primary_key=True)
    revision_id: Mapped[UUID] = mapped_column(Uuid, unique=True)
    record_id: Mapped[UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(200))
    #: The ward whose devices receive it; NULL: every ward (trust-wide records).
    ward_id: Mapped[UUID | None] = mapped_column(ForeignKey("ward.id"))
    parents: Mapped[list[str]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(200))
    #: The device named in the revision (where it was made, by its own store's id).
    device_id: Mapped[UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The enrolled device that delivered it first; NULL for what the trust server published
    #: itself (wards, staff, accounts: server.publish).
    pushed_by: Mapped[UUID | None] = mapped_column(ForeignKey("device.id"))
    received_at: Mapped[datetime]


class DeviceAuditHeadRow(Base):
    """The longest audit-chain head a device has shown: the independent witness of
    docs/security.md (a chain later shown shorter, or different at the same length, is
    reported)."""

    __tablename__ = "device_audit_head"

    device_id: Mapped[UUID] = mapped_column(ForeignKey("device.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    witnessed_at: Mapped[datetime]


class RequestAuditRow(Base):
    """One request that read or changed clinical data, or was refused: who, from which
    device, what, the outcome and the record ids touched. Never a payload or patient data."""

    __tablename__ = "request_audit"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(BigSerial, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    device_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(10))
    endpoint: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(Integer)
    #: ``ok`` or the refusal's :class:`~app.sync.wire.ErrorCode`.
    outcome: Mapped[str] = mapped_column(String(32))
    record_ids: Mapped[list[Any]] = mapped_column(JSON)
    #: Counts and codes only (``acknowledged=3 refused=1``).
    detail: Mapped[str | None] = mapped_column(String(500))
    remote: Mapped[str | None] = mapped_column(String(64))
