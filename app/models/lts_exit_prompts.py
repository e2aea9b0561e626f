"""Prompts that a long-term segregation episode is not moving towards its end: what the ward
board and the next LTS review document say (issue 10, item 3).

Each rule is one function, computed at an instant ``at`` from the records as they stood then,
and only for an episode running at ``at`` (an ended episode prompts nothing):

- :func:`no_exit_progress_prompt` — domain.md §3 "Long-term segregation" (the care plan's
  "specific, observable steps to end LTS");
- :func:`missing_icetr_prompt` — domain.md §3 "Long-term segregation" ("every autistic
  person or person with a learning disability in LTS should have an IC(E)TR"), with who that
  is decided by :func:`needs_icetr`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from app.models.base import Answer, DomainModel
from app.models.clock import as_utc, local_date
from app.models.lts_exit import LtsExitStep, StepAchievement
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, SegregationPolicy
from app.models.segregation import LtsEpisode, LtsReview, LtsReviewKind


def needs_icetr(patient: Patient | None) -> bool:
    """IC(E)TR applies to autistic people and people with a learning disability (domain.md §3
    "Long-term segregation"): "yes" to either of the patient's answers (s.6(5)(l)). "Not
    known" or unanswered is not "yes": the prompt never guesses a diagnosis."""
    return patient is not None and Answer.YES in (patient.learning_disability, patient.autism)


class LtsPromptKind(StrEnum):
    """Which rule raised a prompt."""

    NO_EXIT_PROGRESS = "no_exit_progress"
    NO_ICETR = "no_icetr"

    @property
    def label(self) -> str:
        """Plain wording for the board and reports."""
        return _PROMPT_LABELS[self]


_PROMPT_LABELS: dict[LtsPromptKind, str] = {
    LtsPromptKind.NO_EXIT_PROGRESS: "No progress towards ending segregation",
    LtsPromptKind.NO_ICETR: "No IC(E)TR on record",
}


class LtsPrompt(DomainModel):
    """One prompt about one LTS episode. ``since`` is the ward day it counts from (the start
    of LTS, or the day the last step was achieved); ``message`` is plain words naming the rule,
    never patient data (not even the diagnosis behind an IC(E)TR), safe to show and to log."""

    kind: LtsPromptKind
    episode_id: UUID
    patient_id: UUID
    since: date
    message: str


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def no_exit_progress_prompt(
    episode: LtsEpisode,
    steps: Iterable[LtsExitStep],
    at: datetime,
    policy: SegregationPolicy = DEFAULT_POLICY.segregation,
) -> LtsPrompt | None:
    """The no-progress prompt (domain.md §3 "Long-term segregation": specific, observable
    steps to end LTS; the number of weeks is ``policy.no_exit_progress_weeks``,
    *(configurable; verify)*).

    Counted in ward calendar days from the later of the ward day LTS started and the last
    day a step of this episode was achieved (on or before the ward day of ``at``): the prompt
    shows from the day exactly that many weeks later. A step partly achieved, or not yet, is
    no progress; steps of other episodes are ignored; no step recorded at all is no progress.
    """
    if not episode.is_active_at(at):
        return None
    today = local_date(as_utc(at))
    achieved = [
        step.achieved_on
        for step in steps
        if step.episode_id == episode.id
        and step.achieved is StepAchievement.ACHIEVED
        and step.achieved_on is not None
        and step.achieved_on <= today
    ]
    since = max([local_date(episode.started_at), *achieved])
    weeks = policy.no_exit_progress_weeks
    if today < since + timedelta(weeks=weeks):
        return None
    quiet = (today - since).days // 7
    started = "since segregation started" if not achieved else "since the last one"
    return LtsPrompt(
        kind=LtsPromptKind.NO_EXIT_PROGRESS,
        episode_id=episode.id,
        patient_id=episode.patient_id,
        since=since,
        message=(
            f"No step to end segregation has been achieved for {_plural(quiet, 'week')} ({started})"
        ),
    )


def missing_icetr_prompt(
    episode: LtsEpisode,
    patient: Patient | None,
    reviews: Iterable[LtsReview],
    at: datetime,
) -> LtsPrompt | None:
    """The missing-IC(E)TR prompt (domain.md §3 "Long-term segregation"): the patient needs
    an IC(E)TR (:func:`needs_icetr`) and no IC(E)TR is on record for this episode at ``at``.

    "On record" means an :class:`~app.models.segregation.LtsReview` of kind ``icetr`` of this
    episode held from its start up to ``at`` — the same reviews the LTS clock counts
    (:mod:`app.models.segregation_clock`), so the board never says both "done" and "missing".
    One held in an earlier episode does not count (our decision: each episode is reviewed).
    """
    if not episode.is_active_at(at) or not needs_icetr(patient):
        return None
    at = as_utc(at)
    held = any(
        review.episode_id == episode.id
        and review.kind is LtsReviewKind.ICETR
        and episode.started_at <= review.held_at <= at
        for review in reviews
    )
    if held:
        return None
    return LtsPrompt(
        kind=LtsPromptKind.NO_ICETR,
        episode_id=episode.id,
        patient_id=episode.patient_id,
        since=local_date(episode.started_at),
        message="No IC(E)TR is on record for this episode of long-term segregation",
    )


def lts_prompts(
    episode: LtsEpisode,
    patient: Patient | None,
    steps: Iterable[LtsExitStep],
    reviews: Iterable[LtsReview],
    at: datetime,
    *,
    policy: SegregationPolicy = DEFAULT_POLICY.segregation,
) -> tuple[LtsPrompt, ...]:
    """Every prompt for ``episode`` at ``at``: no progress first, then no IC(E)TR."""
    found = (
        no_exit_progress_prompt(episode, steps, at, policy),
        missing_icetr_prompt(episode, patient, reviews, at),
    )
    return tuple(prompt for prompt in found if prompt is not None)
