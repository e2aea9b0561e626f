"""A month of use-of-force records for the MHSDS export tests (May 2024, British Summer Time):
fixed record ids, so the expected rows can be written out by hand. Fictitious data only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from app.models.admission import HospitalSpell
from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import PostIncidentReview
from app.models.mhsds import ReportingMonth
from app.models.mhsds_export import StoredIncident
from tests.models.builders import (
    T0,
    empty_draft,
    force_use,
    hospital_spell,
    minutes,
    rapid_tranquillisation,
    signed_off_incident,
)

MAY_2024 = ReportingMonth(2024, 5)

SPELL_ID = UUID("00000000-0000-4000-8000-00000000e5e1")
#: 15:00-15:25 BST on 1 May: standing, prone, rapid tranquillisation.
AFTERNOON_ID = UUID("00000000-0000-4000-8000-00000000e001")
#: 00:30-01:10 BST on 1 May, which is still 30 April in UTC: seclusion, patient injured.
PAST_MIDNIGHT_ID = UUID("00000000-0000-4000-8000-00000000e002")
DRAFT_ID = UUID("00000000-0000-4000-8000-00000000e003")
JUNE_ID = UUID("00000000-0000-4000-8000-00000000e004")
VOIDED_ID = UUID("00000000-0000-4000-8000-00000000e005")

STANDING_ID = UUID("00000000-0000-4000-8000-0000000f0001")
PRONE_ID = UUID("00000000-0000-4000-8000-0000000f0002")
RT_ID = UUID("00000000-0000-4000-8000-0000000f0003")
SECLUSION_ID = UUID("00000000-0000-4000-8000-0000000f0004")

#: 23:30 UTC on 30 April 2024 = 00:30 BST on 1 May.
PAST_MIDNIGHT = datetime(2024, 4, 30, 23, 30, tzinfo=UTC)
#: 23:30 UTC on 31 May 2024 = 00:30 BST on 1 June.
JUNE_START = datetime(2024, 5, 31, 23, 30, tzinfo=UTC)


def spell() -> HospitalSpell:
    return hospital_spell(id=SPELL_ID)


def afternoon(**overrides: Any) -> UseOfForceIncident:
    uses = (
        force_use(InterventionType.PHYSICAL_STANDING, 0, 4, id=STANDING_ID),
        force_use(InterventionType.PHYSICAL_PRONE, 4, 7, id=PRONE_ID),
        force_use(
            InterventionType.CHEMICAL_INJECTION_RT,
            15,
            17,
            id=RT_ID,
            rapid_tranquillisation=rapid_tranquillisation(),
        ),
    )
    return signed_off_incident(**({"id": AFTERNOON_ID, "force_uses": uses} | overrides))


def past_midnight() -> UseOfForceIncident:
    seclusion = force_use(
        InterventionType.SECLUSION,
        0,
        0,
        id=SECLUSION_ID,
        started_at=PAST_MIDNIGHT,
        ended_at=PAST_MIDNIGHT + minutes(40),
        patient_injured=True,
    )
    return signed_off_incident(
        id=PAST_MIDNIGHT_ID,
        reason=InterventionReason.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM,
        started_at=PAST_MIDNIGHT,
        ended_at=PAST_MIDNIGHT + minutes(40),
        force_uses=(seclusion,),
        post_incident_review=PostIncidentReview(
            held_with_patient=False,
            not_held_with_patient_reason="Asleep; offered again the next morning.",
            held_with_staff=True,
        ),
    )


def in_june() -> UseOfForceIncident:
    use = force_use(
        InterventionType.PHYSICAL_SEATED,
        0,
        0,
        started_at=JUNE_START,
        ended_at=JUNE_START + minutes(5),
    )
    return signed_off_incident(
        id=JUNE_ID,
        started_at=JUNE_START,
        ended_at=JUNE_START + minutes(5),
        force_uses=(use,),
        submitted_at=JUNE_START + timedelta(hours=2),
        signed_off_at=JUNE_START + timedelta(days=1),
    )


def month_of_records() -> list[StoredIncident]:
    """Two exportable incidents, a draft and a voided one in May; one in June."""
    return [
        StoredIncident(afternoon()),
        StoredIncident(in_june()),
        StoredIncident(empty_draft(id=DRAFT_ID, started_at=T0 + timedelta(hours=3))),
        StoredIncident(afternoon(id=VOIDED_ID, force_uses=()), voided=True),
        StoredIncident(past_midnight()),
    ]
