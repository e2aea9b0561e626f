"""The long-term segregation (LTS) review document: what ward managers print for the weekly
MDT review and the external reviewer (domain.md §3 "What a segregation review document holds";
issue 8 item 1).

It is a function of domain objects only (:class:`LtsReviewInputs`), so the window, the command
line and the benchmark make it the same way. The review clocks and lapses come from
:mod:`app.models.segregation_clock`, the hours in seclusion from
:mod:`app.models.seclusion_time`, the engagement totals from
:func:`app.models.segregation.engagement_totals`: this module arranges, it decides nothing.

The period: by default the last :data:`DEFAULT_PERIOD` up to now; or whole days on the ward
clock from ``first_day`` to ``last_day``. Either is clipped to the episode (its start, and its
end or now), and the clocks are shown as they stood at the end of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from reportlab.platypus import Flowable

from app.models.clock import as_utc, local_midnight
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.lts_exit import IcetrRecommendation, LtsExitStep, SeniorIntervenorAction

# The one place the IC(E)TR rule lives (domain.md §3 LTS); reused here so the document, the
# ward board and the prompts can never disagree about who needs one.
from app.models.lts_exit_prompts import LtsPrompt, lts_prompts, needs_icetr
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, SegregationPolicy
from app.models.review_clocks import ReviewClock, ReviewLapse
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEngagementEntry, LtsEpisode, LtsReview, LtsReviewKind
from app.models.segregation_clock import lts_clocks, lts_lapses
from app.reports.document import Heading, render
from app.reports.segregation_appendix import appendix
from app.reports.segregation_sections import sections

#: The period a review document covers when none is given: four weeks, the usual span
#: between external looks at the plan and long enough to show a trend across weekly MDTs.
DEFAULT_PERIOD = timedelta(days=28)

#: The review kinds that gather the wider team; the document reports the latest of these,
#: or the latest approved-clinician review when none was held in the period.
_MEETING_KINDS = (LtsReviewKind.MDT, LtsReviewKind.EXTERNAL, LtsReviewKind.ICETR)


@dataclass(frozen=True, slots=True)
class ReviewPeriod:
    """From ``start`` to ``end`` (UTC instants, both inclusive)."""

    start: datetime
    end: datetime

    def holds(self, instant: datetime) -> bool:
        """``instant`` falls within the period."""
        return self.start <= instant <= self.end

    @property
    def days(self) -> float:
        """Length in days (for averages per day)."""
        return max((self.end - self.start) / timedelta(days=1), 1 / 24)


def lts_review_period(
    episode: LtsEpisode,
    now: datetime,
    first_day: date | None = None,
    last_day: date | None = None,
) -> ReviewPeriod:
    """The period the document covers (see the module docstring). Refuses, naming the option,
    a period the wrong way round or one that holds no time of the episode.
    """
    now = as_utc(now)
    if first_day is not None and last_day is not None and first_day > last_day:
        raise UserFacingError(
            "from: the period starts after it ends; give --from on or before --to."
        )
    episode_end = episode.end_as_of(now)
    end = episode_end if last_day is None else local_midnight(last_day + timedelta(days=1))
    start = end - DEFAULT_PERIOD if first_day is None else local_midnight(first_day)
    start, end = max(start, episode.started_at), min(end, episode_end)
    if start >= end:
        raise UserFacingError(
            "from: the period holds no time of this segregation episode; choose days while "
            "it ran (or leave out --from and --to for the last 28 days)."
        )
    return ReviewPeriod(start, end)


@dataclass(frozen=True)
class LtsReviewInputs:
    """Everything the document is made from. ``reviews`` are every review of the episode
    (the clocks replay them all); ``incidents`` and ``seclusions`` are the patient's (those
    outside the period are left out where the document says "in the period"); the steps,
    IC(E)TR recommendations and senior-intervenor actions are the episode's (issue 10)."""

    episode: LtsEpisode
    patient: Patient
    ward_name: str
    period: ReviewPeriod
    reviews: tuple[LtsReview, ...]
    engagement: tuple[LtsEngagementEntry, ...] = ()
    incidents: tuple[UseOfForceIncident, ...] = ()
    seclusions: tuple[SeclusionEpisode, ...] = ()
    policy: SegregationPolicy = field(default=DEFAULT_POLICY.segregation)
    exit_steps: tuple[LtsExitStep, ...] = ()
    icetr_recommendations: tuple[IcetrRecommendation, ...] = ()
    senior_intervenor_actions: tuple[SeniorIntervenorAction, ...] = ()

    @property
    def at(self) -> datetime:
        """The instant the clocks are shown at: the end of the period."""
        return self.period.end

    @cached_property
    def own_reviews(self) -> tuple[LtsReview, ...]:
        """This episode's reviews, in the order held."""
        own = (r for r in self.reviews if r.episode_id == self.episode.id)
        return tuple(sorted(own, key=lambda r: r.held_at))

    @cached_property
    def reviews_in_period(self) -> tuple[LtsReview, ...]:
        """Reviews held in the period, in the order held."""
        return tuple(r for r in self.own_reviews if self.period.holds(r.held_at))

    @cached_property
    def featured(self) -> LtsReview | None:
        """The review the document reports: the latest MDT, external or IC(E)TR review in the
        period, else the latest approved-clinician review, else none."""
        meetings = [r for r in self.reviews_in_period if r.kind in _MEETING_KINDS]
        chosen = meetings or list(self.reviews_in_period)
        return chosen[-1] if chosen else None

    @cached_property
    def previous_of_featured_kind(self) -> LtsReview | None:
        """The review of the same kind before the featured one (progress is counted from
        it)."""
        featured = self.featured
        if featured is None:
            return None
        earlier = [
            r for r in self.own_reviews if r.kind is featured.kind and r.held_at < featured.held_at
        ]
        return earlier[-1] if earlier else None

    @cached_property
    def needs_icetr(self) -> bool:
        """The patient is autistic or has a learning disability (domain.md §3 LTS)."""
        return needs_icetr(self.patient)

    @cached_property
    def clocks(self) -> tuple[ReviewClock, ...]:
        """The LTS review clocks at the end of the period (domain.md §3 LTS review clock)."""
        return lts_clocks(
            self.episode,
            self.own_reviews,
            self.at,
            needs_icetr=self.needs_icetr,
            policy=self.policy,
        )

    @cached_property
    def prompts(self) -> tuple[LtsPrompt, ...]:
        """The no-progress and missing-IC(E)TR prompts at the end of the period (issue 10
        item 3; :func:`~app.models.lts_exit_prompts.lts_prompts`): none once it has ended."""
        return lts_prompts(
            self.episode,
            self.patient,
            self.exit_steps,
            self.own_reviews,
            self.at,
            policy=self.policy,
        )

    @cached_property
    def lapses(self) -> tuple[ReviewLapse, ...]:
        """Reviews that fell due in the period and were done late or not at all."""
        every = lts_lapses(
            self.episode,
            self.own_reviews,
            self.at,
            needs_icetr=self.needs_icetr,
            policy=self.policy,
        )
        return tuple(lapse for lapse in every if self.period.holds(lapse.due_at))

    @cached_property
    def incidents_in_period(self) -> tuple[UseOfForceIncident, ...]:
        """The patient's use-of-force incidents that started in the period, in time order."""
        mine = (
            i
            for i in self.incidents
            if i.patient_id == self.patient.id and self.period.holds(i.started_at)
        )
        return tuple(sorted(mine, key=lambda i: i.started_at))

    @cached_property
    def patient_seclusions(self) -> tuple[SeclusionEpisode, ...]:
        """The patient's seclusion episodes (others' are ignored)."""
        return tuple(s for s in self.seclusions if s.patient_id == self.patient.id)


def lts_review_story(inputs: LtsReviewInputs, heading: Heading) -> list[Flowable]:
    """Every section of the document, in the order of domain.md §3, then the appendix."""
    return [*sections(inputs, heading), *appendix(inputs)]


def render_lts_review(heading: Heading, inputs: LtsReviewInputs) -> bytes:
    """The segregation review document as PDF bytes (writes nothing)."""
    return render(heading, lts_review_story(inputs, heading))
