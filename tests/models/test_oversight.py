"""The oversight figures of the fixture ward (tests/models/oversight_fixture.py) against
answers worked out by hand, with and without suppression.

Bed days in May 2024 (a bed counts at the midnight ending each day):
  P1 in all month: 31 (1–31 May) · P2 in 11 May 10:00 UTC: 11–31 May = 21 · P3 out 21 May
  10:00 UTC: 1–20 May = 20 · total 31 + 21 + 20 = 72.
Incidents: P1 8, P2 3, P3 6 = 17; interventions: P1 8 × 2 types = 16, P2 3, P3 6 = 25;
people 3. Rates: 17 × 1000 / 72 = 236.1; 25 × 1000 / 72 = 347.2.
"""

from __future__ import annotations

import pytest

from app.models.oversight import GroupTable, OversightFigures, oversight_figures
from app.models.oversight_rules import Hidden
from tests.models.builders import WARD_ID
from tests.models.oversight_fixture import AS_OF, PERIOD, fixture_records

S, X = Hidden.SMALL, Hidden.SECONDARY


@pytest.fixture(scope="module")
def shown() -> OversightFigures:
    return oversight_figures(fixture_records(), PERIOD, as_of=AS_OF, suppress=False)


@pytest.fixture(scope="module")
def hidden() -> OversightFigures:
    return oversight_figures(fixture_records(), PERIOD, as_of=AS_OF, ward_id=WARD_ID)


def test_totals_and_rates(shown: OversightFigures) -> None:
    assert shown.bed_days == 72
    assert (shown.incidents.value, shown.interventions.value, shown.people.value) == (17, 25, 3)
    total = shown.by_month.total
    assert total.incident_rate == pytest.approx(236.111, abs=0.001)
    assert total.intervention_rate == pytest.approx(347.222, abs=0.001)
    assert [r.label for r in shown.by_month.rows] == ["May 2024"]
    assert shown.by_month.rows[0].bed_days == 72


def test_interventions_by_type(shown: OversightFigures) -> None:
    # standing: P1 8 + P2 3 = 11; prone: P1 8; supine: P3 6; total 25
    # rates per 1,000 bed days: 11000/72 = 152.8, 8000/72 = 111.1, 6000/72 = 83.3
    rows = {r.label: r for r in shown.by_type.rows}
    assert {k: r.interventions.value for k, r in rows.items() if r.interventions} == {
        "01 Physical restraint – prone": 8,
        "07 Physical restraint – standing": 11,
        "09 Physical restraint – supine": 6,
    }
    assert rows["07 Physical restraint – standing"].intervention_rate == pytest.approx(152.78, 0.01)


def _group(figures: OversightFigures, title: str) -> GroupTable:
    return next(t for t in figures.by_group if t.title == title)


# (table, group, bed days, people, incidents, interventions, rate ratio, lower, upper)
# Ratios are incidents per bed day of the group against the rest:
#   Male: a = 8 + 6 = 14 in 31 + 20 = 51; rest b = 3 in 21
#     RR = (14/51)/(3/21) = 1.9216; 1.96 × √(1/14 + 1/3) = 1.246970;
#     CI 1.921569 × e^∓1.246970 = 0.5522 to 6.6866
#   Female: the reverse, 1/RR = 0.5204, CI 1/6.6866 to 1/0.5522 = 0.1496 to 1.8109
#   Black (P1): a = 8 in 31; rest b = 9 in 41: RR = 0.258065/0.219512 = 1.1756;
#     1.96 × √(1/8 + 1/9) = 0.952390; CI 1.175627 × e^∓0.952390 = 0.4536 to 3.0471
#   65 and over (P3 from 15 May: 15–20 May = 6 days, 4 incidents):
#     rest b = 17 − 4 = 13 in 72 − 6 = 66: RR = (4/6)/(13/66) = 0.666667/0.196970 = 3.3846;
#     1.96 × √(1/4 + 1/13) = 1.120673; CI 3.384615 × e^∓1.120673 = 1.1036 to 10.3803
#   55 to 64 (P3 1–14 May = 14 days, 2 incidents): b = 15 in 58:
#     RR = (2/14)/(15/58) = 0.142857/0.258621 = 0.5524; 1.96 × √(1/2 + 1/15) = 1.475589;
#     CI 0.552381 × 0.228680 = 0.1263 to 0.552381 × 4.372929 = 2.4155
GROUPS = [
    ("Sex", "Male", 51, 2, 14, 22, 1.9216, 0.5522, 6.6866),
    ("Sex", "Female", 21, 1, 3, 3, 0.5204, 0.1496, 1.8109),
    ("Ethnic group", "Black", 31, 1, 8, 16, 1.1756, 0.4536, 3.0471),
    ("Ethnic group", "White", 41, 2, 9, 9, 0.8506, 0.3282, 2.2047),
    ("Learning disability or autism", "Learning disability or autism", 31, 1, 8, 16, 1.1756,
     0.4536, 3.0471),
    ("Age band", "25 to 34", 31, 1, 8, 16, 1.1756, 0.4536, 3.0471),
    ("Age band", "65 and over", 6, 1, 4, 4, 3.3846, 1.1036, 10.3803),
    ("Age band", "55 to 64", 14, 1, 2, 2, 0.5524, 0.1263, 2.4155),
]  # fmt: skip
# White is Black's mirror: 1/1.175627 = 0.8506; CI 1/3.0471 to 1/0.4536 = 0.3282 to 2.2047


@pytest.mark.parametrize("case", GROUPS, ids=lambda case: f"{case[0]}-{case[1]}")
def test_groups_unsuppressed(shown: OversightFigures, case: tuple) -> None:  # type: ignore[type-arg]
    table, label, bed_days, people, incidents, interventions, rr, lo, hi = case
    row = next(r for r in _group(shown, table).rows if r.label == label)
    assert (row.bed_days, row.people.value, row.incidents.value) == (bed_days, people, incidents)
    assert row.interventions.value == interventions
    assert row.incident_rate == pytest.approx(incidents * 1000 / bed_days)
    assert row.ratio is not None
    assert (row.ratio.ratio, row.ratio.lower, row.ratio.upper) == pytest.approx(
        (rr, lo, hi), abs=1e-4
    )


def test_age_bands_follow_the_birthday(shown: OversightFigures) -> None:
    # P2 turns 44 on 20 May: 35 to 44 all month (21 days, 3 incidents)
    rows = {r.label: (r.bed_days, r.incidents.value) for r in _group(shown, "Age band").rows}
    assert rows == {
        "25 to 34": (31, 8),
        "35 to 44": (21, 3),
        "55 to 64": (14, 2),
        "65 and over": (6, 4),
    }
    assert sum(days for days, _ in rows.values()) == 72


# (table, group, people, incidents, interventions, ratio shown)
#   Sex, incidents: Female 3 is small; Male 14 would be 17 − 3: hidden as well (secondary).
#   Sex, people: 1 and 2 small, total 3 small. Interventions: 3 small, 22 secondary.
#   Ethnic group: 8 and 9 shown, people 1 and 2 hidden. Age band: 3, 2 and 4 small
#   (together 9: enough), 8 shown — so the 25 to 34 ratio stays.
SUPPRESSED = [
    ("Sex", "Female", None, None, None, False),
    ("Sex", "Male", None, None, None, False),
    ("Ethnic group", "Black", None, 8, 16, True),
    ("Ethnic group", "White", None, 9, 9, True),
    ("Age band", "25 to 34", None, 8, 16, True),
    ("Age band", "35 to 44", None, None, None, False),
    ("Age band", "65 and over", None, None, None, False),
]


@pytest.mark.parametrize("case", SUPPRESSED, ids=lambda case: f"{case[0]}-{case[1]}")
def test_groups_suppressed(hidden: OversightFigures, case: tuple) -> None:  # type: ignore[type-arg]
    table, label, people, incidents, interventions, ratio_shown = case
    row = next(r for r in _group(hidden, table).rows if r.label == label)
    assert (row.people.shown, row.incidents.shown, row.interventions.shown) == (
        people,
        incidents,
        interventions,
    )
    assert (row.ratio is not None) == ratio_shown
    assert row.ratio_hidden == (not ratio_shown)
    if incidents is None:
        assert row.incident_rate is None


def test_sex_male_is_hidden_because_the_total_would_give_back_female(
    hidden: OversightFigures,
) -> None:
    rows = {r.label: r for r in _group(hidden, "Sex").rows}
    assert rows["Female"].incidents.hidden is S
    assert rows["Male"].incidents.hidden is X
    assert _group(hidden, "Sex").total.incidents.shown == 17


def test_reasons_secondary_suppression(hidden: OversightFigures) -> None:
    # personal care 3 (small); violence to others 14 = 17 − 3: hidden as well
    rows = {r.label: r.incidents for r in hidden.by_reason.rows}
    assert rows["14 Facilitate personal care"] is not None
    assert rows["14 Facilitate personal care"].hidden is S
    assert rows["10 Prevent violence to others"] is not None
    assert rows["10 Prevent violence to others"].hidden is X


def test_prone_restraint(shown: OversightFigures, hidden: OversightFigures) -> None:
    # 2, 4, 6, 8, 10 are up to 10 minutes (exactly 10 is not over); 11, 12, 20 are over.
    # median of 8: (8 + 10) / 2 = 9 minutes; longest 20.
    prone = shown.isolation.prone
    assert (prone.uses.value, prone.people.value) == (8, 1)
    assert (prone.up_to_threshold.value, prone.over_threshold.value) == (5, 3)
    assert prone.durations.median is not None
    assert prone.durations.median.total_seconds() == 9 * 60
    assert prone.durations.longest is not None
    assert prone.durations.longest.total_seconds() == 20 * 60
    # suppressed: 3 over is small, so the 5 up to 10 minutes (8 − 3) goes too; the median of
    # 8 durations is still shown.
    prone = hidden.isolation.prone
    assert (prone.up_to_threshold.hidden, prone.over_threshold.hidden) == (X, S)
    assert prone.people.hidden is S
    assert prone.durations.median is not None


def test_the_report_counts_what_it_hid(hidden: OversightFigures, shown: OversightFigures) -> None:
    assert shown.hidden_figures() == 0
    assert hidden.hidden_figures() > 0
