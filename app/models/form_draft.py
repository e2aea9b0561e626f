"""Unfinished forms kept as drafts, so nothing a person typed is lost when the window locks
(design.md "Records are revisions, never overwrites"; "The UI": a screen hands its unsaved
edit to the store as a draft when the window locks).

Observations, reviews and engagement entries are append-only facts, and the start or end of
a seclusion or LTS episode is a change to the episode (domain.md §3). None of them has a draft
state of its own: saving one half-written would put an unconfirmed fact on the statutory
record and move a review clock. So an unfinished form is kept as a :class:`FormDraft` — the
text of each field, by field name — which counts for nothing until the person saves the real
record from it.

Contract:
- ``form`` names the form (e.g. ``seclusion_review``); ``parent_id`` is the record the form
  adds to or changes (the episode), ``None`` for a form that starts one;
- a draft is *open* until the real record is saved from it or the person discards it; then
  it is *closed* by a new revision. Nothing is deleted: the typed text stays in the draft's
  history like every other revision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field, StringConstraints

from app.models.base import PastInstant, Record, RecordSummary, Text

#: A form's field name: lower-case letters, digits and underscores.
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]

#: Most fields one draft may hold (a form has a few dozen at most).
MAX_FIELDS = 200


class DraftStatus(StrEnum):
    """Whether the draft still waits for its person."""

    OPEN = "open"
    CLOSED = "closed"


class FormDraft(Record):
    """What was typed into one form that has not been saved as its record yet."""

    KIND: ClassVar[str] = "form_draft"

    ward_id: UUID
    patient_id: UUID | None = None
    parent_id: UUID | None = None
    form: FieldName
    values: dict[FieldName, Text] = Field(default_factory=dict, max_length=MAX_FIELDS)
    saved_at: PastInstant
    status: DraftStatus = DraftStatus.OPEN

    @property
    def is_open(self) -> bool:
        """The draft still waits to be finished or discarded."""
        return self.status is DraftStatus.OPEN

    def closed(self, at: datetime) -> FormDraft:
        """This draft, closed at ``at`` (its record was saved, or it was discarded)."""
        return self.model_copy(update={"status": DraftStatus.CLOSED, "saved_at": at})

    def summary(self) -> RecordSummary:
        """Indexed by ward, patient and the record it belongs to; status open/closed."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.parent_id,
            status=self.status.value,
            starts_at=self.saved_at,
        )


def newest_open_draft(drafts: Iterable[FormDraft], form: str) -> FormDraft | None:
    """The most recently saved open draft of ``form`` among ``drafts`` (or None)."""
    open_drafts = [d for d in drafts if d.form == form and d.is_open]
    return max(open_drafts, key=lambda d: d.saved_at, default=None)
