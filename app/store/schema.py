"""The store's tables, in SQLAlchemy 2 typed style.

``revision``, ``audit_event`` and ``store_meta`` are append-only: triggers made by the
migrations refuse UPDATE and DELETE on them (:func:`append_only_triggers`, which ``verify``
checks are in place). ``record`` and ``record_tip`` are derived indexes over revisions (the
current state and the set of tips of each record); they could be rebuilt from ``revision``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, MetaData, String, Text, Uuid, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC instant stored as sortable ISO text (``2024-03-31 00:30:00.000000``)."""

    impl = String(26)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention for constraints (Alembic needs stable names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), UUID: Uuid()}  # noqa: RUF012


class RevisionRow(Base):
    """One immutable revision (design.md). ``seq`` is local arrival order."""

    __tablename__ = "revision"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    revision_id: Mapped[UUID] = mapped_column(unique=True)
    record_id: Mapped[UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(64))
    parents: Mapped[str] = mapped_column(Text)  # JSON list of revision ids, sorted
    author: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[UUID]
    created_at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))


class RecordRow(Base):
    """The current state of a record: its display revision and indexed summary facts."""

    __tablename__ = "record"

    record_id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    current_revision_id: Mapped[UUID] = mapped_column(ForeignKey("revision.revision_id"))
    tip_count: Mapped[int]  # > 1: conflicted, a person must resolve
    voided: Mapped[bool]
    signed_off: Mapped[bool]
    ward_id: Mapped[UUID | None]
    patient_id: Mapped[UUID | None]
    parent_id: Mapped[UUID | None]
    status: Mapped[str | None] = mapped_column(String(32))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_record_kind_ward_status", "kind", "ward_id", "status"),
        Index("ix_record_kind_ward_starts", "kind", "ward_id", "starts_at"),
        Index("ix_record_parent_kind_starts", "parent_id", "kind", "starts_at"),
        Index("ix_record_patient_kind_starts", "patient_id", "kind", "starts_at"),
        # Conflicts are rare: a partial index finds them without scanning every record.
        Index("ix_record_conflicted", "record_id", sqlite_where=text("tip_count > 1")),
    )


class RecordTipRow(Base):
    """A revision of a record that no other revision names as parent."""

    __tablename__ = "record_tip"

    record_id: Mapped[UUID] = mapped_column(primary_key=True)
    revision_id: Mapped[UUID] = mapped_column(ForeignKey("revision.revision_id"), primary_key=True)


class AuditRow(Base):
    """One hash-chained audit event: who did what to which record. No patient data."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    device_id: Mapped[UUID]
    action: Mapped[str] = mapped_column(String(64))
    subject_kind: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[UUID | None]
    revision_hash: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class MetaRow(Base):
    """Facts about this store: its id, this device's id, when it was made, demo or not."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RevisionSyncRow(Base):
    """A revision the trust server holds: acknowledged after a push, or pulled from it.
    ``server_seq`` is the server's number for it once known (a pull tells it). A revision
    without a row here is in the outbox (design.md "Sync"); rows are never removed."""

    __tablename__ = "revision_sync"

    revision_id: Mapped[UUID] = mapped_column(ForeignKey("revision.revision_id"), primary_key=True)
    server_seq: Mapped[int | None]
    acknowledged_at: Mapped[datetime]


class SyncRefusalRow(Base):
    """Why the server last refused a revision still in the outbox (shown to a person; removed
    once the server acknowledges the revision)."""

    __tablename__ = "sync_refusal"

    revision_id: Mapped[UUID] = mapped_column(ForeignKey("revision.revision_id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    refused_at: Mapped[datetime]


class SyncEnrolmentRow(Base):
    """This PC's enrolment with the trust server (one row). The device token is a credential:
    it is kept here, inside the encrypted store, and nowhere else."""

    __tablename__ = "sync_enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_url: Mapped[str] = mapped_column(Text)
    device_id: Mapped[UUID]
    device_token: Mapped[str] = mapped_column(Text)
    ward_id: Mapped[UUID]
    ward_name: Mapped[str] = mapped_column(String(200))
    trust_name: Mapped[str] = mapped_column(String(200))
    enrolled_at: Mapped[datetime]
    enrolled_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


class SyncStateRow(Base):
    """Where sync stands (one row): the pull cursor, the outbox floor (every local revision
    at or below it is held by the server, so the outbox is looked for only above it), when
    something was last sent, and the last count check and audit-chain witness."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    cursor: Mapped[int]
    outbox_floor: Mapped[int]
    last_sent_at: Mapped[datetime | None]
    last_synced_at: Mapped[datetime | None]
    check_expected: Mapped[int | None]
    check_held: Mapped[int | None]
    chain_warning: Mapped[str | None] = mapped_column(String(16))
    witnessed_seq: Mapped[int | None]
    witnessed_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)


#: Tables whose rows are never changed or removed once written.
APPEND_ONLY_TABLES = ("revision", "audit_event", "store_meta")


def append_only_triggers() -> dict[str, str]:
    """Name → SQL of every trigger the migrations make (0001, 0003), as SQLite stores it."""
    return {
        f"{table}_no_{verb.lower()}": (
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
        )
        for table in APPEND_ONLY_TABLES
        for verb in ("UPDATE", "DELETE")
    }
