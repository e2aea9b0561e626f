"""Statutory completeness of a use-of-force record: s.6(5)(a)–(p), domain.md §2."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.base import Answer
from app.models.characteristics import ProtectedCharacteristics
from app.models.codes import InterventionType
from app.models.completeness import (
    DETAIL_ITEMS,
    PATIENT_ITEMS,
    STATUTORY_ITEMS,
    is_complete,
    missing_details,
    missing_for_sign_off,
    missing_for_submission,
    missing_items,
)
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import CarePlanNotification, ForceUse, PostIncidentReview
from app.models.patient import MentalDisorder, Patient
from tests.models import builders as b


@dataclass(frozen=True)
class Removal:
    """Changes that take statutory items away from the complete record of the builders."""

    incident: dict[str, Any] = field(default_factory=dict)
    patient: dict[str, Any] = field(default_factory=dict)
    uses: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __add__(self, other: "Removal") -> "Removal":
        return Removal(
            self.incident | other.incident, self.patient | other.patient, self.uses | other.uses
        )

    def apply(self) -> tuple[UseOfForceIncident, Patient]:
        uses = [
            ForceUse.model_validate(use.model_dump() | self.uses.get(n, {}))
            for n, use in enumerate(b.standard_force_uses())
        ]
        incident = b.incident(**({"force_uses": tuple(uses)} | self.incident))
        return incident, b.patient(**self.patient)


def letters(incident: UseOfForceIncident, patient: Patient | None) -> list[str]:
    return [item.item for item in missing_items(incident, patient)]


#: For each letter, ways to take exactly that item away from a complete record.
REMOVALS: dict[str, list[Removal]] = {
    "a": [Removal(incident={"reason": None}), Removal(incident={"reason_narrative": None})],
    "b": [Removal(incident={"location": None}), Removal(incident={"ended_at": None})],
    "c": [Removal(uses={2: {"ended_at": None}})],
    "d": [Removal(uses={0: {"in_care_plan": None}})],
    "e": [Removal(patient={"given_name": None, "family_name": None})],
    "f": [Removal(incident={"how_force_was_used": None})],
    "g": [Removal(patient={"nhs_number": None})],
    "h": [Removal(incident={"staff_involved": ()})],
    "i": [
        Removal(incident={"non_staff_involved": None}),
        Removal(incident={"non_staff_involved": True}),  # said yes, named no one
    ],
    "j": [Removal(patient={"mental_disorder": None})],
    "k": [
        Removal(patient={"characteristics": b.characteristics(sex=None)}),
        Removal(patient={"characteristics": b.characteristics(ethnicity=None)}),
        Removal(patient={"date_of_birth": None}),
    ],
    "l": [
        Removal(patient={"autism": None}),
        Removal(patient={"learning_disability": None}),
        # (l) is not "if known" in s.6(5): not known leaves it missing.
        Removal(patient={"learning_disability": Answer.NOT_KNOWN}),
    ],
    "m": [Removal(incident={"outcome": None})],
    "n": [Removal(incident={"serious_harm": None})],
    "o": [Removal(incident={"efforts_to_avoid_force": None})],
    "p": [Removal(incident={"care_plan_notification": None})],
}

REMOVAL_CASES = [
    pytest.param(letter, removal, id=f"{letter}-{n}")
    for letter, removals in REMOVALS.items()
    for n, removal in enumerate(removals)
]


def test_every_letter_has_a_removal_case() -> None:
    assert list(REMOVALS) == list(STATUTORY_ITEMS) == list("abcdefghijklmnop")


def test_complete_incident_misses_nothing() -> None:
    incident, patient = b.incident(), b.patient()
    assert missing_items(incident, patient) == []
    assert is_complete(incident, patient)
    assert missing_details(incident) == []
    assert missing_for_submission(incident, patient) == []
    assert missing_for_sign_off(incident) == []


@pytest.mark.parametrize(("letter", "removal"), REMOVAL_CASES)
def test_removing_one_item_reports_exactly_that_letter(letter: str, removal: Removal) -> None:
    incident, patient = removal.apply()
    missing = missing_items(incident, patient)
    assert [item.item for item in missing] == [letter]
    assert missing[0].wording == STATUTORY_ITEMS[letter]
    assert missing[0].wording.startswith(f"({letter}) ")
    assert missing[0].statutory
    assert not is_complete(incident, patient)


def test_wording_of_item_h() -> None:
    assert STATUTORY_ITEMS["h"] == "(h) name and job title of every member of staff who used force"


def test_empty_draft_without_patient_misses_every_letter_in_order() -> None:
    assert letters(b.empty_draft(), None) == list("abcdefghijklmnop")


def test_empty_draft_with_complete_patient_misses_only_the_incident_letters() -> None:
    assert letters(b.empty_draft(), b.patient()) == list("abcdfhimnop")
    assert frozenset("egjkl") == PATIENT_ITEMS


def test_bare_patient_record_misses_exactly_the_patient_letters() -> None:
    bare = Patient(id=b.PATIENT_ID, ward_id=b.WARD_ID, local_identifier="MBH0001")
    assert letters(b.incident(), bare) == list("egjkl")
    assert letters(b.empty_draft(), bare) == list("abcdefghijklmnop")


def test_no_force_use_misses_c_and_d() -> None:
    missing = missing_items(b.incident(force_uses=()), b.patient())
    assert [item.item for item in missing] == ["c", "d"]
    assert missing[0].detail == "no use of force recorded"


def test_explicit_not_known_answers_the_if_known_items() -> None:
    patient = b.patient(
        mental_disorder=MentalDisorder.not_known(),
        characteristics=ProtectedCharacteristics.all_not_known(),
        date_of_birth=None,
        date_of_birth_not_known=True,
    )
    assert missing_items(b.incident(), patient) == []


def test_none_to_notify_answers_p() -> None:
    incident = b.incident(care_plan_notification=CarePlanNotification.NONE_TO_NOTIFY)
    assert is_complete(incident, b.patient(care_plan_contacts=()))
    not_notified = b.incident(care_plan_notification=CarePlanNotification.NOT_NOTIFIED)
    assert is_complete(not_notified, b.patient())


def test_k_detail_names_the_unanswered_characteristics_but_no_patient_data() -> None:
    patient = b.patient(
        date_of_birth=None, characteristics=b.characteristics(sex=None, religion_or_belief=None)
    )
    [item] = missing_items(b.incident(), patient)
    assert item.detail == "not answered: age (date of birth), religion or belief, sex"
    assert "Morgan" not in str(item)


def test_patient_of_another_incident_is_refused() -> None:
    with pytest.raises(ValueError, match="patient"):
        missing_items(b.incident(), b.patient(id=b.OTHER_PATIENT_ID))


@given(removed=st.sets(st.sampled_from(sorted(REMOVALS)), min_size=1))
def test_removing_several_items_reports_exactly_those_in_letter_order(removed: set[str]) -> None:
    combined = Removal()
    for letter in removed:
        combined = combined + REMOVALS[letter][0]
    assert letters(*combined.apply()) == sorted(removed)


# ----------------------------------------------------------------------- beyond s.6(5)


def test_rt_without_details_is_missing_before_submission() -> None:
    uses = (b.force_use(InterventionType.CHEMICAL_INJECTION_RT, 0, 2),)
    incident = b.incident(force_uses=uses)
    assert is_complete(incident, b.patient())
    assert [m.item for m in missing_details(incident)] == ["rapid_tranquillisation"]
    assert [m.item for m in missing_for_submission(incident, b.patient())] == [
        "rapid_tranquillisation"
    ]


@pytest.mark.parametrize(
    ("authoriser", "missing"),
    [
        (None, ["mechanical_authorisation"]),
        (b.NURSE.as_person_ref(), ["mechanical_authorisation"]),  # not a senior clinician
        (b.MANAGER.as_person_ref(), []),
        (b.DOCTOR.as_person_ref(), []),
    ],
)
def test_mechanical_restraint_needs_a_senior_authoriser(
    authoriser: object, missing: list[str]
) -> None:
    uses = (b.force_use(InterventionType.MECHANICAL, 0, 20, authorised_by=authoriser),)
    assert [m.item for m in missing_details(b.incident(force_uses=uses))] == missing


def test_each_use_needs_its_injury_answers() -> None:
    uses = (b.force_use(InterventionType.PHYSICAL_STANDING, 0, 5, staff_injured=None),)
    assert [m.item for m in missing_details(b.incident(force_uses=uses))] == ["injuries"]


@pytest.mark.parametrize(
    ("review", "missing"),
    [
        (PostIncidentReview(), ["post_incident_review_patient", "post_incident_review_staff"]),
        (PostIncidentReview(held_with_patient=True), ["post_incident_review_staff"]),
        (
            PostIncidentReview(held_with_patient=False, held_with_staff=True),
            ["post_incident_review_patient"],
        ),
        (
            PostIncidentReview(
                held_with_patient=False,
                not_held_with_patient_reason="Declined; offered again next day.",
                held_with_staff=False,
            ),
            [],
        ),
    ],
)
def test_sign_off_needs_post_incident_review_answers(
    review: PostIncidentReview, missing: list[str]
) -> None:
    items = missing_for_sign_off(b.incident(post_incident_review=review))
    assert [m.item for m in items] == missing
    assert all(not m.statutory and m.wording == DETAIL_ITEMS[m.item] for m in items)


def test_dob_alone_answers_age() -> None:
    patient = b.patient(date_of_birth=date(1980, 1, 1))
    assert is_complete(b.incident(), patient)
