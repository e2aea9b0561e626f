"""``rpr report incident --user U --out F.pdf --incident ID``: the use-of-force record of one
incident on this ward (issue 8 item 2), with every statutory item (a)–(p), the types of force,
the staff and their accounts, the revision history and sign-off.

Every clinician may print a record of their ward (the right to record). The record is read
in one transaction with everything printed beside it: its patient, the staff accounts about
it, every revision and its storage state (voided, conflicted). The layout is
:mod:`app.reports.incident_record`.
"""

from __future__ import annotations

import argparse
from uuid import UUID

from app.documents.base import Made, ReportCommand, ReportContext, record_id
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.people import Permission, StaffMember, UserAccount
from app.models.staff_statement import StaffStatement
from app.reports.incident_record import (
    TITLE,
    IncidentRecordInputs,
    heading_subject,
    incident_record_pdf,
)
from app.store.records import RecordReader

DOCUMENT = "use-of-force record PDF"
NOT_FOUND = (
    "incident: there is no use-of-force incident with that reference on this ward; "
    "nothing was written."
)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--incident",
        required=True,
        help="the incident's reference (its record id, as the incident screen shows it)",
    )


def author_names(reader: RecordReader) -> dict[str, str]:
    """Sign-in name → "name, job title (username)" for every account linked to a member of
    staff, so the revision history names people, not usernames."""
    accounts = [a for a in reader.find(UserAccount) if a.staff_id is not None]
    staff = reader.get_many(StaffMember, [a.staff_id for a in accounts if a.staff_id])
    names: dict[str, str] = {}
    for account in accounts:
        member = staff.get(account.staff_id) if account.staff_id else None
        if member is not None:
            names[account.username] = f"{member.name}, {member.job_title} ({account.username})"
    return names


def load_incident_record(ctx: ReportContext, incident_id: UUID) -> IncidentRecordInputs:
    """Everything the record of ``incident_id`` is printed from, in one read transaction;
    refuses an id that is not a use-of-force incident of this ward."""
    with ctx.store.read() as reader:
        incident = reader.get(UseOfForceIncident, incident_id)
        if incident is None or incident.ward_id != ctx.ward.id:
            raise UserFacingError(NOT_FOUND)
        state = reader.state(incident_id)
        return IncidentRecordInputs(
            incident=incident,
            patient=reader.get(Patient, incident.patient_id),
            statements=reader.find(StaffStatement, parent_id=incident_id),
            history=reader.history(incident_id),
            names=author_names(reader),
            voided=state.voided if state is not None else False,
            versions=state.tip_count if state is not None else 1,
            policy=ctx.policy,
        )


def make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    """The use-of-force record PDF of ``--incident`` (see the module docstring)."""
    inputs = load_incident_record(ctx, record_id(args.incident, "incident", "incident"))
    heading = ctx.heading(TITLE, heading_subject(inputs.incident, inputs.patient))
    return Made(
        content=incident_record_pdf(heading, inputs),
        document=DOCUMENT,
        subject_kind=UseOfForceIncident.KIND,
        subject_id=inputs.incident.id,
    )


COMMAND = ReportCommand(
    name="incident",
    help="the use-of-force record of one incident (statutory items, staff, history), as PDF",
    permission=Permission.RECORD,
    add_arguments=_add_arguments,
    make=make,
    example="incident.pdf",
)
