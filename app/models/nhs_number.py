"""NHS number: modulus-11 check digit and 3-3-4 display (domain.md §5).

Source: domain.md §5 — 10 digits; multiply digits 1–9 by 10, 9, …, 2, sum, remainder mod 11,
check = 11 − remainder; 11 → 0; a check value of 10 means the number is invalid. Display as
3-3-4 with single spaces, never truncated. Numbers starting 999 are reserved for test data.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

TEST_PREFIX = "999"


def check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or ``None`` when the check value is 10
    (no valid NHS number starts with those nine digits).
    """
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("must be nine digits")
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise(text: str) -> str:
    """Digits only: spaces and hyphens typed or pasted between groups are dropped."""
    return "".join(ch for ch in text if ch not in " -\u00a0")


def nhs_number_problem(text: str) -> str | None:
    """Why ``text`` is not a valid NHS number (plain wording), or ``None`` if it is valid."""
    digits = normalise(text)
    if not all(ch in "0123456789" for ch in digits):
        return "must contain digits only"
    if len(digits) != 10:
        return "must be 10 digits"
    expected = check_digit(digits[:9])
    if expected is None:
        return "is not a valid NHS number (its check value is 10)"
    if int(digits[9]) != expected:
        return "is not a valid NHS number (the check digit does not match)"
    return None


def is_valid_nhs_number(text: str) -> bool:
    """True when ``text`` (spaces allowed) is a valid NHS number."""
    return nhs_number_problem(text) is None


def format_nhs_number(text: str) -> str:
    """3-3-4 display with single spaces: ``9434765919`` → ``943 476 5919``."""
    digits = normalise(text)
    if len(digits) != 10:
        raise ValueError("must be 10 digits")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def is_test_number(text: str) -> bool:
    """True for the 999 range reserved for test data (valid by check digit, never issued)."""
    return normalise(text).startswith(TEST_PREFIX)


def _validate(text: str) -> str:
    problem = nhs_number_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return normalise(text)


#: A validated NHS number, stored as its 10 digits.
NhsNumber = Annotated[str, AfterValidator(_validate)]
