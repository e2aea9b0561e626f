"""Each member of staff named on an incident gives their own account of their part; accounts are
never edited, only added to; who still owes one is a pure rule (domain.md §2 item (h))."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from app.models.base import STORED
from app.models.codes import InterventionType
from app.models.errors import InvalidRecord, RuleViolation
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.policy import ClinicalPolicy, RecordingPolicy
from app.models.revision import RevisionAction, action_for_change
from app.models.staff_statement import (
    StaffStatement,
    accounts_of,
    check_statement,
    named_staff_ids,
    statements_owed,
)
from tests.models import builders as b

GIVEN_AT = b.T0 + timedelta(hours=5)
INCIDENT = b.incident()
AT = b.T0 + timedelta(days=2)
_T = InterventionType


def statement(**overrides: Any) -> StaffStatement:
    data: dict[str, Any] = {
        "incident_id": INCIDENT.id,
        "ward_id": b.WARD_ID,
        "patient_id": b.PATIENT_ID,
        "author": b.SUPPORT_WORKER.as_person_ref(),
        "role": "Held the left arm; second in the team",
        "holds": (_T.PHYSICAL_SUPINE, _T.PHYSICAL_STANDING),
        "account": "I held the left arm in the standing hold, then on the floor.",
        "given_at": GIVEN_AT,
    }
    return StaffStatement.model_validate(data | overrides)


def test_an_account_is_indexed_by_ward_patient_and_incident() -> None:
    incident = b.submitted_incident()
    given = statement(incident_id=incident.id)
    summary = given.summary()
    assert (summary.ward_id, summary.patient_id, summary.parent_id) == (
        b.WARD_ID,
        b.PATIENT_ID,
        incident.id,
    )
    assert summary.status == "given"
    assert summary.starts_at == GIVEN_AT
    assert given.holds == (_T.PHYSICAL_STANDING, _T.PHYSICAL_SUPINE)  # sorted, whatever order
    assert StaffStatement.KIND == "staff_statement"
    assert StaffStatement.model_validate_json(given.model_dump_json(), context=STORED) == given


def test_an_account_is_never_edited_only_added_to() -> None:
    first = statement()
    # the store treats any change to a given account as an amendment, which needs a reason
    assert action_for_change(first, tips=1) is RevisionAction.AMEND
    addition = statement(
        adds_to=first.id, role=None, holds=(), account="I also checked her airway throughout."
    )
    check_statement(addition, INCIDENT, first)
    assert addition.is_addition
    assert addition.summary().status == "addition"
    assert addition.summary().parent_id == first.incident_id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": None}, "role"),
        ({"holds": ()}, "holds"),
        ({"account": "   "}, "account"),
        ({"author": b.person_ref("Lee Agency", "Agency nurse", b.NURSE.role)}, "author"),
        ({"given_at": b.T0 + timedelta(days=3650)}, "given_at"),
        ({"holds": ("02",)}, "holds.0"),
    ],
)
def test_what_a_first_account_needs(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        StaffStatement.build(**(statement().model_dump() | overrides))
    assert [p.field for p in caught.value.problems] == [field]


def test_an_addition_cannot_add_to_itself() -> None:
    same = uuid4()
    with pytest.raises(InvalidRecord, match="cannot add to itself"):
        StaffStatement.build(**(statement().model_dump() | {"id": same, "adds_to": same}))


PARENT = statement()
THEIRS = statement(author=b.NURSE.as_person_ref())
ELSEWHERE = statement(incident_id=uuid4())


@pytest.mark.parametrize(
    ("made", "parent", "rule"),
    [
        (statement(incident_id=uuid4()), None, "about the incident"),
        (statement(patient_id=b.OTHER_PATIENT_ID), None, "about the incident"),
        (statement(author=b.DOCTOR.as_person_ref()), None, "Only staff named"),
        (statement(holds=(_T.MECHANICAL,)), None, "types of force used"),
        (statement(adds_to=uuid4(), role=None, holds=()), None, "name the account"),
        (statement(adds_to=PARENT.id, role=None, holds=()), statement(), "name the account"),
        (statement(adds_to=THEIRS.id), THEIRS, "same person"),
        (statement(adds_to=ELSEWHERE.id), ELSEWHERE, "same person about the same incident"),
    ],
)
def test_an_account_must_belong_with_its_incident(
    made: StaffStatement, parent: StaffStatement | None, rule: str
) -> None:
    with pytest.raises(RuleViolation, match=rule):
        check_statement(made, INCIDENT, parent)


def _on(status: IncidentStatus, start_days_ago: float, *, staff: tuple = ()) -> UseOfForceIncident:
    started = AT - timedelta(days=start_days_ago)
    data = b.incident_data(
        id=uuid4(),
        started_at=started,
        ended_at=started + timedelta(minutes=25),
        force_uses=(
            b.force_use(_T.PHYSICAL_STANDING, 0, 4).model_copy(
                update={"started_at": started, "ended_at": started + timedelta(minutes=4)}
            ),
        ),
        staff_involved=staff or (b.NURSE.as_person_ref(), b.SUPPORT_WORKER.as_person_ref()),
    )
    if status is not IncidentStatus.DRAFT:
        data |= {
            "status": IncidentStatus.SUBMITTED,
            "submitted_by": b.NURSE.as_person_ref(),
            "submitted_at": started + timedelta(hours=1),
        }
    if status is IncidentStatus.SIGNED_OFF:
        data |= {
            "status": status,
            "signed_off_by": b.MANAGER.as_person_ref(),
            "signed_off_at": started + timedelta(hours=2),
        }
    return UseOfForceIncident.model_validate(data)


SUBMITTED = _on(IncidentStatus.SUBMITTED, 1)
SIGNED = _on(IncidentStatus.SIGNED_OFF, 5)
DRAFT = _on(IncidentStatus.DRAFT, 1)
OLD = _on(IncidentStatus.SIGNED_OFF, 15)
EDGE = _on(IncidentStatus.SIGNED_OFF, 14)
NOT_NAMED = _on(IncidentStatus.SUBMITTED, 1, staff=(b.NURSE.as_person_ref(),))
ALL = (SIGNED, DRAFT, OLD, EDGE, NOT_NAMED, SUBMITTED)


def given_by(incident: UseOfForceIncident, author: Any = b.SUPPORT_WORKER) -> StaffStatement:
    return statement(
        incident_id=incident.id,
        author=author.as_person_ref(),
        holds=(_T.PHYSICAL_STANDING,),
        given_at=incident.started_at + timedelta(hours=3),
    )


@pytest.mark.parametrize(
    ("statements", "owed"),
    [
        ((), (EDGE, SIGNED, SUBMITTED)),  # oldest first; drafts and old incidents not asked
        ((given_by(SIGNED),), (EDGE, SUBMITTED)),
        ((given_by(SIGNED), given_by(SUBMITTED), given_by(EDGE)), ()),
        ((given_by(SIGNED, b.NURSE), given_by(SUBMITTED, b.NURSE)), (EDGE, SIGNED, SUBMITTED)),
    ],
)
def test_who_still_owes_an_account(
    statements: tuple[StaffStatement, ...], owed: tuple[UseOfForceIncident, ...]
) -> None:
    assert statements_owed(b.SUPPORT_WORKER_STAFF_ID, ALL, statements, at=AT) == owed


def test_how_long_staff_are_asked_is_configurable() -> None:
    policy = ClinicalPolicy(recording=RecordingPolicy(statements_asked_within=timedelta(days=2)))
    assert statements_owed(b.SUPPORT_WORKER_STAFF_ID, ALL, (), at=AT, policy=policy) == (SUBMITTED,)
    assert named_staff_ids(NOT_NAMED) == {b.NURSE_STAFF_ID}


def test_accounts_of_a_person_in_the_order_given() -> None:
    first = given_by(SIGNED)
    later = statement(
        incident_id=SIGNED.id,
        adds_to=first.id,
        role=None,
        holds=(),
        account="More.",
        given_at=first.given_at + timedelta(hours=1),
    )
    someone_else = given_by(SIGNED, b.NURSE)
    assert accounts_of(b.SUPPORT_WORKER_STAFF_ID, SIGNED.id, [later, someone_else, first]) == (
        first,
        later,
    )
