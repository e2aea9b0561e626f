"""What a patient's copy says about their incident, in plain words and in easy-read words
(issue 8 item 5): when and where, what staff did (each type of force, domain.md §4.2), why
(the reason code, §4.3), whether they were hurt, and whether a debrief was held.

Pure: a use-of-force record in, sentences out. Free text from the record (the place, the
narratives) is passed on as it is typed; the PDF modules escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.models.clock import to_local
from app.models.codes import InterventionReason, InterventionType
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import SeriousHarm

#: What staff did, in words a patient reads about themselves ("Staff …").
TYPE_WORDS: dict[InterventionType, str] = {
    InterventionType.PHYSICAL_PRONE: "Staff held you face down",
    InterventionType.MECHANICAL: "Staff used a device, such as a belt or cuffs, to limit your "
    "movement",
    InterventionType.SECLUSION: "Staff kept you in a room on your own (seclusion)",
    InterventionType.SEGREGATION: "Staff kept you apart from other patients (segregation)",
    InterventionType.PHYSICAL_STANDING: "Staff held you while you were standing",
    InterventionType.PHYSICAL_RESTRICTIVE_ESCORT: "Staff held you while they walked you to "
    "another place",
    InterventionType.PHYSICAL_SUPINE: "Staff held you lying on your back",
    InterventionType.PHYSICAL_SIDE: "Staff held you lying on your side",
    InterventionType.PHYSICAL_SEATED: "Staff held you while you were sitting",
    InterventionType.PHYSICAL_KNEELING: "Staff held you while you were kneeling",
    InterventionType.PHYSICAL_OTHER: "Staff held you in another way",
    InterventionType.CHEMICAL_INJECTION_RT: "Staff gave you an injection of medicine to help "
    "you calm down quickly (rapid tranquillisation)",
    InterventionType.CHEMICAL_INJECTION_NOT_RT: "Staff gave you an injection of medicine",
    InterventionType.CHEMICAL_ORAL: "Staff gave you medicine to swallow, to help you calm down",
    InterventionType.CHEMICAL_OTHER: "Staff gave you medicine in another way, to help you "
    "calm down",
}

#: What staff did, in the fewest words, for the easy-read copy (one idea per line).
EASY_TYPE_WORDS: dict[InterventionType, str] = {
    InterventionType.PHYSICAL_PRONE: "Staff held you face down",
    InterventionType.MECHANICAL: "Staff used a belt or cuffs to hold you",
    InterventionType.SECLUSION: "Staff kept you in a room on your own",
    InterventionType.SEGREGATION: "Staff kept you away from other patients",
    InterventionType.PHYSICAL_STANDING: "Staff held you standing up",
    InterventionType.PHYSICAL_RESTRICTIVE_ESCORT: "Staff held you and walked you somewhere",
    InterventionType.PHYSICAL_SUPINE: "Staff held you lying on your back",
    InterventionType.PHYSICAL_SIDE: "Staff held you lying on your side",
    InterventionType.PHYSICAL_SEATED: "Staff held you sitting down",
    InterventionType.PHYSICAL_KNEELING: "Staff held you kneeling",
    InterventionType.PHYSICAL_OTHER: "Staff held you",
    InterventionType.CHEMICAL_INJECTION_RT: "Staff gave you an injection to calm you",
    InterventionType.CHEMICAL_INJECTION_NOT_RT: "Staff gave you an injection",
    InterventionType.CHEMICAL_ORAL: "Staff gave you medicine to calm you",
    InterventionType.CHEMICAL_OTHER: "Staff gave you medicine to calm you",
}

#: Why, as the end of "Staff said they used force …".
REASON_WORDS: dict[InterventionReason, str] = {
    InterventionReason.PREVENT_VIOLENCE_TO_OTHERS: "to stop someone else from being hurt",
    InterventionReason.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM: "to stop you from seriously "
    "hurting yourself",
    InterventionReason.PREVENT_SERIOUS_ACCIDENTAL_INJURY_TO_SELF: "to stop you from being "
    "badly hurt by accident",
    InterventionReason.LAWFULLY_GIVE_MEDICINE_OR_TREATMENT: "to give you medicine or treatment "
    "that the law allows",
    InterventionReason.FACILITATE_PERSONAL_CARE: "to help with your personal care",
    InterventionReason.FACILITATE_NASOGASTRIC_FEEDING: "to give you food through a tube",
    InterventionReason.PREVENT_EXTREME_PROLONGED_OVERACTIVITY: "to stop you being very "
    "over-active for a long time",
    InterventionReason.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR: "to stop something they thought "
    "was dangerous",
    InterventionReason.SEARCH_FOR_SAFETY_OF_OTHERS: "to search clothes or belongings to keep "
    "other people safe",
    InterventionReason.PREVENT_ABSCONDING: "to stop you leaving when the law says you must "
    "stay in hospital",
    InterventionReason.OTHER: "for another reason",
    InterventionReason.NOT_KNOWN: "for a reason the record does not give",
}


def clock_time(at: datetime) -> str:
    """UK local time as people say it, e.g. ``3:05pm``."""
    local = to_local(at)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def long_date(at: datetime) -> str:
    """UK local date in full, e.g. ``Wednesday 1 May 2024``."""
    local = to_local(at)
    return f"{local:%A} {local.day} {local:%B %Y}"


def duration_words(length: timedelta) -> str:
    """A duration in hours and minutes, e.g. ``1 hour 5 minutes``; under a minute, "less than
    a minute"."""
    minutes = int(length.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


class Debrief(StrEnum):
    """Whether the record says a post-incident review (debrief) was held with the patient
    (MHSDS MHS505, domain.md §4; domain.md §2: offer the patient a debrief)."""

    HELD = "held"
    NOT_YET = "not_yet"
    NOT_RECORDED = "not_recorded"


@dataclass(frozen=True, slots=True)
class IncidentWords:
    """The facts of one incident as the patient's copy states them."""

    day: str
    started: str
    ended: str | None
    duration: str | None
    place: str | None
    what_staff_did: tuple[str, ...]
    what_staff_did_easy: tuple[str, ...]
    reason: str | None
    #: A reason other than "other" or "not known" (domain.md §4.3 codes 98, 99).
    reason_is_specific: bool
    hurt: bool | None
    seriously_hurt: bool
    debrief: Debrief
    how_force_was_used: str | None
    reason_narrative: str | None
    efforts_to_avoid_force: str | None
    outcome: str | None


def _hurt(incident: UseOfForceIncident) -> bool | None:
    answers = [use.patient_injured for use in incident.force_uses]
    if any(answers) or incident.serious_harm is SeriousHarm.SERIOUS_INJURY:
        return True
    if answers and all(a is False for a in answers):
        return False
    return None


def _debrief(incident: UseOfForceIncident) -> Debrief:
    held = incident.post_incident_review.held_with_patient
    if held is None:
        return Debrief.NOT_RECORDED
    return Debrief.HELD if held else Debrief.NOT_YET


def _end(started: datetime, ended: datetime) -> str:
    if to_local(ended).date() == to_local(started).date():
        return clock_time(ended)
    return f"{clock_time(ended)} on {long_date(ended)}"


def incident_words(incident: UseOfForceIncident) -> IncidentWords:
    """The incident in the words of the patient's copy (see the module docstring)."""
    ended = incident.ended_at
    return IncidentWords(
        day=long_date(incident.started_at),
        started=clock_time(incident.started_at),
        ended=None if ended is None else _end(incident.started_at, ended),
        duration=None if incident.duration is None else duration_words(incident.duration),
        place=incident.location,
        what_staff_did=tuple(TYPE_WORDS[t] for t in incident.intervention_types),
        what_staff_did_easy=tuple(
            dict.fromkeys(EASY_TYPE_WORDS[t] for t in incident.intervention_types)
        ),
        reason=None if incident.reason is None else REASON_WORDS[incident.reason],
        reason_is_specific=incident.reason is not None
        and incident.reason not in {InterventionReason.OTHER, InterventionReason.NOT_KNOWN},
        hurt=_hurt(incident),
        seriously_hurt=incident.serious_harm is SeriousHarm.SERIOUS_INJURY,
        debrief=_debrief(incident),
        how_force_was_used=incident.how_force_was_used,
        reason_narrative=incident.reason_narrative,
        efforts_to_avoid_force=incident.efforts_to_avoid_force,
        outcome=incident.outcome,
    )
