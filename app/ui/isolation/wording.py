"""How the isolation screens word times and clocks (display only: the clocks are the
domain's, :mod:`app.models.review_clocks`). Builds on the ward board's wording."""

from __future__ import annotations

from datetime import datetime

from app.models.clock import format_local, local_date, to_local
from app.models.review_clocks import ClockState, ReviewClock
from app.ui.board.wording import due_phrase, span

__all__ = ["clock_chip", "clock_tooltip", "local_time", "span"]


def local_time(value: datetime, now: datetime | None = None) -> str:
    """``14:05`` today, ``Tue 14:05`` on another day (the ward's clock)."""
    local = to_local(value)
    if now is not None and local_date(value) == local_date(now):
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def clock_chip(clock: ReviewClock, now: datetime) -> str:
    """One clock in words: ``Nursing review due in 14 min (at 16:05)``, ``… OVERDUE by 5 min``,
    ``IC(E)TR needed (no due date set)``, ``Independent MDT review not needed now``."""
    if clock.next_due is not None:
        return f"{due_phrase(clock, now)} (at {local_time(clock.next_due, now)})"
    if clock.state is ClockState.NEEDED:
        return f"{clock.kind.label} needed (no due date set)"
    if clock.state is ClockState.NOT_NEEDED:
        return f"{clock.kind.label} not needed now"
    return f"{clock.kind.label}: stopped (the episode has ended)"


def clock_tooltip(clock: ReviewClock) -> str:
    """How the due time is worked out, and when the last one was done."""
    lines = [f"{clock.kind.label}: {clock.basis}"]
    if clock.next_due is not None:
        lines.append(f"Next due {format_local(clock.next_due)}")
    if clock.last_done is not None:
        lines.append(f"Last done {format_local(clock.last_done)}")
    return "\n".join(lines)
