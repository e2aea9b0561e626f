"""Individual restrictions on one patient: their property, visits, phone, leave, internet or
something else (issue 10, item 2).

Not in domain.md: national guidance on reducing restrictive practice asks that a restriction
on one person be decided for that person, explained, reviewed and lifted when no longer
needed *(verify)*. What it means in plain words is
:data:`~app.models.restriction_words.INDIVIDUAL_RESTRICTION_WORDS`. The record changes by new
revisions (a review, the end) and is never deleted; its review clock is
:func:`individual_restriction_clock`, like a blanket restriction's.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from app.models.base import RecordSummary, RequiredText
from app.models.policy import DEFAULT_POLICY, RestrictionPolicy
from app.models.refs import PersonRef
from app.models.restriction_period import ReviewedRestriction, restriction_review_clock
from app.models.review_clocks import ClockKind, ReviewClock


class IndividualRestrictionKind(StrEnum):
    """What an individual restriction limits (issue 10's list)."""

    PROPERTY = "property"
    VISITS = "visits"
    PHONE = "phone"
    LEAVE = "leave"
    INTERNET = "internet"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _KIND_LABELS[self]


_KIND_LABELS: dict[IndividualRestrictionKind, str] = {
    IndividualRestrictionKind.PROPERTY: "Property or belongings",
    IndividualRestrictionKind.VISITS: "Visits",
    IndividualRestrictionKind.PHONE: "Phone",
    IndividualRestrictionKind.LEAVE: "Leave",
    IndividualRestrictionKind.INTERNET: "Internet",
    IndividualRestrictionKind.OTHER: "Other",
}


class IndividualRestriction(ReviewedRestriction):
    """A restriction on one patient (see the module docstring).

    Contract, beyond :class:`~app.models.restriction_period.ReviewedRestriction` (ending
    needs a reason — the same rule as a blanket restriction, our decision; review date and
    last review): ``what`` is restricted and ``why``; ``decided_by`` is who decided it;
    ``incident_id`` optionally links the use-of-force incident it followed (indexed as the
    record's parent, as a seclusion episode's is).
    """

    KIND: ClassVar[str] = "individual_restriction"

    patient_id: UUID
    ward_id: UUID
    incident_id: UUID | None = None
    kind: IndividualRestrictionKind
    what: RequiredText
    why: RequiredText
    decided_by: PersonRef

    def summary(self) -> RecordSummary:
        """Ward, patient, the linked incident, active/ended and the period."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.incident_id,
            status=self.status,
            starts_at=self.started_at,
            ends_at=self.ended_at,
        )


def individual_restriction_clock(
    restriction: IndividualRestriction,
    at: datetime,
    policy: RestrictionPolicy = DEFAULT_POLICY.restrictions,
) -> ReviewClock:
    """The review clock of an individual restriction at ``at``: by its review date, and at
    least every ``policy.individual_review_interval_days`` days on the ward clock
    (:func:`~app.models.restriction_period.restriction_review_clock`)."""
    return restriction_review_clock(
        restriction,
        at,
        kind=ClockKind.INDIVIDUAL_RESTRICTION_REVIEW,
        every_days=policy.individual_review_interval_days,
    )
