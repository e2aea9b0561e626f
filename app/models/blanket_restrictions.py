"""The ward's register of blanket restrictions (issue 10, item 1).

Not in domain.md: domain.md §1 covers the force the Use of Force Act counts. A blanket
restriction limits everyone on the ward whatever their individual risk; national guidance
(MHA Code of Practice 8.5–8.13 *(verify)*) asks that each be justified, approved, reviewed,
explained to patients and carers, and lifted for a patient whose individual assessment shows
it is not needed. What it means in plain words is
:data:`~app.models.restriction_words.BLANKET_RESTRICTION_WORDS`.

One record per restriction per ward; it changes by new revisions (a review, an exemption
added, the end) and is never deleted (design.md). Its review clock is
:func:`blanket_restriction_clock`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import model_validator

from app.models.base import DomainModel, PastDate, RecordSummary, RequiredText, ShortText, Text
from app.models.clock import local_date
from app.models.isolation_roles import is_staff
from app.models.policy import DEFAULT_POLICY, RestrictionPolicy
from app.models.refs import PersonRef
from app.models.restriction_period import ReviewedRestriction, restriction_review_clock
from app.models.review_clocks import ClockKind, ReviewClock


class BlanketRestrictionCategory(StrEnum):
    """What kind of freedom a blanket restriction limits (our grouping, not a national code
    list *(verify against the trust's register)*)."""

    ACCESS_TO_AREAS = "access_to_areas"
    BANNED_ITEMS = "banned_items"
    SET_TIMES = "set_times"
    VISITING = "visiting"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS: dict[BlanketRestrictionCategory, str] = {
    BlanketRestrictionCategory.ACCESS_TO_AREAS: "Locked rooms or areas (e.g. kitchen, bedrooms)",
    BlanketRestrictionCategory.BANNED_ITEMS: "Items nobody may keep",
    BlanketRestrictionCategory.SET_TIMES: "Set times (phone, garden, internet…)",
    BlanketRestrictionCategory.VISITING: "Visiting",
    BlanketRestrictionCategory.OTHER: "Other",
}


class RestrictionExemption(DomainModel):
    """A patient to whom the restriction does not apply, after an individual assessment: the
    date of that assessment and a short reason are required."""

    patient_id: UUID
    assessed_on: PastDate
    reason: RequiredText


class BlanketRestriction(ReviewedRestriction):
    """One blanket restriction on a ward (see the module docstring).

    Contract, beyond :class:`~app.models.restriction_period.ReviewedRestriction` (ending
    needs a reason; review date and last review):
    - what is restricted: a short ``title`` and its ``category``; ``reason`` says why it is
      needed;
    - ``approved_by`` is a member of staff (not a patient, carer, IMHA or commissioner —
      our rule, not in domain.md), with the date of approval ``approved_on``;
    - ``exemptions`` list each patient at most once; an exemption applies from the day of
      its assessment (:func:`is_subject_to`);
    - ``involvement`` says how patients and carers were involved (``None``: not answered).
    """

    KIND: ClassVar[str] = "blanket_restriction"

    ward_id: UUID
    title: ShortText
    category: BlanketRestrictionCategory
    reason: RequiredText
    approved_by: PersonRef
    approved_on: PastDate
    exemptions: tuple[RestrictionExemption, ...] = ()
    involvement: Text | None = None

    @model_validator(mode="after")
    def _register_rules(self) -> BlanketRestriction:
        if not is_staff(self.approved_by):
            raise ValueError("approved_by: a blanket restriction is approved by a member of staff")
        patients = [exemption.patient_id for exemption in self.exemptions]
        if len(set(patients)) != len(patients):
            raise ValueError("exemptions: each patient is listed once")
        return self

    def exemption_for(self, patient_id: UUID) -> RestrictionExemption | None:
        """The exemption of ``patient_id``, if they have one."""
        return next((e for e in self.exemptions if e.patient_id == patient_id), None)

    def summary(self) -> RecordSummary:
        """Indexed by ward (no patient: it applies to the whole ward), active/ended, period."""
        return RecordSummary(
            ward_id=self.ward_id,
            status=self.status,
            starts_at=self.started_at,
            ends_at=self.ended_at,
        )


def is_subject_to(restriction: BlanketRestriction, patient_id: UUID, at: datetime) -> bool:
    """Whether ``patient_id`` on the restriction's ward was subject to it at ``at``: the
    restriction applied then, and the patient had no exemption assessed on or before that
    ward day. An exemption assessed later does not rewrite the past."""
    if not restriction.is_active_at(at):
        return False
    exemption = restriction.exemption_for(patient_id)
    return exemption is None or exemption.assessed_on > local_date(at)


def restrictions_on(
    restrictions: Iterable[BlanketRestriction], patient_id: UUID, at: datetime
) -> tuple[BlanketRestriction, ...]:
    """The blanket restrictions ``patient_id`` was subject to at ``at``, in the order given."""
    return tuple(r for r in restrictions if is_subject_to(r, patient_id, at))


def blanket_restriction_clock(
    restriction: BlanketRestriction,
    at: datetime,
    policy: RestrictionPolicy = DEFAULT_POLICY.restrictions,
) -> ReviewClock:
    """The review clock of a blanket restriction at ``at``: by its review date, and at least
    every ``policy.blanket_review_interval_months`` calendar months
    (:func:`~app.models.restriction_period.restriction_review_clock`)."""
    return restriction_review_clock(
        restriction,
        at,
        kind=ClockKind.BLANKET_RESTRICTION_REVIEW,
        every_months=policy.blanket_review_interval_months,
    )
