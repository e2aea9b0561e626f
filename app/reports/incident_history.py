"""A record's revision history as the printed record shows it: who saved each version, when,
what kind of change it was (an amendment after sign-off and a void with their reasons), and
which fields it changed from what to what (design.md "Records are revisions, never
overwrites"). The field-by-field comparison is :mod:`app.models.record_diff`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.models.base import STORED, Record, record_class
from app.models.record_diff import FieldChange, changes_between
from app.models.revision import Revision, RevisionAction

#: What each kind of revision is called in a record's history (as the history screen says).
ACTION_WORDS: dict[RevisionAction, str] = {
    RevisionAction.CREATE: "Created",
    RevisionAction.EDIT: "Changed",
    RevisionAction.AMEND: "Amended after sign-off",
    RevisionAction.VOID: "Voided",
    RevisionAction.RESOLVE: "Conflict resolved",
}


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One revision: its number (1 = the first), when and by whom, what kind of change and
    why, and the fields it changed (for a first version: none; the record above shows every
    answer it holds)."""

    number: int
    saved_at: datetime
    saved_by: str
    action: RevisionAction
    reason: str
    #: For a resolution, each change's label says which version it is measured against.
    changes: tuple[FieldChange, ...]

    @property
    def what(self) -> str:
        """The kind of change in words."""
        return ACTION_WORDS[self.action]


def _record(revision: Revision) -> Record:
    return record_class(revision.kind).model_validate_json(revision.payload, context=STORED)


def history_lines(
    history: Sequence[Revision], names: Mapping[str, str] | None = None
) -> list[HistoryLine]:
    """``history`` (oldest first, as the store gives it) as lines; ``names`` turns a sign-in
    name into "name, job title (username)" where the store knows the person."""
    names = names or {}
    numbers = {r.revision_id: n for n, r in enumerate(history, start=1)}
    records = {r.revision_id: _record(r) for r in history}
    lines: list[HistoryLine] = []
    for revision in history:
        record = records[revision.revision_id]
        changes: list[FieldChange] = []
        several = len(revision.parents) > 1
        for parent in revision.parents:
            found = changes_between(records.get(parent), record)
            if several:  # a resolution: say which version each change is measured against
                versus = f"version {numbers[parent]}" if parent in numbers else "an earlier one"
                found = tuple(
                    c.model_copy(update={"label": f"{c.label} (against {versus})"}) for c in found
                )
            changes += found
        lines.append(
            HistoryLine(
                number=numbers[revision.revision_id],
                saved_at=revision.created_at,
                saved_by=names.get(revision.author, revision.author),
                action=revision.action,
                reason=revision.reason or "",
                changes=tuple(changes),
            )
        )
    return lines
