"""The patient record: identity, protected characteristics (domain.md §6), age and bands,
mental disorder "if known", legal status, care-plan contacts.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.base import record_class
from app.models.characteristics import (
    AgeBand,
    Disability,
    GenderReassignment,
    MaritalStatus,
    PregnancyMaternity,
    ProtectedCharacteristics,
    ReligionOrBelief,
    Sex,
    SexualOrientation,
    age_band,
    age_on,
)
from app.models.clock import local_date, utc_now
from app.models.legal_status import LegalStatus
from app.models.patient import MentalDisorder, NotificationContact, Patient
from tests.models import builders as b
from tests.models.refusals import assert_refused

CHARACTERISTIC_ENUMS = (
    Disability,
    GenderReassignment,
    MaritalStatus,
    PregnancyMaternity,
    ReligionOrBelief,
    Sex,
    SexualOrientation,
)


def test_builder_patient_is_valid() -> None:
    patient = b.patient()
    assert patient.display_name == "Morgan Testperson"
    assert patient.filing_name == "TESTPERSON, Morgan"
    assert patient.nhs_number_display == "999 000 0018"
    assert patient.summary().patient_id == b.PATIENT_ID
    assert patient.summary().ward_id == b.WARD_ID
    assert record_class("patient") is Patient


def test_nhs_number_typed_with_spaces_is_stored_as_digits() -> None:
    assert b.patient(nhs_number="999 000 0026").nhs_number == "9990000026"


def test_names_may_be_unknown_if_another_identifier_exists() -> None:
    unnamed = b.patient(given_name=None, family_name=None)
    assert not unnamed.has_name
    assert unnamed.display_name == "Name not recorded"
    mononym = b.patient(given_name=None, family_name="Testperson")
    assert mononym.has_name
    assert mononym.filing_name == "TESTPERSON"


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "typed"),
    [
        ({"nhs_number": "9990000019"}, "nhs_number", "check digit does not match", "9990000019"),
        ({"nhs_number": "99900000"}, "nhs_number", "must be 10 digits", "99900000"),
        ({"nhs_number": "999000001X"}, "nhs_number", "digits only", "999000001X"),
        ({"given_name": "  "}, "given_name", "must not be empty", None),
        ({"family_name": ""}, "family_name", "must not be empty", None),
        (
            {"date_of_birth": local_date(utc_now()) + timedelta(days=2)},
            "date_of_birth",
            "must not be in the future",
            local_date(utc_now()) + timedelta(days=2),
        ),
        (
            {"date_of_birth": date(1899, 12, 31)},
            "date_of_birth",
            "must not be before 1900",
            date(1899, 12, 31),
        ),
        (
            {"date_of_birth_not_known": True},
            "date_of_birth_not_known",
            "cannot be set when a date of birth is recorded",
            None,
        ),
        (
            {"given_name": None, "family_name": None, "nhs_number": None, "local_identifier": None},
            "family_name",
            "needs a name, an NHS number or a local identifier",
            None,
        ),
        ({"legal_status": "s99"}, "legal_status", "is not one of the allowed codes", "s99"),
        (
            {"legal_status": LegalStatus.OTHER},
            "legal_status_detail",
            "is required when the legal status is other",
            None,
        ),
        ({"autism": "maybe"}, "autism", "is not one of the allowed codes", "maybe"),
        (
            {"characteristics": {"ethnicity": "Q"}},
            "characteristics.ethnicity",
            "is not one of the allowed codes",
            None,
        ),
        (
            {"characteristics": {"sex": "unspecified"}},
            "characteristics.sex",
            "is not one of the allowed codes",
            "unspecified",
        ),
        (
            {"mental_disorder": {"known": True}},
            "mental_disorder.description",
            "is required when the mental disorder is known",
            None,
        ),
        (
            {"mental_disorder": {"known": False, "description": "Psychosis"}},
            "mental_disorder.description",
            "must be empty when the mental disorder is not known",
            "Psychosis",
        ),
        (
            {"mental_disorder": {"known": True, "description": "Psychosis", "icd10_code": "F2"}},
            "mental_disorder.icd10_code",
            "must be an ICD-10 code",
            None,
        ),
        (
            {
                "care_plan_contacts": [
                    {"name": "", "relationship": "Sister", "how_to_contact": "Tel"}
                ]
            },
            "care_plan_contacts.0.name",
            "must not be empty",
            None,
        ),
        ({"hair_colour": "brown"}, "hair_colour", "is not a field of this record", "brown"),
    ],
)
def test_bad_patient_refused(overrides: dict[str, Any], field: str, rule: str, typed: Any) -> None:
    assert_refused(Patient, b.patient_data(**overrides), field=field, rule=rule, typed=typed)


def test_bad_nhs_number_message_does_not_echo_the_number() -> None:
    error = assert_refused(
        Patient,
        b.patient_data(nhs_number="943 476 5918"),
        field="nhs_number",
        rule="is not a valid NHS number",
    )
    assert "943" not in str(error)
    assert "5918" not in str(error)


def test_icd10_code_is_upper_cased() -> None:
    assert (
        MentalDisorder(known=True, description="Bipolar", icd10_code="f31.2").icd10_code == "F31.2"
    )


def test_mental_disorder_has_three_distinct_states() -> None:
    unanswered = b.patient(mental_disorder=None).mental_disorder
    not_known = b.patient(mental_disorder=MentalDisorder.not_known()).mental_disorder
    known = b.patient().mental_disorder
    assert unanswered is None
    assert not_known is not None
    assert not not_known.known
    assert known is not None
    assert known.known
    assert known.description == "Schizophrenia"


@pytest.mark.parametrize("enum", CHARACTERISTIC_ENUMS)
def test_every_characteristic_allows_not_stated_and_not_known(enum: Any) -> None:
    assert enum("not_stated").label == "Not stated (asked, declined)"
    assert enum("not_known").label == "Not known (not asked)"
    assert not enum("not_stated").is_disclosed
    assert all(member.label for member in enum)


def test_characteristics_start_unanswered_and_never_force_disclosure() -> None:
    blank = ProtectedCharacteristics()
    assert blank.unanswered() == list(ProtectedCharacteristics.model_fields)
    assert ProtectedCharacteristics.all_not_known().unanswered() == []
    assert b.patient(characteristics=blank).characteristics == blank


# ---------------------------------------------------------------------------------------- age


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2000, 5, 1), date(2024, 4, 30), 23),
        (date(2000, 5, 1), date(2024, 5, 1), 24),
        (date(2000, 2, 29), date(2023, 2, 28), 22),  # leap-day birthday: 1 March in common years
        (date(2000, 2, 29), date(2023, 3, 1), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(2024, 1, 1), date(2024, 1, 1), 0),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_age_at_an_instant_uses_the_london_calendar() -> None:
    # 23:30 UTC on 30 April is 00:30 BST on 1 May: the birthday has arrived on the ward.
    instant = datetime(2024, 4, 30, 23, 30, tzinfo=UTC)
    assert age_on(date(2000, 5, 1), instant) == 24
    patient = b.patient(date_of_birth=date(2000, 5, 1))
    assert patient.age_at(instant) == 24
    assert patient.age_band_at(instant) is AgeBand.FROM_18_TO_24


def test_age_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="date_of_birth"):
        age_on(date(2000, 5, 1), date(1999, 5, 1))


def test_age_not_known_when_no_date_of_birth() -> None:
    patient = b.patient(date_of_birth=None, date_of_birth_not_known=True)
    assert patient.age_at(b.T0) is None
    assert patient.age_band_at(b.T0) is AgeBand.NOT_KNOWN
    assert patient.age_answered
    assert not b.patient(date_of_birth=None).age_answered


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, AgeBand.UNDER_18),
        (17, AgeBand.UNDER_18),
        (18, AgeBand.FROM_18_TO_24),
        (24, AgeBand.FROM_18_TO_24),
        (25, AgeBand.FROM_25_TO_34),
        (44, AgeBand.FROM_35_TO_44),
        (54, AgeBand.FROM_45_TO_54),
        (64, AgeBand.FROM_55_TO_64),
        (65, AgeBand.FROM_65),
        (104, AgeBand.FROM_65),
        (None, AgeBand.NOT_KNOWN),
    ],
)
def test_age_bands(age: int | None, band: AgeBand) -> None:
    assert age_band(age) is band


def test_age_band_labels() -> None:
    assert AgeBand.UNDER_18.label == "Under 18"
    assert AgeBand.FROM_18_TO_24.label == "18 to 24"
    assert AgeBand.FROM_65.label == "65 and over"


def test_negative_age_refused() -> None:
    with pytest.raises(ValueError, match="age"):
        age_band(-1)


@given(born=st.dates(date(1900, 1, 1), date(2020, 12, 31)), years=st.integers(0, 100))
def test_age_on_birthday_is_the_number_of_years(born: date, years: int) -> None:
    if born.month == 2 and born.day == 29:
        born = born.replace(day=28)
    later = born.replace(year=born.year + years)
    assert age_on(born, later) == years
    if years:
        assert age_on(born, later - timedelta(days=1)) == years - 1


# ------------------------------------------------------------------------------- legal status


def test_legal_status_labels() -> None:
    assert LegalStatus.S37_41.short_label == "s.37/41"
    assert LegalStatus.S5_2.short_label == "s.5(2)"
    assert LegalStatus.S37_41.label.startswith("Section 37/41")
    assert all(status.label and status.short_label for status in LegalStatus)
    assert not LegalStatus.INFORMAL.is_detained
    assert LegalStatus.S136.is_detained
    assert LegalStatus.S48_49.is_forensic
    assert not LegalStatus.S3.is_forensic


def test_other_legal_status_with_detail() -> None:
    patient = b.patient(legal_status=LegalStatus.OTHER, legal_status_detail="DoLS authorisation")
    assert patient.legal_status is LegalStatus.OTHER


def test_care_plan_contacts_are_kept_in_order() -> None:
    contacts = (
        NotificationContact(name="Alex Testperson", relationship="Sister", how_to_contact="Tel"),
        NotificationContact(name="Chris Example", relationship="Carer", how_to_contact="Email"),
    )
    assert b.patient(care_plan_contacts=contacts).care_plan_contacts == contacts
