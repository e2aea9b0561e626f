"""The shift handover PDF (issue 8 item 3): every active restriction on the ward and what
falls due in the next hours, on paper for the handover meeting.

What is handed over, and in which order, is :mod:`app.models.handover`'s (the same handover
the ward client's handover screen shows): running seclusion and long-term segregation
episodes with their review clocks (domain.md §3), incident records still open — drafts to
complete and submissions to sign off (domain.md §2, good practice) — and the restrictions
beyond force with the LTS prompts (issue 10). This module lays it out:

- a line of totals (in seclusion, in LTS, overdue, items) with the instant and the horizon,
  and a second line counting the restrictions beyond force;
- **Active restrictions**: patient and NHS number, the restriction, since when and for how
  long, and the reviews falling due (an overdue one shaded and in capitals);
- **Restrictions beyond force** and **Prompts to end long-term segregation**
  (:mod:`app.reports.handover_beyond_force`);
- **Due in the next N hours and open records**: overdue first, then by due time — the
  reviews of restrictions beyond force among them;
- **Signatures**: the nurse in charge handing over and the one taking over.

Fed with domain objects only; :func:`handover_pdf` returns the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from app.models.clock import format_local
from app.models.handover import Handover, HandoverItem, HandoverItemKind, RestrictionOnHandover
from app.models.handover_restrictions import RestrictionInForce
from app.models.patient import Patient
from app.reports import handover_beyond_force as beyond_force
from app.reports.document import Heading, render
from app.reports.parts import (
    CELL,
    H1,
    SMALL,
    clock_time,
    markup,
    nhs,
    para,
    rows_table,
    section,
    signature_lines,
    span,
    text,
)

TITLE = "Shift handover"
RESTRICTION_WORDS = {"seclusion": "Seclusion", "segregation": "Long-term segregation"}
SIGNATURE_ROLES = ("Nurse in charge handing over", "Nurse in charge taking over")


def hours_of(horizon: timedelta) -> int:
    """The horizon in whole hours, as the headings say it."""
    return int(horizon.total_seconds() // 3600)


def sections(horizon: timedelta) -> tuple[str, ...]:
    """The section headings, in order (the tests look for each one in the PDF's text)."""
    return (
        "Active restrictions",
        beyond_force.TITLE,
        beyond_force.PROMPTS_TITLE,
        f"Due in the next {hours_of(horizon)} hours and open records",
        "Signatures",
    )


def due_text(item: HandoverItem, at: datetime) -> str:
    """``OVERDUE by 5 min (due 14:00)``, ``due in 2 h 05 min (at 16:10)``, ``no due time``."""
    if item.due_at is None:
        return "needed, no due date set" if item.kind is HandoverItemKind.REVIEW else "no due time"
    if item.overdue_at(at):
        return f"OVERDUE by {span(at - item.due_at)} (due {clock_time(item.due_at, at)})"
    return f"due in {span(item.due_at - at)} (at {clock_time(item.due_at, at)})"


def item_detail(item: HandoverItem, at: datetime) -> str:
    """What else the next shift needs to know about a line."""
    if item.missing:
        return "Statutory items still missing: " + ", ".join(f"({m})" for m in item.missing)
    if item.clock is not None and item.clock.last_done is not None:
        return f"Last done {clock_time(item.clock.last_done, at)}"
    if item.clock is not None:
        return f"None done yet ({item.clock.basis})"
    if item.kind is HandoverItemKind.AWAITING_SIGN_OFF:
        return "Complete; awaiting sign-off"
    return "Nothing more"


def _patient_cell(name: str, patient_id: UUID, patients: Mapping[UUID, Patient]) -> Paragraph:
    patient = patients.get(patient_id)
    number = nhs(patient.nhs_number) if patient is not None else "not known"
    return markup(f"{text(name)}<br/>NHS {text(number)}", CELL)


def _since(restriction: RestrictionOnHandover, at: datetime) -> str:
    episode = restriction.episode
    started = clock_time(episode.started_at, at)
    if episode.kind == "segregation":
        return f"Day {(episode.days_elapsed or 0) + 1}, since {started}"
    return f"{span(at - episode.started_at)}, since {started}"


def _reviews(restriction: RestrictionOnHandover, at: datetime, hours: int) -> Paragraph:
    if not restriction.items:
        return para(f"Nothing due in the next {hours} hours", CELL)
    lines = []
    for item in restriction.items:
        words = f"{text(item.label)}: {text(due_text(item, at))}"
        lines.append(f"<b>{words}</b>" if item.overdue_at(at) else words)
    return markup("<br/>".join(lines), CELL)


def _restrictions(
    handover: Handover, patients: Mapping[UUID, Patient], title: str
) -> list[Flowable]:
    at, hours = handover.at, hours_of(handover.until - handover.at)
    rows = [
        [
            _patient_cell(r.episode.patient_name, r.episode.patient_id, patients),
            RESTRICTION_WORDS.get(r.episode.kind, r.episode.kind),
            _since(r, at),
            _reviews(r, at, hours),
        ]
        for r in handover.restrictions
    ]
    alerts = [i for i, r in enumerate(handover.restrictions) if r.overdue_at(at)]
    table = rows_table(
        ("Patient", "Restriction", "How long", "Reviews falling due"),
        rows,
        (40 * mm, 30 * mm, 34 * mm, 70 * mm),
        alert_rows=alerts,
    )
    return section(title, table)


def _about(item: HandoverItem) -> str:
    return RESTRICTION_WORDS.get(item.restriction or "", "Incident record")


def _item_row(
    item: HandoverItem | RestrictionInForce, patients: Mapping[UUID, Patient], at: datetime
) -> list[object]:
    if isinstance(item, RestrictionInForce):
        return beyond_force.due_row(item, patients, at)
    return [
        due_text(item, at),
        item.label,
        _patient_cell(item.patient_name, item.patient_id, patients),
        _about(item),
        item_detail(item, at),
    ]


def _items(handover: Handover, patients: Mapping[UUID, Patient], title: str) -> list[Flowable]:
    at = handover.at
    due = handover.everything_due()
    rows = [_item_row(item, patients, at) for item in due]
    alerts = [i for i, item in enumerate(due) if item.overdue_at(at)]
    note = para("Overdue first (shaded), then by due time; records without a due time last.", SMALL)
    table = rows_table(
        ("Due", "What", "Patient", "About", "Detail"),
        rows,
        (31 * mm, 40 * mm, 34 * mm, 25 * mm, 44 * mm),
        alert_rows=alerts,
    )
    return section(title, note, table)


def totals(handover: Handover) -> str:
    """The line under the title: counts, the instant and how far ahead it looks."""
    at = handover.at
    counts = {
        kind: sum(r.episode.kind == kind for r in handover.restrictions)
        for kind in RESTRICTION_WORDS
    }
    due = handover.everything_due()
    overdue = sum(item.overdue_at(at) for item in due)
    count = len(due)
    parts = [
        f"{counts['seclusion']} in seclusion",
        f"{counts['segregation']} in long-term segregation",
        f"{overdue} OVERDUE" if overdue else "nothing overdue",
        f"{count} item{'s' if count != 1 else ''} to hand over",
    ]
    return (
        " · ".join(parts)
        + f". As at {format_local(at)}, looking ahead to {format_local(handover.until)}. "
        + beyond_force.totals(handover.beyond_force)
    )


def handover_story(handover: Handover, patients: Mapping[UUID, Patient]) -> list[Flowable]:
    """The flowables of the handover (see the module docstring). ``patients`` gives each
    patient's NHS number beside their name; a patient missing from it prints "not known"."""
    restrictions, _, prompts, items, signatures = sections(handover.until - handover.at)
    return [
        Paragraph(TITLE, H1),
        para(totals(handover)),
        *_restrictions(handover, patients, restrictions),
        *beyond_force.beyond_force_section(handover.beyond_force, patients, handover.at),
        *section(prompts, beyond_force.prompts_table(handover.beyond_force)),
        *_items(handover, patients, items),
        *section(signatures, signature_lines(SIGNATURE_ROLES)),
    ]


def heading_subject(handover: Handover) -> str:
    """The line under the title in the page header."""
    hours = hours_of(handover.until - handover.at)
    return f"As at {format_local(handover.at)} · the next {hours} hours"


def handover_pdf(heading: Heading, handover: Handover, patients: Mapping[UUID, Patient]) -> bytes:
    """The handover as PDF bytes, in the house style."""
    return render(heading, handover_story(handover, patients))
