"""Each member of staff's own account of their part in a use of force.

The statutory record names every member of staff who used force, with their job title
(domain.md §2 item (h)); each of them is then asked for their own account — what they did,
which hold, their role — on their next sign-in, and reminded until they give it (the issue's
item 7; the shape follows the MoJ use-of-force workflow in style.md: report, then each
involved officer's statement). Rules:

- an account is never edited, only added to: an addition is a new :class:`StaffStatement`
  whose ``adds_to`` names the account it adds to, by the same person about the same incident
  (:func:`check_statement`); a given account counts as final, so the store treats any change
  to one as an amendment that needs a reason (design.md "Records are revisions");
- who still owes an account is :func:`statements_owed`: staff named on a submitted or
  signed-off incident that began within ``RecordingPolicy.statements_asked_within``
  *(configurable)*, who have given none for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar, Self
from uuid import UUID

from pydantic import field_validator, model_validator

from app.models.base import PastInstant, Record, RecordSummary, RequiredText, ShortText
from app.models.clock import as_utc
from app.models.codes import InterventionType
from app.models.errors import RuleViolation
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy
from app.models.refs import PersonRef

#: Incidents whose content is settled enough to ask the staff named on them for an account.
ASKED_FOR: frozenset[IncidentStatus] = frozenset(
    {IncidentStatus.SUBMITTED, IncidentStatus.SIGNED_OFF}
)
#: The summary status of a first account and of an addition.
GIVEN = "given"
ADDITION = "addition"


class StaffStatement(Record):
    """One member of staff's account of their part in one incident, or an addition to it.

    ``author`` is the person giving it (a snapshot with their job title, linked to the staff
    list). A first account says ``role`` (their role in the incident, e.g. "led the team,
    held the head"), ``holds`` (which of the incident's types of force they took part in) and
    ``account`` (what they did, in their words). An addition (``adds_to`` set) needs only
    ``account``.
    """

    KIND: ClassVar[str] = "staff_statement"

    incident_id: UUID
    ward_id: UUID
    patient_id: UUID
    author: PersonRef
    role: ShortText | None = None
    holds: tuple[InterventionType, ...] = ()
    account: RequiredText
    given_at: PastInstant
    adds_to: UUID | None = None

    @field_validator("holds")
    @classmethod
    def _holds_sorted_unique(
        cls, value: tuple[InterventionType, ...]
    ) -> tuple[InterventionType, ...]:
        return tuple(sorted(set(value)))

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.author.staff_id is None:
            raise ValueError("author: must be a member of staff on the staff list")
        if self.adds_to is None and self.role is None:
            raise ValueError("role: say what your role was in the incident")
        if self.adds_to is None and not self.holds:
            raise ValueError("holds: say which type of force (hold) you took part in")
        if self.adds_to == self.id:
            raise ValueError("adds_to: an account cannot add to itself")
        return self

    @property
    def is_addition(self) -> bool:
        """True when this adds to an account given before."""
        return self.adds_to is not None

    def is_signed_off(self) -> bool:
        """A given account is final: never edited, only added to (a change to it would be an
        amendment, which the store allows only with a reason)."""
        return True

    def summary(self) -> RecordSummary:
        """Indexed by ward, patient and the incident it is about."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.incident_id,
            status=ADDITION if self.is_addition else GIVEN,
            starts_at=self.given_at,
        )


def named_staff_ids(incident: UseOfForceIncident) -> frozenset[UUID]:
    """The staff-list members named on ``incident`` as having used force (item (h))."""
    return frozenset(p.staff_id for p in incident.staff_involved if p.staff_id is not None)


def check_statement(
    statement: StaffStatement,
    incident: UseOfForceIncident,
    adds_to: StaffStatement | None = None,
) -> None:
    """Refuse an account that does not belong with ``incident`` (raises
    :class:`~app.models.errors.RuleViolation`): it must be about that incident, its ward and
    patient; its author must be named on it (item (h)); its holds must be types of force used
    in it (item (c)); an addition must add to an account (``adds_to``, the record it names)
    by the same person about the same incident.
    """
    if (statement.incident_id, statement.ward_id, statement.patient_id) != (
        incident.id,
        incident.ward_id,
        incident.patient_id,
    ):
        raise RuleViolation("An account must be about the incident, ward and patient it names.")
    if statement.author.staff_id not in named_staff_ids(incident):
        raise RuleViolation("Only staff named on the incident give an account of it.")
    if not set(statement.holds) <= set(incident.intervention_types):
        raise RuleViolation("The holds named must be types of force used in the incident.")
    if statement.adds_to is None:
        return
    if adds_to is None or adds_to.id != statement.adds_to:
        raise RuleViolation("An addition must name the account it adds to.")
    if (
        adds_to.incident_id != statement.incident_id
        or adds_to.author.staff_id != statement.author.staff_id
    ):
        raise RuleViolation("An addition is made by the same person about the same incident.")


def statements_owed(
    staff_id: UUID,
    incidents: Iterable[UseOfForceIncident],
    statements: Iterable[StaffStatement],
    *,
    at: datetime,
    policy: ClinicalPolicy = DEFAULT_POLICY,
) -> tuple[UseOfForceIncident, ...]:
    """The incidents on which ``staff_id`` still owes their own account at ``at``, oldest
    first: submitted or signed off, begun within ``statements_asked_within`` before ``at``
    *(configurable)*, naming them (item (h)), with no account by them yet.
    """
    since = as_utc(at) - policy.recording.statements_asked_within
    given = {s.incident_id for s in statements if s.author.staff_id == staff_id}
    owed = [
        incident
        for incident in incidents
        if incident.status in ASKED_FOR
        and incident.started_at >= since
        and staff_id in named_staff_ids(incident)
        and incident.id not in given
    ]
    return tuple(sorted(owed, key=lambda i: (i.started_at, str(i.id))))


def accounts_of(
    staff_id: UUID, incident_id: UUID, statements: Iterable[StaffStatement]
) -> tuple[StaffStatement, ...]:
    """What ``staff_id`` has said about ``incident_id``: their account and every addition,
    in the order given."""
    mine = [s for s in statements if s.author.staff_id == staff_id and s.incident_id == incident_id]
    return tuple(sorted(mine, key=lambda s: (s.given_at, s.is_addition, str(s.id))))
