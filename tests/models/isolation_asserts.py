"""Shared checks for the seclusion and segregation model tests."""

from __future__ import annotations

from typing import Any

import pytest

from app.models.base import STORED, DomainModel
from app.models.errors import InvalidRecord


def assert_refused(
    model: type[DomainModel],
    data: dict[str, Any],
    field: str,
    rule: str,
    typed: str | None = None,
) -> InvalidRecord:
    """``model.build(**data)`` raises ``InvalidRecord`` naming ``field`` with a rule that
    contains ``rule``; the message names the field and never contains ``typed``.
    """
    with pytest.raises(InvalidRecord) as caught:
        model.build(**data)
    error = caught.value
    matching = [p for p in error.problems if p.field == field and rule in p.rule]
    assert matching, f"expected {field}: {rule!r}, got {error.problems}"
    message = str(error)
    assert matching[0].label in message
    assert rule in message
    if typed is not None:
        assert typed not in message
    return error


def assert_round_trips(record: DomainModel) -> None:
    """JSON out and back in (as a stored revision is re-read) gives an equal record."""
    text = record.model_dump_json()
    again = type(record).model_validate_json(text, context=STORED)
    assert again == record
    assert again.model_dump_json() == text
