"""``verify``: everything that can be recomputed is recomputed and compared.

- SQLCipher's page HMACs and SQLite's structural check (:mod:`app.store.integrity`);
- the audit chain, row by row (:func:`app.store.audit.verify_chain`);
- each revision's content hash, and that the audit chain vouches for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.store.audit import recorded_revision_hashes, verify_chain
from app.store.integrity import checked_read_only, integrity_problems
from app.store.revisions import revision_from_row
from app.store.schema import AuditRow, RevisionRow


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
            revisions, revision_problems = _revision_problems(session)
            problems.extend(revision_problems)
            audit_events = session.scalar(select(func.count()).select_from(AuditRow)) or 0
    except DBAPIError:
        problems.append("the store could not be read to the end: it is damaged")
    return VerifyReport(revisions, audit_events, tuple(problems))


def _revision_problems(session: Session) -> tuple[int, list[str]]:
    """Check each revision's hash and that the audit chain vouches for it."""
    vouched = recorded_revision_hashes(session)
    problems: list[str] = []
    count = 0
    for row in session.scalars(select(RevisionRow).order_by(RevisionRow.seq)):
        count += 1
        try:
            revision = revision_from_row(row)
        except (ValueError, ValidationError):
            problems.append(f"revision {row.seq}: can no longer be read")
            continue
        if not revision.hash_is_valid():
            problems.append(f"revision {row.seq}: its content was changed after it was saved")
        elif revision.content_hash not in vouched:
            problems.append(f"revision {row.seq}: not recorded in the audit chain")
    return count, problems
