"""Long-term segregation (LTS): the episode with its care plan, its reviews and the record of
engagement while segregated (domain.md §3 "Long-term segregation"; MHA 1983 Code of Practice
26.150–26.160 *(verify)*).

A patient is kept from mixing freely with others on a long-term basis because a sustained
risk of harm to others is a constant feature of their presentation. The episode is one record
that changes (care plan revised, ended); reviews and engagement entries are append-only
records pointing at it (design.md). The review clock is :mod:`app.models.segregation_clock`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field, ValidationInfo, model_validator

from app.models.base import (
    ACTIVE,
    ENDED,
    Answer,
    DomainModel,
    PastInstant,
    Record,
    RecordSummary,
    RequiredText,
    ShortText,
    Text,
)
from app.models.clock import FUTURE_TOLERANCE, as_utc, local_date, utc_now
from app.models.isolation_roles import (
    count_where,
    is_approved_clinician,
    is_commissioner,
    is_staff,
)
from app.models.refs import PersonRef

#: Longest single engagement entry; a longer period is recorded as several entries.
MAX_ENGAGEMENT = timedelta(hours=24)


class LtsCarePlan(DomainModel):
    """The LTS care plan (domain.md §3 "Long-term segregation"). Every section but the steps
    to end LTS may be ``None`` while being written; the steps to end LTS — specific and
    observable — are required from the start, because LTS must always be working towards
    its end.
    """

    why_needed: Text | None = None
    own_area: Text | None = None
    fresh_air: Text | None = None
    bathroom: Text | None = None
    meaningful_contact: Text | None = Field(
        default=None, description="how contact with staff, family and others is kept"
    )
    activity: Text | None = Field(
        default=None, description="therapeutic, physical and leisure activity"
    )
    physical_health_monitoring: Text | None = None
    risk_management: Text | None = None
    steps_to_end: RequiredText = Field(
        description="specific, observable steps that will end long-term segregation"
    )

    def unanswered_sections(self) -> tuple[str, ...]:
        """Field names of the sections not yet written (empty text counts as not written)."""
        return tuple(
            name for name in type(self).model_fields if not (getattr(self, name) or "").strip()
        )


class LtsEpisode(Record):
    """One period of long-term segregation (domain.md §3 "Long-term segregation").

    Contract:
    - LTS is decided by an MDT review together with a representative of the commissioning
      authority: ``decision_attendees`` must hold a commissioner and at least two members of
      staff; ``authorised_by`` (printed as "who authorised") must be an approved clinician,
      responsible clinician or psychiatrist — domain.md does not name the role *(verify)*.
    - The patient's IMHA is told when LTS starts: ``imha_told`` yes needs ``imha_told_at``,
      and a time is only recorded when the answer is yes.
    - ``ended_at`` and ``ended_by`` are given together; LTS cannot end before it started.
    """

    KIND: ClassVar[str] = "lts_episode"

    patient_id: UUID
    ward_id: UUID
    started_at: PastInstant
    authorised_by: PersonRef
    decision_attendees: tuple[PersonRef, ...] = Field(min_length=1)
    imha_told: Answer | None = None
    imha_told_at: PastInstant | None = None
    care_plan: LtsCarePlan
    ended_at: PastInstant | None = None
    ended_by: PersonRef | None = None

    @model_validator(mode="after")
    def _episode_rules(self) -> LtsEpisode:
        if not is_approved_clinician(self.authorised_by):
            raise ValueError(
                "authorised_by: long-term segregation is authorised by an approved clinician"
            )
        if not any(is_commissioner(person) for person in self.decision_attendees):
            raise ValueError(
                "decision_attendees: must include a representative of the commissioning authority"
            )
        if count_where(self.decision_attendees, is_staff) < 2:
            raise ValueError(
                "decision_attendees: the MDT deciding on segregation needs at least two "
                "members of staff"
            )
        if self.imha_told is Answer.YES and self.imha_told_at is None:
            raise ValueError("imha_told_at: is required when the IMHA was told")
        if self.imha_told_at is not None and self.imha_told is not Answer.YES:
            raise ValueError("imha_told_at: is only recorded when the IMHA was told")
        if self.ended_at is not None and self.ended_by is None:
            raise ValueError("ended_by: who ended segregation is required once it ends")
        if self.ended_by is not None and self.ended_at is None:
            raise ValueError("ended_at: is required when who ended segregation is recorded")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at: must not be before segregation started")
        return self

    @property
    def commissioner(self) -> PersonRef:
        """The commissioning authority's representative at the decision (printed on the
        segregation review document).
        """
        return next(p for p in self.decision_attendees if is_commissioner(p))

    def is_active_at(self, at: datetime) -> bool:
        """True when the patient was in LTS at ``at`` (start inclusive, end exclusive)."""
        at = as_utc(at)
        return self.started_at <= at and (self.ended_at is None or at < self.ended_at)

    def end_as_of(self, at: datetime) -> datetime:
        """The end of LTS as known at ``at``: ``ended_at`` if it ended by then, else ``at``."""
        at = as_utc(at)
        if self.ended_at is not None and self.ended_at <= at:
            return self.ended_at
        return at

    def days_elapsed(self, at: datetime) -> int:
        """Calendar days on the ward clock from the start to ``at`` (or to the end, if LTS
        ended earlier): the "days in LTS" printed on the review document. Day one is 0.
        """
        return max((local_date(self.end_as_of(at)) - local_date(self.started_at)).days, 0)

    def summary(self) -> RecordSummary:
        """Ward, patient, active/ended and the period of segregation."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            status=ENDED if self.ended_at is not None else ACTIVE,
            starts_at=self.started_at,
            ends_at=self.ended_at,
        )


class LtsReviewKind(StrEnum):
    """The reviews the LTS clock asks for (domain.md §3 "Long-term segregation")."""

    APPROVED_CLINICIAN = "approved_clinician"
    MDT = "mdt"
    EXTERNAL = "external"
    ICETR = "icetr"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _LTS_REVIEW_LABELS[self]


_LTS_REVIEW_LABELS: dict[LtsReviewKind, str] = {
    LtsReviewKind.APPROVED_CLINICIAN: "Approved-clinician review",
    LtsReviewKind.MDT: "MDT review",
    LtsReviewKind.EXTERNAL: "External review (clinician from another hospital)",
    LtsReviewKind.ICETR: "Independent care (education) and treatment review",
}


class Participation(StrEnum):
    """Whether someone outside the ward team was invited to a review and came."""

    NOT_INVITED = "not_invited"
    INVITED_DID_NOT_ATTEND = "invited_did_not_attend"
    ATTENDED = "attended"

    @property
    def invited(self) -> bool:
        """Was invited (attending implies having been invited)."""
        return self is not Participation.NOT_INVITED

    @property
    def attended(self) -> bool:
        """Took part in the review."""
        return self is Participation.ATTENDED


class LtsDecision(StrEnum):
    """What an LTS review decided (domain.md §3, "decision (continue/modify/end)")."""

    CONTINUE = "continue"
    MODIFY = "modify"
    END = "end"


class LtsAction(DomainModel):
    """An action agreed at a review, with its owner and due date."""

    action: RequiredText
    owner: ShortText
    due_on: date


class LtsReview(Record):
    """A review of long-term segregation (domain.md §3 "Long-term segregation" and "What a
    segregation review document holds").

    Who must attend, by kind (domain.md names the reviewer; the minimums are ours):
    - approved clinician: an approved clinician, responsible clinician or psychiatrist;
    - MDT: at least two members of staff;
    - external: ``external_clinician`` and ``external_hospital`` are required (a clinician
      from another hospital) and are refused on other kinds;
    - IC(E)TR: no minimum beyond one attendee (its panel is convened outside the ward).
    Actions may not fall due before the day of the review.
    """

    KIND: ClassVar[str] = "lts_review"

    episode_id: UUID
    patient_id: UUID
    ward_id: UUID
    kind: LtsReviewKind
    held_at: PastInstant
    attendees: tuple[PersonRef, ...] = Field(min_length=1)
    patient_present: bool | None = None
    patient_views: Text | None = None
    imha: Participation | None = None
    family: Participation | None = None
    commissioner: Participation | None = None
    external_clinician: PersonRef | None = None
    external_hospital: ShortText | None = None
    decision: LtsDecision
    rationale: RequiredText
    actions: tuple[LtsAction, ...] = ()

    @model_validator(mode="after")
    def _review_rules(self) -> LtsReview:
        if self.kind is LtsReviewKind.APPROVED_CLINICIAN and not any(
            is_approved_clinician(p) for p in self.attendees
        ):
            raise ValueError("attendees: an approved-clinician review needs an approved clinician")
        if self.kind is LtsReviewKind.MDT and count_where(self.attendees, is_staff) < 2:
            raise ValueError("attendees: an MDT review needs at least two members of staff")
        external = self.kind is LtsReviewKind.EXTERNAL
        if external and self.external_clinician is None:
            raise ValueError("external_clinician: is required for an external review")
        if external and self.external_hospital is None:
            raise ValueError("external_hospital: is required for an external review")
        if not external and self.external_clinician is not None:
            raise ValueError("external_clinician: is only recorded for an external review")
        if not external and self.external_hospital is not None:
            raise ValueError("external_hospital: is only recorded for an external review")
        if any(item.due_on < local_date(self.held_at) for item in self.actions):
            raise ValueError("actions: an action cannot fall due before the review was held")
        return self

    def summary(self) -> RecordSummary:
        """Indexed under its episode, at the time the review was held."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.episode_id,
            starts_at=self.held_at,
        )


class EngagementKind(StrEnum):
    """Engagement and activity recorded during LTS (domain.md §3, review document)."""

    TIME_WITH_STAFF = "time_with_staff"
    ACTIVITY = "activity"
    TIME_OUT_OF_SEGREGATION_AREA = "time_out_of_segregation_area"
    FAMILY_CONTACT = "family_contact"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return self.value.replace("_", " ").capitalize()


class LtsEngagementEntry(Record):
    """A period of engagement during LTS: time with staff, activity, time out of the
    segregation area, or family contact (domain.md §3, review document "engagement and
    activity").

    ``duration`` is more than zero and at most 24 hours, and the period may not end in the
    future (except when re-reading a stored record). Append-only.
    """

    KIND: ClassVar[str] = "lts_engagement"

    episode_id: UUID
    patient_id: UUID
    ward_id: UUID
    started_at: PastInstant
    duration: timedelta
    kind: EngagementKind
    notes: Text = ""

    @model_validator(mode="after")
    def _duration_rules(self, info: ValidationInfo) -> LtsEngagementEntry:
        if self.duration <= timedelta(0):
            raise ValueError("duration: must be more than zero")
        if self.duration > MAX_ENGAGEMENT:
            raise ValueError("duration: must not be more than 24 hours")
        stored = bool(info.context and info.context.get("stored"))
        if not stored and self.ended_at > utc_now() + FUTURE_TOLERANCE:
            raise ValueError("duration: the period must not end in the future")
        return self

    @property
    def ended_at(self) -> datetime:
        """When the period of engagement ended."""
        return self.started_at + self.duration

    def summary(self) -> RecordSummary:
        """Indexed under its episode, for the period it covers."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.episode_id,
            starts_at=self.started_at,
            ends_at=self.ended_at,
        )


def engagement_totals(
    entries: Iterable[LtsEngagementEntry], since: datetime, until: datetime
) -> dict[EngagementKind, timedelta]:
    """Total time of each kind of engagement within ``[since, until)``; an entry that
    straddles a boundary counts only for its part inside. Every kind is present (zero if
    none), in the order of :class:`EngagementKind`.
    """
    since, until = as_utc(since), as_utc(until)
    totals = dict.fromkeys(EngagementKind, timedelta(0))
    for entry in entries:
        overlap = min(entry.ended_at, until) - max(entry.started_at, since)
        if overlap > timedelta(0):
            totals[entry.kind] += overlap
    return totals
