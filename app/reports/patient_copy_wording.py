"""The words of a patient's copy after an incident (issue 8 item 5), in plain English and in
easy read: what happened, why, talking about it (the debrief), their rights, and who they can
talk to.

The rights are **described, never advised on** (the copy says so): the Mental Health Units
(Use of Force) Act 2018, "Seni's Law", requires a record of every use of force (domain.md §1,
§2); the Mental Health Act 1983 Code of Practice, chapter 26, says restrictive interventions
are a last resort, for the shortest time, in the least restrictive way (domain.md §3); the
post-incident debrief is offered to the patient (domain.md §2 good practice). The advocacy
and complaint routes are described in general terms *(verify against the trust's own
leaflets)*: an Independent Mental Health Advocate (IMHA) for most patients detained under the
Mental Health Act, PALS, the Care Quality Commission (CQC). No telephone numbers are printed:
a wrong number on a patient's leaflet does harm; staff give the current ones.

Each section is a list of lines in paragraph markup: the program's wording, with the record's
own text escaped by :func:`app.reports.parts.text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.reports.parts import text
from app.reports.patient_copy_facts import Debrief, IncidentWords


class Pictogram(StrEnum):
    """The picture drawn beside a heading of the easy-read copy."""

    PERSON = "person"
    QUESTION = "question"
    SPEECH = "speech"
    SCALES = "scales"
    PHONE = "phone"
    #: A person in a room of their own (long-term segregation).
    ROOM = "room"
    #: A tick on a sheet (what a review decided).
    TICK = "tick"
    #: An arrow going out of an open door (the way out of segregation).
    WAY_OUT = "way_out"


@dataclass(frozen=True, slots=True)
class CopySection:
    """One section: its heading, its picture, and its lines (paragraph markup)."""

    heading: str
    pictogram: Pictogram
    lines: tuple[str, ...]


def _record(label: str, value: str | None) -> tuple[str, ...]:
    return () if value is None else (f"<b>{label}</b> {text(value)}",)


# --------------------------------------------------------------------------- plain English


def _plain_happened(words: IncidentWords) -> tuple[str, ...]:
    when = f"This happened on {words.day}. It started at {words.started}"
    if words.ended is None:
        when += "; the record does not say when it ended."
    else:
        when += f" and ended at {words.ended} ({words.duration})."
    lines = [when]
    if words.place is not None:
        lines.append(f"Where it happened: {text(words.place)}.")
    lines.extend(f"{did}." for did in words.what_staff_did)
    lines.extend(_record("What staff wrote about how force was used:", words.how_force_was_used))
    lines.extend(_record("What happened afterwards:", words.outcome))
    if words.seriously_hurt:
        lines.append("The record says you were seriously hurt.")
    elif words.hurt:
        lines.append("The record says you were hurt.")
    elif words.hurt is False:
        lines.append("The record says you were not hurt.")
    if words.hurt:
        lines.append("If you still have pain or an injury, tell staff and ask to see a doctor.")
    return tuple(lines)


def _plain_why(words: IncidentWords) -> tuple[str, ...]:
    lines = []
    if words.reason is None:
        lines.append("The record does not yet say why force was used.")
    else:
        lines.append(f"Staff recorded that they used force {words.reason}.")
    lines.extend(_record("What staff wrote about why:", words.reason_narrative))
    lines.extend(
        _record("What staff tried first, to avoid using force:", words.efforts_to_avoid_force)
    )
    lines.append(
        "You may see things differently. You can tell staff, your advocate or PALS, and ask "
        "for your view to be written down."
    )
    return tuple(lines)


_PLAIN_DEBRIEF = {
    Debrief.HELD: "The record says that staff have talked with you about what happened.",
    Debrief.NOT_YET: "The record says that this talk has not happened yet. You can ask for "
    "it at any time.",
    Debrief.NOT_RECORDED: "You can ask for this talk at any time.",
}


def _plain_talking(words: IncidentWords) -> tuple[str, ...]:
    return (
        (
            "Staff should offer you a chance to talk about what happened, when you feel ready. "
            "This is called a debrief or post-incident review."
        ),
        _PLAIN_DEBRIEF[words.debrief],
        (
            "You can say what happened from your point of view, how it felt, and what might help "
            "to avoid force being used again. This can be written into your care plan."
        ),
    )


#: Complaints, the CQC and "not legal advice": the end of every copy's rights (the copy after
#: an incident, and the copy at a long-term segregation review).
PLAIN_COMPLAINTS: tuple[str, ...] = (
    (
        "If you are unhappy about what happened, you can complain to the hospital. Making a "
        "complaint should not affect your care."
    ),
    (
        "If you are detained under the Mental Health Act, you can also raise concerns about how "
        "the Act was used with the Care Quality Commission (CQC)."
    ),
    (
        "This paper describes your rights in general. It is not legal advice. If you want legal "
        "advice, your advocate or the ward staff can tell you how to find a solicitor who knows "
        "mental health law."
    ),
)

PLAIN_RIGHTS: tuple[str, ...] = (
    (
        "A law, the Mental Health Units (Use of Force) Act 2018, also called <b>Seni's Law</b>, "
        "says the hospital must keep a record every time staff use force on a patient. This copy "
        "comes from that record."
    ),
    (
        "The Mental Health Act Code of Practice says that force should be used only as a last "
        "resort, for as short a time as possible, and in the least restrictive way."
    ),
    "You can ask to see your health records, including this record.",
    *PLAIN_COMPLAINTS,
)

PLAIN_CONTACTS: tuple[str, ...] = (
    "<b>Staff on your ward</b>, such as your named nurse, the nurse in charge or the ward manager.",
    (
        "<b>An Independent Mental Health Advocate (IMHA).</b> Most patients detained under the "
        "Mental Health Act can get help from an IMHA. An IMHA does not work for the hospital. "
        "They can help you understand your rights and say what you want."
    ),
    (
        "<b>An advocacy service.</b> If you cannot have an IMHA, staff can tell you about other "
        "advocates who can help you speak up."
    ),
    (
        "<b>PALS, the Patient Advice and Liaison Service.</b> PALS helps patients with questions, "
        "worries and complaints about their NHS care."
    ),
    (
        "<b>The Care Quality Commission (CQC).</b> The CQC checks that hospitals are safe and "
        "give good care. You can tell them about your care. Their visitors come to wards and "
        "can talk with detained patients in private."
    ),
    "<b>Your family, a carer or a friend.</b>",
    "Staff can give you the current telephone numbers and addresses.",
)


def plain_sections(words: IncidentWords) -> tuple[CopySection, ...]:
    """The plain-English copy, section by section."""
    return (
        CopySection("What happened", Pictogram.PERSON, _plain_happened(words)),
        CopySection("Why staff used force", Pictogram.QUESTION, _plain_why(words)),
        CopySection("Talking about what happened", Pictogram.SPEECH, _plain_talking(words)),
        CopySection("Your rights", Pictogram.SCALES, PLAIN_RIGHTS),
        CopySection("Who you can talk to", Pictogram.PHONE, PLAIN_CONTACTS),
    )


# ------------------------------------------------------------------------------ easy read


def _easy_happened(words: IncidentWords) -> tuple[str, ...]:
    lines = [f"This happened on {words.day}.", f"It started at {words.started}."]
    if words.duration is not None:
        lines.append(f"It lasted {words.duration}.")
    if words.place is not None:
        lines.append(f"It happened here: {text(words.place)}.")
    lines.extend(f"{did}." for did in words.what_staff_did_easy)
    if words.hurt:
        lines.extend(("The record says you were hurt.", "Tell staff if you still feel pain."))
    elif words.hurt is False:
        lines.append("The record says you were not hurt.")
    return tuple(lines)


def _easy_why(words: IncidentWords) -> tuple[str, ...]:
    lines = ["Staff wrote down why they used force."]
    if words.reason is not None and words.reason_is_specific:
        lines.extend(("They wrote it was:", f"{words.reason[0].upper()}{words.reason[1:]}."))
    lines.extend(("You can ask to read what staff wrote.", "You may see it differently."))
    lines.append("You can ask staff to write down your view.")
    return tuple(lines)


_EASY_DEBRIEF = {
    Debrief.HELD: "The record says staff have talked with you.",
    Debrief.NOT_YET: "The record says this has not happened yet.",
    Debrief.NOT_RECORDED: "",
}


def _easy_talking(words: IncidentWords) -> tuple[str, ...]:
    lines = [
        "Staff should offer to talk with you about it.",
        "This is called a debrief.",
        _EASY_DEBRIEF[words.debrief],
        "You can ask for a talk at any time.",
        "You can say how you felt.",
        "You can say what would help next time.",
    ]
    return tuple(line for line in lines if line)


#: Records, complaints and "not legal advice", in easy read: the end of every copy's rights.
EASY_RECORDS_AND_COMPLAINTS: tuple[str, ...] = (
    "You can ask to see your records.",
    "You can complain if you are unhappy.",
    "Complaining should not change your care.",
    "This paper is not legal advice.",
)

EASY_RIGHTS: tuple[str, ...] = (
    "There is a law about force in hospitals.",
    "It is called Seni's Law.",
    "Staff must write down each time they use force.",
    "Staff should only use force if they have to.",
    "They should stop as soon as they can.",
    *EASY_RECORDS_AND_COMPLAINTS,
)

EASY_CONTACTS: tuple[str, ...] = (
    "Staff on your ward.",
    "An IMHA. This is an advocate.",
    "An advocate helps you say what you want.",
    "PALS. They help with worries and complaints.",
    "The CQC. They check that hospitals are safe.",
    "Your family, a carer or a friend.",
    "Staff can give you phone numbers.",
)


def easy_read_sections(words: IncidentWords) -> tuple[CopySection, ...]:
    """The easy-read copy, section by section: short sentences, one idea per line."""
    return (
        CopySection("What happened", Pictogram.PERSON, _easy_happened(words)),
        CopySection("Why", Pictogram.QUESTION, _easy_why(words)),
        CopySection("Talking about it", Pictogram.SPEECH, _easy_talking(words)),
        CopySection("Your rights", Pictogram.SCALES, EASY_RIGHTS),
        CopySection("Who you can talk to", Pictogram.PHONE, EASY_CONTACTS),
    )
