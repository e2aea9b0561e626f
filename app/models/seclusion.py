"""Seclusion: the episode, its 15-minute observations and its reviews (domain.md §3
"Seclusion"; MHA 1983 Code of Practice chapter 26 *(verify)*).

Seclusion is supervised confinement and isolation of a patient, away from other patients, in
an area they cannot leave. The episode is one record whose state changes (it is started, its
care plan is written, it is ended); observations and reviews are append-only records that
point at their episode, so two ward PCs adding them offline never conflict (design.md).

The review clock over these records lives in :mod:`app.models.seclusion_clock`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field, model_validator

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
from app.models.clock import as_utc
from app.models.codes import InterventionReason
from app.models.isolation_roles import any_role, count_where, is_staff
from app.models.refs import ClinicalRole, PersonRef


def _may_authorise_seclusion(role: ClinicalRole) -> bool:
    """A psychiatrist, approved clinician or other doctor, or a qualified nurse in charge
    (domain.md §3 "Seclusion"; Code of Practice 26.110 *(verify)*).
    """
    return role.is_medical or role.is_registered_nurse


class SeclusionCarePlan(DomainModel):
    """The seclusion care plan (domain.md §3 "Seclusion", ending): how each need is met while
    secluded and the steps to end seclusion. ``None``: that section is not written yet.
    """

    food: Text | None = None
    fluids: Text | None = None
    toilet: Text | None = None
    hygiene: Text | None = None
    clothing: Text | None = None
    bedding: Text | None = None
    medication: Text | None = None
    physical_health: Text | None = None
    steps_to_end_seclusion: Text | None = None

    def unanswered_sections(self) -> tuple[str, ...]:
        """Field names of the sections not yet written (empty text counts as not written)."""
        return tuple(
            name for name in type(self).model_fields if not (getattr(self, name) or "").strip()
        )


class SeclusionEpisode(Record):
    """One period of seclusion of one patient, from the decision to seclude to the decision to
    end it (domain.md §3 "Seclusion").

    Contract:
    - ``authorised_by`` is the person who authorised seclusion; they must be medical or a
      registered nurse (Code of Practice 26.110 *(verify)*). When their role is psychiatrist
      or responsible clinician, :attr:`authorised_by_psychiatrist` is true and their
      assessment counts as the first medical review (domain.md §3).
    - ``ended_at`` and ``ended_by`` (who decided to end it) are given together, and seclusion
      cannot end before it started.
    - ``incident_id`` links to the use-of-force incident that records the seclusion as type
      05 (domain.md §4.2); ``None`` until that incident exists.
    - ``debrief_held`` cannot be yes when ``debrief_offered`` is no (domain.md §2, good
      practice: offer the patient a debrief).
    """

    KIND: ClassVar[str] = "seclusion_episode"

    patient_id: UUID
    ward_id: UUID
    incident_id: UUID | None = None
    started_at: PastInstant
    authorised_by: PersonRef
    place: ShortText
    reason: InterventionReason | None = None
    reason_narrative: Text | None = None
    care_plan: SeclusionCarePlan = SeclusionCarePlan()
    ended_at: PastInstant | None = None
    ended_by: PersonRef | None = None
    debrief_offered: Answer | None = None
    debrief_held: Answer | None = None

    @model_validator(mode="after")
    def _episode_rules(self) -> SeclusionEpisode:
        if not _may_authorise_seclusion(self.authorised_by.role):
            raise ValueError(
                "authorised_by: seclusion must be authorised by a doctor or a registered nurse"
            )
        if self.ended_at is not None and self.ended_by is None:
            raise ValueError("ended_by: who decided to end seclusion is required once it ends")
        if self.ended_by is not None and self.ended_at is None:
            raise ValueError("ended_at: is required when who ended seclusion is recorded")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at: must not be before seclusion started")
        if self.debrief_held is Answer.YES and self.debrief_offered is Answer.NO:
            raise ValueError("debrief_held: cannot be yes when no debrief was offered")
        return self

    @property
    def authorised_by_psychiatrist(self) -> bool:
        """A psychiatrist or responsible clinician authorised seclusion, so their assessment
        is the first medical review (domain.md §3 "Seclusion").
        """
        return self.authorised_by.role.is_psychiatrist

    def is_active_at(self, at: datetime) -> bool:
        """True when the patient was secluded at instant ``at`` (start inclusive, end
        exclusive).
        """
        at = as_utc(at)
        return self.started_at <= at and (self.ended_at is None or at < self.ended_at)

    def end_as_of(self, at: datetime) -> datetime:
        """The end of seclusion as known at ``at``: ``ended_at`` if it ended by then, else
        ``at`` (a running episode counts up to ``at``).
        """
        at = as_utc(at)
        if self.ended_at is not None and self.ended_at <= at:
            return self.ended_at
        return at

    def duration_at(self, at: datetime) -> timedelta:
        """How long seclusion had lasted at ``at`` (zero before it started)."""
        return max(self.end_as_of(at) - self.started_at, timedelta(0))

    def summary(self) -> RecordSummary:
        """Ward, patient, the incident it belongs to, active/ended and the period."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.incident_id,
            status=ENDED if self.ended_at is not None else ACTIVE,
            starts_at=self.started_at,
            ends_at=self.ended_at,
        )


class SeclusionObservation(Record):
    """A written observation entry during seclusion (domain.md §3 "Seclusion": a skilled
    member of staff within sight and sound; an entry at least every 15 minutes recording
    behaviour, mental state, physical state and breathing, and whether food, fluid and the
    toilet were offered).

    Append-only: a correction is a new observation or a void of this one, never an edit.
    ``patient_id`` and ``ward_id`` repeat the episode's so the store can index the entry.
    """

    KIND: ClassVar[str] = "seclusion_observation"

    episode_id: UUID
    patient_id: UUID
    ward_id: UUID
    observed_at: PastInstant
    observer: PersonRef
    behaviour: RequiredText
    mental_state: RequiredText
    physical_state: RequiredText
    breathing: RequiredText
    food_offered: bool = False
    fluid_offered: bool = False
    toilet_offered: bool = False

    @model_validator(mode="after")
    def _observer_is_staff(self) -> SeclusionObservation:
        if not is_staff(self.observer):
            raise ValueError("observer: must be a member of staff")
        return self

    def summary(self) -> RecordSummary:
        """Indexed under its episode, at the time of observation."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.episode_id,
            starts_at=self.observed_at,
        )


class SeclusionReviewKind(StrEnum):
    """The reviews the seclusion clock asks for (domain.md §3 "Seclusion")."""

    MEDICAL = "medical"
    NURSING = "nursing"
    INTERNAL_MDT = "internal_mdt"
    INDEPENDENT_MDT = "independent_mdt"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _REVIEW_LABELS[self]


_REVIEW_LABELS: dict[SeclusionReviewKind, str] = {
    SeclusionReviewKind.MEDICAL: "Medical review",
    SeclusionReviewKind.NURSING: "Nursing review",
    SeclusionReviewKind.INTERNAL_MDT: "Internal MDT review",
    SeclusionReviewKind.INDEPENDENT_MDT: "Independent MDT review",
}


class SeclusionDecision(StrEnum):
    """What a seclusion review decided."""

    CONTINUE = "continue"
    END = "end"


class SeclusionReview(Record):
    """A review of a seclusion episode (domain.md §3 "Seclusion").

    Who must attend, by kind:
    - nursing: two members of staff, one of them a registered nurse (domain.md §3);
    - medical: at least one medical attendee (doctor, psychiatrist, approved or responsible
      clinician);
    - internal and independent MDT: at least two members of staff, one medical and one a
      registered nurse — domain.md does not say; this is the Code of Practice reading
      (26.139, 26.146 *(verify)*). Because an MDT review includes a doctor, the clock counts
      an internal MDT review as a medical review too.

    Append-only, like observations. ``patient_id``/``ward_id`` repeat the episode's.
    """

    KIND: ClassVar[str] = "seclusion_review"

    episode_id: UUID
    patient_id: UUID
    ward_id: UUID
    kind: SeclusionReviewKind
    held_at: PastInstant
    attendees: tuple[PersonRef, ...] = Field(min_length=1)
    decision: SeclusionDecision
    notes: Text = ""

    @model_validator(mode="after")
    def _attendance_rules(self) -> SeclusionReview:
        staff = count_where(self.attendees, is_staff)
        has_rn = any_role(self.attendees, lambda role: role.is_registered_nurse)
        has_medical = any_role(self.attendees, lambda role: role.is_medical)
        if self.kind is SeclusionReviewKind.NURSING and (staff < 2 or not has_rn):
            raise ValueError(
                "attendees: a nursing review needs two members of staff, one of them a "
                "registered nurse"
            )
        if self.kind is SeclusionReviewKind.MEDICAL and not has_medical:
            raise ValueError("attendees: a medical review needs a doctor among the attendees")
        is_mdt = self.kind in (
            SeclusionReviewKind.INTERNAL_MDT,
            SeclusionReviewKind.INDEPENDENT_MDT,
        )
        if is_mdt and (staff < 2 or not has_medical or not has_rn):
            raise ValueError(
                "attendees: an MDT review needs at least two members of staff, including "
                "a doctor and a registered nurse"
            )
        return self

    def summary(self) -> RecordSummary:
        """Indexed under its episode, at the time the review was held."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.episode_id,
            starts_at=self.held_at,
        )
