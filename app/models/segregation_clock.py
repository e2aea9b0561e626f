"""The long-term segregation review clock (domain.md §3 "Long-term segregation"), computed
at an instant. Defaults come from :class:`~app.models.policy.SegregationPolicy`
*(configurable; verify)*.

Per kind, counted from the start of LTS (the MDT decision) and then from the last one done:

- **approved-clinician review** every 24 hours — elapsed time (UTC arithmetic);
- **MDT review** at least every 7 days — on the ward's wall clock, so a review due "Monday
  10:00" stays at 10:00 across a clock change (:func:`~app.models.clock.add_local_calendar`);
- **external review** by a clinician from another hospital every 3 months — calendar months
  on the wall clock (31 May + 3 months is 31 August; 30 November + 3 months is 28/29 February);
- **IC(E)TR**, only for an autistic person or a person with a learning disability
  (``needs_icetr``): with ``policy.icetr_within_months`` set, due that many calendar months
  after the start and — our decision, domain.md is silent — again that many months after each
  one; with ``None`` the clock shows "needed" with no due date until one is recorded, then
  "not needed".

An episode that has ended by ``at`` has stopped clocks. Reviews of other episodes, and
reviews outside the episode as known at ``at``, are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.models.clock import add_local_calendar, as_utc
from app.models.policy import DEFAULT_POLICY, SegregationPolicy
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
from app.models.segregation import LtsEpisode, LtsReview, LtsReviewKind

_CLOCK_OF_REVIEW: dict[LtsReviewKind, ClockKind] = {
    LtsReviewKind.APPROVED_CLINICIAN: ClockKind.LTS_APPROVED_CLINICIAN,
    LtsReviewKind.MDT: ClockKind.LTS_MDT,
    LtsReviewKind.EXTERNAL: ClockKind.LTS_EXTERNAL,
    LtsReviewKind.ICETR: ClockKind.LTS_ICETR,
}


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _scheduled_duties(
    episode: LtsEpisode, needs_icetr: bool, policy: SegregationPolicy
) -> list[tuple[LtsReviewKind, str, Schedule]]:
    start = episode.started_at
    ac_every = policy.approved_clinician_review_interval
    days = policy.mdt_review_interval_days
    months = policy.external_review_interval_months
    duties = [
        (
            LtsReviewKind.APPROVED_CLINICIAN,
            (
                f"every {describe_interval(ac_every)} from the start of segregation, then from "
                "the last approved-clinician review"
            ),
            Schedule(start + ac_every, lambda t: t + ac_every),
        ),
        (
            LtsReviewKind.MDT,
            (
                f"at least every {_plural(days, 'day')} on the ward clock, from the deciding MDT "
                "and then from the last MDT review"
            ),
            Schedule(
                add_local_calendar(start, days=days),
                lambda t: add_local_calendar(t, days=days),
            ),
        ),
        (
            LtsReviewKind.EXTERNAL,
            (
                f"every {_plural(months, 'month')} on the ward clock, by a clinician from "
                "another hospital"
            ),
            Schedule(
                add_local_calendar(start, months=months),
                lambda t: add_local_calendar(t, months=months),
            ),
        ),
    ]
    icetr_months = policy.icetr_within_months
    if needs_icetr and icetr_months is not None:
        duties.append(
            (
                LtsReviewKind.ICETR,
                (
                    f"within {_plural(icetr_months, 'month')} of the start, then every "
                    f"{_plural(icetr_months, 'month')} (autism or learning disability)"
                ),
                Schedule(
                    add_local_calendar(start, months=icetr_months),
                    lambda t: add_local_calendar(t, months=icetr_months),
                ),
            )
        )
    return duties


def _context(
    episode: LtsEpisode, reviews: Iterable[LtsReview], at: datetime
) -> tuple[datetime, datetime, bool, list[LtsReview]]:
    at = as_utc(at)
    stopped = episode.ended_at is not None and episode.ended_at <= at
    until = episode.end_as_of(at)
    own = [
        r
        for r in reviews
        if r.episode_id == episode.id and episode.started_at <= r.held_at <= until
    ]
    return at, until, stopped, own


def _held(reviews: list[LtsReview], kind: LtsReviewKind) -> tuple[datetime, ...]:
    return tuple(r.held_at for r in reviews if r.kind is kind)


def lts_clocks(
    episode: LtsEpisode,
    reviews: Iterable[LtsReview],
    at: datetime,
    *,
    needs_icetr: bool,
    policy: SegregationPolicy = DEFAULT_POLICY.segregation,
) -> tuple[ReviewClock, ...]:
    """Every LTS clock of ``episode`` at ``at``: approved clinician, MDT, external, and —
    when ``needs_icetr`` (the patient is autistic or has a learning disability) — IC(E)TR.
    See the module docstring for the rules.
    """
    at, until, stopped, own = _context(episode, reviews, at)
    clocks = [
        clock_from_replay(
            _CLOCK_OF_REVIEW[kind],
            basis,
            replay(schedule, _held(own, kind), until),
            at,
            stopped=stopped,
        )
        for kind, basis, schedule in _scheduled_duties(episode, needs_icetr, policy)
    ]
    if needs_icetr and policy.icetr_within_months is None:
        done = _held(own, LtsReviewKind.ICETR)
        last = max(done, default=None)
        if stopped:
            state = ClockState.STOPPED
        else:
            state = ClockState.NEEDED if last is None else ClockState.NOT_NEEDED
        clocks.append(
            ReviewClock(
                kind=ClockKind.LTS_ICETR,
                state=state,
                basis="needed for an autistic person or a person with a learning disability "
                "(no due date set)",
                last_done=last,
            )
        )
    return tuple(clocks)


def lts_lapses(
    episode: LtsEpisode,
    reviews: Iterable[LtsReview],
    at: datetime,
    *,
    needs_icetr: bool,
    policy: SegregationPolicy = DEFAULT_POLICY.segregation,
) -> tuple[ReviewLapse, ...]:
    """LTS reviews that were late or missed up to ``at`` (or the end of the episode), ordered
    by due time. An IC(E)TR without a policy interval has no due date and is never listed.
    """
    _, until, _, own = _context(episode, reviews, at)
    lapses: list[ReviewLapse] = []
    for kind, _, schedule in _scheduled_duties(episode, needs_icetr, policy):
        result = replay(schedule, _held(own, kind), until)
        lapses.extend(lapses_from_replay(_CLOCK_OF_REVIEW[kind], result))
    return tuple(sorted(lapses, key=lambda lapse: lapse.due_at))
