"""An in-memory stand-in for the trust server's sync semantics (wire.py), for testing the
engine's own logic where a real server cannot misbehave on demand: an answer lost after the
commit at a chosen moment, an acknowledgement of ids that were not sent. The real server is
used everywhere else (tests/sync/test_engine_server.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from app.models.revision import Revision
from app.sync.errors import ServerUnreachable
from app.sync.wire import (
    MAX_PULL,
    AuditHead,
    ChainWarning,
    CheckRequest,
    CheckResponse,
    ErrorCode,
    PulledRevision,
    PullResponse,
    PushResponse,
    RefusedRevision,
)

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


class MemoryTrust:
    """Every revision the trust holds, numbered in arrival order; one ward."""

    def __init__(self) -> None:
        self.revisions: list[Revision] = []
        self.seq_of: dict[UUID, int] = {}
        self.pushed_by: dict[UUID, set[UUID]] = {}
        self.witnessed: dict[UUID, AuditHead] = {}
        #: Return a reason to refuse a revision (None: take it).
        self.refuse: Callable[[Revision], str | None] = lambda revision: None

    def link(self, device: UUID) -> MemoryLink:
        return MemoryLink(self, device)


class MemoryLink:
    """One device's connection, with faults to switch on."""

    def __init__(self, trust: MemoryTrust, device: UUID) -> None:
        self.trust = trust
        self.device = device
        self.lose_push_answers = 0  # commit, then the answer never arrives
        self.fail_pulls_after = -1  # pages served before the line drops (-1: never)
        self.extra_acknowledged: list[UUID] = []
        self.pushes: list[list[UUID]] = []

    def push(self, revisions: list[Revision]) -> PushResponse:
        self.pushes.append([r.revision_id for r in revisions])
        acknowledged, refused = [], []
        for revision in revisions:
            reason = self.trust.refuse(revision)
            if reason is None and not revision.hash_is_valid():
                reason = "Its content does not match its hash."
            if reason is not None and revision.revision_id not in self.trust.seq_of:
                refused.append(
                    RefusedRevision(
                        revision_id=revision.revision_id, code=ErrorCode.FORBIDDEN, message=reason
                    )
                )
                continue
            if revision.revision_id not in self.trust.seq_of:
                self.trust.revisions.append(revision)
                self.trust.seq_of[revision.revision_id] = len(self.trust.revisions)
            self.trust.pushed_by.setdefault(self.device, set()).add(revision.revision_id)
            acknowledged.append(revision.revision_id)
        if self.lose_push_answers:
            self.lose_push_answers -= 1
            raise ServerUnreachable("The trust server broke off its answer; sync will try again.")
        return PushResponse(
            acknowledged=[*acknowledged, *self.extra_acknowledged],
            refused=refused,
            server_time=NOW,
        )

    def pull(self, after: int, limit: int = MAX_PULL) -> PullResponse:
        if self.fail_pulls_after == 0:
            raise ServerUnreachable("The trust server cannot be reached; sync will try again.")
        self.fail_pulls_after -= 1
        page = self.trust.revisions[after : after + limit]
        pulled = [PulledRevision(seq=after + i + 1, revision=r) for i, r in enumerate(page)]
        return PullResponse(
            revisions=pulled,
            next_cursor=after + len(page),
            more=after + len(page) < len(self.trust.revisions),
            server_time=NOW,
        )

    def check(self, request: CheckRequest) -> CheckResponse:
        visible = {r.revision_id for r in self.trust.revisions[: request.cursor]}
        expected = len(visible | self.trust.pushed_by.get(self.device, set()))
        seen = self.trust.witnessed.get(self.device)
        warning = None
        if seen is not None and request.audit_head.seq < seen.seq:
            warning = ChainWarning.SHORTER
        elif seen is not None and request.audit_head == seen:
            pass
        elif seen is not None and request.audit_head.seq == seen.seq:
            warning = ChainWarning.DIFFERENT
        if seen is None or request.audit_head.seq > seen.seq:
            self.trust.witnessed[self.device] = request.audit_head
        return CheckResponse(
            expected=expected,
            matches=expected == request.revisions_held,
            chain_warning=warning,
            witnessed_head=self.trust.witnessed[self.device],
            server_time=NOW,
        )
