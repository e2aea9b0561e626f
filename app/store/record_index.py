"""The ``record`` row's derived columns, worked out in one place from a record's tips.

Saving (``RevisionWriter``), applying a pulled page in bulk (``bulk_apply``) and ``verify``
(which recomputes the index to compare) must agree exactly, so all three call this.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from app.models.base import Record
from app.models.revision import RevisionAction


class _Dated(Protocol):
    @property
    def created_at(self) -> datetime: ...
    @property
    def revision_id(self) -> UUID: ...


class _Tip(_Dated, Protocol):
    @property
    def action(self) -> str: ...


def display_order(revision: _Dated) -> tuple[datetime, str]:
    """Which tip a conflicted record shows: the latest made (ties broken by id)."""
    return (revision.created_at, str(revision.revision_id))


def indexed_state(
    kind: str, record: Record, current_revision_id: UUID, tips: Sequence[_Tip]
) -> dict[str, Any]:
    """The derived columns of a record row whose shown version is ``record`` (the payload of
    ``current_revision_id``, the latest tip by :func:`display_order`). It is voided only when
    every tip is a void: a change made elsewhere while it was being voided keeps it in sight
    (and conflicted) until a person decides."""
    summary = record.summary()
    return {
        "kind": kind,
        "current_revision_id": current_revision_id,
        "tip_count": len(tips),
        "voided": all(t.action == RevisionAction.VOID.value for t in tips),
        "signed_off": record.is_signed_off(),
        "ward_id": summary.ward_id,
        "patient_id": summary.patient_id,
        "parent_id": summary.parent_id,
        "status": summary.status,
        "starts_at": summary.starts_at,
        "ends_at": summary.ends_at,
    }
