"""The easy-read patient copy (issue 8 item 5): large type (body :data:`EASY_BODY_SIZE` pt,
never under 16 pt), short sentences, one idea per line, and a picture beside each heading
(:mod:`app.reports.patient_copy_pictograms`). Sentences come from
:mod:`app.reports.patient_copy_wording`."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.reports.fonts import BOLD, REGULAR, register_fonts
from app.reports.parts import text
from app.reports.patient_copy_pictograms import SIZE, pictogram
from app.reports.patient_copy_wording import CopySection

#: Easy-read guidance asks for at least 14-16 pt; we print the body at 16 pt.
EASY_BODY_SIZE = 16.0
#: Body lines start under the heading, to the right of the picture.
INDENT = SIZE + 6 * mm

register_fonts()
EASY_BODY = ParagraphStyle(
    "easy-body",
    fontName=REGULAR,
    fontSize=EASY_BODY_SIZE,
    leading=EASY_BODY_SIZE * 1.4,
    spaceAfter=5,
    leftIndent=INDENT,
)
EASY_HEADING = ParagraphStyle(
    "easy-heading", parent=EASY_BODY, fontName=BOLD, fontSize=22, leading=27, leftIndent=0
)
EASY_TITLE = ParagraphStyle(
    "easy-title", parent=EASY_HEADING, fontSize=26, leading=32, spaceAfter=8
)
EASY_INTRO = ParagraphStyle("easy-intro", parent=EASY_BODY, leftIndent=0)

#: Every paragraph style the easy-read copy uses (a test checks none is under 16 pt).
EASY_STYLES: tuple[ParagraphStyle, ...] = (EASY_BODY, EASY_HEADING, EASY_TITLE, EASY_INTRO)


def _heading_row(section: CopySection) -> Table:
    row = Table(
        [[pictogram(section.pictogram), Paragraph(text(section.heading), EASY_HEADING)]],
        colWidths=[INDENT, None],
        hAlign="LEFT",
    )
    row.setStyle(
        TableStyle(
            [
                # A table sets its cells' font even when they hold only flowables.
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return row


#: The easy-read copy's title when none is given: the copy after an incident.
INCIDENT_TITLE = "When staff used force"


def easy_read_story(
    name: str, sections: Sequence[CopySection], *, title: str = INCIDENT_TITLE
) -> list[Flowable]:
    """The easy-read copy for the patient called ``name`` (record text, escaped here), under
    ``title`` (the program's own wording)."""
    story: list[Flowable] = [
        Paragraph(title, EASY_TITLE),
        Paragraph(f"This is for {text(name)}.", EASY_INTRO),
        Paragraph("Ask staff to help you read it.", EASY_INTRO),
        Spacer(1, 4 * mm),
    ]
    for section in sections:
        lines = [Paragraph(line, EASY_BODY) for line in section.lines]
        # A section is read as one piece: it starts on a new page rather than split (one
        # longer than a page is still split, after its heading and first lines).
        story.append(KeepTogether([_heading_row(section), *lines]))
        story.append(Spacer(1, 5 * mm))
    return story
