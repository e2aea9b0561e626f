"""The sync client's state in the encrypted store: outbox, acknowledgements, refusals, the pull
cursor, the count check and the audit-chain witness (design.md "Sync").

Contracts:
- the **outbox** is every revision the server does not hold (no ``revision_sync`` row), in
  local order; a revision leaves it only through :meth:`SyncState.mark_acknowledged` with the
  ids the server acknowledged, or when the server sends it back in a pull (it holds it);
- :meth:`SyncState.apply_pulled` applies a page of revisions and moves the cursor in **one**
  transaction: a crash before the commit leaves neither, so the page is pulled again — work is
  repeated, never skipped. Applying is idempotent by revision id and refuses a revision whose
  hash does not match its content (:meth:`RevisionWriter.apply`);
- the cursor never moves backwards; rows of ``revision_sync`` are never removed.

Every method is one read or one write transaction of the store (``Store.sync``), so it may be
called from the sync thread while the window saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from sqlalchemy import Table, bindparam, delete, func, insert, select, update

from app.models.clock import utc_now
from app.store.revisions import revision_from_row
from app.store.schema import (
    AuditRow,
    RecordRow,
    RevisionRow,
    RevisionSyncRow,
    SyncRefusalRow,
)
from app.store.sync_facts import (
    ChainHead,
    Enrolment,
    OutboxEntry,
    Refusal,
    SyncFacts,
    advance_floor,
    load_enrolment,
    read_state,
    state_row,
    unsent_condition,
)

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from app.models.revision import Revision
    from app.store.transaction import WriteTransaction

__all__ = ["ChainHead", "Enrolment", "OutboxEntry", "Refusal", "SyncFacts", "SyncState"]

ReadSession = Callable[[], AbstractContextManager["Session"]]
WriteParts = Callable[[], AbstractContextManager["tuple[WriteTransaction, Session]"]]


def _table(row_class: type[Any]) -> Table:
    """The Core table of a mapped class (typed for SQL built beneath the ORM)."""
    return cast("Table", row_class.__table__)


#: Refusals shown at most (the count of what is not yet sent is always exact).
REFUSALS_SHOWN = 50


class SyncState:
    """The sync state of one open store. Made by ``Store.sync``; holds no state itself."""

    def __init__(self, read: ReadSession, write: WriteParts) -> None:
        self._read = read
        self._write = write

    # -- reading ---------------------------------------------------------------------------

    def enrolment(self) -> Enrolment | None:
        """This PC's enrolment (with its device token), or None when never enrolled."""
        with self._read() as session:
            return load_enrolment(session)

    def outbox(self, limit: int, *, after_seq: int = 0) -> list[OutboxEntry]:
        """Up to ``limit`` revisions not yet acknowledged, in the order they were made here,
        starting after local sequence ``after_seq`` (to page past refused ones)."""
        with self._read() as session:
            floor = _floor(session)
            rows = session.scalars(
                select(RevisionRow)
                .where(unsent_condition(max(floor, after_seq)))
                .order_by(RevisionRow.seq)
                .limit(limit)
            )
            return [OutboxEntry(row.seq, revision_from_row(row)) for row in rows]

    def outbox_count(self) -> int:
        """How many revisions are saved on this PC and not yet acknowledged by the server."""
        with self._read() as session:
            return _outbox_count(session)

    def unsent_records(self, record_ids: Iterable[UUID] | None = None) -> set[UUID]:
        """Which records have a revision not yet sent (among ``record_ids``, or all)."""
        with self._read() as session:
            query = select(RevisionRow.record_id).where(unsent_condition(_floor(session)))
            if record_ids is not None:
                query = query.where(RevisionRow.record_id.in_(list(record_ids)))
            return set(session.scalars(query.distinct()))

    def cursor(self) -> int:
        """The server sequence number up to which every revision for this ward is held."""
        with self._read() as session:
            state = read_state(session)
            return state.cursor if state else 0

    def revision_count(self) -> int:
        """Every revision this store holds (made here or received)."""
        with self._read() as session:
            return _revision_count(session)

    def synced_count(self) -> int:
        """How many revisions this store holds that the server holds too (acknowledged or
        pulled): what the server's count check expects, whatever is still in the outbox."""
        with self._read() as session:
            return session.scalar(select(func.count()).select_from(RevisionSyncRow)) or 0

    def audit_head(self) -> ChainHead:
        """The last event of the audit chain (every store has at least its creation event)."""
        with self._read() as session:
            row = session.execute(
                select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
            ).one()
            return ChainHead(row.seq, row.hash)

    def refusals(self, limit: int = REFUSALS_SHOWN) -> tuple[Refusal, ...]:
        """The server's latest refusals of revisions still in the outbox, in local order."""
        with self._read() as session:
            return _refusals(session, limit)

    def facts(self) -> SyncFacts:
        """Everything about sync that status lines show, from one consistent snapshot."""
        with self._read() as session:
            state = read_state(session)
            witnessed = None
            if state and state.witnessed_seq is not None and state.witnessed_hash:
                witnessed = ChainHead(state.witnessed_seq, state.witnessed_hash)
            conflicted = select(func.count()).select_from(RecordRow).where(RecordRow.tip_count > 1)
            return SyncFacts(
                enrolment=load_enrolment(session),
                not_yet_sent=_outbox_count(session),
                refusals=_refusals(session, REFUSALS_SHOWN),
                cursor=state.cursor if state else 0,
                last_sent_at=state.last_sent_at if state else None,
                last_synced_at=state.last_synced_at if state else None,
                check_expected=state.check_expected if state else None,
                check_held=state.check_held if state else None,
                chain_warning=state.chain_warning if state else None,
                witnessed=witnessed,
                conflicted=session.scalar(conflicted) or 0,
            )

    # -- writing ---------------------------------------------------------------------------

    def mark_acknowledged(self, revision_ids: Iterable[UUID]) -> int:
        """Take the revisions the server acknowledged out of the outbox; returns how many left
        it now. Only ids given here are marked — the caller passes exactly what the server's
        answer acknowledged — and an id this store does not hold is ignored."""
        wanted = set(revision_ids)
        if not wanted:
            return 0
        with self._write() as (_, session):
            held = set(
                session.scalars(
                    select(RevisionRow.revision_id).where(RevisionRow.revision_id.in_(wanted))
                )
            )
            already = set(
                session.scalars(
                    select(RevisionSyncRow.revision_id).where(RevisionSyncRow.revision_id.in_(held))
                )
            )
            now = utc_now()
            new = held - already
            session.add_all(
                RevisionSyncRow(revision_id=rid, server_seq=None, acknowledged_at=now)
                for rid in new
            )
            session.execute(delete(SyncRefusalRow).where(SyncRefusalRow.revision_id.in_(held)))
            state = state_row(session)
            if held:
                state.last_sent_at = now
            session.flush()
            advance_floor(session, state)
            return len(new)

    def record_refusals(self, refusals: Iterable[tuple[UUID, str, str]]) -> None:
        """Keep the server's reason for each refused ``(revision id, code, message)``; the
        revisions stay in the outbox (a refusal is never silently dropped)."""
        with self._write() as (_, session):
            now = utc_now()
            for revision_id, code, message in refusals:
                if session.scalar(
                    select(RevisionSyncRow.revision_id).where(
                        RevisionSyncRow.revision_id == revision_id
                    )
                ) or not session.scalar(
                    select(RevisionRow.seq).where(RevisionRow.revision_id == revision_id)
                ):
                    continue  # held by the server after all, or not ours: nothing to show
                session.merge(
                    SyncRefusalRow(
                        revision_id=revision_id, code=code, message=message, refused_at=now
                    )
                )

    def apply_pulled(self, pulled: Sequence[tuple[int, Revision]], next_cursor: int) -> int:
        """Apply one page of ``(server seq, revision)`` and move the cursor to ``next_cursor``
        (never backwards), all in one transaction; returns how many revisions were new here.

        A revision already held (one this PC pushed, or a page pulled again) is not applied
        twice but is marked as held by the server — it leaves the outbox if it was still there
        (an acknowledgement lost on the way). Anything refused by ``apply`` (a hash that does
        not match, a parent never seen) rolls the whole page back, cursor included.

        An empty page that would not move the cursor (a sync with nothing new) changes
        nothing, so it is answered from a read, without a write transaction and its synced
        commit."""
        if not pulled:
            with self._read() as session:
                state = read_state(session)
                if state is not None and state.cursor >= next_cursor:
                    return 0
        with self._write() as (tx, session):
            now = utc_now()
            applied = len(tx.apply_many([revision for _, revision in pulled]))
            _mark_held_by_server(session, pulled, now)
            ids = [revision.revision_id for _, revision in pulled]
            if ids:
                session.execute(delete(SyncRefusalRow).where(SyncRefusalRow.revision_id.in_(ids)))
            state = state_row(session)
            state.cursor = max(state.cursor, next_cursor)
            session.flush()
            advance_floor(session, state)
            return applied

    def record_check(
        self,
        *,
        expected: int,
        held: int,
        chain_warning: str | None,
        witnessed: tuple[int, str] | None,
    ) -> None:
        """Keep the result of the count check that ended a sync, and what the server's witness
        said of the audit chain (``witnessed``: the last event it has seen, number and hash);
        the sync counts as complete at this moment."""
        with self._write() as (_, session):
            state = state_row(session)
            state.check_expected = expected
            state.check_held = held
            state.chain_warning = chain_warning
            state.witnessed_seq, state.witnessed_hash = witnessed or (None, None)
            state.last_synced_at = utc_now()


def _mark_held_by_server(
    session: Session, pulled: Sequence[tuple[int, Revision]], now: datetime
) -> None:
    """A ``revision_sync`` row for each pulled revision (the server holds it), with its server
    sequence number; an acknowledged one learns its number. Set-at-a-time: a page is ≤ 1000."""
    seqs: dict[UUID, int] = {}
    for seq, revision in pulled:
        seqs.setdefault(revision.revision_id, seq)
    known: dict[UUID, int | None] = {}
    ids = list(seqs)
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(RevisionSyncRow.revision_id, RevisionSyncRow.server_seq).where(
                RevisionSyncRow.revision_id.in_(ids[start : start + 900])
            )
        )
        known.update({r.revision_id: r.server_seq for r in rows})
    fresh = [
        {"revision_id": rid, "server_seq": seq, "acknowledged_at": now}
        for rid, seq in seqs.items()
        if rid not in known
    ]
    numbered = [{"_rid": rid, "seq": seqs[rid]} for rid, seq in known.items() if seq is None]
    table = _table(RevisionSyncRow)
    if fresh:
        session.connection().execute(insert(table), fresh)
    if numbered:
        session.connection().execute(
            update(table)
            .where(table.c.revision_id == bindparam("_rid"))
            .values(server_seq=bindparam("seq")),
            numbered,
        )
    session.expire_all()  # written beneath the ORM


def _floor(session: Session) -> int:
    state = read_state(session)
    return state.outbox_floor if state else 0


def _outbox_count(session: Session) -> int:
    query = select(func.count()).select_from(RevisionRow).where(unsent_condition(_floor(session)))
    return session.scalar(query) or 0


def _revision_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RevisionRow)) or 0


def _refusals(session: Session, limit: int) -> tuple[Refusal, ...]:
    rows = session.scalars(
        select(SyncRefusalRow)
        .join(RevisionRow, RevisionRow.revision_id == SyncRefusalRow.revision_id)
        .order_by(RevisionRow.seq)
        .limit(limit)
    )
    return tuple(Refusal(r.revision_id, r.code, r.message, r.refused_at) for r in rows)
