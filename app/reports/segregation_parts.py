"""Pieces the segregation review and the seclusion record share (domain.md §3): people as a
record names them, lengths of time, yes/no/not-known answers, and the tables of review clocks
and of late or missed reviews. The clocks themselves come from the models
(:mod:`app.models.segregation_clock`, :mod:`app.models.seclusion_clock`); nothing here works
out when a review is due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from app.models.base import Answer
from app.models.refs import PersonRef
from app.models.review_clocks import ClockState, ReviewClock, ReviewLapse
from app.reports.parts import (
    BODY,
    NOT_RECORDED,
    heading,
    hours_minutes,
    markup,
    rows_table,
    text,
    when,
)

#: What a section says about a fact RPR does not hold: the meeting writes it on the paper.
NOT_HELD = "Not held in RPR: to be written in at the review"

_STATE_WORDS: dict[ClockState, str] = {
    ClockState.DUE: "Due",
    ClockState.OVERDUE: "OVERDUE",
    ClockState.NEEDED: "Needed (no due date set)",
    ClockState.NOT_NEEDED: "Not needed now",
    ClockState.STOPPED: "Stopped (episode ended)",
}

_ANSWER_WORDS: dict[Answer, str] = {
    Answer.YES: "Yes",
    Answer.NO: "No",
    Answer.NOT_KNOWN: "Not known",
}


#: Room a heading or a lead-in line needs below it, or it starts on the next page: long
#: tables then start at once and split across pages, and no heading is left alone at the
#: foot of a page (keeping a whole long table with its heading would leave a blank page).
_ROOM_FOR_A_START = 35 * mm


def opened(title: str, *content: Flowable) -> list[Flowable]:
    """A section whose content may run over several pages: its heading never ends a page."""
    return [CondPageBreak(_ROOM_FOR_A_START), heading(title), *content, Spacer(1, 2 * mm)]


def labelled(label: str, content: Flowable) -> list[Flowable]:
    """A line of the program's wording introducing ``content``; never the last on a page."""
    return [CondPageBreak(_ROOM_FOR_A_START), markup(text(label), BODY), content]


def table_or_none(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    none: str = "None in the period.",
    alert_rows: Iterable[int] = (),
) -> Flowable:
    """:func:`~app.reports.parts.rows_table`, or one line saying there is nothing to list."""
    if not rows:
        return markup(f"<i>{text(none)}</i>", BODY)
    return rows_table(header, rows, widths, alert_rows=alert_rows)


def lower_first(label: str) -> str:
    """A label inside a sentence: "approved-clinician review", but "MDT review"."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def named(person: PersonRef | None) -> str:
    """A person as the record names them: "Name (job title)"."""
    return NOT_RECORDED if person is None else f"{person.name} ({person.job_title})"


def named_all(people: Iterable[PersonRef]) -> str:
    """Several people, one per line."""
    return "\n".join(named(p) for p in people) or NOT_RECORDED


def answer(value: Answer | None) -> str:
    """Yes, No, Not known, or not recorded."""
    return NOT_RECORDED if value is None else _ANSWER_WORDS[value]


def length(value: timedelta | None) -> str:
    """A length of time in hours and minutes, e.g. ``3 h 05 min`` (``0 min`` for nothing)."""
    return NOT_RECORDED if value is None else hours_minutes(value)


def clock_state(clock: ReviewClock) -> str:
    """The state of a clock in words (overdue in capitals: it must catch the eye on paper)."""
    return _STATE_WORDS[clock.state]


def clocks_table(clocks: Sequence[ReviewClock], *, width: float = 174 * mm) -> Table:
    """Last done, next due and state of each clock, overdue rows shaded (the compliance strip
    of domain.md §3 "What a segregation review document holds")."""
    rows = [
        [c.kind.label, when(c.last_done), when(c.next_due), clock_state(c), c.basis] for c in clocks
    ]
    shares = (0.19, 0.14, 0.14, 0.14, 0.39)
    return rows_table(
        ("Review", "Last done", "Next due", "State", "How it is counted"),
        rows,
        [width * s for s in shares],
        alert_rows=[i for i, c in enumerate(clocks) if c.overdue],
    )


def lapses_table(
    lapses: Sequence[ReviewLapse],
    clocks: Sequence[ReviewClock] = (),
    *,
    width: float = 174 * mm,
) -> Flowable:
    """Reviews done late or not done at all, each shaded: kind, when due, when done, how
    late. A review not done that is the open due time of an overdue clock in ``clocks`` is
    "Overdue now" (the episode still runs), not missed."""
    open_dues = {(c.kind, c.next_due) for c in clocks if c.overdue}

    def verdict(lapse: ReviewLapse) -> str:
        if not lapse.missed:
            return f"Late by {length(lapse.late_by)}"
        return "Overdue now" if (lapse.kind, lapse.due_at) in open_dues else "Missed"

    rows = [
        [
            lapse.kind.label,
            when(lapse.due_at),
            "Not done" if lapse.missed else when(lapse.done_at),
            verdict(lapse),
        ]
        for lapse in lapses
    ]
    shares = (0.31, 0.23, 0.23, 0.23)
    return table_or_none(
        ("Review", "Due", "Done", "Late or missed"),
        rows,
        [width * s for s in shares],
        none="No review was late or missed.",
        alert_rows=range(len(rows)),
    )
