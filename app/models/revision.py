"""Revisions: the immutable unit in which every clinical record is stored and synced.

design.md "Records are revisions, never overwrites": every change is a new revision with its
own UUID, the record's UUID, its parent revision(s), author, device, time, the full payload and
a content hash. Nothing is deleted; a mistaken record is voided by a revision that says why; a
change to a signed-off record is an amendment and needs a reason. Two revisions with the same
parent are a conflict that a person resolves with a revision whose parents are both.

This module is shared by the local store, the sync wire schema and the server, so the hash is
computed the same way everywhere.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from uuid import UUID, uuid4

from pydantic import Field, model_validator

from app.models.base import DomainModel, Instant, Record, ShortText, Text
from app.models.clock import utc_now


class RevisionAction(StrEnum):
    """Why a revision exists; shown in a record's history."""

    CREATE = "create"
    EDIT = "edit"
    AMEND = "amend"  # a change after sign-off (reason required)
    VOID = "void"  # the record was made in error (reason required); its payload is kept
    RESOLVE = "resolve"  # merges diverging revisions (parents are every tip)


#: Actions that must carry a reason (design.md: void with reason; amend after sign-off).
REASON_REQUIRED = frozenset({RevisionAction.AMEND, RevisionAction.VOID})


class Revision(DomainModel):
    """One immutable revision. ``payload`` is the record's JSON exactly as hashed."""

    revision_id: UUID = Field(default_factory=uuid4)
    record_id: UUID
    kind: ShortText
    parents: tuple[UUID, ...] = ()
    author: ShortText
    device_id: UUID
    created_at: Instant
    action: RevisionAction
    reason: Text | None = None
    payload: str
    content_hash: str = ""

    @model_validator(mode="after")
    def _rules(self) -> Revision:
        if self.action in REASON_REQUIRED and not (self.reason and self.reason.strip()):
            raise ValueError(f"reason: a {self.action.value} needs a reason")
        if self.action is RevisionAction.CREATE and self.parents:
            raise ValueError("parents: a new record has no parent revision")
        if self.action is not RevisionAction.CREATE and not self.parents:
            raise ValueError("parents: a change must name the revision it changes")
        if self.action is RevisionAction.RESOLVE and len(self.parents) < 2:
            raise ValueError("parents: a resolution names every diverging revision")
        if len(set(self.parents)) != len(self.parents):
            raise ValueError("parents: a parent is named twice")
        return self

    def computed_hash(self) -> str:
        """SHA-256 over a canonical form of everything but the hash itself."""
        canonical = json.dumps(
            {
                "revision_id": str(self.revision_id),
                "record_id": str(self.record_id),
                "kind": self.kind,
                "parents": sorted(str(p) for p in self.parents),
                "author": self.author,
                "device_id": str(self.device_id),
                "created_at": self.created_at.isoformat(timespec="microseconds"),
                "action": self.action.value,
                "reason": self.reason,
                "payload": self.payload,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def hash_is_valid(self) -> bool:
        """True when ``content_hash`` matches the content (a changed byte makes it False)."""
        return self.content_hash == self.computed_hash()

    @classmethod
    def of(
        cls,
        record: Record,
        *,
        action: RevisionAction,
        parents: tuple[UUID, ...],
        author: str,
        device_id: UUID,
        reason: str | None = None,
    ) -> Revision:
        """A new revision of ``record``, stamped now, with its content hash."""
        draft = cls(
            record_id=record.id,
            kind=record.KIND,
            parents=tuple(sorted(parents, key=str)),
            author=author,
            device_id=device_id,
            created_at=utc_now(),
            action=action,
            reason=reason,
            payload=record.model_dump_json(),
        )
        return draft.model_copy(update={"content_hash": draft.computed_hash()})


def action_for_change(
    previous: Record | None, *, tips: int, voiding: bool = False
) -> RevisionAction:
    """Which action a local change is (design.md "Records are revisions").

    A first save creates; voiding voids; joining several tips resolves a conflict; a change to
    a record whose current state is signed off is an amendment (reason required); anything
    else is an edit.
    """
    if previous is None:
        return RevisionAction.CREATE
    if voiding:
        return RevisionAction.VOID
    if tips > 1:
        return RevisionAction.RESOLVE
    if previous.is_signed_off():
        return RevisionAction.AMEND
    return RevisionAction.EDIT
