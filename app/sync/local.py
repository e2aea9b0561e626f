"""What the sync engine needs of the local store, as protocols.

The store and the sync client are siblings that do not import each other (design.md
"Layers"); ``app.store.sync_state.SyncState`` satisfies :class:`LocalSyncState`
structurally, and the command line and the window hand one to the engine. The contracts are
those of ``SyncState``: the outbox in local order, acknowledgement only of the ids given, a
pulled page applied together with its cursor in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from app.models.revision import Revision


class OutboxItem(Protocol):
    """A revision not yet acknowledged, with its local order."""

    @property
    def seq(self) -> int: ...
    @property
    def revision(self) -> Revision: ...


class ChainHeadFact(Protocol):
    """The last event of the local audit chain."""

    @property
    def seq(self) -> int: ...
    @property
    def hash(self) -> str: ...


class EnrolmentFact(Protocol):
    """Where this PC syncs to and as which device."""

    @property
    def server_url(self) -> str: ...
    @property
    def device_id(self) -> UUID: ...
    @property
    def device_token(self) -> str: ...
    @property
    def ward_name(self) -> str: ...
    @property
    def trust_name(self) -> str: ...


class RefusalFact(Protocol):
    """The server's reason for not taking a revision still in the outbox."""

    @property
    def revision_id(self) -> UUID: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...


class SyncFactsView(Protocol):
    """Where sync stands in the store (for status lines)."""

    @property
    def enrolment(self) -> EnrolmentFact | None: ...
    @property
    def not_yet_sent(self) -> int: ...
    @property
    def refusals(self) -> Sequence[RefusalFact]: ...
    @property
    def last_sent_at(self) -> datetime | None: ...
    @property
    def last_synced_at(self) -> datetime | None: ...
    @property
    def chain_warning(self) -> str | None: ...
    @property
    def conflicted(self) -> int: ...
    @property
    def counts_match(self) -> bool | None: ...


class LocalSyncState(Protocol):
    """The store's side of sync (see ``app.store.sync_state.SyncState`` for the contracts)."""

    def enrolment(self) -> EnrolmentFact | None: ...
    def outbox(self, limit: int, *, after_seq: int = 0) -> Sequence[OutboxItem]: ...
    def outbox_count(self) -> int: ...
    def mark_acknowledged(self, revision_ids: Iterable[UUID]) -> int: ...
    def record_refusals(self, refusals: Iterable[tuple[UUID, str, str]]) -> None: ...
    def apply_pulled(self, pulled: Sequence[tuple[int, Revision]], next_cursor: int) -> int: ...
    def cursor(self) -> int: ...
    def synced_count(self) -> int: ...
    def audit_head(self) -> ChainHeadFact: ...
    def record_check(
        self,
        *,
        expected: int,
        held: int,
        chain_warning: str | None,
        witnessed: tuple[int, str] | None,
    ) -> None: ...
    def facts(self) -> SyncFactsView: ...
