"""Restrictions beyond force on the oversight fixture ward (tests/models/oversight_fixture.py:
May 2024, figures as at 1 July 2024; P1 Black Caribbean man, autistic, 31 bed days; P2 White
British woman, 21; P3 White British man, 20). Right answers in
tests/models/test_oversight_restrictions.py. Times are UTC; May is BST, so the period runs
from 30 April 23:00 to 31 May 23:00 UTC.

Blanket: kitchen (from January, reviewed 1 April, review date 20 June; P1 exempted 2 May, P2
2 June — after the period), garden (review date 10 May: overdue at the end), set visiting
(ended 10 May); one ended in March, one of another ward and one from 5 June are not counted.

Individual: P1 phone 3–10 May (7 days); P2 visits from 15 May, running; P3 leave from 20
April (before the period) to 21 May; P1 property from 2 June (after).

Enhanced observation: P1 within eyesight six times, on 2, 4, …, 12 May at 10:00 for 1, 2, …, 6
hours; P2 intermittent from 20 May 10:00, running; P3 within arm's length 28 April 12:00 to
2 May 12:00 (started before the period: counted for its 1 day 13 h in it, not as started).

Psychological: P1 threats on 5 and 6 May, P2 withholding on 25 May; one on 2 June is out.
Cultural: P1 diet on 7 May.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from app.models.blanket_restrictions import BlanketRestrictionCategory
from app.models.enhanced_observation import ObservationLevel
from app.models.individual_restrictions import IndividualRestrictionKind
from app.models.oversight import OversightRecords
from app.models.oversight_restrictions import RestrictionRecords
from app.models.psychological_cultural_restraint import (
    CulturalRestraintForm,
    PsychologicalRestraintForm,
)
from tests.models.oversight_fixture import P1, P2, P3, fixture_records
from tests.models.restriction_builders import (
    WARD_MANAGER,
    blanket_restriction,
    cultural_restraint,
    enhanced_observation,
    exemption,
    individual_restriction,
    psychological_restraint,
)

OTHER_WARD = UUID("00000000-0000-4000-8000-00000000b0ff")


def utc(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2024, month, day, hour, 0, tzinfo=UTC)


def _ended(at: datetime, **fields: Any) -> dict[str, Any]:
    return {"ended_at": at, "ended_by": WARD_MANAGER, **fields}


def _reason() -> dict[str, str]:
    return {"end_reason": "No longer needed"}


def restriction_records() -> RestrictionRecords:
    """The records of the module docstring."""
    cat = BlanketRestrictionCategory
    blanket = [
        blanket_restriction(
            title="Kitchen locked at night",
            started_at=utc(1, 2),
            reviewed_at=utc(4, 1),
            reviewed_by=WARD_MANAGER,
            review_on=date(2024, 6, 20),
            exemptions=[
                exemption(P1, assessed_on=date(2024, 5, 2)),
                exemption(P2, assessed_on=date(2024, 6, 2)),
            ],
        ),
        blanket_restriction(
            title="Garden 08:00–20:00",
            category=cat.SET_TIMES,
            started_at=utc(2, 1),
            review_on=date(2024, 5, 10),
        ),
        blanket_restriction(
            title="Set visiting times",
            category=cat.VISITING,
            started_at=utc(1, 3),
            **_ended(utc(5, 10), **_reason()),
        ),
        blanket_restriction(
            title="Ended in March", started_at=utc(1, 4), **_ended(utc(3, 30), **_reason())
        ),
        blanket_restriction(title="Another ward's", ward_id=OTHER_WARD, started_at=utc(1, 5)),
        blanket_restriction(title="From June", started_at=utc(6, 5)),
    ]
    kind = IndividualRestrictionKind
    individual = [
        individual_restriction(
            patient_id=P1,
            kind=kind.PHONE,
            started_at=utc(5, 3, 9),
            **_ended(utc(5, 10, 9), **_reason()),
        ),
        individual_restriction(patient_id=P2, kind=kind.VISITS, started_at=utc(5, 15, 9)),
        individual_restriction(
            patient_id=P3, kind=kind.LEAVE, started_at=utc(4, 20), **_ended(utc(5, 21), **_reason())
        ),
        individual_restriction(patient_id=P1, kind=kind.PROPERTY, started_at=utc(6, 2)),
    ]
    eyesight = ObservationLevel.WITHIN_EYESIGHT
    observations = [
        enhanced_observation(
            patient_id=P1,
            level=eyesight,
            started_at=utc(5, 2 * n),
            **_ended(utc(5, 2 * n, 10 + n)),
        )
        for n in range(1, 7)
    ]
    observations += [
        enhanced_observation(
            patient_id=P2, level=ObservationLevel.INTERMITTENT, started_at=utc(5, 20)
        ),
        enhanced_observation(patient_id=P3, started_at=utc(4, 28, 12), **_ended(utc(5, 2, 12))),
    ]
    form = PsychologicalRestraintForm
    psychological = [
        psychological_restraint(patient_id=P1, occurred_at=utc(5, 5)),
        psychological_restraint(patient_id=P1, occurred_at=utc(5, 6)),
        psychological_restraint(patient_id=P2, form=form.WITHHOLDING, occurred_at=utc(5, 25)),
        psychological_restraint(patient_id=P2, occurred_at=utc(6, 2)),
    ]
    cultural = [
        cultural_restraint(patient_id=P1, form=CulturalRestraintForm.DIET, occurred_at=utc(5, 7))
    ]
    return RestrictionRecords(blanket, individual, observations, psychological, cultural)


def fixture_with_restrictions() -> OversightRecords:
    """The oversight fixture ward with :func:`restriction_records`."""
    return dataclasses.replace(fixture_records(), restrictions=restriction_records())
