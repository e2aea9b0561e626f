"""Reviewing and ending a restriction, blanket or individual: each is a new revision of the
restriction, based on the one the form was opened from (nothing is deleted; ending needs a
reason). The rules — a review date not before the review, an end reason required — are the
models' (:class:`~app.models.restriction_period.ReviewedRestriction`); a refusal names the
field and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtWidgets import QLineEdit

from app.models.blanket_restrictions import BlanketRestriction
from app.models.individual_restrictions import IndividualRestriction
from app.models.people import StaffMember
from app.ui.context import ScreenContext
from app.ui.isolation.fields import InstantEdit, StaffChoice
from app.ui.isolation.form import FormPanel
from app.ui.isolation.seclusion_forms import Draft
from app.ui.restrictions.parts import (
    DateField,
    chosen_staff,
    show_plain_words,
    signed_in_staff,
)

Restriction = BlanketRestriction | IndividualRestriction


def _what(restriction: Restriction) -> str:
    if isinstance(restriction, BlanketRestriction):
        return restriction.title
    return f"{restriction.kind.label}: {restriction.what}"


def _revised(restriction: Restriction, changes: dict[str, Any]) -> Restriction:
    """The restriction with ``changes``, checked by its model (refusals name the field)."""
    return type(restriction).build(**(restriction.model_dump() | changes))


class _RestrictionChange(FormPanel):
    """A change to one restriction, saved as its next revision."""

    def __init__(
        self,
        ctx: ScreenContext,
        title: str,
        restriction: Restriction,
        base: UUID,
        draft: Draft,
    ) -> None:
        patient_id = getattr(restriction, "patient_id", None)
        super().__init__(
            ctx,
            title,
            patient_id=patient_id,
            parent_id=restriction.id,
            record_base=base,
            draft=draft,
        )
        self.restriction = restriction
        self.words = show_plain_words(self, restriction.KIND, _what(restriction))


class ReviewRestrictionForm(_RestrictionChange):
    """A review: when, by whom, and the date of the next review."""

    def __init__(
        self,
        ctx: ScreenContext,
        restriction: Restriction,
        base: UUID,
        staff: Sequence[StaffMember],
        *,
        next_review: date,
        draft: Draft = None,
    ) -> None:
        super().__init__(ctx, "Review the restriction", restriction, base, draft)
        self.reviewed_at = self.add_row("reviewed_at", "Reviewed a&t", InstantEdit(ctx.now()))
        self.reviewed_by = self.add_row(
            "reviewed_by", "Reviewed &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.review_on = self.add_row("review_on", "&Next review on", DateField(next_review))
        self.ready()

    def build_record(self) -> Restriction:
        """The restriction, reviewed."""
        reviewer = chosen_staff(self.reviewed_by, "who reviewed it")
        return _revised(
            self.restriction,
            {
                "reviewed_at": self.reviewed_at.instant(),
                "reviewed_by": reviewer.as_person_ref(),
                "review_on": self.review_on.day(),
            },
        )


class EndRestrictionForm(_RestrictionChange):
    """The end: when, by whom and why (the reason is required)."""

    def __init__(
        self,
        ctx: ScreenContext,
        restriction: Restriction,
        base: UUID,
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(ctx, "End the restriction", restriction, base, draft)
        self.ended_at = self.add_row("ended_at", "Ended a&t", InstantEdit(ctx.now()))
        self.ended_by = self.add_row(
            "ended_by", "Ended &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.reason = self.add_row("end_reason", "&Reason for ending", QLineEdit())
        self.ready()

    def start_focus(self) -> None:
        """The cursor in the reason: time and person are filled in."""
        self.reason.setFocus()

    def build_record(self) -> Restriction:
        """The restriction, ended."""
        ender = chosen_staff(self.ended_by, "who ended it")
        return _revised(
            self.restriction,
            {
                "ended_at": self.ended_at.instant(),
                "ended_by": ender.as_person_ref(),
                "end_reason": self.reason.text(),
            },
        )


class BlanketReviewForm(ReviewRestrictionForm):
    """A review of a blanket restriction."""

    FORM = "blanket_restriction_review"


class BlanketEndForm(EndRestrictionForm):
    """The end of a blanket restriction."""

    FORM = "blanket_restriction_end"


class IndividualReviewForm(ReviewRestrictionForm):
    """A review of an individual restriction."""

    FORM = "individual_restriction_review"


class IndividualEndForm(EndRestrictionForm):
    """The end of an individual restriction."""

    FORM = "individual_restriction_end"
