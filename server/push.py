"""``POST /v1/revisions``: take the revisions a device made, idempotently, each only after the
checks of :mod:`server.rules`, and acknowledge them only once they are committed.

Contract (wire.py; design.md "Sync"):
- a revision already held with the same content is acknowledged again (a retry is a no-op);
  the same id with different content is refused ``conflict`` and never replaces the first;
- two server processes taking the same revision at once store it once: the insert is
  ``ON CONFLICT DO NOTHING`` on the unique revision id, and whichever loses compares hashes;
- inserts take turns (server.db.serialise_writers) so sequence numbers commit in order;
- a refusal of one revision does not stop the rest of the batch; a revision whose parent was
  refused is judged on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import select

from app.models.base import STORED, Record, record_class
from app.models.clock import utc_now
from app.models.people import AccessRole, may
from app.sync.wire import ErrorCode, PushResponse, RefusedRevision
from server.db import insert_ignoring_duplicates, serialise_writers
from server.rules import Refusal, permissions_needed, read_record, route_hint
from server.tables import AccountRow, DeviceAccountRow, DeviceRow
from server.tables_sync import RevisionRow

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session

    from app.models.revision import Revision


@dataclass
class _Batch:
    """What one push has decided so far."""

    device: DeviceRow
    accepted: list[tuple[Revision, UUID | None]] = field(default_factory=list)
    refused: dict[UUID, RefusedRevision] = field(default_factory=dict)
    #: Within this batch: the record of each accepted revision, the ward of each record.
    records: dict[UUID, Record] = field(default_factory=dict)
    wards: dict[UUID, UUID | None] = field(default_factory=dict)

    def refuse(self, revision: Revision, code: ErrorCode | str, message: str) -> None:
        self.refused[revision.revision_id] = RefusedRevision(
            revision_id=revision.revision_id, code=ErrorCode(code), message=message
        )


def _bound_authors(session: Session, device: DeviceRow, names: set[str]) -> dict[str, AccessRole]:
    """The accounts among ``names`` the server has vouched for on ``device``, with roles."""
    rows = session.execute(
        select(AccountRow.username, AccountRow.access_role)
        .join(DeviceAccountRow, DeviceAccountRow.account_id == AccountRow.id)
        .where(DeviceAccountRow.device_id == device.id, AccountRow.username.in_(names))
    )
    return {row.username: row.access_role for row in rows}


def _held_records(session: Session, revision_ids: set[UUID]) -> dict[UUID, Record]:
    """The records carried by revisions the trust already holds, by revision id."""
    found: dict[UUID, Record] = {}
    if not revision_ids:
        return found
    rows = session.execute(
        select(RevisionRow.revision_id, RevisionRow.kind, RevisionRow.payload).where(
            RevisionRow.revision_id.in_(revision_ids)
        )
    )
    for revision_id, kind, payload in rows:
        try:
            found[revision_id] = record_class(kind).model_validate_json(payload, context=STORED)
        except (KeyError, ValidationError):
            continue  # judged as "not at the trust": the right is asked for, not assumed
    return found


def _held_wards(session: Session, record_ids: set[UUID]) -> dict[UUID, UUID | None]:
    """Where the latest revision of each of ``record_ids`` held by the trust was routed."""
    latest: dict[UUID, tuple[int, UUID | None]] = {}
    if not record_ids:
        return {}
    rows = session.execute(
        select(RevisionRow.record_id, RevisionRow.seq, RevisionRow.ward_id).where(
            RevisionRow.record_id.in_(record_ids)
        )
    )
    for record_id, seq, ward_id in rows:
        if record_id not in latest or seq > latest[record_id][0]:
            latest[record_id] = (seq, ward_id)
    return {record_id: ward for record_id, (_, ward) in latest.items()}


def _previous(
    batch: _Batch, held: dict[UUID, Record], parents: Iterable[UUID]
) -> list[Record] | None:
    versions = []
    for parent in parents:
        record = batch.records.get(parent) or held.get(parent)
        if record is None:
            return None
        versions.append(record)
    return versions


def _judge(
    batch: _Batch,
    revision: Revision,
    record: Record,
    *,
    authors: dict[str, AccessRole],
    held_records: dict[UUID, Record],
    held_wards: dict[UUID, UUID | None],
) -> UUID | None:
    """The ward ``revision`` is routed to, or :class:`Refusal`."""
    role = authors.get(revision.author)
    if role is None:
        raise Refusal(
            ErrorCode.FORBIDDEN,
            "Its author has not signed in on this PC through the trust server, so this PC "
            "cannot send records in their name.",
        )
    hint = route_hint(record)
    ward = hint.ward_id
    if hint.anchor is not None:
        anchor = hint.anchor
        if anchor in batch.wards:
            ward = batch.wards[anchor]
        elif anchor in held_wards:
            ward = held_wards[anchor]
        else:  # not at the trust yet: no further than this PC's own ward
            ward = batch.device.ward_id
    if ward is not None and ward != batch.device.ward_id:
        raise Refusal(ErrorCode.FORBIDDEN, "It belongs to another ward than this PC's.")
    previous = _previous(batch, held_records, revision.parents)
    for permission in sorted(permissions_needed(revision, record, previous)):
        if not may(role, permission):
            raise Refusal(
                ErrorCode.FORBIDDEN,
                f"Its author's access role ({role.label}) does not have the right it takes "
                f"({permission.value.replace('_', ' ')}).",
            )
    return ward


def _row(revision: Revision, ward: UUID | None, device: DeviceRow) -> dict[str, Any]:
    return {
        "revision_id": revision.revision_id,
        "record_id": revision.record_id,
        "kind": revision.kind,
        "ward_id": ward,
        "parents": [str(p) for p in revision.parents],
        "author": revision.author,
        "device_id": revision.device_id,
        "created_at": revision.created_at,
        "action": revision.action.value,
        "reason": revision.reason,
        "payload": revision.payload,
        "content_hash": revision.content_hash,
        "pushed_by": device.id,
        "received_at": utc_now(),
    }


def _store(session: Session, batch: _Batch) -> tuple[set[UUID], int]:
    """Insert the accepted revisions; returns the ids now held with the same content (new or
    already there) and how many were new. Those held with other content are refused
    ``conflict``."""
    if not batch.accepted:
        return set(), 0
    serialise_writers(session)
    offered = {revision.revision_id: revision for revision, _ in batch.accepted}
    before = set(
        session.scalars(select(RevisionRow.revision_id).where(RevisionRow.revision_id.in_(offered)))
    )
    rows = [
        _row(r, ward, batch.device) for r, ward in batch.accepted if r.revision_id not in before
    ]
    if rows:
        # No RETURNING: an executemany is several times faster than one huge statement; what
        # is now held, with which content, is read back below. ON CONFLICT keeps a revision
        # taken meanwhile by another process (were writers ever not serialised) from failing
        # the batch.
        stmt = insert_ignoring_duplicates(session, RevisionRow.__table__, ["revision_id"])
        session.connection().execute(stmt, rows)
    held = session.execute(
        select(RevisionRow.revision_id, RevisionRow.content_hash).where(
            RevisionRow.revision_id.in_(offered)
        )
    )
    taken: set[UUID] = set()
    for revision_id, content_hash in held:
        if content_hash == offered[revision_id].content_hash:
            taken.add(revision_id)
        else:
            batch.refuse(
                offered[revision_id],
                ErrorCode.CONFLICT,
                "The trust already holds a different revision with this id; this one was "
                "not taken.",
            )
    return taken, len(taken - before)


def _without_twins(batch: _Batch, revisions: Sequence[Revision]) -> list[Revision]:
    """``revisions`` less any id the batch holds with two different contents (all of its
    copies are refused: neither may be acknowledged)."""
    hashes: dict[UUID, set[str]] = {}
    for revision in revisions:
        hashes.setdefault(revision.revision_id, set()).add(revision.content_hash)
    kept = []
    for revision in revisions:
        if len(hashes[revision.revision_id]) > 1:
            batch.refuse(
                revision, ErrorCode.CONFLICT, "The batch holds this id twice, differently."
            )
        else:
            kept.append(revision)
    return kept


def push_revisions(
    session: Session, device: DeviceRow, revisions: Sequence[Revision]
) -> tuple[PushResponse, int]:
    """Judge and store ``revisions`` pushed by ``device`` (not committed: the caller commits,
    then answers). Returns the answer and how many revisions were new to the trust."""
    batch = _Batch(device)
    unique: dict[UUID, Revision] = {}
    records: dict[UUID, Record] = {}
    for revision in _without_twins(batch, revisions):
        if revision.revision_id in unique:
            continue  # the same revision twice in one batch: taken once
        unique[revision.revision_id] = revision
        try:
            records[revision.revision_id] = read_record(revision)
        except Refusal as refusal:
            batch.refuse(revision, refusal.code, refusal.message)
    readable = [r for r in unique.values() if r.revision_id in records]
    authors = _bound_authors(session, device, {r.author for r in readable})
    parent_ids = {p for r in readable for p in r.parents} - set(unique)
    held_records = _held_records(session, parent_ids)
    anchors = {route_hint(records[r.revision_id]).anchor for r in readable}
    held_wards = _held_wards(session, {a for a in anchors if a is not None})
    for revision in readable:
        record = records[revision.revision_id]
        try:
            ward = _judge(
                batch,
                revision,
                record,
                authors=authors,
                held_records=held_records,
                held_wards=held_wards,
            )
        except Refusal as refusal:
            batch.refuse(revision, refusal.code, refusal.message)
            continue
        batch.accepted.append((revision, ward))
        batch.records[revision.revision_id] = record
        batch.wards[revision.record_id] = ward
    taken, new = _store(session, batch)
    acknowledged = [r.revision_id for r in unique.values() if r.revision_id in taken]
    answer = PushResponse(
        acknowledged=acknowledged, refused=list(batch.refused.values()), server_time=utc_now()
    )
    return answer, new
