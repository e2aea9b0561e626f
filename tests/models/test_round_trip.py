"""Stored revisions are JSON: writing a record out and reading it back (as the store does, with
the STORED context) must give an equal record, byte-identical when written again.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models.base import STORED, Record
from app.models.codes import InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import (
    CarePlanNotification,
    NonStaffInvolvement,
    PostIncidentReview,
    RtRiskFactor,
    SeriousHarm,
)
from app.models.legal_status import LegalStatus
from app.models.patient import MentalDisorder, NotificationContact, Patient
from tests.models import builders as b


def full_incident() -> UseOfForceIncident:
    """A signed-off incident using every part of the model."""
    uses = (
        *b.standard_force_uses()[:3],
        b.force_use(
            InterventionType.CHEMICAL_INJECTION_RT,
            15,
            17,
            in_care_plan=True,
            staff_injured=True,
            rapid_tranquillisation=b.rapid_tranquillisation(
                dose_amount=Decimal("0.5"),
                risk_factors=[RtRiskFactor.HARMED, RtRiskFactor.ASLEEP_OR_SEDATED],
            ),
        ),
        b.force_use(InterventionType.MECHANICAL, 18, 24, authorised_by=b.DOCTOR.as_person_ref()),
    )
    return b.signed_off_incident(
        force_uses=uses,
        staff_involved=(
            b.NURSE.as_person_ref(),
            b.SUPPORT_WORKER.as_person_ref(),
            b.person_ref("Lee Agency", "Agency nurse", b.NURSE.role),
        ),
        non_staff_involved=True,
        non_staff_involvement=(
            NonStaffInvolvement(who="Police", reason="Weapon reported; police attended."),
        ),
        serious_harm=SeriousHarm.SERIOUS_INJURY,
        serious_harm_detail="Fractured wrist, seen in A&E.",
        care_plan_notification=CarePlanNotification.NOT_NOTIFIED,
        care_plan_notification_detail="Sister not reachable; message left.",
        post_incident_review=PostIncidentReview(
            held_with_patient=False,
            not_held_with_patient_reason="Declined — “not today”.",
            held_with_staff=True,
        ),
    )


def full_patient() -> Patient:
    return b.patient(
        date_of_birth=date(2000, 2, 29),
        mental_disorder=MentalDisorder.not_known(),
        legal_status=LegalStatus.OTHER,
        legal_status_detail="Recalled from leave",
        care_plan_contacts=(
            NotificationContact(name="Alex Testperson", relationship="Sister", how_to_contact="T"),
            NotificationContact(name="Zoë Ø'Brien", relationship="Carer", how_to_contact="E"),
        ),
    )


@pytest.mark.parametrize(
    "record",
    [
        full_incident(),
        b.empty_draft(),
        full_patient(),
        b.patient(),
        b.ward(),
        b.NURSE,
        b.DOCTOR,
        b.MANAGER_ACCOUNT,
        b.ADMIN_ACCOUNT,
        b.hospital_spell(),
        b.hospital_spell(discharged_at=b.T0 + timedelta(days=3)),
    ],
    ids=lambda r: type(r).__name__,
)
def test_json_round_trip_gives_an_equal_record(record: Record) -> None:
    text = record.model_dump_json()
    again = type(record).model_validate_json(text, context=STORED)
    assert again == record
    assert again.summary() == record.summary()
    assert again.model_dump_json() == text


def test_full_incident_keeps_every_part() -> None:
    again = UseOfForceIncident.model_validate_json(
        full_incident().model_dump_json(), context=STORED
    )
    rt = again.force_uses[3].rapid_tranquillisation
    assert rt is not None
    assert rt.dose == "0.5 mg"
    assert again.force_uses[4].authorised_by == b.DOCTOR.as_person_ref()
    assert again.is_signed_off()


def test_full_records_are_complete_and_ready_to_export() -> None:
    from app.models.completeness import missing_for_sign_off, missing_for_submission

    assert missing_for_submission(full_incident(), full_patient()) == []
    assert missing_for_sign_off(full_incident()) == []
