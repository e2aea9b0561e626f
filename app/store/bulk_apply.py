"""Applying a page of revisions made elsewhere in a few statements (the sync pull path).

Contract: the same as applying each revision in order with ``RevisionWriter.apply`` — the same
checks in the same order, so the same error for the same page — with set-at-a-time SQL:

- idempotent by revision id: one already held (or earlier in the page) with the same hash is
  not applied again; with another hash the store is damaged;
- a revision whose hash does not match its content is refused (``StoreDamaged``);
- every parent is a revision of the same record held here or earlier in the page (``RuleViolation``
  otherwise: a revision arrived before the revision it changes);
- the content belongs to the record named, and its kind is the record's kind;
- the ``record_tip`` and ``record`` rows end as the one-at-a-time path leaves them;
- each applied revision is announced in the audit chain (``revision.received`` with its content
  hash), in page order, chained from the current head — the caller's ``BEGIN IMMEDIATE``
  transaction keeps any other writer out between reading the head and the insert.

Nothing is written until every revision of the page has passed, so a refused page leaves the
session as it found it (the caller rolls back anyway).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from sqlalchemy import Table, bindparam, delete, insert, select, update

from app.models.base import STORED, Record, record_class
from app.models.clock import utc_now
from app.models.errors import RuleViolation, StoreDamaged
from app.models.revision import Revision
from app.store.audit import GENESIS_HASH, AuditAction, event_hash
from app.store.record_index import display_order, indexed_state
from app.store.schema import AuditRow, RecordRow, RecordTipRow, RevisionRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session


def _table(row_class: type[Any]) -> Table:
    """The Core table of a mapped class (typed for SQL built beneath the ORM)."""
    return cast("Table", row_class.__table__)


#: Bound parameters per IN list (well under SQLite's limit).
_CHUNK = 900


@dataclass(slots=True)
class _Tip:
    """What the record row needs of a tip."""

    revision_id: UUID
    kind: str
    action: str
    created_at: datetime
    payload: str


@dataclass(slots=True)
class _Touched:
    """A record the page changes: its tips as they evolve, and the row as it was."""

    kind: str
    tips: dict[UUID, _Tip | None]  # None: a tip already held here, loaded only if needed
    existed: bool
    created_at: datetime
    updated_at: datetime
    last_record: Record
    last_revision: UUID


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _held_hashes(session: Session, ids: list[UUID]) -> dict[UUID, str]:
    found: dict[UUID, str] = {}
    for part in _chunks(ids):
        rows = session.execute(
            select(RevisionRow.revision_id, RevisionRow.content_hash).where(
                RevisionRow.revision_id.in_(part)
            )
        )
        found.update({r.revision_id: r.content_hash for r in rows})
    return found


def _held_records_of(session: Session, ids: list[UUID]) -> dict[UUID, UUID]:
    found: dict[UUID, UUID] = {}
    for part in _chunks(ids):
        rows = session.execute(
            select(RevisionRow.revision_id, RevisionRow.record_id).where(
                RevisionRow.revision_id.in_(part)
            )
        )
        found.update({r.revision_id: r.record_id for r in rows})
    return found


def _record_facts(session: Session, ids: list[UUID]) -> dict[UUID, tuple[str, datetime]]:
    """Kind and creation time of each record among ``ids`` held here."""
    found: dict[UUID, tuple[str, datetime]] = {}
    for part in _chunks(ids):
        rows = session.execute(
            select(RecordRow.record_id, RecordRow.kind, RecordRow.created_at).where(
                RecordRow.record_id.in_(part)
            )
        )
        found.update({r.record_id: (r.kind, r.created_at) for r in rows})
    return found


def _existing_tips(session: Session, record_ids: list[UUID]) -> dict[UUID, set[UUID]]:
    found: dict[UUID, set[UUID]] = {}
    for part in _chunks(record_ids):
        rows = session.execute(
            select(RecordTipRow.record_id, RecordTipRow.revision_id).where(
                RecordTipRow.record_id.in_(part)
            )
        )
        for record_id, revision_id in rows:
            found.setdefault(record_id, set()).add(revision_id)
    return found


def _judged(
    session: Session, revisions: Sequence[Revision], facts: dict[UUID, tuple[str, datetime]]
) -> list[tuple[Revision, Record]]:
    """The revisions of the page that are new here, each with its record, after every check
    ``RevisionWriter.apply`` makes (raising the same errors, in page order)."""
    ids = [r.revision_id for r in revisions]
    held = _held_hashes(session, ids)
    wanted_parents = list({p for r in revisions for p in r.parents} - set(ids) - set(held))
    parent_records = _held_records_of(session, [*held, *wanted_parents])
    kinds = {record_id: kind for record_id, (kind, _) in facts.items()}
    new: list[tuple[Revision, Record]] = []
    for revision in revisions:
        known = held.get(revision.revision_id)
        if known is not None:
            if known != revision.content_hash:
                raise StoreDamaged("A revision arrived twice with different content.")
            continue
        if not revision.hash_is_valid():
            raise StoreDamaged("A revision's content does not match its hash.")
        for parent in revision.parents:
            if parent_records.get(parent) != revision.record_id:
                raise RuleViolation("A revision arrived before the revision it changes.")
        record = record_class(revision.kind).model_validate_json(revision.payload, context=STORED)
        if record.id != revision.record_id:
            raise StoreDamaged("A revision's content belongs to another record.")
        kind = kinds.get(revision.record_id)
        if kind is not None and kind != record.KIND:
            raise RuleViolation(f"A {kind} cannot be saved as a {record.KIND}.")
        kinds.setdefault(revision.record_id, record.KIND)
        held[revision.revision_id] = revision.content_hash
        parent_records[revision.revision_id] = revision.record_id
        new.append((revision, record))
    return new


def _revision_values(revision: Revision) -> dict[str, Any]:
    return {
        "revision_id": revision.revision_id,
        "record_id": revision.record_id,
        "kind": revision.kind,
        "parents": json.dumps([str(p) for p in revision.parents]),
        "author": revision.author,
        "device_id": revision.device_id,
        "created_at": revision.created_at,
        "action": revision.action.value,
        "reason": revision.reason,
        "payload": revision.payload,
        "content_hash": revision.content_hash,
    }


def _track(
    session: Session,
    new: list[tuple[Revision, Record]],
    facts: dict[UUID, tuple[str, datetime]],
    tips: dict[UUID, set[UUID]],
) -> dict[UUID, _Touched]:
    """Each touched record's tips after the page, replayed in page order."""
    touched: dict[UUID, _Touched] = {}
    for revision, record in new:
        entry = touched.get(revision.record_id)
        if entry is None:
            held = facts.get(revision.record_id)
            entry = _Touched(
                kind=revision.kind,
                tips=dict.fromkeys(tips.get(revision.record_id, set())),
                existed=held is not None,
                created_at=held[1] if held is not None else revision.created_at,
                updated_at=revision.created_at,
                last_record=record,
                last_revision=revision.revision_id,
            )
            touched[revision.record_id] = entry
        for parent in revision.parents:
            entry.tips.pop(parent, None)
        entry.tips[revision.revision_id] = _Tip(
            revision.revision_id,
            revision.kind,
            revision.action.value,
            revision.created_at,
            revision.payload,
        )
        entry.updated_at = revision.created_at
        entry.last_record = record
        entry.last_revision = revision.revision_id
    _load_held_tips(session, touched)
    return touched


def _load_held_tips(session: Session, touched: dict[UUID, _Touched]) -> None:
    """Fill in the tips held before the page that are still tips after it."""
    missing = [tid for t in touched.values() for tid, tip in t.tips.items() if tip is None]
    found: dict[UUID, _Tip] = {}
    for part in _chunks(missing):
        rows = session.execute(
            select(
                RevisionRow.revision_id,
                RevisionRow.kind,
                RevisionRow.action,
                RevisionRow.created_at,
                RevisionRow.payload,
            ).where(RevisionRow.revision_id.in_(part))
        )
        for r in rows:
            found[r.revision_id] = _Tip(r.revision_id, r.kind, r.action, r.created_at, r.payload)
    for entry in touched.values():
        for tid in list(entry.tips):
            if entry.tips[tid] is None:
                if tid not in found:
                    raise StoreDamaged("A revision named as current is missing from the store.")
                entry.tips[tid] = found[tid]


def _record_values(record_id: UUID, entry: _Touched) -> dict[str, Any]:
    """The record row as ``RevisionWriter._refresh_record_row`` would leave it."""
    tips = [t for t in entry.tips.values() if t is not None]
    latest = max(tips, key=display_order)
    record = entry.last_record
    if latest.revision_id != entry.last_revision:
        record = record_class(latest.kind).model_validate_json(latest.payload, context=STORED)
    return {
        "record_id": record_id,
        **indexed_state(entry.kind, record, latest.revision_id, tips),
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _write_tips(
    session: Session, touched: dict[UUID, _Touched], before: dict[UUID, set[UUID]]
) -> None:
    gone = [
        {"r": rid, "t": tid}
        for rid, entry in touched.items()
        for tid in before.get(rid, set()) - set(entry.tips)
    ]
    if gone:
        table = _table(RecordTipRow)
        session.connection().execute(
            delete(table).where(
                table.c.record_id == bindparam("r"), table.c.revision_id == bindparam("t")
            ),
            gone,
        )
    added = [
        {"record_id": rid, "revision_id": tid}
        for rid, entry in touched.items()
        for tid in set(entry.tips) - before.get(rid, set())
    ]
    if added:
        session.connection().execute(insert(_table(RecordTipRow)), added)


def _write_records(session: Session, touched: dict[UUID, _Touched]) -> None:
    values = [_record_values(rid, entry) for rid, entry in touched.items()]
    fresh = [v for v, e in zip(values, touched.values(), strict=True) if not e.existed]
    changed = [v for v, e in zip(values, touched.values(), strict=True) if e.existed]
    table = _table(RecordRow)
    if fresh:
        session.connection().execute(insert(table), fresh)
    if changed:
        columns = [c for c in changed[0] if c not in ("record_id", "created_at")]
        stmt = (
            update(table)
            .where(table.c.record_id == bindparam("_record_id"))
            .values({c: bindparam(c) for c in columns})
        )
        session.connection().execute(
            stmt, [{"_record_id": v["record_id"], **{c: v[c] for c in columns}} for v in changed]
        )


def _write_audit(
    session: Session, new: list[tuple[Revision, Record]], actor: str, device_id: UUID
) -> None:
    prev = session.scalar(select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1))
    prev = prev or GENESIS_HASH
    action = AuditAction.REVISION_RECEIVED.value
    rows = []
    for revision, _ in new:
        at = utc_now()
        digest = event_hash(
            prev,
            at=at,
            actor=actor,
            device_id=device_id,
            action=action,
            subject_kind=revision.kind,
            subject_id=revision.record_id,
            revision_hash=revision.content_hash,
            detail=None,
        )
        rows.append(
            {
                "at": at,
                "actor": actor,
                "device_id": device_id,
                "action": action,
                "subject_kind": revision.kind,
                "subject_id": revision.record_id,
                "revision_hash": revision.content_hash,
                "detail": None,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    session.connection().execute(insert(_table(AuditRow)), rows)


def apply_page(
    session: Session, revisions: Sequence[Revision], *, actor: str, device_id: UUID
) -> set[UUID]:
    """Apply ``revisions`` (in order) inside the caller's write transaction; returns the ids
    of those new here. See the module docstring for the contract."""
    session.flush()  # anything pending goes first, so the reads below see it
    facts = _record_facts(session, list({r.record_id for r in revisions}))
    new = _judged(session, revisions, facts)
    if not new:
        return set()
    before = _existing_tips(session, list(dict.fromkeys(r.record_id for r, _ in new)))
    touched = _track(session, new, facts, before)
    table = _table(RevisionRow)
    session.connection().execute(insert(table), [_revision_values(r) for r, _ in new])
    _write_tips(session, touched, before)
    _write_records(session, touched)
    _write_audit(session, new, actor, device_id)
    # The rows were written beneath the ORM: objects it holds for them are now stale.
    session.expire_all()
    return {r.revision_id for r, _ in new}
