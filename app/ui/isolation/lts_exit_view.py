"""The way out of long-term segregation on the LTS screen (issue 10, item 3): the prompts that
an episode is not moving towards its end (no step achieved for weeks, no IC(E)TR on record —
the ward board's own words), the steps to end it with their progress, IC(E)TR recommendations
and senior-intervenor actions with owner, due date and whether done, and their forms.

Keys on the LTS screen: Alt+S add a step, Alt+F a recommendation of an IC(E)TR, Alt+B an
action a senior intervenor asked for, Alt+O record progress of the step or action chosen on
the tab shown (or of the only one there is).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from uuid import UUID

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.models.lts_exit import IcetrRecommendation, LtsExitStep, StepAchievement
from app.ui.isolation.episode_page import EpisodePage, table
from app.ui.isolation.form import FormPanel
from app.ui.isolation.loading import KeptDraft, LtsDetail
from app.ui.isolation.lts_exit_forms import (
    ActionDoneForm,
    ExitStepForm,
    IcetrRecommendationForm,
    SeniorIntervenorActionForm,
    StepProgressForm,
)
from app.ui.isolation.lts_exit_loading import ExitAction, LtsExit
from app.ui.isolation.tables import Column, RowsModel
from app.ui.widgets import SOON_COLOUR, named

FORM_LABELS = {
    ExitStepForm.FORM: "Step to end LTS",
    StepProgressForm.FORM: "Progress of a step",
    IcetrRecommendationForm.FORM: "IC(E)TR recommendation",
    SeniorIntervenorActionForm.FORM: "Senior intervenor's action",
    ActionDoneForm.FORM: "Action done",
}
CHOOSE_ONE = "Choose the step or action on its tab first (then Alt+O)."
_ACTION_FORMS = (IcetrRecommendationForm, SeniorIntervenorActionForm, ActionDoneForm)


def step_columns() -> list[Column[LtsExitStep]]:
    """The steps' columns."""

    def achieved(s: LtsExitStep, _at: datetime) -> str:
        if s.achieved_on is None:
            return s.achieved.label
        return f"{s.achieved.label} {s.achieved_on:%d/%m/%Y}"

    return [
        Column("Step", lambda s, _at: s.step),
        Column("Owner", lambda s, _at: s.owner.name),
        Column("Target", lambda s, _at: f"{s.target_on:%d/%m/%Y}"),
        Column("Achieved", achieved),
        Column("Evidence", lambda s, _at: s.evidence or ""),
    ]


def action_columns() -> list[Column[ExitAction]]:
    """The columns of IC(E)TR recommendations and senior-intervenor actions."""

    def what(a: ExitAction, _at: datetime) -> str:
        if isinstance(a, IcetrRecommendation):
            return f"IC(E)TR: {a.recommendation}"
        return f"Senior intervenor: {a.action}"

    def done(a: ExitAction, at: datetime) -> str:
        if a.done and a.done_on is not None:
            return f"Done {a.done_on:%d/%m/%Y}"
        return "OVERDUE" if a.is_overdue_on(at.date()) else "Open"

    return [
        Column("Recommendation or action", what),
        Column("Owner", lambda a, _at: a.owner.name),
        Column("Due", lambda a, _at: f"{a.due_on:%d/%m/%Y}"),
        Column("Done", done, overdue=lambda a, at: a.is_overdue_on(at.date())),
        Column("Progress", lambda a, _at: a.progress),
    ]


def prompts_text(exit_: LtsExit | None) -> str:
    """The prompts in words (empty when there are none)."""
    if exit_ is None or not exit_.prompts:
        return ""
    return "<br>".join(f"<b>{escape(p.kind.label)}:</b> {escape(p.message)}" for p in exit_.prompts)


class LtsExitPanel:
    """The widgets of the way out on the LTS screen, and the forms they open over it."""

    def __init__(self, page: EpisodePage) -> None:
        self.page = page
        #: Brings a list's tab forward (the page sets it to its tab widget's).
        self.reveal: Callable[[QWidget], None] = lambda _view: None
        ctx = page.ctx
        self.prompts = named(QLabel(), "Prompts about ending segregation")
        self.prompts.setWordWrap(True)
        self.prompts.setStyleSheet(f"color: {SOON_COLOUR}; font-weight: bold;")
        self.steps: RowsModel[LtsExitStep] = RowsModel(
            step_columns(), key=lambda s: s.id, now=ctx.now, parent=page
        )
        self.actions: RowsModel[ExitAction] = RowsModel(
            action_columns(), key=lambda a: a.id, now=ctx.now, parent=page
        )
        self.steps_view = table("Steps to end LTS", self.steps)
        self.actions_view = table(
            "IC(E)TR recommendations and senior intervenor actions", self.actions
        )
        self.step_button = named(QPushButton("Add a &step to end LTS"), "Add a step to end LTS")
        self.icetr_button = named(
            QPushButton("Recommendation o&f an IC(E)TR"), "Recommendation of an IC(E)TR"
        )
        self.intervenor_button = named(
            QPushButton("Action asked for &by a senior intervenor"),
            "Action asked for by a senior intervenor",
        )
        self.progress_button = named(QPushButton("Rec&ord progress"), "Record progress")
        self.message = named(QLabel(), "What could not be opened")
        self.row = QWidget()
        buttons = QHBoxLayout(self.row)
        buttons.setContentsMargins(0, 0, 0, 0)
        for button, slot in (
            (self.step_button, self.open_step),
            (self.icetr_button, self.open_icetr),
            (self.intervenor_button, self.open_intervenor),
            (self.progress_button, self.open_progress),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addWidget(self.message, 1)

    def show(self, detail: LtsDetail, *, may_change: bool) -> None:
        """Fill the panel from a freshly read episode."""
        exit_ = detail.exit
        self.message.clear()
        text = prompts_text(exit_)
        self.prompts.setText(text)
        self.prompts.setVisible(bool(text))
        self.steps.set_rows(exit_.steps if exit_ else ())
        self.actions.set_rows(exit_.actions if exit_ else ())
        for button in (self.step_button, self.icetr_button, self.intervenor_button):
            button.setEnabled(may_change)
        self.progress_button.setEnabled(
            may_change and exit_ is not None and bool(exit_.steps or exit_.actions)
        )

    def clear(self) -> None:
        """Show nothing (the window is locking)."""
        self.steps.clear()
        self.actions.clear()
        self.prompts.clear()

    # -- forms -----------------------------------------------------------------------------

    def _ready(self) -> tuple[LtsDetail, LtsExit] | None:
        detail, page = self.page.detail, self.page
        if not isinstance(detail, LtsDetail) or detail.exit is None or page.episodes is None:
            return None
        if detail.episode.ended_at is not None or not page.can_record:
            return None
        return detail, detail.exit

    def _open(self, form: FormPanel) -> None:
        """Show ``form``; once it saves, the tab listing what it saved is brought forward."""
        view = self.actions_view if isinstance(form, _ACTION_FORMS) else self.steps_view
        form.saved.connect(lambda _revision: self.reveal(view))
        self.page.open_form(form)

    def open_step(self) -> None:
        """A step to end LTS (Alt+S)."""
        ready = self._ready()
        if ready is not None and self.page.episodes is not None:
            detail, _ = ready
            draft = self.page.kept_draft(detail.drafts, ExitStepForm.FORM)
            self._open(ExitStepForm(self.page.ctx, detail.episode, self.page.episodes.staff, draft))

    def open_icetr(self) -> None:
        """A recommendation of an IC(E)TR (Alt+F)."""
        ready = self._ready()
        if ready is not None and self.page.episodes is not None:
            detail, exit_ = ready
            draft = self.page.kept_draft(detail.drafts, IcetrRecommendationForm.FORM)
            self._open(
                IcetrRecommendationForm(
                    self.page.ctx, detail.episode, exit_.icetrs, self.page.episodes.staff, draft
                )
            )

    def open_intervenor(self) -> None:
        """An action a senior intervenor asked for (Alt+B)."""
        ready = self._ready()
        if ready is not None and self.page.episodes is not None:
            detail, _ = ready
            draft = self.page.kept_draft(detail.drafts, SeniorIntervenorActionForm.FORM)
            self._open(
                SeniorIntervenorActionForm(
                    self.page.ctx, detail.episode, self.page.episodes.staff, draft
                )
            )

    def _chosen_step(self) -> LtsExitStep | None:
        rows = self.steps.rows()
        chosen = self.steps.row_at(self.steps_view.currentIndex())
        return chosen if chosen is not None else (rows[0] if len(rows) == 1 else None)

    def _chosen_action(self) -> ExitAction | None:
        rows = self.actions.rows()
        chosen = self.actions.row_at(self.actions_view.currentIndex())
        return chosen if chosen is not None else (rows[0] if len(rows) == 1 else None)

    def open_progress(self) -> None:
        """Progress of the step, or an action done, chosen on the tab shown (Alt+O); the
        only one there is when none is chosen."""
        ready = self._ready()
        if ready is None:
            return
        _, exit_ = ready
        ctx = self.page.ctx
        if self.actions_view.isVisible() or not exit_.steps:
            action = self._chosen_action()
            if action is None or action.done or action.id in exit_.conflicted:
                self.message.setText(CHOOSE_ONE if action is None else "")
                return
            draft = self.page.kept_draft(_about(exit_, action.id), ActionDoneForm.FORM)
            self._open(ActionDoneForm(ctx, action, exit_.revisions[action.id], draft))
            return
        step = self._chosen_step()
        if step is None or step.achieved is StepAchievement.ACHIEVED or step.id in exit_.conflicted:
            self.message.setText(CHOOSE_ONE if step is None else "")
            return
        draft = self.page.kept_draft(_about(exit_, step.id), StepProgressForm.FORM)
        self._open(StepProgressForm(ctx, step, exit_.revisions[step.id], draft))


def _about(exit_: LtsExit, record_id: UUID) -> tuple[KeptDraft, ...]:
    """The open drafts kept about one step or action."""
    return tuple(d for d in exit_.drafts if d[0].parent_id == record_id)
