"""One user action's write transaction, as handed to callers of ``Store.write()``."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from app.store.audit import AuditAction, append_event
from app.store.records import RecordReader
from app.store.revisions import RevisionWriter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class WriteTransaction(RevisionWriter):
    """One user action's worth of changes: revisions, audit events, reads of what it sees."""

    def __init__(self, session: Session, *, actor: str, device_id: uuid.UUID) -> None:
        super().__init__(session, actor=actor, device_id=device_id)
        self.reader = RecordReader(session)

    def event(
        self,
        action: AuditAction,
        *,
        subject_kind: str | None = None,
        subject_id: uuid.UUID | None = None,
        detail: str | None = None,
    ) -> None:
        """Add an audit event (printed, exported …). ``detail``: fixed wording, no patient data."""
        append_event(
            self._session,
            actor=self._actor,
            device_id=self._device_id,
            action=action,
            subject_kind=subject_kind,
            subject_id=subject_id,
            detail=detail,
        )
