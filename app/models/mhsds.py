"""The MHSDS v5 restrictive-intervention tables as rows: MHS505 (incident) and MHS515 (type),
and how a use-of-force record's values are written in them (domain.md §4).

Contracts:
- one signed-off :class:`~app.models.incident.UseOfForceIncident` is one MHS505 row, and each of
  its :class:`~app.models.incident_parts.ForceUse` one MHS515 row (domain.md §4: "several per
  incident"); which records may be exported at all is :mod:`app.models.mhsds_export`;
- identifiers are **derived from the record's UUID** (:func:`mhsds_id`), never from a counter or
  the order of a file: re-sending a corrected record sends the same id, which is how MHSDS
  replaces the earlier one (domain.md §4 "IDs are stable");
- dates and times are the ward's wall clock (Europe/London), date and time in separate items,
  as the dataset records them;
- every value is plain ASCII (ids, codes, dates, Y/N), so the file never carries free text and
  so never a name typed into a narrative.

The item names and the identifier length below are the widely used reading of the MHSDS v5
technical output specification *(verify)*; they are kept here, in one place, to be corrected.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import astuple, dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from app.models.clock import local_midnight, to_local

#: Longest identifier MHSDS accepts in its ``…ID`` items *(verify)*.
MHSDS_ID_LENGTH = 20

#: MHS505 items in file order (domain.md §4) *(verify: item names)*.
MHS505_COLUMNS: tuple[str, ...] = (
    "HospProvSpellID",
    "RestrictiveIntIncID",
    "StartDateRestrictiveIntInc",
    "StartTimeRestrictiveIntInc",
    "EndDateRestrictiveIntInc",
    "EndTimeRestrictiveIntInc",
    "RestrictiveIntReason",
    "PostIncReviewPatientInd",
    "PostIncReviewPatientNotHeldReason",
    "PostIncReviewStaffInd",
)

#: MHS515 items in file order (domain.md §4) *(verify: item names)*.
MHS515_COLUMNS: tuple[str, ...] = (
    "RestrictiveIntTypeID",
    "RestrictiveIntIncID",
    "RestrictiveIntType",
    "StartDateRestrictiveIntType",
    "StartTimeRestrictiveIntType",
    "EndDateRestrictiveIntType",
    "EndTimeRestrictiveIntType",
    "PatientInjuryInd",
    "StaffInjuryInd",
    "OtherPersonInjuryInd",
)


class MhsdsTable(StrEnum):
    """The two restrictive-intervention tables (domain.md §4)."""

    MHS505 = "mhs505"
    MHS515 = "mhs515"

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's items, in file order."""
        return MHS505_COLUMNS if self is MhsdsTable.MHS505 else MHS515_COLUMNS

    @property
    def national_name(self) -> str:
        """The table's national name."""
        if self is MhsdsTable.MHS505:
            return "MHS505 Restrictive Intervention Incident"
        return "MHS515 Restrictive Intervention Type"


def mhsds_id(record_id: UUID) -> str:
    """The MHSDS identifier of a record: the first :data:`MHSDS_ID_LENGTH` characters of the
    base32 form of the SHA-256 of its UUID (upper-case letters and digits 2-7, 100 bits).

    The same record always gives the same id, whatever else changes in it (domain.md §4:
    re-sending an id corrects the earlier record). Hashing rather than cutting the UUID short
    keeps ids apart for UUIDs that differ only in their last characters (hand-made ones do);
    100 bits make two records sharing an id beyond any realistic chance.
    """
    digest = hashlib.sha256(record_id.bytes).digest()
    return base64.b32encode(digest).decode("ascii")[:MHSDS_ID_LENGTH]


def yes_no(value: bool) -> str:
    """An MHSDS indicator: ``Y`` or ``N``."""
    return "Y" if value else "N"


def local_date_text(at: datetime) -> str:
    """The Europe/London calendar date of ``at``, as ``CCYY-MM-DD``."""
    return to_local(at).strftime("%Y-%m-%d")


def local_time_text(at: datetime) -> str:
    """The Europe/London wall-clock time of ``at``, as ``hh:mm:ss``."""
    return to_local(at).strftime("%H:%M:%S")


@dataclass(frozen=True, slots=True)
class Mhs505Row:
    """One MHS505 Restrictive Intervention Incident (fields in :data:`MHS505_COLUMNS` order).
    ``post_incident_review_patient_not_held_reason`` is always empty: the record holds that
    reason as free text, and free text (which may name people) never leaves in the export; the
    dataset's item is a national code the record does not hold yet *(verify)*.
    """

    hospital_spell_id: str
    incident_id: str
    start_date: str
    start_time: str
    end_date: str
    end_time: str
    reason: str
    post_incident_review_patient: str
    post_incident_review_patient_not_held_reason: str
    post_incident_review_staff: str

    def values(self) -> tuple[str, ...]:
        """The row's values in column order."""
        return astuple(self)


@dataclass(frozen=True, slots=True)
class Mhs515Row:
    """One MHS515 Restrictive Intervention Type (fields in :data:`MHS515_COLUMNS` order)."""

    type_id: str
    incident_id: str
    intervention_type: str
    start_date: str
    start_time: str
    end_date: str
    end_time: str
    patient_injured: str
    staff_injured: str
    other_person_injured: str

    def values(self) -> tuple[str, ...]:
        """The row's values in column order."""
        return astuple(self)


@dataclass(frozen=True, slots=True)
class ReportingMonth:
    """A calendar month on the ward's wall clock (domain.md §4: submitted monthly). An
    incident belongs to the month in which it **started**, UK local time."""

    year: int
    month: int

    @classmethod
    def parse(cls, value: str) -> ReportingMonth:
        """``CCYY-MM`` (e.g. ``2026-11``); raises ``ValueError`` naming the rule otherwise."""
        text = value.strip()
        parts = text.split("-")
        if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2:
            raise ValueError("must be a year and month written as YYYY-MM, e.g. 2026-11")
        if not (parts[0].isdigit() and parts[1].isdigit()):
            raise ValueError("must be a year and month written as YYYY-MM, e.g. 2026-11")
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise ValueError("the month must be between 01 and 12")
        if year < 2000:
            raise ValueError("the year must be 2000 or later")
        return cls(year, month)

    @property
    def first_day(self) -> date:
        """The first day of the month."""
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        """The first day of the following month."""
        if self.month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month + 1, 1)

    @property
    def starts_at(self) -> datetime:
        """The UTC instant the month begins on the ward's clock (00:00 local on the 1st)."""
        return local_midnight(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The UTC instant the next month begins (exclusive end)."""
        return local_midnight(self.next_first_day)

    def contains(self, at: datetime) -> bool:
        """Whether ``at`` falls in the month on the ward's clock."""
        return self.starts_at <= at < self.ends_at

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
