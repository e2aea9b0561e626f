"""The oversight report's sections on restrictions beyond force (issue 10 item 4): from the
fixture ward with its restrictions (tests/models/oversight_restriction_fixture.py; the
figures are worked out in tests/models/test_oversight_restrictions.py) and from the demo ward
through ``rpr report oversight``. Read back with qpdf, pdffonts and pdftotext."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import app.documents.registry
from app.cli.main import main
from app.documents.oversight import COMMAND
from app.models.oversight import oversight_figures
from app.reports.document import Heading
from app.reports.oversight import oversight_pdf, subject_line, title
from app.reports.oversight_restrictions import BY_GROUP_TITLE, TITLE
from tests.demo_store import Passwords
from tests.models.oversight_fixture import AS_OF, PERIOD
from tests.models.oversight_restriction_fixture import fixture_with_restrictions
from tests.reports.pdf_tools import check_pdf, written


def _section(text: str) -> str:
    """The two sections on restrictions beyond force, white space made single spaces."""
    flat = " ".join(text.split())
    return flat[flat.index(TITLE) : flat.index("How the figures are made")]


def _fixture_pdf(tmp_path: Path, *, suppress: bool) -> str:
    figures = oversight_figures(fixture_with_restrictions(), PERIOD, as_of=AS_OF, suppress=suppress)
    heading = Heading(
        title(figures), "Test trust", "Ashdown Ward", "demo.manager", AS_OF, subject_line(figures)
    )
    return _section(check_pdf(written(tmp_path, oversight_pdf(figures, heading))))


def test_fixture_unsuppressed_shows_the_hand_computed_figures(tmp_path: Path) -> None:
    text = _fixture_pdf(tmp_path, suppress=False)

    assert BY_GROUP_TITLE in text
    assert "Blanket restrictions in force in the period (3)" in text
    assert (
        "Garden 08:00–20:00 Set times (phone, garden, internet…) 01/02/2024 In force OVERDUE 0"
        in text
    )
    assert "Set visiting times Visiting 03/01/2024 10/05/2024 Ended 0" in text
    assert "Kitchen locked at night" in text
    # within eyesight: 6 started, 1 person, none at the end, 6 ended, median 3 h 30 min,
    # longest 6 h, 21 hours in the period
    assert "Within eyesight (continuous) 6 1 0 6 3 h 30 min 6 h 00 min 21 h 00 min" in text
    assert "13 days 23 h 00 min" in text  # all the time on enhanced observation in May
    assert "Phone 1 1 0 1 7 days 0 h 00 min 7 days 0 h 00 min" in text
    assert "Threat 2 1" in text
    assert "Diet 1 1" in text
    # Black: 31 bed days, 1 person, 10 events, 322.6 per 1,000, ratio 4.41 (1.21 to 16.02),
    # then individual 1, enhanced observation 6, psychological 2, cultural 1
    assert "Black 31 1 10 322.6 4.41 (1.21 to 16.02) 1 6 2 1" in text
    assert "White 41 1 3 73.2 0.23 (0.06 to 0.82) 1 1 1 0" in text
    assert "Total 72 2 13 180.6 2 7 3 1" in text
    assert "65 and over 6 0 0 0.0 not calculable 0 0 0 0" in text


def test_fixture_suppressed_hides_small_counts_and_what_gives_them_back(tmp_path: Path) -> None:
    text = _fixture_pdf(tmp_path, suppress=True)

    assert "4.41 (1.21 to 16.02)" not in text
    assert "Black 31 * * * * * * * *" in text
    assert "White 41 * * * * * * * 0" in text
    assert "Total 72 * 13 180.6 * 7 * *" in text
    assert "Within eyesight (continuous) * * 0 * 3 h 30 min 6 h 00 min 21 h 00 min" in text
    kitchen = "Kitchen locked at night Locked rooms or areas (e.g. kitchen, bedrooms) 02/01/2024"
    assert f"{kitchen} In force Up to date *" in text  # one patient exempted: hidden


def test_demo_ward_report_shows_every_kind(
    demo: tuple[Path, Passwords], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    monkeypatch.setattr(app.documents.registry, "REPORTS", [COMMAND])
    out = tmp_path / "oversight.pdf"
    today = datetime.now(UTC).date()
    first = date(today.year - 1, today.month, 1)
    args = ["report", "oversight", "--data-dir", str(folder), "--user", "demo.manager"]
    args += ["--out", str(out), "--from", str(first), "--to", str(today)]

    assert main([*args, "--unsuppressed"]) == 0
    shown = _section(check_pdf(out))
    assert main(args) == 0
    hidden = _section(check_pdf(out))

    for text in (shown, hidden):
        assert "Blanket restrictions in force in the period (4)" in text
        for blanket in (
            "Kitchen locked 23:00–07:00",
            "Garden open 08:00–20:00 only",
            "No lighters, glass, aerosols or plastic bags on the ward",
            "Visits only 14:00–16:00 and 18:00–20:00",
        ):
            assert blanket in text, blanket
        assert "OVERDUE" in text  # the garden's review
    for label in ("Phone", "Leave", "Visits", "Internet", "Property or belongings"):
        assert label in shown, label
    for label in ("Within eyesight (continuous)", "Within arm's length (continuous)", "Threat"):
        assert label in shown, label
    assert "Religious practice 1 1 Total 1 1" in shown
    assert "Religious practice * * Total * *" in hidden
