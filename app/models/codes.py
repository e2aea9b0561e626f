"""National code lists: MHSDS v5 restrictive intervention types and reasons, NHS ethnic
categories (domain.md §4.2, §4.3, §6). Codes are the national values; labels are plain wording.
"""

from __future__ import annotations

from enum import StrEnum


class ForceCategory(StrEnum):
    """The four kinds of force in the Use of Force Act s.1 (domain.md §1)."""

    PHYSICAL = "physical"
    MECHANICAL = "mechanical"
    CHEMICAL = "chemical"
    ISOLATION = "isolation"


class InterventionType(StrEnum):
    """MHSDS ``RestrictiveIntType`` (domain.md §4.2). 02 and 03 are retired and refused."""

    PHYSICAL_PRONE = "01"
    MECHANICAL = "04"
    SECLUSION = "05"
    SEGREGATION = "06"
    PHYSICAL_STANDING = "07"
    PHYSICAL_RESTRICTIVE_ESCORT = "08"
    PHYSICAL_SUPINE = "09"
    PHYSICAL_SIDE = "10"
    PHYSICAL_SEATED = "11"
    PHYSICAL_KNEELING = "12"
    PHYSICAL_OTHER = "13"
    CHEMICAL_INJECTION_RT = "14"
    CHEMICAL_INJECTION_NOT_RT = "15"
    CHEMICAL_ORAL = "16"
    CHEMICAL_OTHER = "17"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _TYPE_LABELS[self]

    @property
    def category(self) -> ForceCategory:
        """Physical, mechanical, chemical or isolation."""
        if self in (InterventionType.SECLUSION, InterventionType.SEGREGATION):
            return ForceCategory.ISOLATION
        if self is InterventionType.MECHANICAL:
            return ForceCategory.MECHANICAL
        if self.value in {"14", "15", "16", "17"}:
            return ForceCategory.CHEMICAL
        return ForceCategory.PHYSICAL

    @property
    def is_prone(self) -> bool:
        """Face-down restraint, reported split at 10 minutes (domain.md §3, other rules)."""
        return self is InterventionType.PHYSICAL_PRONE

    @property
    def is_rapid_tranquillisation(self) -> bool:
        """Type 14 carries the rapid-tranquillisation details (drug, dose, route …)."""
        return self is InterventionType.CHEMICAL_INJECTION_RT


_TYPE_LABELS: dict[InterventionType, str] = {
    InterventionType.PHYSICAL_PRONE: "Physical restraint – prone",
    InterventionType.MECHANICAL: "Mechanical restraint",
    InterventionType.SECLUSION: "Seclusion",
    InterventionType.SEGREGATION: "Segregation",
    InterventionType.PHYSICAL_STANDING: "Physical restraint – standing",
    InterventionType.PHYSICAL_RESTRICTIVE_ESCORT: "Physical restraint – restrictive escort",
    InterventionType.PHYSICAL_SUPINE: "Physical restraint – supine",
    InterventionType.PHYSICAL_SIDE: "Physical restraint – side",
    InterventionType.PHYSICAL_SEATED: "Physical restraint – seated",
    InterventionType.PHYSICAL_KNEELING: "Physical restraint – kneeling",
    InterventionType.PHYSICAL_OTHER: "Physical restraint – other",
    InterventionType.CHEMICAL_INJECTION_RT: (
        "Chemical restraint – injection (rapid tranquillisation)"
    ),
    InterventionType.CHEMICAL_INJECTION_NOT_RT: "Chemical restraint – injection (not RT)",
    InterventionType.CHEMICAL_ORAL: "Chemical restraint – oral",
    InterventionType.CHEMICAL_OTHER: "Chemical restraint – other",
}


class InterventionReason(StrEnum):
    """MHSDS ``RestrictiveIntReason`` (domain.md §4.3)."""

    PREVENT_VIOLENCE_TO_OTHERS = "10"
    PREVENT_SERIOUS_INTENTIONAL_SELF_HARM = "11"
    PREVENT_SERIOUS_ACCIDENTAL_INJURY_TO_SELF = "12"
    LAWFULLY_GIVE_MEDICINE_OR_TREATMENT = "13"
    FACILITATE_PERSONAL_CARE = "14"
    FACILITATE_NASOGASTRIC_FEEDING = "15"
    PREVENT_EXTREME_PROLONGED_OVERACTIVITY = "16"
    PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR = "17"
    SEARCH_FOR_SAFETY_OF_OTHERS = "18"
    PREVENT_ABSCONDING = "19"
    OTHER = "98"
    NOT_KNOWN = "99"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _REASON_LABELS[self]


_REASON_LABELS: dict[InterventionReason, str] = {
    InterventionReason.PREVENT_VIOLENCE_TO_OTHERS: "Prevent violence to others",
    InterventionReason.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM: (
        "Prevent serious intentional self-harm"
    ),
    InterventionReason.PREVENT_SERIOUS_ACCIDENTAL_INJURY_TO_SELF: (
        "Prevent serious accidental injury to self"
    ),
    InterventionReason.LAWFULLY_GIVE_MEDICINE_OR_TREATMENT: "Lawfully give medicine or treatment",
    InterventionReason.FACILITATE_PERSONAL_CARE: "Facilitate personal care",
    InterventionReason.FACILITATE_NASOGASTRIC_FEEDING: "Facilitate nasogastric feeding",
    InterventionReason.PREVENT_EXTREME_PROLONGED_OVERACTIVITY: (
        "Prevent extreme and prolonged over-activity"
    ),
    InterventionReason.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR: (
        "Prevent otherwise dangerous behaviour"
    ),
    InterventionReason.SEARCH_FOR_SAFETY_OF_OTHERS: (
        "Search of clothing or property for the safety of others"
    ),
    InterventionReason.PREVENT_ABSCONDING: "Prevent absconding from lawful custody",
    InterventionReason.OTHER: "Other",
    InterventionReason.NOT_KNOWN: "Not known",
}


class EthnicCategory(StrEnum):
    """NHS Data Dictionary ethnic category (domain.md §6). Z = not stated, 99 = not known."""

    WHITE_BRITISH = "A"
    WHITE_IRISH = "B"
    WHITE_OTHER = "C"
    MIXED_WHITE_BLACK_CARIBBEAN = "D"
    MIXED_WHITE_BLACK_AFRICAN = "E"
    MIXED_WHITE_ASIAN = "F"
    MIXED_OTHER = "G"
    ASIAN_INDIAN = "H"
    ASIAN_PAKISTANI = "J"
    ASIAN_BANGLADESHI = "K"
    ASIAN_OTHER = "L"
    BLACK_CARIBBEAN = "M"
    BLACK_AFRICAN = "N"
    BLACK_OTHER = "P"
    CHINESE = "R"
    OTHER = "S"
    NOT_STATED = "Z"
    NOT_KNOWN = "99"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _ETHNIC_LABELS[self]

    @property
    def broad_group(self) -> str:
        """The five broad groups used in published breakdowns, plus the two unknowns."""
        return _ETHNIC_GROUPS[self.value]


_ETHNIC_LABELS: dict[EthnicCategory, str] = {
    EthnicCategory.WHITE_BRITISH: "White – British",
    EthnicCategory.WHITE_IRISH: "White – Irish",
    EthnicCategory.WHITE_OTHER: "White – any other White background",
    EthnicCategory.MIXED_WHITE_BLACK_CARIBBEAN: "Mixed – White and Black Caribbean",
    EthnicCategory.MIXED_WHITE_BLACK_AFRICAN: "Mixed – White and Black African",
    EthnicCategory.MIXED_WHITE_ASIAN: "Mixed – White and Asian",
    EthnicCategory.MIXED_OTHER: "Mixed – any other mixed background",
    EthnicCategory.ASIAN_INDIAN: "Asian or Asian British – Indian",
    EthnicCategory.ASIAN_PAKISTANI: "Asian or Asian British – Pakistani",
    EthnicCategory.ASIAN_BANGLADESHI: "Asian or Asian British – Bangladeshi",
    EthnicCategory.ASIAN_OTHER: "Asian or Asian British – any other Asian background",
    EthnicCategory.BLACK_CARIBBEAN: "Black or Black British – Caribbean",
    EthnicCategory.BLACK_AFRICAN: "Black or Black British – African",
    EthnicCategory.BLACK_OTHER: "Black or Black British – any other Black background",
    EthnicCategory.CHINESE: "Other ethnic groups – Chinese",
    EthnicCategory.OTHER: "Other ethnic groups – any other ethnic group",
    EthnicCategory.NOT_STATED: "Not stated (asked, declined)",
    EthnicCategory.NOT_KNOWN: "Not known (not asked)",
}

_ETHNIC_GROUPS: dict[str, str] = {
    **dict.fromkeys("ABC", "White"),
    **dict.fromkeys("DEFG", "Mixed"),
    **dict.fromkeys("HJKL", "Asian"),
    **dict.fromkeys("MNP", "Black"),
    **dict.fromkeys("RS", "Other"),
    "Z": "Not stated",
    "99": "Not known",
}
