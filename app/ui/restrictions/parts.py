"""What the restriction forms and lists share: the plain-English words of each kind, a date on
the ward's calendar, the choice of a use-of-force incident to link, and a review clock in
words (display only: the clocks are the domain's)."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from app.models.clock import local_date
from app.models.errors import UserFacingError
from app.models.people import StaffMember
from app.models.restriction_words import WORDS_BY_KIND
from app.models.review_clocks import ReviewClock
from app.ui.board.wording import due_phrase
from app.ui.context import ScreenContext
from app.ui.isolation.fields import ChoiceBox, DateField, StaffChoice
from app.ui.isolation.form import FormPanel
from app.ui.isolation.wording import local_time
from app.ui.widgets import named

__all__ = [
    "DateField",
    "IncidentChoice",
    "LinkableIncident",
    "chosen_staff",
    "months_after",
    "review_words",
    "show_plain_words",
    "signed_in_staff",
    "today",
]

NOT_LINKED = "Not linked to a use-of-force incident"


def plain_words(kind: str) -> str:
    """What a kind of record is and an example (:data:`~app.models.restriction_words
    .WORDS_BY_KIND`), as the text above a form's fields."""
    words = WORDS_BY_KIND[kind]
    return (
        f"<b>{escape(words.title)}:</b> {escape(words.definition)}<br>"
        f"<i>For example:</i> {escape(words.example)}"
    )


@dataclass(frozen=True, slots=True)
class LinkableIncident:
    """A use-of-force incident of the patient that a restriction may be linked to."""

    incident_id: UUID
    started_at: datetime
    force: str


class IncidentChoice(ChoiceBox):
    """None, or one of the patient's recent use-of-force incidents (newest first)."""

    def __init__(self, incidents: Sequence[LinkableIncident], now: datetime) -> None:
        super().__init__(
            [("", NOT_LINKED)]
            + [
                (str(i.incident_id), f"{local_time(i.started_at, now)} — {i.force}")
                for i in incidents
            ]
        )

    def incident_id(self) -> UUID | None:
        """The incident chosen, if any."""
        value = self.value()
        return UUID(value) if value else None


def review_words(clock: ReviewClock, now: datetime, *, due_soon: bool = False) -> str:
    """``Individual restriction review due in 2 days 3 h (due soon)`` or ``… OVERDUE by 5 min``;
    a stopped clock says so."""
    if clock.next_due is None:
        return "No review due (ended)"
    words = due_phrase(clock, now)
    if due_soon and not clock.overdue_at(now):
        words += " (due soon)"
    return words


def today(now: datetime) -> date:
    """The ward's calendar day at ``now``."""
    return local_date(now)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the last day of a shorter month)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def chosen_staff(choice: StaffChoice, what: str) -> StaffMember:
    """The person chosen in ``choice``; refused naming ``what`` when nobody is."""
    member = choice.member()
    if member is None:
        raise UserFacingError(f"Choose {what} from the staff list.")
    return member


def signed_in_staff(ctx: ScreenContext) -> UUID | None:
    """The staff member of the signed-in account (offered first as who did it)."""
    return ctx.facts.staff.id if ctx.facts.staff is not None else None


def show_plain_words(form: FormPanel, kind: str, this_one: str = "") -> QLabel:
    """Put the kind's definition and example under the form's title (above any line the form
    says of itself, which a restored draft replaces), and ``this_one``: the record changed."""
    text = plain_words(kind)
    if this_one:
        text += f"<br><b>This one:</b> {escape(this_one)}"
    label = named(QLabel(text), "What this records")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    layout = form.layout()
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(1, label)
    return label
