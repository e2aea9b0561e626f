"""That a patient's copy of a use-of-force record or of a long-term segregation review was made,
to be offered to them (issue 8 item 5: "the record notes that it was offered").

domain.md §1: the patient has a right to know what happened to them and what they can do about
it; the ward offers them a copy of the record in words they can read. RPR cannot know whether
the patient took it, so the note says what RPR knows: which version (plain English or easy
read) was made, when and by whom, about which record. It is a record of its own, hanging off
that record, so making one never changes (or, once signed off, amends) it; it syncs like any
other record, and every later copy is another note.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from app.models.base import PastInstant, Record, RecordSummary
from app.models.people import Username


class PatientCopyVersion(StrEnum):
    """Which copy was made."""

    PLAIN_ENGLISH = "plain_english"
    EASY_READ = "easy_read"

    @property
    def label(self) -> str:
        """Plain wording for screens and documents."""
        return "easy read" if self is PatientCopyVersion.EASY_READ else "plain English"


class PatientCopySubject(StrEnum):
    """What the copy is about."""

    INCIDENT = "use_of_force_incident"
    LTS_REVIEW = "lts_review"


#: The summary status of every note (they are never ended).
OFFERED = "offered"


class PatientCopyOffer(Record):
    """A copy of the record ``about_id`` (a ``subject``) was made for its patient to be
    offered, by ``made_by`` (the account that printed it) at ``made_at``."""

    KIND: ClassVar[str] = "patient_copy_offer"

    subject: PatientCopySubject
    about_id: UUID
    ward_id: UUID
    patient_id: UUID
    version: PatientCopyVersion
    made_at: PastInstant
    made_by: Username

    def summary(self) -> RecordSummary:
        """Indexed under the record it is about, by ward and patient, at the time made."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.about_id,
            status=OFFERED,
            starts_at=self.made_at,
        )
