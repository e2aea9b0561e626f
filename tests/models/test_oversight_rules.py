"""The oversight rules against answers worked out by hand (the arithmetic is in the comments):
rate, rate ratio and its interval, median, the period, bed days by age band, suppression."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.models.characteristics import AgeBand
from app.models.oversight_rules import (
    Cell,
    Hidden,
    Period,
    bed_days_by_age_band,
    last_full_months,
    median,
    rate_per_thousand,
    rate_ratio,
    suppress_alone,
    suppress_line,
)
from tests.models.builders import hospital_spell

S = Hidden.SMALL
X = Hidden.SECONDARY


@pytest.mark.parametrize(
    ("count", "bed_days", "expected"),
    [
        (17, 72, 236.111),  # 17 × 1000 / 72 = 236.111…
        (25, 72, 347.222),  # 25 000 / 72 = 347.222…
        (0, 72, 0.0),
        (3, 0, None),  # no bed days: no rate, not zero
    ],
)
def test_rate_per_thousand(count: int, bed_days: int, expected: float | None) -> None:
    assert rate_per_thousand(count, bed_days) == pytest.approx(expected, abs=0.001)


@pytest.mark.parametrize(
    "case",
    [
        # RR = (10/1000)/(20/4000) = 0.01/0.005 = 2
        # SE = √(1/10 + 1/20) = √0.15 = 0.387298; 1.96 × SE = 0.759105
        # 2 × e^−0.759105 = 2 × 0.468086 = 0.9362; 2 × e^0.759105 = 2 × 2.136361 = 4.2727
        (10, 1000, 20, 4000, 2.0, 0.9362, 4.2727),
        # RR = (5/500)/(5/500) = 1; SE = √0.4 = 0.632456; 1.96 × SE = 1.239613
        # e^−1.239613 = 0.2895; e^1.239613 = 3.4543
        (5, 500, 5, 500, 1.0, 0.2895, 3.4543),
        # RR = (14/51)/(3/21) = 0.274510/0.142857 = 1.9216
        # SE = √(1/14 + 1/3) = √0.404762 = 0.636209; 1.96 × SE = 1.246970
        # 1.921569 × e^−1.246970 = 1.921569 × 0.287374 = 0.5522
        # 1.921569 × e^1.246970 = 1.921569 × 3.479783 = 6.6866
        (14, 51, 3, 21, 1.9216, 0.5522, 6.6866),
    ],
)
def test_rate_ratio_by_the_log_method(case: tuple[int, int, int, int, float, float, float]) -> None:
    a, pa, b, pb, ratio, lower, upper = case
    found = rate_ratio(a, pa, b, pb)
    assert found is not None
    assert found.ratio == pytest.approx(ratio, abs=1e-4)
    assert found.lower == pytest.approx(lower, abs=1e-4)
    assert found.upper == pytest.approx(upper, abs=1e-4)


@pytest.mark.parametrize(
    ("a", "pa", "b", "pb"),
    [(0, 100, 5, 100), (5, 100, 0, 100), (0, 100, 0, 100), (5, 0, 5, 100), (5, 100, 5, 0)],
)
def test_rate_ratio_is_not_calculable_with_a_zero(a: int, pa: int, b: int, pb: int) -> None:
    assert rate_ratio(a, pa, b, pb) is None


def test_rate_ratio_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="count"):
        rate_ratio(-1, 10, 1, 10)


def test_significance_is_an_interval_that_leaves_out_one() -> None:
    wide = rate_ratio(14, 51, 3, 21)
    narrow = rate_ratio(100, 1000, 100, 4000)  # RR 4, CI about 3.05 to 5.25
    assert wide is not None
    assert not wide.significant
    assert narrow is not None
    assert narrow.significant


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([3, 1, 2], 2),  # odd: the middle one
        ([4, 1, 3, 2], 2.5),  # even: (2 + 3) / 2
        ([timedelta(minutes=10), timedelta(minutes=30)], timedelta(minutes=20)),
        ([timedelta(hours=h) for h in (2, 3, 4, 6, 10)], timedelta(hours=4)),
        ([], None),
    ],
)
def test_median(values: list[int] | list[timedelta], expected: object) -> None:
    assert median(values) == expected


def test_default_period_is_the_last_twelve_full_months() -> None:
    # printed 15 March 2026: March is not over, so March 2025 … February 2026
    assert last_full_months(date(2026, 3, 15)) == Period(date(2025, 3, 1), date(2026, 2, 28))
    assert last_full_months(date(2026, 1, 1)) == Period(date(2025, 1, 1), date(2025, 12, 31))


def test_period_months_are_cut_to_the_period() -> None:
    months = Period(date(2025, 12, 10), date(2026, 2, 3)).months()
    assert months == [
        Period(date(2025, 12, 10), date(2025, 12, 31)),
        Period(date(2026, 1, 1), date(2026, 1, 31)),
        Period(date(2026, 2, 1), date(2026, 2, 3)),
    ]


def test_period_refuses_an_end_before_its_start() -> None:
    with pytest.raises(ValueError, match="to"):
        Period(date(2026, 2, 1), date(2026, 1, 31))


def test_bed_days_are_split_by_age_band_at_the_birthday() -> None:
    # In from 1 May 2018 13:00 BST to 20 May 2018 13:00 BST: the midnights ending 1 … 19 May
    # count (19 days). 18th birthday on 10 May: 1–9 May under 18 (9 days), 10–19 May 18 to 24
    # (10 days).
    spell = hospital_spell(
        admitted_at=datetime(2018, 5, 1, 12, 0, tzinfo=UTC),
        discharged_at=datetime(2018, 5, 20, 12, 0, tzinfo=UTC),
    )
    found = bed_days_by_age_band(
        [spell],
        date(2000, 5, 10),
        Period(date(2018, 5, 1), date(2018, 5, 31)),
        as_of=datetime(2019, 1, 1, tzinfo=UTC),
    )
    assert found == {AgeBand.UNDER_18: 9, AgeBand.FROM_18_TO_24: 10}


def test_bed_days_without_a_date_of_birth_are_age_not_known() -> None:
    spell = hospital_spell(
        admitted_at=datetime(2018, 5, 1, 12, 0, tzinfo=UTC),
        discharged_at=datetime(2018, 5, 20, 12, 0, tzinfo=UTC),
    )
    period = Period(date(2018, 5, 1), date(2018, 5, 31))
    found = bed_days_by_age_band([spell], None, period, as_of=datetime(2019, 1, 1, tzinfo=UTC))
    assert found == {AgeBand.NOT_KNOWN: 19}


@pytest.mark.parametrize(
    ("values", "total", "hidden", "total_hidden"),
    [
        ([6, 7], 13, [None, None], None),  # nothing small
        ([0, 0], 0, [None, None], None),  # zero is shown
        ([10, 3, 7], 20, [None, S, X], None),  # 20 − 10 − 7 would give the 3: hide the 7
        ([4, 0, 9], 13, [S, None, X], None),  # zero is no cover; the 9 goes
        ([10, 3, 2, 8], 23, [None, S, S, None], None),  # 3 + 2 = 5 hidden together: enough
        ([10, 1, 2, 8], 21, [None, S, S, X], None),  # 1 + 2 = 3 < 5: hide the 8 as well
        ([7, 5, 3], 15, [None, X, S], None),  # the smallest shown (5) goes, not the 7
        ([3, 0], 3, [S, None], S),  # the total is small itself
        ([1, 2], 3, [S, S], S),
    ],
)
def test_suppression_of_a_line(
    values: list[int], total: int, hidden: list[Hidden | None], total_hidden: Hidden | None
) -> None:
    cells, total_cell = suppress_line(values, total)
    assert [c.hidden for c in cells] == hidden
    assert total_cell.hidden == total_hidden
    # whatever is shown, total minus the shown cells never gives back a count under 5
    if total_cell.shown is not None:
        rest = total - sum(c.shown or 0 for c in cells)
        assert rest == 0 or rest >= 5


def test_nothing_is_hidden_on_a_copy_for_the_ward() -> None:
    cells, total = suppress_line([10, 3, 7], 20, suppress=False)
    assert cells == [Cell(10), Cell(3), Cell(7)]
    assert total == Cell(20)
    assert suppress_alone(2, suppress=False).shown == 2


def test_a_count_alone_is_hidden_from_one_to_four() -> None:
    assert [suppress_alone(n).shown for n in range(7)] == [0, None, None, None, None, 5, 6]


def test_the_total_must_add_up() -> None:
    with pytest.raises(ValueError, match="total"):
        suppress_line([1, 2], 4)


def test_nested_lines_are_suppressed_together() -> None:
    # Categories [British 79, Irish 1, Other White 19 | Chinese 5, Other 15], broad groups
    # White 99 (shown) and Other 20 (hidden in its own table). Within White, the Irish 1
    # would be 99 − 79 − 19: the 19 goes too. Other's total is hidden, so its 5 and 15 go,
    # or they would add up to it.
    cells, total = suppress_line(
        [79, 1, 19, 5, 15], 119, sublines=[([0, 1, 2], False), ([3, 4], True)]
    )
    assert [c.hidden for c in cells] == [None, S, X, X, X]
    assert total.hidden is None
