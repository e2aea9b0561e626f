"""Which use-of-force records go into a month's MHSDS restrictive-intervention submission, the
rows each becomes, and why the others cannot go (domain.md §4, §4.2, §4.3).

Rules (pure functions; the store facts — voided, conflicted — are given, not looked up):
- a record belongs to the month in which the incident **started**, UK local time
  (:class:`~app.models.mhsds.ReportingMonth`);
- only a **signed-off** record is exported. Sign-off is when the ward manager has checked it
  (domain.md §2 good practice) and when the post-incident review answers MHS505 carries are
  required (:func:`~app.models.completeness.missing_for_sign_off`). A record still awaiting
  sign-off goes in a later submission: restrictive interventions may arrive in the first or
  second month after the activity (domain.md §4);
- a voided record is never exported; a record with conflicting versions waits until a person
  has resolved them (design.md "Records are revisions");
- every value must be there and valid: reason code (§4.3), start and end of the incident and of
  each type of force, each type's code (§4.2, never a retired one), the three injury answers,
  the two post-incident review answers, and the hospital spell the incident happened in;
- a record that cannot be exported is listed by its record id with every reason, and none of
  its rows is written — never half an incident.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from app.models.admission import HospitalSpell, spell_at
from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import RETIRED_INTERVENTION_TYPES, ForceUse, IncidentStatus
from app.models.mhsds import (
    Mhs505Row,
    Mhs515Row,
    ReportingMonth,
    local_date_text,
    local_time_text,
    mhsds_id,
    yes_no,
)

#: The national type codes a row may carry (domain.md §4.2: 02 and 03 are retired).
VALID_TYPE_CODES: frozenset[str] = frozenset(
    t.value for t in InterventionType if t.value not in RETIRED_INTERVENTION_TYPES
)
#: The national reason codes a row may carry (domain.md §4.3).
VALID_REASON_CODES: frozenset[str] = frozenset(r.value for r in InterventionReason)


@dataclass(frozen=True, slots=True)
class StoredIncident:
    """An incident's current state with the store's facts about it."""

    incident: UseOfForceIncident
    voided: bool = False
    conflicted: bool = False


@dataclass(frozen=True, slots=True)
class NotExported:
    """A record left out of the export and every reason why (no patient data: only the record
    id and the program's own wording)."""

    record_id: UUID
    reasons: tuple[str, ...]

    def line(self) -> str:
        """One line for the console: ``<record id>: reason; reason``."""
        return f"{self.record_id}: {'; '.join(self.reasons)}"


@dataclass(frozen=True, slots=True)
class MonthExport:
    """A month's rows of both tables, and the records that could not be exported."""

    month: ReportingMonth
    mhs505: tuple[Mhs505Row, ...]
    mhs515: tuple[Mhs515Row, ...]
    not_exported: tuple[NotExported, ...]


def _status_reasons(stored: StoredIncident) -> list[str]:
    incident = stored.incident
    reasons = []
    if stored.voided:
        reasons.append("voided (if an earlier submission held it, withdraw it there)")
    if stored.conflicted:
        reasons.append("has conflicting versions: resolve them first")
    if incident.status is IncidentStatus.DRAFT:
        reasons.append("a draft, not yet submitted")
    elif incident.status is IncidentStatus.SUBMITTED:
        reasons.append("not signed off yet (it can go in a later month's submission)")
    return reasons


def _use_reasons(number: int, use: ForceUse) -> list[str]:
    where = f"type of force {number}"
    reasons = []
    if use.intervention_type.value not in VALID_TYPE_CODES:
        reasons.append(f"{where}: not a current national type code")
    if use.ended_at is None:
        reasons.append(f"{where}: no end time")
    answers = zip(("patient", "staff", "other person"), use.injury_answers, strict=True)
    unanswered = [who for who, answer in answers if answer is None]
    if unanswered:
        reasons.append(f"{where}: injury to {', '.join(unanswered)} not answered")
    return reasons


def _value_reasons(incident: UseOfForceIncident, spell: HospitalSpell | None) -> list[str]:
    reasons = []
    if incident.reason is None:
        reasons.append("no reason code")
    elif incident.reason.value not in VALID_REASON_CODES:
        reasons.append("not a national reason code")
    if incident.ended_at is None:
        reasons.append("no end time")
    if not incident.force_uses:
        reasons.append("no type of force recorded")
    for number, use in enumerate(incident.force_uses, start=1):
        reasons.extend(_use_reasons(number, use))
    review = incident.post_incident_review
    if review.held_with_patient is None:
        reasons.append("post-incident review with the patient not answered")
    if review.held_with_staff is None:
        reasons.append("post-incident review with staff not answered")
    if spell is None:
        reasons.append("no hospital spell on the ward covers the start of the incident")
    return reasons


def export_blockers(stored: StoredIncident, spell: HospitalSpell | None) -> tuple[str, ...]:
    """Every reason the record cannot be exported (empty: it can), in a fixed order: its
    state first, then the values it lacks (see the module docstring, domain.md §4)."""
    return tuple(_status_reasons(stored) + _value_reasons(stored.incident, spell))


def mhs505_row(incident: UseOfForceIncident, spell: HospitalSpell) -> Mhs505Row:
    """The MHS505 row of an exportable incident (domain.md §4, §4.3). Call only when
    :func:`export_blockers` found nothing; raises ``ValueError`` for a value that is missing."""
    review = incident.post_incident_review
    if (
        incident.reason is None
        or incident.ended_at is None
        or review.held_with_patient is None
        or review.held_with_staff is None
    ):
        raise ValueError("incident: not exportable (see export_blockers)")
    return Mhs505Row(
        hospital_spell_id=mhsds_id(spell.id),
        incident_id=mhsds_id(incident.id),
        start_date=local_date_text(incident.started_at),
        start_time=local_time_text(incident.started_at),
        end_date=local_date_text(incident.ended_at),
        end_time=local_time_text(incident.ended_at),
        reason=incident.reason.value,
        post_incident_review_patient=yes_no(review.held_with_patient),
        post_incident_review_patient_not_held_reason="",
        post_incident_review_staff=yes_no(review.held_with_staff),
    )


def mhs515_row(incident: UseOfForceIncident, use: ForceUse) -> Mhs515Row:
    """The MHS515 row of one type of force in an exportable incident (domain.md §4, §4.2).
    Raises ``ValueError`` for a value that is missing."""
    patient, staff, other = use.injury_answers
    if use.ended_at is None or patient is None or staff is None or other is None:
        raise ValueError("force_uses: not exportable (see export_blockers)")
    return Mhs515Row(
        type_id=mhsds_id(use.id),
        incident_id=mhsds_id(incident.id),
        intervention_type=use.intervention_type.value,
        start_date=local_date_text(use.started_at),
        start_time=local_time_text(use.started_at),
        end_date=local_date_text(use.ended_at),
        end_time=local_time_text(use.ended_at),
        patient_injured=yes_no(patient),
        staff_injured=yes_no(staff),
        other_person_injured=yes_no(other),
    )


def export_month(
    month: ReportingMonth,
    incidents: Iterable[StoredIncident],
    spells: Sequence[HospitalSpell],
) -> MonthExport:
    """The month's MHS505 and MHS515 rows and the records that cannot be exported (see the
    module docstring). ``incidents`` may hold records of other months (they are left out);
    ``spells`` are hospital spells (only one on the incident's ward counts). Rows come in the
    order the incidents started (then by id), each incident's types in the order they
    started: the same records always give the same file.
    """
    in_month = sorted(
        (s for s in incidents if month.contains(s.incident.started_at)),
        key=lambda s: (s.incident.started_at, s.incident.id),
    )
    incident_rows: list[Mhs505Row] = []
    type_rows: list[Mhs515Row] = []
    refused: list[NotExported] = []
    for stored in in_month:
        incident = stored.incident
        on_ward = [s for s in spells if s.ward_id == incident.ward_id]
        spell = spell_at(on_ward, incident.patient_id, incident.started_at)
        reasons = export_blockers(stored, spell)
        if reasons or spell is None:
            refused.append(NotExported(incident.id, reasons))
            continue
        incident_rows.append(mhs505_row(incident, spell))
        uses = sorted(incident.force_uses, key=lambda u: (u.started_at, u.id))
        type_rows.extend(mhs515_row(incident, use) for use in uses)
    return MonthExport(month, tuple(incident_rows), tuple(type_rows), tuple(refused))
