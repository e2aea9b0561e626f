"""The lanes of the seclusion timeline chart: each observation and review of an episode, with
when it was due — read from the seclusion clock (:mod:`app.models.seclusion_clock`, domain.md
§3 "Seclusion"), never worked out here.

How: the clock is asked just before and at each instant something was done. A kind whose
clock says "last done" at that instant was done then, and the clock just before says when it
was due. So whatever the clock counts (an internal MDT review as a medical review, the
psychiatrist's authorisation as the first medical review) is drawn as it counts it. Duties
that fell due and were never done come from :func:`~app.models.seclusion_clock
.seclusion_lapses`; a duty due after the moment of printing is drawn as pending.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from app.models.clock import as_utc
from app.models.policy import DEFAULT_POLICY, SeclusionPolicy
from app.models.review_clocks import ClockKind, ClockState, ReviewClock
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.seclusion_clock import seclusion_clocks, seclusion_lapses
from app.reports.timeline_chart import Lane, Mark

#: "Just before" an instant: the clock's resolution is the microsecond.
_JUST_BEFORE = timedelta(microseconds=1)


def seclusion_lanes(
    episode: SeclusionEpisode,
    observations: Iterable[SeclusionObservation],
    reviews: Iterable[SeclusionReview],
    at: datetime,
    *,
    episodes_of_patient: Iterable[SeclusionEpisode] = (),
    policy: SeclusionPolicy = DEFAULT_POLICY.seclusion,
) -> tuple[Lane, ...]:
    """One lane per seclusion clock (observation, nursing, medical, internal MDT, independent
    MDT), as known at ``at`` (see the module docstring)."""
    at = as_utc(at)
    observed = [o for o in observations if o.episode_id == episode.id]
    held = [r for r in reviews if r.episode_id == episode.id]
    others = list(episodes_of_patient)

    def clocks(instant: datetime) -> dict[ClockKind, ReviewClock]:
        every = seclusion_clocks(
            episode, observed, held, instant, episodes_of_patient=others, policy=policy
        )
        return {clock.kind: clock for clock in every}

    final = clocks(at)
    marks: dict[ClockKind, list[Mark]] = {kind: [] for kind in final}
    until = episode.end_as_of(at)
    instants = sorted(
        {episode.started_at} | {o.observed_at for o in observed} | {r.held_at for r in held}
    )
    for instant in (t for t in instants if episode.started_at <= t <= until):
        after = clocks(instant)
        before = None if instant == episode.started_at else clocks(instant - _JUST_BEFORE)
        for kind, clock in after.items():
            if clock.last_done == instant:
                due = None if before is None else before[kind].next_due
                marks[kind].append(Mark(due, instant))
    for lapse in seclusion_lapses(
        episode, observed, held, at, episodes_of_patient=others, policy=policy
    ):
        if lapse.missed:
            marks[lapse.kind].append(Mark(lapse.due_at, None))
    for kind, clock in final.items():
        if clock.state is ClockState.DUE and clock.next_due is not None:
            marks[kind].append(Mark(clock.next_due, None, pending=True))
    return tuple(Lane(kind.label, tuple(marks[kind])) for kind in final)
