"""What the isolation screens show, read on the store worker as frozen snapshots.

The clocks of running episodes are the ward board's (:func:`app.models.ward_board
.build_ward_board`, domain.md §3), so the screens and the board never disagree. Every function
here runs on the store worker (``ctx.runner.run``) and returns plain values; no widget is
touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from app.models.base import ENDED
from app.models.form_draft import DraftStatus, FormDraft, newest_open_draft
from app.models.patient import Patient
from app.models.people import StaffMember
from app.models.policy import ClinicalPolicy
from app.models.review_clocks import ReviewClock
from app.models.revision import Revision
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.segregation import LtsEngagementEntry, LtsEpisode, LtsReview
from app.models.ward_board import EpisodeOnBoard, build_ward_board
from app.store.board import load_ward_board_inputs
from app.store.records import RecordReader
from app.store.store import Store
from app.ui.isolation.lts_exit_loading import LtsExit, read_lts_exit

#: Ended episodes stay on the list this long after they ended.
RECENTLY_ENDED = timedelta(days=7)
SECLUSION = "seclusion"
SEGREGATION = "segregation"

#: A draft with the revision it was read at (the base of its next save).
KeptDraft = tuple[FormDraft, UUID]


def newest_kept_draft(
    drafts: Sequence[KeptDraft],
    form: str,
    closed: Set[UUID],
    about: Callable[[FormDraft], bool] = lambda _: True,
) -> KeptDraft | None:
    """The newest open draft of ``form`` among ``drafts`` that ``about`` accepts, leaving out
    those whose form was closed on this page since they were read (``closed``)."""
    live = [(d, r) for d, r in drafts if d.id not in closed and about(d)]
    newest = newest_open_draft((d for d, _ in live), form)
    return next(((d, r) for d, r in live if d is newest), None)


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """One episode on a screen's list: running (with its clocks) or recently ended."""

    episode_id: UUID
    kind: str
    patient_id: UUID
    patient_name: str
    started_at: datetime
    ended_at: datetime | None
    clocks: tuple[ReviewClock, ...] = ()
    most_urgent: ReviewClock | None = None
    days_elapsed: int | None = None

    @property
    def running(self) -> bool:
        """Not ended (as the list was read)."""
        return self.ended_at is None

    def overdue_at(self, at: datetime) -> bool:
        """Any clock overdue at ``at``."""
        return any(c.overdue_at(at) for c in self.clocks)


@dataclass(frozen=True, slots=True)
class PatientChoice:
    """A patient on the ward who may be secluded or segregated (not already)."""

    patient_id: UUID
    name: str


@dataclass(frozen=True, slots=True)
class EpisodeList:
    """Everything a screen's list and its "new episode" form need."""

    at: datetime
    rows: tuple[EpisodeRow, ...]
    staff: tuple[StaffMember, ...]
    patients: tuple[PatientChoice, ...]
    start_drafts: tuple[KeptDraft, ...]


@dataclass(frozen=True, slots=True)
class SeclusionDetail:
    """One seclusion episode as its view shows it (observations and reviews newest first),
    with the versions of the episode record (each change of the care plan is one)."""

    episode: SeclusionEpisode
    patient_name: str
    revision_id: UUID
    conflicted: bool
    observations: tuple[SeclusionObservation, ...]
    reviews: tuple[SeclusionReview, ...]
    drafts: tuple[KeptDraft, ...]
    versions: tuple[Revision, ...] = ()


@dataclass(frozen=True, slots=True)
class LtsDetail:
    """One LTS episode as its view shows it (reviews and engagement newest first), with the
    versions of the episode record (each change of the care plan is one)."""

    episode: LtsEpisode
    patient_name: str
    revision_id: UUID
    conflicted: bool
    reviews: tuple[LtsReview, ...]
    engagement: tuple[LtsEngagementEntry, ...]
    versions: tuple[Revision, ...]
    drafts: tuple[KeptDraft, ...]
    #: The steps to end it, IC(E)TR recommendations, senior-intervenor actions and prompts
    #: (read when the screen asks with the time and policy; None otherwise).
    exit: LtsExit | None = None


def _row(episode: EpisodeOnBoard) -> EpisodeRow:
    return EpisodeRow(
        episode_id=episode.episode_id,
        kind=episode.kind,
        patient_id=episode.patient_id,
        patient_name=episode.patient_name,
        started_at=episode.started_at,
        ended_at=None,
        clocks=episode.clocks,
        most_urgent=episode.most_urgent,
        days_elapsed=episode.days_elapsed,
    )


def _kept(reader: RecordReader, drafts: list[FormDraft]) -> tuple[KeptDraft, ...]:
    kept = []
    for draft in drafts:
        state = reader.state(draft.id)
        if state is not None and not state.conflicted:
            kept.append((draft, state.revision_id))
    return tuple(kept)


def ward_staff(reader: RecordReader, ward_id: UUID) -> tuple[StaffMember, ...]:
    """Active staff of the ward and those who work across wards, by name."""
    staff = [m for m in reader.find(StaffMember) if m.active and m.ward_id in (ward_id, None)]
    return tuple(sorted(staff, key=lambda m: m.name.casefold()))


def load_episode_list(
    store: Store, ward_id: UUID, at: datetime, policy: ClinicalPolicy, kind: str
) -> EpisodeList:
    """The running episodes of ``kind`` on the ward with their clocks at ``at``, then those
    ended in the last :data:`RECENTLY_ENDED`, newest first."""
    cls: type[SeclusionEpisode | LtsEpisode] = SeclusionEpisode if kind == SECLUSION else LtsEpisode
    with store.read() as reader:
        inputs = load_ward_board_inputs(reader, ward_id, at)
        board = build_ward_board(inputs, at, policy)
        running = board.seclusions if kind == SECLUSION else board.segregations
        names = {pid: p.display_name for pid, p in inputs.patients.items()}
        ended = reader.find(
            cls,
            ward_id=ward_id,
            statuses=[ENDED],
            ends_after=at - RECENTLY_ENDED,
            newest_first=True,
        )
        for pid in {e.patient_id for e in ended} - names.keys():
            names[pid] = _patient_name(reader, pid)
        busy = {e.patient_id for e in running}
        patients = sorted(
            (
                PatientChoice(pid, p.display_name)
                for pid, p in inputs.on_ward.items()
                if pid not in busy
            ),
            key=lambda p: p.name.casefold(),
        )
        start_form = f"start_{kind}"
        drafts = [
            d
            for d in reader.find(FormDraft, ward_id=ward_id, statuses=[DraftStatus.OPEN.value])
            if d.parent_id is None and d.form == start_form
        ]
        rows = [_row(e) for e in running] + [
            EpisodeRow(
                episode_id=e.id,
                kind=kind,
                patient_id=e.patient_id,
                patient_name=names[e.patient_id],
                started_at=e.started_at,
                ended_at=e.ended_at,
            )
            for e in ended
        ]
        return EpisodeList(
            at=at,
            rows=tuple(rows),
            staff=ward_staff(reader, ward_id),
            patients=tuple(patients),
            start_drafts=_kept(reader, drafts),
        )


def _patient_name(reader: RecordReader, patient_id: UUID) -> str:
    patient = reader.get(Patient, patient_id)
    return patient.display_name if patient is not None else "Unknown patient"


def _open_drafts(reader: RecordReader, episode_id: UUID) -> tuple[KeptDraft, ...]:
    drafts = reader.find(FormDraft, parent_id=episode_id, statuses=[DraftStatus.OPEN.value])
    return _kept(reader, drafts)


def load_seclusion_detail(store: Store, episode_id: UUID) -> SeclusionDetail | None:
    """One seclusion episode with its observations, reviews, versions and open drafts (None
    when the id is not a seclusion episode)."""
    with store.read() as reader:
        state = reader.state(episode_id)
        if state is None or not isinstance(state.record, SeclusionEpisode):
            return None
        return SeclusionDetail(
            episode=state.record,
            patient_name=_patient_name(reader, state.record.patient_id),
            revision_id=state.revision_id,
            conflicted=state.conflicted,
            observations=tuple(
                reader.find(SeclusionObservation, parent_id=episode_id, newest_first=True)
            ),
            reviews=tuple(reader.find(SeclusionReview, parent_id=episode_id, newest_first=True)),
            drafts=_open_drafts(reader, episode_id),
            versions=tuple(reader.history(episode_id)),
        )


def load_lts_detail(
    store: Store,
    episode_id: UUID,
    *,
    at: datetime | None = None,
    policy: ClinicalPolicy | None = None,
) -> LtsDetail | None:
    """One LTS episode with its reviews, engagement log, versions and open drafts (None when
    the id is not an LTS episode); given ``at`` and ``policy``, also the way out of it
    (:func:`~app.ui.isolation.lts_exit_loading.read_lts_exit`), in the same read."""
    with store.read() as reader:
        state = reader.state(episode_id)
        if state is None or not isinstance(state.record, LtsEpisode):
            return None
        reviews = tuple(reader.find(LtsReview, parent_id=episode_id, newest_first=True))
        exit_ = None
        if at is not None and policy is not None:
            exit_ = read_lts_exit(reader, state.record, reviews, at, policy)
        return LtsDetail(
            episode=state.record,
            patient_name=_patient_name(reader, state.record.patient_id),
            revision_id=state.revision_id,
            conflicted=state.conflicted,
            reviews=reviews,
            engagement=tuple(
                reader.find(LtsEngagementEntry, parent_id=episode_id, newest_first=True)
            ),
            versions=tuple(reader.history(episode_id)),
            drafts=_open_drafts(reader, episode_id),
            exit=exit_,
        )
