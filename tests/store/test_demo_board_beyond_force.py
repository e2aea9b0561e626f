"""The demo ward's restrictions beyond force (issue 10) reach the ward board as a nurse sees it:
read from the real demo store by the board's own loading, at the moment of the test."""

from pathlib import Path

from app.models.clock import utc_now
from app.models.lts_exit_prompts import LtsPromptKind
from app.models.people import Ward
from app.models.policy import DEFAULT_POLICY
from app.models.ward_board import WardBoard, build_ward_board
from app.store.board import load_ward_board_inputs
from app.store.store import Store
from tests.demo_store import Passwords


def _board(demo: tuple[Path, Passwords]) -> WardBoard:
    folder, passwords = demo
    at = utc_now()
    with (
        Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store,
        store.read() as reader,
    ):
        (ward,) = reader.find(Ward)
        inputs = load_ward_board_inputs(reader, ward.id, at)
    return build_ward_board(inputs, at, DEFAULT_POLICY)


def test_the_demo_wards_restrictions_and_prompts_are_on_its_board(
    demo: tuple[Path, Passwords],
) -> None:
    board = _board(demo)
    rows = {p.patient_name.split()[0]: p for p in board.patients}

    # The ward's garden rule is overdue its review, above the table.
    assert [(r.title, r.overdue) for r in board.blanket_restrictions] == [
        ("Garden open 08:00–20:00 only", True)
    ]
    # Nia's internet restriction is overdue; Kirsty is on enhanced observation, due in hours.
    assert [(r.kind, r.overdue) for r in rows["Nia"].restrictions] == [
        ("individual_restriction", True)
    ]
    assert rows["Nia"].restrictions[0].title.startswith("Internet")
    kirsty = {r.kind: r for r in rows["Kirsty"].restrictions}
    assert not kirsty["enhanced_observation"].overdue
    due = kirsty["enhanced_observation"].clock.next_due
    assert due is not None
    assert 0 < (due - utc_now()).total_seconds() < 12 * 3600
    # Jordan's segregation shows that no step to end it has been achieved for weeks.
    assert [p.kind for p in rows["Jordan"].lts_prompts] == [LtsPromptKind.NO_EXIT_PROGRESS]
    assert board.restriction_reviews_overdue == 2
