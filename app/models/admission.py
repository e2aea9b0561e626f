"""Hospital spells and occupied bed days, the denominator of "interventions per 1,000 occupied
bed days" (domain.md §4.4).

Counting convention (stated once, used everywhere): a bed is **occupied on day D** when the
patient is in it at the **midnight that ends D** on the Europe/London wall clock (00:00 local
time on D + 1) — the "occupied overnight at midnight" convention of the NHS KH03 bed return
*(verify)*. A spell covers the half-open interval ``[admitted_at, discharged_at)``: a patient
admitted at exactly midnight is counted for that midnight, one discharged at exactly midnight is
not. Consequences: a day case (in and out between two midnights) counts 0; a 23- or 25-hour
day on a clock change counts as one day like any other, because midnights, not hours, are
counted (the clocks change at 01:00/02:00, never at midnight).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import ClassVar, Self
from uuid import UUID

from pydantic import model_validator

from app.models.base import PastInstant, Record, RecordSummary, ShortText
from app.models.clock import as_utc, local_date, local_midnight, utc_now

_ONE_DAY = timedelta(days=1)


class HospitalSpell(Record):
    """A patient's stay on one ward, from admission (or transfer in) to discharge (or transfer
    out). MHSDS v5 hangs restrictive interventions off the hospital spell (domain.md §4);
    :func:`spell_at` finds the spell an incident belongs to. ``discharged_at`` ``None``: still
    on the ward. ``transferred_to`` says where the patient went when the stay ended by a
    transfer out (another ward or hospital); ``None`` with ``discharged_at`` set: discharged.
    Ending a stay, and admitting, follow the rules of :mod:`app.models.stays`.
    """

    KIND: ClassVar[str] = "hospital_spell"

    patient_id: UUID
    ward_id: UUID
    admitted_at: PastInstant
    discharged_at: PastInstant | None = None
    transferred_to: ShortText | None = None

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Self:
        if self.discharged_at is not None and self.discharged_at < self.admitted_at:
            raise ValueError("discharged_at: must not be before admitted_at")
        if self.transferred_to is not None and self.discharged_at is None:
            raise ValueError("discharged_at: is required when the patient was transferred out")
        return self

    @property
    def transferred_out(self) -> bool:
        """The stay ended by a transfer to another ward or hospital (not a discharge)."""
        return self.transferred_to is not None

    @property
    def is_open(self) -> bool:
        """The patient has not been discharged from this spell."""
        return self.discharged_at is None

    def covers(self, at: datetime) -> bool:
        """True when ``at`` lies in ``[admitted_at, discharged_at)``."""
        at = as_utc(at)
        return self.admitted_at <= at and (self.discharged_at is None or at < self.discharged_at)

    def summary(self) -> RecordSummary:
        """Ward, patient, ``admitted``/``discharged``, and the period covered."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            status="admitted" if self.is_open else "discharged",
            starts_at=self.admitted_at,
            ends_at=self.discharged_at,
        )


def spell_at(
    spells: Iterable[HospitalSpell], patient_id: UUID, at: datetime
) -> HospitalSpell | None:
    """The patient's spell covering ``at`` (the latest-admitted one if, by mistake, several
    do), or ``None``. Used to give an incident its MHSDS hospital spell.
    """
    covering = [s for s in spells if s.patient_id == patient_id and s.covers(at)]
    return max(covering, key=lambda s: s.admitted_at, default=None)


def occupied_bed_days(
    spells: Iterable[HospitalSpell],
    period_start: date,
    period_end: date,
    *,
    ward_id: UUID | None = None,
    as_of: datetime | None = None,
) -> int:
    """Occupied bed days for the days ``period_start`` … ``period_end`` inclusive, by the
    midnight convention in the module docstring (domain.md §4.4).

    ``ward_id`` restricts the count to spells on that ward. Open spells count up to ``as_of``
    (default: now), so a period reaching into the future counts only midnights that have
    passed. A patient counts at most once per midnight even if spells overlap by mistake.
    Raises ``ValueError`` when the period ends before it starts.
    """
    if period_end < period_start:
        raise ValueError("period_end: must not be before period_start")
    cutoff = as_utc(as_of) if as_of is not None else utc_now()
    nights: set[tuple[UUID, date]] = set()
    for spell in spells:
        if ward_id is not None and spell.ward_id != ward_id:
            continue
        end = cutoff if spell.discharged_at is None else min(spell.discharged_at, cutoff)
        first = max(period_start, local_date(spell.admitted_at) - _ONE_DAY)
        last = min(period_end, local_date(end))
        day = first
        while day <= last:
            midnight = local_midnight(day + _ONE_DAY)
            if spell.admitted_at <= midnight < end:
                nights.add((spell.patient_id, day))
            day += _ONE_DAY
    return len(nights)


def rate_per_thousand_bed_days(count: int, bed_days: int) -> float | None:
    """``count`` per 1,000 occupied bed days (domain.md §4.4); ``None`` when there were no
    occupied bed days (a rate would be meaningless, not zero).
    """
    if count < 0 or bed_days < 0:
        raise ValueError("count: must not be negative")
    return None if bed_days == 0 else count * 1000 / bed_days
