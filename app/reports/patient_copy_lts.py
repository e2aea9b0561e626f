"""A patient's copy at a long-term segregation (LTS) review (issue 8 item 5), in plain English
or in easy read: why they are kept apart and since when, what the review decided and why, what
will help them come out, what they said, their rights and who they can talk to. The words are
:mod:`app.reports.patient_copy_lts_wording`; the look is the copy after an incident's
(:mod:`app.reports.patient_copy` for plain English, :mod:`app.reports.patient_copy_easy_read`
with its pictures for easy read). Returns the PDF as bytes (house style,
:mod:`app.reports.document`).

The copy names the patient and shows their NHS number (3-3-4), so they and staff can see it is
theirs; it names no member of staff.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, Spacer

from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, SegregationPolicy
from app.models.segregation import LtsEpisode, LtsReview
from app.reports.document import Heading, render
from app.reports.fonts import REGULAR
from app.reports.parts import heading, markup, nhs, text
from app.reports.patient_copy import PLAIN_BODY, PLAIN_H2, PLAIN_TITLE
from app.reports.patient_copy_easy_read import easy_read_story
from app.reports.patient_copy_lts_wording import (
    LtsReviewWords,
    easy_read_lts_sections,
    lts_review_words,
    plain_lts_sections,
)
from app.reports.patient_copy_wording import CopySection

PLAIN_TITLE_TEXT = "Your copy: your long-term segregation review"
EASY_TITLE_TEXT = "Easy read: your segregation review"
#: The title on the easy-read copy's first page.
EASY_STORY_TITLE = "Your segregation review"


#: Lines kept on the same page as their heading; a longer section may run on to the next page
#: (this copy has long sections, and would otherwise leave half pages blank).
KEPT_WITH_HEADING = 2


def _bullets(lines: tuple[str, ...]) -> ListFlowable:
    return ListFlowable(
        [markup(line, PLAIN_BODY) for line in lines],
        bulletType="bullet",
        start="\u2022",
        bulletFontName=REGULAR,  # reportlab's default bullet font is not embedded
        bulletFontSize=12,
        leftIndent=12,
    )


def _plain_section(section: CopySection) -> list[Flowable]:
    first, rest = section.lines[:KEPT_WITH_HEADING], section.lines[KEPT_WITH_HEADING:]
    story: list[Flowable] = [KeepTogether([heading(section.heading, PLAIN_H2), _bullets(first)])]
    if rest:
        story.append(_bullets(rest))
    return story


def plain_story(patient: Patient, words: LtsReviewWords) -> list[Flowable]:
    """The plain-English copy."""
    story: list[Flowable] = [
        markup(text(PLAIN_TITLE_TEXT), PLAIN_TITLE),
        markup(
            f"This is for <b>{text(patient.display_name)}</b>, "
            f"NHS number {text(nhs(patient.nhs_number))}. It tells you what the hospital's "
            f"record says about the review of your segregation on {words.review_day}.",
            PLAIN_BODY,
        ),
        markup(
            "If you would like help to read it, or an easy-read copy, please ask staff.",
            PLAIN_BODY,
        ),
    ]
    for section in plain_lts_sections(words):
        story.extend(_plain_section(section))
    story.append(Spacer(1, 4 * mm))
    return story


def patient_copy_lts_pdf(
    heading_: Heading,
    patient: Patient,
    episode: LtsEpisode,
    review: LtsReview,
    *,
    easy_read: bool,
    now: datetime,
    policy: SegregationPolicy = DEFAULT_POLICY.segregation,
) -> bytes:
    """The patient's copy of ``review`` as a PDF (plain English, or easy read when
    ``easy_read``); ``now`` is when it is made, ``policy`` gives the review intervals it
    describes."""
    words = lts_review_words(patient, episode, review, now, policy)
    if easy_read:
        story = easy_read_story(
            patient.display_name, easy_read_lts_sections(words), title=EASY_STORY_TITLE
        )
    else:
        story = plain_story(patient, words)
    return render(heading_, story)
