"""How the board words times and clocks (display only: the clocks are the domain's)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.models.clock import format_local
from app.models.review_clocks import ClockKind, ReviewClock
from app.models.ward_board import EpisodeOnBoard


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
    return " · ".join(parts)


def clock_lines(episode: EpisodeOnBoard, now: datetime) -> str:
    """Every clock of an episode, one per line (the cell's tooltip)."""
    lines = [f"Started {format_local(episode.started_at)}"]
    for clock in episode.clocks:
        if clock.next_due is not None:
            lines.append(f"{due_phrase(clock, now)} (at {format_local(clock.next_due)})")
        if clock.last_done is not None:
            lines.append(f"    last {clock.kind.label.lower()}: {format_local(clock.last_done)}")
    return "\n".join(lines)
