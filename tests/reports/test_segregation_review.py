"""The long-term segregation review document (issue 8 item 1; domain.md §3 "What a
segregation review document holds"): built from the demo ward through ``rpr report
lts-review``, and from :mod:`tests.reports.lts_fixture` for what the demo ward does not hold
(an overdue clock, text that looks like markup, the benchmark's 180 days). Read back with
qpdf, pdffonts and pdftotext."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.documents.segregation import COMMAND, TITLE
from app.models.patient import Patient
from app.models.segregation import LtsEpisode, LtsReview, LtsReviewKind
from app.reports.document import Heading
from app.reports.segregation_appendix import TITLES as APPENDIX_TITLES
from app.reports.segregation_review import render_lts_review
from app.reports.segregation_sections import TITLES
from app.store.store import Store
from tests.demo_store import Passwords
from tests.reports.commands import only, runner
from tests.reports.lts_fixture import ACTION, MDT_DECISION, long_lts_inputs
from tests.reports.pdf_tools import check_pdf, info, page_count, written

only_this_report = only(COMMAND)


def flat(text: str) -> str:
    """The PDF's text with every run of white space made one space (table cells wrap)."""
    return " ".join(text.split())


run = runner(COMMAND)


def demo_episode(folder: Path, user: str, password: str) -> tuple[LtsEpisode, Patient, LtsReview]:
    """The demo ward's LTS episode, its patient and its latest MDT review."""
    with Store.open(folder, user, password) as store, store.read() as reader:
        episode = reader.find(LtsEpisode)[0]
        patient = reader.get(Patient, episode.patient_id)
        mdt = [
            r for r in reader.find(LtsReview, parent_id=episode.id) if r.kind is LtsReviewKind.MDT
        ]
    assert patient is not None
    return episode, patient, mdt[-1]


def heading() -> Heading:
    return Heading(
        TITLE, "Test trust", "Rowan Ward", "test.manager", datetime(2025, 7, 1, tzinfo=UTC)
    )


def test_the_ward_manager_prints_the_demo_lts_review_with_every_section(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    episode, patient, latest_mdt = demo_episode(folder, "demo.manager", passwords["demo.manager"])
    out = tmp_path / "lts.pdf"

    code, said = run(folder, "demo.manager", out, "--episode", str(episode.id), capsys=capsys)

    assert code == 0, said
    assert "Saved long-term segregation review PDF" in said
    text = flat(check_pdf(out))
    for title in (*TITLES, *APPENDIX_TITLES):
        assert title in text, title
    assert patient.filing_name in text
    assert patient.nhs_number_display is not None
    assert patient.nhs_number_display in text
    # The review reported is the latest MDT: its reasoning, an attendee and their role.
    assert flat(latest_mdt.rationale) in text
    attendee = latest_mdt.attendees[0]
    assert f"{attendee.name} ({attendee.job_title})" in text
    assert episode.commissioner.name in text
    assert info(out)["Title"] == TITLE
    assert info(out)["Author"] == "demo.manager"


def test_a_nurse_may_not_print_a_review_document(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    episode, _, _ = demo_episode(folder, "demo.nurse", passwords["demo.nurse"])
    out = tmp_path / "lts.pdf"

    code, said = run(folder, "demo.nurse", out, "--episode", str(episode.id), capsys=capsys)

    assert code != 0
    assert "print review documents" in said
    assert not out.exists()


@pytest.mark.parametrize(
    "extra",
    [
        ("--from", "2026-03-10", "--to", "2026-03-01"),
        ("--from", "1990-01-01", "--to", "1990-01-28"),
    ],
)
def test_a_period_the_wrong_way_round_or_outside_the_episode_is_refused(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    episode, patient, _ = demo_episode(folder, "demo.manager", passwords["demo.manager"])
    out = tmp_path / "lts.pdf"

    code, said = run(
        folder, "demo.manager", out, "--episode", str(episode.id), *extra, capsys=capsys
    )

    assert code != 0
    assert "from:" in said
    assert patient.filing_name not in said
    assert not out.exists()


@pytest.mark.parametrize(
    "case",
    [
        ("not-an-id", "give the segregation episode's reference, a record id"),
        (
            "00000000-0000-4000-8000-0000000000ff",
            "there is no long-term segregation episode with that reference",
        ),
    ],
)
def test_an_unknown_episode_is_refused_naming_the_option(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, str],
) -> None:
    reference, words = case
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    out = tmp_path / "lts.pdf"

    code, said = run(folder, "demo.manager", out, "--episode", reference, capsys=capsys)

    assert code != 0
    assert f"episode: {words}" in said
    assert not out.exists()


def test_an_overdue_clock_prints_as_overdue_and_record_text_prints_as_typed(
    tmp_path: Path,
) -> None:
    # Approved-clinician reviews stop three days before the end: that clock is overdue.
    inputs = long_lts_inputs(days=30, ac_reviews=27, mdt_reviews=5, external_reviews=1, incidents=4)
    typed = "Calmer <b>today</b> & asked for <i>music</i>"
    last_mdt = max(
        (r for r in inputs.reviews if r.kind is LtsReviewKind.MDT), key=lambda r: r.held_at
    )
    reviews = tuple(
        r.model_copy(update={"rationale": typed}) if r is last_mdt else r for r in inputs.reviews
    )
    inputs = dataclasses.replace(inputs, reviews=reviews)

    text = flat(check_pdf(written(tmp_path, render_lts_review(heading(), inputs))))

    assert "Overdue at the end of the period: Approved-clinician review." in text
    assert "OVERDUE" in text
    assert typed in text
    assert ACTION in text
    assert "Invited and attended" in text
    assert "External review (clinician from another hospital): 1" in text
    assert "Days in long-term segregation 30" in text


def test_the_benchmark_episode_of_180_days_holds_every_review_and_incident(
    tmp_path: Path,
) -> None:
    inputs = long_lts_inputs()

    path = written(tmp_path, render_lts_review(heading(), inputs))
    text = flat(check_pdf(path))

    assert "Approved-clinician review: 180" in text
    assert "MDT review: 26" in text
    assert "External review (clinician from another hospital): 2" in text
    assert "Use-of-force incidents in the period 40" in text
    assert "No review was overdue at the end of the period." in text
    assert MDT_DECISION in text
    assert "Lorazepam 2 mg" in text
    assert page_count(path) > 10
    assert inputs.period.end - inputs.period.start == timedelta(days=180)
