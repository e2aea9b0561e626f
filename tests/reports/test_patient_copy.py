"""The patient's copy after an incident (issue 8 item 5), plain English and easy read, built
from single records and read back with qpdf, pdffonts and pdftotext, as a reader gets it."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table

from app.models.codes import InterventionReason, InterventionType
from app.models.incident_parts import PostIncidentReview
from app.reports.document import FOOTER_HEIGHT, HEADER_HEIGHT, MARGIN, Heading
from app.reports.fonts import REGULAR, register_fonts
from app.reports.patient_copy import EASY_TITLE_TEXT, PLAIN_TITLE_TEXT, patient_copy_pdf
from app.reports.patient_copy_easy_read import EASY_BODY_SIZE, EASY_STYLES, easy_read_story
from app.reports.patient_copy_facts import (
    EASY_TYPE_WORDS,
    REASON_WORDS,
    TYPE_WORDS,
    duration_words,
    incident_words,
)
from app.reports.patient_copy_wording import easy_read_sections, plain_sections
from tests.models.builders import (
    MANAGER,
    NURSE,
    SUPPORT_WORKER,
    T0,
    force_use,
    minutes,
    patient,
    signed_off_incident,
)
from tests.reports.pdf_tools import check_pdf, written

PLAIN_HEADINGS = (
    "What happened",
    "Why staff used force",
    "Talking about what happened",
    "Your rights",
    "Who you can talk to",
)
EASY_HEADINGS = ("What happened", "Why", "Talking about it", "Your rights", "Who you can talk to")


def flat(text: str) -> str:
    return " ".join(text.split())


def heading_for(title: str) -> Heading:
    return Heading(
        title=title,
        trust_name="RPR demo (fictitious trust)",
        ward_name="Ashdown Ward",
        printed_by="demo.nurse",
        printed_at=datetime(2026, 12, 6, 15, 0, tzinfo=UTC),
        subject="Morgan Testperson, Wednesday 1 May 2024",
    )


def test_the_plain_copy_says_what_happened_why_rights_and_who_to_talk_to(tmp_path: Path) -> None:
    incident = signed_off_incident(location="Day room <east> & garden")
    content = patient_copy_pdf(heading_for(PLAIN_TITLE_TEXT), patient(), incident, easy_read=False)
    text = flat(check_pdf(written(tmp_path, content)))
    for heading in PLAIN_HEADINGS:
        assert heading in text
    assert "Morgan Testperson" in text
    assert "999 000 0018" in text
    # 14:00 UTC on 1 May 2024 is 3:00pm British Summer Time.
    assert "This happened on Wednesday 1 May 2024. It started at 3:00pm and ended at 3:25pm" in (
        text
    )
    assert "Day room <east> & garden" in text  # record text printed as typed
    for kind in incident.intervention_types:
        assert flat(TYPE_WORDS[kind]) in text
    assert REASON_WORDS[InterventionReason.PREVENT_VIOLENCE_TO_OTHERS] in text
    for narrative in (incident.reason_narrative, incident.how_force_was_used, incident.outcome):
        assert narrative is not None
        assert flat(narrative) in text
    for words in ("Seni's Law", "Code of Practice", "not legal advice", "IMHA", "PALS", "CQC"):
        assert words in text
    assert "The record says that staff have talked with you about what happened." in text
    # The copy names no member of staff, and prints no telephone number.
    for person in (NURSE, SUPPORT_WORKER, MANAGER):
        assert person.name not in text
    assert not re.search(r"\d{4} ?\d{3} ?\d{3,4}", text.replace("999 000 0018", ""))


def test_the_easy_read_copy_has_a_picture_beside_every_heading() -> None:
    sections = easy_read_sections(incident_words(signed_off_incident()))
    story = easy_read_story("Morgan Testperson", sections)
    rows = [f for f in story if isinstance(f, Table)] + [
        inner for f in story for inner in getattr(f, "_content", []) if isinstance(inner, Table)
    ]
    pictures = [row._cellvalues[0][0] for row in rows]
    assert len(pictures) == len(EASY_HEADINGS)
    assert all(isinstance(picture, Drawing) for picture in pictures)
    assert [s.heading for s in sections] == list(EASY_HEADINGS)
    assert len({s.pictogram for s in sections}) == len(sections)


def test_the_easy_read_copy_has_short_lines_one_idea_each() -> None:
    for section in easy_read_sections(incident_words(signed_off_incident())):
        for line in section.lines:
            assert line.count(". ") <= 1, line
            assert len(line) <= 70, line
    assert all(len(words) <= 45 for words in EASY_TYPE_WORDS.values())


def test_every_easy_read_style_is_16_point_or_more() -> None:
    assert EASY_BODY_SIZE >= 16
    assert all(style.fontSize >= 16 for style in EASY_STYLES)


def _word_heights(path: Path) -> list[tuple[str, float, float, float]]:
    """(word, yMin, yMax, height) of every word pdftotext finds, page by page."""
    done = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = []
    pattern = r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    for y_min, y_max, word in re.findall(pattern, done.stdout):
        top, bottom = float(y_min), float(y_max)
        found.append((word, top, bottom, bottom - top))
    return found


def _height_at(size: float, tmp_path: Path) -> float:
    """How tall pdftotext reads a word set in our font at ``size`` points."""
    register_fonts()
    out = BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont(REGULAR, size)
    canvas.drawString(100, 400, "Reference")
    canvas.save()
    path = written(tmp_path, out.getvalue(), f"reference-{size}.pdf")
    return _word_heights(path)[0][3]


def test_the_easy_read_body_text_is_printed_at_16_point_or_more(tmp_path: Path) -> None:
    content = patient_copy_pdf(
        heading_for(EASY_TITLE_TEXT), patient(), signed_off_incident(), easy_read=True
    )
    path = written(tmp_path, content, "easy.pdf")
    text = flat(check_pdf(path))
    for heading in EASY_HEADINGS:
        assert heading in text
    assert "This is for Morgan Testperson." in text
    # Only the house-style header and footer, outside the body frame, may be smaller.
    page_height = A4[1]
    body_top = MARGIN + HEADER_HEIGHT - 2
    body_bottom = page_height - (MARGIN + FOOTER_HEIGHT - 8 * 2.834645669) + 2
    body = [w for w in _word_heights(path) if w[1] >= body_top and w[2] <= body_bottom]
    assert len(body) > 200
    smallest = min(height for _, _, _, height in body)
    assert smallest >= _height_at(16, tmp_path) - 0.01
    assert smallest < _height_at(16.5, tmp_path)  # the reference measures what it should


@pytest.mark.parametrize(
    ("held", "plain", "easy"),
    [
        (True, "staff have talked with you", "The record says staff have talked with you."),
        (False, "this talk has not happened yet", "The record says this has not happened yet."),
    ],
)
def test_the_copy_says_whether_a_debrief_was_held(held: bool, plain: str, easy: str) -> None:
    review = PostIncidentReview(
        held_with_patient=held,
        not_held_with_patient_reason=None if held else "Asleep; offered again in the morning.",
        held_with_staff=True,
    )
    words = incident_words(signed_off_incident(post_incident_review=review))
    assert any(plain in line for s in plain_sections(words) for line in s.lines)
    assert any(line == easy for s in easy_read_sections(words) for line in s.lines)


def test_an_injury_is_mentioned_with_what_to_do() -> None:
    hurt = force_use(InterventionType.PHYSICAL_SEATED, 0, 5, patient_injured=True)
    words = incident_words(signed_off_incident(force_uses=(hurt,), ended_at=T0 + minutes(5)))
    easy = [line for s in easy_read_sections(words) for line in s.lines]
    assert "The record says you were hurt." in easy
    assert "Tell staff if you still feel pain." in easy


def test_an_incident_past_midnight_gives_the_end_day() -> None:
    start = datetime(2024, 5, 1, 22, 40, tzinfo=UTC)  # 11:40pm BST
    use = force_use(
        InterventionType.SECLUSION, 0, 0, started_at=start, ended_at=start + minutes(50)
    )
    incident = signed_off_incident(
        started_at=start,
        ended_at=start + minutes(50),
        force_uses=(use,),
        submitted_at=start + minutes(120),
    )
    words = incident_words(incident)
    assert words.started == "11:40pm"
    assert words.ended == "12:30am on Thursday 2 May 2024"
    assert words.duration == "50 minutes"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(30, "less than a minute"), (60, "1 minute"), (3600, "1 hour"), (7500, "2 hours 5 minutes")],
)
def test_durations_in_words(seconds: int, words: str) -> None:
    assert duration_words(timedelta(seconds=seconds)) == words


def test_every_type_and_reason_has_words() -> None:
    assert set(TYPE_WORDS) == set(InterventionType)
    assert set(EASY_TYPE_WORDS) == set(InterventionType)
    assert set(REASON_WORDS) == set(InterventionReason)
