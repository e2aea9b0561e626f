"""The restrictions beyond force on the shift handover PDF (issue 10 item 4): what
:mod:`app.models.handover_restrictions` hands over, laid out for paper.

- **Restrictions beyond force**: enhanced observation (patient, level, since when, why, the
  next review), individual restrictions (patient, what, since, why, the next review) and the
  ward's blanket restrictions in force (what, since, who is exempted, the next review); an
  overdue review is shaded and in capitals, one due soon says so;
- **Prompts to end long-term segregation**: the no-progress and missing-IC(E)TR prompts;
- the rows these add to the list of what falls due (:func:`due_row`).

Fed with domain objects only; it decides nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from uuid import UUID

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from app.models.clock import to_local
from app.models.handover_restrictions import (
    BeyondForceOnHandover,
    LtsPromptOnHandover,
    RestrictionInForce,
)
from app.models.patient import Patient
from app.reports.parts import CELL, H3, clock_time, day, heading, markup, nhs, rows_table, span
from app.reports.parts import text as escaped

TITLE = "Restrictions beyond force"
PROMPTS_TITLE = "Prompts to end long-term segregation"


def _due_when(due: datetime, at: datetime) -> str:
    """``16:10``; a due time at midnight as the end of the day before (a review date is due
    by the end of its day)."""
    local = to_local(due)
    if (local.hour, local.minute) == (0, 0):
        return f"by the end of {to_local(due - timedelta(minutes=1)).strftime('%a %d %b')}"
    return f"at {clock_time(due, at)}"


def review_text(line: RestrictionInForce, at: datetime) -> str:
    """``OVERDUE by 2 days 3 h 00 min (by the end of Fri 27 Nov)``, ``due in 9 h 58 min (at
    05:06)``, ``due in 1 day … — due soon``."""
    due = line.due_at
    if due is None:
        return "needed, no due date set"
    if line.overdue_at(at):
        return f"OVERDUE by {span(at - due)} ({_due_when(due, at)})"
    soon = " — due soon" if line.due_soon else ""
    return f"due in {span(due - at)} ({_due_when(due, at)}){soon}"


def _review_cell(line: RestrictionInForce, at: datetime) -> Paragraph:
    words = f"{line.clock.kind.label}: {escaped(review_text(line, at))}"
    return markup(f"<b>{words}</b>" if line.overdue_at(at) else words, CELL)


def patient_cell(line: RestrictionInForce, patients: Mapping[UUID, Patient]) -> Paragraph:
    """The patient's name and NHS number, or "Whole ward"."""
    if line.patient_id is None:
        return markup(escaped(line.patient_name), CELL)
    patient = patients.get(line.patient_id)
    number = nhs(patient.nhs_number) if patient is not None else "not known"
    return markup(f"{escaped(line.patient_name)}<br/>NHS {escaped(number)}", CELL)


def _alerts(lines: Sequence[RestrictionInForce], at: datetime) -> list[int]:
    return [i for i, line in enumerate(lines) if line.overdue_at(at)]


def _observations(
    beyond: BeyondForceOnHandover, patients: Mapping[UUID, Patient], at: datetime
) -> Flowable:
    lines = beyond.observations
    rows = [
        [
            patient_cell(line, patients),
            line.what,
            f"{span(at - line.since)}, since {clock_time(line.since, at)}",
            line.detail,
            _review_cell(line, at),
        ]
        for line in lines
    ]
    return rows_table(
        ("Patient", "Level", "How long at this level", "Why", "Next review"),
        rows,
        (38 * mm, 32 * mm, 30 * mm, 38 * mm, 36 * mm),
        alert_rows=_alerts(lines, at),
    )


def _individual(
    beyond: BeyondForceOnHandover, patients: Mapping[UUID, Patient], at: datetime
) -> Flowable:
    lines = beyond.individual
    rows = [
        [
            patient_cell(line, patients),
            line.what,
            day(line.since),
            line.detail,
            _review_cell(line, at),
        ]
        for line in lines
    ]
    return rows_table(
        ("Patient", "Restriction", "Since", "Why", "Next review"),
        rows,
        (38 * mm, 44 * mm, 22 * mm, 34 * mm, 36 * mm),
        alert_rows=_alerts(lines, at),
    )


def _blanket(beyond: BeyondForceOnHandover, at: datetime) -> Flowable:
    lines = beyond.blanket
    rows = [[line.what, day(line.since), line.detail, _review_cell(line, at)] for line in lines]
    return rows_table(
        ("Blanket restriction", "In force since", "Exemptions", "Next review"),
        rows,
        (56 * mm, 24 * mm, 50 * mm, 44 * mm),
        alert_rows=_alerts(lines, at),
    )


def beyond_force_section(
    beyond: BeyondForceOnHandover, patients: Mapping[UUID, Patient], at: datetime
) -> list[Flowable]:
    """The flowables under :data:`TITLE`: the three tables, each with its sub-heading."""
    return [
        heading(TITLE),
        heading(f"Enhanced observation ({len(beyond.observations)})", H3),
        _observations(beyond, patients, at),
        heading(f"Individual restrictions ({len(beyond.individual)})", H3),
        _individual(beyond, patients, at),
        heading(f"Blanket restrictions in force on the ward ({len(beyond.blanket)})", H3),
        _blanket(beyond, at),
    ]


def _prompt_row(line: LtsPromptOnHandover) -> list[object]:
    return [line.patient_name, line.prompt.kind.label, line.prompt.message, day(line.prompt.since)]


def prompts_table(beyond: BeyondForceOnHandover) -> Flowable:
    """The LTS prompts, one row each (shaded: each is a warning)."""
    rows = [_prompt_row(line) for line in beyond.prompts]
    return rows_table(
        ("Patient", "Prompt", "What it means", "Counted from"),
        rows,
        (38 * mm, 40 * mm, 74 * mm, 22 * mm),
        alert_rows=range(len(rows)),
    )


def due_row(
    line: RestrictionInForce, patients: Mapping[UUID, Patient], at: datetime
) -> list[object]:
    """A row of the list of what falls due: due, what, patient, about, detail."""
    last = line.clock.last_done
    detail = f"{line.what.rstrip('.')}. " + (
        f"Last reviewed {clock_time(last, at)}" if last is not None else "Not reviewed yet"
    )
    return [
        review_text(line, at),
        line.clock.kind.label,
        patient_cell(line, patients),
        line.kind.label,
        detail,
    ]


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def totals(beyond: BeyondForceOnHandover) -> str:
    """The second line of totals: how many of each are in force, and the LTS prompts."""
    return (
        f"Beyond force: {len(beyond.observations)} on enhanced observation · "
        f"{_counted(len(beyond.individual), 'individual restriction')} · "
        f"{_counted(len(beyond.blanket), 'blanket restriction')} in force · "
        f"{_counted(len(beyond.prompts), 'LTS prompt')}."
    )
