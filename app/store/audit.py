"""The hash-chained audit log: who opened, changed, printed and exported what.

Each event's hash covers the previous event's hash and the event's own fields, so changing,
removing or reordering any row breaks the chain from that row on, and :func:`verify_chain`
names the first row that fails. Events that record a revision carry its content hash, which
ties the revision table to the chain: a revision changed after the fact fails both its own
hash and the cross-check. Rows hold identifiers and fixed wording only — never patient data.

Limit (stated in docs/security.md): someone holding the data key can rewrite the whole chain
consistently or cut its tail; the trust server, which receives the chain head on sync, is what
detects that.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.clock import utc_now
from app.store.schema import AuditRow

GENESIS_HASH = "0" * 64


class AuditAction(StrEnum):
    """What happened. Stable strings: they are part of the hash chain."""

    STORE_CREATED = "store.created"
    STORE_OPENED = "store.opened"
    RECORD_CREATED = "record.created"
    RECORD_CHANGED = "record.changed"
    RECORD_AMENDED = "record.amended"
    RECORD_VOIDED = "record.voided"
    CONFLICT_RESOLVED = "conflict.resolved"
    REVISION_RECEIVED = "revision.received"
    PRINTED = "printed"
    EXPORTED = "exported"
    KEY_SLOT_ADDED = "keyslot.added"
    KEY_SLOT_REMOVED = "keyslot.removed"
    PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an event name, not a password
    RECOVERY_USED = "recovery.used"
    VERIFIED = "store.verified"
    KEY_CHANGED = "key.changed"
    #: The store's identity (``store_meta``) as first recorded, for stores made before the
    #: identity was part of ``store.created``.
    IDENTITY_RECORDED = "store.identity"
    #: The PC was enrolled with the trust server (detail: the device and ward ids).
    DEVICE_ENROLLED = "device.enrolled"


#: The facts of ``store_meta`` that never change after set-up; verify compares them with the
#: hash the audit chain recorded (see :func:`identity_detail`).
IDENTITY_KEYS = ("store_id", "device_id", "created_at", "demo")
_IDENTITY_PREFIX = "identity sha256:"


def identity_detail(meta: dict[str, str]) -> str:
    """The audit detail that vouches for the store's identity: a hash of its fixed facts."""
    canonical = json.dumps([[key, meta.get(key)] for key in IDENTITY_KEYS], separators=(",", ":"))
    return _IDENTITY_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def recorded_identity(session: Session) -> str | None:
    """The last identity the chain vouches for (None: never recorded)."""
    actions = (AuditAction.STORE_CREATED.value, AuditAction.IDENTITY_RECORDED.value)
    return session.scalar(
        select(AuditRow.detail)
        .where(AuditRow.action.in_(actions), AuditRow.detail.like(_IDENTITY_PREFIX + "%"))
        .order_by(AuditRow.seq.desc())
        .limit(1)
    )


def event_hash(
    prev_hash: str,
    *,
    at: datetime,
    actor: str,
    device_id: UUID,
    action: str,
    subject_kind: str | None,
    subject_id: UUID | None,
    revision_hash: str | None,
    detail: str | None,
) -> str:
    """SHA-256 of the previous hash and a canonical form of the event's fields."""
    canonical = json.dumps(
        [
            prev_hash,
            at.isoformat(timespec="microseconds"),
            actor,
            str(device_id),
            action,
            subject_kind,
            str(subject_id) if subject_id else None,
            revision_hash,
            detail,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_event(
    session: Session,
    *,
    actor: str,
    device_id: UUID,
    action: AuditAction,
    subject_kind: str | None = None,
    subject_id: UUID | None = None,
    revision_hash: str | None = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> None:
    """Add one event at the end of the chain, inside the caller's write transaction. ``at``
    (default: now) is when it happened, for an event recorded after the fact (an open is
    recorded once the file is known intact).

    The caller's transaction began with ``BEGIN IMMEDIATE``, so no other writer can append
    between reading the last hash and inserting this row.
    """
    prev = session.scalar(select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1))
    row = AuditRow(
        at=at or utc_now(),
        actor=actor,
        device_id=device_id,
        action=action.value,
        subject_kind=subject_kind,
        subject_id=subject_id,
        revision_hash=revision_hash,
        detail=detail,
        prev_hash=prev or GENESIS_HASH,
    )
    row.hash = _row_hash(row)
    session.add(row)


def _row_hash(row: AuditRow) -> str:
    return event_hash(
        row.prev_hash,
        at=row.at,
        actor=row.actor,
        device_id=row.device_id,
        action=row.action,
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        revision_hash=row.revision_hash,
        detail=row.detail,
    )


def verify_chain(session: Session) -> list[str]:
    """Walk the chain in order; return one problem per broken row (empty: intact)."""
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        recomputed = _row_hash(row)
        if row.prev_hash != expected_prev:
            problems.append(f"audit event {row.seq}: does not follow the event before it")
        if recomputed != row.hash:
            problems.append(f"audit event {row.seq}: its content was changed after it was written")
        expected_prev = row.hash
    return problems


def recorded_revision_hashes(session: Session) -> set[str]:
    """Every revision content hash the chain vouches for."""
    return set(
        session.scalars(select(AuditRow.revision_hash).where(AuditRow.revision_hash.is_not(None)))
    )
