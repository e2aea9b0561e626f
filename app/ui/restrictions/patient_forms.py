"""Recording on one patient, as quickly as an observation: a new individual restriction,
psychological restraint and cultural restraint (issue 10, item 2). Each form opens with the
time now and the signed-in nurse filled in, shows what the kind means and an example, and may
link one of the patient's recent use-of-force incidents. The rules are the models'; a refusal
names the field and the rule. Enhanced observation's forms are
:mod:`app.ui.restrictions.observation_forms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID

from PySide6.QtWidgets import QLineEdit

from app.models.individual_restrictions import IndividualRestriction, IndividualRestrictionKind
from app.models.people import StaffMember
from app.models.psychological_cultural_restraint import (
    CulturalRestraint,
    CulturalRestraintForm,
    PsychologicalRestraint,
    PsychologicalRestraintForm,
)
from app.ui.context import ScreenContext
from app.ui.isolation.fields import ChoiceBox, InstantEdit, StaffChecklist, StaffChoice
from app.ui.isolation.form import FormPanel
from app.ui.isolation.seclusion_forms import Draft
from app.ui.restrictions.parts import (
    DateField,
    IncidentChoice,
    LinkableIncident,
    chosen_staff,
    show_plain_words,
    signed_in_staff,
    today,
)


class IndividualRestrictionForm(FormPanel):
    """A restriction on this patient: what kind, what exactly and why, who decided, from
    when, the next review date (by default the policy's longest interval) and the incident."""

    FORM = "individual_restriction"

    def __init__(
        self,
        ctx: ScreenContext,
        patient_id: UUID,
        staff: Sequence[StaffMember],
        incidents: Sequence[LinkableIncident],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx, "New individual restriction", patient_id=patient_id, parent_id=None, draft=draft
        )
        self.words = show_plain_words(self, IndividualRestriction.KIND)
        now = ctx.now()
        kinds = [(k.value, k.label) for k in IndividualRestrictionKind]
        self.kind = self.add_row("kind", "&Type", ChoiceBox(kinds))
        self.what = self.add_row("what", "What is r&estricted", QLineEdit())
        self.why = self.add_row("why", "Reas&on", QLineEdit())
        me = signed_in_staff(ctx)
        self.decided_by = self.add_row("decided_by", "Decided &by", StaffChoice(staff, me))
        self.started_at = self.add_row("started_at", "&From", InstantEdit(now))
        every = ctx.policy.restrictions.individual_review_interval_days
        self.review_on = self.add_row(
            "review_on", "&Next review on", DateField(today(now) + timedelta(days=every))
        )
        self.incident = self.add_row(
            "incident", "Linked &use of force", IncidentChoice(incidents, now)
        )
        self.ready()

    def build_record(self) -> IndividualRestriction:
        """The new restriction."""
        assert self.patient_id is not None  # noqa: S101 - made for a patient
        decider = chosen_staff(self.decided_by, "who decided it")
        return IndividualRestriction.build(
            patient_id=self.patient_id,
            ward_id=self.ctx.ward_id,
            incident_id=self.incident.incident_id(),
            kind=IndividualRestrictionKind(self.kind.value()),
            what=self.what.text(),
            why=self.why.text(),
            decided_by=decider.as_person_ref(),
            started_at=self.started_at.instant(),
            review_on=self.review_on.day(),
        )


class _RestraintForm(FormPanel):
    """When, which form it took, what happened, by whom (ticked), and the incident."""

    TITLE = ""
    KIND = ""
    FORMS: Sequence[tuple[str, str]] = ()
    #: Whether the signed-in nurse is ticked as who did it at first.
    TICK_ME = True

    def __init__(
        self,
        ctx: ScreenContext,
        patient_id: UUID,
        staff: Sequence[StaffMember],
        incidents: Sequence[LinkableIncident],
        draft: Draft = None,
    ) -> None:
        super().__init__(ctx, self.TITLE, patient_id=patient_id, parent_id=None, draft=draft)
        self.words = show_plain_words(self, self.KIND)
        now = ctx.now()
        self.occurred_at = self.add_row("occurred_at", "Occurred a&t", InstantEdit(now))
        self.form_taken = self.add_row("form", "&Form it took", ChoiceBox(self.FORMS))
        self.what_happened = self.add_row("what_happened", "What happ&ened", QLineEdit())
        me = signed_in_staff(ctx)
        ticked = [me] if me is not None and self.TICK_ME else []
        self.by_whom = self.add_row(
            "by_whom", "&By whom (Space ticks)", StaffChecklist(staff, ticked)
        )
        self.incident = self.add_row(
            "incident", "Linked &use of force", IncidentChoice(incidents, now)
        )
        self.ready()

    def start_focus(self) -> None:
        """The cursor in what happened: the time and the nurse are filled in."""
        self.what_happened.setFocus()


class PsychologicalRestraintEntryForm(_RestraintForm):
    """Psychological restraint or coercion: at least one person is named."""

    FORM = "psychological_restraint"
    TITLE = "Psychological restraint or coercion"
    KIND = PsychologicalRestraint.KIND
    FORMS = tuple((f.value, f.label) for f in PsychologicalRestraintForm)

    def build_record(self) -> PsychologicalRestraint:
        """The entry."""
        assert self.patient_id is not None  # noqa: S101 - made for a patient
        return PsychologicalRestraint.build(
            patient_id=self.patient_id,
            ward_id=self.ctx.ward_id,
            incident_id=self.incident.incident_id(),
            occurred_at=self.occurred_at.instant(),
            form=PsychologicalRestraintForm(self.form_taken.value()),
            what_happened=self.what_happened.text(),
            by_whom=tuple(m.as_person_ref() for m in self.by_whom.people.ticked()),
        )


class CulturalRestraintEntryForm(_RestraintForm):
    """Cultural restraint: nobody need be named (it may be the ward's own arrangements)."""

    FORM = "cultural_restraint"
    TITLE = "Cultural restraint"
    KIND = CulturalRestraint.KIND
    FORMS = tuple((f.value, f.label) for f in CulturalRestraintForm)
    TICK_ME = False

    def build_record(self) -> CulturalRestraint:
        """The entry."""
        assert self.patient_id is not None  # noqa: S101 - made for a patient
        return CulturalRestraint.build(
            patient_id=self.patient_id,
            ward_id=self.ctx.ward_id,
            incident_id=self.incident.incident_id(),
            occurred_at=self.occurred_at.instant(),
            form=CulturalRestraintForm(self.form_taken.value()),
            what_happened=self.what_happened.text(),
            by_whom=tuple(m.as_person_ref() for m in self.by_whom.people.ticked()),
        )
