"""The sync client's state as plain values, and the session-level steps that keep it.

The rows live in the encrypted store (:mod:`app.store.schema`: ``revision_sync``,
``sync_refusal``, ``sync_enrolment``, ``sync_state``); :mod:`app.store.sync_state` is the API
the sync engine uses. Nothing here knows the network or the wire schema: the store and the sync
client are siblings (design.md "Layers"), and they meet in plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import ColumnElement, exists, func, select

from app.models.clock import utc_now
from app.store.audit import AuditAction, append_event
from app.store.schema import RevisionRow, RevisionSyncRow, SyncEnrolmentRow, SyncStateRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models.revision import Revision

_ONE_ROW = 1


@dataclass(frozen=True, slots=True)
class Enrolment:
    """This PC's enrolment with the trust server. ``device_token`` is the device's credential:
    kept inside the encrypted store only, never shown or logged (left out of ``repr``)."""

    server_url: str
    device_id: UUID
    device_token: str = field(repr=False)
    ward_id: UUID
    ward_name: str
    trust_name: str
    #: When and by whom (the account that signed in at enrolment); set when stored.
    enrolled_at: datetime | None = None
    enrolled_by: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A revision not yet acknowledged by the server, with its local order (``seq``)."""

    seq: int
    revision: Revision


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the server last refused a revision that is still in the outbox."""

    revision_id: UUID
    code: str
    message: str
    refused_at: datetime


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of the local audit chain: its number and hash."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class SyncFacts:
    """Where sync stands, for ``rpr status`` and the window's indicator (no patient data)."""

    enrolment: Enrolment | None
    not_yet_sent: int
    refusals: tuple[Refusal, ...]
    cursor: int
    last_sent_at: datetime | None
    last_synced_at: datetime | None
    #: The last count check: what the server expected and what this PC held (None: never).
    check_expected: int | None
    check_held: int | None
    #: What the server's witness last said of this PC's audit chain ("shorter", "different").
    chain_warning: str | None
    witnessed: ChainHead | None
    conflicted: int

    @property
    def counts_match(self) -> bool | None:
        """Whether the last count check agreed (None: no check yet)."""
        if self.check_expected is None or self.check_held is None:
            return None
        return self.check_expected == self.check_held


def save_enrolment(session: Session, enrolment: Enrolment, *, actor: str, device_id: UUID) -> None:
    """Record the enrolment (once: a store is enrolled at most once) and audit it, inside the
    caller's write transaction. The audit detail names identifiers only."""
    session.add(
        SyncEnrolmentRow(
            id=_ONE_ROW,
            server_url=enrolment.server_url,
            device_id=enrolment.device_id,
            device_token=enrolment.device_token,
            ward_id=enrolment.ward_id,
            ward_name=enrolment.ward_name,
            trust_name=enrolment.trust_name,
            enrolled_at=utc_now(),
            enrolled_by=actor,
        )
    )
    state_row(session)
    session.flush()
    append_event(
        session,
        actor=actor,
        device_id=device_id,
        action=AuditAction.DEVICE_ENROLLED,
        detail=f"enrolled as device {enrolment.device_id} for ward {enrolment.ward_id}",
    )


def load_enrolment(session: Session) -> Enrolment | None:
    """The stored enrolment, or None for a PC that was never enrolled."""
    row = session.get(SyncEnrolmentRow, _ONE_ROW)
    if row is None:
        return None
    return Enrolment(
        server_url=row.server_url,
        device_id=row.device_id,
        device_token=row.device_token,
        ward_id=row.ward_id,
        ward_name=row.ward_name,
        trust_name=row.trust_name,
        enrolled_at=row.enrolled_at,
        enrolled_by=row.enrolled_by,
    )


def state_row(session: Session) -> SyncStateRow:
    """The one ``sync_state`` row, made (cursor 0, nothing known sent) on first use; only
    inside a write transaction."""
    row = session.get(SyncStateRow, _ONE_ROW)
    if row is None:
        row = SyncStateRow(id=_ONE_ROW, cursor=0, outbox_floor=0)
        session.add(row)
        session.flush()
    return row


def read_state(session: Session) -> SyncStateRow | None:
    """The ``sync_state`` row if there is one (reads never make it)."""
    return session.get(SyncStateRow, _ONE_ROW)


def unsent_condition(floor: int) -> ColumnElement[bool]:
    """The SQL condition "a revision in the outbox": above the floor, not held by the server."""
    held = exists().where(RevisionSyncRow.revision_id == RevisionRow.revision_id)
    return (RevisionRow.seq > floor) & ~held


def advance_floor(session: Session, state: SyncStateRow) -> None:
    """Raise the outbox floor to just below the first revision still in the outbox (or to the
    last revision when none is). Called after rows were added to ``revision_sync`` in the same
    transaction, so it looks only at revisions above the old floor."""
    first_unsent = session.scalar(
        select(func.min(RevisionRow.seq)).where(unsent_condition(state.outbox_floor))
    )
    if first_unsent is None:
        state.outbox_floor = session.scalar(select(func.max(RevisionRow.seq))) or 0
    else:
        state.outbox_floor = first_unsent - 1
