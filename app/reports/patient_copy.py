"""A patient's copy of their use-of-force record (issue 8 item 5), in plain English or in easy
read: what happened, why, talking about it, their rights and who they can talk to. The words
are :mod:`app.reports.patient_copy_wording`; the easy-read layout is
:mod:`app.reports.patient_copy_easy_read`. Returns the PDF as bytes (house style,
:mod:`app.reports.document`).

The copy names the patient and shows their NHS number (3-3-4), so they and staff can see it
is theirs; it names no member of staff.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, Spacer

from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.reports.document import Heading, render
from app.reports.fonts import REGULAR
from app.reports.parts import BODY, H1, H2, heading, markup, nhs, text
from app.reports.patient_copy_easy_read import easy_read_story
from app.reports.patient_copy_facts import incident_words
from app.reports.patient_copy_wording import (
    CopySection,
    easy_read_sections,
    plain_sections,
)

#: Plain English in a comfortable size for reading on paper (larger than the staff documents).
PLAIN_BODY = ParagraphStyle("plain-body", parent=BODY, fontSize=12, leading=16.5, spaceAfter=4)
PLAIN_H2 = ParagraphStyle("plain-h2", parent=H2, fontSize=14, leading=18, spaceBefore=10)
PLAIN_TITLE = ParagraphStyle("plain-title", parent=H1, fontSize=18, leading=23)

PLAIN_TITLE_TEXT = "Your copy: when staff used force"
EASY_TITLE_TEXT = "Easy read: when staff used force"


def _plain_section(section: CopySection) -> list[Flowable]:
    items = ListFlowable(
        [markup(line, PLAIN_BODY) for line in section.lines],
        bulletType="bullet",
        start="\u2022",
        bulletFontName=REGULAR,  # reportlab's default bullet font is not embedded
        bulletFontSize=12,
        leftIndent=12,
    )
    return [KeepTogether([heading(section.heading, PLAIN_H2), items])]


def plain_story(patient: Patient, incident: UseOfForceIncident) -> list[Flowable]:
    """The plain-English copy."""
    words = incident_words(incident)
    story: list[Flowable] = [
        markup(text(PLAIN_TITLE_TEXT), PLAIN_TITLE),
        markup(
            f"This is for <b>{text(patient.display_name)}</b>, "
            f"NHS number {text(nhs(patient.nhs_number))}. It tells you what the hospital's "
            f"record says about the time staff used force on {words.day}.",
            PLAIN_BODY,
        ),
        markup(
            "If you would like help to read it, or an easy-read copy, please ask staff.",
            PLAIN_BODY,
        ),
    ]
    for section in plain_sections(words):
        story.extend(_plain_section(section))
    story.append(Spacer(1, 4 * mm))
    return story


def patient_copy_pdf(
    heading_: Heading, patient: Patient, incident: UseOfForceIncident, *, easy_read: bool
) -> bytes:
    """The patient's copy as a PDF (plain English, or easy read when ``easy_read``)."""
    if easy_read:
        words = incident_words(incident)
        story = easy_read_story(patient.display_name, easy_read_sections(words))
    else:
        story = plain_story(patient, incident)
    return render(heading_, story)
