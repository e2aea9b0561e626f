"""What the LTS screen shows of the way out of segregation, read on the store worker inside the
episode's own read (:func:`app.ui.isolation.loading.load_lts_detail`): the steps to end it,
IC(E)TR recommendations, senior-intervenor actions, the IC(E)TRs held, and the prompts that
it is not moving towards its end (issue 10, item 3; the rules are
:mod:`app.models.lts_exit_prompts`, the same the ward board shows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from app.models.form_draft import DraftStatus, FormDraft
from app.models.lts_exit import IcetrRecommendation, LtsExitStep, SeniorIntervenorAction
from app.models.lts_exit_prompts import LtsPrompt, lts_prompts
from app.models.patient import Patient
from app.models.policy import ClinicalPolicy
from app.models.segregation import LtsEpisode, LtsReview, LtsReviewKind
from app.store.records import RecordReader

#: An IC(E)TR recommendation or a senior intervenor's action.
ExitAction = IcetrRecommendation | SeniorIntervenorAction


@dataclass(frozen=True, slots=True)
class LtsExit:
    """The way out of one LTS episode as read at ``at``. ``revisions`` maps each step's and
    action's id to the revision it was read at (the base of its next change)."""

    at: datetime
    steps: tuple[LtsExitStep, ...] = ()
    actions: tuple[ExitAction, ...] = ()
    icetrs: tuple[LtsReview, ...] = ()
    prompts: tuple[LtsPrompt, ...] = ()
    revisions: dict[UUID, UUID] = field(default_factory=dict)
    conflicted: frozenset[UUID] = frozenset()
    #: Open drafts kept about a step or an action (progress, done), with their revisions.
    drafts: tuple[tuple[FormDraft, UUID], ...] = ()


def read_lts_exit(
    reader: RecordReader,
    episode: LtsEpisode,
    reviews: tuple[LtsReview, ...],
    at: datetime,
    policy: ClinicalPolicy,
) -> LtsExit:
    """The way out of ``episode`` (whose ``reviews`` are already read), in ``reader``'s
    snapshot: steps by target date, actions by due date (open first)."""
    steps = reader.find(LtsExitStep, parent_id=episode.id)
    steps.sort(key=lambda s: (s.target_on, s.step))
    actions: list[ExitAction] = [
        *reader.find(IcetrRecommendation, parent_id=episode.id),
        *reader.find(SeniorIntervenorAction, parent_id=episode.id),
    ]
    actions.sort(key=lambda a: (a.done, a.due_on, str(a.id)))
    revisions: dict[UUID, UUID] = {}
    conflicted: set[UUID] = set()
    for record in (*steps, *actions):
        state = reader.state(record.id)
        if state is not None:
            revisions[record.id] = state.revision_id
            if state.conflicted:
                conflicted.add(record.id)
    drafts = []
    for draft in reader.find(
        FormDraft, parent_ids=list(revisions), statuses=[DraftStatus.OPEN.value]
    ):
        state = reader.state(draft.id)
        if state is not None and not state.conflicted:
            drafts.append((draft, state.revision_id))
    patient = reader.get(Patient, episode.patient_id)
    prompts = lts_prompts(episode, patient, steps, reviews, at, policy=policy.segregation)
    return LtsExit(
        at=at,
        steps=tuple(steps),
        actions=tuple(actions),
        icetrs=tuple(r for r in reviews if r.kind is LtsReviewKind.ICETR),
        prompts=prompts,
        revisions=revisions,
        conflicted=frozenset(conflicted),
        drafts=tuple(drafts),
    )
