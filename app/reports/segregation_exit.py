"""Section 9 of the segregation review document, "plan to end segregation and progress since
last review" (domain.md §3 "What a segregation review document holds"; issue 10 item 3): the
prompts, the tracked steps to end segregation, the IC(E)TR's recommendations and the senior
intervenor's actions.

Everything is shown **as it stood at the end of the period**, like the review clocks: a step
achieved, or an action done, after the period's last day is printed as not yet (with the
later date, so nobody chases what is already done). An action is *overdue* when it was not
done by the end of the period and its due day had passed
(:class:`~app.models.lts_exit.TrackedLtsAction`); its row is shaded and says OVERDUE. A step
not achieved by its target day is shaded too. A step achieved since the previous review of
the kind the document reports is marked *new since* that review: the progress the meeting
looks at. The prompts are :func:`~app.models.lts_exit_prompts.lts_prompts` at the end of the
period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.models.clock import local_date
from app.models.lts_exit import StepAchievement, TrackedLtsAction
from app.reports.parts import BODY, day, markup, text
from app.reports.segregation_parts import labelled, named, table_or_none

if TYPE_CHECKING:
    from app.models.lts_exit import LtsExitStep
    from app.reports.segregation_review import LtsReviewInputs

WIDTH = 174 * mm
NO_PROMPT = "No prompt at the end of the period"
NO_EVIDENCE = "–"


def _step_status(step: LtsExitStep, last_day: date, since: date) -> str:
    """How far the step was achieved by ``last_day``; "new since" when after ``since``."""
    achieved_on = step.achieved_on
    if step.achieved is StepAchievement.NOT_YET or achieved_on is None:
        return StepAchievement.NOT_YET.label
    if achieved_on > last_day:
        return (
            f"Not yet by the end of the period ({step.achieved.label.lower()} {day(achieved_on)})"
        )
    status = f"{step.achieved.label}, {day(achieved_on)}"
    return f"{status} — new since {day(since)}" if achieved_on > since else status


def _steps(inputs: LtsReviewInputs, last_day: date, since: date) -> list[Flowable]:
    steps = sorted(
        (s for s in inputs.exit_steps if s.episode_id == inputs.episode.id),
        key=lambda s: (s.target_on, s.step.casefold()),
    )
    rows = []
    late = []
    for index, step in enumerate(steps):
        status = _step_status(step, last_day, since)
        achieved = status.startswith(StepAchievement.ACHIEVED.label)
        target = day(step.target_on)
        if not achieved and step.target_on < last_day:
            target += " (passed)"
            late.append(index)
        rows.append([step.step, named(step.owner), target, status, step.evidence or NO_EVIDENCE])
    return labelled(
        "Steps to end segregation, as tracked:",
        table_or_none(
            ("Step", "Owner", "Target", "Achieved", "Evidence"),
            rows,
            [WIDTH * 0.26, WIDTH * 0.18, WIDTH * 0.14, WIDTH * 0.19, WIDTH * 0.23],
            none="No steps to end segregation are tracked for this episode.",
            alert_rows=late,
        ),
    )


def _done_by(action: TrackedLtsAction, last_day: date) -> bool:
    return action.done and action.done_on is not None and action.done_on <= last_day


def action_status(action: TrackedLtsAction, last_day: date) -> str:
    """``Done 14/11/2026``, ``OVERDUE (due 01/12/2026)``, ``Open``, with any progress note."""
    if _done_by(action, last_day):
        status = f"Done {day(action.done_on)}"
    elif last_day > action.due_on:
        status = f"OVERDUE (due {day(action.due_on)})"
    else:
        status = "Open"
    if action.done and not _done_by(action, last_day):
        status += f"; done later, {day(action.done_on)}"
    return f"{status}. {action.progress}" if action.progress else status


def _actions(
    label: str,
    none: str,
    actions: Sequence[tuple[str, TrackedLtsAction]],
    last_day: date,
) -> list[Flowable]:
    ordered = sorted(actions, key=lambda pair: (pair[1].due_on, pair[0].casefold()))
    rows = [
        [what, named(a.owner), day(a.agreed_on), day(a.due_on), action_status(a, last_day)]
        for what, a in ordered
    ]
    overdue = [
        i for i, (_, a) in enumerate(ordered) if not _done_by(a, last_day) and last_day > a.due_on
    ]
    return labelled(
        label,
        table_or_none(
            ("What", "Owner", "Agreed", "Due", "Done"),
            rows,
            [WIDTH * 0.30, WIDTH * 0.18, WIDTH * 0.13, WIDTH * 0.13, WIDTH * 0.26],
            none=none,
            alert_rows=overdue,
        ),
    )


def _prompts(inputs: LtsReviewInputs) -> Flowable:
    prompts = inputs.prompts
    if not prompts:
        return markup(f"<i>{NO_PROMPT}.</i>", BODY)
    lines = [
        f"<b>{text(p.kind.label)}:</b> {text(p.message)} (counted from {day(p.since)})."
        for p in prompts
    ]
    return markup("<br/>".join(lines), BODY)


def exit_plan(inputs: LtsReviewInputs, since: datetime) -> list[Flowable]:
    """The flowables of the module docstring; ``since`` is the previous review of the kind
    reported (or the start of the period)."""
    last_day = local_date(inputs.at)
    own = inputs.episode.id
    recommendations = [
        (r.recommendation, r) for r in inputs.icetr_recommendations if r.episode_id == own
    ]
    actions = [(a.action, a) for a in inputs.senior_intervenor_actions if a.episode_id == own]
    return [
        *labelled("Prompts to end segregation:", _prompts(inputs)),
        *_steps(inputs, last_day, local_date(since)),
        *_actions(
            "IC(E)TR recommendations:",
            "No IC(E)TR recommendation is recorded for this episode.",
            recommendations,
            last_day,
        ),
        *_actions(
            "Senior-intervenor actions:",
            "No senior-intervenor action is recorded for this episode.",
            actions,
            last_day,
        ),
    ]
