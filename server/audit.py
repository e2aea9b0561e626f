"""The request audit log: who asked what, from which device, and what came of it.

Every request that reads or changes clinical data is written, in the same transaction as its
work (a push's row commits with its revisions), and so is every refusal, in a transaction of
its own. A row holds identifiers, counts and codes only: never a payload, a reason or a name
a person typed.

Handlers fill the request's :class:`AuditNote` as they learn who is asking and which records
they touch; :func:`write_audit` and :func:`audit_refusal` turn it into a row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.exc import SQLAlchemyError

from app.models.clock import utc_now
from server.tables_sync import RequestAuditRow

if TYPE_CHECKING:
    from uuid import UUID

    from fastapi import Request
    from sqlalchemy.orm import Session, sessionmaker

    from app.sync.wire import ErrorCode

log = logging.getLogger("rpr.server.audit")

#: An outcome that is not a refusal.
OK = "ok"


@dataclass
class AuditNote:
    """What a request has shown so far: the device, the account, the records touched."""

    device_id: UUID | None = None
    username: str | None = None
    record_ids: list[str] = field(default_factory=list)
    detail: str | None = None


def note(request: Request) -> AuditNote:
    """The request's audit note, made on first use."""
    existing = getattr(request.state, "audit", None)
    if isinstance(existing, AuditNote):
        return existing
    made = AuditNote()
    request.state.audit = made
    return made


def _printable(text: str, limit: int) -> str:
    return "".join(c if c.isprintable() else "?" for c in text[:limit])


#: One row, inserted beneath the ORM: the row is never read back, so the unit of work and
#: the primary key it would fetch are cost without use (about a tenth of a no-op request).
_INSERT = insert(cast("Table", RequestAuditRow.__table__))


def _row(request: Request, status: int, outcome: str) -> dict[str, Any]:
    seen = note(request)
    route = request.scope.get("route")
    endpoint = getattr(route, "path", None) or request.url.path
    return {
        "at": utc_now(),
        "device_id": seen.device_id,
        "username": seen.username,
        "method": _printable(request.method, 10),
        "endpoint": _printable(endpoint, 200),
        "status": status,
        "outcome": outcome,
        "record_ids": sorted(set(seen.record_ids)),
        "detail": seen.detail,
        "remote": request.client.host[:64] if request.client else None,
    }


def write_audit(session: Session, request: Request, status: int = 200, outcome: str = OK) -> None:
    """Write the request's row in ``session``'s transaction (committed with the request's own
    work, or not at all); the caller commits next."""
    session.execute(_INSERT, _row(request, status, outcome))


def audit_refusal(request: Request, status: int, code: ErrorCode) -> None:
    """Write a refused request's row in a transaction of its own. When the database cannot
    take it, the refusal is still answered (and the failure logged without detail)."""
    sessions: sessionmaker[Session] | None = getattr(request.app.state, "sessions", None)
    if sessions is None:
        return
    try:
        with sessions() as session:
            session.execute(_INSERT, _row(request, status, code.value))
            session.commit()
    except SQLAlchemyError as exc:
        log.warning("refusal not audited: %s", type(exc).__name__)
