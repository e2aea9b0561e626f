"""``rpr report patient-copy`` on the demo ward: a nurse prints both versions for a submitted
incident and the audit log notes it; drafts, voided, unknown and malformed ids are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.documents.patient_copy import COMMAND
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer
from app.reports.patient_copy import EASY_TITLE_TEXT, PLAIN_TITLE_TEXT
from app.store.schema import AuditRow
from app.store.store import Store
from tests.reports.commands import nurse_runner, only, open_as_nurse
from tests.reports.pdf_tools import check_pdf, info

only_this_report = only(COMMAND)


run = nurse_runner(COMMAND)


def incident_with(store: Store, status: IncidentStatus) -> tuple[UseOfForceIncident, Patient]:
    with store.read() as reader:
        incident = next(i for i in reader.find(UseOfForceIncident) if i.status is status)
        patient = reader.get(Patient, incident.patient_id)
    assert patient is not None
    return incident, patient


def last_audit_events(store: Store, count: int) -> list[AuditRow]:
    """The last ``count`` events, oldest first."""
    with store.read() as reader:
        # The audit log has no reader of its own yet; the store's tests read it this way too.
        query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(count)
        return list(reversed(reader._session.execute(query).scalars().all()))


@pytest.mark.parametrize(
    "version",
    [((), PLAIN_TITLE_TEXT, "plain English"), (("--easy-read",), EASY_TITLE_TEXT, "easy read")],
)
def test_a_nurse_prints_the_copy_and_the_audit_log_notes_it(
    as_nurse: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    version: tuple[tuple[str, ...], str, str],
) -> None:
    extra, title, kind = version
    with open_as_nurse(as_nurse) as store:
        incident, patient = incident_with(store, IncidentStatus.SIGNED_OFF)
    out = tmp_path / "copy.pdf"

    code, said = run(as_nurse, out, "--incident", str(incident.id), *extra, capsys=capsys)

    assert code == 0, said
    assert f"Saved patient copy ({kind})" in said
    text = " ".join(check_pdf(out).split())
    assert patient.display_name in text
    assert "Your rights" in text
    assert "Who you can talk to" in text
    assert info(out)["Title"] == title
    with open_as_nurse(as_nurse) as store:
        event, noted = last_audit_events(store, 2)
        with store.read() as reader:
            offers = reader.find(PatientCopyOffer, parent_id=incident.id)
    # Printed, then the record's note that a copy was made to offer (after, never instead).
    assert (noted.action, noted.subject_kind) == ("record.created", PatientCopyOffer.KIND)
    assert [(o.made_by, o.version.label) for o in offers] == [("demo.nurse", kind)]
    assert (event.action, event.actor) == ("printed", "demo.nurse")
    assert (event.subject_kind, event.subject_id) == ("use_of_force_incident", incident.id)
    assert event.detail is not None
    assert event.detail.startswith(f"patient copy ({kind})")


def test_a_draft_is_refused(
    as_nurse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_as_nurse(as_nurse) as store:
        draft, _ = incident_with(store, IncidentStatus.DRAFT)
    out = tmp_path / "copy.pdf"
    code, said = run(as_nurse, out, "--incident", str(draft.id), capsys=capsys)
    assert code != 0
    assert "incident: this record is still a draft" in said
    assert not out.exists()


def test_a_voided_record_is_refused(
    as_nurse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_as_nurse(as_nurse) as store:
        incident, _ = incident_with(store, IncidentStatus.SUBMITTED)
        store.void(incident.id, "Entered on the wrong patient")
    out = tmp_path / "copy.pdf"
    code, said = run(as_nurse, out, "--incident", str(incident.id), capsys=capsys)
    assert code != 0
    assert "incident: this record was voided" in said
    assert not out.exists()


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("00000000-0000-4000-8000-0000000000ff", "there is no use-of-force record with this id"),
        ("not-an-id", "give the incident's reference, a record id"),
    ],
)
def test_an_unknown_or_malformed_id_is_refused(
    as_nurse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, words: str
) -> None:
    out = tmp_path / "copy.pdf"
    code, said = run(as_nurse, out, "--incident", given, capsys=capsys)
    assert code != 0
    assert f"incident: {words}" in said
    assert not out.exists()
