"""The use-of-force record PDF (issue 8 item 2): built from the demo ward through
``rpr report incident``, and from single records for what the demo ward does not hold (staff
accounts, text that looks like markup, a draft with items missing). Read back with qpdf,
pdffonts and pdftotext, as a reader would get it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from app.cli.demo.wording import AMENDMENT_OUTCOME, AMENDMENT_REASON
from app.documents.incident import COMMAND
from app.models.codes import InterventionType
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.revision import Revision, RevisionAction
from app.models.staff_statement import StaffStatement
from app.reports.document import Heading
from app.reports.incident_record import SECTIONS, TITLE, IncidentRecordInputs, incident_record_pdf
from app.store.schema import AuditRow
from app.store.store import Store
from tests.demo_store import Passwords
from tests.models import builders
from tests.models.builders import NURSE, T0
from tests.reports.commands import only, runner
from tests.reports.pdf_tools import check_pdf, info, written

only_this_report = only(COMMAND)


def flat(text: str) -> str:
    """The PDF's text with every run of white space made one space (table cells wrap)."""
    return " ".join(text.split())


run = runner(COMMAND)


def amended_incident(store: Store) -> tuple[UseOfForceIncident, Patient]:
    """The demo ward's incident amended after sign-off, and its patient."""
    with store.read() as reader:
        for incident in reader.find(UseOfForceIncident):
            actions = {r.action for r in reader.history(incident.id)}
            if RevisionAction.AMEND in actions:
                patient = reader.get(Patient, incident.patient_id)
                assert patient is not None
                return incident, patient
    raise AssertionError("the demo ward has an amended incident")


def last_audit_event(store: Store) -> AuditRow:
    with store.read() as reader:
        # The audit log has no reader of its own yet; the store's tests read it this way too.
        query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)
        return reader._session.execute(query).scalar_one()


def test_a_nurse_prints_the_amended_incident_and_the_audit_log_says_so(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:
        incident, patient = amended_incident(store)
        events_before = store.status().audit_events
    out = tmp_path / "incident.pdf"

    code, said = run(folder, "demo.nurse", out, "--incident", str(incident.id), capsys=capsys)

    assert code == 0, said
    assert "Saved use-of-force record PDF" in said
    text = flat(check_pdf(out))
    for heading in SECTIONS:
        assert heading in text
    for letter in "abcdefghijklmnop":
        assert f"({letter})" in text
    assert AMENDMENT_REASON in text
    assert "Amended after sign-off" in text
    # The amendment's new outcome: in item (m), and as the "after" of the history's change.
    assert text.count(flat(AMENDMENT_OUTCOME)) == 2
    assert "Outcome:" in text
    assert patient.display_name in text
    assert patient.nhs_number_display is not None
    assert patient.nhs_number_display in text
    assert "Complete: all 16 items (a)–(p) answered" in text
    assert incident.signed_off_by is not None
    assert incident.signed_off_by.name in text
    for use in incident.force_uses:
        assert f"{use.intervention_type.value} {use.intervention_type.label}" in text
    for person in incident.staff_involved:
        assert f"{person.name}, {person.job_title}" in text
    assert incident.outcome is not None
    assert flat(incident.outcome) in text
    assert info(out)["Title"] == TITLE
    assert info(out)["Author"] == "demo.nurse"
    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:
        assert store.status().audit_events > events_before
        event = last_audit_event(store)
    assert (event.action, event.actor) == ("printed", "demo.nurse")
    assert (event.subject_kind, event.subject_id) == ("use_of_force_incident", incident.id)


def test_an_unknown_incident_is_refused_and_nothing_is_written(
    demo_template: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo_template
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    out = tmp_path / "incident.pdf"

    unknown, said_unknown = run(
        folder, "demo.nurse", out, "--incident", str(uuid4()), capsys=capsys
    )
    garbled, said_garbled = run(folder, "demo.nurse", out, "--incident", "INC-42", capsys=capsys)

    assert (unknown, garbled) == (2, 2)
    assert "incident: there is no use-of-force incident" in said_unknown
    assert "incident: give the incident's reference" in said_garbled
    assert not out.exists()


def heading() -> Heading:
    return Heading(
        title=TITLE,
        trust_name="Test Trust",
        ward_name="Test Ward",
        printed_by="test.nurse",
        printed_at=T0 + timedelta(days=2),
    )


def statement(incident: UseOfForceIncident, account: str, **overrides: object) -> StaffStatement:
    data: dict[str, object] = {
        "incident_id": incident.id,
        "ward_id": incident.ward_id,
        "patient_id": incident.patient_id,
        "author": NURSE.as_person_ref(),
        "role": "Led the team & held the head",
        "holds": (InterventionType.PHYSICAL_STANDING,),
        "account": account,
        "given_at": T0 + timedelta(hours=3),
    }
    return StaffStatement.model_validate(data | overrides)


def revisions(*versions: tuple[UseOfForceIncident, str | None]) -> list[Revision]:
    """A history: the first version created, each later one an edit or (with a reason) an
    amendment of the one before."""
    made: list[Revision] = []
    device = uuid4()
    for record, reason in versions:
        action = RevisionAction.CREATE if not made else RevisionAction.EDIT
        if reason is not None:
            action = RevisionAction.AMEND
        parents: tuple[UUID, ...] = (made[-1].revision_id,) if made else ()
        made.append(
            Revision.of(
                record,
                action=action,
                parents=parents,
                author="test.nurse",
                device_id=device,
                reason=reason,
            )
        )
    return made


def test_record_text_holding_markup_characters_prints_as_typed(tmp_path: Path) -> None:
    signed = builders.signed_off_incident(outcome="Settled <b>quickly</b> & slept.")
    amended = signed.model_copy(update={"outcome": "Settled <i>after</i> an hour & slept."})
    first = statement(signed, "I held the <left> arm & spoke to him.")
    addition = statement(
        signed, "Later: he said <sorry> & shook hands.", adds_to=first.id, role=None, holds=()
    )
    inputs = IncidentRecordInputs(
        incident=amended,
        patient=builders.patient(given_name="Ann & <Jo>"),
        statements=[first, addition],
        history=revisions((signed, None), (amended, "Typed <wrong> & corrected")),
        names={"test.nurse": "Alex Nurse, Staff nurse (test.nurse)"},
    )

    text = flat(check_pdf(written(tmp_path, incident_record_pdf(heading(), inputs))))

    assert "Settled <i>after</i> an hour & slept." in text
    assert "Settled <b>quickly</b> & slept. → Settled <i>after</i> an hour & slept." in text
    assert "Reason: Typed <wrong> & corrected" in text
    assert "I held the <left> arm & spoke to him." in text
    assert "Later: he said <sorry> & shook hands." in text
    assert "Led the team & held the head" in text
    assert "Ann & <Jo>" in text
    assert "Alex Nurse, Staff nurse (test.nurse)" in text
    assert f"{NURSE.name}, {NURSE.job_title}" in text
    assert "Given" in text


def test_a_draft_with_items_missing_says_which_and_what_is_left(tmp_path: Path) -> None:
    draft = builders.empty_draft(location="Garden")
    inputs = IncidentRecordInputs(incident=draft, patient=builders.patient())

    text = flat(check_pdf(written(tmp_path, incident_record_pdf(heading(), inputs))))

    assert "INCOMPLETE" in text
    assert "NOT ANSWERED" in text
    assert "Still missing" in text
    assert "Draft (not yet submitted)" in text
    assert "Location: Garden" in text
    assert "No member of staff has given an account of this incident yet." in text
    for section in SECTIONS:
        assert section in text


def test_a_voided_record_says_so_on_its_first_page(tmp_path: Path) -> None:
    inputs = IncidentRecordInputs(
        incident=builders.signed_off_incident(), patient=None, voided=True, versions=2
    )

    text = flat(check_pdf(written(tmp_path, incident_record_pdf(heading(), inputs))))

    assert "VOIDED: this record was made in error" in text
    assert "CONFLICTED: 2 versions of this record" in text
    assert "Patient record not found" in text
