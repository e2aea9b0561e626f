"""The safety case report as a PDF in the reports' house style (issue 11 item 3: "PDF, with the
reports issue's house style"), drawn from the very Markdown ``scripts.safety_case`` writes, so
the two never say different things.

Only the Markdown that report uses is understood: ``#``–``###`` headings, paragraphs, ``-``
bullets and ``1.`` numbered items (with indented ``-`` sub-items), pipe tables, ``**bold**``,
`` `code` `` and ``[text](#anchor)`` links (printed as their text). Written by hand: no kept
library turns Markdown into reportlab flowables, and the subset is small.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.reports.document import Heading, render
from app.reports.parts import BODY, CELL, H1, H2, H3, SMALL, rows_table

if TYPE_CHECKING:
    from collections.abc import Iterable

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(#[^)]*\)")
_NUMBERED = re.compile(r"^(\d+)\. (.*)$")
WIDTH = 174 * mm


def inline(text: str) -> str:
    """Paragraph markup for one line of the report's Markdown (escaped first)."""
    marked = escape(_LINK.sub(r"\1", text.replace("\\|", "|")))
    marked = _BOLD.sub(r"<b>\1</b>", marked)
    return _CODE.sub(r'<font size="8">\1</font>', marked)


def _table(lines: list[str]) -> Flowable:
    rows = [[cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]] for line in lines]
    header, body = rows[0], rows[2:]
    columns = len(header)
    widths = [WIDTH / columns] * columns
    if columns == 2:
        widths = [WIDTH * 0.3, WIDTH * 0.7]
    elif columns == 7:  # the hazard table: id, hazard, part, built, initial, residual, evidence
        widths = [x * mm for x in (15, 42, 22, 15, 28, 28, 24)]
    return rows_table(
        [h.replace("\\|", "|") for h in header],
        [[Paragraph(inline(cell), CELL) for cell in row] for row in body],
        widths,
    )


def flowables(markdown: str) -> list[Flowable]:
    """The report's Markdown as flowables."""
    story: list[Flowable] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("|"):
            block = []
            while index < len(lines) and lines[index].startswith("|"):
                block.append(lines[index])
                index += 1
            story += [_table(block), Spacer(1, 2 * mm)]
            continue
        index += 1
        if not line.strip():
            continue
        if line.startswith("### "):
            story.append(Paragraph(inline(line[4:]), H3))
        elif line.startswith("## "):
            story.append(Paragraph(inline(line[3:]), H2))
        elif line.startswith("# "):
            story.append(Paragraph(inline(line[2:]), H1))
        elif line.startswith("   - "):
            story.append(Paragraph(inline(line[5:]), SMALL, bulletText="–"))
        elif line.startswith("- "):
            story.append(Paragraph(inline(line[2:]), BODY, bulletText="•"))
        elif numbered := _NUMBERED.match(line):
            story.append(Paragraph(inline(numbered.group(2)), BODY, bulletText=numbered.group(1)))
        else:
            story.append(Paragraph(inline(line), BODY))
    return story


def safety_case_pdf(markdown: str, *, system: str, at: datetime) -> bytes:
    """The PDF of the safety case report ``markdown`` (as ``scripts.safety_report`` writes it)."""
    del system  # named in the report's first heading; the page header keeps to one line
    heading = Heading(
        title="Clinical safety case report",
        trust_name="RPR, the Restrictive Practice Recorder",
        ward_name="DCB0129 supplier report",
        printed_by="make safety-case",
        printed_at=at,
        subject="Built from docs/safety/hazard-log.toml",
        marking="OFFICIAL",  # no patient data in it
    )
    return render(heading, _indent_lists(flowables(markdown)))


def _indent_lists(story: Iterable[Flowable]) -> list[Flowable]:
    """Bullets hang from the left margin like the body text's paragraphs."""
    out = []
    for item in story:
        if isinstance(item, Paragraph) and item.bulletText:
            item.style = item.style.clone(
                f"{item.style.name}-listed",
                leftIndent=item.style.leftIndent + 12,
                bulletIndent=item.style.leftIndent + 2,
            )
        out.append(item)
    return out
