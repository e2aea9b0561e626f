"""The use-of-force incident model: what it refuses, and what it derives (domain.md §2, §3, §4)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.models.base import record_class
from app.models.clock import utc_now
from app.models.codes import InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus, RtRiskFactor
from tests.models import builders as b
from tests.models.refusals import assert_refused


def dumped(**overrides: Any) -> dict[str, Any]:
    """A complete incident as plain data, with top-level overrides."""
    return b.incident().model_dump() | overrides


def with_use(index: int, **changes: Any) -> dict[str, Any]:
    """Plain data with one force use changed."""
    data = dumped()
    uses = [dict(use) for use in data["force_uses"]]
    uses[index] |= changes
    data["force_uses"] = uses
    return data


def duplicate_use_ids() -> dict[str, Any]:
    """Plain data in which two uses of force share one identifier."""
    data = dumped()
    first, second = data["force_uses"][:2]
    data["force_uses"] = [first, second | {"id": first["id"]}]
    return data


def test_complete_incident_facts() -> None:
    incident = b.incident()
    assert incident.duration == timedelta(minutes=25)
    assert incident.intervention_types == (
        InterventionType.PHYSICAL_STANDING,
        InterventionType.PHYSICAL_PRONE,
        InterventionType.PHYSICAL_SUPINE,
        InterventionType.CHEMICAL_INJECTION_RT,
    )
    assert incident.force_uses[1].duration == timedelta(minutes=3)
    assert incident.status is IncidentStatus.DRAFT
    assert not incident.is_signed_off()
    assert b.signed_off_incident().is_signed_off()
    assert record_class("use_of_force_incident") is UseOfForceIncident


def test_summary_gives_what_the_store_indexes() -> None:
    summary = b.submitted_incident().summary()
    assert summary.ward_id == b.WARD_ID
    assert summary.patient_id == b.PATIENT_ID
    assert summary.status == "submitted"
    assert summary.starts_at == b.T0
    assert summary.ends_at == b.T0 + timedelta(minutes=25)
    assert b.empty_draft().summary().ends_at is None


def test_incident_is_frozen() -> None:
    incident = b.incident()
    with pytest.raises(ValueError, match="frozen"):
        incident.outcome = "changed"  # type: ignore[misc]


def test_rt_dose_display_and_risk_factors_are_sorted() -> None:
    rt = b.rapid_tranquillisation(
        dose_amount=Decimal("0.50"),
        risk_factors=[RtRiskFactor.HARMED, RtRiskFactor.ALCOHOL_OR_DRUGS, RtRiskFactor.HARMED],
    )
    assert rt.dose == "0.5 mg"
    assert rt.risk_factors == (RtRiskFactor.ALCOHOL_OR_DRUGS, RtRiskFactor.HARMED)
    assert b.rapid_tranquillisation(dose_amount=Decimal(10)).dose == "10 mg"


def test_a_draft_may_leave_a_use_without_an_end() -> None:
    draft = b.incident(force_uses=(b.force_use(InterventionType.PHYSICAL_STANDING, 0, None),))
    assert draft.force_uses[0].duration is None


def test_non_staff_involvement_is_recorded_with_reason() -> None:
    incident = b.incident(
        non_staff_involved=True,
        non_staff_involvement=[{"who": "Police", "reason": "Weapon reported on the ward."}],
    )
    assert incident.non_staff_involvement[0].who == "Police"


def test_mechanical_restraint_carries_its_authoriser() -> None:
    use = b.force_use(InterventionType.MECHANICAL, 0, 20, authorised_by=b.DOCTOR.as_person_ref())
    assert use.authorised_by is not None
    assert use.authorised_by.name == "Dr Kit Marlowe-Evans"


FUTURE = utc_now() + timedelta(days=2)


@pytest.mark.parametrize(
    ("data", "field", "rule", "typed"),
    [
        (
            dumped(started_at=FUTURE, ended_at=None, force_uses=()),
            "started_at",
            "must not be in the future",
            FUTURE,
        ),
        (dumped(ended_at=FUTURE), "ended_at", "must not be in the future", FUTURE),
        (
            dumped(ended_at=b.T0 - timedelta(minutes=1), force_uses=()),
            "ended_at",
            "must not be before started_at",
            None,
        ),
        (dumped(reason="20"), "reason", "is not one of the allowed codes", "20"),
        (dumped(reason=None, reason_narrative=""), "reason_narrative", "must not be empty", None),
        (dumped(location="   "), "location", "must not be empty", None),
        (dumped(how_force_was_used=""), "how_force_was_used", "must not be empty", None),
        (dumped(outcome=""), "outcome", "must not be empty", None),
        (dumped(efforts_to_avoid_force=""), "efforts_to_avoid_force", "must not be empty", None),
        (dumped(status="approved"), "status", "is not one of the allowed codes", "approved"),
        (
            dumped(care_plan_notification="yes"),
            "care_plan_notification",
            "is not one of the allowed codes",
            None,
        ),
        (dumped(serious_harm="minor"), "serious_harm", "is not one of the allowed codes", "minor"),
        (
            dumped(serious_harm_detail="Broken wrist"),
            "serious_harm_detail",
            "only recorded when the patient died or was seriously injured",
            "Broken wrist",
        ),
        (
            with_use(0, intervention_type="02"),
            "force_uses.0.intervention_type",
            "is a retired national code",
            "02",
        ),
        (
            with_use(0, intervention_type="03"),
            "force_uses.0.intervention_type",
            "is a retired national code",
            "03",
        ),
        (
            with_use(0, intervention_type="18"),
            "force_uses.0.intervention_type",
            "is not one of the allowed codes",
            "18",
        ),
        (
            with_use(0, ended_at=b.T0 - timedelta(minutes=1)),
            "force_uses.0.ended_at",
            "must not be before started_at",
            None,
        ),
        (with_use(0, started_at=FUTURE), "force_uses.0.started_at", "in the future", FUTURE),
        (
            with_use(0, started_at=b.T0 - timedelta(minutes=5)),
            "force_uses",
            "must start within the incident",
            None,
        ),
        (
            with_use(2, ended_at=b.T0 + timedelta(minutes=40)),
            "force_uses",
            "must end by the end of the incident",
            None,
        ),
        (
            duplicate_use_ids(),
            "force_uses",
            "needs its own identifier",
            None,
        ),
        (
            with_use(0, rapid_tranquillisation=b.rapid_tranquillisation().model_dump()),
            "force_uses.0.rapid_tranquillisation",
            "only recorded for chemical restraint by injection",
            None,
        ),
        (
            with_use(
                3,
                rapid_tranquillisation=b.rapid_tranquillisation(
                    given_at=b.T0 + timedelta(minutes=30)
                ).model_dump(),
            ),
            "force_uses.3.rapid_tranquillisation",
            "must be given within this use of force",
            None,
        ),
        (
            with_use(
                3,
                rapid_tranquillisation=b.rapid_tranquillisation().model_dump() | {"dose_amount": 0},
            ),
            "force_uses.3.rapid_tranquillisation.dose_amount",
            "is too small",
            None,
        ),
        (
            with_use(
                3, rapid_tranquillisation=b.rapid_tranquillisation().model_dump() | {"drug": ""}
            ),
            "force_uses.3.rapid_tranquillisation.drug",
            "must not be empty",
            None,
        ),
        (
            with_use(0, authorised_by=b.DOCTOR.as_person_ref().model_dump()),
            "force_uses.0.authorised_by",
            "only recorded for mechanical restraint",
            None,
        ),
        (
            dumped(
                staff_involved=[
                    {"name": "", "job_title": "Staff nurse", "role": "registered_nurse"}
                ]
            ),
            "staff_involved.0.name",
            "must not be empty",
            None,
        ),
        (
            dumped(
                staff_involved=[
                    {"name": "Robin Ashdown", "job_title": " ", "role": "registered_nurse"}
                ]
            ),
            "staff_involved.0.job_title",
            "must not be empty",
            None,
        ),
        (
            dumped(staff_involved=[b.NURSE.as_person_ref(), b.NURSE.as_person_ref()]),
            "staff_involved",
            "names the same member of staff twice",
            None,
        ),
        (
            dumped(non_staff_involvement=[{"who": "Police", "reason": "Called by a visitor."}]),
            "non_staff_involvement",
            "only recorded when someone who is not unit staff was involved",
            "Called by a visitor.",
        ),
        (
            dumped(non_staff_involved=True, non_staff_involvement=[{"who": "", "reason": "x"}]),
            "non_staff_involvement.0.who",
            "must not be empty",
            None,
        ),
        (
            dumped(
                post_incident_review={
                    "held_with_patient": True,
                    "not_held_with_patient_reason": "Asleep",
                }
            ),
            "post_incident_review.not_held_with_patient_reason",
            "only recorded when no review was held with the patient",
            "Asleep",
        ),
        (
            dumped(submitted_by=b.NURSE.as_person_ref(), submitted_at=b.T0 + timedelta(hours=1)),
            "status",
            "a draft has not been submitted or signed off",
            None,
        ),
        (
            dumped(status=IncidentStatus.SUBMITTED),
            "submitted_by",
            "needs who submitted it and when",
            None,
        ),
        (
            b.submitted_incident().model_dump() | {"status": IncidentStatus.SIGNED_OFF},
            "signed_off_by",
            "needs who signed it off and when",
            None,
        ),
        (
            b.signed_off_incident().model_dump() | {"status": IncidentStatus.SUBMITTED},
            "status",
            "must have the status signed off",
            None,
        ),
        (
            b.submitted_incident().model_dump() | {"submitted_at": b.T0 + timedelta(minutes=5)},
            "submitted_at",
            "must not be before the incident ended",
            None,
        ),
        (
            b.signed_off_incident().model_dump() | {"signed_off_at": b.T0 + timedelta(hours=1)},
            "signed_off_at",
            "must not be before submitted_at",
            None,
        ),
        (dumped(patient_id="not-a-uuid"), "patient_id", "is not a valid identifier", "not-a-uuid"),
        (dumped(severity="high"), "severity", "is not a field of this record", "high"),
    ],
)
def test_bad_incident_refused(data: dict[str, Any], field: str, rule: str, typed: Any) -> None:
    assert_refused(UseOfForceIncident, data, field=field, rule=rule, typed=typed)


def test_patient_data_never_reaches_the_message() -> None:
    secret = "Morgan Testperson said something private"
    data = dumped(non_staff_involvement=[{"who": "Police", "reason": secret}])
    error = assert_refused(
        UseOfForceIncident, data, field="non_staff_involvement", rule="only recorded", typed=secret
    )
    assert "Morgan" not in str(error)
