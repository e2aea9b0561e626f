"""Enhanced observation of one patient: its level, start and end, and its reviews
(issue 10, item 2).

Not in domain.md. The levels are the four commonly used on mental-health wards in England
(many trusts number them 1–4; NICE NG10 names "low-level intermittent", "high-level
intermittent", "within eyesight" and "within arm's length" *(verify against the trust's
observation policy)*): general observation applies to everyone, so a record here is made at
one of the three enhanced levels. A change of level ends this record and starts another, so
the time spent at each level stays exact. Reviews are append-only records pointing at the
observation (design.md), so two PCs never conflict over them.

The review clock (:func:`enhanced_observation_clock`) counts elapsed time: due
``policy.enhanced_observation_review_interval`` after the start, then after the last review
*(configurable; not in domain.md; verify)*, with the contract of every
:class:`~app.models.review_clocks.ReviewClock`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import model_validator

from app.models.base import (
    ACTIVE,
    ENDED,
    PastInstant,
    Record,
    RecordSummary,
    RequiredText,
    Text,
)
from app.models.clock import as_utc
from app.models.policy import DEFAULT_POLICY, RestrictionPolicy
from app.models.refs import PersonRef
from app.models.review_clocks import (
    ClockKind,
    ReviewClock,
    ReviewLapse,
    Schedule,
    clock_from_replay,
    describe_interval,
    lapses_from_replay,
    replay,
)


class ObservationLevel(StrEnum):
    """Observation levels as commonly used in England *(verify)*; see the module docstring."""

    GENERAL = "general"
    INTERMITTENT = "intermittent"
    WITHIN_EYESIGHT = "within_eyesight"
    WITHIN_ARMS_LENGTH = "within_arms_length"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return _LEVEL_LABELS[self]

    @property
    def is_enhanced(self) -> bool:
        """Closer than the general observation every patient on the ward has."""
        return self is not ObservationLevel.GENERAL


_LEVEL_LABELS: dict[ObservationLevel, str] = {
    ObservationLevel.GENERAL: "General (whereabouts checked at least hourly)",
    ObservationLevel.INTERMITTENT: "Intermittent (checked at set times, e.g. every 15 minutes)",
    ObservationLevel.WITHIN_EYESIGHT: "Within eyesight (continuous)",
    ObservationLevel.WITHIN_ARMS_LENGTH: "Within arm's length (continuous)",
}


class EnhancedObservation(Record):
    """A period of enhanced observation at one level (see the module docstring).

    Contract: ``level`` is an enhanced level (not general); ``decided_by`` decided it and
    ``reason`` says why; ``ended_at`` and ``ended_by`` are given together and not before the
    start; ``incident_id`` optionally links the use-of-force incident it followed (indexed
    as the record's parent).
    """

    KIND: ClassVar[str] = "enhanced_observation"

    patient_id: UUID
    ward_id: UUID
    incident_id: UUID | None = None
    level: ObservationLevel
    started_at: PastInstant
    decided_by: PersonRef
    reason: RequiredText
    ended_at: PastInstant | None = None
    ended_by: PersonRef | None = None

    @model_validator(mode="after")
    def _observation_rules(self) -> EnhancedObservation:
        if not self.level.is_enhanced:
            raise ValueError(
                "level: general observation is not enhanced; end the enhanced observation instead"
            )
        if self.ended_at is not None and self.ended_by is None:
            raise ValueError("ended_by: who ended enhanced observation is required once it ends")
        if self.ended_by is not None and self.ended_at is None:
            raise ValueError("ended_at: is required when who ended it is recorded")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at: must not be before enhanced observation started")
        return self

    def end_as_of(self, at: datetime) -> datetime:
        """``ended_at`` if it had ended by ``at``, else ``at``."""
        at = as_utc(at)
        if self.ended_at is not None and self.ended_at <= at:
            return self.ended_at
        return at

    def summary(self) -> RecordSummary:
        """Ward, patient, the linked incident, active/ended and the period."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.incident_id,
            status=ENDED if self.ended_at is not None else ACTIVE,
            starts_at=self.started_at,
            ends_at=self.ended_at,
        )


class ObservationReviewDecision(StrEnum):
    """What a review of enhanced observation decided. A change of level or the end is then
    recorded on the observation itself, as an LTS review's decision is on its episode."""

    CONTINUE = "continue"
    CHANGE_LEVEL = "change_level"
    END = "end"

    @property
    def label(self) -> str:
        """Plain wording for forms and reports."""
        return self.value.replace("_", " ").capitalize()


class EnhancedObservationReview(Record):
    """A review of enhanced observation: when, by whom, and the outcome. Append-only."""

    KIND: ClassVar[str] = "enhanced_observation_review"

    observation_id: UUID
    patient_id: UUID
    ward_id: UUID
    reviewed_at: PastInstant
    reviewed_by: PersonRef
    decision: ObservationReviewDecision
    notes: Text = ""

    def summary(self) -> RecordSummary:
        """Indexed under its observation, at the time of the review."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            parent_id=self.observation_id,
            starts_at=self.reviewed_at,
        )


def _replayed(
    observation: EnhancedObservation,
    reviews: Iterable[EnhancedObservationReview],
    at: datetime,
    policy: RestrictionPolicy,
) -> tuple[str, Schedule, tuple[datetime, ...], datetime]:
    every = policy.enhanced_observation_review_interval
    until = observation.end_as_of(at)
    done = tuple(
        r.reviewed_at
        for r in reviews
        if r.observation_id == observation.id and observation.started_at <= r.reviewed_at
    )
    basis = (
        f"every {describe_interval(every)} from the start of enhanced observation, then from "
        "the last review"
    )
    return basis, Schedule(observation.started_at + every, lambda t: t + every), done, until


def enhanced_observation_clock(
    observation: EnhancedObservation,
    reviews: Iterable[EnhancedObservationReview],
    at: datetime,
    policy: RestrictionPolicy = DEFAULT_POLICY.restrictions,
) -> ReviewClock:
    """The review clock of ``observation`` at ``at``; reviews of other observations, and
    those before its start or after ``at`` (or its end), are ignored; stopped once it ended.
    """
    basis, schedule, done, until = _replayed(observation, reviews, at, policy)
    stopped = observation.ended_at is not None and observation.ended_at <= as_utc(at)
    return clock_from_replay(
        ClockKind.ENHANCED_OBSERVATION_REVIEW,
        basis,
        replay(schedule, done, until),
        at,
        stopped=stopped,
    )


def enhanced_observation_lapses(
    observation: EnhancedObservation,
    reviews: Iterable[EnhancedObservationReview],
    at: datetime,
    policy: RestrictionPolicy = DEFAULT_POLICY.restrictions,
) -> tuple[ReviewLapse, ...]:
    """Reviews that were late or missed up to ``at`` (or the end), ordered by due time."""
    _, schedule, done, until = _replayed(observation, reviews, at, policy)
    result = replay(schedule, done, until)
    return tuple(lapses_from_replay(ClockKind.ENHANCED_OBSERVATION_REVIEW, result))
