"""Reading records: repositories that return domain objects, never rows.

Every read goes through the ``record`` index (current state) and parses the current revision's
payload into its domain class. Voided records are left out unless asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, func, literal_column, or_, select

from app.models.base import STORED, Record, record_class
from app.store.revisions import revision_from_row
from app.store.schema import RecordRow, RecordTipRow, RevisionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models.revision import Revision

R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)
class RecordState:
    """A record with the facts about its storage that screens show beside it."""

    record: Record
    revision_id: UUID
    tip_count: int
    voided: bool
    signed_off: bool
    created_at: datetime
    updated_at: datetime

    @property
    def conflicted(self) -> bool:
        """True while diverging revisions await a person's resolution."""
        return self.tip_count > 1


class RecordReader:
    """Typed queries over the current state of records, inside the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, cls: type[R], record_id: UUID) -> R | None:
        """The current state of one record of class ``cls`` (voided ones too), or None."""
        row = self._session.execute(
            select(RevisionRow.payload)
            .join(RecordRow, RecordRow.current_revision_id == RevisionRow.revision_id)
            .where(RecordRow.record_id == record_id, RecordRow.kind == cls.KIND)
        ).scalar_one_or_none()
        return None if row is None else cls.model_validate_json(row, context=STORED)

    def get_many(self, cls: type[R], record_ids: Iterable[UUID]) -> dict[UUID, R]:
        """The current states of the records ``record_ids`` of class ``cls`` that exist, by id
        (one query, along the primary key)."""
        ids = list(set(record_ids))
        if not ids:
            return {}
        payloads = self._session.scalars(
            select(RevisionRow.payload)
            .join(RecordRow, RecordRow.current_revision_id == RevisionRow.revision_id)
            .where(RecordRow.record_id.in_(ids), RecordRow.kind == cls.KIND)
        )
        records = (cls.model_validate_json(payload, context=STORED) for payload in payloads)
        return {record.id: record for record in records}

    def state(self, record_id: UUID) -> RecordState | None:
        """One record of any kind with its storage facts."""
        found = self._session.execute(
            select(RecordRow, RevisionRow.payload)
            .join(RevisionRow, RecordRow.current_revision_id == RevisionRow.revision_id)
            .where(RecordRow.record_id == record_id)
        ).one_or_none()
        if found is None:
            return None
        row, payload = found
        return RecordState(
            record=record_class(row.kind).model_validate_json(payload, context=STORED),
            revision_id=row.current_revision_id,
            tip_count=row.tip_count,
            voided=row.voided,
            signed_off=row.signed_off,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def find(
        self,
        cls: type[R],
        *,
        newest_first: bool = False,
        limit: int | None = None,
        **filters: Any,
    ) -> list[R]:
        """Current states of records of class ``cls`` matching every filter (see
        :func:`_conditions` for the filters), ordered by ``starts_at``."""
        query = (
            select(RevisionRow.payload)
            .join(RecordRow, RecordRow.current_revision_id == RevisionRow.revision_id)
            .where(RecordRow.kind == cls.KIND, *_conditions(**filters))
        )
        order = RecordRow.starts_at.desc() if newest_first else RecordRow.starts_at
        query = query.order_by(order, RecordRow.record_id)
        if limit is not None:
            query = query.limit(limit)
        return [
            cls.model_validate_json(payload, context=STORED)
            for payload in self._session.scalars(query)
        ]

    def count(self, cls: type[Record], **filters: Any) -> int:
        """How many records of class ``cls`` match (same filters as :meth:`find`)."""
        query = (
            select(func.count())
            .select_from(RecordRow)
            .where(RecordRow.kind == cls.KIND, *_conditions(**filters))
        )
        return self._session.scalar(query) or 0

    def count_by_patient(self, cls: type[Record], **filters: Any) -> dict[UUID, int]:
        """How many records of class ``cls`` match, per patient (same filters as :meth:`find`)."""
        query = (
            select(RecordRow.patient_id, func.count())
            .where(RecordRow.kind == cls.KIND, *_conditions(**filters))
            .group_by(RecordRow.patient_id)
        )
        return {pid: n for pid, n in self._session.execute(query).all() if pid is not None}

    def conflicted_by_patient(self, *, ward_id: UUID) -> dict[UUID, int]:
        """Conflicted records of ``ward_id``, counted per patient. Counted here rather than
        grouped in SQL, so the query keeps to the partial index of conflicted records (a
        GROUP BY makes SQLite scan the whole table: 100 ms on five years of a ward)."""
        query = select(RecordRow.patient_id).where(
            RecordRow.tip_count > 1, RecordRow.ward_id == ward_id
        )
        return dict(Counter(pid for pid in self._session.scalars(query) if pid is not None))

    def history(self, record_id: UUID) -> list[Revision]:
        """Every revision of a record, oldest first (the record's full history)."""
        rows = self._session.scalars(
            select(RevisionRow).where(RevisionRow.record_id == record_id).order_by(RevisionRow.seq)
        )
        return [revision_from_row(r) for r in rows]

    def tips(self, record_id: UUID) -> list[Revision]:
        """The diverging versions of a record (one element unless conflicted)."""
        rows = self._session.scalars(
            select(RevisionRow)
            .join(RecordTipRow, RecordTipRow.revision_id == RevisionRow.revision_id)
            .where(RecordTipRow.record_id == record_id)
            .order_by(RevisionRow.created_at)
        )
        return [revision_from_row(r) for r in rows]

    def conflicted_ids(self, *, ward_id: UUID | None = None) -> list[UUID]:
        """Records (of ``ward_id``, if given) waiting for a person to resolve diverging
        versions."""
        query = select(RecordRow.record_id).where(RecordRow.tip_count > 1)
        if ward_id is not None:
            query = query.where(RecordRow.ward_id == ward_id)
        return list(self._session.scalars(query))

    def counts_by_kind(self, *, include_voided: bool = False) -> dict[str, int]:
        """How many current records of each kind (no patient data)."""
        query = select(RecordRow.kind, func.count()).group_by(RecordRow.kind)
        if not include_voided:
            query = query.where(RecordRow.voided.is_(False))
        return dict(self._session.execute(query).all())


def _conditions(
    *,
    ward_id: UUID | None = None,
    patient_id: UUID | None = None,
    parent_id: UUID | None = None,
    parent_ids: Iterable[UUID] | None = None,
    statuses: Iterable[str] | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    ongoing_at: datetime | None = None,
    ends_after: datetime | None = None,
    include_voided: bool = False,
) -> list[ColumnElement[bool]]:
    """Filters on the indexed summary facts. ``ongoing_at`` keeps records that had started by
    then and not ended before it; ``ends_after`` keeps records still running or ended after
    that instant. Voided records are left out unless ``include_voided``."""
    conditions: list[ColumnElement[bool]] = []
    if ward_id is not None:
        conditions.append(RecordRow.ward_id == ward_id)
    if patient_id is not None:
        conditions.append(RecordRow.patient_id == patient_id)
    if parent_id is not None:
        conditions.append(RecordRow.parent_id == parent_id)
    if parent_ids is not None:
        conditions.append(RecordRow.parent_id.in_(list(parent_ids)))
    if statuses is not None:
        # Open statuses (draft, active …) are rare among years of closed records, but without
        # histograms SQLite cannot know that and would walk the (kind, ward, starts_at) index
        # for its ORDER BY; the hint makes it use (kind, ward, status) instead
        # (docs/benchmarks.md: 111 ms → 21 ms on a fresh connection over five years).
        conditions.append(
            func.likelihood(RecordRow.status.in_(list(statuses)), literal_column("0.001"))
        )
    if starts_from is not None:
        conditions.append(RecordRow.starts_at >= starts_from)
    if starts_before is not None:
        conditions.append(RecordRow.starts_at < starts_before)
    if ongoing_at is not None:
        conditions.append(RecordRow.starts_at <= ongoing_at)
        conditions.append(or_(RecordRow.ends_at.is_(None), RecordRow.ends_at > ongoing_at))
    if ends_after is not None:
        conditions.append(or_(RecordRow.ends_at.is_(None), RecordRow.ends_at > ends_after))
    if not include_voided:
        conditions.append(RecordRow.voided.is_(False))
    return conditions
