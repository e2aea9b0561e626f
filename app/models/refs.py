"""Small values shared across records: who someone is, in the words the law asks for."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from app.models.base import DomainModel, ShortText


class ClinicalRole(StrEnum):
    """A person's professional role on or around the ward (domain.md §7)."""

    HEALTHCARE_SUPPORT_WORKER = "healthcare_support_worker"
    REGISTERED_NURSE = "registered_nurse"
    NURSE_IN_CHARGE = "nurse_in_charge"
    WARD_MANAGER = "ward_manager"
    DOCTOR = "doctor"
    PSYCHIATRIST = "psychiatrist"
    RESPONSIBLE_CLINICIAN = "responsible_clinician"
    APPROVED_CLINICIAN = "approved_clinician"
    PSYCHOLOGIST = "psychologist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    SOCIAL_WORKER = "social_worker"
    PHARMACIST = "pharmacist"
    SECURITY = "security"
    IMHA = "imha"
    COMMISSIONER = "commissioner"
    FAMILY_OR_CARER = "family_or_carer"
    PATIENT = "patient"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Plain wording: ``registered_nurse`` → "Registered nurse" (IMHA kept in capitals)."""
        return "IMHA" if self is ClinicalRole.IMHA else self.value.replace("_", " ").capitalize()

    @property
    def is_registered_nurse(self) -> bool:
        """Counts as the registered nurse a nursing review of seclusion needs."""
        return self in {
            ClinicalRole.REGISTERED_NURSE,
            ClinicalRole.NURSE_IN_CHARGE,
            ClinicalRole.WARD_MANAGER,
        }

    @property
    def is_psychiatrist(self) -> bool:
        """A psychiatrist or responsible clinician: their authorisation of seclusion counts as
        the first medical review (domain.md §3 "Seclusion").
        """
        return self in {ClinicalRole.PSYCHIATRIST, ClinicalRole.RESPONSIBLE_CLINICIAN}

    @property
    def is_medical(self) -> bool:
        """May carry out a medical review."""
        return self in {
            ClinicalRole.DOCTOR,
            ClinicalRole.PSYCHIATRIST,
            ClinicalRole.RESPONSIBLE_CLINICIAN,
            ClinicalRole.APPROVED_CLINICIAN,
        }


class PersonRef(DomainModel):
    """A person as named in a record, snapshotted at the time: the statutory record must keep
    the name and job title someone had when they acted (s.6(5)(h)), even if these later change.
    ``staff_id`` links to the staff member when the person is on the trust's staff list.
    """

    name: ShortText
    job_title: ShortText
    role: ClinicalRole
    staff_id: UUID | None = None
