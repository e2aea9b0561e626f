"""The appendix of the segregation review document (domain.md §3 "What a segregation review
document holds": all reviews in order; totals — days in LTS, hours in seclusion in the last
48 hours and 7 days; use-of-force incidents with their codes), with the reviews that were late
or missed in the period.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from app.models.incident import UseOfForceIncident
from app.models.seclusion_time import secluded_time_between
from app.reports.parts import (
    BODY,
    H1,
    NOT_RECORDED,
    facts,
    heading,
    markup,
    section,
    when,
)
from app.reports.segregation_parts import lapses_table, length, opened, table_or_none

if TYPE_CHECKING:
    from app.reports.segregation_review import LtsReviewInputs

WIDTH = 174 * mm

#: The appendix headings as printed (tests look for each).
TITLES = (
    "Appendix",
    "A1. Every review in the period",
    "A2. Reviews late or missed in the period",
    "A3. Totals",
    "A4. Use-of-force incidents in the period",
)


def appendix(inputs: LtsReviewInputs) -> list[Flowable]:
    """The appendix, starting on a new page."""
    return [
        PageBreak(),
        heading(TITLES[0], H1),
        *_reviews(inputs),
        *opened(TITLES[2], lapses_table(inputs.lapses, inputs.clocks)),
        *_totals(inputs),
        *_incidents(inputs),
    ]


def _reviews(inputs: LtsReviewInputs) -> list[Flowable]:
    rows = [
        [
            when(r.held_at),
            r.kind.label,
            ", ".join(p.name for p in r.attendees),
            r.decision.value.capitalize(),
            r.rationale,
        ]
        for r in inputs.reviews_in_period
    ]
    shares = (0.14, 0.2, 0.22, 0.12, 0.32)
    return opened(
        TITLES[1],
        table_or_none(
            ("Held", "Review", "Attendees", "Decision", "Reasoning"),
            rows,
            [WIDTH * s for s in shares],
            none="No review was held in the period.",
        ),
    )


def _totals(inputs: LtsReviewInputs) -> list[Flowable]:
    end = inputs.at
    seclusions = inputs.patient_seclusions
    counts = {
        kind.label: sum(1 for r in inputs.reviews_in_period if r.kind is kind)
        for kind in dict.fromkeys(r.kind for r in inputs.own_reviews)
    }
    held = "\n".join(f"{label}: {count}" for label, count in counts.items()) or "None"
    return section(
        TITLES[3],
        facts(
            [
                ("Days in long-term segregation", str(inputs.episode.days_elapsed(end))),
                (
                    "Hours in seclusion, last 48 hours",
                    length(secluded_time_between(seclusions, end - timedelta(hours=48), end)),
                ),
                (
                    "Hours in seclusion, last 7 days",
                    length(secluded_time_between(seclusions, end - timedelta(days=7), end)),
                ),
                ("Reviews held in the period", held),
                ("Use-of-force incidents in the period", str(len(inputs.incidents_in_period))),
            ]
        ),
        markup(f"<i>Totals are counted up to the end of the period, {when(end)}.</i>", BODY),
    )


def _types(incident: UseOfForceIncident) -> str:
    return "\n".join(f"{t.value} {t.label}" for t in incident.intervention_types) or NOT_RECORDED


def _incidents(inputs: LtsReviewInputs) -> list[Flowable]:
    rows = [
        [
            when(i.started_at),
            length(i.duration) if i.duration is not None else NOT_RECORDED,
            _types(i),
            f"{i.reason.value} {i.reason.label}" if i.reason else NOT_RECORDED,
            i.location,
            i.status.value.replace("_", " ").capitalize(),
        ]
        for i in inputs.incidents_in_period
    ]
    shares = (0.15, 0.11, 0.29, 0.2, 0.13, 0.12)
    return opened(
        TITLES[4],
        table_or_none(
            ("Started", "Length", "Types (MHSDS codes)", "Reason (code)", "Where", "Record"),
            rows,
            [WIDTH * s for s in shares],
        ),
    )
