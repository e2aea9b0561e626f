"""Restrictions beyond force on the shift handover (issue 10 item 4: "these records … appear
in the shift handover"), computed at one instant ``at`` looking ahead to ``until``:

- **in force** — every enhanced observation of the ward running at ``at`` (its level and
  since when: a level change starts a new record, :mod:`app.models.enhanced_observation`),
  every individual restriction and every blanket restriction of the ward in force at ``at``
  (:mod:`app.models.individual_restrictions`, :mod:`app.models.blanket_restrictions`), each
  with its review clock;
- **falling due** — the review of any of these whose clock is overdue at ``at`` or due no
  later than ``until`` (the end included): the rule of the other review clocks on the
  handover (:mod:`app.models.handover`). A review due later but within the policy's warning
  days is marked *due soon* (:func:`~app.models.restriction_period.due_soon`); enhanced
  observation has no such window;
- **LTS prompts** — for each long-term segregation episode of the ward running at ``at``,
  the no-progress and missing-IC(E)TR prompts (:func:`~app.models.lts_exit_prompts.lts_prompts`,
  domain.md §3 "Long-term segregation").

Order within each list: overdue first (the longest overdue first), then by due time, then by
patient name (blanket restrictions: by title). Pure: the records are loaded by the caller —
with the ward board's records, in the same read (:func:`beyond_force_from_board`), so the
board, the handover screen and the handover PDF agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
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
from app.models.lts_exit import LtsExitStep
from app.models.lts_exit_prompts import LtsPrompt, lts_prompts
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy
from app.models.restriction_period import due_soon
from app.models.review_clocks import ClockState, ReviewClock
from app.models.segregation import LtsEpisode, LtsReview
from app.models.ward_board import WardBoardInputs

#: How a blanket restriction names who it applies to.
WHOLE_WARD = "Whole ward"
UNKNOWN_PATIENT = "Unknown patient"


class BeyondForceKind(StrEnum):
    """Which restriction beyond force a handover line is about."""

    ENHANCED_OBSERVATION = "enhanced_observation"
    INDIVIDUAL_RESTRICTION = "individual_restriction"
    BLANKET_RESTRICTION = "blanket_restriction"

    @property
    def label(self) -> str:
        """Plain wording for the handover."""
        return self.value.replace("_", " ").capitalize()


class RestrictionInForce(DomainModel):
    """One restriction beyond force in force at the handover's instant, with its review clock.
    ``patient_id`` is ``None`` for a blanket restriction (it applies to the whole ward)."""

    kind: BeyondForceKind
    record_id: UUID
    patient_id: UUID | None
    patient_name: str
    #: The level, the kind and what is restricted, or the blanket restriction's title.
    what: str
    #: Why, or (blanket) who is exempted.
    detail: str
    since: Instant
    clock: ReviewClock
    #: The review is handed over: overdue, or due by the end of the horizon.
    falls_due: bool
    #: Not overdue, not falling due, but due within the policy's warning days.
    due_soon: bool = False

    @property
    def due_at(self) -> datetime | None:
        """When its next review is due."""
        return self.clock.next_due

    def overdue_at(self, at: datetime) -> bool:
        """Its review is overdue at ``at`` (strictly after the due time)."""
        return self.clock.overdue_at(at)


class LtsPromptOnHandover(DomainModel):
    """An LTS prompt with the name of the patient it is about."""

    patient_name: str
    prompt: LtsPrompt


class BeyondForceOnHandover(DomainModel):
    """The restrictions beyond force of one handover (see the module docstring)."""

    observations: tuple[RestrictionInForce, ...] = ()
    individual: tuple[RestrictionInForce, ...] = ()
    blanket: tuple[RestrictionInForce, ...] = ()
    prompts: tuple[LtsPromptOnHandover, ...] = ()

    @property
    def in_force(self) -> tuple[RestrictionInForce, ...]:
        """Every line: observations, then individual, then blanket restrictions."""
        return (*self.observations, *self.individual, *self.blanket)

    @property
    def falling_due(self) -> tuple[RestrictionInForce, ...]:
        """The lines whose review is handed over."""
        return tuple(line for line in self.in_force if line.falls_due)


@dataclass(frozen=True, slots=True)
class BeyondForceInputs:
    """The records the lines are computed from, as loaded for one ward (any record of
    another ward, or not in force at the instant, is left out)."""

    ward_id: UUID
    patients: Mapping[UUID, Patient]
    blanket: Sequence[BlanketRestriction] = ()
    individual: Sequence[IndividualRestriction] = ()
    observations: Sequence[EnhancedObservation] = ()
    observation_reviews: Sequence[EnhancedObservationReview] = ()
    segregations: Sequence[LtsEpisode] = ()
    segregation_reviews: Sequence[LtsReview] = ()
    exit_steps: Sequence[LtsExitStep] = ()


def beyond_force_from_board(inputs: WardBoardInputs) -> BeyondForceInputs:
    """The records of restrictions beyond force among the ward board's ``inputs``
    (:func:`app.store.board.load_ward_board_inputs` reads them with the board's, exempted
    patients included), so the handover needs no second read."""
    return BeyondForceInputs(
        ward_id=inputs.ward_id,
        patients=inputs.patients,
        blanket=inputs.blanket_restrictions,
        individual=inputs.individual_restrictions,
        observations=inputs.enhanced_observations,
        observation_reviews=inputs.enhanced_observation_reviews,
        segregations=inputs.segregations,
        segregation_reviews=inputs.segregation_reviews,
        exit_steps=inputs.lts_exit_steps,
    )


def _name(patients: Mapping[UUID, Patient], patient_id: UUID) -> str:
    patient = patients.get(patient_id)
    return patient.display_name if patient is not None else UNKNOWN_PATIENT


def _falls_due(clock: ReviewClock, at: datetime, until: datetime) -> bool:
    if clock.state is ClockState.NEEDED:
        return True
    return clock.next_due is not None and (clock.overdue_at(at) or clock.next_due <= until)


def _ordered(lines: list[RestrictionInForce], at: datetime) -> tuple[RestrictionInForce, ...]:
    far = datetime.max.replace(tzinfo=as_utc(at).tzinfo)
    return tuple(
        sorted(
            lines,
            key=lambda line: (
                not line.overdue_at(at),
                line.due_at or far,
                line.patient_name.casefold(),
                line.what.casefold(),
            ),
        )
    )


def _line(
    kind: BeyondForceKind,
    record_id: UUID,
    *,
    patient_id: UUID | None,
    name: str,
    texts: tuple[str, str],
    since: datetime,
    clock: ReviewClock,
    window: tuple[datetime, datetime, timedelta | None],
) -> RestrictionInForce:
    at, until, soon = window
    falls_due = _falls_due(clock, at, until)
    return RestrictionInForce(
        kind=kind,
        record_id=record_id,
        patient_id=patient_id,
        patient_name=name,
        what=texts[0],
        detail=texts[1],
        since=since,
        clock=clock,
        falls_due=falls_due,
        due_soon=soon is not None and not falls_due and due_soon(clock, at, soon),
    )


def beyond_force_handover(
    inputs: BeyondForceInputs,
    at: datetime,
    until: datetime,
    policy: ClinicalPolicy = DEFAULT_POLICY,
) -> BeyondForceOnHandover:
    """The restrictions beyond force of ``inputs``'s ward at ``at``, looking to ``until`` (see
    the module docstring)."""
    at = as_utc(at)
    rules = policy.restrictions
    ward, patients = inputs.ward_id, inputs.patients
    kind = BeyondForceKind
    observations = [
        _line(
            kind.ENHANCED_OBSERVATION,
            o.id,
            patient_id=o.patient_id,
            name=_name(patients, o.patient_id),
            texts=(o.level.label, o.reason),
            since=o.started_at,
            clock=enhanced_observation_clock(o, inputs.observation_reviews, at, rules),
            window=(at, until, None),
        )
        for o in inputs.observations
        if o.ward_id == ward and o.started_at <= at and o.end_as_of(at) == at
    ]
    individual_soon = timedelta(days=rules.individual_review_due_soon_days)
    individual = [
        _line(
            kind.INDIVIDUAL_RESTRICTION,
            r.id,
            patient_id=r.patient_id,
            name=_name(patients, r.patient_id),
            texts=(f"{r.kind.label}: {r.what}", r.why),
            since=r.started_at,
            clock=individual_restriction_clock(r, at, rules),
            window=(at, until, individual_soon),
        )
        for r in inputs.individual
        if r.ward_id == ward and r.is_active_at(at)
    ]
    blanket_soon = timedelta(days=rules.blanket_review_due_soon_days)
    blanket = [
        _line(
            kind.BLANKET_RESTRICTION,
            r.id,
            patient_id=None,
            name=WHOLE_WARD,
            texts=(r.title, _exemptions(r, patients)),
            since=r.started_at,
            clock=blanket_restriction_clock(r, at, rules),
            window=(at, until, blanket_soon),
        )
        for r in inputs.blanket
        if r.ward_id == ward and r.is_active_at(at)
    ]
    prompts = [
        LtsPromptOnHandover(patient_name=_name(patients, episode.patient_id), prompt=prompt)
        for episode in inputs.segregations
        if episode.ward_id == ward
        for prompt in lts_prompts(
            episode,
            patients.get(episode.patient_id),
            inputs.exit_steps,
            inputs.segregation_reviews,
            at,
            policy=policy.segregation,
        )
    ]
    return BeyondForceOnHandover(
        observations=_ordered(observations, at),
        individual=_ordered(individual, at),
        blanket=_ordered(blanket, at),
        prompts=tuple(sorted(prompts, key=lambda p: p.patient_name.casefold())),
    )


def _exemptions(restriction: BlanketRestriction, patients: Mapping[UUID, Patient]) -> str:
    """Who is exempted, by name (patients not in ``patients`` — discharged, say — are
    counted, not named)."""
    if not restriction.exemptions:
        return "No one exempted"
    names = [_name(patients, e.patient_id) for e in restriction.exemptions]
    known = sorted((n for n in names if n != UNKNOWN_PATIENT), key=str.casefold)
    others = len(names) - len(known)
    if others:
        known.append(f"{others} other{'s' if others != 1 else ''}")
    return "Exempted: " + ", ".join(known)
