"""Recording the restrictions beyond force on one patient from the ward board, keyboard only
(issue 10, item 2): an individual restriction, enhanced observation (start, review, change of
level, end), psychological restraint and cultural restraint. Each form shows what it records
with an example, refuses bad input naming the field and the rule (saving nothing), and what
it saves is in the store and — where it has a review clock — on the board."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from pathlib import Path
from uuid import UUID

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.enhanced_observation import (
    EnhancedObservation,
    EnhancedObservationReview,
    ObservationLevel,
    ObservationReviewDecision,
)
from app.models.incident import UseOfForceIncident
from app.models.individual_restrictions import IndividualRestriction, IndividualRestrictionKind
from app.models.psychological_cultural_restraint import (
    CulturalRestraint,
    CulturalRestraintForm,
    PsychologicalRestraint,
    PsychologicalRestraintForm,
)
from app.models.restriction_words import WORDS_BY_KIND
from app.models.ward_board_restrictions import RestrictionOnBoard
from app.ui.board.model import Column
from app.ui.board.page import BoardPage
from app.ui.board.wording import restriction_chip
from app.ui.context import ScreenContext
from app.ui.isolation.form import FormPanel
from app.ui.restrictions.observation_forms import (
    ChangeLevelForm,
    EndObservationForm,
    ObservationReviewForm,
    StartObservationForm,
)
from app.ui.restrictions.parts import today
from app.ui.restrictions.patient_forms import (
    CulturalRestraintEntryForm,
    IndividualRestrictionForm,
    PsychologicalRestraintEntryForm,
)
from app.ui.restrictions.restriction_forms import IndividualEndForm, IndividualReviewForm
from tests.ui.conftest import Clock, Passwords
from tests.ui.incident_steps import on_worker
from tests.ui.restriction_steps import (
    added,
    alt,
    back_to_board,
    board_clock,
    board_of,
    cell,
    choose_in_list,
    context_of,
    fill,
    key,
    open_form,
    open_patient_restrictions,
    quiet_patient,
    refused,
    reloaded,
    row_on_board,
    save,
    signed_in_window,
    stored,
    stored_ids,
    type_text,
)


def _shows_its_words(form: FormPanel, kind: str) -> None:
    words = WORDS_BY_KIND[kind]
    text = form.words.text()  # type: ignore[attr-defined]
    assert escape(words.definition) in text
    assert escape(words.example) in text


def _an_incident(qtbot: QtBot, ctx: ScreenContext, patient_id: UUID, clock: Clock) -> UUID:
    """A use-of-force incident of the patient an hour ago (a draft is enough to link to)."""
    incident = UseOfForceIncident(
        patient_id=patient_id, ward_id=ctx.ward_id, started_at=clock.now - timedelta(hours=1)
    )
    on_worker(qtbot, ctx, lambda store: store.save(incident))
    return incident.id


def _on_board(board: BoardPage, patient: UUID, record_id: UUID) -> RestrictionOnBoard:
    """The record's line on the patient's board row (the demo may give them others)."""
    return next(r for r in row_on_board(board, patient).restrictions if r.record_id == record_id)


def _line(board: BoardPage, patient: UUID, on_board: RestrictionOnBoard) -> str:
    """The words the board's restrictions cell shows for ``on_board``."""
    line = restriction_chip(on_board, board_clock(board))
    assert line in cell(board, patient, Column.RESTRICTIONS).split("\n")
    return line


def _current(
    qtbot: QtBot, ctx: ScreenContext, record: IndividualRestriction
) -> IndividualRestriction:
    [found] = [
        r
        for r in stored(qtbot, ctx, IndividualRestriction, patient_id=record.patient_id)
        if r.id == record.id
    ]
    return found


def test_an_individual_restriction_is_recorded_from_the_board_and_its_review_shows_there(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.nurse")
    ctx = context_of(window)
    patient = quiet_patient(reloaded(qtbot, board_of(window))).patient_id
    before = stored_ids(qtbot, ctx, IndividualRestriction, patient_id=patient)
    page = open_patient_restrictions(qtbot, window, patient).patient

    form = open_form(qtbot, page, "R")
    assert isinstance(form, IndividualRestrictionForm)
    _shows_its_words(form, IndividualRestriction.KIND)
    assert form.decided_by.member() == ctx.facts.staff  # the signed-in nurse, filled in
    assert form.kind.hasFocus()

    # Enter at once: refused, naming each field and its rule; nothing saved.
    message = refused(qtbot, form)
    assert "what: must not be empty" in message
    assert "why: must not be empty" in message
    assert page.form is form
    assert added(qtbot, ctx, IndividualRestriction, before, patient_id=patient) == []

    type_text(qtbot, "Ph")  # the type: Phone
    fill(qtbot, "E", "Mobile phone kept in the office; ward phone available")
    fill(qtbot, "O", "Used to arrange drugs being brought in")
    save(qtbot, page)

    [restriction] = added(qtbot, ctx, IndividualRestriction, before, patient_id=patient)
    assert restriction.kind is IndividualRestrictionKind.PHONE
    assert restriction.what == "Mobile phone kept in the office; ward phone available"
    assert restriction.decided_by.name == ctx.facts.staff.name  # type: ignore[union-attr]
    assert restriction.started_at == clock.now
    every = ctx.policy.restrictions.individual_review_interval_days
    assert restriction.review_on == today(clock.now) + timedelta(days=every)
    assert restriction.incident_id is None
    qtbot.waitUntil(lambda: page.running.row_of(restriction.id) is not None, timeout=10_000)
    assert "review due in" in page.running.index(page.running.row_of(restriction.id), 3).data()

    board = back_to_board(qtbot, window)
    on_board = _on_board(board, patient, restriction.id)
    assert on_board.clock.next_due is not None
    line = _line(board, patient, on_board)
    assert line.startswith("Phone restricted · review due in")
    assert "OVERDUE" not in line


def test_an_overdue_individual_restriction_is_red_on_the_board_then_reviewed_and_ended(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.nurse")
    ctx = context_of(window)
    board = board_of(window)
    patient = quiet_patient(reloaded(qtbot, board)).patient_id
    staff = ctx.facts.staff
    assert staff is not None
    old = IndividualRestriction.build(
        patient_id=patient,
        ward_id=ctx.ward_id,
        kind=IndividualRestrictionKind.VISITS,
        what="Visits supervised in the family room",
        why="Items passed during a visit",
        decided_by=staff.as_person_ref(),
        started_at=clock.now - timedelta(days=10),
    )
    on_worker(qtbot, ctx, lambda store: store.save(old))
    ward = reloaded(qtbot, board)
    assert row_on_board(board, patient).overdue
    line = _line(board, patient, _on_board(board, patient, old.id))
    assert line.startswith("Visits restricted · review OVERDUE by")
    rows = [board.model.row_of(board.model.index(n, 0)) for n in range(board.model.rowCount())]
    at = next(n for n, r in enumerate(rows) if r is not None and r.patient_id == patient)
    assert all(r is not None and r.overdue for r in rows[:at])  # overdue rows come first
    index = board.model.index(at, Column.RESTRICTIONS)
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None  # red, and says OVERDUE
    overdue = ward.restriction_reviews_overdue  # the demo ward may hold others
    assert (
        f"{overdue} restriction review{'s' if overdue > 1 else ''} OVERDUE" in board.summary.text()
    )

    page = open_patient_restrictions(qtbot, window, patient).patient
    choose_in_list(  # Alt+S, then the arrow keys to this restriction
        qtbot,
        "S",
        page.running_view,
        lambda: (
            getattr(page.running.row_at(page.running_view.currentIndex()), "record_id", None)
            == old.id
        ),
    )
    review = open_form(qtbot, page, "T")
    assert isinstance(review, IndividualReviewForm)
    assert review.reviewed_by.member() == staff
    save(qtbot, page)
    reviewed = _current(qtbot, ctx, old)
    assert reviewed.reviewed_at == clock.now
    assert reviewed.reviewed_by is not None
    assert reviewed.reviewed_by.name == staff.name

    qtbot.waitUntil(lambda: page.running.row_of(old.id) is not None, timeout=10_000)
    choose_in_list(
        qtbot,
        "S",
        page.running_view,
        lambda: (
            getattr(page.running.row_at(page.running_view.currentIndex()), "record_id", None)
            == old.id
        ),
    )
    end = open_form(qtbot, page, "E")
    assert isinstance(end, IndividualEndForm)
    assert end.reason.hasFocus()
    assert "end reason: must not be empty" in refused(qtbot, end)
    still = _current(qtbot, ctx, old)
    assert still.ended_at is None
    type_text(qtbot, "No items passed at the last four visits")
    save(qtbot, page)
    ended = _current(qtbot, ctx, old)
    assert ended.end_reason == "No items passed at the last four visits"
    assert ended.ended_at == clock.now

    board = back_to_board(qtbot, window)
    assert old.id not in {r.record_id for r in row_on_board(board, patient).restrictions}
    assert "Visits restricted" not in cell(board, patient, Column.RESTRICTIONS)


def test_enhanced_observation_is_started_reviewed_changed_in_level_and_ended_by_keyboard(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=-8)  # the shift began earlier: each step below is later, none future
    window = signed_in_window(qtbot, make_window, demo, "demo.nurse")
    ctx = context_of(window)
    patient = quiet_patient(reloaded(qtbot, board_of(window))).patient_id
    before = stored_ids(qtbot, ctx, EnhancedObservation, patient_id=patient)
    page = open_patient_restrictions(qtbot, window, patient).patient

    start = open_form(qtbot, page, "O")
    assert isinstance(start, StartObservationForm)
    _shows_its_words(start, EnhancedObservation.KIND)
    assert "reason: must not be empty" in refused(qtbot, start)
    assert added(qtbot, ctx, EnhancedObservation, before, patient_id=patient) == []
    type_text(qtbot, "W")  # the level: within eyesight, the first "W…"
    fill(qtbot, "O", "Ligature attempt in the bathroom this afternoon")
    save(qtbot, page)
    [first] = added(qtbot, ctx, EnhancedObservation, before, patient_id=patient)
    assert first.level is ObservationLevel.WITHIN_EYESIGHT
    assert first.started_at == clock.now

    board = back_to_board(qtbot, window)
    line = _line(board, patient, _on_board(board, patient, first.id))
    assert line.startswith(
        "Enhanced observation: Within eyesight (continuous) · review due in 1 day"
    )

    page = open_patient_restrictions(qtbot, window, patient).patient
    clock.advance(hours=3)
    review = open_form(qtbot, page, "B")
    assert isinstance(review, ObservationReviewForm)
    fill(qtbot, "N", "Settled; keep within eyesight overnight")
    save(qtbot, page)
    [held] = stored(qtbot, ctx, EnhancedObservationReview, parent_id=first.id)
    assert held.decision is ObservationReviewDecision.CONTINUE
    assert held.reviewed_at == clock.now

    clock.advance(hours=1)
    change = open_form(qtbot, page, "L")
    assert isinstance(change, ChangeLevelForm)
    type_text(qtbot, "W")  # within arm's length (the level now is not offered)
    fill(qtbot, "O", "Found with a ligature again")
    save(qtbot, page)
    periods = added(qtbot, ctx, EnhancedObservation, before, patient_id=patient)
    old = next(p for p in periods if p.id == first.id)
    new = next(p for p in periods if p.id != first.id)
    assert old.ended_at == clock.now
    assert new.started_at == clock.now
    assert new.level is ObservationLevel.WITHIN_ARMS_LENGTH
    qtbot.waitUntil(
        lambda: page.running.row_of(new.id) is not None and page.running.row_of(old.id) is None,
        timeout=10_000,
    )

    board = back_to_board(qtbot, window)
    assert "Within arm's length" in cell(board, patient, Column.RESTRICTIONS)

    page = open_patient_restrictions(qtbot, window, patient).patient
    clock.advance(hours=2)
    end = open_form(qtbot, page, "N")
    assert isinstance(end, EndObservationForm)
    save(qtbot, page)
    ended = next(
        p
        for p in added(qtbot, ctx, EnhancedObservation, before, patient_id=patient)
        if p.id == new.id
    )
    assert ended.ended_at == clock.now
    board = back_to_board(qtbot, window)
    assert new.id not in {r.record_id for r in row_on_board(board, patient).restrictions}


def test_psychological_restraint_is_recorded_and_linked_to_the_patients_incident(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.nurse")
    ctx = context_of(window)
    patient = quiet_patient(reloaded(qtbot, board_of(window))).patient_id
    incident = _an_incident(qtbot, ctx, patient, clock)
    before = stored_ids(qtbot, ctx, PsychologicalRestraint, patient_id=patient)
    page = open_patient_restrictions(qtbot, window, patient).patient

    form = open_form(qtbot, page, "Y")
    assert isinstance(form, PsychologicalRestraintEntryForm)
    _shows_its_words(form, PsychologicalRestraint.KIND)
    assert form.what_happened.hasFocus()
    assert [m.id for m in form.by_whom.people.ticked()] == [ctx.facts.staff.id]  # type: ignore[union-attr]
    assert "what happened: must not be empty" in refused(qtbot, form)
    assert added(qtbot, ctx, PsychologicalRestraint, before, patient_id=patient) == []

    type_text(qtbot, "Told her she would lose leave unless she took her medication")
    alt(qtbot, "F")
    type_text(qtbot, "Th")  # threat
    alt(qtbot, "U")
    key(qtbot, Qt.Key.Key_Down)  # the newest incident, after "not linked"
    save(qtbot, page)

    [entry] = added(qtbot, ctx, PsychologicalRestraint, before, patient_id=patient)
    assert entry.form is PsychologicalRestraintForm.THREAT
    assert entry.incident_id == incident
    assert entry.occurred_at == clock.now
    assert [p.name for p in entry.by_whom] == [ctx.facts.staff.name]  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: page.restraint.row_of(entry.id) is not None, timeout=10_000)
    assert (
        page.restraint.index(page.restraint.row_of(entry.id), 1).data() == "Psychological: Threat"
    )


def test_cultural_restraint_is_recorded_with_nobody_named(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.nurse")
    ctx = context_of(window)
    patient = quiet_patient(reloaded(qtbot, board_of(window))).patient_id
    before = stored_ids(qtbot, ctx, CulturalRestraint, patient_id=patient)
    page = open_patient_restrictions(qtbot, window, patient).patient

    form = open_form(qtbot, page, "U")
    assert isinstance(form, CulturalRestraintEntryForm)
    _shows_its_words(form, CulturalRestraint.KIND)
    assert form.by_whom.people.ticked() == ()  # it may be the ward's own arrangements
    type_text(qtbot, "No halal meal offered at supper")
    alt(qtbot, "F")
    type_text(qtbot, "Di")  # diet
    save(qtbot, page)

    [entry] = added(qtbot, ctx, CulturalRestraint, before, patient_id=patient)
    assert entry.form is CulturalRestraintForm.DIET
    assert entry.by_whom == ()
    assert entry.incident_id is None
    assert entry.what_happened == "No halal meal offered at supper"


def test_an_account_that_cannot_record_sees_the_page_but_no_form_opens(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords]
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.admin")
    ctx = context_of(window)
    board = board_of(window)
    patient = quiet_patient(reloaded(qtbot, board)).patient_id
    before = stored_ids(qtbot, ctx, IndividualRestriction, patient_id=patient)
    page = open_patient_restrictions(qtbot, window, patient).patient
    assert page.read_only.isVisible()
    assert not any(button.isEnabled() for button in page.buttons.values())
    for letter in "RYUO":
        alt(qtbot, letter)
    assert page.form is None
    assert added(qtbot, ctx, IndividualRestriction, before, patient_id=patient) == []
