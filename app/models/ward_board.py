"""The ward board: what is running now, what is due, what is waiting for whom.

design.md "The UI": clocks that matter (next seclusion review, next LTS review) are visible on
the ward board and turn red when overdue; forms say which statutory items are still missing.
Issue 10 adds the restrictions beyond force: each patient's individual restrictions and
enhanced observation with their review clocks, the prompts that an LTS episode is not moving
towards its end (:mod:`app.models.lts_exit_prompts`), and the ward's blanket restrictions
whose review is due soon or overdue (:mod:`app.models.ward_board_restrictions`).
This module composes those facts from domain records; loading the records is the store's job
(``app.store.board``), drawing them is the UI's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from app.models.base import DomainModel, Instant
from app.models.blanket_restrictions import BlanketRestriction
from app.models.completeness import missing_items
from app.models.enhanced_observation import EnhancedObservation, EnhancedObservationReview
from app.models.incident import UseOfForceIncident
from app.models.individual_restrictions import IndividualRestriction
from app.models.lts_exit import LtsExitStep
from app.models.lts_exit_prompts import LtsPrompt, lts_prompts, needs_icetr
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy
from app.models.review_clocks import ClockState, ReviewClock, most_urgent
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.seclusion_clock import seclusion_clocks
from app.models.segregation import LtsEpisode, LtsReview
from app.models.segregation_clock import lts_clocks
from app.models.ward_board_restrictions import (
    RestrictionOnBoard,
    blanket_reviews_due,
    patient_restrictions,
)

#: How far back the board looks for a patient's other seclusion episodes: the 12-hours-in-48
#: rule of the independent MDT review needs the last 48 hours (domain.md §3 "Seclusion").
SECLUSION_LOOKBACK = timedelta(hours=48)


@dataclass(frozen=True, slots=True)
class WardBoardInputs:
    """The records the board is computed from, as loaded by the store for one ward."""

    ward_id: UUID
    patients: Mapping[UUID, Patient]
    seclusions: Sequence[SeclusionEpisode]
    observations: Sequence[SeclusionObservation]
    seclusion_reviews: Sequence[SeclusionReview]
    recent_seclusions: Sequence[SeclusionEpisode]
    segregations: Sequence[LtsEpisode]
    segregation_reviews: Sequence[LtsReview]
    open_incidents: Sequence[UseOfForceIncident]
    incidents_last_24h: int
    incidents_last_7d: int
    conflicted: int = 0
    #: Patients with an open hospital spell on the ward at the board's instant.
    on_ward: Mapping[UUID, Patient] = field(default_factory=dict)
    #: Use-of-force incidents of the last 7 days, per patient.
    incidents_7d_by_patient: Mapping[UUID, int] = field(default_factory=dict)
    #: Records waiting for a person to resolve diverging versions, per patient.
    conflicted_by_patient: Mapping[UUID, int] = field(default_factory=dict)
    #: Individual restrictions running on the ward.
    individual_restrictions: Sequence[IndividualRestriction] = ()
    #: Enhanced observation running on the ward, and the reviews of those periods.
    enhanced_observations: Sequence[EnhancedObservation] = ()
    enhanced_observation_reviews: Sequence[EnhancedObservationReview] = ()
    #: The ward's blanket restrictions in force.
    blanket_restrictions: Sequence[BlanketRestriction] = ()
    #: The steps to end each running LTS episode (for the no-progress prompt).
    lts_exit_steps: Sequence[LtsExitStep] = ()


class EpisodeOnBoard(DomainModel):
    """A running seclusion or LTS episode and its clocks."""

    episode_id: UUID
    kind: str  # "seclusion" | "segregation"
    patient_id: UUID
    patient_name: str
    started_at: Instant
    clocks: tuple[ReviewClock, ...]
    most_urgent: ReviewClock | None
    #: LTS only: calendar days since it began (day one is 0), as the review document prints.
    days_elapsed: int | None = None
    #: LTS only: no step to end it achieved for weeks, no IC(E)TR on record.
    prompts: tuple[LtsPrompt, ...] = ()

    @property
    def overdue(self) -> bool:
        """True when any of its clocks is overdue (the row turns red)."""
        return any(c.state is ClockState.OVERDUE for c in self.clocks)


class IncidentOnBoard(DomainModel):
    """An incident record still open: a draft to finish or a submission to sign off."""

    incident_id: UUID
    patient_id: UUID
    patient_name: str
    started_at: Instant
    status: str
    missing: tuple[str, ...]  # statutory items still missing, by letter
    #: A draft a ward manager returned for correction (the nurse must see it on the board).
    returned: bool = False


class PatientOnBoard(DomainModel):
    """One row of the ward board: a patient on the ward (or with something still open here)
    and what is running or waiting for them."""

    patient_id: UUID
    patient_name: str
    on_ward: bool
    seclusion: EpisodeOnBoard | None = None
    segregation: EpisodeOnBoard | None = None
    incidents_last_7d: int = 0
    drafts: int = 0
    #: Of the drafts, how many a ward manager returned for correction.
    returned: int = 0
    awaiting_sign_off: int = 0
    conflicted: int = 0
    #: Individual restrictions and enhanced observation running, most urgent first.
    restrictions: tuple[RestrictionOnBoard, ...] = ()

    @property
    def lts_prompts(self) -> tuple[LtsPrompt, ...]:
        """The prompts of their running LTS episode (no progress, no IC(E)TR)."""
        return self.segregation.prompts if self.segregation is not None else ()

    @property
    def overdue(self) -> bool:
        """A running seclusion or LTS clock, or a restriction's review, is overdue."""
        episodes = (self.seclusion, self.segregation)
        return any(e is not None and e.overdue for e in episodes) or any(
            r.overdue for r in self.restrictions
        )

    @property
    def needs_a_look(self) -> bool:
        """A restriction's review is due soon, or their LTS has a prompt (the board's amber)."""
        return bool(self.lts_prompts) or any(r.due_soon for r in self.restrictions)

    def attention(self) -> tuple[int, int, int, int, int, str]:
        """Sort key: overdue first, then seclusion, LTS, a review due soon or an LTS prompt,
        open records, then by name."""
        open_records = self.drafts + self.awaiting_sign_off + self.conflicted
        return (
            not self.overdue,
            self.seclusion is None,
            self.segregation is None,
            not self.needs_a_look,
            open_records == 0,
            self.patient_name.casefold(),
        )


class WardBoard(DomainModel):
    """Everything the ward board shows for one ward at one instant."""

    ward_id: UUID
    at: Instant
    seclusions: tuple[EpisodeOnBoard, ...]
    segregations: tuple[EpisodeOnBoard, ...]
    drafts: tuple[IncidentOnBoard, ...]
    awaiting_sign_off: tuple[IncidentOnBoard, ...]
    incidents_last_24h: int
    incidents_last_7d: int
    conflicted: int
    #: One row per patient, most in need of attention first.
    patients: tuple[PatientOnBoard, ...] = ()
    #: The ward's blanket restrictions whose review is overdue or due soon, most urgent first.
    blanket_restrictions: tuple[RestrictionOnBoard, ...] = ()

    @property
    def overdue_count(self) -> int:
        """How many running episodes have an overdue clock."""
        return sum(e.overdue for e in (*self.seclusions, *self.segregations))

    @property
    def restriction_reviews_overdue(self) -> int:
        """How many restrictions (a patient's or the ward's blanket ones) are overdue review."""
        on_patients = sum(r.overdue for p in self.patients for r in p.restrictions)
        return on_patients + sum(r.overdue for r in self.blanket_restrictions)


def _name(patients: Mapping[UUID, Patient], patient_id: UUID) -> str:
    patient = patients.get(patient_id)
    return patient.display_name if patient is not None else "Unknown patient"


def build_ward_board(
    inputs: WardBoardInputs, at: datetime, policy: ClinicalPolicy = DEFAULT_POLICY
) -> WardBoard:
    """Compute the board at ``at`` from ``inputs`` (pure; the clocks are domain.md §3's)."""
    patients = inputs.patients
    seclusions = []
    for episode in inputs.seclusions:
        clocks = seclusion_clocks(
            episode,
            [o for o in inputs.observations if o.episode_id == episode.id],
            [r for r in inputs.seclusion_reviews if r.episode_id == episode.id],
            at,
            episodes_of_patient=[
                e for e in inputs.recent_seclusions if e.patient_id == episode.patient_id
            ],
            policy=policy.seclusion,
        )
        seclusions.append(_on_board(episode, "seclusion", clocks, patients))
    segregations = []
    for lts in inputs.segregations:
        clocks = lts_clocks(
            lts,
            [r for r in inputs.segregation_reviews if r.episode_id == lts.id],
            at,
            needs_icetr=needs_icetr(patients.get(lts.patient_id)),
            policy=policy.segregation,
        )
        on_board = _on_board(lts, "segregation", clocks, patients)
        prompts = lts_prompts(
            lts,
            patients.get(lts.patient_id),
            inputs.lts_exit_steps,
            inputs.segregation_reviews,
            at,
            policy=policy.segregation,
        )
        segregations.append(
            on_board.model_copy(update={"days_elapsed": lts.days_elapsed(at), "prompts": prompts})
        )
    open_incidents = [_incident_on_board(i, patients) for i in inputs.open_incidents]
    drafts = tuple(i for i in open_incidents if i.status == "draft")
    awaiting = tuple(i for i in open_incidents if i.status == "submitted")
    return WardBoard(
        ward_id=inputs.ward_id,
        at=at,
        seclusions=tuple(seclusions),
        segregations=tuple(segregations),
        drafts=drafts,
        awaiting_sign_off=awaiting,
        incidents_last_24h=inputs.incidents_last_24h,
        incidents_last_7d=inputs.incidents_last_7d,
        conflicted=inputs.conflicted,
        patients=_patient_rows(
            inputs, seclusions, segregations, drafts, awaiting, at=at, policy=policy
        ),
        blanket_restrictions=blanket_reviews_due(
            inputs.blanket_restrictions, at, policy.restrictions
        ),
    )


def _patient_rows(
    inputs: WardBoardInputs,
    seclusions: Sequence[EpisodeOnBoard],
    segregations: Sequence[EpisodeOnBoard],
    drafts: Sequence[IncidentOnBoard],
    awaiting: Sequence[IncidentOnBoard],
    *,
    at: datetime,
    policy: ClinicalPolicy,
) -> tuple[PatientOnBoard, ...]:
    """A row for every patient on the ward, and for anyone else with something running or
    open here (a draft for a patient since transferred, say)."""
    known = {**inputs.patients, **inputs.on_ward}
    restrictions = patient_restrictions(
        inputs.individual_restrictions,
        inputs.enhanced_observations,
        inputs.enhanced_observation_reviews,
        at,
        policy.restrictions,
    )
    ids = {
        *inputs.on_ward,
        *(e.patient_id for e in (*seclusions, *segregations)),
        *(i.patient_id for i in (*drafts, *awaiting)),
        *(pid for pid, n in inputs.conflicted_by_patient.items() if n),
        *restrictions,
    }
    rows = [
        PatientOnBoard(
            patient_id=pid,
            patient_name=_name(known, pid),
            on_ward=pid in inputs.on_ward,
            seclusion=next((e for e in seclusions if e.patient_id == pid), None),
            segregation=next((e for e in segregations if e.patient_id == pid), None),
            incidents_last_7d=inputs.incidents_7d_by_patient.get(pid, 0),
            drafts=sum(i.patient_id == pid for i in drafts),
            returned=sum(i.patient_id == pid and i.returned for i in drafts),
            awaiting_sign_off=sum(i.patient_id == pid for i in awaiting),
            conflicted=inputs.conflicted_by_patient.get(pid, 0),
            restrictions=restrictions.get(pid, ()),
        )
        for pid in ids
    ]
    return tuple(sorted(rows, key=PatientOnBoard.attention))


def _on_board(
    episode: SeclusionEpisode | LtsEpisode,
    kind: str,
    clocks: tuple[ReviewClock, ...],
    patients: Mapping[UUID, Patient],
) -> EpisodeOnBoard:
    return EpisodeOnBoard(
        episode_id=episode.id,
        kind=kind,
        patient_id=episode.patient_id,
        patient_name=_name(patients, episode.patient_id),
        started_at=episode.started_at,
        clocks=clocks,
        most_urgent=most_urgent(clocks),
    )


def _incident_on_board(
    incident: UseOfForceIncident, patients: Mapping[UUID, Patient]
) -> IncidentOnBoard:
    return IncidentOnBoard(
        incident_id=incident.id,
        patient_id=incident.patient_id,
        patient_name=_name(patients, incident.patient_id),
        started_at=incident.started_at,
        status=incident.status.value,
        missing=tuple(m.item for m in missing_items(incident, patients.get(incident.patient_id))),
        returned=incident.is_returned,
    )
