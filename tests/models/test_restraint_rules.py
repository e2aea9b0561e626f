"""Restraint rules: negligible force, prone and manual thresholds, mechanical authorisation,
rapid-tranquillisation monitoring (domain.md §2, §3).
"""

import itertools
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.codes import ForceCategory, InterventionType
from app.models.incident_parts import ForceUse, RtRiskFactor
from app.models.policy import ClinicalPolicy, RestraintPolicy
from app.models.refs import ClinicalRole
from app.models.restraint_rules import (
    ProneBand,
    is_never_negligible,
    is_senior_clinician,
    long_manual_restraint_spans,
    manual_restraint_spans,
    mechanical_restraint_properly_authorised,
    prone_band,
    prone_duration,
    prone_exceeds_threshold,
    prone_uses_over_threshold,
    record_required,
    rt_monitoring_due_at,
    rt_monitoring_interval,
)
from tests.models import builders as b

TEN = timedelta(minutes=10)
ONE_SECOND = timedelta(seconds=1)

# ------------------------------------------------------------------------------ negligible

NEVER_NEGLIGIBLE = [
    t
    for t in InterventionType
    if t.category is not ForceCategory.PHYSICAL or t is InterventionType.PHYSICAL_PRONE
]
MAYBE_NEGLIGIBLE = [t for t in InterventionType if t not in NEVER_NEGLIGIBLE]


@pytest.mark.parametrize("kind", NEVER_NEGLIGIBLE)
def test_isolation_mechanical_chemical_and_prone_are_never_negligible(
    kind: InterventionType,
) -> None:
    assert is_never_negligible(kind, resisted=False)
    assert record_required(kind, resisted=False, light_momentary_guiding_touch=True)


@pytest.mark.parametrize("kind", MAYBE_NEGLIGIBLE)
def test_a_light_unresisted_guiding_touch_needs_no_record(kind: InterventionType) -> None:
    assert not is_never_negligible(kind, resisted=False)
    assert not record_required(kind, resisted=False, light_momentary_guiding_touch=True)


@pytest.mark.parametrize("kind", MAYBE_NEGLIGIBLE)
@pytest.mark.parametrize(
    ("resisted", "light"),
    [(True, True), (None, True), (False, False), (False, None), (None, None)],
)
def test_resisted_or_unanswered_means_record(
    kind: InterventionType, resisted: bool | None, light: bool | None
) -> None:
    assert record_required(kind, resisted=resisted, light_momentary_guiding_touch=light)


def test_never_negligible_list_matches_domain() -> None:
    assert {t.value for t in NEVER_NEGLIGIBLE} == {"01", "04", "05", "06", "14", "15", "16", "17"}


# ---------------------------------------------------------------------------------- prone


@pytest.mark.parametrize(
    ("duration", "over"),
    [
        (TEN - ONE_SECOND, False),
        (TEN, False),
        (TEN + ONE_SECOND, True),
        (timedelta(0), False),
        (timedelta(hours=1), True),
    ],
)
def test_prone_threshold_boundaries(duration: timedelta, over: bool) -> None:
    assert prone_exceeds_threshold(duration) is over
    assert prone_band(duration) is (ProneBand.OVER_THRESHOLD if over else ProneBand.UP_TO_THRESHOLD)


def test_prone_threshold_comes_from_policy() -> None:
    strict = ClinicalPolicy(restraint=RestraintPolicy(prone_report_threshold=timedelta(minutes=5)))
    assert prone_exceeds_threshold(timedelta(minutes=6), strict)
    assert not prone_exceeds_threshold(timedelta(minutes=6))


def prone_incident(*spans: tuple[float, float | None]) -> list[ForceUse]:
    return [b.force_use(InterventionType.PHYSICAL_PRONE, s, e) for s, e in spans]


def test_prone_uses_over_threshold_exactly_ten_minutes_is_not_over() -> None:
    exactly = b.force_use(InterventionType.PHYSICAL_PRONE, 0, 10)
    just_over = b.force_use(InterventionType.PHYSICAL_PRONE, 0, 10 + 1 / 60)
    assert prone_uses_over_threshold(b.incident(force_uses=(exactly,))) == ()
    assert prone_uses_over_threshold(b.incident(force_uses=(just_over,))) == (just_over,)


def test_prone_duration_sums_prone_uses() -> None:
    assert prone_duration(b.incident()) == timedelta(minutes=3)
    two = b.incident(force_uses=tuple(prone_incident((0, 4), (10, 16))))
    assert prone_duration(two) == timedelta(minutes=10)
    assert prone_uses_over_threshold(two) == ()  # each is reported on its own
    no_prone = b.incident(force_uses=(b.force_use(InterventionType.PHYSICAL_SEATED, 0, 5),))
    assert prone_duration(no_prone) is None
    open_prone = b.incident(force_uses=tuple(prone_incident((0, None))))
    assert prone_duration(open_prone) is None


# ---------------------------------------------------------------------------------- manual


def test_continuous_physical_restraint_is_merged_across_positions() -> None:
    incident = b.incident()  # standing 0–4, prone 4–7, supine 7–18, RT (chemical) 15–17
    assert manual_restraint_spans(incident) == [(b.T0, b.T0 + timedelta(minutes=18))]
    assert long_manual_restraint_spans(incident) == [(b.T0, b.T0 + timedelta(minutes=18))]


def test_gaps_split_manual_restraint_and_short_spans_are_not_flagged() -> None:
    uses = (
        b.force_use(InterventionType.PHYSICAL_STANDING, 0, 10),
        b.force_use(InterventionType.PHYSICAL_SEATED, 12, 22 + 1 / 60),
        b.force_use(InterventionType.SECLUSION, 23, 25),
    )
    incident = b.incident(force_uses=uses)
    spans = manual_restraint_spans(incident)
    assert len(spans) == 2
    assert long_manual_restraint_spans(incident) == [spans[1]]


_minute = st.integers(0, 24)


@given(st.lists(st.tuples(_minute, _minute), max_size=6))
def test_manual_spans_are_sorted_disjoint_and_cover_every_physical_use(
    pairs: list[tuple[int, int]],
) -> None:
    uses = tuple(b.force_use(InterventionType.PHYSICAL_OTHER, min(p), max(p)) for p in pairs)
    spans = manual_restraint_spans(b.incident(force_uses=uses))
    for (_, end), (next_start, _) in itertools.pairwise(spans):
        assert end < next_start
    for use in uses:
        assert any(
            s <= use.started_at and use.ended_at is not None and use.ended_at <= e for s, e in spans
        )
    assert all(s <= e for s, e in spans)


# ------------------------------------------------------------------------------ mechanical


@pytest.mark.parametrize(
    ("role", "senior"),
    [
        (ClinicalRole.RESPONSIBLE_CLINICIAN, True),
        (ClinicalRole.DOCTOR, True),
        (ClinicalRole.WARD_MANAGER, True),
        (ClinicalRole.NURSE_IN_CHARGE, True),
        (ClinicalRole.REGISTERED_NURSE, False),
        (ClinicalRole.HEALTHCARE_SUPPORT_WORKER, False),
        (ClinicalRole.SECURITY, False),
    ],
)
def test_senior_clinicians(role: ClinicalRole, senior: bool) -> None:
    assert is_senior_clinician(role) is senior


def test_only_mechanical_restraint_needs_authorisation() -> None:
    assert mechanical_restraint_properly_authorised(
        b.force_use(InterventionType.PHYSICAL_STANDING, 0, 5)
    )
    assert not mechanical_restraint_properly_authorised(
        b.force_use(InterventionType.MECHANICAL, 0, 5)
    )


# ------------------------------------------------------------------ rapid tranquillisation


def test_rt_monitoring_is_hourly_without_risk_factors() -> None:
    rt = b.rapid_tranquillisation()
    assert rt_monitoring_interval(rt) == timedelta(hours=1)
    assert rt_monitoring_due_at(rt, None) == rt.given_at + timedelta(hours=1)


@pytest.mark.parametrize("factor", list(RtRiskFactor))
def test_rt_monitoring_is_every_15_minutes_with_any_risk_factor(factor: RtRiskFactor) -> None:
    rt = b.rapid_tranquillisation(risk_factors=[factor])
    assert rt_monitoring_interval(rt) == timedelta(minutes=15)
    last = rt.given_at + timedelta(minutes=15)
    assert rt_monitoring_due_at(rt, last) == last + timedelta(minutes=15)


def test_rt_monitoring_interval_comes_from_policy() -> None:
    policy = ClinicalPolicy(
        restraint=RestraintPolicy(rt_monitoring_interval_high_risk=timedelta(minutes=10))
    )
    rt = b.rapid_tranquillisation(risk_factors=[RtRiskFactor.ASLEEP_OR_SEDATED])
    assert rt_monitoring_interval(rt, policy) == timedelta(minutes=10)


def test_rt_due_time_across_the_autumn_clock_change_is_one_real_hour() -> None:
    given = datetime.fromisoformat("2024-10-27T00:30:00+00:00")  # 01:30 BST, first time
    rt = b.rapid_tranquillisation(given_at=given)
    assert rt_monitoring_due_at(rt, None) - given == timedelta(hours=1)
