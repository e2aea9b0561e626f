"""The seclusion review clock (domain.md §3 "Seclusion"), computed at an instant.

Defaults come from :class:`~app.models.policy.SeclusionPolicy` *(configurable; verify)*; every
interval is elapsed time on UTC instants, so the clock changes in March and October neither
stretch nor shrink them (02:30 UTC is 03:30 BST on 31 March but still 2 h after 00:30 GMT).

Per kind, counted from the start of seclusion and then from the last one done:

- **observation** every 15 minutes;
- **nursing review** every 2 hours;
- **medical review**: the first within 1 hour, unless a psychiatrist or responsible clinician
  authorised seclusion — then the authorisation, at the start, is the first medical review;
  every 4 hours until the first internal MDT review, every 12 hours ("at least twice in every
  24 hours") after it. An internal MDT review counts as a medical review (it includes a doctor,
  see :class:`~app.models.seclusion.SeclusionReview`), so the switch needs no special case:
  the interval after a medical review is 12 h exactly when the first MDT is not later than it;
- **internal MDT review** as soon as practicable, at the latest 24 hours after the start,
  then every 24 hours;
- **independent MDT review**: due "as soon as practicable" from the instant
  :func:`~app.models.seclusion_time.independent_mdt_trigger` says the 8-hour or 12-in-48-hour
  threshold was reached during this episode. Decision: there is no grace period, so it is due
  at that instant and overdue strictly after it until an independent MDT review of the episode
  is held at or after it; then the clock is satisfied (state not needed). Being late is
  therefore not listed as a lapse — only never holding one while the episode ran.

Facts are counted only when they fall within the episode as known at ``at`` (from its start
to ``at``, or to its end if it ended by then); records of other episodes are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.models.clock import as_utc
from app.models.policy import DEFAULT_POLICY, SeclusionPolicy
from app.models.review_clocks import (
    ClockKind,
    ClockState,
    ReviewClock,
    ReviewLapse,
    Schedule,
    clock_from_replay,
    describe_interval,
    lapses_from_replay,
    replay,
)
from app.models.seclusion import (
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)
from app.models.seclusion_time import (
    IndependentMdtTrigger,
    TriggerRule,
    independent_mdt_trigger_detail,
)


@dataclass(frozen=True, slots=True)
class _Duty:
    kind: ClockKind
    basis: str
    schedule: Schedule
    done: tuple[datetime, ...]


def _regular_duties(
    episode: SeclusionEpisode,
    observations: Iterable[SeclusionObservation],
    reviews: Sequence[SeclusionReview],
    until: datetime,
    policy: SeclusionPolicy,
) -> list[_Duty]:
    start = episode.started_at

    def within(instant: datetime) -> bool:
        return start <= instant <= until

    def held(kind: SeclusionReviewKind) -> tuple[datetime, ...]:
        return tuple(r.held_at for r in reviews if r.kind is kind and within(r.held_at))

    observed = tuple(
        o.observed_at for o in observations if o.episode_id == episode.id and within(o.observed_at)
    )
    nursing = held(SeclusionReviewKind.NURSING)
    internal_mdt = held(SeclusionReviewKind.INTERNAL_MDT)
    first_mdt = min(internal_mdt, default=None)
    medical = held(SeclusionReviewKind.MEDICAL) + internal_mdt
    if episode.authorised_by_psychiatrist:
        medical += (start,)

    def medical_due_after(done_at: datetime) -> datetime:
        if first_mdt is not None and first_mdt <= done_at:
            return done_at + policy.medical_review_interval_after_mdt
        return done_at + policy.medical_review_interval

    observation_every = policy.observation_interval
    nursing_every = policy.nursing_review_interval
    mdt_every = policy.internal_mdt_interval
    return [
        _Duty(
            ClockKind.SECLUSION_OBSERVATION,
            f"every {describe_interval(observation_every)} from the start of seclusion, "
            "then from the last observation",
            Schedule(start + observation_every, lambda t: t + observation_every),
            observed,
        ),
        _Duty(
            ClockKind.SECLUSION_NURSING,
            f"every {describe_interval(nursing_every)} from the start of seclusion, "
            "then from the last nursing review",
            Schedule(start + nursing_every, lambda t: t + nursing_every),
            nursing,
        ),
        _Duty(
            ClockKind.SECLUSION_MEDICAL,
            _medical_basis(episode, first_mdt, policy),
            Schedule(start + policy.first_medical_review_within, medical_due_after),
            medical,
        ),
        _Duty(
            ClockKind.SECLUSION_INTERNAL_MDT,
            "as soon as practicable, at the latest "
            f"{describe_interval(policy.first_internal_mdt_within)} after the start of "
            f"seclusion, then every {describe_interval(mdt_every)}",
            Schedule(start + policy.first_internal_mdt_within, lambda t: t + mdt_every),
            internal_mdt,
        ),
    ]


def _medical_basis(
    episode: SeclusionEpisode, first_mdt: datetime | None, policy: SeclusionPolicy
) -> str:
    if first_mdt is not None:
        return (
            "at least twice in every 24 hours (every "
            f"{describe_interval(policy.medical_review_interval_after_mdt)}) since the first "
            "internal MDT review"
        )
    every = (
        f"every {describe_interval(policy.medical_review_interval)} until the first internal "
        "MDT review"
    )
    if episode.authorised_by_psychiatrist:
        return f"{every}; the authorising psychiatrist's assessment was the first medical review"
    return (
        f"first within {describe_interval(policy.first_medical_review_within)} of the start "
        f"of seclusion, then {every}"
    )


def _trigger_basis(trigger: IndependentMdtTrigger | None, policy: SeclusionPolicy) -> str:
    continuous = describe_interval(policy.independent_mdt_continuous)
    intermittent = describe_interval(policy.independent_mdt_intermittent)
    window = describe_interval(policy.independent_mdt_window)
    if trigger is None:
        return (
            f"needed once seclusion lasts more than {continuous} continuously, or more than "
            f"{intermittent} in total within {window}"
        )
    if trigger.rule is TriggerRule.CONTINUOUS:
        return f"as soon as practicable: seclusion has lasted more than {continuous} continuously"
    return (
        f"as soon as practicable: seclusion has lasted more than {intermittent} in total "
        f"within {window}"
    )


def _independent_mdt(
    episode: SeclusionEpisode,
    reviews: Sequence[SeclusionReview],
    episodes_of_patient: Iterable[SeclusionEpisode],
    until: datetime,
    policy: SeclusionPolicy,
) -> tuple[IndependentMdtTrigger | None, datetime | None, datetime | None]:
    """(trigger, last independent MDT review, first one held at or after the trigger)."""
    others = [e for e in episodes_of_patient if e.id != episode.id]
    trigger = independent_mdt_trigger_detail(
        [*others, episode], until, policy, not_before=episode.started_at
    )
    held = sorted(
        r.held_at
        for r in reviews
        if r.kind is SeclusionReviewKind.INDEPENDENT_MDT
        and episode.started_at <= r.held_at <= until
    )
    last = held[-1] if held else None
    answered = None
    if trigger is not None:
        answered = next((t for t in held if t >= trigger.met_at), None)
    return trigger, last, answered


def _context(
    episode: SeclusionEpisode, reviews: Iterable[SeclusionReview], at: datetime
) -> tuple[datetime, datetime, bool, list[SeclusionReview]]:
    at = as_utc(at)
    until = episode.end_as_of(at)
    stopped = episode.ended_at is not None and episode.ended_at <= at
    own = [r for r in reviews if r.episode_id == episode.id]
    return at, until, stopped, own


def seclusion_clocks(
    episode: SeclusionEpisode,
    observations: Iterable[SeclusionObservation],
    reviews: Iterable[SeclusionReview],
    at: datetime,
    *,
    episodes_of_patient: Iterable[SeclusionEpisode] = (),
    policy: SeclusionPolicy = DEFAULT_POLICY.seclusion,
) -> tuple[ReviewClock, ...]:
    """Every seclusion clock of ``episode`` at instant ``at``, in the order observation,
    nursing, medical, internal MDT, independent MDT (see the module docstring for the rules).

    ``observations`` and ``reviews`` may include other episodes' records (they are ignored).
    ``episodes_of_patient`` are the patient's other seclusion episodes, needed for the
    12-hours-in-48 rule; ``episode`` itself is always included (a stale copy of it in the
    list is replaced). When the episode has ended by ``at`` every clock is stopped.
    """
    at, until, stopped, own = _context(episode, reviews, at)
    clocks = [
        clock_from_replay(
            duty.kind, duty.basis, replay(duty.schedule, duty.done, until), at, stopped=stopped
        )
        for duty in _regular_duties(episode, observations, own, until, policy)
    ]
    trigger, last, answered = _independent_mdt(episode, own, episodes_of_patient, until, policy)
    kind = ClockKind.SECLUSION_INDEPENDENT_MDT
    basis = _trigger_basis(trigger, policy)
    if stopped:
        clocks.append(ReviewClock(kind=kind, state=ClockState.STOPPED, basis=basis, last_done=last))
    elif trigger is None or answered is not None:
        clocks.append(
            ReviewClock(kind=kind, state=ClockState.NOT_NEEDED, basis=basis, last_done=last)
        )
    else:
        state = ClockState.OVERDUE if at > trigger.met_at else ClockState.DUE
        clocks.append(
            ReviewClock(
                kind=kind, state=state, basis=basis, last_done=last, next_due=trigger.met_at
            )
        )
    return tuple(clocks)


def seclusion_lapses(
    episode: SeclusionEpisode,
    observations: Iterable[SeclusionObservation],
    reviews: Iterable[SeclusionReview],
    at: datetime,
    *,
    episodes_of_patient: Iterable[SeclusionEpisode] = (),
    policy: SeclusionPolicy = DEFAULT_POLICY.seclusion,
) -> tuple[ReviewLapse, ...]:
    """Observations and reviews of ``episode`` that were late or missed, up to ``at`` (or the
    end of the episode), ordered by due time. An independent MDT review is listed only when
    it was required and none was held while the episode ran (up to ``at``).
    """
    at, until, _, own = _context(episode, reviews, at)
    lapses: list[ReviewLapse] = []
    for duty in _regular_duties(episode, observations, own, until, policy):
        lapses.extend(lapses_from_replay(duty.kind, replay(duty.schedule, duty.done, until)))
    trigger, _, answered = _independent_mdt(episode, own, episodes_of_patient, until, policy)
    if trigger is not None and answered is None and until > trigger.met_at:
        lapses.append(ReviewLapse(kind=ClockKind.SECLUSION_INDEPENDENT_MDT, due_at=trigger.met_at))
    return tuple(sorted(lapses, key=lambda lapse: lapse.due_at))
