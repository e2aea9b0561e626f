"""The shift handover PDF (issue 8 item 3): built from the demo ward through
``rpr report handover`` — the running seclusion (with its overdue observation) and the LTS
episode, the open incident records — and from a handover made by hand for what the demo ward
does not hold. Read back with qpdf, pdffonts and pdftotext."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import select

from app.documents.handover import COMMAND
from app.models.handover import Handover, HandoverItem, HandoverItemKind
from app.models.patient import Patient
from app.models.people import Ward
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.reports.document import Heading
from app.reports.handover_pdf import TITLE, handover_pdf, sections
from app.store.schema import AuditRow
from app.store.store import Store
from tests.demo_store import Passwords
from tests.models import builders
from tests.reports.commands import only, runner
from tests.reports.pdf_tools import check_pdf, info, page_count, written

only_this_report = only(COMMAND)


def flat(text: str) -> str:
    """The PDF's text with every run of white space made one space (table cells wrap)."""
    return " ".join(text.split())


run = runner(COMMAND)


def running_restrictions(store: Store) -> list[Patient]:
    """The patients in seclusion or long-term segregation on the demo ward now."""
    with store.read() as reader:
        episodes = [
            *reader.find(SeclusionEpisode, statuses=["active"]),
            *reader.find(LtsEpisode, statuses=["active"]),
        ]
        patients = reader.get_many(Patient, [e.patient_id for e in episodes])
    return list(patients.values())


def test_a_nurse_prints_the_handover_of_the_demo_ward_and_the_audit_log_says_so(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:
        restricted = running_restrictions(store)
        with store.read() as reader:
            ward = reader.find(Ward)[0]
        events_before = store.status().audit_events
    assert len(restricted) == 2, "the demo ward has one patient secluded and one in LTS"
    out = tmp_path / "handover.pdf"

    code, said = run(folder, "demo.nurse", out, capsys=capsys)

    assert code == 0, said
    text = flat(check_pdf(out))
    for heading in sections(timedelta(hours=12)):
        assert heading in text
    for patient in restricted:
        assert patient.display_name in text
        assert f"NHS {patient.nhs_number_display}" in text
    assert "1 in seclusion · 1 in long-term segregation" in text
    assert "Seclusion" in text
    assert "Long-term segregation" in text
    assert "OVERDUE by" in text  # the demo's seclusion has an observation overdue
    assert "Approved-clinician review" in text
    assert "Incident record to complete" in text
    assert "Incident record to sign off" in text
    assert "Nurse in charge taking over" in text
    assert info(out)["Title"] == TITLE
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:
        assert store.status().audit_events > events_before
        with store.read() as reader:
            query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)
            event = reader._session.execute(query).scalar_one()
    assert (event.action, event.actor) == ("printed", "demo.nurse")
    assert (event.subject_kind, event.subject_id) == ("ward", ward.id)


def test_hours_ahead_is_a_whole_number_within_range(
    demo_template: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo_template
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    out = tmp_path / "handover.pdf"

    for bad in ("0", "twelve", "1000"):
        code, said = run(folder, "demo.nurse", out, "--hours", bad, capsys=capsys)
        assert code == 2, bad
        assert "hours: give a whole number of hours from 1 to" in said
    assert not out.exists()


NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def heading() -> Heading:
    return Heading(
        title=TITLE,
        trust_name="Test Trust",
        ward_name="Test Ward",
        printed_by="test.nurse",
        printed_at=NOW,
    )


def test_names_holding_markup_characters_print_as_typed(tmp_path: Path) -> None:
    patient = builders.patient(given_name="Jo <Bo>", family_name="Smith & Co")
    item = HandoverItem(
        kind=HandoverItemKind.INCIDENT_DRAFT,
        patient_id=patient.id,
        patient_name=patient.display_name,
        record_id=uuid4(),
        label="Incident record to complete",
        due_at=NOW - timedelta(minutes=30),
        missing=("f", "m"),
    )
    handover = Handover(
        ward_id=builders.WARD_ID,
        at=NOW,
        until=NOW + timedelta(hours=12),
        restrictions=(),
        items=(item,),
    )

    path = written(tmp_path, handover_pdf(heading(), handover, {patient.id: patient}))
    text = flat(check_pdf(path))

    assert "Jo <Bo> Smith & Co" in text
    assert f"NHS {patient.nhs_number_display}" in text
    assert "OVERDUE by 30 min (due 09:30)" in text  # 08:30 UTC is 09:30 BST
    assert "Statutory items still missing: (f), (m)" in text
    assert "0 in seclusion · 0 in long-term segregation · 1 OVERDUE · 1 item to hand over" in text
    assert page_count(path) == 1


def test_a_quiet_ward_hands_over_nothing_and_says_so(tmp_path: Path) -> None:
    handover = Handover(
        ward_id=builders.WARD_ID,
        at=NOW,
        until=NOW + timedelta(hours=8),
        restrictions=(),
        items=(),
    )

    text = flat(check_pdf(written(tmp_path, handover_pdf(heading(), handover, {}))))

    assert "Due in the next 8 hours and open records" in text
    assert "nothing overdue · 0 items to hand over" in text
    assert text.count("None") >= 2  # both tables say so rather than stay blank


def test_trust_it_may_not_print_the_handover(
    demo_template: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo_template
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.admin"])
    out = tmp_path / "handover.pdf"

    code, said = run(folder, "demo.admin", out, capsys=capsys)

    assert code == 2
    assert "may not make this document (it takes the right to record)" in said
    assert not out.exists()
