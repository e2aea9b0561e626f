"""Every kind of clinical record, in one place.

The store reads payloads by their ``KIND``; a kind is known only once its module has been
imported, so :func:`app.models.base.record_class` imports this module before looking one up.
A new record class must be listed here (a test checks that none is missing).
"""

from __future__ import annotations

from app.models.admission import HospitalSpell
from app.models.base import Record
from app.models.blanket_restrictions import BlanketRestriction
from app.models.enhanced_observation import EnhancedObservation, EnhancedObservationReview
from app.models.form_draft import FormDraft
from app.models.incident import UseOfForceIncident
from app.models.individual_restrictions import IndividualRestriction
from app.models.lts_exit import IcetrRecommendation, LtsExitStep, SeniorIntervenorAction
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer
from app.models.people import StaffMember, UserAccount, Ward
from app.models.psychological_cultural_restraint import CulturalRestraint, PsychologicalRestraint
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.segregation import LtsEngagementEntry, LtsEpisode, LtsReview
from app.models.staff_statement import StaffStatement

CLINICAL_RECORDS: tuple[type[Record], ...] = (
    Ward,
    StaffMember,
    UserAccount,
    Patient,
    HospitalSpell,
    UseOfForceIncident,
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    LtsEpisode,
    LtsReview,
    LtsEngagementEntry,
    FormDraft,
    StaffStatement,
    PatientCopyOffer,
    BlanketRestriction,
    IndividualRestriction,
    EnhancedObservation,
    EnhancedObservationReview,
    PsychologicalRestraint,
    CulturalRestraint,
    LtsExitStep,
    IcetrRecommendation,
    SeniorIntervenorAction,
)
