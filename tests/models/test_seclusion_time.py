"""Time in seclusion and the independent-MDT-review trigger (domain.md §3 "Seclusion": more
than 8 hours continuously, or more than 12 hours within any 48 hours).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.policy import DEFAULT_POLICY, SeclusionPolicy
from app.models.seclusion import SeclusionEpisode
from app.models.seclusion_time import (
    TriggerRule,
    independent_mdt_trigger,
    independent_mdt_trigger_detail,
    secluded_time_between,
    seclusion_periods,
)
from tests.models.isolation_builders import (
    DOCTOR,
    OTHER_PATIENT_ID,
    START,
    seclusion_episode,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)
T0 = START


def ended(start_h: float, hours: float) -> SeclusionEpisode:
    start = T0 + timedelta(hours=start_h)
    return seclusion_episode(
        started_at=start, ended_at=start + timedelta(hours=hours), ended_by=DOCTOR
    )


def running(start_h: float) -> SeclusionEpisode:
    return seclusion_episode(started_at=T0 + timedelta(hours=start_h))


# (episodes, at (hours after T0), expected trigger (hours after T0) or None, rule)
CASES = [
    pytest.param([ended(0, 8)], 100, None, None, id="exactly_8h_is_not_more_than_8h"),
    pytest.param([ended(0, 8 + 1 / 60)], 100, 8, TriggerRule.CONTINUOUS, id="8h_1min"),
    pytest.param([running(0)], 8, None, None, id="running_exactly_8h"),
    pytest.param([running(0)], 8 + 1 / 3600, 8, TriggerRule.CONTINUOUS, id="running_8h_1s"),
    pytest.param([running(0)], 7.9, None, None, id="running_under_8h"),
    pytest.param(
        [ended(0, 7), ended(20, 6)], 100, 25, TriggerRule.INTERMITTENT, id="7h_6h_within_48h"
    ),
    pytest.param([ended(0, 7), ended(57, 6)], 100, None, None, id="7h_then_6h_50h_later"),
    pytest.param([ended(0, 7), ended(50, 6)], 100, None, None, id="7h_6h_starts_50h_apart"),
    pytest.param([ended(0, 7), ended(20, 5)], 100, None, None, id="exactly_12h_in_48h"),
    pytest.param(
        [ended(0, 7), ended(41, 6)], 100, 46, TriggerRule.INTERMITTENT, id="second_ends_in_window"
    ),
    # The window slides: from 48 h on, the first episode leaves it as fast as the second
    # fills it, so the total sits at exactly 12 h (never more) until the second ends.
    pytest.param([ended(0, 7), ended(43, 6)], 100, None, None, id="plateau_at_exactly_12h"),
    pytest.param(
        [ended(0, 7), ended(42.5, 6)], 100, 47.5, TriggerRule.INTERMITTENT, id="just_over_plateau"
    ),
    pytest.param(
        [ended(0, 4), ended(10, 4), ended(20, 4), ended(30, 4)],
        100,
        30,  # 12 h exactly by T0 + 24 h, more than 12 h as soon as the fourth begins
        TriggerRule.INTERMITTENT,
        id="four_short_episodes",
    ),
    pytest.param(
        [ended(0, 5), ended(5, 4)], 100, 8, TriggerRule.CONTINUOUS, id="adjacent_episodes_join"
    ),
    pytest.param([ended(0, 5), ended(5.01, 4)], 100, None, None, id="a_gap_breaks_the_run"),
    pytest.param(
        [ended(0, 6), ended(2, 6 + 1 / 60)],
        100,
        8,
        TriggerRule.CONTINUOUS,
        id="overlapping_records_counted_once",
    ),
    pytest.param([ended(0, 7), ended(0, 7)], 100, None, None, id="duplicate_records_counted_once"),
    pytest.param([ended(0, 7), running(20)], 24, None, None, id="running_counts_up_to_at"),
    pytest.param([ended(0, 7), running(20)], 26, 25, TriggerRule.INTERMITTENT, id="running_later"),
    pytest.param([ended(0, 9)], 5, None, None, id="ended_later_counts_up_to_at"),
    pytest.param([ended(10, 9)], 5, None, None, id="episode_after_at_ignored"),
    pytest.param([], 5, None, None, id="no_episodes"),
]


@pytest.mark.parametrize(("episodes", "at_h", "expected_h", "rule"), CASES)
def test_trigger(
    episodes: list[SeclusionEpisode],
    at_h: float,
    expected_h: float | None,
    rule: TriggerRule | None,
) -> None:
    at = T0 + timedelta(hours=at_h)
    detail = independent_mdt_trigger_detail(episodes, at)
    trigger = independent_mdt_trigger(episodes, at, DEFAULT_POLICY.seclusion)
    if expected_h is None:
        assert detail is None
        assert trigger is None
    else:
        expected = T0 + timedelta(hours=expected_h)
        assert detail is not None
        assert detail.met_at == expected == trigger
        assert detail.rule is rule


def test_the_trigger_is_exact_to_the_second() -> None:
    episodes = [ended(0, 7), running(20)]
    # 7 h + 5 h = 12 h at T0 + 25 h: not yet more than 12 h at that instant.
    assert independent_mdt_trigger(episodes, T0 + 25 * H) is None
    assert independent_mdt_trigger(episodes, T0 + 25 * H + S) == T0 + 25 * H


def test_not_before_asks_about_one_episode() -> None:
    long_ago = ended(0, 13)  # met both rules at T0 + 8 h
    assert independent_mdt_trigger([long_ago], T0 + 100 * H) == T0 + 8 * H
    # An episode starting while 13 h still lie in the 48-hour window: met as it begins.
    soon = running(20)
    assert independent_mdt_trigger([long_ago, soon], T0 + 21 * H, not_before=T0 + 20 * H) == (
        T0 + 20 * H
    )
    # One starting after the window has moved on: only its own 8 hours count.
    later = running(70)
    assert independent_mdt_trigger([long_ago, later], T0 + 79 * H, not_before=T0 + 70 * H) == (
        T0 + 78 * H
    )
    assert independent_mdt_trigger([long_ago, later], T0 + 75 * H, not_before=T0 + 70 * H) is None


def test_a_trust_policy_changes_the_thresholds() -> None:
    policy = SeclusionPolicy(
        independent_mdt_continuous=timedelta(hours=6),
        independent_mdt_intermittent=timedelta(hours=10),
        independent_mdt_window=timedelta(hours=24),
    )
    assert independent_mdt_trigger([ended(0, 7)], T0 + 9 * H, policy) == T0 + 6 * H
    two = [ended(0, 5), ended(10, 6)]
    assert independent_mdt_trigger(two, T0 + 30 * H, policy) == T0 + 15 * H
    assert independent_mdt_trigger(two, T0 + 30 * H) is None


def test_episodes_of_several_patients_are_refused() -> None:
    other = seclusion_episode(patient_id=OTHER_PATIENT_ID)
    with pytest.raises(ValueError, match="same patient"):
        independent_mdt_trigger([ended(0, 1), other], T0 + 10 * H)


def test_periods_are_merged_and_cut_at_the_instant() -> None:
    periods = seclusion_periods([ended(5, 2), ended(0, 3), ended(2, 2), running(10)], T0 + 12 * H)
    assert periods == [(T0, T0 + 4 * H), (T0 + 5 * H, T0 + 7 * H), (T0 + 10 * H, T0 + 12 * H)]


def test_secluded_time_between() -> None:
    episodes = [ended(0, 7), ended(20, 6), running(40)]
    assert secluded_time_between(episodes, T0, T0 + 48 * H) == 21 * H
    assert secluded_time_between(episodes, T0 + 3 * H, T0 + 22 * H) == 6 * H
    assert secluded_time_between(episodes, T0 + 41 * H, T0 + 42 * H) == H
    assert secluded_time_between([], T0, T0 + H) == timedelta(0)


# ----------------------------------------------------------------------------- properties
#
# Episodes on a 15-minute grid so that a brute-force oracle can check every grid instant.
# With every input on the grid the exact trigger also falls on it: the total in the window
# changes with slope +1, 0 or -1 between grid points.

UNIT = timedelta(minutes=15)
CONTINUOUS_UNITS = 32  # 8 h
LIMIT_UNITS = 48  # 12 h
WINDOW_UNITS = 192  # 48 h
BASE = datetime(2024, 1, 1, tzinfo=UTC)

Spec = tuple[int, int | None]  # (start unit, length in units or None while running)

specs = st.lists(
    st.tuples(st.integers(0, 300), st.one_of(st.none(), st.integers(0, 50))),
    max_size=5,
)


def build(spec: list[Spec]) -> list[SeclusionEpisode]:
    episodes = []
    for start, length in spec:
        started = BASE + start * UNIT
        if length is None:
            episodes.append(seclusion_episode(started_at=started))
        else:
            episodes.append(
                seclusion_episode(
                    started_at=started, ended_at=started + length * UNIT, ended_by=DOCTOR
                )
            )
    return episodes


def oracle(spec: list[Spec], at: int, not_before: int | None = None) -> int | None:
    """The trigger in grid units by brute force over secluded 15-minute cells."""
    cells = [False] * (at + 1)
    for start, length in spec:
        end = at if length is None else min(start + length, at)
        for cell in range(start, end):
            cells[cell] = True
    before = [0, *accumulate(int(c) for c in cells)]  # before[t]: secluded cells < t

    def rule_met(t: int) -> bool:
        total = before[t] - before[max(t - WINDOW_UNITS, 0)]
        run = 0
        while run < t and cells[t - 1 - run]:
            run += 1
        return total > LIMIT_UNITS or run > CONTINUOUS_UNITS

    low = 0 if not_before is None else not_before
    if low > at:
        return None
    if not_before is not None and rule_met(low):
        return low
    return next((m for m in range(low, at) if rule_met(m + 1)), None)


def in_units(instant: datetime | None) -> int | None:
    return None if instant is None else (instant - BASE) // UNIT


@settings(deadline=None, max_examples=150)
@given(spec=specs, at=st.integers(0, 400))
def test_the_trigger_matches_brute_force(spec: list[Spec], at: int) -> None:
    trigger = independent_mdt_trigger(build(spec), BASE + at * UNIT)
    assert in_units(trigger) == oracle(spec, at)
    if trigger is not None:
        assert (trigger - BASE) % UNIT == timedelta(0)


@settings(deadline=None, max_examples=100)
@given(spec=specs, at=st.integers(0, 400), not_before=st.integers(0, 400))
def test_the_trigger_from_an_instant_matches_brute_force(
    spec: list[Spec], at: int, not_before: int
) -> None:
    trigger = independent_mdt_trigger(
        build(spec), BASE + at * UNIT, not_before=BASE + not_before * UNIT
    )
    assert in_units(trigger) == oracle(spec, at, not_before)


@settings(deadline=None, max_examples=100)
@given(spec=specs, extra=specs, at=st.integers(0, 400))
def test_adding_seclusion_never_removes_or_delays_a_trigger(
    spec: list[Spec], extra: list[Spec], at: int
) -> None:
    instant = BASE + at * UNIT
    before = independent_mdt_trigger(build(spec), instant)
    after = independent_mdt_trigger(build(spec + extra), instant)
    if before is not None:
        assert after is not None
        assert after <= before


@settings(deadline=None, max_examples=100)
@given(spec=specs, at=st.integers(0, 400), later=st.integers(0, 200))
def test_a_later_instant_keeps_the_trigger(spec: list[Spec], at: int, later: int) -> None:
    episodes = build(spec)
    first = independent_mdt_trigger(episodes, BASE + at * UNIT)
    again = independent_mdt_trigger(episodes, BASE + (at + later) * UNIT)
    if first is not None:
        assert again == first
