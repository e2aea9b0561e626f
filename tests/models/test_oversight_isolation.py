"""Seclusion durations, days in LTS and review lapses of the oversight report, against
answers worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models.oversight_isolation import (
    IsolationRecords,
    days_in_segregation,
    review_lapses,
    review_rows,
    seclusion_figures,
    segregation_figures,
)
from app.models.oversight_rules import Hidden, Period
from app.models.policy import DEFAULT_POLICY
from app.models.review_clocks import ClockKind
from tests.models.isolation_builders import (
    DOCTOR,
    ended_seclusion_episode,
    lts_episode,
    seclusion_episode,
    seclusion_observation,
)

MAY = Period(date(2024, 5, 1), date(2024, 5, 31))
AS_OF = datetime(2024, 7, 1, tzinfo=UTC)


def _day(n: int, hour: int = 10) -> datetime:
    return datetime(2024, 5, n, hour, 0, tzinfo=UTC)


def test_seclusion_median_and_longest() -> None:
    # ended episodes of 2, 3, 4, 6 and 10 hours: median 4 h, longest 10 h; one running since
    # 30 May; one in April is outside. Episodes 6 (1 running, small, so "ended" 5 = 6 − 1 is
    # hidden too); 5 durations: enough to show the median.
    episodes = [
        ended_seclusion_episode(_day(2 + 3 * i), hours) for i, hours in enumerate((2, 3, 4, 6, 10))
    ]
    episodes.append(seclusion_episode(started_at=_day(30)))
    episodes.append(ended_seclusion_episode(datetime(2024, 4, 20, 10, tzinfo=UTC), 30))
    shown = seclusion_figures(episodes, MAY, as_of=AS_OF, suppress=False)
    assert (shown.episodes.value, shown.ended.value, shown.running.value) == (6, 5, 1)
    assert shown.durations.median == timedelta(hours=4)
    assert shown.durations.longest == timedelta(hours=10)
    hidden = seclusion_figures(episodes, MAY, as_of=AS_OF, suppress=True)
    assert (hidden.running.hidden, hidden.ended.hidden) == (Hidden.SMALL, Hidden.SECONDARY)
    assert hidden.durations.median == timedelta(hours=4)


def test_seclusion_durations_from_fewer_than_five_are_hidden() -> None:
    # 2 h and 4 h: the median 3 h would be a patient's own; hidden when suppressed
    episodes = [ended_seclusion_episode(_day(2), 2), ended_seclusion_episode(_day(6), 4)]
    assert seclusion_figures(episodes, MAY, as_of=AS_OF, suppress=False).durations.median == (
        timedelta(hours=3)
    )
    hidden = seclusion_figures(episodes, MAY, as_of=AS_OF, suppress=True).durations
    assert (hidden.median, hidden.longest, hidden.hidden) == (None, None, True)


@pytest.mark.parametrize(
    ("started", "ended", "as_of", "days"),
    [
        # from 1 May 10:00 UTC, running, figures at 10 May 12:00 UTC: the midnights ending
        # 1 … 9 May have passed (10 May's is 11 May 00:00 BST, after as_of): 9
        (_day(1), None, _day(10, 12), 9),
        # ended 5 May 12:00 UTC: midnights ending 1 … 4 May: 4
        (_day(1), _day(5, 12), AS_OF, 4),
        # from 20 April, ended 3 June: every day of May: 31
        (datetime(2024, 4, 20, tzinfo=UTC), datetime(2024, 6, 3, tzinfo=UTC), AS_OF, 31),
    ],
)
def test_days_in_segregation(
    started: datetime, ended: datetime | None, as_of: datetime, days: int
) -> None:
    episode = lts_episode(
        started_at=started,
        imha_told_at=started + timedelta(hours=2),
        ended_at=ended,
        ended_by=None if ended is None else DOCTOR,
    )
    assert days_in_segregation(episode, MAY, as_of=as_of) == days


def test_lts_days_are_hidden_when_fewer_than_five_episodes_make_them_up() -> None:
    episode = lts_episode(started_at=_day(1), imha_told_at=_day(1, 12))
    shown = segregation_figures([episode], MAY, as_of=AS_OF, suppress=False)
    # 1 … 31 May all passed by 1 July: 31 days; running at the end of May
    assert (shown.days_in_period, shown.running_at_end.value, shown.started.value) == (31, 1, 1)
    hidden = segregation_figures([episode], MAY, as_of=AS_OF, suppress=True)
    assert (hidden.days_in_period, hidden.days_hidden) == (None, True)
    assert hidden.episodes.hidden is Hidden.SMALL


def test_review_lapses_late_and_missed() -> None:
    # Seclusion 10 May 10:00–12:00 UTC, authorised by a nurse in charge (so the first medical
    # review is due within the hour). Observations at 10:15, 10:30, then 11:00 — due 10:45,
    # so late — then 11:15, 11:30, 11:45 (next due 12:00: the episode ended then, no lapse).
    # Medical review due 11:00, none held: missed. Nursing due 12:00: not passed. Ended, so
    # nothing is overdue at the end of the period.
    episode = ended_seclusion_episode(_day(10), 2)
    observations = [
        seclusion_observation(episode, _day(10) + timedelta(minutes=m))
        for m in (15, 30, 60, 75, 90, 105)
    ]
    records = IsolationRecords(seclusions=[episode], observations=observations)
    lapses, overdue = review_lapses(records, {}, MAY, as_of=AS_OF, policy=DEFAULT_POLICY)
    found = {(lapse.kind, lapse.missed) for lapse in lapses}
    assert found == {(ClockKind.SECLUSION_OBSERVATION, False), (ClockKind.SECLUSION_MEDICAL, True)}
    assert overdue == []
    rows, total = review_rows(lapses, overdue, suppress=False)
    assert [(r.label, r.late.value, r.missed.value) for r in rows] == [
        ("Observation", 1, 0),
        ("Medical review", 0, 1),
    ]
    assert (total.late.value, total.missed.value, total.overdue_at_end.value) == (1, 1, 0)
    _, hidden_total = review_rows(lapses, overdue, suppress=True)
    assert hidden_total.late.hidden is Hidden.SMALL


def test_a_running_seclusion_is_overdue_at_the_end_of_the_period() -> None:
    # running since 31 May 22:00 UTC with nothing recorded: at the end of May (31 May 23:00
    # UTC, midnight BST) the first observation (due 22:15) is overdue; the medical review
    # (due 23:00) is due exactly then, so not yet overdue.
    episode = seclusion_episode(started_at=datetime(2024, 5, 31, 22, 0, tzinfo=UTC))
    records = IsolationRecords(seclusions=[episode])
    lapses, overdue = review_lapses(records, {}, MAY, as_of=AS_OF, policy=DEFAULT_POLICY)
    assert overdue == [ClockKind.SECLUSION_OBSERVATION]
    assert [(x.kind, x.missed) for x in lapses] == [(ClockKind.SECLUSION_OBSERVATION, True)]
