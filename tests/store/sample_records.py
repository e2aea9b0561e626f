"""A small record kind used to test the store on its own, apart from the clinical models."""

from datetime import datetime
from uuid import UUID, uuid4

from app.models.base import Instant, Record, RecordSummary, Text


class StoreTestNote(Record):
    """A note with the summary facts the store indexes."""

    KIND = "store_test_note"

    ward_id: UUID
    patient_id: UUID | None = None
    text: Text = ""
    status: str = "draft"
    starts_at: Instant
    ends_at: Instant | None = None

    def summary(self) -> RecordSummary:
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            status=self.status,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
        )

    def is_signed_off(self) -> bool:
        return self.status == "signed_off"


WARD = uuid4()


def note(text: str = "", *, at: datetime, **changes: object) -> StoreTestNote:
    return StoreTestNote.model_validate({"ward_id": WARD, "text": text, "starts_at": at, **changes})
