"""Enhanced observation of one patient: start it, review it, change its level, end it (issue
10, item 2). A change of level ends the running period and starts another at the new level,
both saved in one transaction (one user action), so the time at each level stays exact
(:mod:`app.models.enhanced_observation`). Every form opens with the time now and the
signed-in nurse filled in and shows what enhanced observation means, with an example.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from PySide6.QtWidgets import QLineEdit

from app.models.enhanced_observation import (
    EnhancedObservation,
    EnhancedObservationReview,
    ObservationLevel,
    ObservationReviewDecision,
)
from app.models.errors import UserFacingError
from app.models.people import StaffMember
from app.models.revision import Revision
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.isolation.fields import ChoiceBox, InstantEdit, StaffChoice
from app.ui.isolation.form import FormPanel
from app.ui.isolation.seclusion_forms import Draft
from app.ui.ops import Changes
from app.ui.restrictions.parts import (
    IncidentChoice,
    LinkableIncident,
    chosen_staff,
    show_plain_words,
    signed_in_staff,
)

KIND = EnhancedObservation.KIND
ENHANCED_LEVELS = [(level.value, level.label) for level in ObservationLevel if level.is_enhanced]


def _level(observation: EnhancedObservation) -> str:
    return f"now {observation.level.label}"


class StartObservationForm(FormPanel):
    """Enhanced observation begins: the level, why, who decided, from when, the incident."""

    FORM = "enhanced_observation"

    def __init__(
        self,
        ctx: ScreenContext,
        patient_id: UUID,
        staff: Sequence[StaffMember],
        incidents: Sequence[LinkableIncident],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx, "Start enhanced observation", patient_id=patient_id, parent_id=None, draft=draft
        )
        self.words = show_plain_words(self, KIND)
        self.level = self.add_row("level", "&Level", ChoiceBox(ENHANCED_LEVELS))
        self.reason = self.add_row("reason", "Reas&on", QLineEdit())
        self.decided_by = self.add_row(
            "decided_by", "Decided &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.started_at = self.add_row("started_at", "&From", InstantEdit(ctx.now()))
        self.incident = self.add_row(
            "incident", "Linked &use of force", IncidentChoice(incidents, ctx.now())
        )
        self.ready()

    def build_record(self) -> EnhancedObservation:
        """The new period of enhanced observation."""
        assert self.patient_id is not None  # noqa: S101 - made for a patient
        return EnhancedObservation.build(
            patient_id=self.patient_id,
            ward_id=self.ctx.ward_id,
            incident_id=self.incident.incident_id(),
            level=ObservationLevel(self.level.value()),
            reason=self.reason.text(),
            decided_by=chosen_staff(self.decided_by, "who decided it").as_person_ref(),
            started_at=self.started_at.instant(),
        )


class ObservationReviewForm(FormPanel):
    """A review: when, by whom, the outcome and notes. Append-only; a change of level or the
    end is then recorded with its own form."""

    FORM = "enhanced_observation_review"

    def __init__(
        self,
        ctx: ScreenContext,
        observation: EnhancedObservation,
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx,
            "Review enhanced observation",
            patient_id=observation.patient_id,
            parent_id=observation.id,
            draft=draft,
        )
        self.observation = observation
        self.words = show_plain_words(self, KIND, _level(observation))
        self.reviewed_at = self.add_row("reviewed_at", "Reviewed a&t", InstantEdit(ctx.now()))
        self.reviewed_by = self.add_row(
            "reviewed_by", "Reviewed &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        outcomes = [(d.value, d.label) for d in ObservationReviewDecision]
        self.decision = self.add_row("decision", "&Outcome", ChoiceBox(outcomes))
        self.notes = self.add_row("notes", "&Notes", QLineEdit())
        self.ready()

    def build_record(self) -> EnhancedObservationReview:
        """The review."""
        observation = self.observation
        return EnhancedObservationReview.build(
            observation_id=observation.id,
            patient_id=observation.patient_id,
            ward_id=observation.ward_id,
            reviewed_at=self.reviewed_at.instant(),
            reviewed_by=chosen_staff(self.reviewed_by, "who reviewed it").as_person_ref(),
            decision=ObservationReviewDecision(self.decision.value()),
            notes=self.notes.text(),
        )


def _ended(
    observation: EnhancedObservation, at_edit: InstantEdit, by: StaffChoice
) -> EnhancedObservation:
    data = observation.model_dump() | {
        "ended_at": at_edit.instant(),
        "ended_by": chosen_staff(by, "who ended it").as_person_ref(),
    }
    return EnhancedObservation.build(**data)


class EndObservationForm(FormPanel):
    """Enhanced observation ends (back to general observation): when and by whom."""

    FORM = "enhanced_observation_end"

    def __init__(
        self,
        ctx: ScreenContext,
        observation: EnhancedObservation,
        base: UUID,
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx,
            "End enhanced observation",
            patient_id=observation.patient_id,
            parent_id=observation.id,
            record_base=base,
            draft=draft,
        )
        self.observation = observation
        self.words = show_plain_words(self, KIND, _level(observation))
        self.ended_at = self.add_row("ended_at", "Ended a&t", InstantEdit(ctx.now()))
        self.ended_by = self.add_row(
            "ended_by", "Ended &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.ready()

    def build_record(self) -> EnhancedObservation:
        """The observation, ended."""
        return _ended(self.observation, self.ended_at, self.ended_by)


class ChangeLevelForm(FormPanel):
    """A new level from a time: the running period ends then and a new one starts, saved
    together. ``saved`` carries the new period's revision."""

    FORM = "enhanced_observation_level"

    def __init__(
        self,
        ctx: ScreenContext,
        observation: EnhancedObservation,
        base: UUID,
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx,
            "Change the level of enhanced observation",
            patient_id=observation.patient_id,
            parent_id=observation.id,
            record_base=base,
            draft=draft,
        )
        self.observation = observation
        self._base = base
        self.words = show_plain_words(self, KIND, _level(observation))
        others = [(v, w) for v, w in ENHANCED_LEVELS if v != observation.level.value]
        self.level = self.add_row("level", "New &level", ChoiceBox(others))
        self.reason = self.add_row("reason", "Reas&on", QLineEdit())
        self.changed_at = self.add_row("changed_at", "Changed a&t", InstantEdit(ctx.now()))
        self.decided_by = self.add_row(
            "decided_by", "Decided &by", StaffChoice(staff, signed_in_staff(ctx))
        )
        self.ready()

    def build_pair(self) -> tuple[EnhancedObservation, EnhancedObservation]:
        """The running period ended, and the new one (refusals name the field)."""
        ended = _ended(self.observation, self.changed_at, self.decided_by)
        new = EnhancedObservation.build(
            patient_id=self.observation.patient_id,
            ward_id=self.observation.ward_id,
            incident_id=self.observation.incident_id,
            level=ObservationLevel(self.level.value()),
            reason=self.reason.text(),
            decided_by=chosen_staff(self.decided_by, "who decided it").as_person_ref(),
            started_at=self.changed_at.instant(),
        )
        return ended, new

    def build_record(self) -> EnhancedObservation:
        """The new period (what the draft and the checks see first)."""
        return self.build_pair()[1]

    def submit(self) -> None:
        """Save both in one transaction (Enter); ignored while a save runs."""
        if self._busy:
            return
        try:
            ended, new = self.build_pair()
        except UserFacingError as error:
            self.message.setText(str(error))
            return
        self._busy = True
        self.save_button.setEnabled(False)
        self.message.clear()
        store, base = self.ctx.store, self._base

        def work(store: Store = store) -> Revision:
            with store.write() as tx:
                tx.save(ended, base=base)
                return tx.save(new)

        self.ctx.runner.run(
            work,
            on_done=self._saved,
            on_error=self._refused,
            changes=Changes(kinds=frozenset({KIND})),
            owner=self,
        )
