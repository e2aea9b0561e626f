"""The restrictions screens as a keyboard and screen-reader user meets them: every control has
a name and each Alt+key is used once, on the register, on a patient's page and in every form;
what was typed in a form is kept as a draft when the window locks and given back; and the
lists are Qt models that pass the model tester."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.models.admission import HospitalSpell
from app.models.base import ACTIVE
from app.models.enhanced_observation import EnhancedObservation
from app.models.individual_restrictions import IndividualRestriction, IndividualRestrictionKind
from app.models.policy import DEFAULT_POLICY
from app.models.ward_board import PatientOnBoard, WardBoard
from app.models.ward_board_restrictions import (
    blanket_on_board,
    individual_on_board,
    observation_on_board,
)
from app.store.board import ADMITTED
from app.store.store import Store
from app.ui.board.model import Column, WardBoardModel
from app.ui.context import ScreenContext
from app.ui.isolation.lts_exit_view import action_columns, step_columns
from app.ui.isolation.tables import RowsModel
from app.ui.restrictions.page_frame import FormHostPage
from app.ui.restrictions.patient_loading import RunningRow
from app.ui.restrictions.patient_page import restraint_columns, running_columns
from app.ui.restrictions.register_loading import RegisterRow
from app.ui.restrictions.register_page import register_columns
from app.ui.restrictions.screen import RestrictionsScreen, restrictions_screen
from tests.models.isolation_builders import START, lts_episode
from tests.models.restriction_builders import (
    blanket_restriction,
    cultural_restraint,
    enhanced_observation,
    exit_step,
    individual_restriction,
    psychological_restraint,
    senior_intervenor_action,
)
from tests.ui.conftest import Clock
from tests.ui.incident_steps import on_worker
from tests.ui.isolation_steps import keep, keep_screens, repeated_mnemonics, unnamed_controls
from tests.ui.restriction_steps import WAIT, open_form, type_text

POLICY = DEFAULT_POLICY.restrictions


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from keep_screens()


# -- models ------------------------------------------------------------------------------------


def test_the_restriction_lists_and_the_board_pass_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(START + timedelta(days=8))
    individual = individual_restriction()
    observation = enhanced_observation()
    running = [
        RunningRow(
            record=individual,
            revision_id=uuid4(),
            conflicted=False,
            on_board=individual_on_board(individual, clock.now, POLICY),
        ),
        RunningRow(
            record=observation,
            revision_id=uuid4(),
            conflicted=False,
            on_board=observation_on_board(observation, (), clock.now, POLICY),
        ),
    ]
    blanket = blanket_restriction()
    register = [
        RegisterRow(
            restriction=blanket,
            revision_id=uuid4(),
            conflicted=False,
            on_board=blanket_on_board(blanket, clock.now, POLICY),
        )
    ]
    episode = lts_episode()
    cases: list[tuple[RowsModel, list]] = [  # type: ignore[type-arg]
        (RowsModel(running_columns(), key=lambda r: r.record_id, now=clock), running),
        (RowsModel(register_columns(), key=lambda r: r.record_id, now=clock), register),
        (
            RowsModel(restraint_columns(), key=lambda r: r.id, now=clock),
            [psychological_restraint(), cultural_restraint()],
        ),
        (RowsModel(step_columns(), key=lambda s: s.id, now=clock), [exit_step(episode)]),
        (
            RowsModel(action_columns(), key=lambda a: a.id, now=clock),
            [senior_intervenor_action(episode)],
        ),
    ]
    for model, rows in cases:
        qtmodeltester.check(model)
        model.set_rows(rows)
        qtmodeltester.check(model)
        model.tick()
        model.set_rows([])
        qtmodeltester.check(model)
    overdue = RowsModel(running_columns(), key=lambda r: r.record_id, now=clock)
    overdue.set_rows(running)
    assert "OVERDUE" in overdue.index(0, 3).data()
    assert overdue.index(0, 3).data(Qt.ItemDataRole.ForegroundRole) is not None

    board = WardBoardModel(clock)
    patient = PatientOnBoard(
        patient_id=individual.patient_id,
        patient_name="Testpatient, Alex",
        on_ward=True,
        restrictions=tuple(r.on_board for r in running),
    )
    board.set_board(
        WardBoard(
            ward_id=uuid4(),
            at=clock.now,
            seclusions=(),
            segregations=(),
            drafts=(),
            awaiting_sign_off=(),
            incidents_last_24h=0,
            incidents_last_7d=0,
            conflicted=0,
            patients=(patient,),
        )
    )
    qtmodeltester.check(board)
    words = board.index(0, Column.RESTRICTIONS).data()
    assert "Phone restricted · review OVERDUE by" in words
    assert "Enhanced observation: Within arm's length (continuous) · review OVERDUE" in words


# -- the screens -------------------------------------------------------------------------------


def _screen(qtbot: QtBot, ctx: ScreenContext) -> RestrictionsScreen:
    screen = keep(restrictions_screen(ctx))
    assert isinstance(screen, RestrictionsScreen)
    qtbot.addWidget(screen)
    screen.resize(1400, 1000)
    with qtbot.waitSignal(screen.register.loaded, timeout=WAIT):
        screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen)
    return screen


def _quiet_patient(qtbot: QtBot, ctx: ScreenContext) -> UUID:
    """A patient on the ward with no enhanced observation running (whatever the demo holds)."""

    def work(store: Store) -> UUID:
        with store.read() as reader:
            spells = reader.find(HospitalSpell, ward_id=ctx.ward_id, statuses=[ADMITTED])
            watched = {o.patient_id for o in reader.find(EnhancedObservation, statuses=[ACTIVE])}
        return next(s.patient_id for s in spells if s.patient_id not in watched)

    return on_worker(qtbot, ctx, work)


def _give(qtbot: QtBot, ctx: ScreenContext, clock: Clock, record: str, patient: UUID) -> None:
    """Save a running individual restriction or enhanced observation for ``patient``."""
    staff = ctx.facts.staff
    assert staff is not None
    common = {
        "patient_id": patient,
        "ward_id": ctx.ward_id,
        "decided_by": staff.as_person_ref(),
        "started_at": clock.now - timedelta(hours=1),
    }
    made = (
        IndividualRestriction.build(
            kind=IndividualRestrictionKind.INTERNET,
            what="No ward wifi",
            why="Contacting the victim",
            **common,
        )
        if record == "individual"
        else EnhancedObservation.build(level="intermittent", reason="Low mood", **common)
    )
    on_worker(qtbot, ctx, lambda store: store.save(made))


def _problems(
    screen: RestrictionsScreen, page: FormHostPage, letters: str, qtbot: QtBot
) -> list[str]:
    missing = unnamed_controls(screen) + repeated_mnemonics(screen)
    for letter in letters:
        form = open_form(qtbot, page, letter)
        missing += [f"Alt+{letter}: {m}" for m in unnamed_controls(screen)]
        missing += [f"Alt+{letter}: {m}" for m in repeated_mnemonics(screen)]
        form.cancel()
        qtbot.waitUntil(lambda: page.form is None)
    return missing


def test_every_control_of_the_restrictions_screens_and_their_forms_has_a_name_and_own_key(
    qtbot: QtBot, signed_in, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    patient = _quiet_patient(qtbot, ctx)
    _give(qtbot, ctx, clock, "individual", patient)
    screen = _screen(qtbot, ctx)
    qtbot.waitUntil(
        lambda: screen.register.chosen() is not None or not screen.register.model.rows()
    )
    missing = _problems(screen, screen.register, "N", qtbot)
    if screen.register.chosen() is not None:
        missing += _problems(screen, screen.register, "RXE", qtbot)
    page = screen.patient
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        screen.show_restrictions(patient)
    qtbot.waitUntil(lambda: page.running.rowCount() >= 1, timeout=WAIT)
    missing += _problems(screen, page, "ROYU", qtbot)
    _give(qtbot, ctx, clock, "observation", patient)
    page.reload()
    qtbot.waitUntil(page.buttons["observation_review"].isEnabled, timeout=WAIT)
    missing += _problems(screen, page, "BLN", qtbot)
    mine = next(
        n for n, r in enumerate(page.running.rows()) if isinstance(r.record, IndividualRestriction)
    )
    page.running_view.setCurrentIndex(page.running.index(mine, 0))
    missing += _problems(screen, page, "TE", qtbot)
    assert not missing, "\n".join(missing)


OpenPage = Callable[[RestrictionsScreen, UUID], FormHostPage]


def _register_page(screen: RestrictionsScreen, _patient: UUID) -> FormHostPage:
    return screen.register


def _patient_page(screen: RestrictionsScreen, patient: UUID) -> FormHostPage:
    screen.show_restrictions(patient)
    return screen.patient


@pytest.mark.parametrize(
    "case",
    [
        pytest.param((_register_page, "N", "title"), id="new blanket restriction"),
        pytest.param((_patient_page, "R", "what"), id="individual restriction"),
        pytest.param((_patient_page, "Y", "what_happened"), id="psychological restraint"),
    ],
)
def test_what_was_typed_in_a_restriction_form_is_kept_across_the_lock(
    qtbot: QtBot, signed_in, clock: Clock, case: tuple[OpenPage, str, str]
) -> None:  # type: ignore[no-untyped-def]
    open_page, letter, field = case
    ctx = signed_in("demo.nurse")
    patient = _quiet_patient(qtbot, ctx)

    def opened(ctx: ScreenContext) -> tuple[FormHostPage, QLineEdit]:
        screen = _screen(qtbot, ctx)
        page = open_page(screen, patient)
        qtbot.waitUntil(lambda: page.view is not None and page.can_record, timeout=WAIT)
        if page is screen.patient:
            qtbot.waitUntil(lambda: screen.patient.view.patient_id == patient, timeout=WAIT)
        form = open_form(qtbot, page, letter)
        box = form.field(field)
        assert isinstance(box, QLineEdit)
        return page, box

    page, box = opened(ctx)
    box.setFocus()
    type_text(qtbot, "Typed before the lock")
    with qtbot.waitSignal(ctx.session.locked, timeout=WAIT):
        ctx.session.lock()
    assert page.form is None

    clock.advance(minutes=3)
    again, carried = opened(signed_in("demo.nurse"))
    assert again.form is not None
    assert "Carried on from the draft" in again.form.intro.text()
    assert carried.text() == "Typed before the lock"
