"""The shift handover: every active restriction on the ward and everything that falls due in
the next hours (the client issue, item 7: "one view of every active restriction on the ward
and everything that falls due in the next 12 hours").

What it is built from, all computed at one instant ``at`` by :mod:`app.models.ward_board`:

- **active restrictions** — every running seclusion and long-term segregation episode of the
  ward with its review clocks (domain.md §3 "Seclusion", "Long-term segregation");
- **review clocks** (domain.md §3): a clock is handed over when it is running (due or
  overdue) and its next due time is no later than ``at + horizon`` (the end of the horizon is
  included). An overdue clock is always handed over. Only each clock's *next* due time is
  listed: the one after it depends on when the next review is held. A clock that is needed
  with no due date (an IC(E)TR without a policy interval) is handed over undated; stopped and
  not-needed clocks are not;
- **incident records still open** (domain.md §2, good practice): a draft is due complete
  ``policy.recording.complete_within`` after the incident started ("the same shift, always
  within 24 h") and is handed over whatever its due time, as is a submitted record awaiting
  a ward manager's sign-off (which has no due time);
- **restrictions beyond force** (issue 10 item 4), when their records are given: enhanced
  observation, individual and blanket restrictions in force with their reviews falling due,
  and the LTS prompts — :mod:`app.models.handover_restrictions`. They are kept apart in
  :attr:`Handover.beyond_force` (``items`` stays seclusion, LTS and incident records, each
  of which opens an episode or an incident); :meth:`Handover.everything_due` lists both.

Order: overdue first (the longest overdue first), then by due time, then undated items; ties
by patient name. Overdue means strictly after the due time, as for every review clock
(:meth:`~app.models.review_clocks.ReviewClock.overdue_at`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from app.models.base import DomainModel, Instant
from app.models.clock import as_utc
from app.models.handover_restrictions import (
    BeyondForceInputs,
    BeyondForceOnHandover,
    RestrictionInForce,
    beyond_force_handover,
)
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy, RecordingPolicy
from app.models.review_clocks import ClockState, ReviewClock
from app.models.ward_board import (
    EpisodeOnBoard,
    IncidentOnBoard,
    WardBoard,
    WardBoardInputs,
    build_ward_board,
)

#: How far ahead the handover looks (client issue item 7: the next 12 hours).
HANDOVER_HORIZON = timedelta(hours=12)


class HandoverItemKind(StrEnum):
    """What a handover line is about."""

    REVIEW = "review"  # a seclusion or LTS review clock
    INCIDENT_DRAFT = "incident_draft"  # an incident record still being written
    AWAITING_SIGN_OFF = "awaiting_sign_off"  # submitted, waiting for the ward manager


class HandoverItem(DomainModel):
    """One thing the next shift must do or watch, and when it falls due (if it does)."""

    kind: HandoverItemKind
    patient_id: UUID
    patient_name: str
    #: The episode of a review, or the incident record.
    record_id: UUID
    #: ``seclusion`` or ``segregation`` for a review; ``None`` for an incident record.
    restriction: str | None = None
    label: str
    due_at: Instant | None = None
    clock: ReviewClock | None = None
    #: Statutory items still missing from an incident record, by letter (domain.md §2).
    missing: tuple[str, ...] = ()

    def overdue_at(self, at: datetime) -> bool:
        """Past its due time at ``at`` (strictly after, as for every review clock)."""
        return self.due_at is not None and as_utc(at) > self.due_at


class RestrictionOnHandover(DomainModel):
    """A running episode and the items of its clocks that are handed over."""

    episode: EpisodeOnBoard
    items: tuple[HandoverItem, ...]

    def overdue_at(self, at: datetime) -> bool:
        """Any of its handed-over items is overdue at ``at``."""
        return any(item.overdue_at(at) for item in self.items)


class Handover(DomainModel):
    """The handover of one ward at one instant."""

    ward_id: UUID
    at: Instant
    until: Instant
    restrictions: tuple[RestrictionOnHandover, ...]
    #: Every item, restrictions' reviews and open incident records together, in handover order.
    items: tuple[HandoverItem, ...]
    #: Enhanced observation, individual and blanket restrictions, LTS prompts (issue 10).
    beyond_force: BeyondForceOnHandover = BeyondForceOnHandover()

    def everything_due(self) -> tuple[HandoverItem | RestrictionInForce, ...]:
        """``items`` and the reviews of restrictions beyond force falling due, in one list in
        handover order (overdue first, then by due time, then undated; ties by name)."""
        lines: list[HandoverItem | RestrictionInForce] = [
            *self.items,
            *self.beyond_force.falling_due,
        ]
        return tuple(sorted(lines, key=_sort_key(self.at)))


class _Due(Protocol):
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def patient_name(self) -> str: ...
    def overdue_at(self, at: datetime) -> bool: ...


def _sort_key(at: datetime) -> Callable[[_Due], tuple[bool, bool, datetime, str]]:
    far = datetime.max.replace(tzinfo=as_utc(at).tzinfo)

    def key(item: _Due) -> tuple[bool, bool, datetime, str]:
        return (
            not item.overdue_at(at),
            item.due_at is None,
            item.due_at or far,
            item.patient_name.casefold(),
        )

    return key


def _handed_over(clock: ReviewClock, at: datetime, until: datetime) -> bool:
    if clock.state is ClockState.NEEDED:
        return True
    if clock.next_due is None:  # stopped or not needed
        return False
    return clock.overdue_at(at) or clock.next_due <= until


def _review_items(
    episode: EpisodeOnBoard, at: datetime, until: datetime
) -> tuple[HandoverItem, ...]:
    items = [
        HandoverItem(
            kind=HandoverItemKind.REVIEW,
            patient_id=episode.patient_id,
            patient_name=episode.patient_name,
            record_id=episode.episode_id,
            restriction=episode.kind,
            label=clock.kind.label,
            due_at=clock.next_due,
            clock=clock,
        )
        for clock in episode.clocks
        if _handed_over(clock, at, until)
    ]
    return tuple(sorted(items, key=_sort_key(at)))


def _incident_item(incident: IncidentOnBoard, recording: RecordingPolicy) -> HandoverItem:
    draft = incident.status == "draft"
    return HandoverItem(
        kind=HandoverItemKind.INCIDENT_DRAFT if draft else HandoverItemKind.AWAITING_SIGN_OFF,
        patient_id=incident.patient_id,
        patient_name=incident.patient_name,
        record_id=incident.incident_id,
        label="Incident record to complete" if draft else "Incident record to sign off",
        due_at=incident.started_at + recording.complete_within if draft else None,
        missing=incident.missing,
    )


def handover_from_board(
    board: WardBoard,
    *,
    horizon: timedelta = HANDOVER_HORIZON,
    policy: ClinicalPolicy = DEFAULT_POLICY,
    beyond_force: BeyondForceInputs | None = None,
) -> Handover:
    """The handover of ``board`` (computed at ``board.at``) looking ``horizon`` ahead, with
    the restrictions beyond force of ``beyond_force`` when given; see the module docstring
    for what is included and in which order."""
    at = board.at
    until = at + horizon
    restrictions = [
        RestrictionOnHandover(episode=episode, items=_review_items(episode, at, until))
        for episode in (*board.seclusions, *board.segregations)
    ]
    restrictions.sort(
        key=lambda r: (
            not r.overdue_at(at),
            r.episode.kind != "seclusion",
            min((i.due_at for i in r.items if i.due_at), default=until + horizon),
            r.episode.patient_name.casefold(),
        )
    )
    incidents = [
        _incident_item(incident, policy.recording)
        for incident in (*board.drafts, *board.awaiting_sign_off)
    ]
    items = [item for r in restrictions for item in r.items] + incidents
    return Handover(
        ward_id=board.ward_id,
        at=at,
        until=until,
        restrictions=tuple(restrictions),
        items=tuple(sorted(items, key=_sort_key(at))),
        beyond_force=(
            BeyondForceOnHandover()
            if beyond_force is None
            else beyond_force_handover(beyond_force, at, until, policy)
        ),
    )


def handover_items(
    inputs: WardBoardInputs,
    at: datetime,
    *,
    horizon: timedelta = HANDOVER_HORIZON,
    policy: ClinicalPolicy = DEFAULT_POLICY,
    beyond_force: BeyondForceInputs | None = None,
) -> Handover:
    """The handover of the ward whose records are ``inputs``, at ``at`` (pure: the clocks are
    the ward board's, :func:`~app.models.ward_board.build_ward_board`), with the restrictions
    beyond force of ``beyond_force`` when given."""
    return handover_from_board(
        build_ward_board(inputs, at, policy),
        horizon=horizon,
        policy=policy,
        beyond_force=beyond_force,
    )
