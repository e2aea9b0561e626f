"""The patient: identity, characteristics and clinical facts a use-of-force record draws on.

The statutory record (domain.md §2) takes items (e) name, (g) NHS number, (j) mental disorder
"if known", (k) relevant characteristics "if known" and (l) learning disability or autism from
this record; :mod:`app.models.completeness` checks them here. Everything is optional in the
model (``None`` = not answered yet) so a patient can be registered the moment they arrive, e.g.
someone brought in on s.136 who will not give their name; only a way to tell the record apart
(a name, an NHS number or a local identifier) is required.

The record holds the patient's current facts; what they were at the time of an incident is the
revision current at that time (design.md "Records are revisions").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, ClassVar, Self
from uuid import UUID

from pydantic import AfterValidator, Field, model_validator

from app.models.base import Answer, DomainModel, PastDate, Record, RecordSummary, ShortText
from app.models.characteristics import AgeBand, ProtectedCharacteristics, age_band, age_on
from app.models.legal_status import LegalStatus
from app.models.nhs_number import NhsNumber, format_nhs_number

#: Dates of birth before this are taken to be typing mistakes.
EARLIEST_DATE_OF_BIRTH = date(1900, 1, 1)

_ICD10 = re.compile(r"^[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,2})?$")


def _valid_icd10(value: str) -> str:
    value = value.upper()
    if not _ICD10.match(value):
        raise ValueError("must be an ICD-10 code: a letter, two digits, optionally a dot and more")
    return value


#: An ICD-10 code such as ``F20.0`` (upper-cased).
Icd10Code = Annotated[str, AfterValidator(_valid_icd10)]


class MentalDisorder(DomainModel):
    """The patient's mental disorder, s.6(5)(j) "if known" (domain.md §2 item j).

    Three states, all distinct: no ``MentalDisorder`` at all (``None`` on the patient: not
    answered yet, item (j) missing); ``known=False`` (recorded as not known, which answers
    (j)); ``known=True`` with a ``description`` (and optionally its ICD-10 code).
    """

    known: bool
    description: ShortText | None = None
    icd10_code: Icd10Code | None = None

    @model_validator(mode="after")
    def _description_matches_known(self) -> Self:
        if self.known and self.description is None:
            raise ValueError("description: is required when the mental disorder is known")
        if not self.known and (self.description is not None or self.icd10_code is not None):
            raise ValueError("description: must be empty when the mental disorder is not known")
        return self

    @classmethod
    def not_known(cls) -> MentalDisorder:
        """The explicit answer "not known"."""
        return cls(known=False)


class NotificationContact(DomainModel):
    """A person the patient's care plan says is to be told when force is used on them
    (s.6(5)(p), domain.md §2 item p).
    """

    name: ShortText
    relationship: ShortText
    how_to_contact: ShortText


class Patient(Record):
    """A patient on a mental-health unit (Use of Force Act s.1(5)).

    ``ward_id`` is the current ward (the last ward after discharge). ``date_of_birth_not_known``
    is the explicit "not known" answer for age, so that item (k) can be complete without one.
    ``legal_status_detail`` says what "other" means and may qualify any status.
    """

    KIND: ClassVar[str] = "patient"

    ward_id: UUID
    given_name: ShortText | None = None
    family_name: ShortText | None = None
    nhs_number: NhsNumber | None = None
    local_identifier: ShortText | None = None
    date_of_birth: PastDate | None = None
    date_of_birth_not_known: bool = False
    characteristics: ProtectedCharacteristics = Field(default_factory=ProtectedCharacteristics)
    learning_disability: Answer | None = None
    autism: Answer | None = None
    mental_disorder: MentalDisorder | None = None
    legal_status: LegalStatus | None = None
    legal_status_detail: ShortText | None = None
    care_plan_contacts: tuple[NotificationContact, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (
            self.given_name is None
            and self.family_name is None
            and self.nhs_number is None
            and self.local_identifier is None
        ):
            raise ValueError(
                "family_name: a patient needs a name, an NHS number or a local identifier"
            )
        if self.date_of_birth is not None:
            if self.date_of_birth < EARLIEST_DATE_OF_BIRTH:
                raise ValueError("date_of_birth: must not be before 1900")
            if self.date_of_birth_not_known:
                raise ValueError(
                    "date_of_birth_not_known: cannot be set when a date of birth is recorded"
                )
        if self.legal_status is LegalStatus.OTHER and self.legal_status_detail is None:
            raise ValueError("legal_status_detail: is required when the legal status is other")
        return self

    # ------------------------------------------------------------------------ derived facts

    @property
    def has_name(self) -> bool:
        """A name has been recorded (item (e)); either part is enough (some people have one)."""
        return self.given_name is not None or self.family_name is not None

    @property
    def display_name(self) -> str:
        """The name as staff say it ("Alex Example"); "Name not recorded" if there is none."""
        parts = [p for p in (self.given_name, self.family_name) if p is not None]
        return " ".join(parts) if parts else "Name not recorded"

    @property
    def filing_name(self) -> str:
        """The name as sorted and printed on forms ("EXAMPLE, Alex")."""
        if self.family_name is None:
            return self.display_name
        if self.given_name is None:
            return self.family_name.upper()
        return f"{self.family_name.upper()}, {self.given_name}"

    @property
    def nhs_number_display(self) -> str | None:
        """The NHS number as 3-3-4 (domain.md §5), or ``None`` if not recorded."""
        return None if self.nhs_number is None else format_nhs_number(self.nhs_number)

    def age_at(self, at: datetime | date) -> int | None:
        """Age in completed years at ``at`` (:func:`~app.models.characteristics.age_on`), or
        ``None`` when no date of birth is recorded.
        """
        return None if self.date_of_birth is None else age_on(self.date_of_birth, at)

    def age_band_at(self, at: datetime | date) -> AgeBand:
        """The published age band at ``at`` (domain.md §4.4)."""
        return age_band(self.age_at(at))

    @property
    def age_answered(self) -> bool:
        """Age is answered for item (k): a date of birth, or the explicit "not known"."""
        return self.date_of_birth is not None or self.date_of_birth_not_known

    def summary(self) -> RecordSummary:
        """Indexed by current ward and by itself as the patient."""
        return RecordSummary(ward_id=self.ward_id, patient_id=self.id)
