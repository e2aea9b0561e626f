"""The oversight figures on restrictions beyond force (issue 10 item 4) on the fixture ward
(tests/models/oversight_restriction_fixture.py), against answers worked out by hand, with and
without suppression; and the suppression of the by-kind counts checked on any input.

Events by patient (started in May 2024): P1 — phone 1, eyesight 6, threats 2, diet 1 = 10;
P2 — visits 1, intermittent 1, withholding 1 = 3; P3 none. 13 in all; bed days as the
incident figures: P1 31, P2 21, P3 20 = 72.
Rates: 10 × 1000 / 31 = 322.6 (Black); 3 × 1000 / 41 = 73.2 (White); 13 × 1000 / 72 = 180.6.
Rate ratio Black against the rest: (10 / 31) / (3 / 41) = 410 / 93 = 4.4086;
SE = √(1/10 + 1/3) = 0.6583; 95 % CI exp(ln 4.4086 ± 1.96 × 0.6583) = 1.2133 to 16.0192.
Male (P1, P3: 51 bed days, 10) against female (21, 3): (10/51) / (3/21) = 1.3725, 0.3777 to
4.9873.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models.codes import EthnicCategory
from app.models.oversight import OversightFigures, oversight_figures
from app.models.oversight_groups import DIMENSIONS
from app.models.oversight_restriction_groups import (
    RestrictionEvent,
    RestrictionGroupTable,
    group_table,
)
from app.models.oversight_restrictions import KindTable
from app.models.oversight_rules import SUPPRESS_BELOW, Cell, Hidden
from app.models.patient import Patient
from app.models.review_clocks import ClockState
from tests.models.builders import WARD_ID, characteristics, patient
from tests.models.oversight_fixture import AS_OF, PERIOD, fixture_records
from tests.models.oversight_restriction_fixture import fixture_with_restrictions

S, X = Hidden.SMALL, Hidden.SECONDARY
H = timedelta(hours=1)


@pytest.fixture(scope="module")
def shown() -> OversightFigures:
    return oversight_figures(fixture_with_restrictions(), PERIOD, as_of=AS_OF, suppress=False)


@pytest.fixture(scope="module")
def hidden() -> OversightFigures:
    return oversight_figures(fixture_with_restrictions(), PERIOD, as_of=AS_OF, ward_id=WARD_ID)


def _rows(table: KindTable) -> dict[str, tuple[int | None, ...]]:
    return {
        r.label: (
            r.count.shown,
            r.people.shown,
            None if r.in_force_at_end is None else r.in_force_at_end.shown,
        )
        for r in (*table.rows, table.total)
    }


def _group(figures: OversightFigures, title: str) -> RestrictionGroupTable:
    return next(t for t in figures.restriction_groups if t.title == title)


def test_blanket_restrictions_in_force_in_the_period_with_their_review_at_its_end(
    shown: OversightFigures, hidden: OversightFigures
) -> None:
    assert shown.restrictions is not None
    rows = {r.title: r for r in shown.restrictions.blanket}
    # ended in March, another ward's and one from June are not in the period
    assert list(rows) == ["Kitchen locked at night", "Set visiting times", "Garden 08:00–20:00"]
    assert rows["Garden 08:00–20:00"].review_at_end is ClockState.OVERDUE  # due by 10 May
    assert rows["Kitchen locked at night"].review_at_end is ClockState.DUE  # by 20 June
    assert rows["Set visiting times"].review_at_end is ClockState.STOPPED
    assert rows["Set visiting times"].ended_at == datetime(2024, 5, 10, 10, tzinfo=UTC)
    assert rows["Kitchen locked at night"].exemptions == Cell(1)  # P2's is from 2 June
    assert hidden.restrictions is not None
    assert [r.exemptions.hidden for r in hidden.restrictions.blanket] == [S, None, None]


def test_counts_by_kind_level_and_form(shown: OversightFigures) -> None:
    figures = shown.restrictions
    assert figures is not None
    # (started or happened in May, people, in force at the end of May)
    assert _rows(figures.individual) == {
        "Phone": (1, 1, 0),
        "Visits": (1, 1, 1),
        "Total": (2, 2, 1),  # P3's leave began in April; P1's property in June
    }
    assert _rows(figures.observation) == {
        "Intermittent (checked at set times, e.g. every 15 minutes)": (1, 1, 1),
        "Within eyesight (continuous)": (6, 1, 0),
        "Total": (7, 2, 1),  # P3's arm's length began in April: not started in May
    }
    assert _rows(figures.psychological) == {
        "Threat": (2, 1, None),
        "Withholding": (1, 1, None),
        "Total": (3, 2, None),
    }
    assert _rows(figures.cultural) == {"Diet": (1, 1, None), "Total": (1, 1, None)}


def test_durations_and_time_on_enhanced_observation(shown: OversightFigures) -> None:
    figures = shown.restrictions
    assert figures is not None
    eyesight = next(r for r in figures.observation.rows if r.label.startswith("Within eyesight"))
    total = figures.observation.total
    assert eyesight.durations is not None
    # 1, 2, 3, 4, 5 and 6 hours: median (3 + 4) / 2
    assert (
        eyesight.durations.known.value,
        eyesight.durations.median,
        eyesight.durations.longest,
    ) == (6, 3.5 * H, 6 * H)
    assert eyesight.time_in_period == 21 * H
    # P2 from 20 May 10:00 to the end of May (31 May 23:00 UTC): 11 days 13 h; P3's
    # episode from the start of May (30 April 23:00 UTC) to 2 May 12:00: 1 day 13 h.
    assert total.time_in_period == 21 * H + timedelta(days=11, hours=13) + timedelta(
        days=1, hours=13
    )
    phone = next(r for r in figures.individual.rows if r.label == "Phone")
    assert phone.durations is not None
    assert (phone.durations.known.value, phone.durations.median) == (1, timedelta(days=7))


def test_small_counts_are_hidden_and_so_is_what_would_give_them_back(
    hidden: OversightFigures,
) -> None:
    figures = hidden.restrictions
    assert figures is not None
    assert _rows(figures.observation) == {
        "Intermittent (checked at set times, e.g. every 15 minutes)": (None, None, None),
        "Within eyesight (continuous)": (None, None, 0),  # 6: 7 − 6 would give back 1
        "Total": (7, None, None),
    }
    eyesight, total = figures.observation.rows[1], figures.observation.total
    assert eyesight.count.hidden is X
    assert eyesight.durations is not None
    assert eyesight.durations.known.hidden is X  # 6 ended would give back the count
    assert eyesight.durations.median == 3.5 * H  # from 6 durations: shown
    assert total.durations is not None
    assert total.durations.known.hidden is X  # 7 started − 6 ended = the 1 still running
    intermittent = figures.observation.rows[0]
    assert (intermittent.time_in_period, intermittent.time_hidden) == (None, True)
    assert total.time_in_period is not None  # 8 episodes make it up
    for table in (figures.individual, figures.psychological, figures.cultural):
        assert all(shown is None for shown in _rows(table)["Total"] if shown != 0)


@pytest.mark.parametrize(
    ("title", "label", "bed_days", "events", "by_kind", "ratio"),
    [
        ("Ethnic group", "Black", 31, 10, (1, 6, 2, 1), (4.4086, 1.2133, 16.0192)),
        ("Ethnic group", "White", 41, 3, (1, 1, 1, 0), (0.2268, 0.0624, 0.8242)),
        ("Sex", "Male", 51, 10, (1, 6, 2, 1), (1.3725, 0.3777, 4.9873)),
        ("Sex", "Female", 21, 3, (1, 1, 1, 0), (0.7286, 0.2005, 2.6474)),
        ("Age band", "25 to 34", 31, 10, (1, 6, 2, 1), (4.4086, 1.2133, 16.0192)),
        ("Age band", "65 and over", 6, 0, (0, 0, 0, 0), None),  # no events: no ratio
        ("Learning disability or autism", "Learning disability or autism", 31, 10, (1, 6, 2, 1),
         (4.4086, 1.2133, 16.0192)),
    ],
)  # fmt: skip
def test_by_protected_characteristic_unsuppressed(  # noqa: PLR0917 - one table row
    shown: OversightFigures,
    title: str,
    label: str,
    bed_days: int,
    events: int,
    by_kind: tuple[int, ...],
    ratio: tuple[float, float, float] | None,
) -> None:
    table = _group(shown, title)
    row = next(r for r in table.rows if r.label == label)
    assert (row.bed_days, row.events.value) == (bed_days, events)
    assert tuple(c.value for c in row.by_kind) == by_kind
    assert row.rate == pytest.approx(events * 1000 / bed_days)
    if ratio is None:
        assert row.ratio is None
    else:
        assert row.ratio is not None
        assert (row.ratio.ratio, row.ratio.lower, row.ratio.upper) == pytest.approx(ratio, abs=1e-4)
    assert table.total.events.value == 13
    assert table.total.rate == pytest.approx(180.5556, abs=1e-4)
    assert tuple(c.value for c in table.total.by_kind) == (2, 7, 3, 1)


def test_by_protected_characteristic_suppressed(hidden: OversightFigures) -> None:
    table = _group(hidden, "Ethnic group")
    rows = {r.label: r for r in table.rows}
    # White's 3 is small; Black's 10 would be 13 − 3: hidden too; so are their ratios.
    assert (rows["White"].events.hidden, rows["Black"].events.hidden) == (S, X)
    assert rows["Black"].ratio is None
    assert rows["Black"].ratio_hidden
    assert rows["Black"].rate is None
    # Each row's kinds add up to its hidden events: every one above zero is hidden too.
    assert [c.shown for c in rows["Black"].by_kind] == [None, None, None, None]
    assert [c.shown for c in rows["White"].by_kind] == [None, None, None, 0]
    # The total row: 2, 3 and 1 are small (6 between them: enough), 7 is shown.
    assert [c.shown for c in table.total.by_kind] == [None, 7, None, None]
    assert table.total.events.shown == 13


def test_the_report_counts_the_restriction_figures_it_hid(hidden: OversightFigures) -> None:
    without = oversight_figures(fixture_records(), PERIOD, as_of=AS_OF, ward_id=WARD_ID)
    assert hidden.restrictions is not None
    mine = [*hidden.restrictions.cells()]
    for table in hidden.restriction_groups:
        mine += table.cells()
    assert hidden.hidden_figures() - without.hidden_figures() == sum(
        1 for c in mine if c.hidden is not None
    )
    assert sum(1 for c in mine if c.hidden is not None) > 30


# ----------------------------------------------- the by-kind counts, suppressed on any input

_DAY = datetime(2024, 5, 10, 12, tzinfo=UTC)
_ETHNIC_GROUP = DIMENSIONS[0]


def _lines(table: RestrictionGroupTable) -> list[tuple[list[Cell], Cell]]:
    """Every line of the by-kind counts with its total: each group's kinds (total: its
    events), each kind's groups (total: the kind's total), and the total row's kinds."""
    rows = list(table.rows)
    found = [(list(r.by_kind), r.events) for r in rows]
    found += [([r.by_kind[k] for r in rows], table.total.by_kind[k]) for k in range(4)]
    found.append((list(table.total.by_kind), table.total.events))
    return found


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "M", "N", "R"]),
            st.lists(st.integers(0, 4), min_size=4, max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_no_hidden_kind_count_can_be_worked_out_from_a_line(
    patients_events: list[tuple[str, list[int]]],
) -> None:
    ethnicity = {
        "A": EthnicCategory.WHITE_BRITISH,
        "M": EthnicCategory.BLACK_CARIBBEAN,
        "N": EthnicCategory.BLACK_AFRICAN,
        "R": EthnicCategory.CHINESE,
    }
    people: dict[UUID, Patient] = {}
    events = []
    for code, kinds in patients_events:
        pid = uuid4()
        people[pid] = patient(id=pid, characteristics=characteristics(ethnicity=ethnicity[code]))
        for kind, n in enumerate(kinds):
            events += [RestrictionEvent(pid, _DAY, kind)] * n
    table = group_table(
        _ETHNIC_GROUP,
        events,
        people,
        {},
        total_bed_days=0,
        suppress=True,
    )

    for cells, total in _lines(table):
        if total.hidden is not None:  # then nothing in the line above zero may show
            assert all(c.hidden is not None for c in cells if c.value > 0), (cells, total)
            continue
        concealed = [c.value for c in cells if c.hidden is not None and c.value > 0]
        # one hidden count is the total minus the rest; several under 5 together point at
        # one or two patients
        assert len(concealed) != 1, (cells, total)
        assert len(concealed) == 0 or sum(concealed) >= SUPPRESS_BELOW, (cells, total)
        assert all(c.hidden is not None for c in cells if 0 < c.value < SUPPRESS_BELOW)
