"""The words of a patient's copy at a long-term segregation (LTS) review (issue 8 item 5), in
plain English and in easy read: why they are kept apart from others and since when, what the
review decided and why, what will help them come out (the plan to end it), what they said,
their rights, and who they can talk to (the same contacts as the copy after an incident,
:mod:`app.reports.patient_copy_wording`).

The rights are **described, never advised on** (the copy says so). What they rest on
(domain.md §3 "Long-term segregation"; MHA 1983 Code of Practice chapter 26, 26.150–26.160
*(verify)*):

- LTS is for a sustained risk of harm to others, and should end as soon as it is no longer
  needed; the care plan holds specific, observable steps to end it;
- reviews at set times — an approved clinician every 24 hours, the MDT at least weekly, a
  clinician from another hospital at least every 3 months — printed from the ward's
  :class:`~app.models.policy.SegregationPolicy`, so a trust's own intervals are the ones the
  patient reads *(configurable; verify)*. The external review is described as "a second
  opinion" in everyday words, not as the Mental Health Act's "second opinion appointed
  doctor" (SOAD), which is about treatment *(verify)*;
- the patient's IMHA is told when LTS starts, and may attend reviews;
- an autistic person or a person with a learning disability in LTS should have an independent
  care (education) and treatment review (IC(E)TR) *(verify)*: said as applying when the record
  says so (:func:`app.models.ward_board.needs_icetr`), and otherwise as "if this applies to you",
  because the record may not know;
- the care plan says how contact with staff, family and friends, fresh air and activity are
  kept (domain.md §3 "LTS care plan").

Each section is a list of lines in paragraph markup: the program's wording, with the record's
own text (the care plan, the rationale, the patient's views) escaped by
:func:`app.reports.parts.text`. The copy names no member of staff: the attendees and the
owners of actions are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.models.base import Answer
from app.models.lts_exit_prompts import needs_icetr
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, SegregationPolicy
from app.models.review_clocks import describe_interval
from app.models.segregation import (
    LtsDecision,
    LtsEpisode,
    LtsReview,
    LtsReviewKind,
    Participation,
)
from app.reports.parts import text
from app.reports.patient_copy_facts import clock_time, long_date
from app.reports.patient_copy_wording import (
    EASY_CONTACTS,
    EASY_RECORDS_AND_COMPLAINTS,
    PLAIN_COMPLAINTS,
    PLAIN_CONTACTS,
    CopySection,
    Pictogram,
)

#: Each kind of review, as the end of "This review was …".
REVIEW_KIND_WORDS: dict[LtsReviewKind, str] = {
    LtsReviewKind.APPROVED_CLINICIAN: "a check by an approved clinician, a senior doctor or "
    "other senior clinician responsible for your care",
    LtsReviewKind.MDT: "a meeting of the team that cares for you (the multi-disciplinary team, "
    "or MDT)",
    LtsReviewKind.EXTERNAL: "a review by a doctor from another hospital, who gives a second "
    "opinion on whether segregation is still needed",
    LtsReviewKind.ICETR: "an independent care (education) and treatment review, called an "
    "IC(E)TR, by people from outside the hospital",
}

#: Each kind of review, in the fewest words (the end of "It was …").
EASY_REVIEW_KIND_WORDS: dict[LtsReviewKind, str] = {
    LtsReviewKind.APPROVED_CLINICIAN: "a check by a senior doctor",
    LtsReviewKind.MDT: "a meeting of your care team",
    LtsReviewKind.EXTERNAL: "a check by a doctor from another hospital",
    LtsReviewKind.ICETR: "a check by people from outside the hospital",
}

#: What the review decided, in plain English.
DECISION_WORDS: dict[LtsDecision, str] = {
    LtsDecision.CONTINUE: "The review decided that you should stay in segregation for now, "
    "with the same plan.",
    LtsDecision.MODIFY: "The review decided that you should stay in segregation for now, and "
    "changed your plan.",
    LtsDecision.END: "The review decided that your segregation should end.",
}

#: What the review decided, in easy read (one idea per line).
EASY_DECISION_WORDS: dict[LtsDecision, tuple[str, ...]] = {
    LtsDecision.CONTINUE: ("They decided you stay apart for now.",),
    LtsDecision.MODIFY: ("They decided you stay apart for now.", "They changed your plan."),
    LtsDecision.END: ("They decided your time apart can end.",),
}

_WHO_CAME = {
    Participation.ATTENDED: "came to the review",
    Participation.INVITED_DID_NOT_ATTEND: "was invited to the review but did not come",
}


def _every_days(days: int) -> str:
    if days == 7:
        return "week"
    return "day" if days == 1 else f"{days} days"


def _every_months(months: int) -> str:
    return "month" if months == 1 else f"{months} months"


def _every_interval(interval: timedelta) -> str:
    if interval == timedelta(hours=24):
        return "day"
    return describe_interval(interval)


@dataclass(frozen=True, slots=True)
class LtsReviewWords:
    """The facts of one LTS review as the patient's copy states them."""

    started: str
    #: Whole days in segregation when the review was held (day one is 0).
    days_at_review: int
    #: The day segregation ended, if it has ended by the time the copy is made.
    ended: str | None
    review_day: str
    review_time: str
    kind: LtsReviewKind
    decision: LtsDecision
    rationale: str
    why_needed: str | None
    steps_to_end: str
    #: Actions agreed at the review: what, and the day it is due (owners are left out).
    actions: tuple[tuple[str, str], ...]
    patient_present: bool | None
    patient_views: str | None
    imha: Participation | None
    family: Participation | None
    imha_told: str | None
    icetr_applies: bool
    approved_clinician_every: str
    mdt_every: str
    external_every: str


def lts_review_words(
    patient: Patient,
    episode: LtsEpisode,
    review: LtsReview,
    now: datetime,
    policy: SegregationPolicy = DEFAULT_POLICY.segregation,
) -> LtsReviewWords:
    """The review in the words of the patient's copy (see the module docstring); ``now`` is
    when the copy is made (it says whether segregation has ended by then)."""
    ended = episode.ended_at if episode.ended_at is not None and episode.ended_at <= now else None
    return LtsReviewWords(
        started=long_date(episode.started_at),
        days_at_review=episode.days_elapsed(review.held_at),
        ended=None if ended is None else long_date(ended),
        review_day=long_date(review.held_at),
        review_time=clock_time(review.held_at),
        kind=review.kind,
        decision=review.decision,
        rationale=review.rationale,
        why_needed=episode.care_plan.why_needed,
        steps_to_end=episode.care_plan.steps_to_end,
        actions=tuple((a.action, long_date_of(a.due_on)) for a in review.actions),
        patient_present=review.patient_present,
        patient_views=review.patient_views or None,
        imha=review.imha,
        family=review.family,
        imha_told=(
            long_date(episode.imha_told_at)
            if episode.imha_told is Answer.YES and episode.imha_told_at is not None
            else None
        ),
        icetr_applies=needs_icetr(patient),
        approved_clinician_every=_every_interval(policy.approved_clinician_review_interval),
        mdt_every=_every_days(policy.mdt_review_interval_days),
        external_every=_every_months(policy.external_review_interval_months),
    )


def long_date_of(day: date) -> str:
    """A calendar date in full, e.g. ``Wednesday 1 May 2024``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _days(count: int) -> str:
    if count == 0:
        return "less than a day"
    return f"{count} day{'s' if count != 1 else ''}"


def _record(label: str, value: str | None) -> tuple[str, ...]:
    return () if value is None or not value.strip() else (f"<b>{label}</b> {text(value)}",)


def sentences(value: str) -> tuple[str, ...]:
    """Record text split into one idea per line for the easy-read copy: at the end of each
    sentence, at semicolons and at line breaks; each piece starts with a capital and ends with
    a full stop. Escaped (record text)."""
    pieces = [p.strip(" ,") for p in re.split(r"(?<=[.!?])\s+|;\s*|\n+", value)]
    lines = []
    for piece in filter(None, pieces):
        stop = "" if piece[-1] in ".!?" else "."
        lines.append(text(f"{piece[0].upper()}{piece[1:]}{stop}"))
    return tuple(lines)


# --------------------------------------------------------------------------- plain English

PLAIN_HEADINGS = (
    "Why you are kept apart from others",
    "What this review decided",
    "What will help you come out of segregation",
    "What you said",
    "Your rights",
    "Who you can talk to",
)


def _plain_apart(words: LtsReviewWords) -> tuple[str, ...]:
    lines = [
        (
            f"Since {words.started}, you have been kept apart from the other patients on the ward. "
            "This is called <b>long-term segregation</b>."
        ),
        (
            "When this review was held, you had been in segregation for "
            f"{_days(words.days_at_review)}."
        ),
    ]
    if words.ended is not None:
        lines.append(f"The record says your segregation ended on {words.ended}.")
    lines.append(
        "Staff decided on segregation because they thought there was a lasting risk that someone "
        "else would be hurt if you mixed with other people."
    )
    lines.extend(_record("What your care plan says about why:", words.why_needed))
    lines.append(
        "Segregation is not a punishment. It should last only as long as it is needed to keep "
        "people safe."
    )
    return tuple(lines)


def _plain_decided(words: LtsReviewWords) -> tuple[str, ...]:
    lines = [
        (
            f"This review was held on {words.review_day} at {words.review_time}. It was "
            f"{REVIEW_KIND_WORDS[words.kind]}."
        )
    ]
    if words.patient_present is True:
        lines.append("You were at the review.")
    elif words.patient_present is False:
        lines.append("You were not at the review.")
    for who, came in (("Your IMHA (advocate)", words.imha), ("Your family", words.family)):
        if came in _WHO_CAME:
            lines.append(f"{who} {_WHO_CAME[came]}.")
    lines.append(DECISION_WORDS[words.decision])
    lines.extend(_record("What the review team wrote about why:", words.rationale))
    lines.append(
        "You may see things differently. You can say so to staff or your advocate, and ask for "
        "your view to be written down for the next review."
    )
    return tuple(lines)


def _plain_way_out(words: LtsReviewWords) -> tuple[str, ...]:
    lines = []
    if words.decision is LtsDecision.END:
        lines.append(
            "The review decided to end your segregation. Staff should help you to spend time "
            "with other people again, step by step."
        )
    lines.append(
        "Your care plan must say what needs to happen for your segregation to end, in steps "
        "that you and staff can see."
    )
    lines.extend(_record("The steps in your care plan:", words.steps_to_end))
    lines.extend(
        f"<b>Staff agreed at this review to:</b> {text(action)} (by {due})."
        for action, due in words.actions
    )
    lines.append(
        "Staff should talk with you about these steps and how you are doing. You can ask for a "
        "copy of your care plan, and say what would help you."
    )
    return tuple(lines)


def _plain_said(words: LtsReviewWords) -> tuple[str, ...]:
    lines: list[str] = []
    if words.patient_views is not None:
        lines.extend(_record("The review record says you said:", words.patient_views))
    elif words.patient_present is False:
        lines.append(
            "You were not at this review, and the record does not say what you think. Staff "
            "should ask you before the next one."
        )
    else:
        lines.append("The record does not say what you said at this review.")
    lines.append(
        "If this is not what you meant, or you want to say more, tell staff, your advocate or "
        "your family. You can ask for your views to be written down for the next review."
    )
    return tuple(lines)


def _plain_rights(words: LtsReviewWords) -> tuple[str, ...]:
    lines = [
        (
            "The Mental Health Act Code of Practice says how long-term segregation should be used. "
            "It should be used only when it is needed to keep other people safe, and it should end "
            "as soon as it is no longer needed."
        ),
        (
            "Your segregation must be reviewed at set times: by an approved clinician every "
            f"{words.approved_clinician_every}; by the team that cares for you (the MDT) at least "
            f"every {words.mdt_every}; and by a doctor from another hospital at least every "
            f"{words.external_every}. That doctor gives a second opinion on whether segregation is "
            "still needed."
        ),
        (
            "Your Independent Mental Health Advocate (IMHA) should be told when segregation "
            "starts, and can come to your reviews with you."
        ),
    ]
    if words.imha_told is not None:
        lines.append(f"The record says your IMHA was told on {words.imha_told}.")
    if words.icetr_applies:
        lines.append(
            "Your record says you are autistic or have a learning disability. You should also "
            "have an <b>independent care (education) and treatment review</b> (IC(E)TR): people "
            "from outside the hospital look at your care and whether segregation is still right."
        )
    else:
        lines.append(
            "If you are autistic or have a learning disability, you should also have an "
            "<b>independent care (education) and treatment review</b> (IC(E)TR), by people from "
            "outside the hospital. Tell staff if this applies to you."
        )
    lines.extend(
        (
            (
                "While you are apart, your care plan should say how you keep in touch with staff, "
                "family and friends, get fresh air, and have things to do."
            ),
            "You can ask to see your health records, including the records of your reviews.",
            *PLAIN_COMPLAINTS,
        )
    )
    return tuple(lines)


def plain_lts_sections(words: LtsReviewWords) -> tuple[CopySection, ...]:
    """The plain-English copy, section by section (headings :data:`PLAIN_HEADINGS`)."""
    apart, decided, way_out, said, rights, contacts = PLAIN_HEADINGS
    return (
        CopySection(apart, Pictogram.ROOM, _plain_apart(words)),
        CopySection(decided, Pictogram.TICK, _plain_decided(words)),
        CopySection(way_out, Pictogram.WAY_OUT, _plain_way_out(words)),
        CopySection(said, Pictogram.SPEECH, _plain_said(words)),
        CopySection(rights, Pictogram.SCALES, _plain_rights(words)),
        CopySection(contacts, Pictogram.PHONE, PLAIN_CONTACTS),
    )


# ------------------------------------------------------------------------------ easy read

EASY_HEADINGS = (
    "Why you are kept apart",
    "What the review decided",
    "What will help you come out",
    "What you said",
    "Your rights",
    "Who you can talk to",
)


def _easy_apart(words: LtsReviewWords) -> tuple[str, ...]:
    lines = [
        "You are kept apart from other patients.",
        "This is called segregation.",
        f"It started on {words.started}.",
    ]
    if words.days_at_review > 0:
        lines.append(f"At this review, it had been {_days(words.days_at_review)}.")
    if words.ended is not None:
        lines.append(f"It ended on {words.ended}.")
    lines.extend(
        (
            "Staff think other people could get hurt.",
            "It is not a punishment.",
            "It should end as soon as it can.",
        )
    )
    return tuple(lines)


def _easy_decided(words: LtsReviewWords) -> tuple[str, ...]:
    lines = [
        f"Your review was on {words.review_day}.",
        f"It was {EASY_REVIEW_KIND_WORDS[words.kind]}.",
    ]
    if words.patient_present is True:
        lines.append("You were at the review.")
    elif words.patient_present is False:
        lines.append("You were not at the review.")
    if words.imha is Participation.ATTENDED:
        lines.append("Your IMHA came too.")
    lines.extend(EASY_DECISION_WORDS[words.decision])
    lines.extend(("You can ask to read what they wrote.", "You may see it differently."))
    return tuple(lines)


def _easy_way_out(words: LtsReviewWords) -> tuple[str, ...]:
    lines = ["Your plan has steps to help you come out.", "Staff wrote these steps:"]
    lines.extend(sentences(words.steps_to_end))
    if words.actions:
        lines.extend(("Staff agreed things to do next.", "Ask them to tell you what."))
    lines.extend(("Staff will help you with each step.", "Ask staff how you are doing."))
    return tuple(lines)


def _easy_said(words: LtsReviewWords) -> tuple[str, ...]:
    if words.patient_views is not None:
        lines = ["Staff wrote that you said:", *sentences(words.patient_views)]
    else:
        lines = ["The record does not say what you said."]
    lines.extend(("You can say what you think at any time.", "You can ask staff to write it down."))
    return tuple(lines)


def _easy_rights(words: LtsReviewWords) -> tuple[str, ...]:
    lines = [
        "There are rules about segregation.",
        f"A senior doctor must check on you every {words.approved_clinician_every}.",
        f"Your care team must meet about it every {words.mdt_every}.",
        f"A doctor from another hospital checks every {words.external_every}.",
        "Your IMHA can come to your reviews.",
    ]
    if words.icetr_applies:
        lines.extend(
            (
                "People from outside should check your care too.",
                "This is called an IC(E)TR.",
            )
        )
    else:
        lines.extend(
            (
                "Are you autistic or do you have a learning disability?",
                "Then people from outside should check your care too.",
                "This is called an IC(E)TR.",
            )
        )
    lines.extend(
        (
            "You should have time with people.",
            "You should have fresh air and things to do.",
            *EASY_RECORDS_AND_COMPLAINTS,
        )
    )
    return tuple(lines)


def easy_read_lts_sections(words: LtsReviewWords) -> tuple[CopySection, ...]:
    """The easy-read copy, section by section: short sentences, one idea per line (headings
    :data:`EASY_HEADINGS`)."""
    apart, decided, way_out, said, rights, contacts = EASY_HEADINGS
    return (
        CopySection(apart, Pictogram.ROOM, _easy_apart(words)),
        CopySection(decided, Pictogram.TICK, _easy_decided(words)),
        CopySection(way_out, Pictogram.WAY_OUT, _easy_way_out(words)),
        CopySection(said, Pictogram.SPEECH, _easy_said(words)),
        CopySection(rights, Pictogram.SCALES, _easy_rights(words)),
        CopySection(contacts, Pictogram.PHONE, EASY_CONTACTS),
    )
