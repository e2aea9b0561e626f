"""Shared checks for the seclusion and segregation model tests."""

from __future__ import annotations

from app.models.base import STORED, DomainModel


def assert_round_trips(record: DomainModel) -> None:
    """JSON out and back in (as a stored revision is re-read) gives an equal record."""
    text = record.model_dump_json()
    again = type(record).model_validate_json(text, context=STORED)
    assert again == record
    assert again.model_dump_json() == text
