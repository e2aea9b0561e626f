"""Getting out of long-term segregation: the tracked steps to end LTS, IC(E)TR
recommendations and senior-intervenor actions (issue 10, item 3).

domain.md §3 "Long-term segregation": the LTS care plan holds "specific, observable steps to
end LTS"; every autistic person or person with a learning disability in LTS should have an
independent care (education) and treatment review (IC(E)TR); the HOPE(S) model frames the
plan. Senior intervenors (NHS England's programme for autistic people and people with a
learning disability in LTS) are not in domain.md *(verify)*.

The IC(E)TR itself is recorded as an :class:`~app.models.segregation.LtsReview` of kind
``icetr`` (its date, panel and decision), as the LTS review clock already counts it; each of
its recommendations is an :class:`IcetrRecommendation` pointing at that review. Each step,
recommendation and action is its own record under the episode and changes by new revisions
(achieved, done), so two PCs rarely touch the same one. The prompts over them (no progress,
no IC(E)TR) are :mod:`app.models.lts_exit_prompts`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import model_validator

from app.models.base import PastDate, Record, RecordSummary, RequiredText, Text
from app.models.refs import PersonRef

#: Status words of a recommendation or action in its summary.
OPEN = "open"
DONE = "done"


class StepAchievement(StrEnum):
    """How far a step to end LTS has been achieved. Only ``achieved`` counts as progress for
    the no-progress prompt; ``partly`` is shown but does not restart it (our decision)."""

    NOT_YET = "not_yet"
    PARTLY = "partly"
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _ACHIEVEMENT_LABELS[self]


_ACHIEVEMENT_LABELS: dict[StepAchievement, str] = {
    StepAchievement.NOT_YET: "Not yet",
    StepAchievement.PARTLY: "Partly achieved",
    StepAchievement.ACHIEVED: "Achieved",
}


class LtsExitStep(Record):
    """One specific, observable step to end an LTS episode (domain.md §3 "LTS care plan").

    Contract: ``owner`` is who makes it happen, by ``target_on``. Once the step is partly
    achieved or achieved, ``achieved_on`` (not in the future) and ``evidence`` are required;
    while it is not yet achieved neither is recorded.
    """

    KIND: ClassVar[str] = "lts_exit_step"

    episode_id: UUID
    patient_id: UUID
    ward_id: UUID
    step: RequiredText
    owner: PersonRef
    target_on: date
    achieved: StepAchievement = StepAchievement.NOT_YET
    achieved_on: PastDate | None = None
    evidence: RequiredText | None = None

    @model_validator(mode="after")
    def _achievement_rules(self) -> LtsExitStep:
        if self.achieved is StepAchievement.NOT_YET:
            for name in ("achieved_on", "evidence"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name}: is only recorded once the step is achieved")
            return self
        if self.achieved_on is None:
            raise ValueError("achieved_on: is required once the step is achieved or partly")
        if self.evidence is None:
            raise ValueError("evidence: is required once the step is achieved or partly")
        return self

    def summary(self) -> RecordSummary:
        """Indexed under its episode; the status is how far it is achieved."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.episode_id,
            status=self.achieved.value,
        )


class TrackedLtsAction(Record):
    """Base of an action agreed to help end an LTS episode: its ``owner``, the day it was
    agreed and the day it is due, and whether it is done. Not a record kind itself.

    Contract: ``due_on`` is not before ``agreed_on``; ``done`` needs ``done_on`` (not in the
    future, not before ``agreed_on``) and ``done_on`` is only recorded when done.
    """

    episode_id: UUID
    patient_id: UUID
    ward_id: UUID
    owner: PersonRef
    agreed_on: PastDate
    due_on: date
    done: bool = False
    done_on: PastDate | None = None
    progress: Text = ""

    @model_validator(mode="after")
    def _action_rules(self) -> TrackedLtsAction:
        if self.due_on < self.agreed_on:
            raise ValueError("due_on: must not be before the day it was agreed")
        if self.done and self.done_on is None:
            raise ValueError("done_on: is required once it is done")
        if not self.done and self.done_on is not None:
            raise ValueError("done_on: is only recorded once it is done")
        if self.done_on is not None and self.done_on < self.agreed_on:
            raise ValueError("done_on: must not be before the day it was agreed")
        return self

    def is_overdue_on(self, day: date) -> bool:
        """Not done and ``day`` (a ward day) is after the due day."""
        return not self.done and day > self.due_on

    def summary(self) -> RecordSummary:
        """Indexed under its episode; the status is ``open`` or ``done``."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.episode_id,
            status=DONE if self.done else OPEN,
        )


class IcetrRecommendation(TrackedLtsAction):
    """A recommendation of an IC(E)TR (domain.md §3 "Long-term segregation"):
    ``icetr_review_id`` is the :class:`~app.models.segregation.LtsReview` of kind ``icetr``
    that made it; ``agreed_on`` is the day of that review."""

    KIND: ClassVar[str] = "icetr_recommendation"

    icetr_review_id: UUID
    recommendation: RequiredText


class SeniorIntervenorAction(TrackedLtsAction):
    """An action a senior intervenor asked for to help end LTS (not in domain.md: NHS
    England's senior intervenor programme *(verify)*)."""

    KIND: ClassVar[str] = "senior_intervenor_action"

    action: RequiredText
