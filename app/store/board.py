"""Loading what the ward board needs for one ward, in one read transaction.

The queries follow the ``record`` indexes: running episodes by (kind, ward, status), their
observations and reviews by (parent, kind), a patient's recent episodes by (patient, kind),
open incidents by (kind, ward, status). The restrictions beyond force (issue 10) follow the
same indexes: running individual restrictions, enhanced observation and blanket restrictions
by (kind, ward, status), the reviews of that observation and the steps to end each running LTS
episode by (parent, kind). The patients loaded are everyone these records name, the patients
exempted from a blanket restriction included (the shift handover names them). The clocks
themselves are computed by the domain (:func:`app.models.ward_board.build_ward_board`); the
shift handover is computed from the same inputs
(:func:`app.models.handover_restrictions.beyond_force_from_board`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from app.models.admission import HospitalSpell
from app.models.base import ACTIVE
from app.models.blanket_restrictions import BlanketRestriction
from app.models.enhanced_observation import EnhancedObservation, EnhancedObservationReview
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.individual_restrictions import IndividualRestriction
from app.models.lts_exit import LtsExitStep
from app.models.patient import Patient
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.segregation import LtsEpisode, LtsReview
from app.models.ward_board import SECLUSION_LOOKBACK, WardBoardInputs
from app.store.records import RecordReader

OPEN_STATUSES = (IncidentStatus.DRAFT.value, IncidentStatus.SUBMITTED.value)
#: The status of a hospital spell still open (``HospitalSpell.summary``).
ADMITTED = "admitted"


def load_ward_board_inputs(reader: RecordReader, ward_id: UUID, at: datetime) -> WardBoardInputs:
    """Every record the board for ``ward_id`` at ``at`` is computed from."""
    seclusions = reader.find(SeclusionEpisode, ward_id=ward_id, statuses=[ACTIVE], ongoing_at=at)
    seclusion_ids = [e.id for e in seclusions]
    recent: list[SeclusionEpisode] = []
    for patient_id in {e.patient_id for e in seclusions}:
        recent.extend(
            reader.find(
                SeclusionEpisode,
                patient_id=patient_id,
                ends_after=at - SECLUSION_LOOKBACK,
                starts_before=at,
            )
        )
    segregations = reader.find(LtsEpisode, ward_id=ward_id, statuses=[ACTIVE], ongoing_at=at)
    open_incidents = reader.find(UseOfForceIncident, ward_id=ward_id, statuses=OPEN_STATUSES)
    spells = reader.find(HospitalSpell, ward_id=ward_id, statuses=[ADMITTED], ongoing_at=at)
    conflicted_by_patient = reader.conflicted_by_patient(ward_id=ward_id)
    individual = reader.find(
        IndividualRestriction, ward_id=ward_id, statuses=[ACTIVE], ongoing_at=at
    )
    observations = reader.find(
        EnhancedObservation, ward_id=ward_id, statuses=[ACTIVE], ongoing_at=at
    )
    blanket = reader.find(BlanketRestriction, ward_id=ward_id, statuses=[ACTIVE], ongoing_at=at)
    patient_ids = {
        *(e.patient_id for e in seclusions),
        *(e.patient_id for e in segregations),
        *(r.patient_id for r in individual),
        *(o.patient_id for o in observations),
        *(x.patient_id for r in blanket for x in r.exemptions),  # named on the handover
        *(i.patient_id for i in open_incidents),
        *(s.patient_id for s in spells),
        *conflicted_by_patient,
    }
    patients = reader.get_many(Patient, patient_ids)
    on_ward = {s.patient_id: patients[s.patient_id] for s in spells if s.patient_id in patients}
    return WardBoardInputs(
        ward_id=ward_id,
        patients=patients,
        seclusions=seclusions,
        observations=reader.find(SeclusionObservation, parent_ids=seclusion_ids),
        seclusion_reviews=reader.find(SeclusionReview, parent_ids=seclusion_ids),
        recent_seclusions=recent,
        segregations=segregations,
        segregation_reviews=reader.find(LtsReview, parent_ids=[e.id for e in segregations]),
        open_incidents=open_incidents,
        incidents_last_24h=reader.count(
            UseOfForceIncident, ward_id=ward_id, starts_from=at - timedelta(hours=24)
        ),
        incidents_last_7d=reader.count(
            UseOfForceIncident, ward_id=ward_id, starts_from=at - timedelta(days=7)
        ),
        conflicted=len(reader.conflicted_ids(ward_id=ward_id)),
        on_ward=on_ward,
        incidents_7d_by_patient=reader.count_by_patient(
            UseOfForceIncident, ward_id=ward_id, starts_from=at - timedelta(days=7)
        ),
        conflicted_by_patient=conflicted_by_patient,
        individual_restrictions=individual,
        enhanced_observations=observations,
        enhanced_observation_reviews=reader.find(
            EnhancedObservationReview, parent_ids=[o.id for o in observations]
        ),
        blanket_restrictions=blanket,
        lts_exit_steps=reader.find(LtsExitStep, parent_ids=[e.id for e in segregations]),
    )
