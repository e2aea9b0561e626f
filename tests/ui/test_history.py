"""History and conflicts, driven as a person would: every revision with what it changed,
amending and voiding with a reason, a conflict resolved by choosing and by combining
(design.md "Records are revisions, never overwrites"; domain.md §2)."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.models.errors import RuleViolation
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.record_diff import compare_versions
from app.models.revision import RevisionAction
from app.ui.context import ScreenContext
from app.ui.history.compare import NOT_ALLOWED
from app.ui.history.loading import (
    STALE,
    ChangeLine,
    ConflictRow,
    RevisionLine,
    Version,
    resolve_conflict,
)
from app.ui.history.models import (
    DIFFERENT,
    ComparisonModel,
    changes_model,
    conflicts_model,
    revisions_model,
)
from app.ui.history.page import HistoryPage, history_screen
from app.ui.history.reason import ReasonDialog, ask_reason, save_amendment
from tests.models import builders as b

Enter = Qt.Key.Key_Return


def _on_worker(ctx: ScreenContext, work: Callable[[], Any]) -> Any:
    """Run ``work`` on the store worker (where every store call runs) and wait for it."""
    return ctx.runner.run(work).result()


def _incident(ctx: ScreenContext, status: IncidentStatus) -> tuple[UseOfForceIncident, UUID]:
    """A demo incident with ``status`` and the revision it is at."""

    def find() -> tuple[UseOfForceIncident, UUID]:
        with ctx.store.read() as reader:
            incident = reader.find(
                UseOfForceIncident, ward_id=ctx.ward_id, statuses=[status.value]
            )[0]
            state = reader.state(incident.id)
            assert state is not None
            return incident, state.revision_id

    return _on_worker(ctx, find)  # type: ignore[no-any-return]


def _make_conflict(ctx: ScreenContext, status: IncidentStatus) -> UseOfForceIncident:
    """Two changes saved from the same version of a demo incident (as two PCs would): one
    changes the outcome, the other the location. Signed-off records need reasons."""
    incident, base = _incident(ctx, status)
    reason = "corrected" if status is IncidentStatus.SIGNED_OFF else None
    one = incident.model_copy(update={"outcome": "Outcome as typed on the office PC."})
    two = incident.model_copy(update={"location": "Garden (from the ward PC)"})
    _on_worker(ctx, lambda: ctx.store.save(one, base=base, reason=reason))
    _on_worker(ctx, lambda: ctx.store.save(two, base=base, reason=reason))
    return incident


def _page(qtbot: QtBot, ctx: ScreenContext) -> HistoryPage:
    page = history_screen(ctx)
    assert isinstance(page, HistoryPage)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page


def _dialog(qtbot: QtBot, get: Callable[[], ReasonDialog | None]) -> ReasonDialog:
    qtbot.waitUntil(lambda: (d := get()) is not None and d.isVisible())
    dialog = get()
    assert dialog is not None
    return dialog


def _state(ctx: ScreenContext, record_id: UUID) -> Any:
    def read() -> Any:
        with ctx.store.read() as reader:
            return reader.state(record_id), reader.history(record_id)

    return _on_worker(ctx, read)


def _cells(model: Any) -> list[list[str]]:
    return [
        [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


# ------------------------------------------------------------------------------ the models


def test_the_models_pass_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    change = ChangeLine("version 1", "Outcome", "Settled.", "Settled; bruise found.")
    line = RevisionLine(
        2,
        b.PATIENT_ID,
        "Mon 01 Jul 2024 14:05 BST",
        "demo.manager",
        "Amended after sign-off",
        "bruise found",
        "Current version",
        (change,),
    )
    for model, rows in (
        (revisions_model(), (line,)),
        (changes_model(), (change,)),
        (
            conflicts_model(),
            (ConflictRow(b.PATIENT_ID, "Use of force incident", "Alex", 2, "now"),),
        ),
    ):
        qtmodeltester.check(model)
        model.set_rows(rows)  # type: ignore[attr-defined]
        qtmodeltester.check(model)
        model.set_rows(())  # type: ignore[attr-defined]
        qtmodeltester.check(model)

    base = b.submitted_incident()
    records = (
        base.model_copy(update={"outcome": "One"}),
        base.model_copy(update={"location": "Two"}),
    )
    versions = [
        Version(letter, n, b.WARD_ID, RevisionAction.EDIT, record, f"{letter}: version {n}")
        for letter, n, record in (("A", 3, records[0]), ("B", 4, records[1]))
    ]
    comparison = ComparisonModel()
    qtmodeltester.check(comparison)
    comparison.set_versions(versions, compare_versions(records), keep=1)
    qtmodeltester.check(comparison)
    assert comparison.headerData(1, Qt.Orientation.Horizontal) == "Version A"
    comparison.set_only_differing(True)
    qtmodeltester.check(comparison)
    assert [r[0] for r in _cells(comparison)] == ["Location", "Outcome"]
    assert all(r[3] == DIFFERENT for r in _cells(comparison))
    comparison.choose(1, 0)
    comparison.choose_all(1)
    qtmodeltester.check(comparison)
    assert comparison.choices() == {"location": 1, "outcome": 1}
    comparison.set_versions((), (), keep=0)
    qtmodeltester.check(comparison)


# ------------------------------------------------------------------------------ asking why


def test_ask_reason_returns_what_was_typed_or_none_when_cancelled(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def answer(keys: str, key: Qt.Key) -> None:
        (dialog,) = [d for d in parent.findChildren(ReasonDialog) if d.isVisible()]
        try:
            assert dialog.isModal()
            assert dialog.windowTitle() == "Amend"
            qtbot.keyClicks(dialog.reason, keys)
            qtbot.keyClick(dialog.reason, key)
        finally:
            if dialog.isVisible():  # never leave a test waiting on a modal dialog
                dialog.done(2)

    QTimer.singleShot(0, lambda: answer("  time corrected from CCTV ", Enter))
    assert ask_reason(parent, "Amend", "Why?") == "time corrected from CCTV"
    QTimer.singleShot(0, lambda: answer("never mind", Qt.Key.Key_Escape))
    assert ask_reason(parent, "Amend", "Why?") is None


# ------------------------------------------------------------------- amend and void, with reason


def test_amend_and_void_with_reason(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    incident, base = _incident(ctx, IncidentStatus.SIGNED_OFF)
    page = _page(qtbot, ctx)
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        page.show_history(incident.id)
    before = page.revisions.rowCount()
    assert page.state.text().startswith("Signed off")
    # Every revision says what it changed in words: labels, never stored codes.
    every_change = [c for line in page.revisions.rows() for c in line.changes]
    assert any(c.label == "Status" and c.new == "Signed off" for c in every_change)
    # A number is shown only where the field is a quantity (an RT dose), never as a code.
    assert not [
        c
        for c in every_change
        if "signed_off" in c.new or (c.new.isdigit() and not c.label.endswith("dose amount"))
    ]
    assert incident.reason is not None
    assert any(c.label == "Reason" and c.new == incident.reason.label for c in every_change)

    # Amend after sign-off: the reason is asked for, and an empty one gets the store's rule.
    amended = incident.model_copy(update={"outcome": f"{incident.outcome} Seen by the doctor."})
    dialog = save_amendment(ctx, page, amended, base=base)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClick(dialog.reason, Enter)
    qtbot.waitUntil(lambda: "an amendment needs a reason (reason)" in dialog.message.text())
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "Doctor's review added to the outcome")
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        qtbot.keyClick(dialog.reason, Enter)
    lines = page.revisions.rows()
    assert len(lines) == before + 1
    last = page.revisions.rowCount() - 1
    assert page.revisions.index(last, 3).data() == (
        "Amended after sign-off — reason: Doctor's review added to the outcome"
    )
    assert page.revisions.index(last, 5).data() == "Current version"
    assert _cells(page.changes) == [
        [f"version {before}", "Outcome", incident.outcome, amended.outcome]
    ]

    # Void: Escape changes nothing; the reason is asked for; the store refuses an empty one
    # and says why.
    assert page.void_button.isEnabled()
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, lambda: page.dialog)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)
    assert page.revisions.rowCount() == before + 1
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, lambda: page.dialog)
    qtbot.keyClick(dialog.reason, Enter)
    qtbot.waitUntil(lambda: dialog.message.text() == "Voiding a record needs a reason (reason).")
    qtbot.keyClicks(dialog.reason, "Entered on the wrong patient")
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        qtbot.keyClick(dialog.reason, Enter)
    assert "VOIDED" in page.state.text()
    assert page.revisions.rowCount() == before + 2
    assert page.revisions.index(before + 1, 3).data() == (
        "Voided — reason: Entered on the wrong patient"
    )
    assert _cells(page.changes) == []  # a void keeps the content as it was
    assert not page.void_button.isEnabled()
    assert "Already voided" in page.void_note.text()

    # Nothing was deleted: the record and every revision are still there.
    state, history = _state(ctx, incident.id)
    assert state.voided
    assert state.record == amended
    assert [r.action for r in history][-2:] == [RevisionAction.AMEND, RevisionAction.VOID]
    assert len(history) == before + 2


def test_the_record_opens_on_its_own_screen(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    incident, _ = _incident(ctx, IncidentStatus.SUBMITTED)
    page = _page(qtbot, ctx)
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        page.show_history(incident.id)
    with qtbot.waitSignal(ctx.navigator.incident_requested) as asked:
        page.open_button.setFocus()
        qtbot.keyClick(page.open_button, Qt.Key.Key_Space)
    assert asked.args == [incident.id]
    assert page.void_button.isEnabled()  # a nurse may void a record not yet signed off


# ------------------------------------------------------------------------------- conflicts


def _open_first_conflict(qtbot: QtBot, page: HistoryPage) -> None:
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 1, timeout=10_000)
    table = page.conflicts_table
    table.setFocus()
    table.setCurrentIndex(page.conflicts.index(0, 0))
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        qtbot.keyClick(table, Enter)
    assert page.tabs.currentWidget() is page.compare


def test_a_conflict_resolved_by_choosing_one_version(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    incident = _make_conflict(ctx, IncidentStatus.SUBMITTED)
    page = _page(qtbot, ctx)
    _open_first_conflict(qtbot, page)
    assert "CONFLICTED: 2 versions" in page.state.text()
    assert "1 record has diverging versions" in page.conflicts_summary.text()
    differing = {row[0]: row for row in _cells(page.compare.model) if row[3] == DIFFERENT}
    assert set(differing) == {"Location", "Outcome"}
    assert differing["Outcome"][1:3] == ["Outcome as typed on the office PC.", incident.outcome]
    assert differing["Location"][1:3] == [incident.location, "Garden (from the ward PC)"]
    standing = [line.standing for line in page.revisions.rows()]
    assert standing[-2:] == ["One of 2 versions", "One of 2 versions"]

    keep_a = page.compare.keep_buttons[0]
    assert keep_a.text() == "Keep version &A as it is…"
    qtbot.mouseClick(keep_a, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, lambda: page.compare.dialog)
    assert "optional" in dialog.prompt.text()
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        qtbot.keyClick(dialog.reason, Enter)
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 0, timeout=10_000)
    assert page.conflicts_summary.text() == "No conflicted records on this ward."
    assert "CONFLICTED" not in page.state.text()
    assert not page.tabs.isTabEnabled(1)
    last = page.revisions.rows()[-1]
    assert last.happened == "Conflict resolved"
    # Compared with each version it joins: it kept A whole, so only B's fields change.
    versions = page.revisions.rows()[-3:-1]
    assert [(c.against, c.label, c.new) for c in last.changes] == [
        (f"version {versions[1].number}", "Location", incident.location),
        (f"version {versions[1].number}", "Outcome", "Outcome as typed on the office PC."),
    ]
    state, history = _state(ctx, incident.id)
    assert not state.conflicted
    assert state.record.outcome == "Outcome as typed on the office PC."
    assert state.record.location == incident.location
    assert history[-1].action is RevisionAction.RESOLVE
    assert len(history[-1].parents) == 2


def test_a_conflict_resolved_by_combining_with_the_reason_the_store_asks_for(  # type: ignore[no-untyped-def]
    qtbot: QtBot, signed_in
) -> None:
    ctx = signed_in("demo.manager")
    incident = _make_conflict(ctx, IncidentStatus.SIGNED_OFF)
    page = _page(qtbot, ctx)
    _open_first_conflict(qtbot, page)
    compare = page.compare
    assert "signed off" in compare.headings.text()
    # The differing fields first; every field on request (Space on the check box).
    assert [row[0] for row in _cells(compare.model)] == ["Location", "Outcome"]
    compare.only_differing.setFocus()
    qtbot.keyClick(compare.only_differing, Qt.Key.Key_Space)
    every = _cells(compare.model)
    assert len(every) > 20
    assert {row[3] for row in every} == {"same", DIFFERENT}
    qtbot.keyClick(compare.only_differing, Qt.Key.Key_Space)
    assert [row[0] for row in _cells(compare.model)] == ["Location", "Outcome"]
    # Each differing field keeps the newest version (B) until changed: keep A's outcome.
    assert _cells(compare.model)[1][4].startswith("B: ")
    compare.table.setFocus()
    compare.table.setCurrentIndex(compare.model.index(1, 0))
    assert compare.keep.isEnabled()
    assert compare.keep.currentIndex() == 1
    compare.keep.setFocus()
    qtbot.keyClick(compare.keep, Qt.Key.Key_Up)
    assert _cells(compare.model)[1][4] == "A: Outcome as typed on the office PC."
    assert compare.model.choices() == {"location": 1, "outcome": 0}

    qtbot.mouseClick(compare.combine, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, lambda: compare.dialog)
    assert "A reason is required: version A and B were signed off" in dialog.prompt.text()
    qtbot.keyClick(dialog.reason, Enter)
    qtbot.waitUntil(lambda: "resolving needs a reason (reason)" in dialog.message.text())
    qtbot.keyClicks(dialog.reason, "Both corrections are right: kept the two")
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        qtbot.keyClick(dialog.reason, Enter)
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 0, timeout=10_000)
    assert page.revisions.rows()[-1].happened == (
        "Conflict resolved — reason: Both corrections are right: kept the two"
    )
    state, history = _state(ctx, incident.id)
    assert not state.conflicted
    assert state.signed_off
    assert state.record.outcome == "Outcome as typed on the office PC."
    assert state.record.location == "Garden (from the ward PC)"
    assert history[-1].reason == "Both corrections are right: kept the two"


def test_a_nurse_sees_a_conflict_but_cannot_resolve_it(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.nurse")
    _make_conflict(ctx, IncidentStatus.SUBMITTED)
    page = _page(qtbot, ctx)
    _open_first_conflict(qtbot, page)
    compare = page.compare
    assert any(row[3] == DIFFERENT for row in _cells(compare.model))
    assert not compare.combine.isEnabled()
    assert not any(button.isEnabled() for button in compare.keep_buttons)
    assert not compare.keep.isEnabled()
    assert compare.note.text() == NOT_ALLOWED
    assert not page.void_button.isEnabled()  # voiding would resolve it
    assert "nurse in charge or ward manager" in page.void_note.text()


def test_a_resolution_never_sets_aside_a_version_it_has_not_seen(signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    incident = _make_conflict(ctx, IncidentStatus.SUBMITTED)

    def resolve_with_one_version_unseen() -> str:
        with ctx.store.read() as reader:
            tips = reader.tips(incident.id)
        try:
            resolve_conflict(ctx.store, incident, frozenset({tips[0].revision_id}), None)
        except RuleViolation as refused:
            return str(refused)
        return "resolved"

    assert _on_worker(ctx, resolve_with_one_version_unseen) == STALE


def test_keeping_the_version_that_voided_the_record_voids_it(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    incident, base = _incident(ctx, IncidentStatus.SUBMITTED)
    # Voided here while another PC changed it from the version before the void.
    _on_worker(ctx, lambda: ctx.store.void(incident.id, "Entered twice"))
    changed = incident.model_copy(update={"location": "Garden (from the ward PC)"})
    _on_worker(ctx, lambda: ctx.store.save(changed, base=base))
    page = _page(qtbot, ctx)
    _open_first_conflict(qtbot, page)
    compare = page.compare
    assert "A: version" in compare.headings.text()
    assert "(VOIDED)" in compare.headings.text()
    keep_void = compare.keep_buttons[0]
    assert keep_void.text() == "Keep version &A: void the record…"
    qtbot.mouseClick(keep_void, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, lambda: compare.dialog)
    qtbot.keyClicks(dialog.reason, "It was entered twice; the change is on the other record")
    with qtbot.waitSignal(page.history_loaded, timeout=10_000):
        qtbot.keyClick(dialog.reason, Enter)
    qtbot.waitUntil(lambda: page.conflicts.rowCount() == 0, timeout=10_000)
    assert "VOIDED" in page.state.text()
    assert page.revisions.rows()[-1].happened.startswith("Voided — reason: It was entered twice")
    state, history = _state(ctx, incident.id)
    assert state.voided
    assert not state.conflicted
    assert len(history[-1].parents) == 2
