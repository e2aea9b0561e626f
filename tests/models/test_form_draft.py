"""Unfinished forms kept as drafts: what they hold, how they close, what they refuse."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.models.errors import InvalidRecord
from app.models.form_draft import MAX_FIELDS, DraftStatus, FormDraft, newest_open_draft
from tests.models.builders import T0
from tests.models.isolation_asserts import assert_round_trips
from tests.models.isolation_builders import PATIENT_ID, WARD_ID


def _draft(**overrides: Any) -> FormDraft:
    data: dict[str, Any] = {
        "ward_id": WARD_ID,
        "patient_id": PATIENT_ID,
        "form": "seclusion_review",
        "values": {"kind": "nursing", "notes": "Settling"},
        "saved_at": T0,
    }
    return FormDraft.build(**(data | overrides))


def test_a_draft_is_open_until_closed_and_closing_keeps_what_was_typed() -> None:
    draft = _draft()
    assert draft.is_open
    assert draft.summary().status == "open"
    closed = draft.closed(T0 + timedelta(minutes=3))
    assert closed.status is DraftStatus.CLOSED
    assert closed.id == draft.id
    assert closed.values == draft.values
    assert closed.summary().status == "closed"
    assert closed.summary().starts_at == T0 + timedelta(minutes=3)
    assert_round_trips(closed)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"form": "Seclusion Review"}, "form"),
        ({"values": {"Bad Name": "x"}}, "values"),
        ({"values": {f"f{n}": "x" for n in range(MAX_FIELDS + 1)}}, "values"),
        ({"saved_at": T0.replace(year=T0.year + 50)}, "saved_at"),
    ],
)
def test_bad_drafts_are_refused_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRecord) as refused:
        _draft(**overrides)
    assert any(p.field.startswith(field) for p in refused.value.problems)


def test_the_newest_open_draft_of_a_form() -> None:
    old = _draft(saved_at=T0)
    new = _draft(saved_at=T0 + timedelta(minutes=5))
    newer_closed = _draft(saved_at=T0 + timedelta(minutes=9)).closed(T0 + timedelta(minutes=9))
    other_form = _draft(form="seclusion_observation", saved_at=T0 + timedelta(minutes=7))
    assert newest_open_draft([old, new, newer_closed, other_form], "seclusion_review") == new
    assert newest_open_draft([newer_closed], "seclusion_review") is None
