"""The oversight report PDF: built from the hand-computed fixture ward (its figures must be
on the page) and from the demo ward through ``rpr report oversight``; every PDF passes qpdf,
embeds every font, and pdftotext finds every section heading."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import app.documents.registry
from app.cli.main import main
from app.documents.oversight import COMMAND, period_of
from app.models.errors import UserFacingError
from app.models.oversight import oversight_figures
from app.reports.document import Heading
from app.reports.oversight import NOT_FOR_CIRCULATION, SECTIONS, oversight_pdf, subject_line, title
from tests.models.oversight_fixture import AS_OF, PERIOD, fixture_records
from tests.reports.pdf_tools import check_pdf, info, written

Passwords = dict[str, str]


def _pdf(tmp_path: Path, *, suppress: bool) -> str:
    figures = oversight_figures(fixture_records(), PERIOD, as_of=AS_OF, suppress=suppress)
    heading = Heading(
        title(figures), "Test trust", "Ashdown Ward", "demo.manager", AS_OF, subject_line(figures)
    )
    path = written(tmp_path, oversight_pdf(figures, heading))
    return " ".join(check_pdf(path).split())


def test_fixture_pdf_unsuppressed_shows_the_hand_computed_figures(tmp_path: Path) -> None:
    text = _pdf(tmp_path, suppress=False)
    for section in SECTIONS:
        assert section in text, section
    assert NOT_FOR_CIRCULATION in text
    # see tests/models/test_oversight.py for the arithmetic
    for figure in (
        "236.1",  # 17 incidents per 72 bed days × 1000
        "347.2",  # 25 interventions
        "1.92 (0.55 to 6.69)",  # male against female
        "0.52 (0.15 to 1.81)",  # female against male
        "3.38 (1.10 to 10.38)",  # 65 and over
        "9 min",  # median prone restraint
        "20 min",  # longest
    ):
        assert figure in text, figure


def test_fixture_pdf_suppressed_hides_small_counts_and_says_so(tmp_path: Path) -> None:
    text = _pdf(tmp_path, suppress=True)
    assert NOT_FOR_CIRCULATION not in text
    assert re.search(r"\d+ figures are hidden in this report", text)
    assert "1.92 (0.55 to 6.69)" not in text  # the sex ratios rest on a count of 3
    assert "1.18 (0.45 to 3.05)" in text  # Black against the rest: 8 and 9, both shown


def _run(demo: tuple[Path, Passwords], monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    folder, passwords = demo
    user = args[args.index("--user") + 1]
    monkeypatch.setenv("RPR_PASSWORD", passwords[user])
    monkeypatch.setattr(app.documents.registry, "REPORTS", [COMMAND])
    return main(["report", "oversight", "--data-dir", str(folder), *args])


def test_demo_ward_report(
    demo: tuple[Path, Passwords], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "oversight.pdf"
    today = datetime.now(UTC).date()
    first = date(today.year - 1, today.month, 1)
    args = ("--user", "demo.manager", "--out", str(out), "--from", str(first), "--to", str(today))
    assert _run(demo, monkeypatch, *args, "--all-wards") == 0
    text = " ".join(check_pdf(out).split())
    for section in SECTIONS:
        assert section in text, section
    assert "figures are hidden in this report" in text
    assert info(out)["Title"] == "Restrictive practice oversight report"

    assert _run(demo, monkeypatch, *args, "--unsuppressed") == 0
    text = " ".join(check_pdf(out).split())
    assert NOT_FOR_CIRCULATION in text
    assert "Incidents by ward" not in text  # one ward: no ward table
    assert NOT_FOR_CIRCULATION in info(out)["Title"]


def test_a_nurse_may_not_print_the_figures(
    demo: tuple[Path, Passwords], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "oversight.pdf"
    assert _run(demo, monkeypatch, "--user", "demo.nurse", "--out", str(out)) == 2
    assert not out.exists()


class _Args:
    def __init__(self, date_from: str | None, date_to: str | None) -> None:
        self.date_from, self.date_to = date_from, date_to


@pytest.mark.parametrize(
    ("date_from", "date_to", "option"),
    [
        ("2026-01-01", None, "from"),
        ("yesterday", "2026-01-31", "from"),
        ("2026-01-01", "2026-13-01", "to"),
        ("2026-02-01", "2026-01-31", "to"),
        ("2026-01-01", "2026-04-01", "to"),  # after today
    ],
)
def test_bad_periods_are_refused_naming_the_option(
    date_from: str | None, date_to: str | None, option: str
) -> None:
    with pytest.raises(UserFacingError, match=f"^{option}:"):
        period_of(_Args(date_from, date_to), date(2026, 3, 15))  # type: ignore[arg-type]


def test_the_default_period_is_the_last_twelve_full_months() -> None:
    found = period_of(_Args(None, None), date(2026, 3, 15))  # type: ignore[arg-type]
    assert (found.first, found.last) == (date(2025, 3, 1), date(2026, 2, 28))
