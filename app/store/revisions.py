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

from pydantic import ValidationError
from sqlalchemy import delete, select

from app.models.base import STORED, Record, record_class
from app.models.errors import RuleViolation, StoreDamaged, invalid_record
from app.models.revision import REASON_REQUIRED, Revision, RevisionAction, action_for_change
from app.store.audit import AuditAction, append_event
from app.store.bulk_apply import apply_page
from app.store.record_index import display_order, indexed_state
from app.store.schema import RecordRow, RecordTipRow, RevisionRow

if TYPE_CHECKING:
    from collections.abc import Sequence

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

        A new record has no ``base``. A change to an existing record must name ``base``, the
        revision the editor started from (``RecordState.revision_id`` when it was read), so a
        change never silently replaces a version its author has not seen (design.md: never
        last-writer-wins). A ``base`` that is no longer a tip forks the record: the change is
        kept and the record shows as conflicted until a person resolves it. Saving content
        identical to its ``base`` while that is the only tip adds nothing. A voided version
        cannot be changed.
        """
        current = self._record_row(record.id)
        if current is None:
            if base is not None:
                raise RuleViolation("There is no such record on this PC to change (base).")
            return self._add_local(record, RevisionAction.CREATE, (), reason, None)
        self._check_kind(current, record)
        if base is None:
            raise RuleViolation(
                "A change must name the version it starts from (base); this record exists."
            )
        if not self._is_revision_of(base, record.id):
            raise RuleViolation("The version this change starts from is not part of this record.")
        base_row = self._revision_row(base)
        if base_row.action == RevisionAction.VOID.value:
            raise RuleViolation("This record was voided; it cannot be changed.")
        if base_row.payload == record.model_dump_json() and self._tips(record.id) == [base]:
            return revision_from_row(base_row)
        previous = record_class(current.kind).model_validate_json(base_row.payload, context=STORED)
        action = action_for_change(previous, tips=1)
        return self._add_local(record, action, (base,), reason, current)

    def void(self, record_id: UUID, reason: str) -> Revision:
        """Mark a record as made in error. Its content is kept; ``reason`` is required. On a
        conflicted record the void joins every diverging version (a resolution by voiding)."""
        tips = self._tip_rows(record_id)
        if not tips:
            raise RuleViolation("There is no such record on this PC.")
        if all(t.action == RevisionAction.VOID.value for t in tips):
            raise RuleViolation("This record is already voided.")
        latest = max(tips, key=display_order)
        record = record_class(latest.kind).model_validate_json(latest.payload, context=STORED)
        parents = tuple(t.revision_id for t in tips)
        return self._add_local(
            record, RevisionAction.VOID, parents, reason, self._record_row(record_id)
        )

    def resolve(self, record: Record, reason: str | None = None) -> Revision:
        """Join every tip of a conflicted record into one revision holding ``record``.

        When one of the diverging versions was signed off or voided, the resolution changes
        a signed-off record or brings a voided one back, so it needs a ``reason``.
        """
        current = self._record_row(record.id)
        tips = self._tip_rows(record.id)
        if current is None or len(tips) < 2:
            raise RuleViolation("This record has no diverging versions to resolve.")
        self._check_kind(current, record)
        settled = [
            t
            for t in tips
            if t.action == RevisionAction.VOID.value
            or record_class(t.kind).model_validate_json(t.payload, context=STORED).is_signed_off()
        ]
        if settled and not (reason and reason.strip()):
            raise RuleViolation(
                "One of the versions was signed off or voided: resolving needs a reason (reason)."
            )
        parents = tuple(t.revision_id for t in tips)
        return self._add_local(record, RevisionAction.RESOLVE, parents, reason, current)

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
        try:
            revision = Revision.of(
                record,
                action=action,
                parents=parents,
                author=self._actor,
                device_id=self._device_id,
                reason=reason,
            )
        except ValidationError as exc:
            # pydantic's own message repeats the input (a reason may name a patient).
            raise invalid_record(Revision, exc) from None
        self._insert(revision, record, current)
        return revision

    @staticmethod
    def _check_kind(current: RecordRow, record: Record) -> None:
        if current.kind != record.KIND:
            raise RuleViolation(f"A {current.kind} cannot be saved as a {record.KIND}.")

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
        if record.id != revision.record_id:
            raise StoreDamaged("A revision's content belongs to another record.")
        current = self._record_row(revision.record_id)
        if current is not None:
            self._check_kind(current, record)
        self._insert(revision, record, current, received=True)
        return True

    def apply_many(self, revisions: Sequence[Revision]) -> set[UUID]:
        """Add a page of revisions made elsewhere, in order, with set-at-a-time SQL; returns
        the ids new here. The same checks, errors and resulting rows as :meth:`apply` on each
        in turn (``app.store.bulk_apply``): what sync's pull uses."""
        return apply_page(self._session, revisions, actor=self._actor, device_id=self._device_id)

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
        tips = self._tip_rows(revision.record_id)
        # The display revision of a conflicted record is its latest tip; all tips are kept.
        latest = max(tips, key=display_order)
        if latest.revision_id != revision.revision_id:
            latest_row = self._revision_row(latest.revision_id)
            record = record_class(latest_row.kind).model_validate_json(
                latest_row.payload, context=STORED
            )
        values = {
            **indexed_state(revision.kind, record, latest.revision_id, tips),
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

    def _tip_rows(self, record_id: UUID) -> list[RevisionRow]:
        return list(
            self._session.scalars(
                select(RevisionRow)
                .join(RecordTipRow, RecordTipRow.revision_id == RevisionRow.revision_id)
                .where(RecordTipRow.record_id == record_id)
            )
        )

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
