"""The oversight figures on prone restraint, seclusion, long-term segregation and the review
clocks (issue 8 item 4; domain.md §3 "Seclusion", "Long-term segregation", "Other restraint
rules"; §4.4 "median seclusion duration").

- **Prone restraint**: every use of type 01 in the period's incidents, split at the policy's
  threshold (domain.md §3: reported split at 10 minutes; exactly 10:00 is not over), with the
  median and longest of the durations recorded.
- **Seclusion**: the episodes that started in the period; median and longest of those that
  have ended (a running episode has no duration yet, and is counted as running).
- **LTS**: the episodes that overlap the period; **days in LTS** count the midnights in the
  period at which the patient was segregated — the convention of occupied bed days
  (:mod:`app.models.admission`), so the two can be compared.
- **Reviews**: the lapses of the review clocks (:mod:`app.models.seclusion_clock`,
  :mod:`app.models.segregation_clock`) due in the period: *late* (held after it was due) and
  *missed* (not held while the episode ran, up to the end of the period — so a review overdue
  then counts as missed), and the clocks *overdue at the end of the period*.

Suppression (domain.md §6; issue 8): counts from 1 to 4 are hidden, and a median or longest
duration is hidden when it comes from fewer than 5 durations (with one or two, it is a
patient's own); days in LTS are hidden when fewer than 5 episodes make them up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

from app.models.clock import as_utc, local_midnight
from app.models.codes import InterventionType
from app.models.incident import UseOfForceIncident
from app.models.oversight_groups import LD_OR_AUTISM, learning_disability_or_autism
from app.models.oversight_rules import (
    SUPPRESS_BELOW,
    Cell,
    Period,
    median,
    suppress_alone,
    suppress_line,
)
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy
from app.models.restraint_rules import prone_exceeds_threshold
from app.models.review_clocks import ClockKind, ReviewLapse
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.seclusion_clock import seclusion_clocks, seclusion_lapses
from app.models.segregation import LtsEpisode, LtsReview
from app.models.segregation_clock import lts_clocks, lts_lapses

_ONE_DAY = timedelta(days=1)
E = TypeVar("E", SeclusionObservation, SeclusionReview, LtsReview)


@dataclass(frozen=True, slots=True)
class IsolationRecords:
    """Seclusion and LTS records of any ward (the figures keep those in scope)."""

    seclusions: Sequence[SeclusionEpisode] = ()
    observations: Sequence[SeclusionObservation] = ()
    seclusion_reviews: Sequence[SeclusionReview] = ()
    lts_episodes: Sequence[LtsEpisode] = ()
    lts_reviews: Sequence[LtsReview] = ()


@dataclass(frozen=True, slots=True)
class Durations:
    """Median and longest of some durations; both ``None`` when there are none or when
    they are hidden (``hidden``: fewer than 5 durations)."""

    known: Cell
    median: timedelta | None
    longest: timedelta | None
    hidden: bool


@dataclass(frozen=True, slots=True)
class ProneFigures:
    """Prone restraint (type 01) in the period (domain.md §3 "Other restraint rules")."""

    threshold: timedelta
    uses: Cell
    people: Cell
    up_to_threshold: Cell
    over_threshold: Cell
    end_not_recorded: Cell
    durations: Durations


@dataclass(frozen=True, slots=True)
class SeclusionFigures:
    """Seclusion episodes that started in the period (domain.md §3 "Seclusion", §4.4)."""

    episodes: Cell
    people: Cell
    ended: Cell
    running: Cell
    durations: Durations


@dataclass(frozen=True, slots=True)
class SegregationFigures:
    """LTS episodes overlapping the period (domain.md §3 "Long-term segregation")."""

    episodes: Cell
    people: Cell
    started: Cell
    ended: Cell
    running_at_end: Cell
    days_in_period: int | None
    days_hidden: bool


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One review clock's lapses due in the period."""

    label: str
    late: Cell
    missed: Cell
    overdue_at_end: Cell


@dataclass(frozen=True, slots=True)
class IsolationFigures:
    """Prone restraint, seclusion, LTS and the review clocks (see the module docstring)."""

    prone: ProneFigures
    seclusion: SeclusionFigures
    segregation: SegregationFigures
    reviews: tuple[ReviewRow, ...]
    reviews_total: ReviewRow

    def cells(self) -> Iterator[Cell]:
        """Every count, for counting the hidden ones."""
        p, s, g = self.prone, self.seclusion, self.segregation
        yield from (p.uses, p.people, p.up_to_threshold, p.over_threshold, p.end_not_recorded)
        yield from (s.episodes, s.people, s.ended, s.running)
        yield from (g.episodes, g.people, g.started, g.ended, g.running_at_end)
        for row in (*self.reviews, self.reviews_total):
            yield from (row.late, row.missed, row.overdue_at_end)


def summarise_durations(values: Sequence[timedelta], *, suppress: bool) -> Durations:
    """The count, median and longest of ``values``; median and longest hidden (``suppress``)
    when they come from 1 to 4 durations (see the module docstring)."""
    hidden = suppress and 0 < len(values) < SUPPRESS_BELOW
    return Durations(
        known=suppress_alone(len(values), suppress=suppress),
        median=None if hidden else median(values),
        longest=None if hidden or not values else max(values),
        hidden=hidden,
    )


def prone_figures(
    incidents: Iterable[UseOfForceIncident], *, suppress: bool, policy: ClinicalPolicy
) -> ProneFigures:
    """Prone restraint in ``incidents`` (already the period's), split at the threshold
    (domain.md §3 "Other restraint rules")."""
    uses = [
        (incident.patient_id, use)
        for incident in incidents
        for use in incident.force_uses
        if use.intervention_type is InterventionType.PHYSICAL_PRONE
    ]
    durations = [use.duration for _, use in uses if use.duration is not None]
    over = sum(1 for d in durations if prone_exceeds_threshold(d, policy))
    split, total = suppress_line(
        [len(durations) - over, over, len(uses) - len(durations)], len(uses), suppress=suppress
    )
    return ProneFigures(
        threshold=policy.restraint.prone_report_threshold,
        uses=total,
        people=suppress_alone(len({p for p, _ in uses}), suppress=suppress),
        up_to_threshold=split[0],
        over_threshold=split[1],
        end_not_recorded=split[2],
        durations=summarise_durations(durations, suppress=suppress),
    )


def seclusion_figures(
    episodes: Iterable[SeclusionEpisode], period: Period, *, as_of: datetime, suppress: bool
) -> SeclusionFigures:
    """Seclusion episodes that started in ``period``; durations of those ended by ``as_of``
    (domain.md §4.4 "median seclusion duration")."""
    started = [e for e in episodes if period.contains(e.started_at) and e.started_at <= as_of]
    durations = [
        e.ended_at - e.started_at for e in started if e.ended_at is not None and e.ended_at <= as_of
    ]
    split, total = suppress_line(
        [len(durations), len(started) - len(durations)], len(started), suppress=suppress
    )
    return SeclusionFigures(
        episodes=total,
        people=suppress_alone(len({e.patient_id for e in started}), suppress=suppress),
        ended=split[0],
        running=split[1],
        durations=summarise_durations(durations, suppress=suppress),
    )


def days_in_segregation(episode: LtsEpisode, period: Period, *, as_of: datetime) -> int:
    """The midnights ending the period's days at which the patient was in LTS (domain.md §3
    "Long-term segregation"; the midnight convention of occupied bed days, §4.4): the day
    LTS started counts when it started before midnight; a running episode counts up to
    ``as_of``."""
    end = episode.end_as_of(as_of)
    count = 0
    day = period.first
    while day <= period.last:
        midnight = local_midnight(day + _ONE_DAY)
        if midnight >= end:
            break
        if episode.started_at <= midnight:
            count += 1
        day += _ONE_DAY
    return count


def segregation_figures(
    episodes: Iterable[LtsEpisode], period: Period, *, as_of: datetime, suppress: bool
) -> SegregationFigures:
    """LTS episodes overlapping ``period`` (as known at ``as_of``) and their days in it."""
    until = min(as_utc(as_of), period.ends_at)
    overlapping = [
        e
        for e in episodes
        if e.started_at < until and (e.ended_at is None or e.ended_at > period.starts_at)
    ]
    days = sum(days_in_segregation(e, period, as_of=as_of) for e in overlapping)
    hidden = suppress and 0 < len(overlapping) < SUPPRESS_BELOW
    return SegregationFigures(
        episodes=suppress_alone(len(overlapping), suppress=suppress),
        people=suppress_alone(len({e.patient_id for e in overlapping}), suppress=suppress),
        started=suppress_alone(
            sum(1 for e in overlapping if period.contains(e.started_at)), suppress=suppress
        ),
        ended=suppress_alone(
            sum(1 for e in overlapping if e.ended_at is not None and e.ended_at < until),
            suppress=suppress,
        ),
        running_at_end=suppress_alone(
            sum(1 for e in overlapping if e.is_active_at(until)), suppress=suppress
        ),
        days_in_period=None if hidden else days,
        days_hidden=hidden,
    )


def _group(records: Iterable[E]) -> dict[UUID, list[E]]:
    found: dict[UUID, list[E]] = {}
    for record in records:
        found.setdefault(record.episode_id, []).append(record)
    return found


def review_lapses(
    records: IsolationRecords,
    patients: Mapping[UUID, Patient],
    period: Period,
    *,
    as_of: datetime,
    policy: ClinicalPolicy,
) -> tuple[list[ReviewLapse], list[ClockKind]]:
    """The lapses due in ``period`` of every seclusion and LTS episode in ``records``, and
    the kinds of the clocks overdue at the end of the period (or ``as_of``, if earlier)."""
    until = min(as_utc(as_of), period.ends_at)
    lapses: list[ReviewLapse] = []
    overdue: list[ClockKind] = []
    observations = _group(records.observations)
    seclusion_reviews = _group(records.seclusion_reviews)
    of_patient: dict[UUID, list[SeclusionEpisode]] = {}
    for episode in records.seclusions:
        of_patient.setdefault(episode.patient_id, []).append(episode)
    for episode in records.seclusions:
        if not _overlaps(episode.started_at, episode.ended_at, period.starts_at, until):
            continue
        args = (
            episode,
            observations.get(episode.id, []),
            seclusion_reviews.get(episode.id, []),
            until,
        )
        others = of_patient[episode.patient_id]
        lapses += seclusion_lapses(*args, episodes_of_patient=others, policy=policy.seclusion)
        if _running_at(episode.ended_at, until):
            clocks = seclusion_clocks(*args, episodes_of_patient=others, policy=policy.seclusion)
            overdue += [c.kind for c in clocks if c.overdue]
    lts_reviews = _group(records.lts_reviews)
    for lts in records.lts_episodes:
        if not _overlaps(lts.started_at, lts.ended_at, period.starts_at, until):
            continue
        needs = learning_disability_or_autism(patients.get(lts.patient_id)) == LD_OR_AUTISM
        own = lts_reviews.get(lts.id, [])
        lapses += lts_lapses(lts, own, until, needs_icetr=needs, policy=policy.segregation)
        if _running_at(lts.ended_at, until):
            clocks = lts_clocks(lts, own, until, needs_icetr=needs, policy=policy.segregation)
            overdue += [c.kind for c in clocks if c.overdue]
    return [lapse for lapse in lapses if period.contains(lapse.due_at)], overdue


def _running_at(ended_at: datetime | None, until: datetime) -> bool:
    """The episode had not ended by ``until``. Only then can a clock be overdue: an episode
    that has ended has stopped clocks, never overdue (:mod:`app.models.review_clocks`), so
    an ended episode's clocks need not be worked out to know none is overdue."""
    return ended_at is None or ended_at > until


def _overlaps(
    start: datetime, end: datetime | None, window_start: datetime, window_end: datetime
) -> bool:
    return start < window_end and (end is None or end > window_start)


def review_rows(
    lapses: Sequence[ReviewLapse], overdue: Sequence[ClockKind], *, suppress: bool
) -> tuple[tuple[ReviewRow, ...], ReviewRow]:
    """Late, missed and overdue-at-end counts per review clock (those with any), and the
    total; each column suppressed as one line."""
    kinds = [k for k in ClockKind if any(lapse.kind is k for lapse in lapses) or k in overdue]

    def column(counts: list[int]) -> tuple[list[Cell], Cell]:
        return suppress_line(counts, sum(counts), suppress=suppress)

    late, late_total = column(
        [sum(1 for x in lapses if x.kind is k and not x.missed) for k in kinds]
    )
    missed, missed_total = column(
        [sum(1 for x in lapses if x.kind is k and x.missed) for k in kinds]
    )
    late_now, now_total = column([sum(1 for x in overdue if x is k) for k in kinds])
    rows = tuple(ReviewRow(k.label, late[i], missed[i], late_now[i]) for i, k in enumerate(kinds))
    return rows, ReviewRow("Total", late_total, missed_total, now_total)


def isolation_figures(
    records: IsolationRecords,
    incidents: Sequence[UseOfForceIncident],
    patients: Mapping[UUID, Patient],
    period: Period,
    *,
    as_of: datetime,
    in_scope: Callable[[UUID], bool],
    suppress: bool,
    policy: ClinicalPolicy = DEFAULT_POLICY,
) -> IsolationFigures:
    """The figures of the module docstring for the wards ``in_scope`` (by ward id);
    ``incidents`` are already the period's and the scope's."""
    scoped = IsolationRecords(
        seclusions=[e for e in records.seclusions if in_scope(e.ward_id)],
        observations=[o for o in records.observations if in_scope(o.ward_id)],
        seclusion_reviews=[r for r in records.seclusion_reviews if in_scope(r.ward_id)],
        lts_episodes=[e for e in records.lts_episodes if in_scope(e.ward_id)],
        lts_reviews=[r for r in records.lts_reviews if in_scope(r.ward_id)],
    )
    lapses, overdue = review_lapses(scoped, patients, period, as_of=as_of, policy=policy)
    rows, total = review_rows(lapses, overdue, suppress=suppress)
    return IsolationFigures(
        prone=prone_figures(incidents, suppress=suppress, policy=policy),
        seclusion=seclusion_figures(scoped.seclusions, period, as_of=as_of, suppress=suppress),
        segregation=segregation_figures(
            scoped.lts_episodes, period, as_of=as_of, suppress=suppress
        ),
        reviews=rows,
        reviews_total=total,
    )
