"""The ward's blanket restrictions register (issue 10, item 1), keyboard only from the ward
board: add a restriction, exempt a patient, record a review, end it (a reason is required;
nothing is deleted); and the board lists a blanket restriction whose review is overdue or due
soon, built from records saved in the test."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.models.blanket_restrictions import BlanketRestriction, BlanketRestrictionCategory
from app.models.restriction_words import BLANKET_RESTRICTION_WORDS
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.restrictions.parts import months_after, today
from app.ui.restrictions.register_forms import ExemptPatientForm, NewBlanketRestrictionForm
from app.ui.restrictions.register_page import BlanketRegisterPage
from app.ui.restrictions.restriction_forms import BlanketEndForm, BlanketReviewForm
from tests.ui.conftest import Clock, Passwords
from tests.ui.incident_steps import on_worker
from tests.ui.restriction_steps import (
    WAIT,
    alt,
    back_to_board,
    board_of,
    choose_in_list,
    context_of,
    fill,
    open_form,
    refused,
    reloaded,
    restrictions_screen,
    save,
    signed_in_window,
    type_text,
)

TITLE = "Garden open 10:00-20:00 only"


def _register(qtbot: QtBot, window) -> BlanketRegisterPage:  # type: ignore[no-untyped-def]
    """Alt+K from the board: the restrictions screen, on the ward's register."""
    alt(qtbot, "K")
    assert window.work is not None
    work = window.work
    qtbot.waitUntil(lambda: work.tabs.currentIndex() == 3, timeout=WAIT)
    page = restrictions_screen(window).register
    qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT)
    assert restrictions_screen(window).pages.currentWidget() is page
    return page


def _mine(qtbot: QtBot, ctx: ScreenContext) -> BlanketRestriction:
    def read(store: Store) -> list[BlanketRestriction]:
        with store.read() as reader:
            return [r for r in reader.find(BlanketRestriction) if r.title == TITLE]

    [found] = on_worker(qtbot, ctx, read)
    return found


def test_a_blanket_restriction_is_added_exempted_reviewed_and_ended_by_keyboard(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.manager")
    ctx = context_of(window)
    staff = ctx.facts.staff
    assert staff is not None
    page = _register(qtbot, window)
    before = len(page.model.rows())

    form = open_form(qtbot, page, "N")
    assert isinstance(form, NewBlanketRestrictionForm)
    words = form.words.text()
    assert escape(BLANKET_RESTRICTION_WORDS.definition) in words
    assert escape(BLANKET_RESTRICTION_WORDS.example) in words
    assert form.approved_by.member() == staff
    message = refused(qtbot, form)
    assert "title: must not be empty" in message
    assert "reason: must not be empty" in message
    assert len(page.model.rows()) == before

    type_text(qtbot, TITLE)  # the title has the cursor
    alt(qtbot, "Y")
    type_text(qtbot, "S")  # category: set times
    fill(qtbot, "N", "Staff cannot supervise the garden after dark")
    fill(qtbot, "M", "Agreed at the community meeting; carers told at the forum")
    save(qtbot, page)

    added = _mine(qtbot, ctx)
    assert added.category is BlanketRestrictionCategory.SET_TIMES
    assert added.approved_by.name == staff.name
    assert added.approved_on == today(clock.now)
    every = ctx.policy.restrictions.blanket_review_interval_months
    assert added.review_on == months_after(today(clock.now), every)
    assert added.involvement == "Agreed at the community meeting; carers told at the forum"
    qtbot.waitUntil(lambda: page.chosen() is not None and page.chosen().record_id == added.id)  # type: ignore[union-attr]

    exempt = open_form(qtbot, page, "X")
    assert isinstance(exempt, ExemptPatientForm)
    patient = exempt.draft_patient_id()
    assert patient is not None  # the first patient on the ward is offered
    assert "reason: must not be empty" in refused(qtbot, exempt)
    fill(qtbot, "X", "Individual assessment: safe in the garden with a friend until 21:00")
    save(qtbot, page)
    [exemption] = _mine(qtbot, ctx).exemptions
    assert exemption.patient_id == patient
    assert exemption.assessed_on == today(clock.now)
    qtbot.waitUntil(lambda: "Exempted:" in page.detail.text(), timeout=WAIT)

    review = open_form(qtbot, page, "R")
    assert isinstance(review, BlanketReviewForm)
    save(qtbot, page)
    reviewed = _mine(qtbot, ctx)
    assert reviewed.reviewed_at == clock.now
    assert reviewed.reviewed_by is not None
    assert reviewed.reviewed_by.name == staff.name
    assert reviewed.exemptions == (*added.exemptions, exemption)

    end = open_form(qtbot, page, "E")
    assert isinstance(end, BlanketEndForm)
    assert "end reason: must not be empty" in refused(qtbot, end)
    assert _mine(qtbot, ctx).ended_at is None  # nothing saved
    type_text(qtbot, "Security lights fitted; the garden is supervised until 22:00")
    save(qtbot, page)
    ended = _mine(qtbot, ctx)
    assert ended.ended_at == clock.now
    assert ended.end_reason == "Security lights fitted; the garden is supervised until 22:00"
    assert ended.exemptions == reviewed.exemptions  # kept: nothing is deleted

    def versions(store: Store) -> int:
        with store.read() as reader:
            return len(reader.history(added.id))

    assert on_worker(qtbot, ctx, versions) == 4  # added, exempted, reviewed, ended
    qtbot.waitUntil(
        lambda: page.chosen() is not None and not page.chosen().in_force,  # type: ignore[union-attr]
        timeout=WAIT,
    )
    assert not page.end_button.isEnabled()


def _blanket(ctx: ScreenContext, clock: Clock, title: str, review_on: date) -> BlanketRestriction:
    staff = ctx.facts.staff
    assert staff is not None
    return BlanketRestriction.build(
        ward_id=ctx.ward_id,
        title=title,
        category=BlanketRestrictionCategory.ACCESS_TO_AREAS,
        reason="Two fires from unattended toasters at night",
        approved_by=staff.as_person_ref(),
        approved_on=today(clock.now) - timedelta(days=30),
        started_at=clock.now - timedelta(days=30),
        review_on=review_on,
    )


def test_the_board_lists_blanket_restrictions_whose_review_is_overdue_or_due_soon(
    qtbot: QtBot, make_window, demo: tuple[Path, Passwords], clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    window = signed_in_window(qtbot, make_window, demo, "demo.nurse")
    ctx = context_of(window)
    board = board_of(window)
    late = _blanket(
        ctx, clock, "Laundry room locked after 21:00", today(clock.now) - timedelta(days=3)
    )
    soon = _blanket(ctx, clock, "Games console off at 22:30", today(clock.now) + timedelta(days=5))
    later = _blanket(ctx, clock, "No aerosol cans", today(clock.now) + timedelta(days=60))
    for restriction in (late, soon, later):
        on_worker(qtbot, ctx, lambda store, r=restriction: store.save(r))

    ward = reloaded(qtbot, board)
    listed = {r.record_id: r for r in ward.blanket_restrictions}
    assert listed[late.id].overdue
    assert listed[soon.id].due_soon
    assert not listed[soon.id].overdue
    assert later.id not in listed  # not due soon: the register's, not the board's
    line = board.blanket.text()
    assert board.blanket.isVisible()
    assert "Laundry room locked after 21:00 · review OVERDUE by 2 days" in line
    assert "Games console off at 22:30 · review due in 5 days" in line
    assert "(due soon)" in line
    assert "No aerosol cans" not in line
    assert "OVERDUE" in board.summary.text()

    # The register shows the same clocks, and reviewing the late one clears it from the board.
    page = _register(qtbot, window)
    row = page.model.row_of(late.id)
    assert row is not None
    assert "OVERDUE" in page.model.index(row, 2).data()
    choose_in_list(qtbot, "L", page.list_view, lambda: page.chosen_id == late.id)
    review = open_form(qtbot, page, "R")
    assert isinstance(review, BlanketReviewForm)
    save(qtbot, page)
    board = back_to_board(qtbot, window)
    assert "Laundry room locked after 21:00" not in board.blanket.text()
    assert "Games console off at 22:30" in board.blanket.text()
