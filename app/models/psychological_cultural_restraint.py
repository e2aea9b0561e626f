"""Psychological restraint (coercion, threats, withholding) and cultural restraint: restraint
without physical force, recorded as a single event (issue 10, item 2).

Not in domain.md: the Use of Force Act counts physical, mechanical and chemical restraint and
isolation (domain.md §1); national guidance on reducing restrictive practice asks wards to see
these too *(verify)*. What each means in plain words is in
:mod:`app.models.restriction_words`. Both are append-only records; a correction is a new
revision, a mistake is voided with a reason (design.md).
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from app.models.base import PastInstant, Record, RecordSummary, RequiredText
from app.models.refs import PersonRef


def _label(value: StrEnum) -> str:
    return value.value.replace("_", " ").capitalize()


class PsychologicalRestraintForm(StrEnum):
    """How a patient was pressed to comply without touch."""

    COERCION = "coercion"
    THREAT = "threat"
    WITHHOLDING = "withholding"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _label(self)


class PsychologicalRestraint(Record):
    """One use of psychological restraint: when, which form, what happened and who did it
    (at least one person). ``incident_id`` optionally links a use-of-force incident
    (indexed as the record's parent)."""

    KIND: ClassVar[str] = "psychological_restraint"

    patient_id: UUID
    ward_id: UUID
    incident_id: UUID | None = None
    occurred_at: PastInstant
    form: PsychologicalRestraintForm
    what_happened: RequiredText
    by_whom: tuple[PersonRef, ...] = Field(min_length=1)

    def summary(self) -> RecordSummary:
        """Ward, patient, the linked incident and when it happened."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.incident_id,
            starts_at=self.occurred_at,
        )


class CulturalRestraintForm(StrEnum):
    """Which part of a patient's religion or culture was restricted."""

    RELIGIOUS_PRACTICE = "religious_practice"
    CULTURAL_PRACTICE = "cultural_practice"
    DIET = "diet"
    DRESS = "dress"
    LANGUAGE = "language"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _label(self)


class CulturalRestraint(Record):
    """One cultural restraint: when, which form and what happened. ``by_whom`` may be empty,
    because the restraint can be the ward's own arrangements (no halal food, no quiet room)
    rather than anyone's act. ``incident_id`` optionally links a use-of-force incident."""

    KIND: ClassVar[str] = "cultural_restraint"

    patient_id: UUID
    ward_id: UUID
    incident_id: UUID | None = None
    occurred_at: PastInstant
    form: CulturalRestraintForm
    what_happened: RequiredText
    by_whom: tuple[PersonRef, ...] = ()

    def summary(self) -> RecordSummary:
        """Ward, patient, the linked incident and when it happened."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.incident_id,
            starts_at=self.occurred_at,
        )
