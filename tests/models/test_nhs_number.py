"""NHS number check digit and display (domain.md §5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.nhs_number import (
    check_digit,
    format_nhs_number,
    is_test_number,
    is_valid_nhs_number,
    nhs_number_problem,
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("9434765919", None),
        ("943 476 5919", None),
        ("943-476-5919", None),
        ("9990000018", None),  # test range: valid by check digit
        ("9434765918", "is not a valid NHS number (the check digit does not match)"),
        ("9434765910", "is not a valid NHS number (the check digit does not match)"),
        ("8434765919", "is not a valid NHS number (the check digit does not match)"),
        ("943476591", "must be 10 digits"),
        ("94347659199", "must be 10 digits"),
        ("", "must be 10 digits"),
        ("943476591A", "must contain digits only"),
        ("943.476.5919", "must contain digits only"),
        ("９４３４７６５９１９", "must contain digits only"),  # full-width digits are not ASCII
    ],
)
def test_problem_names_the_rule(text: str, problem: str | None) -> None:
    assert nhs_number_problem(text) == problem


def test_check_value_ten_is_invalid() -> None:
    # 100000001…: 1*10 + 1*2 = 12; 12 % 11 = 1; 11 - 1 = 10 → invalid whatever the 10th digit.
    assert check_digit("100000001") is None
    for last in "0123456789":
        assert nhs_number_problem("100000001" + last) == (
            "is not a valid NHS number (its check value is 10)"
        )


def test_check_value_eleven_becomes_zero() -> None:
    # 000000000 sums to 0 → 11 - 0 = 11 → 0.
    assert check_digit("000000000") == 0
    assert is_valid_nhs_number("0000000000")


def test_display_is_three_three_four() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_nhs_number(" 943 476 5919 ") == "943 476 5919"


def test_test_range() -> None:
    assert is_test_number("999 000 0018")
    assert not is_test_number("943 476 5919")


def _valid_numbers() -> st.SearchStrategy[str]:
    nine = st.text(alphabet="0123456789", min_size=9, max_size=9)
    return nine.filter(lambda d: check_digit(d) is not None).map(lambda d: d + str(check_digit(d)))


@given(number=_valid_numbers(), position=st.integers(0, 9), delta=st.integers(1, 9))
def test_changing_any_one_digit_makes_a_valid_number_invalid(
    number: str, position: int, delta: int
) -> None:
    assert is_valid_nhs_number(number)
    changed = str((int(number[position]) + delta) % 10)
    mutated = number[:position] + changed + number[position + 1 :]
    assert not is_valid_nhs_number(mutated)
