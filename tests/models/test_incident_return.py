"""A ward manager returns a submitted record to its author with a comment: submitted → draft,
with who returned it, when and why kept on the record (domain.md §2 good practice, §7)."""

from datetime import timedelta

import pytest

from app.models.errors import InvalidRecord, RuleViolation
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus, ReturnedForCorrection
from app.models.incident_workflow import (
    check_amendment,
    return_for_correction,
    sign_off,
    submit,
)
from app.models.people import UserAccount
from app.models.refs import PersonRef
from tests.models import builders as b

RETURN_AT = b.T0 + timedelta(hours=3)
COMMENT = "Please add which staff member held the legs, and the debrief with the patient."


def returned(**overrides: object) -> UseOfForceIncident:
    data = {
        "account": b.MANAGER_ACCOUNT,
        "returner": b.MANAGER.as_person_ref(),
        "comment": COMMENT,
        "at": RETURN_AT,
    } | overrides
    return return_for_correction(b.submitted_incident(), **data)  # type: ignore[arg-type]


def test_a_returned_record_is_a_draft_again_and_keeps_who_when_and_why() -> None:
    result = returned()
    assert result.status is IncidentStatus.DRAFT
    assert result.submitted_by is None
    assert result.submitted_at is None
    assert result.returns == (
        ReturnedForCorrection(
            returned_by=b.MANAGER.as_person_ref(), returned_at=RETURN_AT, comment=COMMENT
        ),
    )
    assert result.is_returned
    assert result.last_return is not None
    assert result.last_return.comment == COMMENT
    assert result.summary().status == "draft"  # the board counts it among the drafts
    assert not b.incident().is_returned


def test_resubmitted_and_returned_again_keeps_every_return_and_can_be_signed_off() -> None:
    first = returned()
    again = submit(
        first,
        b.patient(),
        account=b.NURSE_ACCOUNT,
        submitter=b.NURSE.as_person_ref(),
        at=RETURN_AT + timedelta(hours=1),
    )
    assert not again.is_returned
    second = return_for_correction(
        again,
        account=b.MANAGER_ACCOUNT,
        returner=b.MANAGER.as_person_ref(),
        comment="The outcome still needs the observations.",
        at=RETURN_AT + timedelta(hours=2),
    )
    assert [r.returned_at for r in second.returns] == [RETURN_AT, RETURN_AT + timedelta(hours=2)]
    final = submit(
        second,
        b.patient(),
        account=b.NURSE_ACCOUNT,
        submitter=b.NURSE.as_person_ref(),
        at=RETURN_AT + timedelta(hours=3),
    )
    signed = sign_off(
        final,
        account=b.MANAGER_ACCOUNT,
        signer=b.MANAGER.as_person_ref(),
        at=RETURN_AT + timedelta(hours=4),
    )
    assert signed.status is IncidentStatus.SIGNED_OFF
    assert len(signed.returns) == 2


@pytest.mark.parametrize(
    ("incident", "account", "person", "comment", "rule"),
    [
        (b.incident(), b.MANAGER_ACCOUNT, b.MANAGER.as_person_ref(), COMMENT, "Only a submitted"),
        (
            b.signed_off_incident(),
            b.MANAGER_ACCOUNT,
            b.MANAGER.as_person_ref(),
            COMMENT,
            "Only a submitted",
        ),
        (
            b.submitted_incident(),
            b.NURSE_ACCOUNT,
            b.NURSE.as_person_ref(),
            COMMENT,
            "may not return",
        ),
        (
            b.submitted_incident(),
            b.account(b.MANAGER, username="demo.manager", access_role="ward_manager", active=False),
            b.MANAGER.as_person_ref(),
            COMMENT,
            "not active",
        ),
        (
            b.submitted_incident(),
            b.MANAGER_ACCOUNT,
            b.NURSE.as_person_ref(),
            COMMENT,
            "must be the staff member",
        ),
        (
            b.submitted_incident(),
            b.MANAGER_ACCOUNT,
            b.MANAGER.as_person_ref(),
            "   ",
            "needs a comment",
        ),
    ],
)
def test_who_may_return_what(
    incident: UseOfForceIncident,
    account: UserAccount,
    person: PersonRef,
    comment: str,
    rule: str,
) -> None:
    with pytest.raises(RuleViolation, match=rule):
        return_for_correction(
            incident, account=account, returner=person, comment=comment, at=RETURN_AT
        )


def test_a_return_is_not_an_edit() -> None:
    """Returns move only through the workflow: a general edit may not add or drop one."""
    draft = returned()
    with pytest.raises(RuleViolation, match="Status and sign-off"):
        check_amendment(draft, draft.model_copy(update={"returns": ()}), None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (  # out of order
            {
                "returns": (
                    ReturnedForCorrection(
                        returned_by=b.MANAGER.as_person_ref(),
                        returned_at=RETURN_AT + timedelta(hours=1),
                        comment="Second",
                    ),
                    ReturnedForCorrection(
                        returned_by=b.MANAGER.as_person_ref(), returned_at=RETURN_AT, comment="1"
                    ),
                )
            },
            "returns",
        ),
        (  # before the incident began
            {
                "returns": (
                    ReturnedForCorrection(
                        returned_by=b.MANAGER.as_person_ref(),
                        returned_at=b.T0 - timedelta(hours=1),
                        comment="Too early",
                    ),
                )
            },
            "returns",
        ),
        (  # submitted again before the return
            {
                "status": IncidentStatus.SUBMITTED,
                "submitted_by": b.NURSE.as_person_ref(),
                "submitted_at": RETURN_AT - timedelta(minutes=30),
                "returns": (
                    ReturnedForCorrection(
                        returned_by=b.MANAGER.as_person_ref(), returned_at=RETURN_AT, comment="x"
                    ),
                ),
            },
            "submitted_at",
        ),
    ],
)
def test_returns_must_make_sense_in_time(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        UseOfForceIncident.build(**(b.incident_data() | overrides))
    assert [p.field for p in caught.value.problems] == [field]


def test_a_return_without_a_comment_is_refused_by_the_model_too() -> None:
    with pytest.raises(InvalidRecord):
        ReturnedForCorrection.build(
            returned_by=b.MANAGER.as_person_ref(), returned_at=RETURN_AT, comment=""
        )
