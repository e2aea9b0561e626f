"""Writing revisions: the only code that adds to the ``revision`` table.

Contract (design.md "Records are revisions, never overwrites"):
- a revision is inserted once and never changed; re-applying one already held is a no-op;
- a record's tips are its revisions that no other revision names as parent; more than one tip
  means the record is conflicted, and every tip is kept until a person resolves them;
- the ``record`` row (current state + indexed summary) is derived from the tips and rewritten
  on every revision — it is an index, not history;
- every revision is announced in the audit chain with its content hash, in the same
  transaction, so a save that has returned is on disk with its audit row or not at all.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import delete, select

from app.models.base import STORED, Record, record_class
from app.models.errors import ConflictError, RuleViolation, StoreDamaged
from app.models.revision import REASON_REQUIRED, Revision, RevisionAction, action_for_change
from app.store.audit import AuditAction, append_event
from app.store.schema import RecordRow, RecordTipRow, RevisionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_AUDIT_ACTION = {
    RevisionAction.CREATE: AuditAction.RECORD_CREATED,
    RevisionAction.EDIT: AuditAction.RECORD_CHANGED,
    RevisionAction.AMEND: AuditAction.RECORD_AMENDED,
    RevisionAction.VOID: AuditAction.RECORD_VOIDED,
    RevisionAction.RESOLVE: AuditAction.CONFLICT_RESOLVED,
}


def revision_from_row(row: RevisionRow) -> Revision:
    """The domain value of a stored revision (no re-validation of time-relative rules)."""
    return Revision.model_validate(
        {
            "revision_id": row.revision_id,
            "record_id": row.record_id,
            "kind": row.kind,
            "parents": json.loads(row.parents),
            "author": row.author,
            "device_id": row.device_id,
            "created_at": row.created_at,
            "action": row.action,
            "reason": row.reason,
            "payload": row.payload,
            "content_hash": row.content_hash,
        },
        context=STORED,
    )


class RevisionWriter:
    """Adds revisions inside one write transaction (``BEGIN IMMEDIATE``) owned by the caller."""

    def __init__(self, session: Session, *, actor: str, device_id: UUID) -> None:
        self._session = session
        self._actor = actor
        self._device_id = device_id

    # -- local changes ------------------------------------------------------------------

    def save(
        self, record: Record, *, base: UUID | None = None, reason: str | None = None
    ) -> Revision:
        """Store ``record`` as its next revision and return it.

        ``base`` is the revision the editor started from. Omitted, the change follows the
        record's single tip; a conflicted record then refuses the save (resolve it first). A
        ``base`` that is no longer a tip forks the record: the change is kept and the record
        shows as conflicted. Saving content identical to the current revision adds nothing.
        """
        current = self._record_row(record.id)
        if current is None:
            return self._add_local(record, RevisionAction.CREATE, (), reason, None)
        if current.kind != record.KIND:
            raise RuleViolation(f"A {current.kind} cannot be saved as a {record.KIND}.")
        if current.voided:
            raise RuleViolation("This record was voided; it cannot be changed.")
        tips = self._tips(record.id)
        if base is None:
            if len(tips) > 1:
                raise ConflictError(
                    "This record has versions made on different PCs; resolve them first."
                )
            base = tips[0]
        elif not self._is_revision_of(base, record.id):
            raise RuleViolation("The version this change starts from is not part of this record.")
        previous_row = self._revision_row(base)
        if previous_row.payload == record.model_dump_json():
            return revision_from_row(previous_row)
        previous = record_class(current.kind).model_validate_json(
            previous_row.payload, context=STORED
        )
        action = action_for_change(previous, tips=1)
        return self._add_local(record, action, (base,), reason, current)

    def void(self, record_id: UUID, reason: str) -> Revision:
        """Mark a record as made in error. Its content is kept; ``reason`` is required."""
        current = self._require_single_tip(record_id)
        record_row = self._record_row(record_id)
        if record_row is not None and record_row.voided:
            raise RuleViolation("This record is already voided.")
        row = self._revision_row(current)
        record = record_class(row.kind).model_validate_json(row.payload, context=STORED)
        return self._add_local(record, RevisionAction.VOID, (current,), reason, record_row)

    def resolve(self, record: Record, reason: str | None = None) -> Revision:
        """Join every tip of a conflicted record into one revision holding ``record``."""
        tips = self._tips(record.id)
        if len(tips) < 2:
            raise RuleViolation("This record has no diverging versions to resolve.")
        return self._add_local(
            record, RevisionAction.RESOLVE, tuple(tips), reason, self._record_row(record.id)
        )

    def _add_local(
        self,
        record: Record,
        action: RevisionAction,
        parents: tuple[UUID, ...],
        reason: str | None,
        current: RecordRow | None,
    ) -> Revision:
        if action in REASON_REQUIRED and not (reason and reason.strip()):
            if action is RevisionAction.AMEND:
                raise RuleViolation(
                    "This record has been signed off: an amendment needs a reason (reason)."
                )
            raise RuleViolation("Voiding a record needs a reason (reason).")
        revision = Revision.of(
            record,
            action=action,
            parents=parents,
            author=self._actor,
            device_id=self._device_id,
            reason=reason,
        )
        self._insert(revision, record, current)
        return revision

    # -- revisions from elsewhere (sync) -------------------------------------------------

    def apply(self, revision: Revision) -> bool:
        """Add a revision made on another device. Idempotent by revision id: returns False when
        it is already held. Refuses a revision whose hash does not match its content."""
        existing = self._session.scalar(
            select(RevisionRow.content_hash).where(RevisionRow.revision_id == revision.revision_id)
        )
        if existing is not None:
            if existing != revision.content_hash:
                raise StoreDamaged("A revision arrived twice with different content.")
            return False
        if not revision.hash_is_valid():
            raise StoreDamaged("A revision's content does not match its hash.")
        for parent in revision.parents:
            if not self._is_revision_of(parent, revision.record_id):
                raise RuleViolation("A revision arrived before the revision it changes.")
        record = record_class(revision.kind).model_validate_json(revision.payload, context=STORED)
        self._insert(revision, record, self._record_row(revision.record_id), received=True)
        return True

    # -- internals -----------------------------------------------------------------------

    def _insert(
        self,
        revision: Revision,
        record: Record,
        current: RecordRow | None,
        *,
        received: bool = False,
    ) -> None:
        session = self._session
        session.add(
            RevisionRow(
                revision_id=revision.revision_id,
                record_id=revision.record_id,
                kind=revision.kind,
                parents=json.dumps([str(p) for p in revision.parents]),
                author=revision.author,
                device_id=revision.device_id,
                created_at=revision.created_at,
                action=revision.action.value,
                reason=revision.reason,
                payload=revision.payload,
                content_hash=revision.content_hash,
            )
        )
        session.flush()
        if revision.parents:
            session.execute(
                delete(RecordTipRow).where(
                    RecordTipRow.record_id == revision.record_id,
                    RecordTipRow.revision_id.in_(revision.parents),
                )
            )
        session.add(RecordTipRow(record_id=revision.record_id, revision_id=revision.revision_id))
        session.flush()
        self._refresh_record_row(revision, record, current)
        append_event(
            session,
            actor=self._actor,
            device_id=self._device_id,
            action=AuditAction.REVISION_RECEIVED if received else _AUDIT_ACTION[revision.action],
            subject_kind=revision.kind,
            subject_id=revision.record_id,
            revision_hash=revision.content_hash,
        )

    def _refresh_record_row(
        self, revision: Revision, record: Record, current: RecordRow | None
    ) -> None:
        tips = self._session.execute(
            select(RevisionRow.revision_id, RevisionRow.created_at, RevisionRow.action)
            .join(RecordTipRow, RecordTipRow.revision_id == RevisionRow.revision_id)
            .where(RecordTipRow.record_id == revision.record_id)
        ).all()
        # The display revision of a conflicted record is its latest tip; all tips are kept.
        latest_id, _, latest_action = max(tips, key=lambda t: (t.created_at, str(t.revision_id)))
        if latest_id != revision.revision_id:
            latest_row = self._revision_row(latest_id)
            record = record_class(latest_row.kind).model_validate_json(
                latest_row.payload, context=STORED
            )
        summary = record.summary()
        values = {
            "kind": revision.kind,
            "current_revision_id": latest_id,
            "tip_count": len(tips),
            "voided": latest_action == RevisionAction.VOID.value,
            "signed_off": record.is_signed_off(),
            "ward_id": summary.ward_id,
            "patient_id": summary.patient_id,
            "parent_id": summary.parent_id,
            "status": summary.status,
            "starts_at": summary.starts_at,
            "ends_at": summary.ends_at,
            "updated_at": revision.created_at,
        }
        if current is None:
            self._session.add(
                RecordRow(record_id=revision.record_id, created_at=revision.created_at, **values)
            )
        else:
            for name, value in values.items():
                setattr(current, name, value)
        self._session.flush()

    def _record_row(self, record_id: UUID) -> RecordRow | None:
        return self._session.get(RecordRow, record_id)

    def _tips(self, record_id: UUID) -> list[UUID]:
        return list(
            self._session.scalars(
                select(RecordTipRow.revision_id).where(RecordTipRow.record_id == record_id)
            )
        )

    def _require_single_tip(self, record_id: UUID) -> UUID:
        tips = self._tips(record_id)
        if not tips:
            raise RuleViolation("There is no such record on this PC.")
        if len(tips) > 1:
            raise ConflictError(
                "This record has versions made on different PCs; resolve them first."
            )
        return tips[0]

    def _is_revision_of(self, revision_id: UUID, record_id: UUID) -> bool:
        found = self._session.scalar(
            select(RevisionRow.record_id).where(RevisionRow.revision_id == revision_id)
        )
        return found == record_id

    def _revision_row(self, revision_id: UUID) -> RevisionRow:
        row = self._session.scalar(
            select(RevisionRow).where(RevisionRow.revision_id == revision_id)
        )
        if row is None:
            raise StoreDamaged("A revision named as current is missing from the store.")
        return row
