"""The ward's register of blanket restrictions: exemptions, ending with a reason, bad input
(issue 10, item 1; app.models.blanket_restrictions)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from app.models.base import RECORD_KINDS
from app.models.blanket_restrictions import (
    BlanketRestriction,
    BlanketRestrictionCategory,
    is_subject_to,
    restrictions_on,
)
from app.models.clock import utc_now
from app.models.restriction_words import WORDS_BY_KIND
from tests.models.isolation_asserts import assert_round_trips
from tests.models.isolation_builders import (
    COMMISSIONER,
    IMHA,
    NURSE,
    OTHER_PATIENT_ID,
    PATIENT_ID,
    START,
    WARD_ID,
)
from tests.models.refusals import assert_refused
from tests.models.restriction_builders import (
    WARD_MANAGER,
    blanket_restriction,
    blanket_restriction_data,
    exemption,
)

SECRET = "Zebedee-Quartz-7731"
END = START + timedelta(days=60)
ENDED = {"ended_at": END, "ended_by": WARD_MANAGER, "end_reason": "New toasters with cut-outs"}


def test_a_valid_restriction_is_active_on_its_ward() -> None:
    restriction = blanket_restriction()
    summary = restriction.summary()
    assert (summary.ward_id, summary.patient_id, summary.status) == (WARD_ID, None, "active")
    assert summary.starts_at == START
    assert summary.ends_at is None
    assert RECORD_KINDS["blanket_restriction"] is BlanketRestriction
    assert restriction.category.label.startswith("Locked rooms")
    assert_round_trips(restriction)


def test_ending_is_a_new_version_that_keeps_everything_else() -> None:
    running = blanket_restriction(exemptions=[exemption()])
    ended = BlanketRestriction.build(**(running.model_dump() | ENDED))
    assert ended.id == running.id
    assert ended.summary().status == "ended"
    assert ended.summary().ends_at == END
    assert ended.exemptions == running.exemptions
    assert ended.is_active_at(END - timedelta(seconds=1))
    assert not ended.is_active_at(END)
    assert_round_trips(ended)


@pytest.mark.parametrize("category", list(BlanketRestrictionCategory))
def test_every_category_has_words(category: BlanketRestrictionCategory) -> None:
    assert blanket_restriction(category=category).category.label


# Exemptions: (patient, exemptions, at, subject to the restriction?)
ASSESSED = date(2024, 5, 10)
EXEMPTION_CASES = [
    pytest.param(PATIENT_ID, [], START, True, id="no_exemption"),
    pytest.param(PATIENT_ID, [exemption()], START + timedelta(days=30), False, id="exempted"),
    pytest.param(
        OTHER_PATIENT_ID, [exemption()], START + timedelta(days=30), True, id="someone_else_exempt"
    ),
    pytest.param(
        PATIENT_ID,
        [exemption()],
        datetime(2024, 5, 9, 22, 59, tzinfo=UTC),  # 23:59 BST on 9 May, the day before
        True,
        id="before_the_assessment_day",
    ),
    pytest.param(
        PATIENT_ID,
        [exemption()],
        datetime(2024, 5, 9, 23, 0, tzinfo=UTC),  # 00:00 BST on 10 May
        False,
        id="from_the_start_of_the_assessment_day",
    ),
    pytest.param(PATIENT_ID, [], START - timedelta(seconds=1), False, id="before_it_started"),
    pytest.param(PATIENT_ID, [], END, False, id="after_it_ended"),
]


@pytest.mark.parametrize(("patient_id", "exemptions", "at", "subject"), EXEMPTION_CASES)
def test_an_exempted_patient_is_not_subject_to_the_restriction(
    patient_id: Any, exemptions: list[dict[str, Any]], at: datetime, subject: bool
) -> None:
    restriction = blanket_restriction(exemptions=exemptions, **ENDED)
    assert is_subject_to(restriction, patient_id, at) is subject
    assert (restrictions_on([restriction], patient_id, at) == (restriction,)) is subject


def test_restrictions_on_a_patient_lists_only_those_that_apply() -> None:
    kitchen = blanket_restriction()
    phones = blanket_restriction(
        title="Mobile phones handed in at night",
        category=BlanketRestrictionCategory.SET_TIMES,
        exemptions=[exemption(OTHER_PATIENT_ID)],
    )
    at = START + timedelta(days=30)
    assert restrictions_on([kitchen, phones], PATIENT_ID, at) == (kitchen, phones)
    assert restrictions_on([kitchen, phones], OTHER_PATIENT_ID, at) == (kitchen,)
    assert phones.exemption_for(OTHER_PATIENT_ID) is not None
    assert phones.exemption_for(PATIENT_ID) is None


def _future_day() -> date:
    return (utc_now() + timedelta(days=3)).date()


BAD = [
    # Ending needs a reason (and who), and only an end has one.
    ({"ended_at": END, "ended_by": WARD_MANAGER}, "end_reason", "is required when"),
    ({**ENDED, "end_reason": "   "}, "end_reason", "must not be empty"),
    ({"ended_at": END, "end_reason": "No longer needed"}, "ended_by", "is required once it ends"),
    ({"end_reason": "No longer needed"}, "end_reason", "is only recorded when the restriction"),
    ({"ended_by": WARD_MANAGER}, "ended_by", "is only recorded when the restriction ends"),
    ({**ENDED, "ended_at": START - timedelta(hours=1)}, "ended_at", "must not be before"),
    # Exemptions need an assessment date and a reason; one per patient.
    (
        {"exemptions": [{"patient_id": PATIENT_ID, "reason": "Safe"}]},
        "exemptions.0.assessed_on",
        "is required",
    ),
    ({"exemptions": [exemption(reason=" ")]}, "exemptions.0.reason", "must not be empty"),
    ({"exemptions": [exemption(assessed_on=None)]}, "exemptions.0.assessed_on", "is not a date"),
    ({"exemptions": [exemption(), exemption()]}, "exemptions", "each patient is listed once"),
    (
        {"exemptions": [exemption(patient_id=SECRET)]},
        "exemptions.0.patient_id",
        "not a valid identifier",
    ),
    # What, why, who and when.
    ({"title": ""}, "title", "must not be empty"),
    ({"title": SECRET * 20}, "title", "is too long"),
    ({"category": SECRET}, "category", "is not one of the allowed codes"),
    ({"reason": " "}, "reason", "must not be empty"),
    ({"approved_by": COMMISSIONER}, "approved_by", "approved by a member of staff"),
    ({"approved_by": IMHA}, "approved_by", "approved by a member of staff"),
    (
        {"approved_by": {"name": "Sam", "role": "ward_manager"}},
        "approved_by.job_title",
        "is required",
    ),
    ({"approved_on": SECRET}, "approved_on", "is not a date"),
    ({"started_at": utc_now() + timedelta(days=2)}, "started_at", "must not be in the future"),
    # Reviews.
    ({"review_on": date(2024, 4, 30)}, "review_on", "must not be before the day it started"),
    (
        {
            "reviewed_at": START + timedelta(days=40),
            "reviewed_by": NURSE,
            "review_on": date(2024, 6, 1),
        },
        "review_on",
        "or was last reviewed",
    ),
    ({"reviewed_at": START + timedelta(days=1)}, "reviewed_by", "given together"),
    ({"reviewed_by": NURSE}, "reviewed_at", "given together"),
    (
        {"reviewed_at": START - timedelta(days=1), "reviewed_by": NURSE},
        "reviewed_at",
        "must not be before",
    ),
    (
        {**ENDED, "reviewed_at": END + timedelta(days=1), "reviewed_by": NURSE},
        "reviewed_at",
        "after the restriction ended",
    ),
    ({"ward_id": SECRET}, "ward_id", "is not a valid identifier"),
    ({"notes": SECRET}, "notes", "is not a field of this record"),
]


@pytest.mark.parametrize(("overrides", "field", "rule"), BAD)
def test_bad_input_is_refused_naming_the_field_and_rule(
    overrides: dict[str, Any], field: str, rule: str
) -> None:
    assert_refused(BlanketRestriction, blanket_restriction_data(**overrides), field, rule, SECRET)


def test_an_exemption_assessed_in_the_future_is_refused() -> None:
    data = blanket_restriction_data(exemptions=[exemption(assessed_on=_future_day())])
    assert_refused(
        BlanketRestriction, data, "exemptions.0.assessed_on", "must not be in the future"
    )


def test_the_form_shows_a_definition_and_an_example() -> None:
    words = WORDS_BY_KIND[BlanketRestriction.KIND]
    assert words.title == "Blanket restriction"
    assert "everyone" in words.definition
    assert words.example
