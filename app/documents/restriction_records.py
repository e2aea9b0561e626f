"""Loading the records of restrictions beyond force (issue 10) for the documents that show
them, in the caller's one read transaction: what is in force on a ward at an instant, for
the shift handover.

The queries follow the ``record`` indexes as :mod:`app.store.board` does: running records by
(kind, ward, status), their reviews and steps by parent. The screens may load through these
too (``app.ui`` may import ``app.documents``), so a screen and its printed copy agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from app.models.base import ACTIVE
from app.models.blanket_restrictions import BlanketRestriction
from app.models.enhanced_observation import EnhancedObservation, EnhancedObservationReview
from app.models.handover_restrictions import BeyondForceInputs
from app.models.individual_restrictions import IndividualRestriction
from app.models.lts_exit import LtsExitStep
from app.models.patient import Patient
from app.models.segregation import LtsEpisode, LtsReview
from app.store.records import RecordReader


def load_beyond_force_inputs(
    reader: RecordReader, ward_id: UUID, at: datetime
) -> BeyondForceInputs:
    """What the handover of ``ward_id`` at ``at`` needs of the restrictions beyond force:
    those running, their reviews, the running LTS episodes with their reviews and steps, and
    every patient they name (exempted patients included)."""
    running: dict[str, Any] = {"ward_id": ward_id, "statuses": [ACTIVE], "ongoing_at": at}
    blanket = reader.find(BlanketRestriction, **running)
    individual = reader.find(IndividualRestriction, **running)
    observations = reader.find(EnhancedObservation, **running)
    segregations = reader.find(LtsEpisode, **running)
    lts_ids = [e.id for e in segregations]
    patient_ids = {
        *(r.patient_id for r in individual),
        *(o.patient_id for o in observations),
        *(e.patient_id for e in segregations),
        *(x.patient_id for r in blanket for x in r.exemptions),
    }
    return BeyondForceInputs(
        ward_id=ward_id,
        patients=reader.get_many(Patient, patient_ids),
        blanket=blanket,
        individual=individual,
        observations=observations,
        observation_reviews=reader.find(
            EnhancedObservationReview, parent_ids=[o.id for o in observations]
        ),
        segregations=segregations,
        segregation_reviews=reader.find(LtsReview, parent_ids=lts_ids),
        exit_steps=reader.find(LtsExitStep, parent_ids=lts_ids),
    )
