"""Who counts as what in seclusion and segregation records (domain.md §3, §7).

Small predicates over :class:`~app.models.refs.PersonRef` shared by the seclusion and
long-term segregation models, so "member of staff" and "approved clinician" mean the same
thing in every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.models.refs import ClinicalRole, PersonRef

#: People who take part in reviews but are not ward or trust clinical staff.
NOT_STAFF_ROLES = frozenset(
    {
        ClinicalRole.PATIENT,
        ClinicalRole.FAMILY_OR_CARER,
        ClinicalRole.IMHA,
        ClinicalRole.COMMISSIONER,
    }
)

#: May carry out the daily approved-clinician review of long-term segregation (domain.md §3
#: "Long-term segregation"). The responsible clinician is always an approved clinician; a
#: psychiatrist is accepted as the usual holder of approval *(verify)*.
APPROVED_CLINICIAN_ROLES = frozenset(
    {
        ClinicalRole.APPROVED_CLINICIAN,
        ClinicalRole.RESPONSIBLE_CLINICIAN,
        ClinicalRole.PSYCHIATRIST,
    }
)


def is_staff(person: PersonRef) -> bool:
    """True for a member of clinical or ward staff (not the patient, family, IMHA or
    commissioner).
    """
    return person.role not in NOT_STAFF_ROLES


def is_approved_clinician(person: PersonRef) -> bool:
    """True when ``person`` may carry out an approved-clinician review of LTS."""
    return person.role in APPROVED_CLINICIAN_ROLES


def is_commissioner(person: PersonRef) -> bool:
    """True for a representative of the commissioning authority."""
    return person.role is ClinicalRole.COMMISSIONER


def count_where(people: Iterable[PersonRef], test: Callable[[PersonRef], bool]) -> int:
    """How many of ``people`` pass ``test``."""
    return sum(1 for person in people if test(person))


def any_role(people: Iterable[PersonRef], test: Callable[[ClinicalRole], bool]) -> bool:
    """True when at least one of ``people`` has a role that passes ``test``."""
    return any(test(person.role) for person in people)
