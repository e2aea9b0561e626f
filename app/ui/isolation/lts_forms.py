"""The long-term segregation forms: the decision that starts it, a review of any kind, an
engagement entry, and the end (domain.md §3 "Long-term segregation"); the care plan's form is
in :mod:`app.ui.isolation.care_plans`. Who must attend, what the plan must hold and every
other rule are the models'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLineEdit, QSpinBox

from app.models.base import Answer
from app.models.clock import local_date
from app.models.errors import UserFacingError
from app.models.people import StaffMember
from app.models.refs import ClinicalRole, PersonRef
from app.models.review_clocks import ClockKind, ReviewClock, most_urgent
from app.models.segregation import (
    MAX_ENGAGEMENT,
    EngagementKind,
    LtsAction,
    LtsDecision,
    LtsEngagementEntry,
    LtsEpisode,
    LtsReview,
    LtsReviewKind,
    Participation,
)
from app.ui.context import ScreenContext
from app.ui.isolation.care_plans import LTS_CARE_PLAN_SECTIONS as CARE_PLAN_SECTIONS
from app.ui.isolation.fields import ChoiceBox, InstantEdit, StaffChecklist, StaffChoice, TextBox
from app.ui.isolation.form import FormPanel
from app.ui.isolation.loading import PatientChoice
from app.ui.isolation.seclusion_forms import ANSWERS, Draft, signed_in_staff

REVIEW_OF_CLOCK = {
    ClockKind.LTS_APPROVED_CLINICIAN: LtsReviewKind.APPROVED_CLINICIAN,
    ClockKind.LTS_MDT: LtsReviewKind.MDT,
    ClockKind.LTS_EXTERNAL: LtsReviewKind.EXTERNAL,
    ClockKind.LTS_ICETR: LtsReviewKind.ICETR,
}
PARTICIPATION = [
    ("", "Not recorded"),
    (Participation.NOT_INVITED.value, "Not invited"),
    (Participation.INVITED_DID_NOT_ATTEND.value, "Invited, did not attend"),
    (Participation.ATTENDED.value, "Attended"),
]


def _chosen(choice: StaffChoice, what: str) -> StaffMember:
    member = choice.member()
    if member is None:
        raise UserFacingError(f"Choose {what} from the staff list.")
    return member


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class StartLtsForm(FormPanel):
    """The decision record: who decided (the MDT with the commissioner's representative),
    who authorised it, whether the IMHA was told, why LTS is needed and the steps to end it."""

    FORM = "start_segregation"
    STARTS_EPISODE = True

    def __init__(
        self,
        ctx: ScreenContext,
        patients: Sequence[PatientChoice],
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx, "Start long-term segregation", patient_id=None, parent_id=None, draft=draft
        )
        self.say(
            "LTS is decided by an MDT with a representative of the commissioning authority and "
            "authorised by an approved clinician. The other sections of the care plan can be "
            "written afterwards (Revise the care plan)."
        )
        choices = [(str(p.patient_id), p.name) for p in patients]
        self.patient = self.add_row("patient", "Patient", ChoiceBox(choices))
        self.started_at = self.add_row("started_at", "Decided a&t", InstantEdit(ctx.now()))
        self.authorised_by = self.add_row(
            "authorised_by", "Authorised &by (approved clinician)", StaffChoice(staff)
        )
        me = signed_in_staff(ctx)
        self.attendees = self.add_row(
            "attendees", "&MDT attendees", StaffChecklist(staff, [me] if me else [])
        )
        self.commissioner = self.add_row(
            "commissioner", "Commissioner's rep&resentative", QLineEdit()
        )
        self.commissioner_title = self.add_row(
            "commissioner_title", "Their &job title", QLineEdit()
        )
        self.imha_told = self.add_row(
            "imha_told", "IMHA t&old", ChoiceBox([("", "Not yet"), *ANSWERS])
        )
        self.imha_told_at = self.add_row(
            "imha_told_at", "IMHA in&formed at", InstantEdit(ctx.now())
        )
        self.why = self.add_row("why_needed", CARE_PLAN_SECTIONS["why_needed"], TextBox())
        self.steps = self.add_row("steps_to_end", CARE_PLAN_SECTIONS["steps_to_end"], TextBox())
        self.imha_told.currentIndexChanged.connect(self._imha_changed)
        self.ready()
        self._imha_changed()

    def _imha_changed(self) -> None:
        self.imha_told_at.setEnabled(self.imha_told.value() == Answer.YES.value)

    def draft_patient_id(self) -> UUID | None:
        """The patient chosen so far."""
        value = self.patient.value()
        return UUID(value) if value else None

    def build_record(self) -> LtsEpisode:
        """The new episode with its decision record."""
        patient = self.draft_patient_id()
        if patient is None:
            raise UserFacingError("Choose the patient: nobody on the ward can be segregated.")
        if not self.commissioner.text().strip() or not self.commissioner_title.text().strip():
            raise UserFacingError(
                "Name the commissioning authority's representative at the decision, and their "
                "job title."
            )
        commissioner = PersonRef(
            name=self.commissioner.text().strip(),
            job_title=self.commissioner_title.text().strip(),
            role=ClinicalRole.COMMISSIONER,
        )
        told = self.imha_told.value()
        return LtsEpisode.build(
            patient_id=patient,
            ward_id=self.ctx.ward_id,
            started_at=self.started_at.instant(),
            authorised_by=_chosen(self.authorised_by, "who authorised LTS").as_person_ref(),
            decision_attendees=(
                *(m.as_person_ref() for m in self.attendees.people.ticked()),
                commissioner,
            ),
            imha_told=Answer(told) if told else None,
            imha_told_at=self.imha_told_at.instant() if told == Answer.YES.value else None,
            care_plan={
                "why_needed": self.why.toPlainText() or None,
                "steps_to_end": self.steps.toPlainText(),
            },
        )


def _next_review(clocks: Sequence[ReviewClock]) -> LtsReviewKind:
    urgent = most_urgent(c for c in clocks if c.kind in REVIEW_OF_CLOCK)
    return REVIEW_OF_CLOCK[urgent.kind] if urgent else LtsReviewKind.APPROVED_CLINICIAN


class LtsReviewForm(FormPanel):
    """A review of any kind: attendees, the patient's presence and views, who outside the
    team was invited and came, the decision and its rationale, and an action agreed."""

    FORM = "lts_review"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: LtsEpisode,
        staff: Sequence[StaffMember],
        clocks: Sequence[ReviewClock],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx, "LTS review", patient_id=episode.patient_id, parent_id=episode.id, draft=draft
        )
        self.episode = episode
        self.say(
            "Approved-clinician review: an approved clinician. MDT: at least two staff. "
            "External: a clinician from another hospital. Tick who attended with Space."
        )
        kinds = [(k.value, k.label) for k in LtsReviewKind]
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
        presence = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]
        self.present = self.add_row("patient_present", "Patient p&resent", ChoiceBox(presence))
        self.views = self.add_row("patient_views", "Patient's views", QLineEdit())
        self.imha = self.add_row("imha", "IMHA", ChoiceBox(PARTICIPATION))
        self.family = self.add_row("family", "Family", ChoiceBox(PARTICIPATION))
        self.commissioner = self.add_row("commissioner", "Commissioner", ChoiceBox(PARTICIPATION))
        self.external_name = self.add_row(
            "external_name", "External clinician (other hospital)", QLineEdit()
        )
        self.external_title = self.add_row("external_title", "Their job title", QLineEdit())
        self.external_hospital = self.add_row("external_hospital", "Their hospital", QLineEdit())
        decisions = [(d.value, d.value.capitalize()) for d in LtsDecision]
        self.decision = self.add_row("decision", "Decisi&on", ChoiceBox(decisions))
        self.rationale = self.add_row("rationale", "Rationale &for the decision", QLineEdit())
        self.action = self.add_row("action", "Action agreed (optional)", QLineEdit())
        self.action_owner = self.add_row("action_owner", "Action owner", QLineEdit())
        self.action_due = self.add_row(
            "action_due", "Action due on", QDateEdit(_qdate(local_date(ctx.now())))
        )
        self.action_due.setCalendarPopup(True)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.ready()
        self._kind_changed()

    def _kind_changed(self) -> None:
        external = self.kind.value() == LtsReviewKind.EXTERNAL.value
        for box in (self.external_name, self.external_title, self.external_hospital):
            box.setEnabled(external)

    def _external(self) -> PersonRef | None:
        if self.kind.value() != LtsReviewKind.EXTERNAL.value:
            return None
        if not self.external_name.text().strip() or not self.external_title.text().strip():
            raise UserFacingError("Name the external clinician and their job title.")
        return PersonRef(
            name=self.external_name.text().strip(),
            job_title=self.external_title.text().strip(),
            role=ClinicalRole.PSYCHIATRIST,
        )

    def _actions(self) -> tuple[LtsAction, ...]:
        if not self.action.text().strip():
            return ()
        due = self.action_due.date()
        return (
            LtsAction.build(
                action=self.action.text(),
                owner=self.action_owner.text(),
                due_on=date(due.year(), due.month(), due.day()),
            ),
        )

    def build_record(self) -> LtsReview:
        """The review."""
        external = self._external()

        def taking_part(box: ChoiceBox) -> Participation | None:
            return Participation(box.value()) if box.value() else None

        present = self.present.value()
        return LtsReview.build(
            episode_id=self.episode.id,
            patient_id=self.episode.patient_id,
            ward_id=self.episode.ward_id,
            kind=LtsReviewKind(self.kind.value()),
            held_at=self.held_at.instant(),
            attendees=tuple(m.as_person_ref() for m in self.attendees.people.ticked()),
            patient_present=None if not present else present == "yes",
            patient_views=self.views.text() or None,
            imha=taking_part(self.imha),
            family=taking_part(self.family),
            commissioner=taking_part(self.commissioner),
            external_clinician=external,
            external_hospital=(self.external_hospital.text() or None) if external else None,
            decision=LtsDecision(self.decision.value()),
            rationale=self.rationale.text(),
            actions=self._actions(),
        )

    @property
    def ends_segregation(self) -> bool:
        """The review decided to end LTS."""
        return self.decision.value() == LtsDecision.END.value


class EngagementForm(FormPanel):
    """An entry of the engagement log: time with staff, activity, time out of the area or
    family contact, with how long it lasted. Append-only."""

    FORM = "lts_engagement"

    def __init__(self, ctx: ScreenContext, episode: LtsEpisode, draft: Draft = None) -> None:
        super().__init__(
            ctx, "Engagement", patient_id=episode.patient_id, parent_id=episode.id, draft=draft
        )
        self.episode = episode
        kinds = [(k.value, k.label) for k in EngagementKind]
        self.kind = self.add_row("kind", "&Kind", ChoiceBox(kinds))
        minutes = QSpinBox()
        minutes.setRange(1, int(MAX_ENGAGEMENT.total_seconds() // 60))
        minutes.setValue(30)
        minutes.setSuffix(" min")
        self.minutes = self.add_row("minutes", "How long (&minutes)", minutes)
        self.ended_at = self.add_row("ended_at", "Ended a&t", InstantEdit(ctx.now()))
        self.notes = self.add_row("notes", "Not&es", QLineEdit())
        self.say("Log it when it has ended: how long it lasted, and when it ended.")
        self.ready()

    def build_record(self) -> LtsEngagementEntry:
        """The engagement entry."""
        return LtsEngagementEntry.build(
            episode_id=self.episode.id,
            patient_id=self.episode.patient_id,
            ward_id=self.episode.ward_id,
            started_at=self.ended_at.instant() - timedelta(minutes=self.minutes.value()),
            duration=timedelta(minutes=self.minutes.value()),
            kind=EngagementKind(self.kind.value()),
            notes=self.notes.text(),
        )


class EndLtsForm(FormPanel):
    """End LTS: when, and who ended it. A change to the episode."""

    FORM = "end_segregation"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: LtsEpisode,
        base: UUID,
        staff: Sequence[StaffMember],
        *,
        draft: Draft = None,
        decided_by: UUID | None = None,
    ) -> None:
        super().__init__(
            ctx,
            "End long-term segregation",
            patient_id=episode.patient_id,
            parent_id=episode.id,
            record_base=base,
            draft=draft,
        )
        self.episode = episode
        self.ended_at = self.add_row("ended_at", "Ended a&t", InstantEdit(ctx.now()))
        self.ended_by = self.add_row(
            "ended_by", "Ended &by", StaffChoice(staff, decided_by or signed_in_staff(ctx))
        )
        self.ready()

    def build_record(self) -> LtsEpisode:
        """The episode, ended."""
        ender = _chosen(self.ended_by, "who ended LTS")
        data = self.episode.model_dump() | {
            "ended_at": self.ended_at.instant(),
            "ended_by": ender.as_person_ref(),
        }
        return LtsEpisode.build(**data)
