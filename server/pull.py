"""``GET /v1/revisions`` and ``POST /v1/sync/check``: what a device may see, in pages, and the
count and audit-chain witness that end each sync.

A device sees the revisions routed to its ward and the trust-wide ones (routed to no ward),
in sequence order. Each read is one SQL statement, so one snapshot: a page never holds a
later revision without an earlier one that was committed before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Integer, Select, bindparam, func, select, union_all

from app.models.base import STORED
from app.models.clock import utc_now
from app.models.revision import Revision
from app.sync.wire import (
    AuditHead,
    ChainWarning,
    CheckRequest,
    CheckResponse,
    PulledRevision,
    PullResponse,
)
from server.db import upsert
from server.tables_sync import DeviceAuditHeadRow, RevisionRow

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

    from server.tables import DeviceRow

#: The largest sequence number either database holds (64-bit signed).
MAX_SEQ = 2**63 - 1
#: The columns of ``revision`` that make a :class:`Revision` (named alike).
_REVISION_FIELDS = (
    "revision_id",
    "record_id",
    "kind",
    "parents",
    "author",
    "device_id",
    "created_at",
    "action",
    "reason",
    "payload",
    "content_hash",
)


def _page_statement() -> Select[Any]:
    """Up to ``:limit`` rows after ``:after``: ward ``:ward_id``'s and the trust-wide, merged
    in order. Two ordered index scans, not one scan filtered by "this ward or none"."""
    revision = RevisionRow.__table__
    after, limit = bindparam("after", type_=BigInteger), bindparam("limit", type_=Integer)
    # What a pulled revision is made of (not where it was routed, who delivered it, when).
    columns = [revision.c[name] for name in ("seq", *_REVISION_FIELDS)]
    parts = [
        select(*columns)
        .where(where, revision.c.seq > after)
        .order_by(revision.c.seq)
        .limit(limit)
        .subquery()
        for where in (revision.c.ward_id == bindparam("ward_id"), revision.c.ward_id.is_(None))
    ]
    merged = union_all(*(select(part) for part in parts)).subquery()
    return select(merged).order_by(merged.c.seq).limit(limit)


#: Built once: building this statement (its subqueries' columns) cost more than running it.
_PAGE = _page_statement()


def _page(session: Session, ward_id: UUID, after: int, limit: int) -> list[Any]:
    """Up to ``limit`` rows after ``after`` for ward ``ward_id`` (see :func:`_page_statement`)."""
    params = {"ward_id": ward_id, "after": after, "limit": limit}
    return list(session.connection().execute(_PAGE, params).all())


def _revision(row: Any) -> Revision:
    return Revision.model_validate(
        {name: getattr(row, name) for name in _REVISION_FIELDS}, context=STORED
    )


def pull_page(session: Session, device: DeviceRow, after: int, limit: int) -> PullResponse:
    """One page for ``device`` after the cursor ``after`` (see wire.py for the contract)."""
    rows = _page(session, device.ward_id, min(after, MAX_SEQ), limit + 1)
    page = rows[:limit]
    pulled = [PulledRevision(seq=row.seq, revision=_revision(row)) for row in page]
    return PullResponse(
        revisions=pulled,
        next_cursor=page[-1].seq if page else after,
        more=len(rows) > limit,
        server_time=utc_now(),
    )


def _count(*where: ColumnElement[bool]) -> Any:
    return select(func.count()).select_from(RevisionRow).where(*where).scalar_subquery()


def _expected_statement() -> Select[Any]:
    cursor = bindparam("cursor", type_=BigInteger)
    up_to = RevisionRow.seq <= cursor
    return select(
        _count(RevisionRow.ward_id == bindparam("ward_id"), up_to)
        + _count(RevisionRow.ward_id.is_(None), up_to)
        + _count(RevisionRow.pushed_by == bindparam("device_id"), RevisionRow.seq > cursor)
    )


#: Built once, like :data:`_PAGE`.
_EXPECTED = _expected_statement()


def expected_count(session: Session, device: DeviceRow, cursor: int) -> int:
    """How many revisions ``device`` should hold at ``cursor``: every one it may see up to the
    cursor, plus those it delivered itself after it (acknowledged, so held on both sides)."""
    params = {"cursor": min(cursor, MAX_SEQ), "ward_id": device.ward_id, "device_id": device.id}
    total = session.connection().execute(_EXPECTED, params).scalar()
    return int(total or 0)


def witness(
    session: Session, device: DeviceRow, head: AuditHead
) -> tuple[ChainWarning | None, AuditHead]:
    """Compare ``head`` with the longest chain head ``device`` has shown, keep the longer,
    and say what was noticed: a chain shorter than one seen, or the same length with a
    different hash. (A longer chain cannot be checked against the seen head here; the
    device's own verification does that.)"""
    seen_row = session.get(DeviceAuditHeadRow, device.id, with_for_update=True)
    seen = AuditHead(seq=seen_row.seq, hash=seen_row.hash) if seen_row else None
    warning = None
    if seen is not None and head.seq < seen.seq:
        warning = ChainWarning.SHORTER
    elif seen is not None and head.seq == seen.seq and head.hash != seen.hash:
        warning = ChainWarning.DIFFERENT
    if seen is None or head.seq > seen.seq:
        table = DeviceAuditHeadRow.__table__
        stmt = upsert(session, table).values(
            device_id=device.id, seq=head.seq, hash=head.hash, witnessed_at=utc_now()
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.device_id],
            set_={
                "seq": stmt.excluded.seq,
                "hash": stmt.excluded.hash,
                "witnessed_at": stmt.excluded.witnessed_at,
            },
            where=table.c.seq < stmt.excluded.seq,
        )
        session.execute(stmt)
        seen = head
    return warning, seen


def check(session: Session, device: DeviceRow, request: CheckRequest) -> CheckResponse:
    """The end of a sync: the count check and the audit-chain witness."""
    expected = expected_count(session, device, request.cursor)
    warning, seen = witness(session, device, request.audit_head)
    return CheckResponse(
        expected=expected,
        matches=expected == request.revisions_held,
        chain_warning=warning,
        witnessed_head=seen,
        server_time=utc_now(),
    )
