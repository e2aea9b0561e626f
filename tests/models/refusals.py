"""One assertion for bad input: refused with :class:`InvalidRecord`, naming the field and the
rule, never repeating what was typed (patient data must not reach messages or logs).
"""

from __future__ import annotations

from typing import Any

import pytest

from app.models.base import DomainModel
from app.models.errors import InvalidRecord


def assert_refused(
    model: type[DomainModel],
    data: dict[str, Any],
    field: str,
    rule: str,
    typed: object = None,
) -> InvalidRecord:
    """``model.build(**data)`` fails on ``field`` (dotted path) with a rule containing
    ``rule``; the message names the field and rule and does not contain ``typed``.
    """
    with pytest.raises(InvalidRecord) as caught:
        model.build(**data)
    error = caught.value
    message = str(error)
    matching = [p for p in error.problems if p.field == field and rule in p.rule]
    assert matching, f"expected {field}: {rule!r}, got {error.problems}"
    assert rule in message
    assert matching[0].label in message
    if typed is not None:
        for form in {str(typed), repr(typed)}:
            assert form not in message
        if hasattr(typed, "isoformat"):
            assert typed.isoformat() not in message
    return error
