"""Versions of a record compared field by field and combined (design.md "Records are
revisions": history shows what changed; a conflict is resolved by choosing or combining)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.models.base import Answer
from app.models.codes import InterventionReason, InterventionType
from app.models.errors import InvalidRecord
from app.models.form_draft import FormDraft
from app.models.incident_parts import DoseUnit, IncidentStatus, SeriousHarm
from app.models.people import Permission
from app.models.record_diff import (
    NONE_LISTED,
    NOT_ANSWERED,
    FieldChange,
    changes_between,
    combine_versions,
    compare_versions,
    display_value,
    field_label,
)
from app.models.refs import ClinicalRole
from app.models.revision import RevisionAction
from app.models.revision_rules import (
    RESOLVE_PERMISSION,
    is_settled,
    resolution_needs_reason,
    void_permission,
)
from tests.models import builders as b


def _change(changes: tuple[FieldChange, ...], path: str) -> FieldChange:
    return next(c for c in changes if c.path == path)


# ------------------------------------------------------------------------------ wording


def test_labels_are_words_with_list_positions_counted_from_one() -> None:
    assert field_label("outcome") == "Outcome"
    assert field_label("force_uses.0.patient_injured") == "Force uses #1 › patient injured"
    assert field_label("nhs_number") == "NHS number"
    assert field_label("mental_disorder.icd10_code") == "Mental disorder › ICD-10 code"


def test_values_read_as_words_never_as_codes() -> None:
    assert display_value(None) == NOT_ANSWERED
    assert display_value(()) == NONE_LISTED
    assert display_value(value=True) == "Yes"
    assert display_value(value=False) == "No"
    assert display_value(InterventionReason.PREVENT_VIOLENCE_TO_OTHERS) == (
        "Prevent violence to others"
    )
    assert display_value(InterventionType.PHYSICAL_PRONE) == "Physical restraint – prone"
    # Code lists without a label of their own read as words, not as stored values.
    assert display_value(IncidentStatus.SIGNED_OFF) == "Signed off"
    assert display_value(SeriousHarm.SERIOUS_INJURY) == "Serious injury"
    assert display_value(Answer.NOT_KNOWN) == "Not known"
    assert display_value(ClinicalRole.REGISTERED_NURSE) == "Registered nurse"
    assert display_value(DoseUnit.MG) == "mg"
    assert display_value(Decimal("2.500")) == "2.5"
    assert display_value(date(1990, 5, 1)) == "01 May 1990"
    assert display_value("9990000018", field="nhs_number") == "999 000 0018"
    assert display_value(b.NURSE.as_person_ref()) == f"{b.NURSE.name} ({b.NURSE.job_title})"


def test_instants_show_on_the_london_wall_clock() -> None:
    summer = datetime(2024, 7, 1, 13, 5, tzinfo=UTC)
    winter = datetime(2024, 1, 15, 13, 5, tzinfo=UTC)
    assert display_value(summer) == "Mon 01 Jul 2024 14:05 BST"
    assert display_value(winter) == "Mon 15 Jan 2024 13:05 GMT"


# ------------------------------------------------------------------------------ changes


def test_a_change_lists_each_changed_field_with_dotted_paths() -> None:
    before = b.submitted_incident()
    first, *rest = before.force_uses
    after = before.model_copy(
        update={
            "outcome": "Settled; small bruise found next day.",
            "reason": InterventionReason.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM,
            "force_uses": (first.model_copy(update={"patient_injured": True}), *rest),
        }
    )
    changes = changes_between(before, after)
    assert {c.path for c in changes} == {"outcome", "reason", "force_uses.0.patient_injured"}
    injured = _change(changes, "force_uses.0.patient_injured")
    assert (injured.label, injured.old, injured.new) == (
        "Force uses #1 › patient injured",
        "No",
        "Yes",
    )
    reason = _change(changes, "reason")
    assert (reason.old, reason.new) == (
        "Prevent violence to others",
        "Prevent serious intentional self-harm",
    )
    assert changes_between(after, after) == ()


def test_sign_off_reads_as_a_status_change_in_words() -> None:
    changes = changes_between(b.submitted_incident(), b.signed_off_incident())
    status = _change(changes, "status")
    assert (status.old, status.new) == ("Submitted", "Signed off")
    signer = _change(changes, "signed_off_by")
    assert signer.old == NOT_ANSWERED
    assert signer.new == f"{b.MANAGER.name} ({b.MANAGER.job_title})"


def test_a_list_of_another_length_is_compared_whole() -> None:
    after = b.incident()  # the nurse and the support worker
    before = after.model_copy(update={"staff_involved": (b.NURSE.as_person_ref(),)})
    (change,) = changes_between(before, after)
    assert change.path == "staff_involved"
    assert change.old == f"{b.NURSE.name} ({b.NURSE.job_title})"
    assert change.new.count(";") == 1


def test_a_first_version_lists_what_it_answers() -> None:
    created = b.empty_draft(location="Day room")
    changes = changes_between(None, created)
    paths = [c.path for c in changes]
    assert "id" not in paths
    assert "patient_id" not in paths  # links to other records: the record's title names them
    assert "location" in paths
    assert "outcome" not in paths  # not answered yet: nothing to show
    assert _change(changes, "status").new == "Draft"
    assert all(c.old == NOT_ANSWERED for c in changes)


def test_versions_of_different_classes_are_not_compared() -> None:
    with pytest.raises(TypeError, match="one record class"):
        compare_versions((b.incident(), b.patient()))


def test_named_entries_are_compared_one_by_one_when_both_versions_have_them() -> None:
    draft = FormDraft(
        ward_id=b.WARD_ID,
        form="seclusion_review",
        values={"behaviour": "Calm", "notes": "Asleep"},
        saved_at=b.T0,
    )
    edited = draft.model_copy(update={"values": {"behaviour": "Calm", "notes": "Awake, eating"}})
    (change,) = changes_between(draft, edited)
    assert (change.path, change.label, change.old, change.new) == (
        "values.notes",
        "Values › notes",
        "Asleep",
        "Awake, eating",
    )
    assert combine_versions((draft, edited), {"values.notes": 0}, start=1) == draft
    fewer = draft.model_copy(update={"values": {"behaviour": "Calm"}})
    (whole,) = changes_between(draft, fewer)
    assert (whole.path, whole.old, whole.new) == (
        "values",
        "Behaviour: Calm; Notes: Asleep",
        "Behaviour: Calm",
    )


# ----------------------------------------------------------------------------- compare


def test_every_field_is_compared_across_versions_and_differences_are_flagged() -> None:
    base = b.submitted_incident()
    one = base.model_copy(update={"outcome": "Outcome from the office PC"})
    two = base.model_copy(update={"location": "Garden"})
    rows = {r.path: r for r in compare_versions((one, two))}
    assert rows["outcome"].differs
    assert rows["outcome"].values == ("Outcome from the office PC", base.outcome)
    assert rows["location"].values == ("Day room", "Garden")
    assert not rows["reason_narrative"].differs
    assert rows["force_uses.3.rapid_tranquillisation.drug"].values == ("Lorazepam", "Lorazepam")
    assert [r.path for r in compare_versions((one, two)) if r.differs] == ["location", "outcome"]


# ------------------------------------------------------------------------------ combine


def test_combining_takes_each_chosen_field_from_its_version() -> None:
    base = b.submitted_incident()
    first, *rest = base.force_uses
    one = base.model_copy(update={"outcome": "Outcome from the office PC"})
    two = base.model_copy(
        update={
            "location": "Garden",
            "force_uses": (first.model_copy(update={"staff_injured": True}), *rest),
        }
    )
    combined = combine_versions(
        (one, two), {"location": 1, "force_uses.0.staff_injured": 1}, start=0
    )
    assert combined.outcome == "Outcome from the office PC"
    assert combined.location == "Garden"
    assert combined.force_uses[0].staff_injured is True
    assert combined.id == base.id
    assert combine_versions((one, two), {}, start=1) == two
    assert (
        combine_versions(
            (one, two), {"outcome": 0, "location": 0, "force_uses.0.staff_injured": 0}, start=1
        )
        == one
    )


def test_a_combination_the_record_refuses_names_the_field_and_rule() -> None:
    base = b.submitted_incident()
    signed = b.signed_off_incident()
    # The signed-off status from one version without who signed it off from the other.
    with pytest.raises(InvalidRecord, match="signed off") as refused:
        combine_versions((base, signed), {"status": 1}, start=0)
    assert "signed off by: a signed-off record needs who signed it off" in str(refused.value)


def test_an_unknown_path_or_version_is_refused() -> None:
    one = b.incident()
    two = one.model_copy(update={"location": "Garden"})
    with pytest.raises(ValueError, match="not a field"):
        combine_versions((one, two), {"no_such_field.0": 1})
    with pytest.raises(ValueError, match="no version 3"):
        combine_versions((one, two), {"location": 2})


# ------------------------------------------------------------------------------- rules


def test_resolving_away_a_signed_off_or_voided_version_needs_a_reason() -> None:
    submitted = b.submitted_incident()
    signed = b.signed_off_incident()
    assert not resolution_needs_reason(
        [(RevisionAction.EDIT, submitted), (RevisionAction.EDIT, submitted)]
    )
    assert resolution_needs_reason(
        [(RevisionAction.EDIT, submitted), (RevisionAction.AMEND, signed)]
    )
    assert resolution_needs_reason(
        [(RevisionAction.EDIT, submitted), (RevisionAction.VOID, submitted)]
    )
    assert is_settled(RevisionAction.VOID, submitted)
    assert not is_settled(RevisionAction.EDIT, submitted)


def test_who_may_void_and_resolve() -> None:
    assert void_permission(b.submitted_incident()) is Permission.RECORD
    assert void_permission(b.signed_off_incident()) is Permission.SIGN_OFF
    assert void_permission(b.submitted_incident(), conflicted=True) is Permission.SIGN_OFF
    assert RESOLVE_PERMISSION is Permission.SIGN_OFF
