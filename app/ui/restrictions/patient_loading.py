"""What one patient's restrictions page shows, read on the store worker as a frozen snapshot:
their running individual restrictions and enhanced observation with review clocks, recent
psychological and cultural restraint, and the use-of-force incidents a new entry may link to.

Runs on the store worker (``ctx.runner.run``) and returns plain values; no widget is touched.
The clocks are the ward board's (:mod:`app.models.ward_board_restrictions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from app.models.base import ACTIVE, Record
from app.models.enhanced_observation import EnhancedObservation, EnhancedObservationReview
from app.models.incident import UseOfForceIncident
from app.models.individual_restrictions import IndividualRestriction
from app.models.patient import Patient
from app.models.people import StaffMember
from app.models.policy import ClinicalPolicy
from app.models.psychological_cultural_restraint import CulturalRestraint, PsychologicalRestraint
from app.models.ward_board_restrictions import (
    RestrictionOnBoard,
    individual_on_board,
    observation_on_board,
)
from app.store.records import RecordReader
from app.store.store import Store
from app.ui.isolation.loading import KeptDraft, PatientChoice, ward_staff
from app.ui.restrictions.parts import LinkableIncident
from app.ui.restrictions.register_loading import kept_drafts, patients_on_ward

#: Incidents offered for linking, and restraint listed, from this far back.
RECENT = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class RunningRow:
    """A running individual restriction or period of enhanced observation, with the revision
    it was read at (the base of a change) and its review clock."""

    record: IndividualRestriction | EnhancedObservation
    revision_id: UUID
    conflicted: bool
    on_board: RestrictionOnBoard

    @property
    def record_id(self) -> UUID:
        """The record's id."""
        return self.record.id


@dataclass(frozen=True, slots=True)
class PatientRestrictions:
    """One patient's page (``patient_id`` None: nobody chosen yet, only the choices)."""

    at: datetime
    patient_id: UUID | None
    patient_name: str
    patients: tuple[PatientChoice, ...]
    running: tuple[RunningRow, ...]
    restraint: tuple[PsychologicalRestraint | CulturalRestraint, ...]
    incidents: tuple[LinkableIncident, ...]
    staff: tuple[StaffMember, ...]
    drafts: tuple[KeptDraft, ...]

    def observations(self) -> tuple[RunningRow, ...]:
        """Running enhanced observation (normally one)."""
        return tuple(r for r in self.running if isinstance(r.record, EnhancedObservation))

    def individual(self) -> tuple[RunningRow, ...]:
        """Running individual restrictions."""
        return tuple(r for r in self.running if isinstance(r.record, IndividualRestriction))


def _state(reader: RecordReader, record: Record) -> tuple[UUID, bool]:
    state = reader.state(record.id)
    return (state.revision_id, state.conflicted) if state is not None else (record.id, False)


def _incidents(
    reader: RecordReader, patient_id: UUID, at: datetime
) -> tuple[LinkableIncident, ...]:
    found = reader.find(
        UseOfForceIncident, patient_id=patient_id, starts_from=at - RECENT, newest_first=True
    )
    return tuple(
        LinkableIncident(
            incident_id=i.id,
            started_at=i.started_at,
            force=", ".join(u.intervention_type.label for u in i.force_uses) or "use of force",
        )
        for i in found
    )


def _running(
    reader: RecordReader, patient_id: UUID, at: datetime, policy: ClinicalPolicy
) -> tuple[RunningRow, ...]:
    rows = []
    individual = reader.find(IndividualRestriction, patient_id=patient_id, statuses=[ACTIVE])
    observations = reader.find(EnhancedObservation, patient_id=patient_id, statuses=[ACTIVE])
    reviews = reader.find(EnhancedObservationReview, parent_ids=[o.id for o in observations])
    for observation in observations:
        revision, conflicted = _state(reader, observation)
        on_board = observation_on_board(observation, reviews, at, policy.restrictions)
        rows.append(RunningRow(observation, revision, conflicted, on_board))
    for restriction in individual:
        revision, conflicted = _state(reader, restriction)
        on_board = individual_on_board(restriction, at, policy.restrictions)
        rows.append(RunningRow(restriction, revision, conflicted, on_board))
    return tuple(rows)


def load_patient_restrictions(
    store: Store,
    ward_id: UUID,
    patient_id: UUID | None,
    *,
    at: datetime,
    policy: ClinicalPolicy,
    forms: frozenset[str],
) -> PatientRestrictions:
    """The page of ``patient_id`` on ``ward_id`` at ``at``, with the open drafts of ``forms``
    for that patient."""
    with store.read() as reader:
        patients = patients_on_ward(reader, ward_id, at)
        patient = reader.get(Patient, patient_id) if patient_id is not None else None
        staff = ward_staff(reader, ward_id)
        if patient is None:
            return PatientRestrictions(at, None, "", patients, (), (), (), staff, ())
        since = at - RECENT
        restraint: list[PsychologicalRestraint | CulturalRestraint] = [
            *reader.find(PsychologicalRestraint, patient_id=patient.id, starts_from=since),
            *reader.find(CulturalRestraint, patient_id=patient.id, starts_from=since),
        ]
        restraint.sort(key=lambda r: r.occurred_at, reverse=True)
        drafts = tuple(
            d for d in kept_drafts(reader, ward_id, forms) if d[0].patient_id == patient.id
        )
        return PatientRestrictions(
            at=at,
            patient_id=patient.id,
            patient_name=patient.display_name,
            patients=patients,
            running=_running(reader, patient.id, at, policy),
            restraint=tuple(restraint),
            incidents=_incidents(reader, patient.id, at),
            staff=staff,
            drafts=drafts,
        )
