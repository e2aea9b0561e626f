"""The restrictions beyond force and the way out of LTS are stored like every other record, in
a real SQLCipher store: saved, read back equal, changed by a new revision that keeps the old
one, found by their indexed facts, voided but never deleted (design.md "Records are
revisions, never overwrites")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.models.base import Record
from app.models.blanket_restrictions import BlanketRestriction
from app.models.enhanced_observation import EnhancedObservation, EnhancedObservationReview
from app.models.lts_exit import IcetrRecommendation, LtsExitStep, StepAchievement
from app.models.revision import RevisionAction
from app.models.segregation import LtsReviewKind
from app.store.store import Store
from tests.models.isolation_builders import (
    NURSE,
    OTHER_PATIENT_ID,
    PATIENT_ID,
    START,
    WARD_ID,
    lts_episode,
    lts_review,
)
from tests.models.restriction_builders import (
    WARD_MANAGER,
    blanket_restriction,
    cultural_restraint,
    enhanced_observation,
    exemption,
    exit_step,
    icetr_recommendation,
    individual_restriction,
    observation_review,
    psychological_restraint,
    senior_intervenor_action,
)

EPISODE = lts_episode()
ICETR = lts_review(EPISODE, LtsReviewKind.ICETR, START + timedelta(days=10))
OBSERVATION = enhanced_observation()


def _every_new_kind() -> list[Record]:
    return [
        blanket_restriction(exemptions=[exemption()]),
        individual_restriction(),
        OBSERVATION,
        observation_review(OBSERVATION, START + timedelta(hours=20)),
        psychological_restraint(),
        cultural_restraint(),
        exit_step(EPISODE),
        icetr_recommendation(EPISODE, ICETR),
        senior_intervenor_action(EPISODE),
    ]


@pytest.mark.parametrize("record", _every_new_kind(), ids=lambda r: r.KIND)
def test_each_new_kind_is_saved_and_read_back_equal(store: Store, record: Record) -> None:
    revision = store.save(record)
    assert revision.kind == record.KIND
    assert revision.action is RevisionAction.CREATE
    assert store.get(type(record), record.id) == record
    with store.read() as reader:
        assert reader.find(type(record), ward_id=WARD_ID) == [record]
        state = reader.state(record.id)
    assert state is not None
    assert state.record == record
    assert not state.conflicted


def test_ending_a_blanket_restriction_is_a_new_revision_and_keeps_the_old(store: Store) -> None:
    running = blanket_restriction(exemptions=[exemption()])
    first = store.save(running)
    end: dict[str, Any] = {
        "ended_at": START + timedelta(days=40),
        "ended_by": WARD_MANAGER.model_dump(),
        "end_reason": "Kitchen now staffed at night",
    }
    ended = BlanketRestriction.build(**(running.model_dump() | end))
    second = store.save(ended, base=first.revision_id)
    assert second.parents == (first.revision_id,)
    assert store.get(BlanketRestriction, running.id) == ended
    with store.read() as reader:
        history = reader.history(running.id)
        assert [r.revision_id for r in history] == [first.revision_id, second.revision_id]
        assert all(r.hash_is_valid() for r in history)
        assert reader.find(BlanketRestriction, statuses=["active"]) == []
        assert reader.find(BlanketRestriction, statuses=["ended"]) == [ended]
        assert reader.find(BlanketRestriction, ongoing_at=START + timedelta(days=39)) == [ended]
        assert reader.find(BlanketRestriction, ongoing_at=START + timedelta(days=41)) == []
    # The first version is still there, word for word.
    again = BlanketRestriction.model_validate_json(history[0].payload, context={"stored": True})
    assert again == running


def test_a_step_achieved_later_is_found_under_its_episode(store: Store) -> None:
    step = exit_step(EPISODE)
    first = store.save(step)
    achieved: dict[str, Any] = {
        "achieved": StepAchievement.ACHIEVED,
        "achieved_on": date(2024, 5, 20),
        "evidence": "Seven days of lounge time with no incident",
    }
    done = LtsExitStep.build(**(step.model_dump() | achieved))
    store.save(done, base=first.revision_id)
    recommendation = icetr_recommendation(EPISODE, ICETR)
    store.save(recommendation)
    with store.read() as reader:
        assert reader.find(LtsExitStep, parent_id=EPISODE.id) == [done]
        assert reader.find(LtsExitStep, statuses=["achieved"]) == [done]
        assert reader.find(IcetrRecommendation, parent_id=EPISODE.id, statuses=["open"]) == [
            recommendation
        ]
        assert len(reader.history(step.id)) == 2


def test_reviews_hang_off_their_observation_and_a_void_keeps_the_record(store: Store) -> None:
    store.save(OBSERVATION)
    review = observation_review(OBSERVATION, START + timedelta(hours=20))
    store.save(review)
    other_patient = enhanced_observation(patient_id=OTHER_PATIENT_ID, decided_by=NURSE)
    store.save(other_patient)
    with store.read() as reader:
        assert reader.find(EnhancedObservationReview, parent_id=OBSERVATION.id) == [review]
        assert reader.find(EnhancedObservation, patient_id=PATIENT_ID) == [OBSERVATION]
    store.void(review.id, "entered against the wrong observation")
    with store.read() as reader:
        assert reader.find(EnhancedObservationReview, parent_id=OBSERVATION.id) == []
        kept = reader.find(EnhancedObservationReview, include_voided=True)
        assert kept == [review]
        assert len(reader.history(review.id)) == 2
