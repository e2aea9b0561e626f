"""One sync: push the outbox, pull what is new, end with the count check (design.md "Sync").

Order and guarantees:
1. **Push** the outbox in batches of :data:`~app.sync.wire.MAX_PUSH`, in the order the
   revisions were made here (a parent before its child). After each answer, exactly the
   revisions of that batch the server acknowledged leave the outbox; refused ones stay, with
   the server's reason kept for a person to see. A batch whose answer is lost marks nothing:
   it is sent again next time, and the server takes it again as a no-op.
2. **Pull** pages after the cursor; each page is applied and the cursor moved in one local
   transaction, so a crash repeats a page and never skips one.
3. **Check**: the server says how many revisions this PC should hold at its cursor and what its
   witness saw of the audit chain. A count that does not match is repaired by pulling again
   from 0 (applying is idempotent) and checking once more — never by wiping either side; a
   count still wrong after that, or a chain warning, is reported and kept for ``rpr status``
   and ``rpr verify``.

Any :class:`~app.sync.errors.SyncFailed` (offline, refused, the clock off) stops the sync where
it is; what was acknowledged or applied before stays so, nothing else moved. No Qt, no SQL: the
store is reached through :class:`~app.sync.local.LocalSyncState`.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from app.sync.errors import ServerUnreachable
from app.sync.wire import (
    MAX_PULL,
    MAX_PUSH,
    AuditHead,
    ChainWarning,
    CheckRequest,
    CheckResponse,
    PullResponse,
    PushResponse,
    RefusedRevision,
)

if TYPE_CHECKING:
    from app.models.revision import Revision
    from app.sync.local import LocalSyncState

log = logging.getLogger("rpr.sync")


class ServerLink(Protocol):
    """The endpoints a sync uses (``app.sync.transport.Transport``)."""

    def push(self, revisions: list[Revision]) -> PushResponse: ...
    def pull(self, after: int, limit: int = MAX_PULL) -> PullResponse: ...
    def check(self, request: CheckRequest) -> CheckResponse: ...


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync did (counts and identifiers only, no patient data)."""

    #: Revisions the server acknowledged for the first time in this sync.
    sent: int
    #: Revisions the server refused in this sync (they stay in the outbox).
    refused: tuple[RefusedRevision, ...]
    #: Revisions new to this PC, applied from the server.
    received: int
    #: Revisions still in the outbox after the sync.
    not_yet_sent: int
    cursor: int
    #: What this PC held and what the server expected at the final check.
    held: int
    expected: int
    #: True when the first check did not match and pulling again from 0 was needed.
    repaired: bool
    chain_warning: ChainWarning | None
    #: The record kinds of the pages that brought something new (for screens to refresh).
    received_kinds: frozenset[str] = frozenset()

    @property
    def counts_match(self) -> bool:
        """Whether the final count check agreed."""
        return self.held == self.expected


class SyncEngine:
    """Runs one sync of ``state`` (the local store) with ``server``. Not thread-safe: the
    scheduler runs one sync at a time."""

    def __init__(
        self,
        state: LocalSyncState,
        server: ServerLink,
        *,
        push_batch: int = MAX_PUSH,
        pull_limit: int = MAX_PULL,
    ) -> None:
        self._state = state
        self._server = server
        self._push_batch = min(push_batch, MAX_PUSH)
        self._pull_limit = min(pull_limit, MAX_PULL)
        self._kinds: set[str] = set()

    def run(self) -> SyncReport:
        """Push, pull, check (see the module docstring). Raises ``SyncFailed`` and the store's
        own errors; whatever was done before the failure stays done."""
        self._kinds.clear()
        sent, refused = self.push()
        received = self.pull(self._state.cursor())
        check, held = self.check()
        repaired = False
        if not check.matches:
            log.warning(
                "count check: server expects %d revisions, this PC holds %d; pulling again",
                check.expected,
                held,
            )
            received += self.pull(0)
            check, held = self.check()
            repaired = True
        warning = check.chain_warning
        witnessed = check.witnessed_head
        self._state.record_check(
            expected=check.expected,
            held=held,
            chain_warning=warning.value if warning else None,
            witnessed=(witnessed.seq, witnessed.hash) if witnessed else None,
        )
        if warning is not None:
            log.warning("the trust server's witness reports this PC's audit chain as %s", warning)
        return SyncReport(
            sent=sent,
            refused=refused,
            received=received,
            not_yet_sent=self._state.outbox_count(),
            cursor=self._state.cursor(),
            held=held,
            expected=check.expected,
            repaired=repaired,
            chain_warning=warning,
            received_kinds=frozenset(self._kinds),
        )

    def push(self) -> tuple[int, tuple[RefusedRevision, ...]]:
        """Send the whole outbox in local order; returns (newly acknowledged, refused)."""
        sent = 0
        refused: list[RefusedRevision] = []
        after = 0
        while True:
            batch = self._state.outbox(self._push_batch, after_seq=after)
            if not batch:
                break
            answer = self._server.push([item.revision for item in batch])
            in_batch = {item.revision.revision_id for item in batch}
            # Only what this answer acknowledges, and only revisions of this batch.
            acknowledged = [rid for rid in answer.acknowledged if rid in in_batch]
            sent += self._state.mark_acknowledged(acknowledged)
            taken = set(acknowledged)
            kept_back = [r for r in answer.refused if r.revision_id in in_batch - taken]
            if kept_back:
                self._state.record_refusals(
                    (r.revision_id, r.code.value, r.message) for r in kept_back
                )
                refused.extend(kept_back)
            after = batch[-1].seq
            if len(batch) < self._push_batch:
                break
        return sent, tuple(refused)

    def pull(self, after: int) -> int:
        """Pull every page after ``after``; returns how many revisions were new here."""
        received = 0
        while True:
            page = self._server.pull(after, self._pull_limit)
            _check_page(page, after)
            new = self._state.apply_pulled(
                [(p.seq, p.revision) for p in page.revisions], page.next_cursor
            )
            if new:
                self._kinds.update(p.revision.kind for p in page.revisions)
            received += new
            if not page.more:
                return received
            after = page.next_cursor

    def check(self) -> tuple[CheckResponse, int]:
        """Ask the server to check this PC's count and audit-chain head; (answer, held)."""
        held = self._state.synced_count()
        head = self._state.audit_head()
        answer = self._server.check(
            CheckRequest(
                cursor=self._state.cursor(),
                revisions_held=held,
                audit_head=AuditHead(seq=head.seq, hash=head.hash),
            )
        )
        return answer, held


def _check_page(page: PullResponse, after: int) -> None:
    """Refuse a page that would move the cursor wrongly (a server fault, not the network's
    — but applying it could skip revisions, so nothing of it is applied)."""
    seqs = [p.seq for p in page.revisions]
    ordered = all(a < b for a, b in itertools.pairwise(seqs))
    if (
        page.next_cursor < after
        or not ordered
        or (seqs and (seqs[0] <= after or page.next_cursor < seqs[-1]))
        or (page.more and page.next_cursor == after)
    ):
        raise ServerUnreachable(
            "The trust server sent a page of revisions out of order; nothing of it was applied "
            "and sync will try again. What is saved on this PC is kept."
        )
