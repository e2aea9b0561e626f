"""The oversight report's sections on restrictions beyond force (issue 10 item 4): draws the
figures of :mod:`app.models.oversight_restrictions` (by type) and
:mod:`app.models.oversight_restriction_groups` (by protected characteristic) and computes
none of its own. A hidden figure prints as "*", as everywhere in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.models.oversight_isolation import Durations
from app.models.oversight_restriction_groups import (
    EVENT_KINDS,
    RestrictionGroupRow,
    RestrictionGroupTable,
)
from app.models.oversight_restrictions import KindRow, KindTable, RestrictionFigures
from app.models.review_clocks import ClockState
from app.reports.oversight_format import HIDDEN, NO_RATE, WIDTH, count, rate, ratio_text
from app.reports.parts import CELL, H3, day, heading, hours_minutes, markup, rows_table, section

TITLE = "Restrictions beyond force"
BY_GROUP_TITLE = "Restrictions beyond force by protected characteristic"

_REVIEW_WORDS = {
    ClockState.OVERDUE: "OVERDUE",
    ClockState.DUE: "Up to date",
    ClockState.STOPPED: "Ended",
}


def long_duration(value: timedelta | None, *, hidden: bool = False) -> str:
    """``5 h 08 min``, or with days from 48 hours (``4 days 2 h 00 min``); "*" when hidden."""
    if hidden:
        return HIDDEN
    return NO_RATE if value is None else hours_minutes(value, rounded=True, days_after=48)


def _blanket(figures: RestrictionFigures) -> list[Flowable]:
    rows = [
        [
            r.title,
            r.category,
            day(r.started_at),
            day(r.ended_at) if r.ended_at is not None else "In force",
            _REVIEW_WORDS.get(r.review_at_end, r.review_at_end.value),
            count(r.exemptions),
        ]
        for r in figures.blanket
    ]
    overdue = [i for i, r in enumerate(figures.blanket) if r.review_at_end is ClockState.OVERDUE]
    return [
        KeepTogether(
            [
                heading(f"Blanket restrictions in force in the period ({len(rows)})", H3),
                rows_table(
                    (
                        "Blanket restriction",
                        "Kind",
                        "In force from",
                        "Ended",
                        "Review at the end of the period",
                        "Patients exempted",
                    ),
                    rows,
                    (80 * mm, 62 * mm, 26 * mm, 26 * mm, 37 * mm, 30 * mm),
                    alert_rows=overdue,
                ),
            ]
        )
    ]


def _kind_table(table: KindTable, first: str) -> Flowable:
    """A table of kinds with only the columns it counts."""
    sample = table.total
    columns: list[tuple[str, Callable[[KindRow], Any]]] = [
        (first, lambda r: r.label),
        ("In the period" if sample.durations is None else "Started in the period", _count),
        ("People", lambda r: count(r.people)),
    ]
    if sample.in_force_at_end is not None:
        columns.append(("In force at the end of the period", lambda r: count(r.in_force_at_end)))
    if sample.durations is not None:
        columns += [
            ("Ended (with a duration)", lambda r: count(_durations(r).known)),
            (
                "Median duration",
                lambda r: long_duration(_durations(r).median, hidden=_durations(r).hidden),
            ),
            (
                "Longest",
                lambda r: long_duration(_durations(r).longest, hidden=_durations(r).hidden),
            ),
        ]
    if sample.time_in_period is not None or sample.time_hidden:
        columns.append(
            ("Time in the period", lambda r: long_duration(r.time_in_period, hidden=r.time_hidden))
        )
    rest = (WIDTH - 90 * mm) / (len(columns) - 1)
    rows: list[KindRow] = [*table.rows, table.total]
    return rows_table(
        [c[0] for c in columns],
        [[get(r) for _, get in columns] for r in rows],
        [90 * mm] + [rest] * (len(columns) - 1),
    )


def _count(row: KindRow) -> str:
    return count(row.count)


def _durations(row: KindRow) -> Durations:
    """The row's durations (asked for only of a table that has them)."""
    if row.durations is None:
        raise ValueError("durations: this table has none")
    return row.durations


def restrictions_by_type(figures: RestrictionFigures) -> list[Flowable]:
    """The section :data:`TITLE`."""
    intro = markup(
        "Restrictions other than the force the Use of Force Act counts. Blanket restrictions "
        "are the ward's rules in force at any time in the period (shaded: review overdue at "
        "the end of the period). The other tables count what started in the period; durations "
        "are of those that have ended; time on enhanced observation is the part of every "
        "episode that fell in the period. A change of observation level ends one episode and "
        "starts another."
    )
    story: list[Flowable] = [intro, *_blanket(figures)]
    for table, first in (
        (figures.individual, "What is restricted"),
        (figures.observation, "Level"),
        (figures.psychological, "Form"),
        (figures.cultural, "Form"),
    ):
        story.append(KeepTogether([heading(table.title, H3), _kind_table(table, first)]))
    return section(TITLE, *story)


def _group_table(table: RestrictionGroupTable) -> Flowable:
    header = [
        table.title,
        "Occupied bed days",
        "People",
        "All beyond force",
        "Per 1,000 bed days",
        "Rate ratio against the rest (95 % CI)",
        *EVENT_KINDS,
    ]
    rows: list[RestrictionGroupRow] = [*table.rows, table.total]
    body = [
        [
            r.label,
            f"{r.bed_days:,}",
            count(r.people),
            count(r.events),
            rate(r.rate, r.events),
            markup("", CELL) if r is table.total else ratio_text(r.ratio, hidden=r.ratio_hidden),
            *(count(c) for c in r.by_kind),
        ]
        for r in rows
    ]
    widths: Sequence[float] = (38 * mm, 21 * mm, 17 * mm, 21 * mm, 19 * mm, 34 * mm)
    rest = (WIDTH - sum(widths)) / len(EVENT_KINDS)
    significant = [
        i for i, r in enumerate(table.rows) if r.ratio is not None and r.ratio.significant
    ]
    return rows_table(header, body, [*widths, *([rest] * len(EVENT_KINDS))], alert_rows=significant)


def restrictions_by_group(tables: Sequence[RestrictionGroupTable]) -> list[Flowable]:
    """The section :data:`BY_GROUP_TITLE`."""
    intro = markup(
        "Individual restrictions, enhanced observation, psychological and cultural restraint "
        "that started in the period, by each patient's group on the day: how many, per 1,000 "
        "occupied bed days of the group's own patients, and that rate divided by the rate of "
        "everyone else (shaded when the 95 % interval leaves out 1). Blanket restrictions "
        "apply to everyone and are not broken down."
    )
    story = [
        KeepTogether([heading(table.title, H3), _group_table(table), Spacer(1, 2 * mm)])
        for table in tables
    ]
    return section(BY_GROUP_TITLE, intro, *story)
