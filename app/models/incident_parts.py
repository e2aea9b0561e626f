"""The parts a use-of-force incident is made of: each use of force (MHSDS MHS515), rapid
tranquillisation details, people from outside the unit, the post-incident review (MHS505), and
the small answer lists the statutory record uses. :mod:`app.models.incident` assembles them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self
from uuid import UUID, uuid4

from pydantic import Field, field_validator, model_validator

from app.models.base import Answer, DomainModel, PastInstant, RequiredText, ShortText
from app.models.codes import InterventionType
from app.models.refs import PersonRef

#: MHSDS restrictive intervention type codes that have been retired (domain.md §4.2).
RETIRED_INTERVENTION_TYPES: frozenset[str] = frozenset({"02", "03"})


class IncidentStatus(StrEnum):
    """Life cycle of the record: a nurse writes a ``draft``, ``submitted`` once complete, then
    a ward manager reviews and signs it off (domain.md §2, good practice).
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIGNED_OFF = "signed_off"


class SeriousHarm(StrEnum):
    """s.6(5)(n): whether the patient died or suffered any serious injury as a result of the
    use of force (domain.md §2 item n).
    """

    NONE = "none"
    SERIOUS_INJURY = "serious_injury"
    DIED = "died"


class CarePlanNotification(StrEnum):
    """s.6(5)(p): whether a notification was sent to the person or persons "(if any)" to be
    notified under the patient's care plan (domain.md §2 item p). "None to notify" is the
    Act's "if any": a care plan that names nobody answers the item.
    """

    NOTIFIED = "notified"
    NOT_NOTIFIED = "not_notified"
    NONE_TO_NOTIFY = "none_to_notify"


# ------------------------------------------------------------------- rapid tranquillisation


class DoseUnit(StrEnum):
    """Unit of a rapid-tranquillisation dose."""

    MG = "mg"
    MICROGRAMS = "micrograms"
    ML = "ml"


class RtRoute(StrEnum):
    """Route of a rapid-tranquillisation injection (MHSDS type 14 is an injection)."""

    INTRAMUSCULAR = "intramuscular"
    INTRAVENOUS = "intravenous"


class RtRiskFactor(StrEnum):
    """Circumstances after rapid tranquillisation that call for monitoring every 15 minutes
    instead of hourly (domain.md §3 "Other restraint rules", *configurable*).
    """

    MAXIMUM_DOSE_EXCEEDED = "maximum_dose_exceeded"
    ASLEEP_OR_SEDATED = "asleep_or_sedated"
    ALCOHOL_OR_DRUGS = "alcohol_or_drugs"
    PHYSICAL_HEALTH_PROBLEM = "physical_health_problem"
    HARMED = "harmed"


class RapidTranquillisation(DomainModel):
    """Details of rapid tranquillisation (domain.md §3: drug, dose, route, time, site, whether
    oral medication was offered first). ``risk_factors`` are kept sorted and without repeats so
    the stored form (and its content hash) does not depend on the order they were ticked.
    """

    drug: ShortText
    dose_amount: Decimal = Field(gt=0, max_digits=9, decimal_places=3)
    dose_unit: DoseUnit
    route: RtRoute
    site: ShortText
    given_at: PastInstant
    oral_offered_first: Answer
    risk_factors: tuple[RtRiskFactor, ...] = ()

    @field_validator("risk_factors")
    @classmethod
    def _sorted_unique(cls, value: tuple[RtRiskFactor, ...]) -> tuple[RtRiskFactor, ...]:
        return tuple(sorted(set(value)))

    @property
    def dose(self) -> str:
        """Dose for display, e.g. ``5 mg``."""
        return f"{self.dose_amount.normalize():f} {self.dose_unit.value}"


# ------------------------------------------------------------------------------ force uses


class ForceUse(DomainModel):
    """One type of force used within an incident, with its own start and end (s.6(5)(c),
    domain.md §2 item c; MHSDS MHS515 Restrictive Intervention Type, domain.md §4).

    ``id`` is the stable MHSDS ``RestrictiveIntTypeID``. ``in_care_plan`` answers item (d)
    (planned = True, unplanned = False). The three injury answers are MHS515's Y/N items.
    ``rapid_tranquillisation`` belongs only to type 14; ``authorised_by`` (the senior clinician
    who authorised it, domain.md §3) only to mechanical restraint, type 04.
    ``ended_at`` ``None``: not answered yet (or still going on, in a draft).
    """

    id: UUID = Field(default_factory=uuid4)
    intervention_type: InterventionType
    started_at: PastInstant
    ended_at: PastInstant | None = None
    in_care_plan: bool | None = None
    patient_injured: bool | None = None
    staff_injured: bool | None = None
    other_person_injured: bool | None = None
    rapid_tranquillisation: RapidTranquillisation | None = None
    authorised_by: PersonRef | None = None

    @field_validator("intervention_type", mode="before")
    @classmethod
    def _refuse_retired_codes(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() in RETIRED_INTERVENTION_TYPES:
            raise ValueError("is a retired national code and can no longer be recorded")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at: must not be before started_at")
        rt = self.rapid_tranquillisation
        if rt is not None:
            if not self.intervention_type.is_rapid_tranquillisation:
                raise ValueError(
                    "rapid_tranquillisation: only recorded for chemical restraint by injection "
                    "(rapid tranquillisation)"
                )
            if rt.given_at < self.started_at or (
                self.ended_at is not None and rt.given_at > self.ended_at
            ):
                raise ValueError("rapid_tranquillisation: must be given within this use of force")
        if self.authorised_by is not None and self.intervention_type is not (
            InterventionType.MECHANICAL
        ):
            raise ValueError("authorised_by: only recorded for mechanical restraint")
        return self

    @property
    def duration(self) -> timedelta | None:
        """End minus start, or ``None`` while the end is not recorded."""
        return None if self.ended_at is None else self.ended_at - self.started_at

    @property
    def injury_answers(self) -> tuple[bool | None, bool | None, bool | None]:
        """Patient, staff, other person injured (MHS515), in that order."""
        return (self.patient_injured, self.staff_injured, self.other_person_injured)


# ------------------------------------------------------------------ people outside the unit


class NonStaffInvolvement(DomainModel):
    """Someone who is not a member of the unit's staff and was involved in the use of force,
    and why (s.6(5)(i), domain.md §2 item i). ``who`` is a description such as "Police" or
    "Ambulance crew" — a name is not required by the Act.
    """

    who: ShortText
    reason: RequiredText


# ------------------------------------------------------------------ post-incident review


class PostIncidentReview(DomainModel):
    """Post-incident review (debrief) with the patient and with staff (MHSDS MHS505,
    domain.md §4; good practice in domain.md §2: offer the patient a debrief, hold one for
    staff). ``not_held_with_patient_reason`` belongs only to "not held with the patient".
    """

    held_with_patient: bool | None = None
    not_held_with_patient_reason: RequiredText | None = None
    held_with_staff: bool | None = None

    @model_validator(mode="after")
    def _reason_only_when_not_held(self) -> Self:
        if self.not_held_with_patient_reason is not None and self.held_with_patient is not False:
            raise ValueError(
                "not_held_with_patient_reason: only recorded when no review was held with the "
                "patient"
            )
        return self


# ------------------------------------------------------------------ return for correction


class ReturnedForCorrection(DomainModel):
    """A submitted record sent back to its author as a draft by the ward manager reviewing it,
    with what to put right (domain.md §2 good practice: "a ward manager reviews and signs off
    each record"; §7: the nurse in charge / ward manager). Kept on the record after it is
    submitted again, so the review is part of the record's story.
    """

    returned_by: PersonRef
    returned_at: PastInstant
    comment: RequiredText
