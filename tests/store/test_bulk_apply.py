"""The bulk apply path sync's pull uses (``RevisionWriter.apply_many``) leaves a store exactly
as applying the same page one revision at a time does, refuses what ``apply`` refuses, and
keeps the audit chain valid (what `rpr verify` checks)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import text

from app.models.errors import RuleViolation, StoreDamaged
from app.models.revision import Revision, RevisionAction
from app.store.store import Store
from tests.conftest import FAST_KDF
from tests.store.conftest import PASSWORD
from tests.store.sample_records import StoreTestNote, note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
ELSEWHERE = uuid4()


@pytest.fixture
def twin(tmp_path: Path, recovery_keys: tuple[bytes, bytes]) -> Iterator[Store]:
    opened = Store.create(
        tmp_path / "twin",
        username="test.nurse",
        password=PASSWORD,
        recovery_public_key_pem=recovery_keys[1],
        kdf=FAST_KDF,
    )
    yield opened
    opened.close()


def _rev(
    record: StoreTestNote,
    action: RevisionAction = RevisionAction.CREATE,
    parents: tuple[UUID, ...] = (),
    reason: str | None = None,
) -> Revision:
    """A revision made on another PC."""
    return Revision.of(
        record,
        action=action,
        parents=parents,
        author="other.nurse",
        device_id=ELSEWHERE,
        reason=reason,
    )


def _page() -> tuple[list[Revision], Revision]:
    """A created-and-edited record, a record that forks (two edits of one version), a voided
    one; and a revision both stores already hold."""
    a = note("a", at=T0)
    b = note("b", at=T0 + timedelta(hours=1))
    c = note("c", at=T0 + timedelta(hours=2))
    held = _rev(note("held", at=T0))
    a1 = _rev(a)
    a2 = _rev(a.model_copy(update={"text": "a, later"}), RevisionAction.EDIT, (a1.revision_id,))
    b1 = _rev(b)
    b2 = _rev(b.model_copy(update={"text": "b here"}), RevisionAction.EDIT, (b1.revision_id,))
    b3 = _rev(b.model_copy(update={"text": "b there"}), RevisionAction.EDIT, (b1.revision_id,))
    c1 = _rev(c)
    c2 = _rev(c, RevisionAction.VOID, (c1.revision_id,), reason="made in error")
    return [held, a1, a2, b1, b2, b3, c1, c2, held], held


def _state(store: Store) -> tuple[list[Any], ...]:
    with store.write() as tx:
        session = tx._session
        records = session.execute(text("SELECT * FROM record ORDER BY record_id")).all()
        tips = session.execute(text("SELECT * FROM record_tip ORDER BY 1, 2")).all()
        revisions = session.execute(
            text("SELECT revision_id, record_id, parents, payload FROM revision ORDER BY seq")
        ).all()
        events = session.execute(
            text("SELECT action, subject_id, revision_hash FROM audit_event ORDER BY seq")
        ).all()
    return records, tips, revisions, [e for e in events if e[0] == "revision.received"]


def test_a_page_applied_in_bulk_ends_as_one_at_a_time_does(store: Store, twin: Store) -> None:
    page, held = _page()
    with store.write() as tx:
        tx.apply(held)
    with twin.write() as tx:
        tx.apply(held)

    with store.write() as tx:
        one_by_one = {r.revision_id for r in page if tx.apply(r)}
    with twin.write() as tx:
        bulk = tx.apply_many(page)

    assert bulk == one_by_one
    assert held.revision_id not in bulk
    assert _state(twin) == _state(store)
    with twin.read() as reader:
        assert len(reader.conflicted_ids()) == 1  # the fork is kept for a person to resolve
    report = twin.verify()
    assert report.ok, report.problems


def test_applying_a_page_again_changes_nothing(twin: Store) -> None:
    page, _ = _page()
    with twin.write() as tx:
        tx.apply_many(page)
    before = _state(twin)
    with twin.write() as tx:
        assert tx.apply_many(page) == set()
    assert _state(twin) == before


def test_a_revision_before_its_parent_refuses_the_whole_page(twin: Store) -> None:
    first = _rev(note("a", at=T0))
    child = _rev(note("b", at=T0), RevisionAction.EDIT, (uuid4(),))  # its parent never came
    before = _state(twin)
    with pytest.raises(RuleViolation, match="before the revision it changes"), twin.write() as tx:
        tx.apply_many([first, child])
    assert _state(twin) == before


def test_the_same_id_with_other_content_is_refused(twin: Store) -> None:
    original = _rev(note("a", at=T0))
    with twin.write() as tx:
        tx.apply_many([original])
    forged = original.model_copy(update={"content_hash": "0" * 64})
    with pytest.raises(StoreDamaged, match="different content"), twin.write() as tx:
        tx.apply_many([forged])


def test_a_revision_whose_hash_does_not_match_is_refused(twin: Store) -> None:
    forged = _rev(note("a", at=T0))
    forged = forged.model_copy(update={"payload": forged.payload.replace('"a"', '"b"')})
    with pytest.raises(StoreDamaged, match="does not match its hash"), twin.write() as tx:
        tx.apply_many([forged])
