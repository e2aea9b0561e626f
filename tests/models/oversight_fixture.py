"""A small fixture ward for the oversight figures, whose right answers are worked out by hand
in tests/models/test_oversight.py. Period: May 2024 (31 days), figures as at 1 July 2024.

==  ===================  ======  ============  ==========  ===========================
    patient              sex     born          LD/autism   in the ward in May
==  ===================  ======  ============  ==========  ===========================
P1  Black Caribbean (M)  male    14 Jul 1991   autism      all month: 31 bed days
P2  White British (A)    female  20 May 1980   neither     from 11 May: 21 bed days
P3  White British (A)    male    15 May 1959   neither     to 21 May: 20 bed days
==  ===================  ======  ============  ==========  ===========================

Incidents in May: P1 8 (standing + prone each, prone 2, 4, 6, 8, 10, 11, 12, 20 minutes);
P2 3 (standing; reason: personal care); P3 6 (supine; 2 before his 65th birthday on 15 May, 4
after). One in April and one in June fall outside the period.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from app.models.base import Answer
from app.models.codes import EthnicCategory, InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.oversight import OversightRecords
from app.models.oversight_rules import Period
from tests.models.builders import (
    T0,
    characteristics,
    force_use,
    hospital_spell,
    incident,
    patient,
    ward,
)

P1 = UUID("00000000-0000-4000-8000-0000000f0001")
P2 = UUID("00000000-0000-4000-8000-0000000f0002")
P3 = UUID("00000000-0000-4000-8000-0000000f0003")
PERIOD = Period(date(2024, 5, 1), date(2024, 5, 31))
AS_OF = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
PRONE_MINUTES = (2, 4, 6, 8, 10, 11, 12, 20)


def _incident(
    patient_id: UUID,
    day: int,
    uses: tuple[tuple[InterventionType, float], ...],
    reason: InterventionReason = InterventionReason.PREVENT_VIOLENCE_TO_OTHERS,
) -> UseOfForceIncident:
    """An incident on ``day`` of May 2024 at 14:00 UTC (``day`` 0 is 1 May; negative: April);
    its uses follow one another, each for the minutes given."""
    offset = (day - 0) * 24 * 60
    built = []
    start = 0.0
    for kind, length in uses:
        built.append(force_use(kind, offset + start, offset + start + length))
        start += length
    return incident(
        patient_id=patient_id,
        started_at=T0 + timedelta(minutes=offset),
        ended_at=T0 + timedelta(minutes=offset + start),
        force_uses=tuple(built),
        reason=reason,
    )


def fixture_records() -> OversightRecords:
    """The ward of the module docstring."""
    standing, prone, supine = (
        InterventionType.PHYSICAL_STANDING,
        InterventionType.PHYSICAL_PRONE,
        InterventionType.PHYSICAL_SUPINE,
    )
    patients = [
        patient(id=P1, date_of_birth=date(1991, 7, 14)),  # builder: Black Caribbean, male, autism
        patient(
            id=P2,
            nhs_number=None,
            date_of_birth=date(1980, 5, 20),
            characteristics=characteristics(ethnicity=EthnicCategory.WHITE_BRITISH, sex="female"),
            learning_disability=Answer.NO,
            autism=Answer.NO,
        ),
        patient(
            id=P3,
            nhs_number=None,
            date_of_birth=date(1959, 5, 15),
            characteristics=characteristics(ethnicity=EthnicCategory.WHITE_BRITISH),
            learning_disability=Answer.NO,
            autism=Answer.NO,
        ),
    ]
    spells = [
        hospital_spell(patient_id=P1, admitted_at=datetime(2024, 4, 2, 11, 0, tzinfo=UTC)),
        hospital_spell(patient_id=P2, admitted_at=datetime(2024, 5, 11, 10, 0, tzinfo=UTC)),
        hospital_spell(
            patient_id=P3,
            admitted_at=datetime(2024, 4, 1, 10, 0, tzinfo=UTC),
            discharged_at=datetime(2024, 5, 21, 10, 0, tzinfo=UTC),
        ),
    ]
    incidents = [
        *(_incident(P1, day, ((standing, 3), (prone, m))) for day, m in enumerate(PRONE_MINUTES)),
        *(
            _incident(P2, day, ((standing, 5),), InterventionReason.FACILITATE_PERSONAL_CARE)
            for day in (12, 15, 20)
        ),
        # 1 May is day 0: days 2 and 5 are 3 and 6 May (aged 64), 14–17 are 15–18 May (65)
        *(_incident(P3, day, ((supine, 8),)) for day in (2, 5, 14, 15, 16, 17)),
        _incident(P1, -3, ((standing, 3),)),  # 28 April: outside
        _incident(P3, -10, ((standing, 3),)),  # 21 April: outside
        _incident(P1, 31, ((standing, 3),)),  # 1 June: outside
    ]
    return OversightRecords(wards=[ward()], patients=patients, spells=spells, incidents=incidents)
