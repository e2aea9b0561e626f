"""Protected characteristics of the Equality Act 2010 and how they are recorded (domain.md §6).

Contract for every characteristic: ``None`` means "not answered yet" (statutory item (k) is
then missing); ``NOT_STATED`` means the person was asked and declined; ``NOT_KNOWN`` means
they were not asked (or could not be). Both are answers — s.6(5)(k) asks for the relevant
characteristics "if known" — so nothing here ever forces disclosure, and nothing is guessed or
inferred from another field (no pregnancy check against sex, no ethnicity from a name).

Age is the ninth characteristic: it is derived from the date of birth at an instant
(:func:`age_on`) and published in bands (:func:`age_band`), so it is not stored here.
The category lists are plain-wording versions of the NHS Data Dictionary / census lists; the
published breakdowns (domain.md §4.4) use ethnicity, sex and age band.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from app.models.base import DomainModel
from app.models.clock import local_date
from app.models.codes import EthnicCategory


class _Characteristic(StrEnum):
    """A characteristic's answers; every subclass has ``NOT_STATED`` and ``NOT_KNOWN``."""

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _LABELS.get(self.value, self.value.replace("_", " ").capitalize())

    @property
    def is_disclosed(self) -> bool:
        """False for "not stated" and "not known" (and "unsure" for orientation)."""
        return self.value not in {"not_stated", "not_known", "unsure"}


_LABELS: dict[str, str] = {
    "not_stated": "Not stated (asked, declined)",
    "not_known": "Not known (not asked)",
    "yes": "Yes",
    "no": "No",
    "married": "Married",
    "civil_partnership": "In a civil partnership",
    "divorced_or_dissolved": "Divorced / civil partnership dissolved",
    "widowed_or_surviving_partner": "Widowed / surviving civil partner",
    "recently_given_birth": "Has given birth in the last 26 weeks",
    "neither": "Neither pregnant nor recently given birth",
    "gay_or_lesbian": "Gay or lesbian",
    "other": "Other",
    "unsure": "Asked; does not know or is not sure",
    "indeterminate": "Indeterminate (unable to be classified as male or female)",
}


class Disability(_Characteristic):
    """Whether the person considers themselves disabled (Equality Act s.6)."""

    YES = "yes"
    NO = "no"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


class GenderReassignment(_Characteristic):
    """Whether the person is proposing to undergo, is undergoing or has undergone gender
    reassignment (Equality Act s.7).
    """

    YES = "yes"
    NO = "no"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


class MaritalStatus(_Characteristic):
    """Marriage and civil partnership (Equality Act s.8); the other statuses are recorded so
    that "no" is never assumed.
    """

    SINGLE = "single"
    MARRIED = "married"
    CIVIL_PARTNERSHIP = "civil_partnership"
    SEPARATED = "separated"
    DIVORCED_OR_DISSOLVED = "divorced_or_dissolved"
    WIDOWED_OR_SURVIVING_PARTNER = "widowed_or_surviving_partner"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


class PregnancyMaternity(_Characteristic):
    """Pregnancy and maternity (Equality Act s.18: the maternity period is 26 weeks)."""

    PREGNANT = "pregnant"
    RECENTLY_GIVEN_BIRTH = "recently_given_birth"
    NEITHER = "neither"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


class ReligionOrBelief(_Characteristic):
    """Religion or belief, in the census broad groups (Equality Act s.10)."""

    NO_RELIGION = "no_religion"
    BUDDHIST = "buddhist"
    CHRISTIAN = "christian"
    HINDU = "hindu"
    JEWISH = "jewish"
    MUSLIM = "muslim"
    SIKH = "sikh"
    OTHER = "other"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


class Sex(_Characteristic):
    """Sex (Equality Act s.11), as stated by the person."""

    FEMALE = "female"
    MALE = "male"
    INDETERMINATE = "indeterminate"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


class SexualOrientation(_Characteristic):
    """Sexual orientation (Equality Act s.12), after the NHS sexual orientation monitoring
    standard: "unsure" (asked, does not know or is not sure) is distinct from "not stated".
    """

    HETEROSEXUAL = "heterosexual"
    GAY_OR_LESBIAN = "gay_or_lesbian"
    BISEXUAL = "bisexual"
    OTHER = "other"
    UNSURE = "unsure"
    NOT_STATED = "not_stated"
    NOT_KNOWN = "not_known"


class ProtectedCharacteristics(DomainModel):
    """Eight of the nine protected characteristics (age comes from the date of birth).
    Every field starts unanswered; see the module docstring for the answer contract.
    """

    disability: Disability | None = None
    gender_reassignment: GenderReassignment | None = None
    marriage_civil_partnership: MaritalStatus | None = None
    pregnancy_maternity: PregnancyMaternity | None = None
    ethnicity: EthnicCategory | None = None
    religion_or_belief: ReligionOrBelief | None = None
    sex: Sex | None = None
    sexual_orientation: SexualOrientation | None = None

    def unanswered(self) -> list[str]:
        """Names of the characteristics not answered yet, in field order."""
        return [name for name, value in self if value is None]

    @classmethod
    def all_not_known(cls) -> ProtectedCharacteristics:
        """Every characteristic answered "not known (not asked)" — e.g. a patient admitted
        unconscious. Each answer is still an answer a person chose to record.
        """
        return cls(
            disability=Disability.NOT_KNOWN,
            gender_reassignment=GenderReassignment.NOT_KNOWN,
            marriage_civil_partnership=MaritalStatus.NOT_KNOWN,
            pregnancy_maternity=PregnancyMaternity.NOT_KNOWN,
            ethnicity=EthnicCategory.NOT_KNOWN,
            religion_or_belief=ReligionOrBelief.NOT_KNOWN,
            sex=Sex.NOT_KNOWN,
            sexual_orientation=SexualOrientation.NOT_KNOWN,
        )


# ---------------------------------------------------------------------------------------- age


def age_on(date_of_birth: date, at: datetime | date) -> int:
    """Age in completed years on ``at`` (an instant is read on the Europe/London calendar).

    Someone born on 29 February reaches each new age on 1 March in a common year (the usual
    reading of English law *(verify)*). Raises ``ValueError`` when ``at`` is before birth.
    """
    day = local_date(at) if isinstance(at, datetime) else at
    if day < date_of_birth:
        raise ValueError("date_of_birth: must not be after the date the age is taken at")
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


class AgeBand(StrEnum):
    """Age bands for published breakdowns (domain.md §4.4 "age band"). The cut points follow
    the common NHS mental-health publication bands *(verify)*; they live only here.
    """

    UNDER_18 = "under_18"
    FROM_18_TO_24 = "18_to_24"
    FROM_25_TO_34 = "25_to_34"
    FROM_35_TO_44 = "35_to_44"
    FROM_45_TO_54 = "45_to_54"
    FROM_55_TO_64 = "55_to_64"
    FROM_65 = "65_and_over"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        """Plain wording: "Under 18", "18 to 24" … "65 and over", "Not known"."""
        return self.value.replace("_", " ").capitalize()


#: Lower bound (inclusive) of each band, in order.
_AGE_BAND_STARTS: tuple[tuple[int, AgeBand], ...] = (
    (65, AgeBand.FROM_65),
    (55, AgeBand.FROM_55_TO_64),
    (45, AgeBand.FROM_45_TO_54),
    (35, AgeBand.FROM_35_TO_44),
    (25, AgeBand.FROM_25_TO_34),
    (18, AgeBand.FROM_18_TO_24),
    (0, AgeBand.UNDER_18),
)


def age_band(age: int | None) -> AgeBand:
    """The published band of ``age`` in years; ``None`` (date of birth not known) is
    :attr:`AgeBand.NOT_KNOWN`. Raises ``ValueError`` for a negative age.
    """
    if age is None:
        return AgeBand.NOT_KNOWN
    for start, band in _AGE_BAND_STARTS:
        if age >= start:
            return band
    raise ValueError("age: must not be negative")
