"""The way out of long-term segregation (issue 10, item 3): a step to end it, its progress
(achieved, partly, not yet, with evidence), a recommendation of an IC(E)TR, an action a senior
intervenor asked for, and an action or recommendation done. Each step and action is its own
record under the episode; progress and "done" are new revisions of it. The rules — evidence
once achieved, due not before agreed — are the models' (:mod:`app.models.lts_exit`); a refusal
names the field and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from PySide6.QtWidgets import QLineEdit

from app.models.clock import local_date
from app.models.errors import UserFacingError
from app.models.lts_exit import (
    IcetrRecommendation,
    LtsExitStep,
    SeniorIntervenorAction,
    StepAchievement,
)
from app.models.people import StaffMember
from app.models.segregation import LtsEpisode, LtsReview
from app.ui.context import ScreenContext
from app.ui.isolation.fields import ChoiceBox, DateField, StaffChoice
from app.ui.isolation.form import FormPanel
from app.ui.isolation.lts_exit_loading import ExitAction
from app.ui.isolation.seclusion_forms import Draft, signed_in_staff
from app.ui.isolation.wording import local_time

#: What a new step or action is due by at first: two weeks from today.
FIRST_TARGET = timedelta(days=14)


def today(now: datetime) -> date:
    """The ward's calendar day at ``now``."""
    return local_date(now)


def chosen_staff(choice: StaffChoice, what: str) -> StaffMember:
    """The person chosen in ``choice``; refused naming ``what`` when nobody is."""
    member = choice.member()
    if member is None:
        raise UserFacingError(f"Choose {what} from the staff list.")
    return member


def _of_episode(episode: LtsEpisode) -> dict[str, Any]:
    return {
        "episode_id": episode.id,
        "patient_id": episode.patient_id,
        "ward_id": episode.ward_id,
    }


class ExitStepForm(FormPanel):
    """A specific, observable step to end LTS: what, who makes it happen, by when."""

    FORM = "lts_exit_step"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: LtsEpisode,
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx, "A step to end LTS", patient_id=episode.patient_id, parent_id=episode.id,
            draft=draft,
        )  # fmt: skip
        self.episode = episode
        self.say("A step anyone could see happen, e.g. “Lunch in the dining room with two staff”.")
        self.step = self.add_row("step", "S&tep", QLineEdit())
        me = signed_in_staff(ctx)
        self.owner = self.add_row("owner", "&Owner", StaffChoice(staff, me))
        self.target_on = self.add_row(
            "target_on", "Ta&rget date", DateField(today(ctx.now()) + FIRST_TARGET)
        )
        self.ready()

    def build_record(self) -> LtsExitStep:
        """The new step (not yet achieved)."""
        return LtsExitStep.build(
            **_of_episode(self.episode),
            step=self.step.text(),
            owner=chosen_staff(self.owner, "who owns the step").as_person_ref(),
            target_on=self.target_on.day(),
        )


class StepProgressForm(FormPanel):
    """How far a step has been achieved, the day, and the evidence (a new revision)."""

    FORM = "lts_exit_step_progress"

    def __init__(
        self, ctx: ScreenContext, step: LtsExitStep, base: UUID, draft: Draft = None
    ) -> None:
        super().__init__(
            ctx, "Progress of a step to end LTS", patient_id=step.patient_id,
            parent_id=step.id, record_base=base, draft=draft,
        )  # fmt: skip
        self.record = step
        self.say(f"The step: {step.step} (owner {step.owner.name}, by {step.target_on:%d/%m/%Y})")
        levels = [(a.value, a.label) for a in reversed(StepAchievement)]
        self.achieved = self.add_row("achieved", "P&rogress", ChoiceBox(levels))
        self.achieved_on = self.add_row("achieved_on", "On &day", DateField(today(ctx.now())))
        self.evidence = self.add_row("evidence", "&Evidence", QLineEdit())
        self.ready()

    def start_focus(self) -> None:
        """The cursor in the evidence: "achieved today" is offered."""
        self.evidence.setFocus()

    def build_record(self) -> LtsExitStep:
        """The step with its progress (not yet: no day or evidence kept)."""
        achieved = StepAchievement(self.achieved.value())
        done = achieved is not StepAchievement.NOT_YET
        return LtsExitStep.build(
            **(
                self.record.model_dump()
                | {
                    "achieved": achieved,
                    "achieved_on": self.achieved_on.day() if done else None,
                    "evidence": self.evidence.text() if done else None,
                }
            )
        )


class IcetrRecommendationForm(FormPanel):
    """A recommendation of an IC(E)TR held in this episode, its owner and due date."""

    FORM = "icetr_recommendation"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: LtsEpisode,
        icetrs: Sequence[LtsReview],
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx, "Recommendation of an IC(E)TR", patient_id=episode.patient_id,
            parent_id=episode.id, draft=draft,
        )  # fmt: skip
        self.episode = episode
        self._icetrs = {str(r.id): r for r in icetrs}
        now = ctx.now()
        held = [(str(r.id), f"IC(E)TR held {local_time(r.held_at, now)}") for r in icetrs]
        self.icetr = self.add_row("icetr", "&From the IC(E)TR", ChoiceBox(held))
        self.recommendation = self.add_row("recommendation", "Reco&mmendation", QLineEdit())
        self.owner = self.add_row("owner", "&Owner", StaffChoice(staff, signed_in_staff(ctx)))
        self.due_on = self.add_row("due_on", "D&ue on", DateField(today(now) + FIRST_TARGET))
        if not icetrs:
            self.say("No IC(E)TR is recorded for this episode: record it first (Record review).")
        self.ready()

    def start_focus(self) -> None:
        """The cursor in the recommendation."""
        self.recommendation.setFocus()

    def build_record(self) -> IcetrRecommendation:
        """The recommendation (agreed on the day of its IC(E)TR)."""
        review = self._icetrs.get(self.icetr.value())
        if review is None:
            raise UserFacingError(
                "icetr review: record the IC(E)TR first (Record review, kind IC(E)TR)."
            )
        return IcetrRecommendation.build(
            **_of_episode(self.episode),
            icetr_review_id=review.id,
            recommendation=self.recommendation.text(),
            owner=chosen_staff(self.owner, "who owns it").as_person_ref(),
            agreed_on=local_date(review.held_at),
            due_on=self.due_on.day(),
        )


class SeniorIntervenorActionForm(FormPanel):
    """An action a senior intervenor asked for: what, its owner, agreed and due dates."""

    FORM = "senior_intervenor_action"

    def __init__(
        self,
        ctx: ScreenContext,
        episode: LtsEpisode,
        staff: Sequence[StaffMember],
        draft: Draft = None,
    ) -> None:
        super().__init__(
            ctx, "Action asked for by a senior intervenor", patient_id=episode.patient_id,
            parent_id=episode.id, draft=draft,
        )  # fmt: skip
        self.episode = episode
        now = ctx.now()
        self.action = self.add_row("action", "Ac&tion", QLineEdit())
        self.owner = self.add_row("owner", "&Owner", StaffChoice(staff, signed_in_staff(ctx)))
        self.agreed_on = self.add_row("agreed_on", "Agreed o&n", DateField(today(now)))
        self.due_on = self.add_row("due_on", "D&ue on", DateField(today(now) + FIRST_TARGET))
        self.ready()

    def build_record(self) -> SeniorIntervenorAction:
        """The action (open)."""
        return SeniorIntervenorAction.build(
            **_of_episode(self.episode),
            action=self.action.text(),
            owner=chosen_staff(self.owner, "who owns it").as_person_ref(),
            agreed_on=self.agreed_on.day(),
            due_on=self.due_on.day(),
        )


class ActionDoneForm(FormPanel):
    """An IC(E)TR recommendation or senior intervenor's action done: the day, and a note."""

    FORM = "lts_action_done"

    def __init__(
        self, ctx: ScreenContext, action: ExitAction, base: UUID, draft: Draft = None
    ) -> None:
        super().__init__(
            ctx, "Done", patient_id=action.patient_id, parent_id=action.id, record_base=base,
            draft=draft,
        )  # fmt: skip
        self.record = action
        what = action.recommendation if isinstance(action, IcetrRecommendation) else action.action
        self.say(f"{what} (owner {action.owner.name}, due {action.due_on:%d/%m/%Y})")
        self.done_on = self.add_row("done_on", "Done o&n", DateField(today(ctx.now())))
        self.progress = self.add_row("progress", "P&rogress note", QLineEdit(action.progress))
        self.ready()

    def start_focus(self) -> None:
        """The cursor in the note: "done today" is offered."""
        self.progress.setFocus()

    def build_record(self) -> ExitAction:
        """The action, done."""
        data = self.record.model_dump() | {
            "done": True,
            "done_on": self.done_on.day(),
            "progress": self.progress.text(),
        }
        return type(self.record).build(**data)
