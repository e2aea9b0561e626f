"""Valid wards, staff, accounts, patients, spells and use-of-force incidents for tests and demo
data.

Every person here is fictitious and every NHS number is in the 999 test range. Each builder
takes keyword overrides for any field, so a test states only what it is about; ``*_data``
builders return the raw dict (for bad-input tests that go through ``Model.build``). The ward
and patient identifiers match :mod:`tests.models.isolation_builders`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from app.models.admission import HospitalSpell
from app.models.base import Answer
from app.models.characteristics import (
    Disability,
    GenderReassignment,
    MaritalStatus,
    PregnancyMaternity,
    ProtectedCharacteristics,
    ReligionOrBelief,
    Sex,
    SexualOrientation,
)
from app.models.codes import EthnicCategory, InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import (
    CarePlanNotification,
    DoseUnit,
    ForceUse,
    IncidentStatus,
    PostIncidentReview,
    RapidTranquillisation,
    RtRoute,
    SeriousHarm,
)
from app.models.legal_status import LegalStatus
from app.models.nhs_number import TEST_PREFIX, check_digit
from app.models.patient import MentalDisorder, NotificationContact, Patient
from app.models.people import AccessRole, StaffMember, UserAccount, Ward
from app.models.refs import ClinicalRole, PersonRef

PATIENT_ID = UUID("00000000-0000-4000-8000-00000000a001")
OTHER_PATIENT_ID = UUID("00000000-0000-4000-8000-00000000a002")
WARD_ID = UUID("00000000-0000-4000-8000-00000000b001")
NURSE_STAFF_ID = UUID("00000000-0000-4000-8000-00000000c001")
SUPPORT_WORKER_STAFF_ID = UUID("00000000-0000-4000-8000-00000000c002")
MANAGER_STAFF_ID = UUID("00000000-0000-4000-8000-00000000c003")
DOCTOR_STAFF_ID = UUID("00000000-0000-4000-8000-00000000c004")

#: Start of the standard incident: a plain day well in the past, no clock change nearby.
T0 = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def valid_test_nhs_numbers() -> list[str]:
    """Valid NHS numbers in the 999 test range, in order (9990000018 first)."""
    numbers = []
    for n in range(1000):
        nine = f"{TEST_PREFIX}{n:06d}"
        digit = check_digit(nine)
        if digit is not None:
            numbers.append(nine + str(digit))
    return numbers


NHS_NUMBER = "9990000018"


# ----------------------------------------------------------------------------------- people


def ward(**overrides: Any) -> Ward:
    data: dict[str, Any] = {
        "id": WARD_ID,
        "name": "Ashdown Ward",
        "code": "ASH-1",
        "number_of_beds": 18,
        "site": "Meadowbank Hospital",
    }
    return Ward.model_validate(data | overrides)


def staff_member(**overrides: Any) -> StaffMember:
    data: dict[str, Any] = {
        "id": NURSE_STAFF_ID,
        "name": "Robin Ashdown",
        "job_title": "Staff nurse",
        "role": ClinicalRole.REGISTERED_NURSE,
        "ward_id": WARD_ID,
    }
    return StaffMember.model_validate(data | overrides)


NURSE = staff_member()
SUPPORT_WORKER = staff_member(
    id=SUPPORT_WORKER_STAFF_ID,
    name="Jo Penhallow",
    job_title="Healthcare support worker",
    role=ClinicalRole.HEALTHCARE_SUPPORT_WORKER,
)
MANAGER = staff_member(
    id=MANAGER_STAFF_ID,
    name="Sam Fairweather",
    job_title="Ward manager",
    role=ClinicalRole.WARD_MANAGER,
)
DOCTOR = staff_member(
    id=DOCTOR_STAFF_ID,
    name="Dr Kit Marlowe-Evans",
    job_title="Specialty doctor",
    role=ClinicalRole.DOCTOR,
    ward_id=None,
)


def account(staff: StaffMember | None = NURSE, **overrides: Any) -> UserAccount:
    data: dict[str, Any] = {
        "username": "demo.nurse",
        "staff_id": None if staff is None else staff.id,
        "access_role": AccessRole.NURSE,
    }
    return UserAccount.model_validate(data | overrides)


NURSE_ACCOUNT = account()
MANAGER_ACCOUNT = account(MANAGER, username="demo.manager", access_role=AccessRole.WARD_MANAGER)
ADMIN_ACCOUNT = account(None, username="demo.admin", access_role=AccessRole.ADMIN)


# ---------------------------------------------------------------------------------- patient


def characteristics(**overrides: Any) -> ProtectedCharacteristics:
    data: dict[str, Any] = {
        "disability": Disability.NO,
        "gender_reassignment": GenderReassignment.NOT_STATED,
        "marriage_civil_partnership": MaritalStatus.SINGLE,
        "pregnancy_maternity": PregnancyMaternity.NEITHER,
        "ethnicity": EthnicCategory.BLACK_CARIBBEAN,
        "religion_or_belief": ReligionOrBelief.NOT_KNOWN,
        "sex": Sex.MALE,
        "sexual_orientation": SexualOrientation.NOT_STATED,
    }
    return ProtectedCharacteristics.model_validate(data | overrides)


def patient_data(**overrides: Any) -> dict[str, Any]:
    """A patient record with every statutory item (e, g, j, k, l) answered."""
    data: dict[str, Any] = {
        "id": PATIENT_ID,
        "ward_id": WARD_ID,
        "given_name": "Morgan",
        "family_name": "Testperson",
        "nhs_number": NHS_NUMBER,
        "local_identifier": "MBH0001",
        "date_of_birth": date(1991, 7, 14),
        "characteristics": characteristics(),
        "learning_disability": Answer.NO,
        "autism": Answer.YES,
        "mental_disorder": MentalDisorder(
            known=True, description="Schizophrenia", icd10_code="F20.0"
        ),
        "legal_status": LegalStatus.S3,
        "care_plan_contacts": (
            NotificationContact(
                name="Alex Testperson", relationship="Sister", how_to_contact="Telephone"
            ),
        ),
    }
    return data | overrides


def patient(**overrides: Any) -> Patient:
    return Patient.model_validate(patient_data(**overrides))


def hospital_spell(**overrides: Any) -> HospitalSpell:
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "admitted_at": datetime(2024, 4, 2, 11, 0, tzinfo=UTC),
    }
    return HospitalSpell.model_validate(data | overrides)


# --------------------------------------------------------------------------------- incident


def rapid_tranquillisation(**overrides: Any) -> RapidTranquillisation:
    data: dict[str, Any] = {
        "drug": "Lorazepam",
        "dose_amount": Decimal("2"),
        "dose_unit": DoseUnit.MG,
        "route": RtRoute.INTRAMUSCULAR,
        "site": "Left upper outer gluteal",
        "given_at": T0 + minutes(16),
        "oral_offered_first": Answer.YES,
    }
    return RapidTranquillisation.model_validate(data | overrides)


def force_use(
    intervention_type: InterventionType, start: float, end: float | None, **overrides: Any
) -> ForceUse:
    """A use of force from ``start`` to ``end`` minutes after :data:`T0`, fully answered."""
    data: dict[str, Any] = {
        "intervention_type": intervention_type,
        "started_at": T0 + minutes(start),
        "ended_at": None if end is None else T0 + minutes(end),
        "in_care_plan": False,
        "patient_injured": False,
        "staff_injured": False,
        "other_person_injured": False,
    }
    return ForceUse.model_validate(data | overrides)


def standard_force_uses() -> tuple[ForceUse, ...]:
    """Standing hold, a short prone, supine, then rapid tranquillisation (25 minutes)."""
    return (
        force_use(InterventionType.PHYSICAL_STANDING, 0, 4),
        force_use(InterventionType.PHYSICAL_PRONE, 4, 7),
        force_use(InterventionType.PHYSICAL_SUPINE, 7, 18),
        force_use(
            InterventionType.CHEMICAL_INJECTION_RT,
            15,
            17,
            rapid_tranquillisation=rapid_tranquillisation(),
        ),
    )


def incident_data(**overrides: Any) -> dict[str, Any]:
    """A draft incident with every statutory item and every detail answered."""
    data: dict[str, Any] = {
        "patient_id": PATIENT_ID,
        "ward_id": WARD_ID,
        "reason": InterventionReason.PREVENT_VIOLENCE_TO_OTHERS,
        "reason_narrative": "Threw a chair towards another patient in the day room.",
        "location": "Day room",
        "started_at": T0,
        "ended_at": T0 + minutes(25),
        "force_uses": standard_force_uses(),
        "how_force_was_used": "Two-person standing hold, brief prone on the floor, then supine.",
        "staff_involved": (NURSE.as_person_ref(), SUPPORT_WORKER.as_person_ref()),
        "non_staff_involved": False,
        "outcome": "Settled after medication; observations within normal range.",
        "serious_harm": SeriousHarm.NONE,
        "efforts_to_avoid_force": "Verbal de-escalation, offered quiet space and oral medication.",
        "care_plan_notification": CarePlanNotification.NOTIFIED,
        "post_incident_review": PostIncidentReview(held_with_patient=True, held_with_staff=True),
    }
    return data | overrides


def incident(**overrides: Any) -> UseOfForceIncident:
    return UseOfForceIncident.model_validate(incident_data(**overrides))


def empty_draft(**overrides: Any) -> UseOfForceIncident:
    """An incident with nothing answered beyond what the model requires."""
    data: dict[str, Any] = {"patient_id": PATIENT_ID, "ward_id": WARD_ID, "started_at": T0}
    return UseOfForceIncident.model_validate(data | overrides)


def submitted_incident(**overrides: Any) -> UseOfForceIncident:
    submitted: dict[str, Any] = {
        "status": IncidentStatus.SUBMITTED,
        "submitted_by": NURSE.as_person_ref(),
        "submitted_at": T0 + timedelta(hours=2),
    }
    return incident(**(submitted | overrides))


def signed_off_incident(**overrides: Any) -> UseOfForceIncident:
    signed: dict[str, Any] = {
        "status": IncidentStatus.SIGNED_OFF,
        "signed_off_by": MANAGER.as_person_ref(),
        "signed_off_at": T0 + timedelta(days=1),
    }
    return submitted_incident(**(signed | overrides))


def person_ref(name: str, job_title: str, role: ClinicalRole) -> PersonRef:
    return PersonRef(name=name, job_title=job_title, role=role)
