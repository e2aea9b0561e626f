"""The care plans of the isolation screens: the seclusion care plan (food, fluids, toilet,
hygiene, clothing, bedding, medication, physical health, steps to end seclusion) and the LTS
care plan (why, environment, contact, activity, physical health, risk, steps to end LTS),
each written and revised in a form and shown section by section (domain.md §3).

A care plan lives in its episode record, so each save is a new revision of the episode based
on the version the view read: nothing is overwritten, and every earlier plan stays in the
episode's history (the History screen shows what each revision changed, section by section).
What the plan must hold is the models' (:class:`~app.models.seclusion.SeclusionCarePlan`,
:class:`~app.models.segregation.LtsCarePlan`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import ClassVar
from uuid import UUID

from PySide6.QtWidgets import QLabel, QScrollArea

from app.models.base import DomainModel
from app.models.clock import format_local
from app.models.revision import Revision
from app.models.seclusion import SeclusionCarePlan, SeclusionEpisode
from app.models.segregation import LtsCarePlan, LtsEpisode
from app.ui.context import ScreenContext
from app.ui.isolation.fields import TextBox
from app.ui.isolation.form import FormPanel
from app.ui.isolation.seclusion_forms import Draft
from app.ui.widgets import named

#: The seclusion care plan's sections, in order, with their wording and Alt+key (domain.md
#: §3 "Seclusion", ending). Letters kept clear of the window's tabs and of Save.
SECLUSION_CARE_PLAN_SECTIONS = {
    "food": "&Food",
    "fluids": "Fl&uids",
    "toilet": "&Toilet",
    "hygiene": "Hy&giene",
    "clothing": "Cl&othing",
    "bedding": "&Bedding",
    "medication": "&Medication",
    "physical_health": "Ph&ysical health",
    "steps_to_end_seclusion": "Steps to &end seclusion (one a line)",
}

#: The LTS care plan's sections, in order, with their wording (domain.md §3 "LTS care plan").
LTS_CARE_PLAN_SECTIONS = {
    "why_needed": "Wh&y LTS is needed",
    "own_area": "Own area",
    "fresh_air": "Fresh air",
    "bathroom": "Bathroom",
    "meaningful_contact": "Contact with staff, family and others",
    "activity": "Therapeutic, physical and leisure activity",
    "physical_health_monitoring": "Physical-health monitoring",
    "risk_management": "Risk management",
    "steps_to_end": "Steps to &end LTS (specific and observable, one a line)",
}

REVISIONS_KEPT = (
    "Each save is a new version of the plan; earlier versions are kept in the episode's "
    "history. Ctrl+Enter saves."
)


def care_plan_text(
    plan: DomainModel, sections: dict[str, str], versions: Sequence[Revision] = ()
) -> str:
    """The plan section by section (unwritten ones say so), then how many versions the
    episode has and who saved the latest."""
    lines = []
    for key, label in sections.items():
        value = getattr(plan, key)
        text = escape(value).replace("\n", "<br>") if value else "<i>not written yet</i>"
        lines.append(f"<b>{escape(label.replace('&', ''))}:</b> {text}")
    if versions:
        lines.append(
            f"<br><i>{len(versions)} version{'s' if len(versions) != 1 else ''} of this episode "
            "(each change of the plan is one; none is deleted). Latest saved "
            f"{escape(format_local(versions[-1].created_at))} by {escape(versions[-1].author)}."
            "</i>"
        )
    return "<br>".join(lines)


def scrolling(label: QLabel) -> QScrollArea:
    """``label`` in a scroll area of the same accessible name (a long plan stays readable
    with large system fonts)."""
    area = named(QScrollArea(), label.accessibleName())
    area.setWidgetResizable(True)
    area.setWidget(label)
    return area


class _CarePlanPanel(FormPanel):
    """A care plan in a form: one box of several lines per section, filled with the plan as
    the view read it."""

    SECTIONS: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        ctx: ScreenContext,
        title: str,
        episode: SeclusionEpisode | LtsEpisode,
        base: UUID,
        draft: Draft,
    ) -> None:
        super().__init__(
            ctx,
            title,
            patient_id=episode.patient_id,
            parent_id=episode.id,
            record_base=base,
            draft=draft,
        )
        self.say(REVISIONS_KEPT)
        self.boxes = {
            key: self.add_row(key, label, TextBox(getattr(episode.care_plan, key) or ""))
            for key, label in self.SECTIONS.items()
        }
        self.ready()

    def sections(self) -> dict[str, str | None]:
        """Each section as typed (an empty box: not written)."""
        return {key: box.toPlainText() or None for key, box in self.boxes.items()}


class SeclusionCarePlanForm(_CarePlanPanel):
    """The seclusion care plan, every section; saving makes a new version of the episode."""

    FORM = "seclusion_care_plan"
    SECTIONS = SECLUSION_CARE_PLAN_SECTIONS

    def __init__(
        self, ctx: ScreenContext, episode: SeclusionEpisode, base: UUID, draft: Draft = None
    ) -> None:
        super().__init__(ctx, "Seclusion care plan", episode, base, draft)
        self.episode = episode

    def build_record(self) -> SeclusionEpisode:
        """The episode with the revised plan."""
        plan = SeclusionCarePlan.build(**self.sections())
        data = self.episode.model_dump() | {"care_plan": plan.model_dump()}
        return SeclusionEpisode.build(**data)


class CarePlanForm(_CarePlanPanel):
    """The LTS care plan, every section; saving makes a new version of the episode."""

    FORM = "lts_care_plan"
    SECTIONS = LTS_CARE_PLAN_SECTIONS

    def __init__(
        self, ctx: ScreenContext, episode: LtsEpisode, base: UUID, draft: Draft = None
    ) -> None:
        super().__init__(ctx, "Revise the LTS care plan", episode, base, draft)
        self.episode = episode

    def build_record(self) -> LtsEpisode:
        """The episode with the revised plan."""
        plan = LtsCarePlan.build(**self.sections())
        return LtsEpisode.build(**(self.episode.model_dump() | {"care_plan": plan.model_dump()}))
