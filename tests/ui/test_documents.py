"""Saving documents from the window (issue 8: "preview, print and save-as go into the ward
client"): the use-of-force record and the patient copies from the incident form, the handover,
and the seclusion and LTS documents for a ward manager — each written only to the file chosen,
audited as printed, then opened to preview or print; offered only to those with the right."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import tests.ui.isolation_steps as isolation
from app.models.incident_parts import IncidentStatus
from app.models.patient_copy import PatientCopyOffer, PatientCopyVersion
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.store.audit import AuditAction
from app.ui.context import ScreenContext
from app.ui.documents import DocumentButton
from app.ui.handover.page import HandoverPage
from app.ui.isolation.lts_page import SegregationScreen
from app.ui.isolation.screens import seclusion_screen, segregation_screen
from app.ui.isolation.seclusion_page import SeclusionScreen
from app.ui.screens import board_screen
from tests.reports.pdf_tools import check_pdf
from tests.ui.incident_steps import on_worker, open_form, open_page
from tests.ui.isolation_steps import open_screen
from tests.ui.screen_steps import WAIT


@pytest.fixture(autouse=True)
def _screens_outlive_the_store_worker() -> Iterator[None]:
    yield from isolation.keep_screens()


def answer_the_dialog(button: DocumentButton, path: Path) -> list[Path]:
    """Make the save dialog answer ``path``; returns the list of files opened to preview."""
    opened: list[Path] = []
    button.choose_path = lambda _owner, _title, _suggested: path
    button.open_file = opened.append
    return opened


def last_event(qtbot: QtBot, ctx: ScreenContext) -> tuple[str, str, str | None]:
    def read(store: object) -> tuple[str, str, str | None]:
        with store.read() as reader:  # type: ignore[attr-defined]
            from app.store.schema import AuditRow

            row = reader._session.query(AuditRow).order_by(AuditRow.seq.desc()).first()
            return row.action, row.actor, row.detail

    return on_worker(qtbot, ctx, read)


def first_of(qtbot: QtBot, ctx: ScreenContext, kind: type[SeclusionEpisode | LtsEpisode]) -> UUID:
    """The id of the ward's running episode of ``kind``."""

    def read(store: object) -> UUID:
        with store.read() as reader:  # type: ignore[attr-defined]
            return next(e.id for e in reader.find(kind) if e.ended_at is None)

    return on_worker(qtbot, ctx, read)


def save(qtbot: QtBot, button: DocumentButton, path: Path) -> list[Path]:
    opened = answer_the_dialog(button, path)
    with qtbot.waitSignal(button.saved, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return opened


def test_a_nurse_saves_the_record_and_a_patient_copy_from_the_form(
    qtbot: QtBot, signed_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    nurse = signed_in("demo.nurse")
    page = open_page(qtbot, nurse)
    signed = next(r for r in page.model.rows() if r.status is IncidentStatus.SIGNED_OFF)
    form = open_form(qtbot, page, signed.incident_id)
    assert form.print_record.isVisibleTo(form)
    assert form.patient_copy.isVisibleTo(form)
    assert form.easy_read_copy.isVisibleTo(form)

    record = tmp_path / "record.pdf"
    opened = save(qtbot, form.print_record, record)
    assert opened == [record]  # shown to preview and print
    assert "Use-of-force record" in check_pdf(record)
    assert "Saved" in form.print_record.note.text()
    action, actor, detail = last_event(qtbot, nurse)
    assert (action, actor) == (AuditAction.PRINTED.value, "demo.nurse")
    assert detail is not None
    assert "record.pdf" not in detail  # never the file's name

    assert not form.copies.isVisibleTo(form)  # no copy made yet
    copy = tmp_path / "copy"  # typed without .pdf
    save(qtbot, form.easy_read_copy, copy)
    assert (tmp_path / "copy.pdf").is_file()
    assert not copy.exists()
    # The record notes that a copy was made to offer, on this form and for every PC.
    qtbot.waitUntil(lambda: "easy read" in form.copies.text(), timeout=WAIT)
    assert "by demo.nurse" in form.copies.text()

    def offers(store: object) -> list[PatientCopyOffer]:
        with store.read() as reader:  # type: ignore[attr-defined]
            return reader.find(PatientCopyOffer, parent_id=signed.incident_id)

    made = on_worker(qtbot, nurse, offers)
    assert [(o.version, o.made_by) for o in made] == [(PatientCopyVersion.EASY_READ, "demo.nurse")]


def test_a_draft_offers_no_patient_copy_yet(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    nurse = signed_in("demo.nurse")
    page = open_page(qtbot, nurse)
    draft = next(r for r in page.model.rows() if r.status is IncidentStatus.DRAFT)
    form = open_form(qtbot, page, draft.incident_id)
    assert form.print_record.isVisibleTo(form)
    assert not form.patient_copy.isVisibleTo(form)
    assert not form.easy_read_copy.isVisibleTo(form)


def test_a_file_that_cannot_be_written_is_said_and_nothing_is_audited(
    qtbot: QtBot, signed_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    nurse = signed_in("demo.nurse")
    page = open_page(qtbot, nurse)
    signed = next(r for r in page.model.rows() if r.status is IncidentStatus.SIGNED_OFF)
    form = open_form(qtbot, page, signed.incident_id)
    before = last_event(qtbot, nurse)
    opened = answer_the_dialog(form.print_record, tmp_path / "no such folder" / "record.pdf")
    qtbot.mouseClick(form.print_record, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cannot be written" in form.print_record.note.text(), timeout=WAIT)
    assert opened == []
    assert form.print_record.isEnabled()
    assert last_event(qtbot, nurse) == before


def test_the_handover_is_saved_as_pdf(qtbot: QtBot, signed_in, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nurse = signed_in("demo.nurse")
    page = HandoverPage(nurse)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.handover_loaded, timeout=WAIT):
        pass
    path = tmp_path / "handover.pdf"
    save(qtbot, page.save_pdf, path)
    assert "Active restrictions" in check_pdf(path)


def test_the_ward_manager_saves_the_seclusion_and_lts_documents(
    qtbot: QtBot, signed_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    manager = signed_in("demo.manager")
    seclusion = open_screen(qtbot, manager, seclusion_screen, SeclusionScreen)
    seclusion.show_episode(first_of(qtbot, manager, SeclusionEpisode))
    qtbot.waitUntil(lambda: seclusion.episode_id is not None, timeout=WAIT)
    assert seclusion.save_pdf.isVisibleTo(seclusion)
    path = tmp_path / "seclusion.pdf"
    save(qtbot, seclusion.save_pdf, path)
    assert "Seclusion record" in check_pdf(path)

    lts = open_screen(qtbot, manager, segregation_screen, SegregationScreen)
    lts.show_episode(first_of(qtbot, manager, LtsEpisode))
    qtbot.waitUntil(lambda: lts.episode_id is not None, timeout=WAIT)
    path = tmp_path / "lts.pdf"
    save(qtbot, lts.save_pdf, path)
    assert "segregation" in check_pdf(path).lower()


def test_a_nurse_is_not_offered_the_review_documents(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    nurse = signed_in("demo.nurse")
    seclusion = open_screen(qtbot, nurse, seclusion_screen, SeclusionScreen)
    assert not seclusion.save_pdf.allowed
    assert not seclusion.save_pdf.isVisibleTo(seclusion)


def test_the_ward_manager_saves_the_oversight_report_from_the_board(
    qtbot: QtBot, signed_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    manager = signed_in("demo.manager")
    board = board_screen(manager)
    qtbot.addWidget(board)
    button = board.findChild(DocumentButton)
    assert button is not None
    assert button.allowed
    path = tmp_path / "oversight.pdf"
    save(qtbot, button, path)
    assert "Small numbers are hidden" in check_pdf(path)


def test_a_nurse_is_not_offered_the_wards_figures(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    board = board_screen(signed_in("demo.nurse"))
    qtbot.addWidget(board)
    button = board.findChild(DocumentButton)
    assert button is not None
    assert not button.allowed
    assert not button.isVisibleTo(board)


def test_a_nurse_saves_the_patients_copy_of_the_latest_lts_review(
    qtbot: QtBot, signed_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    nurse = signed_in("demo.nurse")
    lts = open_screen(qtbot, nurse, segregation_screen, SegregationScreen)
    lts.show_episode(first_of(qtbot, nurse, LtsEpisode))
    qtbot.waitUntil(
        lambda: lts.patient_copy.isEnabled() and lts.patient_copy.isVisibleTo(lts), timeout=WAIT
    )
    assert not lts.save_pdf.isVisibleTo(lts)  # the review document is the ward manager's
    path = tmp_path / "copy.pdf"
    save(qtbot, lts.patient_copy, path)
    assert "What this review decided" in " ".join(check_pdf(path).split())
