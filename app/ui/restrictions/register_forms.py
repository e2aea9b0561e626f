"""The blanket restrictions register's own forms: a new restriction and an exemption of one
patient (issue 10, item 1); its review and its end are
:mod:`app.ui.restrictions.restriction_forms`. An exemption is a new revision of the
restriction listing one more patient. The rules — approved by a member of staff, each patient
exempted once, an assessment not in the future — are the model's
(:class:`~app.models.blanket_restrictions.BlanketRestriction`); a refusal names the field and
the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from PySide6.QtWidgets import QLineEdit

from app.models.blanket_restrictions import (
    BlanketRestriction,
    BlanketRestrictionCategory,
    RestrictionExemption,
)
from app.models.errors import UserFacingError
from app.models.people import StaffMember
from app.ui.context import ScreenContext
from app.ui.isolation.fields import ChoiceBox, InstantEdit, StaffChoice
from app.ui.isolation.form import FormPanel
from app.ui.isolation.loading import PatientChoice
from app.ui.isolation.seclusion_forms import Draft
from app.ui.restrictions.parts import (
    DateField,
    chosen_staff,
    months_after,
    show_plain_words,
    signed_in_staff,
    today,
)

KIND = BlanketRestriction.KIND


class NewBlanketRestrictionForm(FormPanel):
    """A blanket restriction on the ward: what (title and category), why, who approved it and
    when, how patients and carers were involved, the first review date (by default the
    policy's longest interval) and when it applies from."""

    FORM = "blanket_restriction"

    def __init__(
        self, ctx: ScreenContext, staff: Sequence[StaffMember], draft: Draft = None
    ) -> None:
        super().__init__(
            ctx, "New blanket restriction", patient_id=None, parent_id=None, draft=draft
        )
        self.words = show_plain_words(self, KIND)
        now = ctx.now()
        self.title = self.add_row("title", "&Restriction (short title)", QLineEdit())
        categories = [(c.value, c.label) for c in BlanketRestrictionCategory]
        self.category = self.add_row("category", "Categor&y", ChoiceBox(categories))
        self.reason = self.add_row("reason", "Why it is &needed", QLineEdit())
        self.approved_by = self.add_row(
            "approved_by", "Approved &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.approved_on = self.add_row("approved_on", "Approved &on", DateField(today(now)))
        self.involvement = self.add_row(
            "involvement", "Patient and carer involve&ment", QLineEdit()
        )
        every = ctx.policy.restrictions.blanket_review_interval_months
        self.review_on = self.add_row(
            "review_on", "R&eview on", DateField(months_after(today(now), every))
        )
        self.started_at = self.add_row("started_at", "In &force from", InstantEdit(now))
        self.ready()

    def build_record(self) -> BlanketRestriction:
        """The new restriction."""
        approver = chosen_staff(self.approved_by, "who approved it")
        return BlanketRestriction.build(
            ward_id=self.ctx.ward_id,
            title=self.title.text(),
            category=BlanketRestrictionCategory(self.category.value()),
            reason=self.reason.text(),
            approved_by=approver.as_person_ref(),
            approved_on=self.approved_on.day(),
            involvement=self.involvement.text() or None,
            review_on=self.review_on.day(),
            started_at=self.started_at.instant(),
        )


class ExemptPatientForm(FormPanel):
    """One patient exempted after an individual assessment: who, the day of the assessment,
    and why the restriction is not needed for them."""

    FORM = "blanket_restriction_exemption"

    def __init__(
        self,
        ctx: ScreenContext,
        restriction: BlanketRestriction,
        base: UUID,
        patients: Sequence[PatientChoice],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx,
            "Exempt a patient",
            patient_id=None,
            parent_id=restriction.id,
            record_base=base,
            draft=draft,
        )
        self.restriction = restriction
        self.words = show_plain_words(self, KIND, restriction.title)
        exempted = {e.patient_id for e in restriction.exemptions}
        choices = [(str(p.patient_id), p.name) for p in patients if p.patient_id not in exempted]
        self.patient = self.add_row("patient", "Patie&nt", ChoiceBox(choices))
        self.assessed_on = self.add_row("assessed_on", "Assessed &on", DateField(today(ctx.now())))
        self.reason = self.add_row("reason", "Reason for e&xemption", QLineEdit())
        self.ready()

    def draft_patient_id(self) -> UUID | None:
        """The patient chosen so far."""
        value = self.patient.value()
        return UUID(value) if value else None

    def build_record(self) -> BlanketRestriction:
        """The restriction with one more exemption."""
        patient = self.draft_patient_id()
        if patient is None:
            raise UserFacingError(
                "patient: choose the patient (everyone on the ward is exempted already)."
            )
        exemption = RestrictionExemption.build(
            patient_id=patient,
            assessed_on=self.assessed_on.day(),
            reason=self.reason.text(),
        )
        data = self.restriction.model_dump()
        data["exemptions"] = [*data["exemptions"], exemption.model_dump()]
        return BlanketRestriction.build(**data)
