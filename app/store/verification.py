"""``verify``: everything that can be recomputed is recomputed and compared.

- SQLCipher's page HMACs and SQLite's structural check (:mod:`app.store.integrity`);
- the audit chain, row by row (:func:`app.store.audit.verify_chain`);
- each revision's content hash, that the audit chain vouches for it, and that every revision
  the chain vouches for is still there;
- the ``record``/``record_tip`` indexes, rebuilt from the revisions and compared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import NamedTuple
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.models.base import STORED, record_class
from app.models.revision import RevisionAction
from app.store.audit import recorded_revision_hashes, verify_chain
from app.store.integrity import checked_read_only, integrity_problems
from app.store.revisions import display_order, revision_from_row
from app.store.schema import AuditRow, RecordRow, RecordTipRow, RevisionRow


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``verify`` checked and every problem it found (empty: the store is intact)."""

    revisions_checked: int
    audit_events_checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


def verify_store(engine: Engine) -> VerifyReport:
    """Run every check on the store behind ``engine``; a damaged page is reported, not raised."""
    with engine.connect() as connection:
        problems = checked_read_only(connection, partial(integrity_problems, pages=True))
    revisions = audit_events = 0
    try:
        # No explicit transaction: closing the session rolls the read back, which is what a
        # read that may meet a damaged page needs.
        with Session(engine) as session:
            problems.extend(verify_chain(session))
            revisions, revision_problems, seen = _revision_problems(session)
            problems.extend(revision_problems)
            problems.extend(_index_problems(session, seen))
            audit_events = session.scalar(select(func.count()).select_from(AuditRow)) or 0
    except DBAPIError:
        problems.append("the store could not be read to the end: it is damaged")
    return VerifyReport(revisions, audit_events, tuple(problems))


class _Seen(NamedTuple):
    """What the index check needs of one revision (payloads are re-read only for tips)."""

    revision_id: UUID
    record_id: UUID
    kind: str
    parents: tuple[UUID, ...]
    created_at: datetime
    action: str


def _revision_problems(session: Session) -> tuple[int, list[str], list[_Seen]]:
    """Check each revision's hash and that the audit chain vouches for it, and that every
    revision the chain vouches for is still there."""
    vouched = recorded_revision_hashes(session)
    present: set[str] = set()
    problems: list[str] = []
    seen: list[_Seen] = []
    for row in session.scalars(select(RevisionRow).order_by(RevisionRow.seq)):
        try:
            revision = revision_from_row(row)
        except (ValueError, ValidationError):
            problems.append(f"revision {row.seq}: can no longer be read")
            continue
        present.add(revision.content_hash)
        seen.append(
            _Seen(
                revision.revision_id,
                revision.record_id,
                revision.kind,
                revision.parents,
                revision.created_at,
                revision.action.value,
            )
        )
        if not revision.hash_is_valid():
            problems.append(f"revision {row.seq}: its content was changed after it was saved")
        elif revision.content_hash not in vouched:
            problems.append(f"revision {row.seq}: not recorded in the audit chain")
    missing = vouched - present
    if missing:
        problems.append(f"{len(missing)} revision(s) named in the audit chain are missing")
    return len(seen), problems, seen


def _index_problems(session: Session, seen: list[_Seen]) -> list[str]:
    """Rebuild each record's tips and current state from its revisions and compare them with
    the ``record`` and ``record_tip`` index tables, which are rewritten in place and so are
    not protected by hashes or triggers themselves."""
    by_record: dict[UUID, list[_Seen]] = defaultdict(list)
    for revision in seen:
        by_record[revision.record_id].append(revision)
    tip_rows: dict[UUID, set[UUID]] = defaultdict(set)
    for record_id, revision_id in session.execute(
        select(RecordTipRow.record_id, RecordTipRow.revision_id)
    ).all():
        tip_rows[record_id].add(revision_id)
    index = {row.record_id: row for row in session.scalars(select(RecordRow))}
    expected_tips: dict[UUID, list[_Seen]] = {}
    problems: list[str] = []
    for record_id, revisions in by_record.items():
        named = {parent for r in revisions for parent in r.parents}
        tips = [r for r in revisions if r.revision_id not in named]
        expected_tips[record_id] = tips
        if {t.revision_id for t in tips} != tip_rows.get(record_id, set()):
            problems.append(f"record {record_id}: its current versions do not match its history")
        if record_id not in index:
            problems.append(f"record {record_id}: missing from the index of current records")
    problems.extend(
        f"record {record_id}: indexed but has no history" for record_id in index.keys() - by_record
    )
    display = {
        max(tips, key=display_order).revision_id: record_id
        for record_id, tips in expected_tips.items()
        if record_id in index
    }
    payloads = session.execute(select(RevisionRow.revision_id, RevisionRow.payload))
    for revision_id, payload in payloads:
        shown = display.get(revision_id)
        if shown is None:
            continue
        wrong = _index_row_differences(index[shown], revision_id, payload, expected_tips[shown])
        if wrong:
            problems.append(
                f"record {shown}: its indexed current state does not match its history "
                f"({', '.join(wrong)})"
            )
    return problems


def _index_row_differences(
    row: RecordRow, display_id: UUID, payload: str, tips: list[_Seen]
) -> list[str]:
    kind = tips[0].kind
    try:
        record = record_class(kind).model_validate_json(payload, context=STORED)
    except (KeyError, ValueError, ValidationError):
        return ["payload unreadable"]
    summary = record.summary()
    expected = {
        "kind": kind,
        "current_revision_id": display_id,
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
    return [name for name, value in expected.items() if getattr(row, name) != value]
