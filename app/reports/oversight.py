"""The oversight report PDF (issue 8 item 4): draws the figures of
:func:`app.models.oversight.oversight_figures` and computes none of its own.

Landscape A4 in the house style. A copy for circulation prints "*" for every hidden figure
and says on its first page how many it hid and why (domain.md §6; issue 8: counts under 5);
a copy made with nothing hidden says "NOT FOR CIRCULATION" there, in its subject line on
every page and in its title.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.models.oversight import CountRow, CountTable, GroupRow, GroupTable, OversightFigures
from app.models.oversight_isolation import Durations, ReviewRow
from app.models.oversight_rules import SUPPRESS_BELOW
from app.reports.document import Heading, render
from app.reports.fonts import REGULAR
from app.reports.oversight_charts import forest_plot, monthly_bars
from app.reports.oversight_format import HIDDEN, WIDTH, count, duration, rate, ratio_text
from app.reports.oversight_restrictions import (
    BY_GROUP_TITLE,
    restrictions_by_group,
    restrictions_by_type,
)
from app.reports.oversight_restrictions import TITLE as RESTRICTIONS_TITLE
from app.reports.parts import (
    BODY,
    CELL,
    H3,
    SMALL,
    day,
    facts,
    heading,
    markup,
    rows_table,
    section,
    when,
)

TITLE = "Restrictive practice oversight report"
NOT_FOR_CIRCULATION = "NOT FOR CIRCULATION"

SECTIONS = (
    "Summary",
    "Incidents by month",
    "Interventions by type",
    "Incidents by reason",
    "Incidents by ward",
    "By protected characteristic",
    "Prone restraint",
    "Seclusion",
    "Long-term segregation",
    "Overdue and missed reviews",
    RESTRICTIONS_TITLE,
    BY_GROUP_TITLE,
    "How the figures are made",
)


# ------------------------------------------------------------------------------ sections


def _notice(figures: OversightFigures) -> Flowable:
    if figures.suppressed:
        hidden = figures.hidden_figures()
        words = (
            f"<b>Small numbers are hidden.</b> Counts from 1 to {SUPPRESS_BELOW - 1} are not "
            f"shown, nor any figure they could be worked out from — their rates and rate "
            f"ratios, another count where a total minus the counts shown would give one back, "
            f"and medians, longest durations and days made up of fewer than {SUPPRESS_BELOW} "
            f"— so that no patient can be identified. Each is printed as “{HIDDEN}”. "
            f"<b>{hidden:,} figure{'s are' if hidden != 1 else ' is'} hidden in this report.</b>"
        )
        shade = colors.HexColor("#e6eef7")
    else:
        words = (
            f"<b>{NOT_FOR_CIRCULATION}.</b> This copy shows every count, including counts "
            f"under {SUPPRESS_BELOW} that could identify a patient. It stays on the ward: do "
            "not send, publish or copy it. Make the copy for circulation without "
            "--unsuppressed."
        )
        shade = colors.HexColor("#f6d5d5")
    table = Table([[markup(words, BODY)]], colWidths=[WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("BACKGROUND", (0, 0), (-1, -1), shade),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#555555")),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _summary(figures: OversightFigures) -> list[Flowable]:
    period = figures.period
    total = figures.by_month.total
    pairs: list[tuple[str, object]] = [
        ("Wards", ", ".join(figures.ward_names) or "None"),
        ("Period", f"{day(period.first)} to {day(period.last)} (both included)"),
        ("Figures as at", when(figures.as_of)),
        ("Occupied bed days", f"{figures.bed_days:,}"),
        ("People subject to restrictive interventions", count(figures.people)),
        ("Incidents", count(figures.incidents)),
        ("Interventions (incident × type)", count(figures.interventions)),
        ("Incidents per 1,000 occupied bed days", rate(total.incident_rate, total.incidents)),
        (
            "Interventions per 1,000 occupied bed days",
            rate(total.intervention_rate, total.interventions),
        ),
    ]
    return section("Summary", _notice(figures), Spacer(1, 3 * mm), facts(pairs, width=WIDTH * 0.7))


def _count_table(table: CountTable, first: str) -> Flowable:
    """A table of counts; only the columns the table counts."""
    sample = table.total
    columns: list[tuple[str, Any]] = [(first, lambda r: r.label)]
    if sample.bed_days is not None:
        columns.append(("Occupied bed days", lambda r: f"{r.bed_days:,}"))
    if sample.incidents is not None:
        columns += [
            ("Incidents", lambda r: count(r.incidents)),
            ("Incidents per 1,000 bed days", lambda r: rate(r.incident_rate, r.incidents)),
        ]
    if sample.interventions is not None:
        columns += [
            ("Interventions", lambda r: count(r.interventions)),
            (
                "Interventions per 1,000 bed days",
                lambda r: rate(r.intervention_rate, r.interventions),
            ),
        ]
    rest = (WIDTH - 90 * mm) / max(len(columns) - 1, 1)
    rows: list[CountRow] = [*table.rows, table.total]
    return rows_table(
        [c[0] for c in columns],
        [[get(r) for _, get in columns] for r in rows],
        [90 * mm] + [rest] * (len(columns) - 1),
    )


def _group_table(table: GroupTable) -> Flowable:
    header = [
        table.title,
        "Occupied bed days",
        "People",
        "Incidents",
        "Incidents per 1,000 bed days",
        "Interventions",
        "Interventions per 1,000 bed days",
        "Incident rate ratio against the rest (95 % CI)",
    ]
    rows: list[GroupRow] = [*table.rows, table.total]
    body = [
        [
            r.label,
            f"{r.bed_days:,}",
            count(r.people),
            count(r.incidents),
            rate(r.incident_rate, r.incidents),
            count(r.interventions),
            rate(r.intervention_rate, r.interventions),
            markup("", CELL) if r is table.total else ratio_text(r.ratio, hidden=r.ratio_hidden),
        ]
        for r in rows
    ]
    widths = [56 * mm, 24 * mm, 16 * mm, 20 * mm, 28 * mm, 30 * mm, 30 * mm]
    widths.append(WIDTH - sum(widths))
    significant = [
        i for i, r in enumerate(table.rows) if r.ratio is not None and r.ratio.significant
    ]
    return rows_table(header, body, widths, alert_rows=significant)


def _characteristics(figures: OversightFigures) -> list[Flowable]:
    intro = markup(
        "Each group's incidents and interventions per 1,000 occupied bed days of its own "
        "patients, and its incident rate divided by the rate of everyone else (the rate "
        "ratio). Above 1: more often than the rest; the 95 % confidence interval shows how "
        "sure that is — a row is shaded when its interval leaves out 1. Groups follow what "
        "each patient's record says; age is the age band on the day."
    )
    story: list[Flowable] = []
    for index, table in enumerate(figures.by_group):
        lead = [intro] if index == 0 else []
        story.append(
            KeepTogether([*lead, heading(table.title, H3), _group_table(table), Spacer(1, 2 * mm)])
        )
        if table.rows:
            story += [forest_plot(table, WIDTH), Spacer(1, 3 * mm)]
    return section("By protected characteristic", *story)


def _durations(label: str, figures: Durations) -> list[tuple[str, object]]:
    return [
        (f"{label} with a recorded end", count(figures.known)),
        (f"Median {label.lower()}", duration(figures.median, hidden=figures.hidden)),
        (f"Longest {label.lower()}", duration(figures.longest, hidden=figures.hidden)),
    ]


def _isolation(figures: OversightFigures) -> list[Flowable]:
    iso = figures.isolation
    prone = iso.prone
    threshold = duration(prone.threshold)
    story = section(
        "Prone restraint",
        facts(
            [
                ("Prone restraints (type 01)", count(prone.uses)),
                ("People restrained prone", count(prone.people)),
                (f"Lasting up to {threshold}", count(prone.up_to_threshold)),
                (f"Lasting more than {threshold}", count(prone.over_threshold)),
                ("End not recorded", count(prone.end_not_recorded)),
                *_durations("Durations", prone.durations),
            ],
            width=WIDTH * 0.7,
        ),
    )
    seclusion = iso.seclusion
    story += section(
        "Seclusion",
        markup("Episodes that started in the period."),
        facts(
            [
                ("Seclusion episodes", count(seclusion.episodes)),
                ("People secluded", count(seclusion.people)),
                ("Ended", count(seclusion.ended)),
                ("Still running", count(seclusion.running)),
                *_durations("Durations", seclusion.durations),
            ],
            width=WIDTH * 0.7,
        ),
    )
    lts = iso.segregation
    days = HIDDEN if lts.days_hidden else f"{lts.days_in_period or 0:,}"
    story += section(
        "Long-term segregation",
        markup("Episodes that ran at any time in the period."),
        facts(
            [
                ("LTS episodes", count(lts.episodes)),
                ("People in LTS", count(lts.people)),
                ("Started in the period", count(lts.started)),
                ("Ended in the period", count(lts.ended)),
                ("Still running at the end of the period", count(lts.running_at_end)),
                ("Days in LTS in the period (midnights, as bed days)", days),
            ],
            width=WIDTH * 0.7,
        ),
    )
    reviews: list[ReviewRow] = [*iso.reviews, iso.reviews_total]
    story += section(
        "Overdue and missed reviews",
        markup(
            "Seclusion observations and reviews and LTS reviews that fell due in the period "
            "(the review clocks of the ward board): <b>late</b> — held after it was due; "
            "<b>missed</b> — not held while the episode ran, up to the end of the period; "
            "<b>overdue at the end</b> — the clocks red on the board then."
        ),
        rows_table(
            ["Review", "Late", "Missed", "Overdue at the end of the period"],
            [[r.label, count(r.late), count(r.missed), count(r.overdue_at_end)] for r in reviews],
            [90 * mm, 40 * mm, 40 * mm, 60 * mm],
        ),
    )
    return story


def _method(figures: OversightFigures) -> list[Flowable]:
    notes = [
        (
            "<b>Incidents</b> are use-of-force records that started on a day of the period (ward "
            "clock), drafts included. <b>Interventions</b> count each type of force in an "
            "incident once (MHSDS incident × type). <b>People</b> are the patients with at least "
            "one incident."
        ),
        (
            "<b>Occupied bed days</b>: a bed counts on a day when the patient is in it at the "
            "midnight that ends the day; a running stay counts up to the time of the figures."
        ),
        (
            "<b>Rate ratio</b>: (a ÷ bed days of the group) ÷ (b ÷ bed days of everyone else), "
            "where a and b are incidents. 95 % CI: exp(ln RR ± 1.96 × √(1/a + 1/b)). With no "
            "incidents in the group or in the rest, or no bed days in either, there is no ratio "
            "and the report says “not calculable”."
        ),
        (
            "<b>Median</b>: the middle value (the mean of the two middle values when there are "
            "an even number). Seclusion durations are those of episodes that have ended."
        ),
        (
            "<b>Groups</b>: ethnicity, sex and learning disability / autism as each patient's "
            "record says now, with “Not recorded” where it is not answered; nothing is guessed."
        ),
        (
            "<b>Restrictions beyond force</b>: individual restrictions, enhanced observation "
            "(one episode per level), psychological and cultural restraint count when they "
            "started on a day of the period; blanket restrictions when in force at any time in "
            "it. Blanket restrictions are the ward's rules, not a patient's events, so they are "
            "listed in full; the patients exempted from each are a count of patients and are "
            "hidden like any other."
        ),
    ]
    if figures.suppressed:
        notes.append(
            f"<b>Hidden figures</b>: a count from 1 to {SUPPRESS_BELOW - 1} is hidden; where "
            "one hidden count in a column could be worked out from the total (or several "
            f"hidden counts add up to less than {SUPPRESS_BELOW}), the next smallest count is "
            "hidden too; rates and ratios are hidden with their counts."
        )
    return section("How the figures are made", *[markup(n, SMALL) for n in notes])


def oversight_story(figures: OversightFigures) -> list[Flowable]:
    """Every section of the report, in order (:data:`SECTIONS`)."""
    story: list[Flowable] = _summary(figures)
    story += section(
        "Incidents by month",
        monthly_bars(figures.by_month, WIDTH),
        Spacer(1, 2 * mm),
        _count_table(figures.by_month, "Month"),
    )
    story += section("Interventions by type", _count_table(figures.by_type, "Type (MHSDS code)"))
    story += section("Incidents by reason", _count_table(figures.by_reason, "Reason (MHSDS code)"))
    if figures.by_ward is not None:
        story += section("Incidents by ward", _count_table(figures.by_ward, "Ward"))
    story += _characteristics(figures)
    story += _isolation(figures)
    if figures.restrictions is not None:
        story += restrictions_by_type(figures.restrictions)
    story += restrictions_by_group(figures.restriction_groups)
    story += _method(figures)
    return story


def subject_line(figures: OversightFigures) -> str:
    """The line under the title on every page: scope and period (and the warning)."""
    line = f"{figures.scope} · {day(figures.period.first)} to {day(figures.period.last)}"
    return line if figures.suppressed else f"{NOT_FOR_CIRCULATION} · {line}"


def title(figures: OversightFigures) -> str:
    """The document title (with the warning on a copy that stays on the ward)."""
    return TITLE if figures.suppressed else f"{TITLE} ({NOT_FOR_CIRCULATION})"


def oversight_pdf(figures: OversightFigures, heading_: Heading) -> bytes:
    """The report as PDF bytes, in the house style, landscape."""
    return render(heading_, oversight_story(figures), wide=True)
