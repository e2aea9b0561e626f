"""The restrictions beyond force as the ward board shows them (issue 10): each patient's running
individual restrictions and enhanced observation with their review clocks, and the ward's
blanket restrictions whose review is due soon or overdue.

The clocks are the domain's (:func:`~app.models.individual_restrictions
.individual_restriction_clock`, :func:`~app.models.enhanced_observation
.enhanced_observation_clock`, :func:`~app.models.blanket_restrictions
.blanket_restriction_clock`); "due soon" is
:func:`~app.models.restriction_period.due_soon` with the policy's warning days. Enhanced
observation has no warning period in the policy: :data:`ENHANCED_OBSERVATION_DUE_SOON` is
ours *(verify with the trust's observation policy)*. Every function is pure and computed at
one instant ``at``; a restriction not running at ``at`` is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from uuid import UUID

from app.models.base import DomainModel, Instant
from app.models.blanket_restrictions import BlanketRestriction, blanket_restriction_clock
from app.models.clock import as_utc
from app.models.enhanced_observation import (
    EnhancedObservation,
    EnhancedObservationReview,
    enhanced_observation_clock,
)
from app.models.individual_restrictions import IndividualRestriction, individual_restriction_clock
from app.models.policy import RestrictionPolicy
from app.models.restriction_period import due_soon
from app.models.review_clocks import ReviewClock

#: Enhanced observation's review shows as due soon this long before it is due (our choice).
ENHANCED_OBSERVATION_DUE_SOON = timedelta(hours=2)


class RestrictionOnBoard(DomainModel):
    """One running restriction and its review clock at the board's instant.

    ``kind`` is the record's ``KIND`` (``individual_restriction``, ``enhanced_observation``,
    ``blanket_restriction``); ``patient_id`` is None for a blanket restriction; ``title`` is
    what is restricted in plain words (a blanket restriction's title; the kind of an
    individual restriction; the level of enhanced observation), never the patient's name.
    ``due_soon`` is the board's amber: running, not overdue, due within the warning period.
    """

    record_id: UUID
    kind: str
    patient_id: UUID | None = None
    title: str
    started_at: Instant
    clock: ReviewClock
    due_soon: bool = False

    @property
    def overdue(self) -> bool:
        """The review is past its due time (the board's red)."""
        return self.clock.overdue


def _running(observation: EnhancedObservation, at: datetime) -> bool:
    at = as_utc(at)
    ended = observation.ended_at
    return observation.started_at <= at and (ended is None or at < ended)


def _urgency(row: RestrictionOnBoard) -> tuple[bool, datetime, str]:
    due = row.clock.next_due or row.started_at
    return (not row.overdue, due, str(row.record_id))


def most_urgent_first(rows: Iterable[RestrictionOnBoard]) -> tuple[RestrictionOnBoard, ...]:
    """Overdue first, then by due time (ties by record id, so the order is stable)."""
    return tuple(sorted(rows, key=_urgency))


def individual_on_board(
    restriction: IndividualRestriction, at: datetime, policy: RestrictionPolicy
) -> RestrictionOnBoard:
    """An individual restriction with its review clock at ``at``."""
    clock = individual_restriction_clock(restriction, at, policy)
    within = timedelta(days=policy.individual_review_due_soon_days)
    return RestrictionOnBoard(
        record_id=restriction.id,
        kind=IndividualRestriction.KIND,
        patient_id=restriction.patient_id,
        title=f"{restriction.kind.label} restricted",
        started_at=restriction.started_at,
        clock=clock,
        due_soon=due_soon(clock, at, within),
    )


def observation_on_board(
    observation: EnhancedObservation,
    reviews: Iterable[EnhancedObservationReview],
    at: datetime,
    policy: RestrictionPolicy,
) -> RestrictionOnBoard:
    """A period of enhanced observation with its review clock at ``at``."""
    clock = enhanced_observation_clock(observation, reviews, at, policy)
    return RestrictionOnBoard(
        record_id=observation.id,
        kind=EnhancedObservation.KIND,
        patient_id=observation.patient_id,
        title=f"Enhanced observation: {observation.level.label}",
        started_at=observation.started_at,
        clock=clock,
        due_soon=due_soon(clock, at, ENHANCED_OBSERVATION_DUE_SOON),
    )


def blanket_on_board(
    restriction: BlanketRestriction, at: datetime, policy: RestrictionPolicy
) -> RestrictionOnBoard:
    """A blanket restriction with its review clock at ``at``."""
    clock = blanket_restriction_clock(restriction, at, policy)
    within = timedelta(days=policy.blanket_review_due_soon_days)
    return RestrictionOnBoard(
        record_id=restriction.id,
        kind=BlanketRestriction.KIND,
        title=restriction.title,
        started_at=restriction.started_at,
        clock=clock,
        due_soon=due_soon(clock, at, within),
    )


def patient_restrictions(
    individual: Sequence[IndividualRestriction],
    observations: Sequence[EnhancedObservation],
    reviews: Sequence[EnhancedObservationReview],
    at: datetime,
    policy: RestrictionPolicy,
) -> dict[UUID, tuple[RestrictionOnBoard, ...]]:
    """Each patient's individual restrictions and enhanced observation running at ``at``,
    most urgent first."""
    rows: dict[UUID, list[RestrictionOnBoard]] = {}
    for restriction in individual:
        if restriction.is_active_at(at):
            row = individual_on_board(restriction, at, policy)
            rows.setdefault(restriction.patient_id, []).append(row)
    for observation in observations:
        if _running(observation, at):
            mine = [r for r in reviews if r.observation_id == observation.id]
            row = observation_on_board(observation, mine, at, policy)
            rows.setdefault(observation.patient_id, []).append(row)
    return {pid: most_urgent_first(found) for pid, found in rows.items()}


def blanket_reviews_due(
    restrictions: Sequence[BlanketRestriction], at: datetime, policy: RestrictionPolicy
) -> tuple[RestrictionOnBoard, ...]:
    """The ward's blanket restrictions running at ``at`` whose review is overdue or due soon,
    most urgent first (those not yet due soon are the register's, not the board's)."""
    rows = (blanket_on_board(r, at, policy) for r in restrictions if r.is_active_at(at))
    return most_urgent_first(r for r in rows if r.overdue or r.due_soon)
