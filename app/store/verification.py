"""``verify``: everything that can be recomputed is recomputed and compared.

- SQLCipher's page HMACs and SQLite's structural check (:mod:`app.store.integrity`) — every
  damaged page is named, page 1 included;
- the audit chain, row by row (:func:`app.store.audit.verify_chain`);
- each revision's content hash, that the audit chain vouches for it, and that every revision
  the chain vouches for is still there;
- the ``record``/``record_tip`` indexes, rebuilt from the revisions and compared;
- the append-only triggers, exactly as the migrations made them;
- the store's identity (``store_meta``) against the hash the audit chain recorded;
- every key slot, the recovery slot above all, under the data key (no private key needed);
- what the trust server's witness last said of the audit chain at a sync (a chain cut at its
  tail or rewritten, which no check made on this PC alone can see).

It runs on a connection that cannot write (``Access.INSPECT`` or ``READ_ONLY``), so it works on
a read-only copy and on a store too damaged to open, and every failure to read becomes a line
of the report rather than an exception.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.models.base import STORED, record_class
from app.store import migrate
from app.store.audit import (
    identity_detail,
    recorded_identity,
    recorded_revision_hashes,
    verify_chain,
)
from app.store.engine import Access, make_engine
from app.store.failures import store_failures
from app.store.integrity import whole_file_problems
from app.store.record_index import display_order, indexed_state
from app.store.revisions import revision_from_row
from app.store.schema import (
    AuditRow,
    MetaRow,
    RecordRow,
    RecordTipRow,
    RevisionRow,
    append_only_triggers,
)
from app.store.sync_facts import read_state

if TYPE_CHECKING:
    from app.store.keyslots import KeySlotFile
    from app.store.layout import StoreFiles


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``verify`` checked and every problem it found (empty: the store is intact)."""

    revisions_checked: int
    audit_events_checked: int
    problems: tuple[str, ...]
    schema_version: str | None = None
    #: True once a ``store.verified`` event has recorded this check in the audit log.
    recorded: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


def verify_files(files: StoreFiles, slots: KeySlotFile, key: bytes, access: Access) -> VerifyReport:
    """Run every check on the store in ``files`` with ``key``; damage is reported, not raised.

    ``access`` is ``INSPECT`` or ``READ_ONLY``: nothing is written. Only a failure to reach the
    file at all (it cannot be opened) is raised, as the project's own error.
    """
    engine = make_engine(files.db, key, access, prove_key=False)
    try:
        with store_failures(), engine.connect() as connection:
            problems = whole_file_problems(connection, pages=not files.wal_has_content())
        revisions = audit_events = 0
        schema: str | None = None
        try:
            # No explicit transaction: closing the session rolls the read back, which is what
            # a read that may meet a damaged page needs.
            with Session(engine) as session:
                schema = migrate.current_revision(session.connection())
                if schema == migrate.head_revision():
                    revisions, audit_events = _check_tables(session, slots, problems)
                else:
                    problems.append(_schema_problem(schema))
        except DBAPIError:
            problems.append("the store could not be read to the end: it is damaged")
        problems.extend(slots.problems(key))
    finally:
        engine.dispose()
    return VerifyReport(revisions, audit_events, tuple(problems), schema)


def _schema_problem(schema: str | None) -> str:
    if schema is None:
        return "schema: the store has none (it is damaged)"
    if schema in migrate.known_revisions():
        return (
            f"schema {schema}: made by an older RPR and not yet brought up to date; sign in "
            "once (rpr status), then verify again"
        )
    return f"schema {schema}: made by a newer RPR; verify it with that version"


def _check_tables(session: Session, slots: KeySlotFile, problems: list[str]) -> tuple[int, int]:
    problems.extend(verify_chain(session))
    revisions, revision_problems, seen = _revision_problems(session)
    problems.extend(revision_problems)
    problems.extend(_index_problems(session, seen))
    problems.extend(_trigger_problems(session))
    problems.extend(_identity_problems(session, slots.store_id))
    problems.extend(_witness_problems(session))
    audit_events = session.scalar(select(func.count()).select_from(AuditRow)) or 0
    return revisions, audit_events


def _trigger_problems(session: Session) -> list[str]:
    """The append-only triggers, exactly as the migrations made them, and no others."""
    found = {
        str(name): " ".join(str(sql).split())
        for name, sql in session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
    }
    expected = append_only_triggers()
    problems = []
    for name, sql in expected.items():
        table = name.rsplit("_no_", 1)[0]
        if name not in found:
            problems.append(
                f"trigger {name}: missing, so rows of {table} could be changed or removed"
            )
        elif found[name] != sql:
            problems.append(f"trigger {name}: changed since RPR made it")
    problems.extend(f"trigger {name}: not made by RPR" for name in sorted(found.keys() - expected))
    return problems


def _identity_problems(session: Session, store_id: str) -> list[str]:
    """The store's fixed facts against the hash the audit chain recorded."""
    meta = dict(session.execute(select(MetaRow.key, MetaRow.value)).all())
    problems = []
    if meta.get("store_id") != store_id:
        problems.append("store identity: the store id does not match its key-slot file")
    recorded = recorded_identity(session)
    if recorded is None:
        problems.append("store identity: never recorded in the audit chain")
    elif recorded != identity_detail(meta):
        problems.append(
            "store identity (store_meta): changed since it was recorded — its store id, "
            "device, creation time or demo flag was edited"
        )
    return problems


def _witness_problems(session: Session) -> list[str]:
    """What the trust server said of this PC's audit chain at the last sync's check."""
    state = read_state(session)
    if state is None or state.chain_warning is None:
        return []
    seen = f"event {state.witnessed_seq}" if state.witnessed_seq is not None else "a later event"
    when = f" (sync of {state.last_synced_at:%Y-%m-%d %H:%M} UTC)" if state.last_synced_at else ""
    if state.chain_warning == "shorter":
        problem = (
            f"audit chain: the trust server has seen it reach {seen}, but it now ends before "
            f"that — events were cut from its end{when}"
        )
    else:
        problem = (
            f"audit chain: the trust server saw a different {seen} on this PC — the chain was "
            f"rewritten{when}"
        )
    return [problem]


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
    expected = indexed_state(kind, record, display_id, tips)
    return [name for name, value in expected.items() if getattr(row, name) != value]
