"""The answers of a use-of-force record to each statutory item (a)–(p) of the Use of Force
Act s.6(5) (domain.md §2), worded for the printed record.

Which items are still missing is decided by :func:`app.models.completeness.missing_items`,
never here: this module only says what each answer is, and prints a missing item as
"NOT ANSWERED" (with the completeness rule's detail) so a reader sees the gap. Answers are
plain text from the record; the document escapes them when it lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.models.base import Answer
from app.models.completeness import STATUTORY_ITEMS, missing_items
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import CarePlanNotification, ForceUse, SeriousHarm
from app.models.patient import Patient
from app.reports.parts import moment, span

#: How an item the record does not answer yet reads.
NOT_ANSWERED = "NOT ANSWERED"

SERIOUS_HARM_WORDS: dict[SeriousHarm, str] = {
    SeriousHarm.NONE: "No: the patient neither died nor suffered serious injury",
    SeriousHarm.SERIOUS_INJURY: "Yes: the patient suffered serious injury",
    SeriousHarm.DIED: "Yes: the patient died",
}
NOTIFICATION_WORDS: dict[CarePlanNotification, str] = {
    CarePlanNotification.NOTIFIED: "Yes: the people named in the care plan were notified",
    CarePlanNotification.NOT_NOTIFIED: "No: the people named in the care plan were not notified",
    CarePlanNotification.NONE_TO_NOTIFY: "The care plan names nobody to notify",
}
#: The protected characteristics as domain.md §6 names them.
CHARACTERISTIC_LABELS: dict[str, str] = {
    "marriage_civil_partnership": "Marriage and civil partnership",
    "pregnancy_maternity": "Pregnancy and maternity",
    "ethnicity": "Ethnic category",
}
ANSWER_WORDS: dict[Answer, str] = {
    Answer.YES: "Yes",
    Answer.NO: "No",
    Answer.NOT_KNOWN: "Not known",
}


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    """One statutory item: its letter, the question in plain words, the answer as text, and
    whether the record still lacks it (``gap`` then says what is lacking)."""

    letter: str
    question: str
    answer: str
    missing: bool
    gap: str = ""


def use_line(use: ForceUse) -> str:
    """One type of force in a line: code, type, start, end and duration."""
    return (
        f"{use.intervention_type.value} {use.intervention_type.label}: "
        f"{moment(use.started_at)} to {moment(use.ended_at)} ({span(use.duration)})"
    )


def planned_words(value: bool | None) -> str:
    """Item (d) for one type of force."""
    if value is None:
        return "not answered"
    return "planned (part of the care plan)" if value else "unplanned (not in the care plan)"


def _reason(incident: UseOfForceIncident) -> str:
    code = (
        f"{incident.reason.value} {incident.reason.label}"
        if incident.reason
        else "reason code not recorded"
    )
    return f"{code}. {incident.reason_narrative or 'Narrative not recorded.'}"


def _place(incident: UseOfForceIncident) -> str:
    return (
        f"Location: {incident.location or 'not recorded'}\n"
        f"Started: {moment(incident.started_at)}\n"
        f"Ended: {moment(incident.ended_at)}\n"
        f"Duration: {span(incident.duration)}"
    )


def _planned(incident: UseOfForceIncident) -> str:
    return "\n".join(
        f"{use.intervention_type.value} {use.intervention_type.label}: "
        f"{planned_words(use.in_care_plan)}"
        for use in incident.force_uses
    )


def _staff(incident: UseOfForceIncident) -> str:
    return "\n".join(
        f"{person.name}, {person.job_title}"
        + ("" if person.staff_id else " (not on the staff list: bank, agency or visiting)")
        for person in incident.staff_involved
    )


def _non_staff(incident: UseOfForceIncident) -> str:
    if incident.non_staff_involved is None:
        return ""
    if not incident.non_staff_involved:
        return "No: only unit staff were involved"
    lines = [f"{p.who}: {p.reason}" for p in incident.non_staff_involvement]
    return "\n".join(["Yes", *lines])


def _harm(incident: UseOfForceIncident) -> str:
    if incident.serious_harm is None:
        return ""
    words = SERIOUS_HARM_WORDS[incident.serious_harm]
    detail = incident.serious_harm_detail
    return f"{words}. {detail}" if detail else words


def _notification(incident: UseOfForceIncident) -> str:
    if incident.care_plan_notification is None:
        return ""
    words = NOTIFICATION_WORDS[incident.care_plan_notification]
    detail = incident.care_plan_notification_detail
    return f"{words}. {detail}" if detail else words


def _disorder(patient: Patient) -> str:
    disorder = patient.mental_disorder
    if disorder is None:
        return ""
    if not disorder.known:
        return "Not known"
    code = f" (ICD-10 {disorder.icd10_code})" if disorder.icd10_code else ""
    return f"{disorder.description}{code}"


def characteristics_lines(patient: Patient, at: datetime) -> list[tuple[str, str]]:
    """Item (k): each protected characteristic (domain.md §6) with its answer, age first (at
    ``at``, the start of the incident)."""
    if patient.date_of_birth is not None:
        age = f"{patient.age_at(at)} (born {patient.date_of_birth.strftime('%d/%m/%Y')})"
    else:
        age = "Not known" if patient.date_of_birth_not_known else "not answered"
    lines = [("Age", age)]
    for name, value in patient.characteristics:
        label = CHARACTERISTIC_LABELS.get(name, name.replace("_", " ").capitalize())
        lines.append((label, "not answered" if value is None else value.label))
    return lines


def _characteristics(patient: Patient, at: datetime) -> str:
    return "\n".join(f"{label}: {value}" for label, value in characteristics_lines(patient, at))


def _ld_autism(patient: Patient) -> str:
    def word(value: Answer | None) -> str:
        return "not answered" if value is None else ANSWER_WORDS[value]

    return (
        f"Learning disability: {word(patient.learning_disability)}\nAutism: {word(patient.autism)}"
    )


def _patient_answers(patient: Patient | None, at: datetime) -> dict[str, str]:
    if patient is None:
        return {}
    return {
        "e": patient.display_name if patient.has_name else "",
        "g": patient.nhs_number_display or "",
        "j": _disorder(patient),
        "k": _characteristics(patient, at),
        "l": _ld_autism(patient),
    }


def statutory_answers(incident: UseOfForceIncident, patient: Patient | None) -> list[ItemAnswer]:
    """Every item (a)–(p) in letter order with its answer; the items
    :func:`~app.models.completeness.missing_items` reports are marked missing (domain.md §2:
    complete only when every item is answered)."""
    gaps = {m.item: m.detail for m in missing_items(incident, patient)}
    answers = {
        "a": _reason(incident),
        "b": _place(incident),
        "c": "\n".join(use_line(use) for use in incident.force_uses),
        "d": _planned(incident),
        "f": incident.how_force_was_used or "",
        "h": _staff(incident),
        "i": _non_staff(incident),
        "m": incident.outcome or "",
        "n": _harm(incident),
        "o": incident.efforts_to_avoid_force or "",
        "p": _notification(incident),
        **_patient_answers(patient, incident.started_at),
    }
    items = []
    for letter, question in STATUTORY_ITEMS.items():
        missing = letter in gaps
        answer = answers.get(letter, "")
        if missing and not answer:
            answer = NOT_ANSWERED
        items.append(
            ItemAnswer(
                letter=letter,
                question=question.split(") ", 1)[1],
                answer=answer,
                missing=missing,
                gap=gaps.get(letter, ""),
            )
        )
    return items
