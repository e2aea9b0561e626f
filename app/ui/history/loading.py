"""What the history screen shows, read on the store worker into frozen rows (no Qt here).

Every function taking a ``Store`` runs on the store worker (:mod:`app.ui.ops`); the rows it
returns are plain immutable values the Qt models show as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.models.base import STORED, Record, record_class
from app.models.clock import format_local
from app.models.errors import RuleViolation
from app.models.patient import Patient
from app.models.people import StaffMember, UserAccount
from app.models.record_diff import FieldComparison, changes_between, compare_versions, field_label
from app.models.revision import Revision, RevisionAction
from app.models.revision_rules import is_settled
from app.store.records import RecordReader
from app.store.store import Store

#: What each kind of revision is called in a record's history.
ACTION_WORDS = {
    RevisionAction.CREATE: "Created",
    RevisionAction.EDIT: "Changed",
    RevisionAction.AMEND: "Amended after sign-off",
    RevisionAction.VOID: "Voided",
    RevisionAction.RESOLVE: "Conflict resolved",
}
#: Letters naming the diverging versions side by side.
LETTERS = "ABCDEFGHIJ"
STALE = (
    "The record changed while you were comparing its versions; look at them again before "
    "resolving (nothing was saved)."
)


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One field a revision changed, compared with one of its parents (``against``)."""

    against: str
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RevisionLine:
    """One revision in a record's history."""

    number: int
    revision_id: UUID
    when: str
    author: str
    action: str
    reason: str
    standing: str
    changes: tuple[ChangeLine, ...]

    @property
    def happened(self) -> str:
        """What happened, with the reason when there is one."""
        return f"{self.action} — reason: {self.reason}" if self.reason else self.action

    @property
    def changed(self) -> str:
        """The changed fields in a few words."""
        if not self.changes:
            return "No field changed"
        labels = list(dict.fromkeys(c.label for c in self.changes))
        shown = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
        return f"{len(labels)} field{'s' if len(labels) != 1 else ''}: {shown}"


@dataclass(frozen=True, slots=True)
class Version:
    """One diverging version of a conflicted record."""

    letter: str
    number: int
    revision_id: UUID
    action: RevisionAction
    record: Record
    heading: str

    @property
    def settled(self) -> bool:
        """Signed off or voided: setting it aside needs a reason."""
        return is_settled(self.action, self.record)


@dataclass(frozen=True, slots=True)
class Conflict:
    """The diverging versions of one record, compared field by field."""

    record_id: UUID
    versions: tuple[Version, ...]
    fields: tuple[FieldComparison, ...]


@dataclass(frozen=True, slots=True)
class RecordHistory:
    """One record: what it is, where it stands, and every revision oldest first."""

    record_id: UUID
    kind: str
    title: str
    state: str
    record: Record
    voided: bool
    conflicted: bool
    revisions: tuple[RevisionLine, ...]
    conflict: Conflict | None


@dataclass(frozen=True, slots=True)
class ConflictRow:
    """One conflicted record in the ward's list."""

    record_id: UUID
    title: str
    patient: str
    versions: int
    latest: str


# ------------------------------------------------------------------------------ wording


def kind_words(kind: str) -> str:
    """``use_of_force_incident`` → ``Use of force incident``."""
    return field_label(kind)


def _status_words(status: str) -> str:
    return status.replace("_", " ")


def author_names(reader: RecordReader) -> dict[str, str]:
    """Sign-in name → "Name, job title (username)" for every account with a staff member."""
    names: dict[str, str] = {}
    for account in reader.find(UserAccount):
        staff = reader.get(StaffMember, account.staff_id) if account.staff_id else None
        if staff is not None:
            names[account.username] = f"{staff.name}, {staff.job_title} ({account.username})"
    return names


def patient_name(reader: RecordReader, record: Record) -> str:
    """The name of the patient a record is about ("" when it is about none)."""
    if isinstance(record, Patient):
        return record.display_name
    patient_id = record.summary().patient_id
    patient = reader.get(Patient, patient_id) if patient_id else None
    return patient.display_name if patient is not None else ""


def describe(reader: RecordReader, record: Record) -> str:
    """A line naming the record: its kind, its patient (or name) and when it started."""
    parts = [kind_words(record.KIND)]
    name = patient_name(reader, record) or getattr(record, "name", None)
    if isinstance(name, str) and name:
        parts.append(name)
    starts = record.summary().starts_at
    if starts is not None:
        parts.append(f"from {format_local(starts)}")
    return " — ".join(parts)


# ---------------------------------------------------------------------------- loading


def _lines(
    history: list[Revision], tips: set[UUID], names: dict[str, str]
) -> tuple[RevisionLine, ...]:
    numbers = {r.revision_id: n for n, r in enumerate(history, start=1)}
    records = {
        r.revision_id: record_class(r.kind).model_validate_json(r.payload, context=STORED)
        for r in history
    }
    lines = []
    for revision in history:
        record = records[revision.revision_id]
        changes: list[ChangeLine] = []
        if not revision.parents:
            changes += [
                ChangeLine("new record", c.label, c.old, c.new)
                for c in changes_between(None, record)
            ]
        for parent in revision.parents:
            against = f"version {numbers[parent]}" if parent in numbers else "an earlier version"
            changes += [
                ChangeLine(against, c.label, c.old, c.new)
                for c in changes_between(records.get(parent), record)
            ]
        standing = ""
        if revision.revision_id in tips:
            standing = "Current version" if len(tips) == 1 else f"One of {len(tips)} versions"
        lines.append(
            RevisionLine(
                number=numbers[revision.revision_id],
                revision_id=revision.revision_id,
                when=format_local(revision.created_at),
                author=names.get(revision.author, revision.author),
                action=ACTION_WORDS[revision.action],
                reason=revision.reason or "",
                standing=standing,
                changes=tuple(changes),
            )
        )
    return tuple(lines)


def _conflict(record_id: UUID, tips: list[Revision], lines: tuple[RevisionLine, ...]) -> Conflict:
    by_id = {line.revision_id: line for line in lines}
    versions = []
    for letter, tip in zip(LETTERS, tips, strict=False):
        record = record_class(tip.kind).model_validate_json(tip.payload, context=STORED)
        line = by_id[tip.revision_id]
        notes = [line.action.lower()]
        if tip.action is RevisionAction.VOID:
            notes = ["VOIDED"]
        elif record.is_signed_off():
            notes.append("signed off")
        versions.append(
            Version(
                letter=letter,
                number=line.number,
                revision_id=tip.revision_id,
                action=tip.action,
                record=record,
                heading=(
                    f"{letter}: version {line.number}, saved by {line.author} on {line.when} "
                    f"({', '.join(notes)})"
                ),
            )
        )
    fields = compare_versions([v.record for v in versions])
    return Conflict(record_id=record_id, versions=tuple(versions), fields=fields)


def load_history(store: Store, record_id: UUID) -> RecordHistory | None:
    """One record's history and, when it is conflicted, its versions side by side."""
    with store.read() as reader:
        state = reader.state(record_id)
        if state is None:
            return None
        history = reader.history(record_id)
        tips = reader.tips(record_id)
        names = author_names(reader)
        title = describe(reader, state.record)
    lines = _lines(history, {t.revision_id for t in tips}, names)
    words = []
    status = state.record.summary().status
    if status:
        words.append(_status_words(status).capitalize())
    if state.voided:
        words.append("VOIDED: kept with its history, left out of lists and figures")
    if state.conflicted:
        words.append(f"CONFLICTED: {state.tip_count} versions wait for a ward manager")
    return RecordHistory(
        record_id=record_id,
        kind=state.record.KIND,
        title=title,
        state=" · ".join(words) or "Current",
        record=state.record,
        voided=state.voided,
        conflicted=state.conflicted,
        revisions=lines,
        conflict=_conflict(record_id, tips, lines) if state.conflicted else None,
    )


def load_conflicts(store: Store, ward_id: UUID) -> tuple[ConflictRow, ...]:
    """The ward's records that have diverging versions, latest change first."""
    rows: list[tuple[str, ConflictRow]] = []
    with store.read() as reader:
        for record_id in reader.conflicted_ids(ward_id=ward_id):
            state = reader.state(record_id)
            tips = reader.tips(record_id)
            if state is None or not tips:
                continue
            latest = max(t.created_at for t in tips)
            row = ConflictRow(
                record_id=record_id,
                title=describe(reader, state.record),
                patient=patient_name(reader, state.record),
                versions=len(tips),
                latest=format_local(latest),
            )
            rows.append((latest.isoformat(), row))
    rows.sort(key=lambda pair: (pair[0], str(pair[1].record_id)), reverse=True)
    return tuple(row for _, row in rows)


# ----------------------------------------------------------------------------- writing


def _check_unchanged(store_tips: list[Revision], expected: frozenset[UUID]) -> None:
    if {t.revision_id for t in store_tips} != expected:
        raise RuleViolation(STALE)


def resolve_conflict(
    store: Store, record: Record, expected: frozenset[UUID], reason: str | None
) -> Revision:
    """Resolve a conflict with ``record``, joining exactly the versions the person compared
    (``expected``): a version that arrived meanwhile is never set aside unseen."""
    with store.write() as tx:
        _check_unchanged(tx.reader.tips(record.id), expected)
        return tx.resolve(record, reason)


def void_versions(
    store: Store, record_id: UUID, expected: frozenset[UUID], reason: str
) -> Revision:
    """Void a record whose versions are ``expected`` (all of them: the void joins them)."""
    with store.write() as tx:
        _check_unchanged(tx.reader.tips(record_id), expected)
        return tx.void(record_id, reason)
