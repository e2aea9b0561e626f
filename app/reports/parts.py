"""Building blocks of the house style: paragraph styles, tables of facts and of rows, and the
ways dates, NHS numbers and missing answers are written. Every text from a record goes through
:func:`text`, which escapes it: a name holding ``<`` or ``&`` prints as typed and never as
paragraph markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.models.clock import format_local, local_date, to_local
from app.models.nhs_number import format_nhs_number
from app.reports.fonts import BOLD, REGULAR, register_fonts

#: How a question with no answer is printed: visibly, never as a blank.
NOT_RECORDED = "Not recorded"
GREY = colors.HexColor("#e8e8e8")
RULE = colors.HexColor("#888888")
#: A warning's background (overdue, missing).
ALERT = colors.HexColor("#f6d5d5")

register_fonts()
BODY = ParagraphStyle(
    "body", fontName=REGULAR, bulletFontName=REGULAR, fontSize=9.5, leading=12.5, spaceAfter=3
)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10.5, spaceAfter=0)
CELL_BOLD = ParagraphStyle("cell-bold", parent=CELL, fontName=BOLD)
H1 = ParagraphStyle("h1", parent=BODY, fontName=BOLD, fontSize=15, leading=19, spaceAfter=6)
H2 = ParagraphStyle(
    "h2", parent=BODY, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4
)
H3 = ParagraphStyle("h3", parent=BODY, fontName=BOLD, fontSize=10, leading=13, spaceBefore=4)


def text(value: object) -> str:
    """``value`` as paragraph text, escaped; None as :data:`NOT_RECORDED`."""
    if value is None or value == "":
        return NOT_RECORDED
    return escape(str(value)).replace("\n", "<br/>")


def para(value: object, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of record text (escaped)."""
    return Paragraph(text(value), style)


def markup(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of the program's own wording, which may hold ``<b>`` and ``<i>``."""
    return Paragraph(value, style)


def heading(value: str, style: ParagraphStyle = H2) -> Paragraph:
    """A section heading (the program's own wording; escaped all the same)."""
    return Paragraph(escape(value), style)


def when(value: datetime | None) -> str:
    """A moment in UK local time, e.g. ``06/12/2026 14:05``; None as not recorded."""
    return NOT_RECORDED if value is None else format_local(value)


def moment(value: datetime | None) -> str:
    """A moment in UK local time inside a sentence, or "not recorded" (lower case)."""
    return "not recorded" if value is None else format_local(value)


def short_moment(value: datetime | None) -> str:
    """A moment in UK local time for a narrow table column, e.g. ``09/11/2026 07:11 GMT``
    (the zone kept: 01:30 happens twice on the night the clocks go back)."""
    return "not recorded" if value is None else to_local(value).strftime("%d/%m/%Y %H:%M %Z")


def clock_time(value: datetime, at: datetime) -> str:
    """``16:10`` on the day of ``at``, ``Mon 07 Dec 16:10`` on another (UK local time)."""
    local = to_local(value)
    if local_date(value) == local_date(at):
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def hours_minutes(value: timedelta, *, rounded: bool = False, days_after: int = 0) -> str:
    """A length of time as ``45 min`` or ``3 h 05 min`` (nothing below zero); whole minutes
    cut down, or ``rounded``; from ``days_after`` hours on (0: never), with days first, as
    ``3 days 2 h 05 min``."""
    seconds = max(value.total_seconds(), 0)
    minutes = round(seconds / 60) if rounded else int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    if days_after and hours >= days_after:
        days, hours = divmod(hours, 24)
        return f"{days} days {hours} h {minutes:02d} min"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def span(delta: timedelta | None) -> str:
    """How long a type of force lasted: ``45 min``, ``1 h 05 min``, ``3 days 2 h 05 min``
    from 48 hours; None as not recorded (no end time)."""
    if delta is None:
        return "not recorded (no end time)"
    return hours_minutes(delta, days_after=48)


def day(value: date | datetime | None) -> str:
    """A date, e.g. ``06/12/2026`` (a moment: its UK local date)."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d/%m/%Y")


def nhs(number: str | None) -> str:
    """An NHS number as 3-3-4 (domain.md §5); one that is not ten digits, as given."""
    if not number:
        return NOT_RECORDED
    try:
        return format_nhs_number(number)
    except ValueError:
        return number


def yes_no(value: bool | None) -> str:
    """Yes, No, or not recorded."""
    return NOT_RECORDED if value is None else ("Yes" if value else "No")


def facts(pairs: Iterable[tuple[str, object]], *, width: float = 174 * mm) -> Table:
    """A two-column table of questions and answers (answers escaped; a cell that is already a
    flowable is used as it is)."""
    rows: list[list[Any]] = [
        [Paragraph(escape(label), CELL_BOLD), v if isinstance(v, Flowable) else para(v, CELL)]
        for label, v in pairs
    ]
    table = Table(rows, colWidths=[width * 0.34, width * 0.66], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (0, 0), (0, -1), GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def rows_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    alert_rows: Iterable[int] = (),
) -> Table:
    """A table with a header row repeated on every page; ``alert_rows`` (0-based, without the
    header) are shaded as warnings. An empty ``rows`` prints one row saying "None"."""
    body: list[list[Any]] = [
        [c if isinstance(c, Flowable) else para(c, CELL) for c in row] for row in rows
    ] or [[para("None", CELL)] + [para("", CELL) for _ in header[1:]]]
    data: list[list[Any]] = [[Paragraph(escape(h), CELL_BOLD) for h in header], *body]
    style: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), GREY),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    style += [("BACKGROUND", (0, r + 1), (-1, r + 1), ALERT) for r in alert_rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def section(title: str, *content: Flowable) -> list[Flowable]:
    """A heading kept on the page with the start of what follows it."""
    if not content:
        return [heading(title)]
    return [KeepTogether([heading(title), content[0]]), *content[1:], Spacer(1, 2 * mm)]


def signature_lines(roles: Sequence[str]) -> Table:
    """Lines to sign by hand: role, name, signature, date, each row tall enough to sign in."""
    data: list[list[Any]] = [
        [Paragraph(escape(h), CELL_BOLD) for h in ("Role", "Name", "Signature", "Date")],
        *[[para(role, CELL), "", "", ""] for role in roles],
    ]
    table = Table(
        data,
        colWidths=[50 * mm, 45 * mm, 50 * mm, 29 * mm],
        rowHeights=[None] + [11 * mm] * len(roles),
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), GREY),
            ]
        )
    )
    return table
