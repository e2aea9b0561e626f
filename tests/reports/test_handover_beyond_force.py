"""Restrictions beyond force on the shift handover PDF (issue 10 item 4): from the demo ward
through ``rpr report handover`` — the enhanced observation falling due this shift, the
individual and blanket restrictions in force (an overdue one, one due soon, the exemptions),
the LTS prompt — and from records built here for the exact wording. Read back with qpdf,
pdffonts and pdftotext."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.documents.handover import COMMAND
from app.models.handover import handover_items
from app.models.handover_restrictions import BeyondForceInputs
from app.models.ward_board import WardBoardInputs
from app.reports.document import Heading
from app.reports.handover_pdf import TITLE, handover_pdf, sections
from tests.demo_store import Passwords
from tests.models import builders
from tests.models.isolation_builders import lts_episode
from tests.models.restriction_builders import (
    blanket_restriction,
    enhanced_observation,
    exemption,
    individual_restriction,
    observation_review,
)
from tests.reports.commands import only, runner
from tests.reports.pdf_tools import check_pdf, written

only_this_report = only(COMMAND)
run = runner(COMMAND)


def flat(text: str) -> str:
    """The PDF's text with every run of white space made one space (table cells wrap)."""
    return " ".join(text.split())


def after(text: str, heading: str, until: str) -> str:
    """The text of one section: from ``heading`` to the next heading ``until``."""
    return text[text.index(heading) : text.index(until, text.index(heading))]


def test_the_demo_wards_restrictions_beyond_force_are_handed_over(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    out = tmp_path / "handover.pdf"

    code, said = run(folder, "demo.nurse", out, capsys=capsys)

    assert code == 0, said
    text = flat(check_pdf(out))
    _, beyond_title, prompts_title, due_title, _ = sections(timedelta(hours=12))
    assert (
        "Beyond force: 1 on enhanced observation · 4 individual restrictions · "
        "3 blanket restrictions in force · 1 LTS prompt." in text
    )
    beyond = after(text, beyond_title, prompts_title)
    assert "Kirsty Dawson" in beyond
    assert "Within eyesight (continuous)" in beyond
    assert "Enhanced observation review: due in" in beyond
    for running in ("Phone:", "Leave:", "Visits:", "Internet:"):
        assert running in beyond, running
    assert "Individual restriction review: OVERDUE by" in beyond  # the internet one
    assert "— due soon" in beyond  # the phone's review date is tomorrow
    for title in (
        "Kitchen locked 23:00–07:00",
        "Garden open 08:00–20:00 only",
        "No lighters, glass, aerosols or plastic bags on the ward",
    ):
        assert title in beyond, title
    assert "Exempted: Minh Tran, Stephen Rowe" in beyond
    assert "Blanket restriction review: OVERDUE by" in beyond  # the garden's
    # ended restrictions are not handed over
    assert "Belt and shoelaces" not in text
    assert "Visits only 14:00–16:00" not in text
    prompts = after(text, prompts_title, due_title)
    assert "Jordan Campbell No progress towards ending segregation" in prompts
    assert "No IC(E)TR" not in prompts  # the demo's IC(E)TR is on record
    due = after(text, due_title, "Signatures")
    for review in (
        "Enhanced observation review",
        "Individual restriction review",
        "Blanket restriction review",
    ):
        assert review in due, review
    assert "Whole ward" in due


NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 10:00 on the ward clock (BST)


def _board() -> WardBoardInputs:
    return WardBoardInputs(
        ward_id=builders.WARD_ID,
        patients={},
        seclusions=[],
        observations=[],
        seclusion_reviews=[],
        recent_seclusions=[],
        segregations=[],
        segregation_reviews=[],
        open_incidents=[],
        incidents_last_24h=0,
        incidents_last_7d=0,
    )


def test_the_wording_of_each_line_from_built_records(tmp_path: Path) -> None:
    patient = builders.patient(given_name="Jo <Bo>", family_name="Smith & Co")  # autistic
    observation = enhanced_observation(started_at=NOW - timedelta(hours=30))
    restriction = individual_restriction(
        started_at=NOW - timedelta(days=3), review_on=date(2026, 5, 30)
    )
    register = blanket_restriction(
        started_at=NOW - timedelta(days=60),
        review_on=date(2026, 6, 5),
        exemptions=[exemption(patient.id)],
    )
    episode = lts_episode(started_at=NOW - timedelta(days=30))
    beyond = BeyondForceInputs(
        ward_id=builders.WARD_ID,
        patients={patient.id: patient},
        blanket=[register],
        individual=[restriction],
        observations=[observation],
        observation_reviews=[observation_review(observation, NOW - timedelta(hours=20))],
        segregations=[episode],
    )
    handover = handover_items(_board(), NOW, beyond_force=beyond)
    heading = Heading(TITLE, "Test Trust", "Test Ward", "test.nurse", NOW)

    path = written(tmp_path, handover_pdf(heading, handover, {patient.id: patient}))
    text = flat(check_pdf(path))

    assert "0 in seclusion · 0 in long-term segregation · 1 OVERDUE · 2 items to hand over" in text
    assert "1 on enhanced observation · 1 individual restriction · 1 blanket restriction" in text
    assert (
        "Jo <Bo> Smith & Co NHS 999 000 0018 Within arm's length (continuous) 30 h 00 min" in text
    )
    assert "Enhanced observation review: due in 4 h 00 min (at 14:00)" in text
    # due by the end of Saturday 30 May (23:00 UTC), 34 hours before 09:00 UTC on 1 June
    assert (
        "Individual restriction review: OVERDUE by 34 h 00 min (by the end of Sat 30 May)" in text
    )
    assert "Exempted: Jo <Bo> Smith & Co" in text
    assert "due in 4 days 14 h 00 min (by the end of Fri 05 Jun) — due soon" in text
    # The episode is 30 days old with no step achieved and no IC(E)TR: both prompts.
    assert "No progress towards ending segregation" in text
    assert "No IC(E)TR on record" in text
    assert "No IC(E)TR is on record for this episode of long-term segregation" in text
    due = after(text, "Due in the next 12 hours and open records", "Signatures")
    assert due.index("OVERDUE by 34 h") < due.index("due in 4 h 00 min")
    assert "Blanket restriction review" not in due  # due in 4 days: not this shift's
