"""How the board words times and clocks (display only: the clocks are the domain's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.models.clock import format_local
from app.models.lts_exit_prompts import LtsPrompt
from app.models.review_clocks import ClockKind, ReviewClock
from app.models.ward_board import EpisodeOnBoard
from app.models.ward_board_restrictions import RestrictionOnBoard

#: What Enter on a patient's restrictions cell opens (Alt+E does the same for the row).
RESTRICTIONS_HINT = "Enter or double-click (or Alt+E): open this patient's restrictions"


def span(delta: timedelta) -> str:
    """``45 min``, ``2 h 05 min``, ``3 days 4 h`` (always positive)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def due_phrase(clock: ReviewClock, now: datetime) -> str:
    """``Nursing review due in 14 min`` or ``Nursing review OVERDUE by 5 min``."""
    left = clock.due_in(now)
    if left is None:
        return f"{clock.kind.label} needed"
    if clock.overdue_at(now):
        return f"{clock.kind.label} OVERDUE by {span(left)}"
    return f"{clock.kind.label} due in {span(left)}"


def independent_mdt_needed(episode: EpisodeOnBoard) -> bool:
    """The seclusion has triggered the independent MDT review (its clock is running)."""
    return any(
        c.kind is ClockKind.SECLUSION_INDEPENDENT_MDT and c.next_due is not None
        for c in episode.clocks
    )


def seclusion_chip(episode: EpisodeOnBoard, now: datetime) -> str:
    """The board's seclusion cell: how long, and the most urgent review."""
    parts = [f"In seclusion {span(now - episode.started_at)}"]
    if episode.most_urgent is not None:
        parts.append(due_phrase(episode.most_urgent, now))
    if independent_mdt_needed(episode):
        parts.append("independent MDT review required")
    return " · ".join(parts)


def segregation_chip(episode: EpisodeOnBoard, now: datetime) -> str:
    """The board's LTS cell: the day count and the most urgent review."""
    day = (episode.days_elapsed or 0) + 1
    parts = [f"LTS day {day}"]
    if episode.most_urgent is not None:
        parts.append(due_phrase(episode.most_urgent, now))
    if episode.prompts:
        parts.append(prompt_words(episode.prompts))
    return " · ".join(parts)


def clock_lines(episode: EpisodeOnBoard, now: datetime) -> str:
    """Every clock of an episode, one per line (the cell's tooltip)."""
    lines = [f"Started {format_local(episode.started_at)}"]
    for clock in episode.clocks:
        if clock.next_due is not None:
            lines.append(f"{due_phrase(clock, now)} (at {format_local(clock.next_due)})")
        if clock.last_done is not None:
            lines.append(f"    last {clock.kind.label.lower()}: {format_local(clock.last_done)}")
    lines += [prompt.message for prompt in episode.prompts]
    return "\n".join(lines)


def restriction_chip(row: RestrictionOnBoard, now: datetime) -> str:
    """``Phone restricted · review due in 2 days 3 h (due soon)`` or ``… review OVERDUE by
    1 h 05 min``."""
    left = row.clock.due_in(now)
    if left is None:
        return row.title
    if row.clock.overdue_at(now):
        return f"{row.title} · review OVERDUE by {span(left)}"
    soon = " (due soon)" if row.due_soon else ""
    return f"{row.title} · review due in {span(left)}{soon}"


def restrictions_cell(rows: Sequence[RestrictionOnBoard], now: datetime) -> str:
    """A patient's running restrictions, most urgent first, one per line."""
    return "\n".join(restriction_chip(r, now) for r in rows)


def restrictions_tooltip(rows: Sequence[RestrictionOnBoard]) -> str | None:
    """How each review is worked out, and what Enter opens."""
    if not rows:
        return None
    lines = []
    for row in rows:
        due = row.clock.next_due
        when = f"due {format_local(due)}" if due is not None else "not due"
        lines.append(f"{row.title}: review {when} ({row.clock.basis})")
    return "\n".join([*lines, RESTRICTIONS_HINT])


def prompt_words(prompts: Sequence[LtsPrompt]) -> str:
    """The LTS prompts in the board's cell: their rules' names."""
    return " · ".join(p.kind.label for p in prompts)


def blanket_line(rows: Sequence[RestrictionOnBoard], now: datetime) -> str:
    """The ward's blanket restrictions due for review, above the board (empty: none)."""
    if not rows:
        return ""
    return "Blanket restrictions to review: " + "; ".join(restriction_chip(r, now) for r in rows)
