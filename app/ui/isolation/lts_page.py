"""The long-term segregation screen: running and recently ended LTS episodes with their live
clocks (approved clinician daily, MDT weekly, external three-monthly, IC(E)TR where it
applies); for the chosen one its decision record, care plan with its versions, reviews and
engagement log, and the forms to record a review (Alt+R), add engagement (Alt+M), revise the
care plan (Alt+T) and end it (Alt+E); LTS is started with Alt+N (domain.md §3 "Long-term
segregation"). The way out of it — prompts, steps to end it, IC(E)TR recommendations and
senior-intervenor actions, Alt+S/F/B/O — is :mod:`app.ui.isolation.lts_exit_view`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from uuid import UUID

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.admission import HospitalSpell
from app.models.clock import format_local, local_date
from app.models.form_draft import FormDraft
from app.models.isolation_roles import is_commissioner
from app.models.lts_exit import IcetrRecommendation, LtsExitStep, SeniorIntervenorAction
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer
from app.models.people import StaffMember
from app.models.segregation import LtsEngagementEntry, LtsEpisode, LtsReview
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.documents import DocumentButton
from app.ui.isolation.care_plans import (
    LTS_CARE_PLAN_SECTIONS,
    CarePlanForm,
    care_plan_text,
    scrolling,
)
from app.ui.isolation.episode_page import EpisodePage, table
from app.ui.isolation.form import FormPanel
from app.ui.isolation.loading import (
    SEGREGATION,
    EpisodeRow,
    KeptDraft,
    LtsDetail,
    load_lts_detail,
)
from app.ui.isolation.lts_exit_view import FORM_LABELS as EXIT_FORM_LABELS
from app.ui.isolation.lts_exit_view import LtsExitPanel
from app.ui.isolation.lts_forms import (
    EndLtsForm,
    EngagementForm,
    LtsReviewForm,
    StartLtsForm,
)
from app.ui.isolation.seclusion_page import episode_columns, people
from app.ui.isolation.tables import Column, RowsModel
from app.ui.isolation.wording import local_time, span
from app.ui.widgets import named

FORM_LABELS = {
    "lts_review": "LTS review",
    "lts_engagement": "Engagement entry",
    "lts_care_plan": "Care plan revision",
    "end_segregation": "End of LTS",
    **EXIT_FORM_LABELS,
}


def review_columns() -> list[Column[LtsReview]]:
    """The review log's columns."""

    def views(r: LtsReview, _at: datetime) -> str:
        if r.patient_present is None:
            return r.patient_views or ""
        present = "present" if r.patient_present else "not present"
        return f"{present}; {r.patient_views}" if r.patient_views else present

    return [
        Column("Held", lambda r, at: local_time(r.held_at, at)),
        Column("Review", lambda r, _at: r.kind.label),
        Column("Attendees", lambda r, _at: people(r.attendees)),
        Column("Patient", views),
        Column("Decision", lambda r, _at: r.decision.value.capitalize()),
        Column("Rationale", lambda r, _at: r.rationale),
    ]


def engagement_columns() -> list[Column[LtsEngagementEntry]]:
    """The engagement log's columns."""
    return [
        Column("Started", lambda e, at: local_time(e.started_at, at)),
        Column("Kind", lambda e, _at: e.kind.label),
        Column("How long", lambda e, _at: span(e.duration)),
        Column("Notes", lambda e, _at: e.notes),
    ]


def decision_text(episode: LtsEpisode) -> str:
    """The decision record in words (domain.md §3: MDT with the commissioner, IMHA told)."""
    staff = [p for p in episode.decision_attendees if not is_commissioner(p)]
    commissioner = episode.commissioner
    if episode.imha_told is None:
        imha = "not recorded yet"
    elif episode.imha_told_at is not None:
        imha = f"yes, {format_local(episode.imha_told_at)}"
    else:
        imha = episode.imha_told.value.replace("_", " ")
    by = episode.authorised_by
    return "<br>".join(
        [
            (
                f"<b>Decided</b> {escape(format_local(episode.started_at))} by the MDT: "
                f"{escape(people(staff))}"
            ),
            (
                f"<b>Commissioner's representative:</b> {escape(commissioner.name)} "
                f"({escape(commissioner.job_title)})"
            ),
            f"<b>Authorised by</b> {escape(by.name)} ({escape(by.job_title)})",
            f"<b>IMHA told:</b> {escape(imha)}",
        ]
    )


class SegregationScreen(EpisodePage):
    """Running and recent long-term segregation of the ward."""

    KIND = SEGREGATION
    WATCHES = frozenset(
        {
            LtsEpisode.KIND,
            LtsReview.KIND,
            LtsEngagementEntry.KIND,
            Patient.KIND,
            HospitalSpell.KIND,
            StaffMember.KIND,
            LtsExitStep.KIND,
            IcetrRecommendation.KIND,
            SeniorIntervenorAction.KIND,
        }
    )
    NEW_LABEL = "&New LTS"
    EMPTY = "Nobody on the ward is in long-term segregation, and none ended in the last 7 days."

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("segregation-screen")

    def columns(self) -> Sequence[Column[EpisodeRow]]:
        """Patient, start, day count, most urgent review."""
        columns = episode_columns("In LTS")
        columns[2] = Column("Status", _lts_status, live=True)
        return columns

    def read_detail(self) -> Callable[[Store, UUID], LtsDetail | None]:
        """Reads one LTS episode with the way out of it, as at the time now."""
        at, policy = self.ctx.now(), self.ctx.policy
        return lambda store, episode_id: load_lts_detail(store, episode_id, at=at, policy=policy)

    def build_overview(self) -> QWidget:
        """Header, clocks, actions, drafts, and the decision record, plan and logs."""
        page = QWidget()
        self.header = named(QLabel(), "Episode")
        self.header.setWordWrap(True)
        self.review_button = named(QPushButton("Record &review"), "Record review")
        self.engage_button = named(QPushButton("Add engage&ment"), "Add engagement")
        self.plan_button = named(QPushButton("Revise &the care plan"), "Revise the care plan")
        self.end_button = named(QPushButton("&End LTS"), "End LTS")
        self.history_button = named(QPushButton("Histor&y"), "History")
        self.review_button.clicked.connect(self.open_review)
        self.engage_button.clicked.connect(self.open_engagement)
        self.plan_button.clicked.connect(self.open_care_plan)
        self.end_button.clicked.connect(self._end_clicked)
        self.history_button.clicked.connect(self._history)
        actions = QHBoxLayout()
        for button in (self.review_button, self.engage_button, self.plan_button, self.end_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.save_pdf = self.document_button("lts-review", "lts-review")
        self._latest_review: UUID | None = None
        self.patient_copy = DocumentButton(
            self.ctx,
            "patient-copy-lts",
            "Patient copy of the latest review (PDF)…",
            options_now=lambda: (
                None if self._latest_review is None else {"review": str(self._latest_review)}
            ),
            file_name=lambda: f"patient-copy-lts-review-{local_date(self.ctx.now())}.pdf",
            saves=PatientCopyOffer.KIND,
        )
        actions.addWidget(self.patient_copy)
        actions.addWidget(self.save_pdf)
        actions.addWidget(self.history_button)
        self.drafts = named(QLabel(), "Unfinished forms")
        self.drafts.setWordWrap(True)
        self.reviews: RowsModel[LtsReview] = RowsModel(
            review_columns(), key=lambda r: r.id, now=self.ctx.now, parent=self
        )
        self.engagement: RowsModel[LtsEngagementEntry] = RowsModel(
            engagement_columns(), key=lambda e: e.id, now=self.ctx.now, parent=self
        )
        self.decision = named(QLabel(), "Decision record")
        self.decision.setWordWrap(True)
        self.care_plan = named(QLabel(), "Care plan")
        self.care_plan.setWordWrap(True)
        logs = self.logs = named(QTabWidget(), "Records of the episode")
        logs.addTab(table("Reviews", self.reviews), "Reviews")
        logs.addTab(table("Engagement log", self.engagement), "Engagement log")
        logs.addTab(scrolling(self.care_plan), "Care plan")
        logs.addTab(scrolling(self.decision), "Decision record")
        self.exit = LtsExitPanel(self)
        logs.addTab(self.exit.steps_view, "Steps to end LTS")
        logs.addTab(self.exit.actions_view, "IC(E)TR and senior intervenor")
        self.exit.reveal = logs.setCurrentWidget
        column = QVBoxLayout(page)
        column.addWidget(self.header)
        column.addWidget(self.chips)
        column.addWidget(self.exit.prompts)
        column.addLayout(actions)
        column.addWidget(self.exit.row)
        column.addWidget(self.save_pdf.note)
        column.addWidget(self.patient_copy.note)
        column.addWidget(self.drafts)
        column.addWidget(logs, 1)
        return page

    def show_detail(self, detail: LtsDetail, row: EpisodeRow | None) -> None:
        """Fill the view from ``detail``."""
        del row
        episode = detail.episode
        now = self.ctx.now()
        day = episode.days_elapsed(now) + 1
        lines = [
            (
                f"<b>{escape(detail.patient_name)}</b> — long-term segregation since "
                f"{escape(format_local(episode.started_at))} (day {day})"
            )
        ]
        if episode.ended_at is not None and episode.ended_by is not None:
            lines.append(
                f"Ended {escape(format_local(episode.ended_at))} by "
                f"{escape(episode.ended_by.name)} ({escape(episode.ended_by.job_title)})"
            )
        if detail.conflicted:
            lines.append("<b>Two versions of this episode wait to be resolved (see History).</b>")
        self.header.setText("<br>".join(lines))
        self.decision.setText(decision_text(episode))
        self.care_plan.setText(
            care_plan_text(episode.care_plan, LTS_CARE_PLAN_SECTIONS, detail.versions)
        )
        self.reviews.set_rows(detail.reviews)
        latest = max(detail.reviews, key=lambda r: r.held_at, default=None)
        self._latest_review = None if latest is None else latest.id
        self.patient_copy.setEnabled(latest is not None)
        self.engagement.set_rows(detail.engagement)
        self.drafts.setText(self.drafts_line(detail.drafts, FORM_LABELS))
        running = episode.ended_at is None
        for button in (self.review_button, self.engage_button):
            button.setEnabled(self.can_record and running)
        # A change to a conflicted episode would fork it further: resolve it first.
        for button in (self.plan_button, self.end_button):
            button.setEnabled(self.can_record and running and not detail.conflicted)
        self.exit.show(detail, may_change=self.can_record and running)

    def new_episode_form(self, draft: KeptDraft | None) -> FormPanel | None:
        """The decision record that starts LTS."""
        if self.episodes is None:
            return None
        return StartLtsForm(self.ctx, self.episodes.patients, self.episodes.staff, draft)

    def _ready(self) -> LtsDetail | None:
        detail = self.detail
        if not isinstance(detail, LtsDetail) or self.episodes is None:
            return None
        if detail.episode.ended_at is not None or not self.can_record:
            return None
        return detail

    def _draft(self, detail: LtsDetail, form: str) -> tuple[FormDraft, UUID] | None:
        return self.kept_draft(detail.drafts, form)

    def open_review(self) -> None:
        """A review of any kind (Alt+R)."""
        detail = self._ready()
        if detail is None or self.episodes is None:
            return
        row = self.current_row()
        self.open_form(
            LtsReviewForm(
                self.ctx,
                detail.episode,
                self.episodes.staff,
                row.clocks if row is not None else (),
                self._draft(detail, LtsReviewForm.FORM),
            )
        )

    def open_engagement(self) -> None:
        """An engagement entry (Alt+M)."""
        detail = self._ready()
        if detail is not None:
            draft = self._draft(detail, EngagementForm.FORM)
            self.open_form(EngagementForm(self.ctx, detail.episode, draft))

    def open_care_plan(self) -> None:
        """Revise the care plan (Alt+T): a new version of the episode."""
        detail = self._ready()
        if detail is not None and not detail.conflicted:
            draft = self._draft(detail, CarePlanForm.FORM)
            self.open_form(CarePlanForm(self.ctx, detail.episode, detail.revision_id, draft))

    def open_end(self, decided_by: UUID | None = None) -> None:
        """End LTS (Alt+E); not while the episode is conflicted."""
        detail = self._ready()
        if detail is None or self.episodes is None or detail.conflicted:
            return
        draft = self._draft(detail, EndLtsForm.FORM)
        self.open_form(
            EndLtsForm(
                self.ctx,
                detail.episode,
                detail.revision_id,
                self.episodes.staff,
                draft=draft,
                decided_by=decided_by,
            )
        )

    def _end_clicked(self) -> None:
        self.open_end()

    def after_form(self, form: FormPanel) -> None:
        """A review that decided to end LTS goes on to the end form."""
        if isinstance(form, LtsReviewForm) and form.was_saved and form.ends_segregation:
            ticked = form.attendees.people.ticked()
            self.open_end(decided_by=ticked[0].id if ticked else None)

    def _history(self) -> None:
        if self.episode_id is not None:
            self.ctx.navigator.history_requested.emit(self.episode_id)

    def stop(self) -> None:
        """The window is locking: forget the way out too."""
        super().stop()
        self.exit.clear()


def _lts_status(row: EpisodeRow, at: datetime) -> str:
    if row.ended_at is not None:
        days = (local_date(row.ended_at) - local_date(row.started_at)).days + 1
        return f"Ended {local_time(row.ended_at, at)} after {days} day{'s' if days != 1 else ''}"
    return f"LTS day {(row.days_elapsed or 0) + 1}"
