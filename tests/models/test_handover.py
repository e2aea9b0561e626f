"""The shift handover: which restrictions, reviews and open records are handed over, and in
which order (client issue item 7; domain.md §3 clocks, §2 completing and signing off)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from app.models.handover import (
    HANDOVER_HORIZON,
    HandoverItemKind,
    handover_from_board,
    handover_items,
)
from app.models.review_clocks import ClockKind, ClockState, ReviewClock
from app.models.seclusion import SeclusionReviewKind
from app.models.segregation import LtsReviewKind
from app.models.ward_board import EpisodeOnBoard, IncidentOnBoard, WardBoard, WardBoardInputs
from tests.models.builders import T0, empty_draft, patient, submitted_incident
from tests.models.isolation_builders import (
    PATIENT_ID,
    WARD_ID,
    lts_episode,
    lts_review,
    seclusion_episode,
    seclusion_review,
)

AT = T0 + timedelta(hours=6)
H = timedelta(hours=1)


def _clock(kind: ClockKind, state: ClockState, due_in: timedelta | None = None) -> ReviewClock:
    return ReviewClock(
        kind=kind,
        state=state,
        basis="test",
        next_due=None if due_in is None else AT + due_in,
    )


def _episode(
    *clocks: ReviewClock, kind: str = "seclusion", name: str = "Testpatient, Alex"
) -> EpisodeOnBoard:
    return EpisodeOnBoard(
        episode_id=uuid4(),
        kind=kind,
        patient_id=uuid4(),
        patient_name=name,
        started_at=AT - 3 * H,
        clocks=clocks,
        most_urgent=None,
    )


def _incident(status: str, started_before: timedelta, name: str = "Quiet, Sam") -> IncidentOnBoard:
    return IncidentOnBoard(
        incident_id=uuid4(),
        patient_id=uuid4(),
        patient_name=name,
        started_at=AT - started_before,
        status=status,
        missing=("m", "n"),
    )


def _board(
    seclusions: tuple[EpisodeOnBoard, ...] = (),
    segregations: tuple[EpisodeOnBoard, ...] = (),
    drafts: tuple[IncidentOnBoard, ...] = (),
    awaiting: tuple[IncidentOnBoard, ...] = (),
) -> WardBoard:
    return WardBoard(
        ward_id=WARD_ID,
        at=AT,
        seclusions=seclusions,
        segregations=segregations,
        drafts=drafts,
        awaiting_sign_off=awaiting,
        incidents_last_24h=0,
        incidents_last_7d=0,
        conflicted=0,
    )


NURSING = ClockKind.SECLUSION_NURSING


@pytest.mark.parametrize(
    ("state", "due_in", "handed_over"),
    [
        (ClockState.DUE, 10 * timedelta(minutes=1), True),
        (ClockState.DUE, 12 * H, True),  # the end of the horizon is included
        (ClockState.DUE, 12 * H + timedelta(seconds=1), False),
        (ClockState.OVERDUE, -2 * H, True),
        (ClockState.OVERDUE, -30 * 24 * H, True),  # however long overdue
        (ClockState.NEEDED, None, True),  # IC(E)TR with no due date: handed over, undated
        (ClockState.NOT_NEEDED, None, False),
        (ClockState.STOPPED, None, False),
    ],
)
def test_which_review_clocks_are_handed_over(
    state: ClockState, due_in: timedelta | None, handed_over: bool
) -> None:
    episode = _episode(_clock(NURSING, state, due_in))
    handover = handover_from_board(_board(seclusions=(episode,)))
    assert len(handover.restrictions) == 1  # a running episode is always listed
    assert (len(handover.items) == 1) is handed_over
    if handed_over:
        item = handover.items[0]
        assert item.kind is HandoverItemKind.REVIEW
        assert item.record_id == episode.episode_id
        assert item.restriction == "seclusion"
        assert item.label == "Nursing review"
        assert item.overdue_at(AT) is (state is ClockState.OVERDUE)


@pytest.mark.parametrize(
    ("status", "started_before", "kind", "due_in", "overdue"),
    [
        ("draft", 2 * H, HandoverItemKind.INCIDENT_DRAFT, 22 * H, False),  # beyond 12 h: still
        ("draft", 24 * H, HandoverItemKind.INCIDENT_DRAFT, timedelta(0), False),  # due now
        ("draft", 30 * H, HandoverItemKind.INCIDENT_DRAFT, -6 * H, True),
        ("submitted", 30 * H, HandoverItemKind.AWAITING_SIGN_OFF, None, False),
    ],
)
def test_open_incident_records_are_always_handed_over(
    status: str,
    started_before: timedelta,
    kind: HandoverItemKind,
    due_in: timedelta | None,
    overdue: bool,
) -> None:
    incident = _incident(status, started_before)
    board = _board(drafts=(incident,)) if status == "draft" else _board(awaiting=(incident,))
    (item,) = handover_from_board(board).items
    assert item.kind is kind
    assert item.record_id == incident.incident_id
    assert item.missing == ("m", "n")
    assert item.due_at == (None if due_in is None else AT + due_in)
    assert item.overdue_at(AT) is overdue


def test_overdue_first_then_by_due_time_then_undated() -> None:
    seclusion = _episode(
        _clock(ClockKind.SECLUSION_OBSERVATION, ClockState.OVERDUE, -timedelta(minutes=2)),
        _clock(NURSING, ClockState.DUE, timedelta(minutes=5)),
        _clock(ClockKind.SECLUSION_MEDICAL, ClockState.OVERDUE, -H),
        _clock(ClockKind.SECLUSION_INDEPENDENT_MDT, ClockState.NOT_NEEDED),
        name="Bee, Ana",
    )
    lts = _episode(
        _clock(ClockKind.LTS_APPROVED_CLINICIAN, ClockState.DUE, 4 * H),
        _clock(ClockKind.LTS_MDT, ClockState.DUE, 3 * 24 * H),
        _clock(ClockKind.LTS_ICETR, ClockState.NEEDED),
        kind="segregation",
        name="Cee, Bo",
    )
    draft = _incident("draft", 20 * H, name="Dee, Cy")  # due in 4 h, as the AC review
    awaiting = _incident("submitted", 3 * H, name="Eff, Di")
    handover = handover_from_board(
        _board(seclusions=(seclusion,), segregations=(lts,), drafts=(draft,), awaiting=(awaiting,))
    )
    assert [(i.patient_name, i.label) for i in handover.items] == [
        ("Bee, Ana", "Medical review"),  # the longest overdue first
        ("Bee, Ana", "Observation"),
        ("Bee, Ana", "Nursing review"),
        ("Cee, Bo", "Approved-clinician review"),  # same due time: by name
        ("Dee, Cy", "Incident record to complete"),
        ("Cee, Bo", "IC(E)TR"),  # undated last, by name
        ("Eff, Di", "Incident record to sign off"),
    ]
    assert handover.until == AT + HANDOVER_HORIZON
    assert [r.episode.kind for r in handover.restrictions] == ["seclusion", "segregation"]
    assert [i.label for i in handover.restrictions[1].items] == [
        "Approved-clinician review",
        "IC(E)TR",
    ]  # the weekly MDT review falls outside the 12 hours


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # an overdue restriction comes before one that is only due, whatever its kind
        ((ClockState.DUE, H, "seclusion"), (ClockState.OVERDUE, -H, "segregation"), [1, 0]),
        # neither overdue: seclusion before LTS
        ((ClockState.DUE, H, "segregation"), (ClockState.DUE, 2 * H, "seclusion"), [1, 0]),
        # same kind: the sooner due first
        ((ClockState.DUE, 2 * H, "seclusion"), (ClockState.DUE, H, "seclusion"), [1, 0]),
    ],
)
def test_restrictions_in_order_of_need(
    first: tuple[ClockState, timedelta, str],
    second: tuple[ClockState, timedelta, str],
    expected: list[int],
) -> None:
    episodes = [
        _episode(_clock(NURSING, state, due), kind=kind, name=f"P{n}")
        for n, (state, due, kind) in enumerate((first, second))
    ]
    board = _board(
        seclusions=tuple(e for e in episodes if e.kind == "seclusion"),
        segregations=tuple(e for e in episodes if e.kind == "segregation"),
    )
    order = [r.episode.episode_id for r in handover_from_board(board).restrictions]
    assert order == [episodes[i].episode_id for i in expected]


def test_a_shorter_horizon_hands_over_less() -> None:
    episode = _episode(_clock(NURSING, ClockState.DUE, 3 * H))
    board = _board(seclusions=(episode,))
    assert handover_from_board(board, horizon=2 * H).items == ()
    assert len(handover_from_board(board, horizon=4 * H).items) == 1


def _inputs(**overrides: object) -> WardBoardInputs:
    data: dict[str, object] = {
        "ward_id": WARD_ID,
        "patients": {PATIENT_ID: patient()},
        "seclusions": (),
        "observations": (),
        "seclusion_reviews": (),
        "recent_seclusions": (),
        "segregations": (),
        "segregation_reviews": (),
        "open_incidents": (),
        "incidents_last_24h": 0,
        "incidents_last_7d": 0,
    }
    return WardBoardInputs(**(data | overrides))  # type: ignore[arg-type]


def test_from_records_a_running_seclusion_with_its_clocks() -> None:
    start = T0
    episode = seclusion_episode(started_at=start)
    nursing = seclusion_review(episode, SeclusionReviewKind.NURSING, start + timedelta(minutes=100))
    at = start + timedelta(hours=2, minutes=30)
    handover = handover_items(
        _inputs(seclusions=(episode,), seclusion_reviews=(nursing,), recent_seclusions=(episode,)),
        at,
    )
    labels = {i.label: i for i in handover.items}
    # no observation and no medical review yet: both overdue; nursing due 2 h after the last
    assert labels["Observation"].overdue_at(at)
    assert labels["Medical review"].overdue_at(at)
    assert labels["Nursing review"].due_at == nursing.held_at + timedelta(hours=2)
    assert not labels["Nursing review"].overdue_at(at)
    assert "Independent MDT review" not in labels  # not needed before 8 hours
    assert handover.items[0].patient_name == patient().display_name


def test_from_records_an_lts_episode_and_the_drafts_of_the_ward() -> None:
    start = T0 - timedelta(days=10)
    lts = lts_episode(started_at=start, imha_told_at=start + H)
    ac = lts_review(lts, LtsReviewKind.APPROVED_CLINICIAN, T0 - timedelta(hours=20))
    draft = empty_draft(id=UUID("00000000-0000-4000-8000-00000000d001"))
    awaiting = submitted_incident()
    handover = handover_items(
        _inputs(
            segregations=(lts,),
            segregation_reviews=(ac,),
            open_incidents=(draft, awaiting),
        ),
        T0,
    )
    kinds = [(i.kind, i.label) for i in handover.items]
    assert (HandoverItemKind.REVIEW, "Approved-clinician review") in kinds
    assert (HandoverItemKind.INCIDENT_DRAFT, "Incident record to complete") in kinds
    assert (HandoverItemKind.AWAITING_SIGN_OFF, "Incident record to sign off") in kinds
    assert handover.restrictions[0].episode.days_elapsed == 10
