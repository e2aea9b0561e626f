"""``rpr report patient-copy-lts`` on the demo ward: a nurse prints both versions of the copy at
an LTS review, the audit log notes the print and the record notes the copy; voided, unknown and
malformed reviews are refused, naming ``review``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.documents.patient_copy_lts import COMMAND
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer, PatientCopySubject
from app.models.segregation import LtsDecision, LtsReview, LtsReviewKind
from app.reports.patient_copy_lts import EASY_TITLE_TEXT, PLAIN_TITLE_TEXT
from app.reports.patient_copy_lts_wording import (
    DECISION_WORDS,
    EASY_DECISION_WORDS,
    EASY_HEADINGS,
    PLAIN_HEADINGS,
)
from app.store.schema import AuditRow
from app.store.store import Store
from tests.reports.commands import nurse_runner, only, open_as_nurse
from tests.reports.pdf_tools import check_pdf, info

only_this_report = only(COMMAND)


run = nurse_runner(COMMAND)


def modified_mdt_review(store: Store) -> tuple[LtsReview, Patient]:
    """The demo's MDT review that changed the plan (its views may or may not be recorded)."""
    with store.read() as reader:
        review = next(
            r
            for r in reader.find(LtsReview)
            if r.kind is LtsReviewKind.MDT and r.decision is LtsDecision.MODIFY
        )
        patient = reader.get(Patient, review.patient_id)
    assert patient is not None
    return review, patient


def a_review_with_views(store: Store) -> LtsReview:
    with store.read() as reader:
        return next(r for r in reader.find(LtsReview) if r.patient_views)


def last_audit_events(store: Store, count: int) -> list[AuditRow]:
    """The last ``count`` events, oldest first."""
    with store.read() as reader:
        query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(count)
        return list(reversed(reader._session.execute(query).scalars().all()))


@pytest.mark.parametrize(
    "version",
    [
        ((), PLAIN_TITLE_TEXT, "plain English", PLAIN_HEADINGS),
        (("--easy-read",), EASY_TITLE_TEXT, "easy read", EASY_HEADINGS),
    ],
)
def test_a_nurse_prints_the_copy_and_the_record_notes_it(
    as_nurse: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    version: tuple[tuple[str, ...], str, str, tuple[str, ...]],
) -> None:
    extra, title, kind, headings = version
    with open_as_nurse(as_nurse) as store:
        review, patient = modified_mdt_review(store)
    out = tmp_path / "copy.pdf"

    code, said = run(as_nurse, out, "--review", str(review.id), *extra, capsys=capsys)

    assert code == 0, said
    assert f"Saved patient copy of an LTS review ({kind})" in said
    text = " ".join(check_pdf(out).split())
    assert patient.display_name in text
    for heading in headings:
        assert heading in text
    if extra:
        assert all(line in text for line in EASY_DECISION_WORDS[LtsDecision.MODIFY])
    else:
        assert DECISION_WORDS[LtsDecision.MODIFY] in text
        assert " ".join(review.rationale.split()) in text
    assert info(out)["Title"] == title
    with open_as_nurse(as_nurse) as store:
        event, noted = last_audit_events(store, 2)
        with store.read() as reader:
            offers = reader.find(PatientCopyOffer, parent_id=review.id)
    # Printed, then the record's note that a copy was made to offer (after, never instead).
    assert (event.action, event.actor) == ("printed", "demo.nurse")
    assert (event.subject_kind, event.subject_id) == (LtsReview.KIND, review.id)
    assert event.detail is not None
    assert event.detail.startswith(f"patient copy of an LTS review ({kind})")
    assert (noted.action, noted.subject_kind) == ("record.created", PatientCopyOffer.KIND)
    assert [(o.subject, o.about_id, o.made_by, o.version.label) for o in offers] == [
        (PatientCopySubject.LTS_REVIEW, review.id, "demo.nurse", kind)
    ]
    assert offers[0].patient_id == patient.id


@pytest.mark.parametrize("easy", [(), ("--easy-read",)])
def test_the_patients_recorded_views_are_printed(
    as_nurse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], easy: tuple[str, ...]
) -> None:
    with open_as_nurse(as_nurse) as store:
        review = a_review_with_views(store)
    out = tmp_path / "copy.pdf"
    code, said = run(as_nurse, out, "--review", str(review.id), *easy, capsys=capsys)
    assert code == 0, said
    assert review.patient_views is not None
    assert " ".join(review.patient_views.split()) in " ".join(check_pdf(out).split())


def test_a_voided_review_is_refused(
    as_nurse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_as_nurse(as_nurse) as store:
        review, _ = modified_mdt_review(store)
        store.void(review.id, "Entered against the wrong episode")
    out = tmp_path / "copy.pdf"
    code, said = run(as_nurse, out, "--review", str(review.id), capsys=capsys)
    assert code != 0
    assert "review: this review was voided" in said
    assert not out.exists()


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (
            "00000000-0000-4000-8000-0000000000ff",
            "there is no long-term segregation review with this id",
        ),
        ("not-an-id", "give the LTS review's reference, a record id"),
    ],
)
def test_an_unknown_or_malformed_id_is_refused(
    as_nurse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, words: str
) -> None:
    out = tmp_path / "copy.pdf"
    code, said = run(as_nurse, out, "--review", given, capsys=capsys)
    assert code != 0
    assert f"review: {words}" in said
    assert not out.exists()


def test_another_records_id_is_refused(
    as_nurse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_as_nurse(as_nurse) as store:
        _, patient = modified_mdt_review(store)
    out = tmp_path / "copy.pdf"
    code, said = run(as_nurse, out, "--review", str(patient.id), capsys=capsys)
    assert code != 0
    assert "review: there is no long-term segregation review with this id" in said
    assert not out.exists()
