"""The seclusion forms: start an episode, one-keystroke observation, a review of any kind,
and the end (domain.md §3 "Seclusion"). The rules — who may authorise, who must attend a
review, what an observation holds — are the models'; a refusal names the field and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from PySide6.QtWidgets import QLineEdit

from app.models.base import Answer
from app.models.codes import InterventionReason
from app.models.errors import UserFacingError
from app.models.form_draft import FormDraft
from app.models.people import StaffMember
from app.models.review_clocks import ClockKind, ReviewClock, most_urgent
from app.models.seclusion import (
    SeclusionDecision,
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)
from app.ui.context import ScreenContext
from app.ui.isolation.fields import ChoiceBox, InstantEdit, StaffChecklist, StaffChoice
from app.ui.isolation.form import FormPanel
from app.ui.isolation.loading import PatientChoice
from app.ui.isolation.wording import local_time

Draft = tuple[FormDraft, UUID] | None

ANSWERS = [(a.value, a.value.replace("_", " ").capitalize()) for a in Answer]
#: The review each clock asks for (the observation clock asks for an observation).
REVIEW_OF_CLOCK = {
    ClockKind.SECLUSION_NURSING: SeclusionReviewKind.NURSING,
    ClockKind.SECLUSION_MEDICAL: SeclusionReviewKind.MEDICAL,
    ClockKind.SECLUSION_INTERNAL_MDT: SeclusionReviewKind.INTERNAL_MDT,
    ClockKind.SECLUSION_INDEPENDENT_MDT: SeclusionReviewKind.INDEPENDENT_MDT,
}


def signed_in_staff(ctx: ScreenContext) -> UUID | None:
    """The staff member of the signed-in account."""
    return ctx.facts.staff.id if ctx.facts.staff is not None else None


def _chosen(choice: StaffChoice, what: str) -> StaffMember:
    member = choice.member()
    if member is None:
        raise UserFacingError(f"Choose {what} from the staff list.")
    return member


class StartSeclusionForm(FormPanel):
    """Start seclusion: who, when, who authorised it (and their role), where, why."""

    FORM = "start_seclusion"
    STARTS_EPISODE = True

    def __init__(
        self,
        ctx: ScreenContext,
        patients: Sequence[PatientChoice],
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(ctx, "Start seclusion", patient_id=None, parent_id=None, draft=draft)
        self.say("The person who authorised seclusion must be a doctor or a registered nurse.")
        choices = [(str(p.patient_id), p.name) for p in patients]
        self.patient = self.add_row("patient", "Patient", ChoiceBox(choices))
        self.started_at = self.add_row("started_at", "Started a&t", InstantEdit(ctx.now()))
        self.authorised_by = self.add_row(
            "authorised_by", "Authorised &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.place = self.add_row(
            "place", "Place (&room)", QLineEdit(f"Seclusion suite, {ctx.ward.name}")
        )
        reasons = [("", "Not recorded yet")] + [
            (r.value, f"{r.value} {r.label}") for r in InterventionReason
        ]
        self.reason = self.add_row("reason", "Reason (c&ode)", ChoiceBox(reasons))
        self.narrative = self.add_row("reason_narrative", "Reason in &full", QLineEdit())
        self.ready()

    def draft_patient_id(self) -> UUID | None:
        """The patient chosen so far."""
        value = self.patient.value()
        return UUID(value) if value else None

    def build_record(self) -> SeclusionEpisode:
        """The new episode."""
        patient = self.draft_patient_id()
        if patient is None:
            raise UserFacingError("Choose the patient: nobody on the ward can be secluded.")
        authoriser = _chosen(self.authorised_by, "who authorised seclusion")
        return SeclusionEpisode.build(
            patient_id=patient,
            ward_id=self.ctx.ward_id,
            started_at=self.started_at.instant(),
            authorised_by=authoriser.as_person_ref(),
            place=self.place.text(),
            reason=InterventionReason(self.reason.value()) if self.reason.value() else None,
            reason_narrative=self.narrative.text() or None,
        )


class ObservationForm(FormPanel):
    """A 15-minute observation entry. Opened by one keystroke with the last entry's words
    carried forward and the time and observer filled in: Enter saves it as it stands."""

    FORM = "seclusion_observation"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: SeclusionEpisode,
        staff: Sequence[StaffMember],
        last: SeclusionObservation | None,
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx,
            "Observation",
            patient_id=episode.patient_id,
            parent_id=episode.id,
            draft=draft,
        )
        self.episode = episode
        self.observed_at = self.add_row("observed_at", "Observed a&t", InstantEdit(ctx.now()))
        self.observer = self.add_row(
            "observer", "Obse&rver", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.behaviour = self.add_row("behaviour", "&Behaviour", QLineEdit())
        self.mental_state = self.add_row("mental_state", "&Mental state", QLineEdit())
        self.physical_state = self.add_row("physical_state", "Ph&ysical state", QLineEdit())
        self.breathing = self.add_row("breathing", "Breathin&g", QLineEdit())
        self.food = self.add_check("food_offered", "&Food offered")
        self.fluid = self.add_check("fluid_offered", "Fl&uid offered")
        self.toilet = self.add_check("toilet_offered", "Toil&et offered")
        if last is not None:
            self.behaviour.setText(last.behaviour)
            self.mental_state.setText(last.mental_state)
            self.physical_state.setText(last.physical_state)
            self.breathing.setText(last.breathing)
            when = local_time(last.observed_at, ctx.now())
            self.say(
                f"Carried forward from the entry at {when} by {last.observer.name}: change "
                "what is different, then press Enter."
            )
        else:
            self.say("Write what you see; Enter saves.")
        self.ready()

    def start_focus(self) -> None:
        """The cursor in Behaviour, its words selected (typing replaces them)."""
        self.behaviour.setFocus()
        self.behaviour.selectAll()

    def build_record(self) -> SeclusionObservation:
        """The observation entry."""
        observer = _chosen(self.observer, "the observer")
        return SeclusionObservation.build(
            episode_id=self.episode.id,
            patient_id=self.episode.patient_id,
            ward_id=self.episode.ward_id,
            observed_at=self.observed_at.instant(),
            observer=observer.as_person_ref(),
            behaviour=self.behaviour.text(),
            mental_state=self.mental_state.text(),
            physical_state=self.physical_state.text(),
            breathing=self.breathing.text(),
            food_offered=self.food.isChecked(),
            fluid_offered=self.fluid.isChecked(),
            toilet_offered=self.toilet.isChecked(),
        )


def _next_review(clocks: Sequence[ReviewClock]) -> SeclusionReviewKind:
    urgent = most_urgent(c for c in clocks if c.kind in REVIEW_OF_CLOCK)
    return REVIEW_OF_CLOCK[urgent.kind] if urgent is not None else SeclusionReviewKind.NURSING


class SeclusionReviewForm(FormPanel):
    """A review of any kind, with its attendees and decision. The kind offered first is the
    one whose clock is most urgent."""

    FORM = "seclusion_review"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: SeclusionEpisode,
        staff: Sequence[StaffMember],
        clocks: Sequence[ReviewClock],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx,
            "Seclusion review",
            patient_id=episode.patient_id,
            parent_id=episode.id,
            draft=draft,
        )
        self.episode = episode
        self.say(
            "Nursing: two staff, one a registered nurse. Medical: a doctor. MDT: at least a "
            "doctor and a registered nurse. Tick who attended with Space."
        )
        kinds = [(k.value, k.label) for k in SeclusionReviewKind]
        self.kind = self.add_row(
            "kind", "&Kind of review", ChoiceBox(kinds, _next_review(clocks).value)
        )
        self.held_at = self.add_row("held_at", "Held a&t", InstantEdit(ctx.now()))
        me = signed_in_staff(ctx)
        self.attendees = self.add_row(
            "attendees",
            "Attendees (t&yping a name finds it)",
            StaffChecklist(staff, [me] if me else []),
        )
        decisions = [
            (SeclusionDecision.CONTINUE.value, "Continue seclusion"),
            (SeclusionDecision.END.value, "End seclusion"),
        ]
        self.decision = self.add_row("decision", "Decisi&on", ChoiceBox(decisions))
        self.notes = self.add_row("notes", "Not&es", QLineEdit())
        self.ready()

    @property
    def ends_seclusion(self) -> bool:
        """The review decided to end seclusion."""
        return self.decision.value() == SeclusionDecision.END.value

    def build_record(self) -> SeclusionReview:
        """The review."""
        return SeclusionReview.build(
            episode_id=self.episode.id,
            patient_id=self.episode.patient_id,
            ward_id=self.episode.ward_id,
            kind=SeclusionReviewKind(self.kind.value()),
            held_at=self.held_at.instant(),
            attendees=tuple(m.as_person_ref() for m in self.attendees.people.ticked()),
            decision=SeclusionDecision(self.decision.value()),
            notes=self.notes.text(),
        )


class EndSeclusionForm(FormPanel):
    """End seclusion: when, who decided, and the debrief. A change to the episode, based on
    the version the view read."""

    FORM = "end_seclusion"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: SeclusionEpisode,
        base: UUID,
        staff: Sequence[StaffMember],
        *,
        draft: Draft = None,
        decided_by: UUID | None = None,
    ) -> None:
        super().__init__(
            ctx,
            "End seclusion",
            patient_id=episode.patient_id,
            parent_id=episode.id,
            record_base=base,
            draft=draft,
        )
        self.episode = episode
        unwritten = episode.care_plan.unanswered_sections()
        if unwritten:
            self.say(
                "The care plan has nothing yet for: "
                + ", ".join(name.replace("_", " ") for name in unwritten)
                + ". Escape, then Revise the care plan (Alt+T), to write it first."
            )
        self.ended_at = self.add_row("ended_at", "Ended a&t", InstantEdit(ctx.now()))
        self.ended_by = self.add_row(
            "ended_by", "Decided &by", StaffChoice(staff, decided_by or signed_in_staff(ctx))
        )
        self.debrief_offered = self.add_row(
            "debrief_offered", "Debrief &offered to the patient", ChoiceBox(ANSWERS)
        )
        self.debrief_held = self.add_row(
            "debrief_held", "Debrie&f held", ChoiceBox([("", "Not yet"), *ANSWERS])
        )
        self.ready()

    def build_record(self) -> SeclusionEpisode:
        """The episode, ended."""
        ender = _chosen(self.ended_by, "who decided to end seclusion")
        held = self.debrief_held.value()
        data = self.episode.model_dump() | {
            "ended_at": self.ended_at.instant(),
            "ended_by": ender.as_person_ref(),
            "debrief_offered": Answer(self.debrief_offered.value()),
            "debrief_held": Answer(held) if held else None,
        }
        return SeclusionEpisode.build(**data)
