"""The MHSDS mapping rules (domain.md §4): the month an incident belongs to, stable ids, and
which records cannot be exported and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from app.models.codes import InterventionType
from app.models.incident_parts import PostIncidentReview
from app.models.mhsds import MHSDS_ID_LENGTH, ReportingMonth, mhsds_id
from app.models.mhsds_export import StoredIncident, export_blockers, export_month
from tests.models.builders import (
    OTHER_PATIENT_ID,
    T0,
    force_use,
    submitted_incident,
)
from tests.models.mhsds_builders import (
    AFTERNOON_ID,
    DRAFT_ID,
    MAY_2024,
    PAST_MIDNIGHT_ID,
    VOIDED_ID,
    afternoon,
    month_of_records,
    spell,
)

BASE32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


# ------------------------------------------------------------------------------------ ids


def test_an_id_is_derived_from_the_record_id_alone() -> None:
    record_id = uuid4()
    assert mhsds_id(record_id) == mhsds_id(UUID(str(record_id)))
    assert len(mhsds_id(record_id)) == MHSDS_ID_LENGTH
    assert set(mhsds_id(record_id)) <= BASE32


def test_ids_of_records_differing_in_one_character_differ() -> None:
    ids = {mhsds_id(UUID(f"00000000-0000-4000-8000-00000000000{n}")) for n in range(10)}
    assert len(ids) == 10


def test_known_id() -> None:
    assert mhsds_id(UUID(int=0)) == "G5DQR77XOGO5LF46ZB25"


# ---------------------------------------------------------------------------------- month


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "2026/11", "2026-1", "x", ""])
def test_a_month_that_is_not_yyyy_mm_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"month|YYYY-MM"):
        ReportingMonth.parse(text)


def test_a_month_runs_from_local_midnight_to_local_midnight() -> None:
    may = ReportingMonth.parse("2024-05")
    # 00:00 BST on 1 May is 23:00 UTC on 30 April; 00:00 BST on 1 June, 23:00 UTC on 31 May.
    assert may.starts_at == datetime(2024, 4, 30, 23, 0, tzinfo=UTC)
    assert may.ends_at == datetime(2024, 5, 31, 23, 0, tzinfo=UTC)
    december = ReportingMonth.parse("2025-12")
    assert december.ends_at == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert str(december) == "2025-12"


def test_only_incidents_that_started_in_the_month_are_taken() -> None:
    export = export_month(MAY_2024, month_of_records(), [spell()])
    exported = {row.incident_id for row in export.mhs505}
    assert exported == {mhsds_id(PAST_MIDNIGHT_ID), mhsds_id(AFTERNOON_ID)}
    listed = {item.record_id for item in export.not_exported}
    assert listed == {DRAFT_ID, VOIDED_ID}


# ------------------------------------------------------------------------ not exportable


def test_a_draft_is_reported_with_every_reason_and_not_exported() -> None:
    export = export_month(MAY_2024, month_of_records(), [spell()])
    draft = next(item for item in export.not_exported if item.record_id == DRAFT_ID)
    assert draft.reasons == (
        "a draft, not yet submitted",
        "no reason code",
        "no end time",
        "no type of force recorded",
        "post-incident review with the patient not answered",
        "post-incident review with staff not answered",
    )
    assert mhsds_id(DRAFT_ID) not in {row.incident_id for row in export.mhs505}


def test_a_voided_record_is_reported_not_exported() -> None:
    export = export_month(MAY_2024, month_of_records(), [spell()])
    voided = next(item for item in export.not_exported if item.record_id == VOIDED_ID)
    assert voided.reasons[0].startswith("voided")
    assert mhsds_id(VOIDED_ID) not in {row.incident_id for row in export.mhs515}
    assert voided.line().startswith(f"{VOIDED_ID}: voided")


def test_a_submitted_record_waits_for_sign_off() -> None:
    assert export_blockers(StoredIncident(submitted_incident()), spell()) == (
        "not signed off yet (it can go in a later month's submission)",
    )


def test_a_conflicted_record_waits_for_the_conflict_to_be_resolved() -> None:
    reasons = export_blockers(StoredIncident(afternoon(), conflicted=True), spell())
    assert reasons == ("has conflicting versions: resolve them first",)


def test_an_incident_outside_any_hospital_spell_is_reported() -> None:
    elsewhere = afternoon(patient_id=OTHER_PATIENT_ID)
    export = export_month(MAY_2024, [StoredIncident(elsewhere)], [spell()])
    assert not export.mhs505
    assert not export.mhs515
    assert export.not_exported[0].reasons == (
        "no hospital spell on the ward covers the start of the incident",
    )


def test_a_spell_on_another_ward_does_not_count() -> None:
    export = export_month(
        MAY_2024, [StoredIncident(afternoon())], [spell().model_copy(update={"ward_id": uuid4()})]
    )
    assert not export.mhs505
    assert len(export.not_exported) == 1


def test_missing_values_of_a_type_of_force_are_named() -> None:
    open_ended = force_use(InterventionType.PHYSICAL_SUPINE, 0, None, staff_injured=None)
    incident = afternoon(force_uses=(open_ended,))
    assert export_blockers(StoredIncident(incident), spell()) == (
        "type of force 1: no end time",
        "type of force 1: injury to staff not answered",
    )


def test_unanswered_post_incident_reviews_block_export() -> None:
    incident = afternoon().model_copy(update={"post_incident_review": PostIncidentReview()})
    assert export_blockers(StoredIncident(incident), spell()) == (
        "post-incident review with the patient not answered",
        "post-incident review with staff not answered",
    )


def test_a_record_left_out_gives_none_of_its_rows() -> None:
    half = afternoon(
        force_uses=(
            force_use(InterventionType.PHYSICAL_STANDING, 0, 4),
            force_use(InterventionType.PHYSICAL_SUPINE, 4, 9, patient_injured=None),
        )
    )
    export = export_month(MAY_2024, [StoredIncident(half)], [spell()])
    assert export.mhs505 == ()
    assert export.mhs515 == ()


def test_the_same_records_give_the_same_rows_in_any_order() -> None:
    records = month_of_records()
    forwards = export_month(MAY_2024, records, [spell()])
    backwards = export_month(MAY_2024, list(reversed(records)), [spell()])
    assert forwards == backwards


def test_an_incident_exactly_at_the_months_end_belongs_to_the_next_month() -> None:
    start = MAY_2024.ends_at
    assert not MAY_2024.contains(start)
    assert MAY_2024.contains(start - timedelta(microseconds=1))
    assert MAY_2024.starts_at < T0
