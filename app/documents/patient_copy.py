"""``rpr report patient-copy --user U --out F --incident ID [--easy-read]``: the patient's copy
of a use-of-force record, in plain English or easy read (issue 8 item 5).

Any account that may record may print it (the nurse who offers it after the incident). A
draft is refused (the copy must say what the submitted record says), as is a voided record.
Besides the audit log's "printed" event, a :class:`~app.models.patient_copy.PatientCopyOffer`
is saved once the file is written: the record's note that a copy was made to be offered.
"""

from __future__ import annotations

import argparse
from uuid import UUID

from app.documents.base import Made, ReportCommand, ReportContext, record_id
from app.documents.copy_offer import add_easy_read, offered_copy
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer, PatientCopySubject
from app.models.people import Permission
from app.reports.patient_copy import EASY_TITLE_TEXT, PLAIN_TITLE_TEXT, patient_copy_pdf
from app.reports.patient_copy_facts import long_date

#: The document kind written to the audit log.
DOCUMENT = "patient copy"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--incident", required=True, help="the use-of-force record's id")
    add_easy_read(parser)


def _load(ctx: ReportContext, incident_id: UUID) -> tuple[UseOfForceIncident, Patient]:
    with ctx.store.read() as reader:
        state = reader.state(incident_id)
        incident = reader.get(UseOfForceIncident, incident_id)
        if state is None or incident is None:
            raise UserFacingError(
                "incident: there is no use-of-force record with this id on this PC; nothing "
                "was written."
            )
        patient = reader.get(Patient, incident.patient_id)
    if state.voided:
        raise UserFacingError("incident: this record was voided; nothing was written.")
    if incident.status is IncidentStatus.DRAFT:
        raise UserFacingError(
            "incident: this record is still a draft; submit it first, so the copy says what "
            "the record says. Nothing was written."
        )
    if patient is None:
        raise UserFacingError("incident: its patient is not on this PC; nothing was written.")
    return incident, patient


def make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    """The patient's copy of one incident (see the module docstring)."""
    incident, patient = _load(ctx, record_id(args.incident, "incident", "incident"))
    return offered_copy(
        ctx,
        args,
        document=DOCUMENT,
        titles=(PLAIN_TITLE_TEXT, EASY_TITLE_TEXT),
        subtitle=long_date(incident.started_at),
        subject=PatientCopySubject.INCIDENT,
        about=(UseOfForceIncident.KIND, incident.id, incident.ward_id),
        patient=patient,
        render=lambda heading, easy: patient_copy_pdf(heading, patient, incident, easy_read=easy),
    )


COMMAND = ReportCommand(
    name="patient-copy",
    help="the patient's copy of a use-of-force record, in plain English or easy read",
    permission=Permission.RECORD,
    add_arguments=_add_arguments,
    make=make,
    example="patient-copy.pdf",
    records=PatientCopyOffer.KIND,
)
