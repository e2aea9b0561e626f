"""Restrictions beyond force on the demo ward (issue 10): the ward's register of blanket
restrictions and the individual restrictions on some of its patients.

The register holds four entries: the kitchen locked at night with two patients exempted
after an individual assessment, garden access at set times (its review overdue), a list of
banned items, and set visiting times ended with a reason. Individual restrictions cover a
phone (its review due soon), leave, visits (reviewed once), the internet (its weekly review
missed, so overdue) and belongings (ended with a reason). Each entry
is saved as the ward would have saved it — created, then a new version per review, exemption
or end (:mod:`app.models.restriction_period`: nothing is deleted).

Everything is fictitious and placed relative to ``now``; a restriction on a patient starts
after their current admission, so the same code fits any demo period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from app.cli.demo.patients import DemoPatient, patient_by_key
from app.cli.demo.people import DemoStaff
from app.cli.demo.support import DemoRandom, Timeline, at_local, floor_minute, revise
from app.models.base import Record
from app.models.blanket_restrictions import (
    BlanketRestriction,
    BlanketRestrictionCategory,
    RestrictionExemption,
)
from app.models.clock import local_date
from app.models.individual_restrictions import IndividualRestriction, IndividualRestrictionKind
from app.models.people import Ward
from app.models.refs import PersonRef

R = TypeVar("R", bound=Record)
#: A later version of a record: when it was saved, and its changes given the version before.
Change = tuple[datetime, Callable[[Any], dict[str, Any]]]

_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)


def save_versions(timeline: Timeline, at: datetime, record: R, changes: Sequence[Change]) -> R:
    """Save ``record`` at ``at``, then each change in time order as its next version; the
    last version is returned."""
    timeline.add(at, record)
    for when, change in sorted(changes, key=lambda c: c[0]):
        record = revise(record, **change(record))
        timeline.add(when, record)
    return record


def current_admission(patient: DemoPatient) -> datetime:
    """When the patient's open hospital spell began (the demo only restricts patients on the
    ward now)."""
    return next(s.admitted_at for s in patient.spells if s.discharged_at is None)


def after_admission(patient: DemoPatient, wanted: datetime, now: datetime) -> datetime:
    """``wanted``, but no earlier than two hours after the current admission, and before
    ``now``."""
    earliest = current_admission(patient) + 2 * _HOUR
    return floor_minute(min(max(wanted, earliest), now - _HOUR))


def _exempt(patient: DemoPatient, on: date, reason: str) -> Callable[[Any], dict[str, Any]]:
    exemption = RestrictionExemption(patient_id=patient.record.id, assessed_on=on, reason=reason)
    return lambda r: {"exemptions": (*r.exemptions, exemption)}


def blanket_restrictions(
    rnd: DemoRandom,
    timeline: Timeline,
    ward: Ward,
    staff: DemoStaff,
    patients: Sequence[DemoPatient],
    *,
    period_start: datetime,
    now: datetime,
) -> tuple[BlanketRestriction, ...]:
    """The ward's register (see the module docstring), as it stands at ``now``."""
    manager = staff.manager.as_person_ref()
    consultant = staff.consultant.as_person_ref()
    today = local_date(now)

    def entry(start: datetime, **fields: Any) -> BlanketRestriction:
        return BlanketRestriction(
            id=rnd.uuid(),
            ward_id=ward.id,
            approved_by=manager,
            approved_on=local_date(start) - timedelta(days=7),
            started_at=start,
            **fields,
        )

    def reviewed(at: datetime, review_on: date) -> Callable[[Any], dict[str, Any]]:
        return lambda _: {"reviewed_at": at, "reviewed_by": manager, "review_on": review_on}

    kitchen_start = at_local(local_date(period_start - timedelta(days=200)), 9)
    kitchen_review = at_local(today - timedelta(days=40), 11)
    stephen, minh = patient_by_key(patients, "stephen"), patient_by_key(patients, "minh")
    stephen_on = min(local_date(max(kitchen_start, current_admission(stephen)) + 10 * _DAY), today)
    minh_at = min(floor_minute(current_admission(minh) + _DAY), now - _HOUR)
    kitchen = save_versions(
        timeline,
        kitchen_start,
        entry(
            kitchen_start,
            title="Kitchen locked 23:00–07:00",
            category=BlanketRestrictionCategory.ACCESS_TO_AREAS,
            reason="Two small fires from toasters left on at night; no staff free to be in "
            "the kitchen after 23:00.",
            involvement="Agreed at the community meeting; hot drinks offered from the "
            "nursing office at night. Carers told by the ward's leaflet.",
        ),
        [
            (
                min(at_local(stephen_on, 15), now - _HOUR),
                _exempt(stephen, stephen_on, _STEPHEN_EXEMPT),
            ),
            (minh_at, _exempt(minh, local_date(minh_at), _MINH_EXEMPT)),
            (kitchen_review, reviewed(kitchen_review, today + timedelta(days=50))),
        ],
    )
    garden_start = at_local(local_date(period_start - timedelta(days=120)), 10)
    garden_review = at_local(today - timedelta(days=100), 14)
    garden = save_versions(
        timeline,
        garden_start,
        entry(
            garden_start,
            title="Garden open 08:00–20:00 only",
            category=BlanketRestrictionCategory.SET_TIMES,
            reason="The fence on the car-park side is low and cannot be watched after dark "
            "until it is raised.",
            involvement="Patients asked at the community meeting for later hours in summer.",
        ),
        [(garden_review, reviewed(garden_review, today - timedelta(days=9)))],
    )
    banned_start = at_local(local_date(period_start - timedelta(days=300)), 9)
    banned_review = at_local(today - timedelta(days=20), 10, 30)
    banned = save_versions(
        timeline,
        banned_start,
        entry(
            banned_start,
            title="No lighters, glass, aerosols or plastic bags on the ward",
            category=BlanketRestrictionCategory.BANNED_ITEMS,
            reason="Fire risk and items used to self-harm; the trust's search policy.",
            involvement="Easy-read list on the notice board and in the welcome pack; "
            "explained to each patient and carer at admission.",
        ),
        [(banned_review, reviewed(banned_review, today + timedelta(days=60)))],
    )
    visits_start = at_local(local_date(period_start - timedelta(days=250)), 9)
    visits_end = at_local(today - timedelta(days=45), 16)
    visits = save_versions(
        timeline,
        visits_start,
        entry(
            visits_start,
            title="Visits only 14:00–16:00 and 18:00–20:00",
            category=BlanketRestrictionCategory.VISITING,
            reason="Too few staff to supervise the visitors' room at other times.",
        ),
        [(visits_end, _ended_by(consultant, visits_end, _OPEN_VISITING))],
    )
    return kitchen, garden, banned, visits


_OPEN_VISITING = (
    "Patients and the carers' forum asked for open visiting; no incident linked to visits in "
    "six months. Individual visit plans instead."
)
_STEPHEN_EXEMPT = "Long-stay rehabilitation plan: cooks his own supper; OT kitchen assessment."
_MINH_EXEMPT = "Informal patient; makes hot drinks safely at night (OT assessment)."


def individual_restrictions(
    rnd: DemoRandom,
    timeline: Timeline,
    staff: DemoStaff,
    patients: Sequence[DemoPatient],
    *,
    now: datetime,
) -> tuple[IndividualRestriction, ...]:
    """Restrictions on single patients (see the module docstring). Each is due a review at
    least weekly (the default policy): the phone's review date is tomorrow, so it shows as
    due soon; the internet restriction started nine days ago and has not been reviewed, so
    its review is overdue."""
    today = local_date(now)
    consultant = staff.consultant.as_person_ref()
    made: list[IndividualRestriction] = []
    for key, kind, days_ago, what, why, review_in in _INDIVIDUAL:
        patient = patient_by_key(patients, key)
        start = after_admission(patient, now - timedelta(days=days_ago, hours=5), now)
        restriction = IndividualRestriction(
            id=rnd.uuid(),
            patient_id=patient.record.id,
            ward_id=patient.record.ward_id,
            kind=kind,
            what=what,
            why=why,
            decided_by=consultant,
            started_at=start,
            review_on=max(local_date(start), today + timedelta(days=review_in)),
        )
        changes: list[Change] = []
        if kind is IndividualRestrictionKind.VISITS:
            at = max(start + _HOUR, floor_minute(now - timedelta(days=5)))
            changes.append((at, _reviewed_by(consultant, at)))
        if kind is IndividualRestrictionKind.PROPERTY:
            end = max(start + _HOUR, floor_minute(now - timedelta(days=3)))
            changes.append((end, _ended_by(consultant, end, _NO_LONGER_NEEDED)))
        made.append(save_versions(timeline, start, restriction, changes))
    return tuple(made)


_NO_LONGER_NEEDED = "No thoughts of self-harm for a week; risk assessment updated at the MDT."


def _reviewed_by(person: PersonRef, at: datetime) -> Callable[[Any], dict[str, Any]]:
    return lambda _: {"reviewed_at": at, "reviewed_by": person}


def _ended_by(person: PersonRef, at: datetime, reason: str) -> Callable[[Any], dict[str, Any]]:
    return lambda _: {"ended_at": at, "ended_by": person, "end_reason": reason}


class _Planned(NamedTuple):
    key: str
    kind: IndividualRestrictionKind
    days_ago: int
    what: str
    why: str
    review_in: int  # days from today


_K = IndividualRestrictionKind
_INDIVIDUAL = (
    _Planned(
        "daniel",
        _K.PHONE,
        5,
        what="Mobile phone kept in the office; the ward phone is available for calls in private.",
        why="Used his phone to arrange for cannabis to be brought in by a visitor.",
        review_in=1,
    ),
    _Planned(
        "bilal",
        _K.LEAVE,
        3,
        what="Escorted leave to town suspended; escorted leave in the hospital grounds goes on.",
        why="Came back late and intoxicated from leave twice this week.",
        review_in=4,
    ),
    _Planned(
        "kirsty",
        _K.VISITS,
        12,
        what="Visits from one named friend in the visitors' room with staff present.",
        why="Items she could use to self-harm were brought in at the last two visits.",
        review_in=3,
    ),
    _Planned(
        "nia",
        _K.INTERNET,
        9,
        what="No unsupervised internet; laptop used in the day room with staff.",
        why="Being contacted online by a man who exploited her before admission.",
        review_in=5,
    ),
    _Planned(
        "abdi",
        _K.PROPERTY,
        20,
        what="Belt and shoelaces kept in the office.",
        why="Said on admission that he wanted to hang himself.",
        review_in=7,
    ),
)
