"""Time in seclusion across a patient's episodes, and the independent-MDT-review trigger
(domain.md §3 "Seclusion": an independent MDT review when seclusion lasts **more than 8 hours
continuously**, or **more than 12 hours intermittently within any 48 hours**).

How time is counted:
- All of one patient's episodes are taken together as the *union* of their periods, so two
  overlapping records (e.g. entered on two PCs) never count the same minute twice, and an
  episode that starts the instant another ends continues it (one continuous run).
- A running episode counts up to ``at``; an episode that ended after ``at`` also counts only
  up to ``at``; an episode starting after ``at`` does not count. So every answer is "as it was
  known at ``at``", and a later instant never removes an earlier trigger.
- "More than" is strict: exactly 8 hours is not more than 8 hours. The trigger instant is the
  moment the threshold was reached; the rule is met at every instant after it. That is why a
  clock due at the trigger is overdue only strictly after it.

Arithmetic is exact (integer microseconds of ``timedelta``), on UTC instants, so clock changes
do not matter: these are elapsed-time rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple

from app.models.clock import as_utc
from app.models.policy import DEFAULT_POLICY, SeclusionPolicy
from app.models.seclusion import SeclusionEpisode

#: A closed period ``(start, end)`` of seclusion, UTC, ``start <= end``.
Period = tuple[datetime, datetime]


def seclusion_periods(episodes: Iterable[SeclusionEpisode], at: datetime) -> list[Period]:
    """The patient's seclusion as known at ``at``: the union of the episodes' periods, each
    cut at ``at``, merged where they overlap or touch, in time order.

    Raises ``ValueError`` when the episodes belong to more than one patient (a caller bug:
    the thresholds are per patient).
    """
    at = as_utc(at)
    episodes = list(episodes)
    if len({episode.patient_id for episode in episodes}) > 1:
        raise ValueError("episodes: must all belong to the same patient")
    raw = sorted(
        (episode.started_at, episode.end_as_of(at))
        for episode in episodes
        if episode.started_at <= at
    )
    merged: list[Period] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _time_within(periods: Iterable[Period], since: datetime, until: datetime) -> timedelta:
    total = timedelta(0)
    for start, end in periods:
        overlap = min(end, until) - max(start, since)
        if overlap > timedelta(0):
            total += overlap
    return total


def secluded_time_between(
    episodes: Iterable[SeclusionEpisode], since: datetime, until: datetime
) -> timedelta:
    """Total time the patient was secluded within ``[since, until]`` (a running episode
    counts up to ``until``): the "hours in seclusion last 48 h / 7 days" of the segregation
    review document (domain.md §3).
    """
    since, until = as_utc(since), as_utc(until)
    return _time_within(seclusion_periods(episodes, until), since, until)


class TriggerRule(StrEnum):
    """Which threshold required the independent MDT review."""

    CONTINUOUS = "continuous"
    INTERMITTENT = "intermittent"


class IndependentMdtTrigger(NamedTuple):
    """When the independent MDT review became required, and by which rule."""

    met_at: datetime
    rule: TriggerRule


def _continuous_trigger(
    periods: list[Period], limit: timedelta, not_before: datetime | None
) -> datetime | None:
    """inf{t >= not_before : the run containing t has lasted more than ``limit`` at t}."""
    for start, end in periods:
        reached = start + limit
        low = reached if not_before is None else max(reached, not_before)
        # The rule holds on (reached, end]; intersect with [not_before, ∞).
        if low < end or (not_before is not None and reached < not_before <= end):
            return low
    return None


def _intermittent_trigger(
    periods: list[Period],
    limit: timedelta,
    window: timedelta,
    at: datetime,
    not_before: datetime | None,
) -> datetime | None:
    """inf{t in [not_before, at] : seclusion within [t - window, t] is more than ``limit``}.

    The total within the sliding window, f(t), is continuous and piecewise linear with slope
    +1, 0 or -1, changing only where t or t - window crosses a period's end point. Between
    those break points f is linear, so the first segment whose right end exceeds the limit
    (its left end does not) crosses it at ``left + (limit - f(left))``, the slope being +1.
    """
    if not periods:
        return None
    low = periods[0][0] if not_before is None else max(not_before, periods[0][0])
    if low > at:
        return None
    points = {low, at}
    for start, end in periods:
        points.update((start, end, start + window, end + window))
    ordered = sorted(p for p in points if low <= p <= at)

    def total(t: datetime) -> timedelta:
        return _time_within(periods, t - window, t)

    if total(ordered[0]) > limit:
        return ordered[0]
    for left, right in pairwise(ordered):
        before = total(left)
        if total(right) > limit:
            return left + (limit - before)
    return None


def independent_mdt_trigger_detail(
    episodes_of_patient: Iterable[SeclusionEpisode],
    at: datetime,
    policy: SeclusionPolicy = DEFAULT_POLICY.seclusion,
    *,
    not_before: datetime | None = None,
) -> IndependentMdtTrigger | None:
    """Like :func:`independent_mdt_trigger`, also saying which rule was met first (the
    continuous rule wins a tie).
    """
    at = as_utc(at)
    not_before = None if not_before is None else as_utc(not_before)
    periods = seclusion_periods(episodes_of_patient, at)
    continuous = _continuous_trigger(periods, policy.independent_mdt_continuous, not_before)
    intermittent = _intermittent_trigger(
        periods,
        policy.independent_mdt_intermittent,
        policy.independent_mdt_window,
        at,
        not_before,
    )
    if continuous is not None and (intermittent is None or continuous <= intermittent):
        return IndependentMdtTrigger(continuous, TriggerRule.CONTINUOUS)
    if intermittent is not None:
        return IndependentMdtTrigger(intermittent, TriggerRule.INTERMITTENT)
    return None


def independent_mdt_trigger(
    episodes_of_patient: Iterable[SeclusionEpisode],
    at: datetime,
    policy: SeclusionPolicy = DEFAULT_POLICY.seclusion,
    *,
    not_before: datetime | None = None,
) -> datetime | None:
    """The instant from which an independent MDT review was required, as known at ``at``, or
    ``None`` if neither threshold had been passed by then (domain.md §3 "Seclusion").

    ``episodes_of_patient`` are all of one patient's seclusion episodes (ended and running;
    other patients' raise ``ValueError``). The rule is met at instant t when the continuous
    run of seclusion containing t has lasted more than ``policy.independent_mdt_continuous``,
    or when seclusion within ``[t - independent_mdt_window, t]`` totals more than
    ``policy.independent_mdt_intermittent``. The answer is the infimum of such t up to
    ``at`` — the instant the threshold was reached (e.g. start + 8 h for one long episode).

    ``not_before`` limits the search to t >= ``not_before``: the seclusion clock passes the
    episode's start, so an episode is asked whether the rule was met *during it* (returning
    its start when the rule already held as it began). Without it the first trigger in the
    whole history is returned.

    Monotonic: adding seclusion time, or a later ``at``, never removes a trigger or moves it
    later.
    """
    detail = independent_mdt_trigger_detail(episodes_of_patient, at, policy, not_before=not_before)
    return None if detail is None else detail.met_at
