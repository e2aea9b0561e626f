"""Hospital spells and occupied bed days (domain.md §4.4), including both UK clock changes."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.admission import (
    HospitalSpell,
    occupied_bed_days,
    rate_per_thousand_bed_days,
    spell_at,
)
from app.models.base import record_class
from app.models.clock import utc_now
from tests.models import builders as b
from tests.models.refusals import assert_refused

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def local(*args: int) -> datetime:
    """A Europe/London wall-clock time (first occurrence if ambiguous)."""
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def spell(admitted: datetime, discharged: datetime | None, **overrides: Any) -> HospitalSpell:
    return b.hospital_spell(admitted_at=admitted, discharged_at=discharged, **overrides)


def test_spell_summary_and_kind() -> None:
    open_spell = b.hospital_spell()
    assert open_spell.is_open
    assert open_spell.summary().status == "admitted"
    assert open_spell.summary().starts_at == open_spell.admitted_at
    closed = spell(local(2024, 4, 2, 11), local(2024, 4, 20, 15))
    assert closed.summary().status == "discharged"
    assert closed.summary().ends_at == closed.discharged_at
    assert record_class("hospital_spell") is HospitalSpell


def test_discharge_before_admission_refused() -> None:
    data = b.hospital_spell().model_dump() | {"discharged_at": datetime(2024, 4, 1, tzinfo=UTC)}
    assert_refused(
        HospitalSpell, data, field="discharged_at", rule="must not be before admitted_at"
    )


def test_future_admission_refused() -> None:
    future = utc_now() + timedelta(days=3)
    data = b.hospital_spell().model_dump() | {"admitted_at": future}
    assert_refused(
        HospitalSpell, data, field="admitted_at", rule="must not be in the future", typed=future
    )


def test_naive_time_refused() -> None:
    data = b.hospital_spell().model_dump() | {"admitted_at": datetime(2024, 4, 2, 11)}  # noqa: DTZ001
    assert_refused(HospitalSpell, data, field="admitted_at", rule="must include a time zone")


def test_spell_at_finds_the_covering_spell() -> None:
    first = spell(local(2024, 1, 1, 12), local(2024, 2, 1, 12))
    second = spell(local(2024, 2, 1, 12), None)
    other = spell(local(2024, 1, 1, 12), None, patient_id=b.OTHER_PATIENT_ID)
    spells = [first, second, other]
    assert spell_at(spells, b.PATIENT_ID, local(2024, 1, 15)) == first
    assert spell_at(spells, b.PATIENT_ID, local(2024, 2, 1, 12)) == second  # half-open
    assert spell_at(spells, b.PATIENT_ID, local(2023, 12, 1)) is None


# ------------------------------------------------------------------------- occupied bed days


def test_a_day_case_counts_nothing() -> None:
    assert (
        occupied_bed_days(
            [spell(local(2024, 6, 3, 9), local(2024, 6, 3, 17))],
            date(2024, 6, 1),
            date(2024, 6, 30),
            as_of=NOW,
        )
        == 0
    )


def test_one_night() -> None:
    one = spell(local(2024, 6, 3, 9), local(2024, 6, 4, 9))
    assert occupied_bed_days([one], date(2024, 6, 3), date(2024, 6, 3), as_of=NOW) == 1
    assert occupied_bed_days([one], date(2024, 6, 4), date(2024, 6, 4), as_of=NOW) == 0


def test_midnight_boundaries_are_half_open() -> None:
    # In at exactly midnight: that midnight counts (for the day it ends). Out at exactly
    # midnight: it does not.
    stay = spell(local(2024, 6, 4, 0, 0), local(2024, 6, 6, 0, 0))
    assert occupied_bed_days([stay], date(2024, 6, 3), date(2024, 6, 3), as_of=NOW) == 1
    assert occupied_bed_days([stay], date(2024, 6, 4), date(2024, 6, 4), as_of=NOW) == 1
    assert occupied_bed_days([stay], date(2024, 6, 5), date(2024, 6, 5), as_of=NOW) == 0


def test_wall_clock_midnight_not_utc_midnight() -> None:
    # In summer, 23:30 to 00:30 local crosses the ward's midnight but not UTC's.
    stay = spell(local(2024, 7, 1, 23, 30), local(2024, 7, 2, 0, 30))
    assert occupied_bed_days([stay], date(2024, 7, 1), date(2024, 7, 31), as_of=NOW) == 1
    # 00:30 to 23:30 local on one day crosses UTC's midnight (23:00 UTC) but not the ward's.
    day = spell(local(2024, 7, 3, 0, 30), local(2024, 7, 3, 23, 30))
    assert occupied_bed_days([day], date(2024, 7, 1), date(2024, 7, 31), as_of=NOW) == 0


def test_spring_clock_change_short_day_counts_as_one() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 31 March 2024: 47 hours, two midnights.
    stay = spell(local(2024, 3, 30, 12), local(2024, 4, 1, 12))
    assert stay.discharged_at is not None
    assert stay.discharged_at - stay.admitted_at == timedelta(hours=47)
    assert occupied_bed_days([stay], date(2024, 3, 1), date(2024, 4, 30), as_of=NOW) == 2
    assert occupied_bed_days([stay], date(2024, 3, 31), date(2024, 3, 31), as_of=NOW) == 1


def test_autumn_clock_change_long_day_counts_as_one() -> None:
    # Clocks go back at 02:00 BST on Sunday 27 October 2024: 49 hours, two midnights.
    stay = spell(local(2024, 10, 26, 12), local(2024, 10, 28, 12))
    assert stay.discharged_at is not None
    assert stay.discharged_at - stay.admitted_at == timedelta(hours=49)
    assert occupied_bed_days([stay], date(2024, 10, 1), date(2024, 10, 31), as_of=NOW) == 2
    assert occupied_bed_days([stay], date(2024, 10, 27), date(2024, 10, 27), as_of=NOW) == 1


@pytest.mark.parametrize(("month", "days"), [(3, 31), (10, 31), (2, 29)])
def test_a_whole_month_in_hospital_counts_every_day(month: int, days: int) -> None:
    stay = spell(local(2024, 1, 10, 12), local(2024, 12, 10, 12))
    first = date(2024, month, 1)
    last = date(2024, month, days)
    assert occupied_bed_days([stay], first, last, as_of=NOW) == days


def test_open_spell_counts_up_to_as_of() -> None:
    stay = spell(local(2024, 6, 1, 12), None)
    as_of = local(2024, 6, 11, 8)
    assert occupied_bed_days([stay], date(2024, 6, 1), date(2024, 6, 30), as_of=as_of) == 10


def test_ward_filter_and_one_bed_per_patient_per_night() -> None:
    other_ward = uuid4()
    here = spell(local(2024, 6, 1, 12), local(2024, 6, 5, 12))
    overlap = spell(local(2024, 6, 3, 12), local(2024, 6, 6, 12))  # same patient, by mistake
    elsewhere = spell(
        local(2024, 6, 1, 12),
        local(2024, 6, 5, 12),
        ward_id=other_ward,
        patient_id=b.OTHER_PATIENT_ID,
    )
    spells = [here, overlap, elsewhere]
    june = (date(2024, 6, 1), date(2024, 6, 30))
    assert occupied_bed_days(spells, *june, as_of=NOW) == 5 + 4
    assert occupied_bed_days(spells, *june, ward_id=b.WARD_ID, as_of=NOW) == 5
    assert occupied_bed_days(spells, *june, ward_id=other_ward, as_of=NOW) == 4


def test_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="period_end"):
        occupied_bed_days([], date(2024, 6, 2), date(2024, 6, 1))


def test_rate_per_thousand_bed_days() -> None:
    assert rate_per_thousand_bed_days(3, 600) == 5.0
    assert rate_per_thousand_bed_days(3, 0) is None
    with pytest.raises(ValueError, match="must not be negative"):
        rate_per_thousand_bed_days(-1, 10)


_days = st.dates(date(2023, 1, 1), date(2024, 3, 31))


@given(admitted=_days, nights=st.integers(0, 400), split=st.integers(0, 500))
def test_noon_to_noon_stays_count_their_nights_and_periods_add_up(
    admitted: date, nights: int, split: int
) -> None:
    start = datetime.combine(admitted, datetime.min.time().replace(hour=12), tzinfo=LONDON)
    discharged = admitted + timedelta(days=nights)
    end = datetime.combine(discharged, datetime.min.time().replace(hour=12), tzinfo=LONDON)
    stay = spell(start, end)
    whole = (date(2022, 12, 1), date(2026, 1, 31))
    assert occupied_bed_days([stay], *whole, as_of=NOW) == nights
    middle = whole[0] + timedelta(days=split + 390)
    before = occupied_bed_days([stay], whole[0], middle, as_of=NOW)
    after = occupied_bed_days([stay], middle + timedelta(days=1), whole[1], as_of=NOW)
    assert before + after == nights
