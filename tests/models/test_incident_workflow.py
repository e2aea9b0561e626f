"""Life cycle of a use-of-force record: draft → submitted → signed off, and amendments
(domain.md §2, §7; design.md "Records are revisions").
"""

from datetime import datetime, timedelta

import pytest

from app.models.clock import utc_now
from app.models.errors import InvalidRecord, RuleViolation
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus, PostIncidentReview
from app.models.incident_workflow import (
    IncompleteRecord,
    amendment_needs_reason,
    check_amendment,
    is_submission_overdue,
    sign_off,
    submission_due_at,
    submit,
)
from app.models.people import AccessRole, UserAccount
from app.models.refs import PersonRef
from tests.models import builders as b

SUBMIT_AT = b.T0 + timedelta(hours=2)
SIGN_AT = b.T0 + timedelta(days=1)


# ------------------------------------------------------------------------------------ submit


def test_submit_a_complete_draft() -> None:
    draft = b.incident()
    result = submit(
        draft,
        b.patient(),
        account=b.NURSE_ACCOUNT,
        submitter=b.NURSE.as_person_ref(),
        at=SUBMIT_AT,
    )
    assert result.status is IncidentStatus.SUBMITTED
    assert result.submitted_by == b.NURSE.as_person_ref()
    assert result.submitted_at == SUBMIT_AT
    assert result.id == draft.id
    assert draft.status is IncidentStatus.DRAFT  # the original is untouched
    assert result.summary().status == "submitted"


def test_submit_defaults_to_now() -> None:
    result = submit(
        b.incident(), b.patient(), account=b.NURSE_ACCOUNT, submitter=b.NURSE.as_person_ref()
    )
    assert result.submitted_at is not None
    assert result.submitted_at > SUBMIT_AT


def test_submit_incomplete_lists_missing_items_without_patient_data() -> None:
    draft = b.incident(outcome=None, staff_involved=())
    with pytest.raises(IncompleteRecord) as caught:
        submit(
            draft,
            b.patient(nhs_number=None),
            account=b.NURSE_ACCOUNT,
            submitter=b.NURSE.as_person_ref(),
            at=SUBMIT_AT,
        )
    assert [m.item for m in caught.value.missing] == ["g", "h", "m"]
    message = str(caught.value)
    assert "(h) name and job title of every member of staff who used force" in message
    assert "Morgan" not in message
    assert "Testperson" not in message


def test_submit_needs_the_details_too() -> None:
    uses = list(b.standard_force_uses())
    uses[3] = uses[3].model_copy(update={"rapid_tranquillisation": None})
    with pytest.raises(IncompleteRecord) as caught:
        submit(
            b.incident(force_uses=tuple(uses)),
            b.patient(),
            account=b.NURSE_ACCOUNT,
            submitter=b.NURSE.as_person_ref(),
            at=SUBMIT_AT,
        )
    assert [m.item for m in caught.value.missing] == ["rapid_tranquillisation"]


def test_submit_without_patient_record_is_incomplete() -> None:
    with pytest.raises(IncompleteRecord) as caught:
        submit(
            b.incident(),
            None,
            account=b.NURSE_ACCOUNT,
            submitter=b.NURSE.as_person_ref(),
            at=SUBMIT_AT,
        )
    assert [m.item for m in caught.value.missing] == list("egjkl")


@pytest.mark.parametrize(
    ("account", "person", "rule"),
    [
        (b.ADMIN_ACCOUNT, b.NURSE.as_person_ref(), "may not submit"),
        (b.account(active=False), b.NURSE.as_person_ref(), "not active"),
        (b.NURSE_ACCOUNT, b.SUPPORT_WORKER.as_person_ref(), "must be the staff member"),
        (
            b.NURSE_ACCOUNT,
            b.person_ref("Robin Ashdown", "Staff nurse", b.NURSE.role),  # no staff link
            "must be the staff member",
        ),
    ],
)
def test_submit_only_by_an_active_recording_account_in_its_own_name(
    account: UserAccount, person: PersonRef, rule: str
) -> None:
    with pytest.raises(RuleViolation, match=rule):
        submit(b.incident(), b.patient(), account=account, submitter=person, at=SUBMIT_AT)


def test_only_a_draft_can_be_submitted() -> None:
    with pytest.raises(RuleViolation, match="Only a draft"):
        submit(
            b.submitted_incident(),
            b.patient(),
            account=b.NURSE_ACCOUNT,
            submitter=b.NURSE.as_person_ref(),
            at=SUBMIT_AT,
        )


def test_submission_time_is_validated() -> None:
    with pytest.raises(InvalidRecord, match="submitted at: must not be before the incident ended"):
        submit(
            b.incident(),
            b.patient(),
            account=b.NURSE_ACCOUNT,
            submitter=b.NURSE.as_person_ref(),
            at=b.T0 + timedelta(minutes=5),
        )


# ---------------------------------------------------------------------------------- sign off


def test_ward_manager_signs_off_a_submitted_record() -> None:
    record = b.submitted_incident()
    result = sign_off(
        record, account=b.MANAGER_ACCOUNT, signer=b.MANAGER.as_person_ref(), at=SIGN_AT
    )
    assert result.status is IncidentStatus.SIGNED_OFF
    assert result.is_signed_off()
    assert result.signed_off_by == b.MANAGER.as_person_ref()
    assert result.signed_off_at == SIGN_AT
    assert result.submitted_by == record.submitted_by
    assert not record.is_signed_off()


def test_a_nurse_cannot_sign_off() -> None:
    with pytest.raises(RuleViolation, match="may not sign off"):
        sign_off(
            b.submitted_incident(),
            account=b.NURSE_ACCOUNT,
            signer=b.NURSE.as_person_ref(),
            at=SIGN_AT,
        )


def test_an_admin_cannot_sign_off() -> None:
    assert b.ADMIN_ACCOUNT.access_role is AccessRole.ADMIN
    with pytest.raises(RuleViolation, match="may not sign off"):
        sign_off(
            b.submitted_incident(),
            account=b.ADMIN_ACCOUNT,
            signer=b.MANAGER.as_person_ref(),
            at=SIGN_AT,
        )


@pytest.mark.parametrize("record", [b.incident(), b.signed_off_incident()])
def test_sign_off_only_from_submitted(record: UseOfForceIncident) -> None:
    with pytest.raises(RuleViolation, match="Only a submitted record"):
        sign_off(record, account=b.MANAGER_ACCOUNT, signer=b.MANAGER.as_person_ref(), at=SIGN_AT)


def test_sign_off_in_someone_elses_name_refused() -> None:
    with pytest.raises(RuleViolation, match="must be the staff member"):
        sign_off(
            b.submitted_incident(),
            account=b.MANAGER_ACCOUNT,
            signer=b.NURSE.as_person_ref(),
            at=SIGN_AT,
        )


def test_sign_off_needs_the_post_incident_review() -> None:
    record = b.submitted_incident(post_incident_review=PostIncidentReview(held_with_staff=True))
    with pytest.raises(IncompleteRecord) as caught:
        sign_off(record, account=b.MANAGER_ACCOUNT, signer=b.MANAGER.as_person_ref(), at=SIGN_AT)
    assert [m.item for m in caught.value.missing] == ["post_incident_review_patient"]


def test_sign_off_before_submission_time_refused() -> None:
    with pytest.raises(InvalidRecord, match="signed off at: must not be before submitted_at"):
        sign_off(
            b.submitted_incident(),
            account=b.MANAGER_ACCOUNT,
            signer=b.MANAGER.as_person_ref(),
            at=b.T0 + timedelta(hours=1),
        )


def test_whole_life_cycle() -> None:
    draft = b.incident()
    done = sign_off(
        submit(
            draft,
            b.patient(),
            account=b.NURSE_ACCOUNT,
            submitter=b.NURSE.as_person_ref(),
            at=SUBMIT_AT,
        ),
        account=b.MANAGER_ACCOUNT,
        signer=b.MANAGER.as_person_ref(),
        at=SIGN_AT,
    )
    assert done.summary().status == "signed_off"
    assert (
        done.model_copy(
            update={
                "status": draft.status,
                "submitted_by": None,
                "submitted_at": None,
                "signed_off_by": None,
                "signed_off_at": None,
            }
        )
        == draft
    )


# -------------------------------------------------------------------------------- amendments


def test_changing_a_signed_off_record_needs_a_reason() -> None:
    previous = b.signed_off_incident()
    proposed = previous.model_copy(update={"outcome": "Settled; returned to bedroom."})
    assert amendment_needs_reason(previous, proposed)
    with pytest.raises(RuleViolation, match="needs a reason"):
        check_amendment(previous, proposed, None)
    with pytest.raises(RuleViolation, match="needs a reason"):
        check_amendment(previous, proposed, "   ")
    check_amendment(previous, proposed, "Outcome typed from the wrong record.")


def test_unchanged_signed_off_record_needs_no_reason() -> None:
    previous = b.signed_off_incident()
    assert not amendment_needs_reason(previous, previous)
    check_amendment(previous, previous, None)


@pytest.mark.parametrize("record", [b.incident(), b.submitted_incident()])
def test_changes_before_sign_off_need_no_reason(record: UseOfForceIncident) -> None:
    proposed = record.model_copy(update={"location": "Corridor"})
    assert not amendment_needs_reason(record, proposed)
    check_amendment(record, proposed, None)


def test_status_only_moves_through_the_workflow() -> None:
    previous = b.submitted_incident()
    proposed = previous.model_copy(update={"status": IncidentStatus.DRAFT, "submitted_by": None})
    with pytest.raises(RuleViolation, match="only change by submitting or signing off"):
        check_amendment(previous, proposed, "undo")


def test_amendment_must_be_to_the_same_record() -> None:
    with pytest.raises(RuleViolation, match="same record"):
        check_amendment(b.signed_off_incident(), b.signed_off_incident(), "reason")


@pytest.mark.parametrize(
    ("at", "rule"),
    [
        (datetime(2024, 5, 1, 18, 0), "must include a time zone"),  # noqa: DTZ001
        (utc_now() + timedelta(days=1), "must not be in the future"),
    ],
)
def test_transition_times_are_validated(at: datetime, rule: str) -> None:
    with pytest.raises(InvalidRecord, match=rule) as caught:
        submit(
            b.incident(),
            b.patient(),
            account=b.NURSE_ACCOUNT,
            submitter=b.NURSE.as_person_ref(),
            at=at,
        )
    assert caught.value.problems[0].field == "submitted_at"


def test_submission_due_within_24_hours_of_the_end() -> None:
    draft = b.incident()
    due = b.T0 + timedelta(minutes=25, hours=24)
    assert submission_due_at(draft) == due
    assert not is_submission_overdue(draft, due)
    assert is_submission_overdue(draft, due + timedelta(seconds=1))
    assert not is_submission_overdue(b.submitted_incident(), due + timedelta(days=9))
    assert submission_due_at(b.empty_draft()) == b.T0 + timedelta(hours=24)
