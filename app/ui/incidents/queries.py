"""What the incident screens read, as plain frozen values. Every function here runs on the
store worker (``ctx.runner.run``), never on the GUI thread, and returns values no widget
holds a reference into."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from app.models.codes import InterventionType
from app.models.completeness import missing_items
from app.models.form_draft import DraftStatus, FormDraft
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer
from app.models.people import StaffMember
from app.store.records import RecordReader
from app.store.store import Store
from app.ui.incidents.kept_draft import AMENDMENT_FORM, UNFINISHED_FORM

#: How far back the list shows signed-off records (older ones are in the reports and history).
SIGNED_OFF_SHOWN_FOR = timedelta(days=14)
OPEN = (IncidentStatus.DRAFT.value, IncidentStatus.SUBMITTED.value)


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """One line of the ward's list of incident records."""

    incident_id: UUID
    patient_id: UUID
    patient_name: str
    started_at: datetime
    status: IncidentStatus
    returned: bool
    missing: tuple[str, ...]  # statutory letters still missing
    types: tuple[InterventionType, ...]
    #: A revision of it is saved here and not yet acknowledged by the trust server (only on
    #: an enrolled PC: a standalone PC sends nothing).
    unsent: bool = False


@dataclass(frozen=True, slots=True)
class Reference:
    """What the form offers: the staff list (ward and cross-ward) and the ward's patients."""

    staff: tuple[StaffMember, ...]
    patients: tuple[Patient, ...]


@dataclass(frozen=True, slots=True)
class OpenedIncident:
    """A record as it was read: its current version, the revision a change must name as its
    base (None for a record not saved yet), its patient, and whether it is conflicted."""

    incident: UseOfForceIncident
    revision_id: UUID | None
    patient: Patient | None
    conflicted: bool = False
    #: Open drafts kept beside the record (:mod:`app.ui.incidents.kept_draft`), each with the
    #: revision a change to it names as its base; amendments only if this person typed them.
    kept_drafts: tuple[tuple[FormDraft, UUID], ...] = ()
    #: Every patient's copy made of it so far, oldest first.
    copies: tuple[PatientCopyOffer, ...] = ()


def _row(incident: UseOfForceIncident, patient: Patient | None) -> IncidentRow:
    return IncidentRow(
        incident_id=incident.id,
        patient_id=incident.patient_id,
        patient_name=patient.display_name if patient else "Unknown patient",
        started_at=incident.started_at,
        status=incident.status,
        returned=incident.is_returned,
        missing=tuple(m.item for m in missing_items(incident, patient)),
        types=incident.intervention_types,
    )


def _patients(reader: RecordReader, ids: set[UUID]) -> dict[UUID, Patient]:
    found = (reader.get(Patient, pid) for pid in ids)
    return {p.id: p for p in found if p is not None}


def load_rows(store: Store, ward_id: UUID, at: datetime) -> tuple[IncidentRow, ...]:
    """Drafts (returned ones too) and records awaiting sign-off of the ward, then those signed
    off in the last :data:`SIGNED_OFF_SHOWN_FOR`; newest first within each."""
    with store.read() as reader:
        open_records = reader.find(
            UseOfForceIncident, ward_id=ward_id, statuses=OPEN, newest_first=True
        )
        signed = reader.find(
            UseOfForceIncident,
            ward_id=ward_id,
            statuses=[IncidentStatus.SIGNED_OFF.value],
            starts_from=at - SIGNED_OFF_SHOWN_FOR,
            newest_first=True,
        )
        patients = _patients(reader, {i.patient_id for i in (*open_records, *signed)})
    records = (*open_records, *signed)
    unsent: set[UUID] = set()
    if records and store.sync.enrolment() is not None:
        unsent = store.sync.unsent_records(i.id for i in records)
    return tuple(
        replace(_row(i, patients.get(i.patient_id)), unsent=i.id in unsent) for i in records
    )


def load_reference(store: Store, ward_id: UUID) -> Reference:
    """The staff who may be named (the ward's, and those working across wards) and the
    ward's patients, by name."""
    with store.read() as reader:
        staff = [m for m in reader.find(StaffMember) if m.ward_id in (ward_id, None)]
        patients = reader.find(Patient, ward_id=ward_id)
    return Reference(
        staff=tuple(sorted(staff, key=lambda m: m.name.casefold())),
        patients=tuple(sorted(patients, key=lambda p: p.filing_name.casefold())),
    )


def load_incident(store: Store, incident_id: UUID) -> OpenedIncident | None:
    """A record with its base revision and its patient (None if there is no such record)."""
    with store.read() as reader:
        state = reader.state(incident_id)
        if state is None or not isinstance(state.record, UseOfForceIncident):
            return None
        return OpenedIncident(
            incident=state.record,
            revision_id=state.revision_id,
            patient=reader.get(Patient, state.record.patient_id),
            conflicted=state.conflicted,
            kept_drafts=_kept_drafts(reader, incident_id, store.actor),
            copies=tuple(reader.find(PatientCopyOffer, parent_id=incident_id)),
        )


def load_copies(store: Store, incident_id: UUID) -> tuple[PatientCopyOffer, ...]:
    """The patient's copies made of ``incident_id``, oldest first."""
    with store.read() as reader:
        return tuple(reader.find(PatientCopyOffer, parent_id=incident_id))


def _kept_drafts(
    reader: RecordReader, incident_id: UUID, actor: str
) -> tuple[tuple[FormDraft, UUID], ...]:
    """The open drafts kept beside ``incident_id``, oldest first: unfinished details whoever
    typed them (the draft incident is the ward's), an amendment only if ``actor`` typed it.
    A draft that diverged on two PCs is left for its history screen."""
    kept = []
    for draft in reader.find(FormDraft, parent_id=incident_id, statuses=[DraftStatus.OPEN.value]):
        tips = reader.tips(draft.id)
        if len(tips) != 1 or draft.form not in (UNFINISHED_FORM, AMENDMENT_FORM):
            continue
        if draft.form == AMENDMENT_FORM and tips[0].author != actor:
            continue
        kept.append((draft, tips[0].revision_id))
    return tuple(kept)


def load_patient(store: Store, patient_id: UUID) -> Patient | None:
    """One patient's current record."""
    with store.read() as reader:
        return reader.get(Patient, patient_id)
