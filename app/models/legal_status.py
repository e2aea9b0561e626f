"""A patient's legal status under the Mental Health Act 1983 (domain.md §3, "What a segregation
review document holds": identity and legal status). Informal patients are included in the Use
of Force Act (domain.md §1), so "informal" is a status like any other.
"""

from __future__ import annotations

from enum import StrEnum


class LegalStatus(StrEnum):
    """The MHA 1983 section (or informal status) the patient is in hospital under."""

    INFORMAL = "informal"
    S2 = "s2"
    S3 = "s3"
    S4 = "s4"
    S5_2 = "s5_2"
    S5_4 = "s5_4"
    S35 = "s35"
    S36 = "s36"
    S37 = "s37"
    S37_41 = "s37_41"
    S38 = "s38"
    S47 = "s47"
    S47_49 = "s47_49"
    S48 = "s48"
    S48_49 = "s48_49"
    S135 = "s135"
    S136 = "s136"
    CTO_RECALL = "cto_recall"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Plain wording, e.g. "Section 37/41 (hospital order with restrictions)"."""
        return _LEGAL_STATUS_LABELS[self]

    @property
    def short_label(self) -> str:
        """Compact form for lists and the ward board, e.g. "s.37/41", "Informal"."""
        return _SHORT_LABELS[self]

    @property
    def is_detained(self) -> bool:
        """True for every status except informal (and "other", which says nothing)."""
        return self not in {LegalStatus.INFORMAL, LegalStatus.OTHER}

    @property
    def is_forensic(self) -> bool:
        """Part III (court or prison) sections."""
        return self in _PART_III


_PART_III = frozenset(
    {
        LegalStatus.S35,
        LegalStatus.S36,
        LegalStatus.S37,
        LegalStatus.S37_41,
        LegalStatus.S38,
        LegalStatus.S47,
        LegalStatus.S47_49,
        LegalStatus.S48,
        LegalStatus.S48_49,
    }
)

_SHORT_LABELS: dict[LegalStatus, str] = {
    LegalStatus.INFORMAL: "Informal",
    LegalStatus.S2: "s.2",
    LegalStatus.S3: "s.3",
    LegalStatus.S4: "s.4",
    LegalStatus.S5_2: "s.5(2)",
    LegalStatus.S5_4: "s.5(4)",
    LegalStatus.S35: "s.35",
    LegalStatus.S36: "s.36",
    LegalStatus.S37: "s.37",
    LegalStatus.S37_41: "s.37/41",
    LegalStatus.S38: "s.38",
    LegalStatus.S47: "s.47",
    LegalStatus.S47_49: "s.47/49",
    LegalStatus.S48: "s.48",
    LegalStatus.S48_49: "s.48/49",
    LegalStatus.S135: "s.135",
    LegalStatus.S136: "s.136",
    LegalStatus.CTO_RECALL: "CTO recall",
    LegalStatus.OTHER: "Other",
}

_LEGAL_STATUS_LABELS: dict[LegalStatus, str] = {
    LegalStatus.INFORMAL: "Informal (not detained)",
    LegalStatus.S2: "Section 2 (admission for assessment)",
    LegalStatus.S3: "Section 3 (admission for treatment)",
    LegalStatus.S4: "Section 4 (emergency admission for assessment)",
    LegalStatus.S5_2: "Section 5(2) (doctor's holding power)",
    LegalStatus.S5_4: "Section 5(4) (nurse's holding power)",
    LegalStatus.S35: "Section 35 (remand for a report)",
    LegalStatus.S36: "Section 36 (remand for treatment)",
    LegalStatus.S37: "Section 37 (hospital order)",
    LegalStatus.S37_41: "Section 37/41 (hospital order with restrictions)",
    LegalStatus.S38: "Section 38 (interim hospital order)",
    LegalStatus.S47: "Section 47 (transfer of a sentenced prisoner)",
    LegalStatus.S47_49: "Section 47/49 (transfer of a sentenced prisoner with restrictions)",
    LegalStatus.S48: "Section 48 (transfer of an unsentenced prisoner)",
    LegalStatus.S48_49: "Section 48/49 (transfer of an unsentenced prisoner with restrictions)",
    LegalStatus.S135: "Section 135 (warrant to search for and remove)",
    LegalStatus.S136: "Section 136 (removal to a place of safety)",
    LegalStatus.CTO_RECALL: "Community treatment order recall (section 17E)",
    LegalStatus.OTHER: "Other legal status",
}
