"""The statutory record of a use of force (Mental Health Units (Use of Force) Act 2018 s.6(5),
domain.md §2), which is also the MHSDS MHS505 Restrictive Intervention Incident (domain.md §4).

Where each s.6(5) item lives:

====  =====================================================================================
(a)   ``reason`` (MHSDS reason code) and ``reason_narrative``
(b)   ``location``, ``started_at``, ``ended_at`` (``duration`` derived)
(c)   ``force_uses``: type with its own start/end per use
(d)   ``ForceUse.in_care_plan`` for each use
(e)   patient's name — :class:`~app.models.patient.Patient` (via ``patient_id``)
(f)   ``how_force_was_used``
(g)   NHS number — :class:`~app.models.patient.Patient`
(h)   ``staff_involved``: name and job title snapshots
(i)   ``non_staff_involved`` and ``non_staff_involvement`` (who and why)
(j)   mental disorder — :class:`~app.models.patient.Patient`
(k)   protected characteristics — :class:`~app.models.patient.Patient`
(l)   learning disability / autism — :class:`~app.models.patient.Patient`
(m)   ``outcome``
(n)   ``serious_harm`` (and optional ``serious_harm_detail``)
(o)   ``efforts_to_avoid_force``
(p)   ``care_plan_notification`` (and optional ``care_plan_notification_detail``)
====  =====================================================================================

``returns`` keeps every time a ward manager sent the submitted record back as a draft, with
who, when and their comment (:func:`app.models.incident_workflow.return_for_correction`).

The model refuses what is *wrong* (end before start, a use of force outside the incident, a
time in the future, a retired code, an empty name); it allows what is merely *not answered
yet*. Whether the record is complete is :mod:`app.models.completeness`; moving it through its
life cycle is :mod:`app.models.incident_workflow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import ClassVar, Self
from uuid import UUID

from pydantic import Field, model_validator

from app.models.base import PastInstant, Record, RecordSummary, RequiredText, ShortText
from app.models.codes import InterventionReason, InterventionType
from app.models.incident_parts import (
    CarePlanNotification,
    ForceUse,
    IncidentStatus,
    NonStaffInvolvement,
    PostIncidentReview,
    ReturnedForCorrection,
    SeriousHarm,
)
from app.models.refs import PersonRef


class UseOfForceIncident(Record):
    """One incident of force used on one patient on one ward (see the module docstring for
    where each statutory item lives). ``id`` is the MHSDS ``RestrictiveIntIncID``.
    """

    KIND: ClassVar[str] = "use_of_force_incident"

    patient_id: UUID
    ward_id: UUID
    status: IncidentStatus = IncidentStatus.DRAFT

    reason: InterventionReason | None = None
    reason_narrative: RequiredText | None = None

    location: ShortText | None = None
    started_at: PastInstant
    ended_at: PastInstant | None = None

    force_uses: tuple[ForceUse, ...] = ()
    how_force_was_used: RequiredText | None = None
    staff_involved: tuple[PersonRef, ...] = ()
    non_staff_involved: bool | None = None
    non_staff_involvement: tuple[NonStaffInvolvement, ...] = ()
    outcome: RequiredText | None = None
    serious_harm: SeriousHarm | None = None
    serious_harm_detail: RequiredText | None = None
    efforts_to_avoid_force: RequiredText | None = None
    care_plan_notification: CarePlanNotification | None = None
    care_plan_notification_detail: RequiredText | None = None

    post_incident_review: PostIncidentReview = Field(default_factory=PostIncidentReview)

    submitted_by: PersonRef | None = None
    submitted_at: PastInstant | None = None
    signed_off_by: PersonRef | None = None
    signed_off_at: PastInstant | None = None
    returns: tuple[ReturnedForCorrection, ...] = ()

    # ------------------------------------------------------------------------------ rules

    @model_validator(mode="after")
    def _times_are_consistent(self) -> Self:
        """Item (b)/(c): the incident ends after it starts; every use of force lies within it."""
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at: must not be before started_at")
        for use in self.force_uses:
            if use.started_at < self.started_at or (
                self.ended_at is not None and use.started_at > self.ended_at
            ):
                raise ValueError("force_uses: each use of force must start within the incident")
            if (
                self.ended_at is not None
                and use.ended_at is not None
                and use.ended_at > self.ended_at
            ):
                raise ValueError(
                    "force_uses: each use of force must end by the end of the incident"
                )
        if len({use.id for use in self.force_uses}) != len(self.force_uses):
            raise ValueError("force_uses: each use of force needs its own identifier")
        return self

    @model_validator(mode="after")
    def _answers_are_consistent(self) -> Self:
        """Details only accompany the answer they explain (items (h), (i), (n))."""
        for index, person in enumerate(self.staff_involved):
            if already_named(self.staff_involved[:index], person):
                raise ValueError("staff_involved: names the same member of staff twice")
        if self.non_staff_involvement and self.non_staff_involved is not True:
            raise ValueError(
                "non_staff_involvement: only recorded when someone who is not unit staff was "
                "involved"
            )
        if self.serious_harm_detail is not None and self.serious_harm in (None, SeriousHarm.NONE):
            raise ValueError(
                "serious_harm_detail: only recorded when the patient died or was seriously injured"
            )
        return self

    @model_validator(mode="after")
    def _status_matches_sign_off_fields(self) -> Self:
        """Who submitted and signed off, and when, exactly as far as the status has gone."""
        submitted = (self.submitted_by, self.submitted_at)
        signed = (self.signed_off_by, self.signed_off_at)
        if self.status is IncidentStatus.DRAFT and any(v is not None for v in submitted + signed):
            raise ValueError("status: a draft has not been submitted or signed off")
        if self.status is not IncidentStatus.DRAFT and any(v is None for v in submitted):
            raise ValueError("submitted_by: a submitted record needs who submitted it and when")
        if self.status is IncidentStatus.SUBMITTED and any(v is not None for v in signed):
            raise ValueError("status: a record that is signed off must have the status signed off")
        if self.status is IncidentStatus.SIGNED_OFF and any(v is None for v in signed):
            raise ValueError("signed_off_by: a signed-off record needs who signed it off and when")
        if self.submitted_at is not None:
            if self.submitted_at < (self.ended_at or self.started_at):
                raise ValueError("submitted_at: must not be before the incident ended")
            if self.signed_off_at is not None and self.signed_off_at < self.submitted_at:
                raise ValueError("signed_off_at: must not be before submitted_at")
            if self.returns and self.submitted_at < self.returns[-1].returned_at:
                raise ValueError("submitted_at: must not be before the record was last returned")
        return self

    @model_validator(mode="after")
    def _returns_in_order(self) -> Self:
        """Returns for correction follow one another, each after the incident began."""
        times = [r.returned_at for r in self.returns]
        if times != sorted(times):
            raise ValueError("returns: must be in the order they happened")
        if times and times[0] < self.started_at:
            raise ValueError("returns: a record cannot be returned before the incident began")
        return self

    # ------------------------------------------------------------------------ derived facts

    @property
    def duration(self) -> timedelta | None:
        """Item (b): end minus start, or ``None`` while the end is not recorded."""
        return None if self.ended_at is None else self.ended_at - self.started_at

    @property
    def intervention_types(self) -> tuple[InterventionType, ...]:
        """The types of force used, in the order recorded, without repeats."""
        return tuple(dict.fromkeys(use.intervention_type for use in self.force_uses))

    @property
    def last_return(self) -> ReturnedForCorrection | None:
        """The latest return for correction, if the record has ever been returned."""
        return self.returns[-1] if self.returns else None

    @property
    def is_returned(self) -> bool:
        """A draft sent back by the reviewing manager and not yet submitted again."""
        return self.status is IncidentStatus.DRAFT and bool(self.returns)

    def is_signed_off(self) -> bool:
        """True once a ward manager has signed the record off (changes are then amendments
        that need a reason, design.md "Records are revisions").
        """
        return self.status is IncidentStatus.SIGNED_OFF

    def summary(self) -> RecordSummary:
        """Ward, patient, status word and the period of the incident."""
        return RecordSummary(
            ward_id=self.ward_id,
            patient_id=self.patient_id,
            status=self.status.value,
            starts_at=self.started_at,
            ends_at=self.ended_at,
        )


def already_named(people: Sequence[PersonRef], person: PersonRef) -> bool:
    """Whether ``person`` is already among ``people`` named as using force (s.6(5)(h),
    domain.md §2 item h: every member of staff is named once, with their job title). Someone on
    the staff list is the same person by their staff id; someone not on it (a bank or agency
    nurse) by the same name and job title, whatever the capitals or spaces.
    """
    if person.staff_id is not None:
        return any(p.staff_id == person.staff_id for p in people)
    wanted = (_folded(person.name), _folded(person.job_title))
    return any(
        p.staff_id is None and (_folded(p.name), _folded(p.job_title)) == wanted for p in people
    )


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()
