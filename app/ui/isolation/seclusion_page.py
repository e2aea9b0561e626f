"""The seclusion screen: running and recently ended seclusions with their live clocks; for
the chosen one its clocks, observations, reviews and care plan with its versions, and the
forms to add an observation (Alt+O, then Enter), record a review (Alt+R), write or revise the
care plan (Alt+T) and end it (Alt+E); a new seclusion is started with Alt+N (domain.md §3
"Seclusion")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from typing import Any
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
from app.models.clock import format_local
from app.models.patient import Patient
from app.models.people import StaffMember
from app.models.review_clocks import most_urgent
from app.models.seclusion import (
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
)
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.isolation.care_plans import (
    SECLUSION_CARE_PLAN_SECTIONS,
    SeclusionCarePlanForm,
    care_plan_text,
    scrolling,
)
from app.ui.isolation.episode_page import EpisodePage, table
from app.ui.isolation.form import FormPanel
from app.ui.isolation.loading import (
    SECLUSION,
    EpisodeRow,
    KeptDraft,
    SeclusionDetail,
    load_seclusion_detail,
)
from app.ui.isolation.seclusion_forms import (
    EndSeclusionForm,
    ObservationForm,
    SeclusionReviewForm,
    StartSeclusionForm,
)
from app.ui.isolation.tables import Column, RowsModel
from app.ui.isolation.wording import clock_chip, local_time, span
from app.ui.widgets import named

FORM_LABELS = {
    "seclusion_observation": "Observation",
    "seclusion_review": "Seclusion review",
    "seclusion_care_plan": "Care plan revision",
    "end_seclusion": "End of seclusion",
}


def people(refs: Sequence[Any]) -> str:
    """``Priya Nair (Staff nurse); Dev Chauhan (Healthcare support worker)``."""
    return "; ".join(f"{p.name} ({p.job_title})" for p in refs)


def status_text(row: EpisodeRow, at: datetime, noun: str) -> str:
    """``In seclusion 3 h 50 min`` or ``Ended Tue 14:05 after 6 h 10 min``."""
    if row.ended_at is None:
        return f"{noun} {span(at - row.started_at)}"
    return f"Ended {local_time(row.ended_at, at)} after {span(row.ended_at - row.started_at)}"


def next_due_text(row: EpisodeRow, at: datetime) -> str:
    """The most urgent clock in words, and how many others are overdue."""
    urgent = most_urgent(row.clocks)
    if urgent is None:
        return ""
    others = sum(c.overdue_at(at) for c in row.clocks if c is not urgent)
    more = f" · {others} more OVERDUE" if others else ""
    return clock_chip(urgent, at) + more


def episode_columns(noun: str) -> list[Column[EpisodeRow]]:
    """The list columns both screens use (``noun``: "In seclusion", "In LTS")."""
    return [
        Column("Patient", lambda r, _at: r.patient_name),
        Column("Started", lambda r, at: local_time(r.started_at, at)),
        Column("Status", lambda r, at: status_text(r, at, noun), live=True),
        Column(
            "Most urgent review",
            next_due_text,
            overdue=lambda r, at: r.overdue_at(at),
            live=True,
        ),
    ]


def observation_columns() -> list[Column[SeclusionObservation]]:
    """The observation log's columns."""
    return [
        Column("Time", lambda o, at: local_time(o.observed_at, at)),
        Column("Observer", lambda o, _at: o.observer.name),
        Column("Behaviour", lambda o, _at: o.behaviour),
        Column("Mental state", lambda o, _at: o.mental_state),
        Column("Physical state", lambda o, _at: o.physical_state),
        Column("Breathing", lambda o, _at: o.breathing),
        Column("Offered", lambda o, _at: _offered(o)),
    ]


def _offered(o: SeclusionObservation) -> str:
    offered = [
        name
        for name, yes in (
            ("food", o.food_offered),
            ("fluid", o.fluid_offered),
            ("toilet", o.toilet_offered),
        )
        if yes
    ]
    return ", ".join(offered) if offered else "none"


def review_columns() -> list[Column[SeclusionReview]]:
    """The review log's columns."""
    return [
        Column("Held", lambda r, at: local_time(r.held_at, at)),
        Column("Review", lambda r, _at: r.kind.label),
        Column("Attendees", lambda r, _at: people(r.attendees)),
        Column("Decision", lambda r, _at: r.decision.value.capitalize()),
        Column("Notes", lambda r, _at: r.notes),
    ]


class SeclusionScreen(EpisodePage):
    """Running and recent seclusions of the ward."""

    KIND = SECLUSION
    WATCHES = frozenset(
        {
            SeclusionEpisode.KIND,
            SeclusionObservation.KIND,
            SeclusionReview.KIND,
            Patient.KIND,
            HospitalSpell.KIND,
            StaffMember.KIND,
        }
    )
    NEW_LABEL = "&New seclusion"
    EMPTY = "Nobody on the ward is in seclusion, and no seclusion ended in the last 7 days."

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("seclusion-screen")

    def columns(self) -> Sequence[Column[EpisodeRow]]:
        """Patient, start, status, most urgent review."""
        return episode_columns("In seclusion")

    def read_detail(self) -> Callable[[Store, UUID], SeclusionDetail | None]:
        """Reads one seclusion episode."""
        return load_seclusion_detail

    def build_overview(self) -> QWidget:
        """Header, clocks, actions, drafts, and the logs."""
        page = QWidget()
        self.header = named(QLabel(), "Episode")
        self.header.setWordWrap(True)
        self.observe_button = named(QPushButton("Add &observation"), "Add observation")
        self.observe_button.setToolTip("Alt+O opens it filled in; Enter saves")
        self.review_button = named(QPushButton("Record &review"), "Record review")
        self.plan_button = named(QPushButton("Revise &the care plan"), "Revise the care plan")
        self.plan_button.setToolTip("Each save is a new version; earlier ones stay in History")
        self.end_button = named(QPushButton("&End seclusion"), "End seclusion")
        self.history_button = named(QPushButton("Histor&y"), "History")
        self.observe_button.clicked.connect(self.open_observation)
        self.review_button.clicked.connect(self.open_review)
        self.plan_button.clicked.connect(self.open_care_plan)
        self.end_button.clicked.connect(self._end_clicked)
        self.history_button.clicked.connect(self._history)
        actions = QHBoxLayout()
        for button in (
            self.observe_button,
            self.review_button,
            self.plan_button,
            self.end_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        self.save_pdf = self.document_button("seclusion", "seclusion-record")
        actions.addWidget(self.save_pdf)
        actions.addWidget(self.history_button)
        self.drafts = named(QLabel(), "Unfinished forms")
        self.drafts.setWordWrap(True)
        self.observations: RowsModel[SeclusionObservation] = RowsModel(
            observation_columns(), key=lambda o: o.id, now=self.ctx.now, parent=self
        )
        self.reviews: RowsModel[SeclusionReview] = RowsModel(
            review_columns(), key=lambda r: r.id, now=self.ctx.now, parent=self
        )
        self.care_plan = named(QLabel(), "Care plan")
        self.care_plan.setWordWrap(True)
        logs = self.logs = named(QTabWidget(), "Records of the episode")
        logs.addTab(table("Observations", self.observations), "Observations")
        logs.addTab(table("Reviews", self.reviews), "Reviews")
        logs.addTab(scrolling(self.care_plan), "Care plan")
        column = QVBoxLayout(page)
        column.addWidget(self.header)
        column.addWidget(self.chips)
        column.addLayout(actions)
        column.addWidget(self.save_pdf.note)
        column.addWidget(self.drafts)
        column.addWidget(logs, 1)
        return page

    def show_detail(self, detail: SeclusionDetail, row: EpisodeRow | None) -> None:
        """Fill the view from ``detail``."""
        del row
        episode = detail.episode
        by = episode.authorised_by
        lines = [
            (
                f"<b>{escape(detail.patient_name)}</b> — seclusion started "
                f"{escape(format_local(episode.started_at))} in {escape(episode.place)}"
            ),
            f"Authorised by {escape(by.name)} ({escape(by.job_title)})",
        ]
        if episode.ended_at is not None and episode.ended_by is not None:
            offered = episode.debrief_offered.value if episode.debrief_offered else "not recorded"
            held = episode.debrief_held.value if episode.debrief_held else "not yet"
            lines.append(
                f"Ended {escape(format_local(episode.ended_at))}, decided by "
                f"{escape(episode.ended_by.name)} ({escape(episode.ended_by.job_title)}) · "
                f"debrief offered: {offered.replace('_', ' ')}; held: {held.replace('_', ' ')}"
            )
        if detail.conflicted:
            lines.append("<b>Two versions of this episode wait to be resolved (see History).</b>")
        self.header.setText("<br>".join(lines))
        self.observations.set_rows(detail.observations)
        self.reviews.set_rows(detail.reviews)
        self.care_plan.setText(
            care_plan_text(episode.care_plan, SECLUSION_CARE_PLAN_SECTIONS, detail.versions)
        )
        self.drafts.setText(self.drafts_line(detail.drafts, FORM_LABELS))
        running = episode.ended_at is None
        for button in (self.observe_button, self.review_button):
            button.setEnabled(self.can_record and running)
        # A change to a conflicted episode would fork it further: resolve it first.
        for button in (self.plan_button, self.end_button):
            button.setEnabled(self.can_record and running and not detail.conflicted)

    def new_episode_form(self, draft: KeptDraft | None) -> FormPanel | None:
        """The start form, over the patients on the ward not in seclusion."""
        if self.episodes is None:
            return None
        return StartSeclusionForm(self.ctx, self.episodes.patients, self.episodes.staff, draft)

    def _ready(self) -> SeclusionDetail | None:
        detail = self.detail
        if not isinstance(detail, SeclusionDetail) or self.episodes is None:
            return None
        if detail.episode.ended_at is not None or not self.can_record:
            return None
        return detail

    def open_observation(self) -> None:
        """An observation entry, filled in from the last one (Alt+O; Enter saves)."""
        detail = self._ready()
        if detail is None or self.episodes is None:
            return
        last = detail.observations[0] if detail.observations else None
        draft = self.kept_draft(detail.drafts, ObservationForm.FORM)
        self.open_form(ObservationForm(self.ctx, detail.episode, self.episodes.staff, last, draft))

    def open_review(self) -> None:
        """A review of any kind (Alt+R)."""
        detail = self._ready()
        if detail is None or self.episodes is None:
            return
        row = self.current_row()
        draft = self.kept_draft(detail.drafts, SeclusionReviewForm.FORM)
        clocks = row.clocks if row is not None else ()
        self.open_form(
            SeclusionReviewForm(self.ctx, detail.episode, self.episodes.staff, clocks, draft)
        )

    def open_care_plan(self) -> None:
        """Write or revise the care plan (Alt+T): a new version of the episode; not while
        the episode is conflicted."""
        detail = self._ready()
        if detail is None or detail.conflicted:
            return
        draft = self.kept_draft(detail.drafts, SeclusionCarePlanForm.FORM)
        self.open_form(SeclusionCarePlanForm(self.ctx, detail.episode, detail.revision_id, draft))

    def open_end(self, decided_by: UUID | None = None) -> None:
        """End seclusion (Alt+E); not while the episode is conflicted."""
        detail = self._ready()
        if detail is None or self.episodes is None or detail.conflicted:
            return
        draft = self.kept_draft(detail.drafts, EndSeclusionForm.FORM)
        self.open_form(
            EndSeclusionForm(
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
        """A review that decided to end seclusion goes on to the end form."""
        if isinstance(form, SeclusionReviewForm) and form.was_saved and form.ends_seclusion:
            ticked = form.attendees.people.ticked()
            self.open_end(decided_by=ticked[0].id if ticked else None)

    def _history(self) -> None:
        if self.episode_id is not None:
            self.ctx.navigator.history_requested.emit(self.episode_id)
