"""The patient's copy at a long-term segregation review (issue 8 item 5), plain English and easy
read, built from single records and read back with qpdf, pdffonts and pdftotext."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Table

from app.models.base import Answer
from app.models.patient import Patient
from app.models.policy import SegregationPolicy
from app.models.segregation import LtsDecision, LtsEpisode, LtsReview, LtsReviewKind
from app.reports.document import FOOTER_HEIGHT, HEADER_HEIGHT, MARGIN, Heading
from app.reports.patient_copy_easy_read import EASY_STYLES, easy_read_story
from app.reports.patient_copy_lts import (
    EASY_STORY_TITLE,
    EASY_TITLE_TEXT,
    PLAIN_TITLE_TEXT,
    patient_copy_lts_pdf,
)
from app.reports.patient_copy_lts_wording import (
    DECISION_WORDS,
    EASY_DECISION_WORDS,
    EASY_HEADINGS,
    EASY_REVIEW_KIND_WORDS,
    PLAIN_HEADINGS,
    REVIEW_KIND_WORDS,
    easy_read_lts_sections,
    lts_review_words,
    plain_lts_sections,
    sentences,
)
from app.reports.patient_copy_pictograms import pictogram
from app.reports.patient_copy_wording import Pictogram
from tests.models.builders import patient
from tests.models.isolation_builders import (
    COMMISSIONER,
    IMHA,
    NURSE_IN_CHARGE,
    PSYCHOLOGIST,
    RESPONSIBLE_CLINICIAN,
    START,
    lts_care_plan,
    lts_episode,
    lts_review,
)
from tests.reports.pdf_tools import check_pdf, written
from tests.reports.test_patient_copy import _height_at as height_at
from tests.reports.test_patient_copy import _word_heights as word_heights

#: A review on day 9 of segregation: Thursday 9 May 2024, 11:30am British Summer Time.
HELD = START + timedelta(days=8, hours=0, minutes=30)
NOW = START + timedelta(days=10)
STAFF = (RESPONSIBLE_CLINICIAN, NURSE_IN_CHARGE, PSYCHOLOGIST, COMMISSIONER, IMHA)


def flat(value: str) -> str:
    return " ".join(value.split())


def heading_for(title: str) -> Heading:
    return Heading(
        title=title,
        trust_name="RPR demo (fictitious trust)",
        ward_name="Ashdown Ward",
        printed_by="demo.nurse",
        printed_at=datetime(2026, 12, 6, 15, 0, tzinfo=UTC),
        subject="Morgan Testperson, review of Thursday 9 May 2024",
    )


def episode_and_review(**review: object) -> tuple[LtsEpisode, LtsReview]:
    episode = lts_episode(
        care_plan=lts_care_plan(
            why_needed="Hit out at <peers> & staff most days",
            steps_to_end="Seven days without hitting out; then time in the lounge with <2> staff",
        )
    )
    return episode, lts_review(episode, LtsReviewKind.MDT, HELD, **review)


def pdf_text(tmp_path: Path, who: Patient, *, easy: bool, **review: object) -> str:
    episode, found = episode_and_review(**review)
    title = EASY_TITLE_TEXT if easy else PLAIN_TITLE_TEXT
    content = patient_copy_lts_pdf(heading_for(title), who, episode, found, easy_read=easy, now=NOW)
    return flat(check_pdf(written(tmp_path, content, f"lts-{easy}.pdf")))


def test_the_plain_copy_has_every_heading_the_decision_and_the_views(tmp_path: Path) -> None:
    views = "I want <more> time outside & to see mum"
    text = pdf_text(
        tmp_path,
        patient(),
        easy=False,
        patient_views=views,
        rationale="Risk to <others> & staff unchanged",
    )
    for heading in PLAIN_HEADINGS:
        assert heading in text
    assert "Morgan Testperson" in text
    assert "999 000 0018" in text
    assert "Since Wednesday 1 May 2024, you have been kept apart" in text
    assert "you had been in segregation for 8 days" in text
    assert "This review was held on Thursday 9 May 2024 at 11:30am" in text
    assert flat(REVIEW_KIND_WORDS[LtsReviewKind.MDT]) in text
    assert DECISION_WORDS[LtsDecision.CONTINUE] in text
    # Record text prints as typed, markup characters and all.
    assert "Risk to <others> & staff unchanged" in text
    assert f"The review record says you said: {views}" in text
    assert "Hit out at <peers> & staff most days" in text
    assert "then time in the lounge with <2> staff" in text
    assert "Trial 15 minutes in the main lounge (by Sunday 12 May 2024)" in text
    assert "Your IMHA (advocate) came to the review." in text
    for words in ("Code of Practice", "second opinion", "IC(E)TR", "not legal advice", "PALS"):
        assert words in text
    assert "every day" in text
    assert "at least every week" in text
    assert "at least every 3 months" in text
    assert "The record says your IMHA was told on Wednesday 1 May 2024." in text
    # The copy names no member of staff (attendees, action owners), and prints no phone number.
    for person in STAFF:
        assert person.name not in text
    assert "Nurse in charge" not in text
    assert not re.search(r"\d{4} ?\d{3} ?\d{3,4}", text.replace("999 000 0018", ""))


def test_the_easy_read_copy_has_every_heading_the_decision_and_the_views(tmp_path: Path) -> None:
    text = pdf_text(
        tmp_path, patient(), easy=True, patient_views="Wants <more> time outside & the gym"
    )
    for heading in EASY_HEADINGS:
        assert heading in text
    assert EASY_STORY_TITLE in text
    assert "This is for Morgan Testperson." in text
    assert "It started on Wednesday 1 May 2024." in text
    assert f"It was {EASY_REVIEW_KIND_WORDS[LtsReviewKind.MDT]}." in text
    for line in EASY_DECISION_WORDS[LtsDecision.CONTINUE]:
        assert line in text
    assert "Staff wrote that you said: Wants <more> time outside & the gym." in text
    # The plan to end it, one idea per line, as typed.
    assert "Seven days without hitting out. Then time in the lounge with <2> staff." in text
    assert "IC(E)TR" in text
    assert "This paper is not legal advice." in text
    for person in STAFF:
        assert person.name not in text


@pytest.mark.parametrize("decision", list(LtsDecision))
def test_each_decision_is_said_in_both_versions(decision: LtsDecision) -> None:
    episode, review = episode_and_review(decision=decision)
    words = lts_review_words(patient(), episode, review, NOW)
    plain = [line for s in plain_lts_sections(words) for line in s.lines]
    easy = [line for s in easy_read_lts_sections(words) for line in s.lines]
    assert DECISION_WORDS[decision] in plain
    assert all(line in easy for line in EASY_DECISION_WORDS[decision])


def test_views_not_recorded_are_said_plainly() -> None:
    episode, review = episode_and_review(patient_present=False, patient_views=None)
    words = lts_review_words(patient(), episode, review, NOW)
    plain = [line for s in plain_lts_sections(words) for line in s.lines]
    easy = [line for s in easy_read_lts_sections(words) for line in s.lines]
    assert "You were not at the review." in plain
    assert any("the record does not say what you think" in line for line in plain)
    assert "The record does not say what you said." in easy


def test_the_icetr_is_said_to_apply_when_the_record_says_autism_or_learning_disability() -> None:
    episode, review = episode_and_review()
    autistic = patient(autism=Answer.YES, learning_disability=Answer.NO)
    neither = patient(autism=Answer.NOT_KNOWN, learning_disability=Answer.NO)
    applies = lts_review_words(autistic, episode, review, NOW)
    not_known = lts_review_words(neither, episode, review, NOW)
    assert applies.icetr_applies
    assert not not_known.icetr_applies
    rights = {w: next(s for s in plain_lts_sections(w) if s.heading == "Your rights").lines
              for w in (applies, not_known)}  # fmt: skip
    assert any("Your record says you are autistic" in line for line in rights[applies])
    assert any("Tell staff if this applies to you" in line for line in rights[not_known])


def test_the_review_intervals_come_from_the_ward_policy() -> None:
    episode, review = episode_and_review()
    policy = SegregationPolicy(
        approved_clinician_review_interval=timedelta(hours=12),
        mdt_review_interval_days=14,
        external_review_interval_months=2,
    )
    words = lts_review_words(patient(), episode, review, NOW, policy)
    easy = [line for s in easy_read_lts_sections(words) for line in s.lines]
    assert "A senior doctor must check on you every 12 hours." in easy
    assert "Your care team must meet about it every 14 days." in easy
    assert "A doctor from another hospital checks every 2 months." in easy


def test_an_ended_episode_says_when_it_ended() -> None:
    episode, review = episode_and_review(decision=LtsDecision.END)
    ended = episode.model_copy(
        update={"ended_at": HELD + timedelta(hours=2), "ended_by": RESPONSIBLE_CLINICIAN}
    )
    words = lts_review_words(patient(), ended, review, NOW)
    easy = [line for s in easy_read_lts_sections(words) for line in s.lines]
    assert "It ended on Thursday 9 May 2024." in easy
    # Not yet ended when the copy is made: nothing said.
    assert lts_review_words(patient(), ended, review, HELD).ended is None


def test_the_easy_read_copy_has_a_distinct_picture_beside_every_heading() -> None:
    episode, review = episode_and_review()
    sections = easy_read_lts_sections(lts_review_words(patient(), episode, review, NOW))
    story = easy_read_story("Morgan Testperson", sections, title=EASY_STORY_TITLE)
    rows = [
        inner for f in story for inner in getattr(f, "_content", []) if isinstance(inner, Table)
    ]
    assert len(rows) == len(EASY_HEADINGS)
    assert all(isinstance(row._cellvalues[0][0], Drawing) for row in rows)
    assert [s.heading for s in sections] == list(EASY_HEADINGS)
    assert len({s.pictogram for s in sections}) == len(sections)
    assert all(isinstance(pictogram(kind), Drawing) for kind in Pictogram)


def test_the_easy_read_lines_are_short_one_idea_each() -> None:
    episode, review = episode_and_review()
    for section in easy_read_lts_sections(lts_review_words(patient(), episode, review, NOW)):
        for line in section.lines:
            assert line.count(". ") <= 1, line
            assert len(line) <= 70, line
    assert all(style.fontSize >= 16 for style in EASY_STYLES)


@pytest.mark.parametrize(
    ("typed", "lines"),
    [
        ("Wants more time outside.", ("Wants more time outside.",)),
        ("seven days calm; then the lounge", ("Seven days calm.", "Then the lounge.")),
        (
            "Said: <no> & left. Angry!\nLater calm",
            ("Said: &lt;no&gt; &amp; left.", "Angry!", "Later calm."),
        ),
        ("  ;  ", ()),
    ],
)
def test_record_text_is_split_into_sentences_and_escaped(
    typed: str, lines: tuple[str, ...]
) -> None:
    assert sentences(typed) == lines


def test_the_easy_read_body_is_printed_at_16_point_or_more(tmp_path: Path) -> None:
    episode, review = episode_and_review()
    content = patient_copy_lts_pdf(
        heading_for(EASY_TITLE_TEXT), patient(), episode, review, easy_read=True, now=NOW
    )
    path = written(tmp_path, content, "easy.pdf")
    check_pdf(path)
    # Only the house-style header and footer, outside the body frame, may be smaller.
    body_top = MARGIN + HEADER_HEIGHT - 2
    body_bottom = A4[1] - (MARGIN + FOOTER_HEIGHT - 8 * 2.834645669) + 2
    body = [w for w in word_heights(path) if w[1] >= body_top and w[2] <= body_bottom]
    assert len(body) > 200
    assert min(height for *_, height in body) >= height_at(16, tmp_path) - 0.01
