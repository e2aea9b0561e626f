"""The sections of the segregation review document, in the order domain.md §3 "What a
segregation review document holds" lists them. Every fact comes from the records (through
:class:`~app.reports.segregation_review.LtsReviewInputs`); a fact RPR does not hold is printed
as such (:data:`~app.reports.segregation_parts.NOT_HELD`) so the meeting fills it in by hand
rather than reading a blank as "nothing to say".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.models.incident import UseOfForceIncident
from app.models.refs import ClinicalRole, PersonRef
from app.models.segregation import LtsReview, Participation, engagement_totals
from app.reports.parts import (
    BODY,
    H1,
    NOT_RECORDED,
    SMALL,
    day,
    facts,
    heading,
    markup,
    nhs,
    para,
    rows_table,
    section,
    signature_lines,
    text,
    when,
    yes_no,
)
from app.reports.segregation_exit import exit_plan
from app.reports.segregation_parts import (
    NOT_HELD,
    answer,
    clocks_table,
    labelled,
    length,
    lower_first,
    named,
    named_all,
    opened,
    table_or_none,
)

if TYPE_CHECKING:
    from app.reports.document import Heading
    from app.reports.segregation_review import LtsReviewInputs

WIDTH = 174 * mm

#: The section headings, numbered as printed (tests look for each).
TITLES = (
    "1. Identity and legal status",
    "2. Episode",
    "3. Review",
    "4. Compliance: review clocks",
    "5. Why segregation continues",
    "6. Care in segregation",
    "7. Physical and mental health",
    "8. Engagement and activity",
    "9. Plan to end segregation and progress",
    "10. Patient voice",
    "11. Decision and actions",
    "12. Sign-off",
)

_PARTICIPATION_WORDS: dict[Participation, str] = {
    Participation.NOT_INVITED: "Not invited",
    Participation.INVITED_DID_NOT_ATTEND: "Invited, did not attend",
    Participation.ATTENDED: "Invited and attended",
}


def _participation(value: Participation | None) -> str:
    return NOT_RECORDED if value is None else _PARTICIPATION_WORDS[value]


def _review_name(review: LtsReview) -> str:
    return f"{review.kind.label}, {when(review.held_at)}"


def sections(inputs: LtsReviewInputs, printed: Heading) -> list[Flowable]:
    """Sections 1 to 12 (the appendix is :mod:`app.reports.segregation_appendix`)."""
    period = inputs.period
    intro = markup(
        f"Period covered: <b>{when(period.start)}</b> to <b>{when(period.end)}</b>. "
        "Review clocks are shown as they stood at the end of the period.",
        BODY,
    )
    return [
        heading("Long-term segregation review", H1),
        intro,
        *_identity(inputs),
        *_episode(inputs),
        *_review(inputs),
        *_compliance(inputs),
        *_why_continues(inputs),
        *_care(inputs),
        *_health(inputs),
        *_engagement(inputs),
        *_plan(inputs),
        *_voice(inputs),
        *_decision(inputs),
        *_sign_off(printed),
    ]


def _responsible_clinician(inputs: LtsReviewInputs) -> PersonRef | None:
    """The responsible clinician as the latest record names one (the patient record has no
    such field): the latest review attendee, else the deciding MDT, else the authoriser."""
    people: list[PersonRef] = [
        p for review in reversed(inputs.own_reviews) for p in review.attendees
    ]
    people += [*inputs.episode.decision_attendees, inputs.episode.authorised_by]
    return next((p for p in people if p.role is ClinicalRole.RESPONSIBLE_CLINICIAN), None)


def _identity(inputs: LtsReviewInputs) -> list[Flowable]:
    patient = inputs.patient
    age = patient.age_at(inputs.at)
    born = day(patient.date_of_birth)
    if age is not None:
        born = f"{born} (aged {age})"
    elif patient.date_of_birth_not_known:
        born = "Not known"
    status = patient.legal_status.label if patient.legal_status else NOT_RECORDED
    if patient.legal_status_detail:
        status = f"{status}: {patient.legal_status_detail}"
    disorder = patient.mental_disorder
    if disorder is None:
        disorder_text = NOT_RECORDED
    elif not disorder.known:
        disorder_text = "Not known"
    else:
        disorder_text = disorder.description or NOT_RECORDED
        if disorder.icd10_code:
            disorder_text = f"{disorder_text} ({disorder.icd10_code})"
    return section(
        TITLES[0],
        facts(
            [
                ("Name", patient.filing_name),
                ("NHS number", nhs(patient.nhs_number)),
                ("Date of birth", born),
                ("Ward", inputs.ward_name),
                ("Mental Health Act status", status),
                ("Responsible clinician", named(_responsible_clinician(inputs))),
                ("Learning disability", answer(patient.learning_disability)),
                ("Autism", answer(patient.autism)),
                ("Mental disorder", disorder_text),
            ]
        ),
    )


def _episode(inputs: LtsReviewInputs) -> list[Flowable]:
    episode = inputs.episode
    imha = answer(episode.imha_told)
    if episode.imha_told_at is not None:
        imha = f"{imha}, {when(episode.imha_told_at)}"
    ended = "Running" if episode.ended_at is None or episode.ended_at > inputs.at else "Ended"
    return section(
        TITLES[1],
        facts(
            [
                ("Restriction", "Long-term segregation"),
                ("Started", when(episode.started_at)),
                ("Days in segregation (end of period)", str(episode.days_elapsed(inputs.at))),
                ("Status", ended),
                ("Ended", when(episode.ended_at) if episode.ended_at else "Not ended"),
                ("Authorised by", named(episode.authorised_by)),
                ("Commissioner's representative", named(episode.commissioner)),
                ("MDT that decided", named_all(episode.decision_attendees)),
                ("IMHA told", imha),
            ]
        ),
    )


def _review(inputs: LtsReviewInputs) -> list[Flowable]:
    review = inputs.featured
    if review is None:
        return section(TITLES[2], markup("No review was held in the period.", BODY))
    pairs: list[tuple[str, object]] = [
        ("Review", review.kind.label),
        ("Held", when(review.held_at)),
        ("Attendees and roles", named_all(review.attendees)),
        ("Patient present", yes_no(review.patient_present)),
        ("Patient's views", review.patient_views),
        ("IMHA", _participation(review.imha)),
        ("Family or carer", _participation(review.family)),
        ("Commissioner", _participation(review.commissioner)),
    ]
    if review.external_clinician is not None:
        pairs.append(("External clinician", named(review.external_clinician)))
        pairs.append(("From hospital", review.external_hospital))
    note = markup(
        "<i>The latest MDT, external or IC(E)TR review in the period (the latest "
        "approved-clinician review when none was held). Every review is listed in the "
        "appendix.</i>",
        SMALL,
    )
    return section(TITLES[2], facts(pairs), note)


def _compliance(inputs: LtsReviewInputs) -> list[Flowable]:
    overdue = [c for c in inputs.clocks if c.overdue]
    if overdue:
        names = ", ".join(text(c.kind.label) for c in overdue)
        summary = markup(f"<b>Overdue at the end of the period: {names}.</b>", BODY)
    else:
        summary = markup("No review was overdue at the end of the period.", BODY)
    lapses = len(inputs.lapses)
    late = markup(
        f"Reviews late or missed in the period: <b>{lapses}</b>"
        + (" (listed in the appendix)." if lapses else "."),
        BODY,
    )
    return section(TITLES[3], clocks_table(inputs.clocks), summary, late)


def _since(inputs: LtsReviewInputs) -> tuple[str, list[UseOfForceIncident]]:
    """Incidents since the featured review (or in the whole period without one)."""
    review = inputs.featured
    if review is None:
        return "In the period", list(inputs.incidents_in_period)
    later = [i for i in inputs.incidents_in_period if i.started_at > review.held_at]
    return f"Since the {lower_first(review.kind.label)} of {when(review.held_at)}", later


def _why_continues(inputs: LtsReviewInputs) -> list[Flowable]:
    plan = inputs.episode.care_plan
    since, later = _since(inputs)
    latest = inputs.reviews_in_period[-1] if inputs.reviews_in_period else None
    return section(
        TITLES[4],
        facts(
            [
                ("Why segregation is needed (care plan)", plan.why_needed),
                ("Managing the risk (care plan)", plan.risk_management),
                (
                    "Latest review's reasoning",
                    f"{_review_name(latest)}: {latest.rationale}" if latest else NOT_RECORDED,
                ),
                ("Use-of-force incidents in the period", str(len(inputs.incidents_in_period))),
                (f"{since}", f"{len(later)} incident(s)"),
                ("Alternatives considered", NOT_HELD),
            ]
        ),
    )


def _care(inputs: LtsReviewInputs) -> list[Flowable]:
    plan = inputs.episode.care_plan
    environment = "\n".join(
        f"{label}: {value}"
        for label, value in (
            ("Own area", plan.own_area),
            ("Fresh air", plan.fresh_air),
            ("Bathroom", plan.bathroom),
        )
        if value
    )
    return section(
        TITLES[5],
        facts(
            [
                ("Environment", environment or None),
                ("Clothing", NOT_HELD),
                ("Food and fluids", NOT_HELD),
                ("Hygiene", NOT_HELD),
                ("Communication and contact", plan.meaningful_contact),
                ("Trauma and triggers", NOT_HELD),
                ("Positive behaviour support plan", plan.risk_management),
            ]
        ),
    )


def _health_events(incidents: Iterable[UseOfForceIncident]) -> list[list[object]]:
    rows: list[list[object]] = []
    for incident in incidents:
        for use in incident.force_uses:
            rt = use.rapid_tranquillisation
            if rt is not None:
                oral = answer(rt.oral_offered_first)
                rows.append(
                    [
                        when(rt.given_at),
                        "Rapid tranquillisation",
                        (
                            f"{rt.drug} {rt.dose}, {rt.route.value}, {rt.site}; "
                            f"oral offered first: {oral}"
                        ),
                    ]
                )
            if use.patient_injured:
                rows.append([when(use.started_at), "Patient injured", use.intervention_type.label])
        if incident.serious_harm is not None and incident.serious_harm.value != "none":
            detail = incident.serious_harm_detail or incident.serious_harm.value.replace("_", " ")
            rows.append([when(incident.started_at), "Serious harm", detail])
    return rows


def _health(inputs: LtsReviewInputs) -> list[Flowable]:
    plan = inputs.episode.care_plan
    events = _health_events(inputs.incidents_in_period)
    return section(
        TITLES[6],
        facts(
            [
                ("Physical health monitoring (care plan)", plan.physical_health_monitoring),
                ("Physical observations", NOT_HELD),
                ("Medication", NOT_HELD),
            ]
        ),
        *labelled(
            "Rapid tranquillisation and injuries in the period (from the use-of-force records):",
            table_or_none(
                ("When", "What", "Detail"), events, [WIDTH * 0.2, WIDTH * 0.22, WIDTH * 0.58]
            ),
        ),
    )


def _engagement(inputs: LtsReviewInputs) -> list[Flowable]:
    period = inputs.period
    totals = engagement_totals(inputs.engagement, period.start, period.end)
    counted = [
        e
        for e in inputs.engagement
        if e.episode_id == inputs.episode.id
        and e.started_at < period.end
        and e.ended_at > period.start
    ]
    rows = [
        [
            kind.label,
            str(sum(1 for e in counted if e.kind is kind)),
            length(total),
            length(total / period.days),
        ]
        for kind, total in totals.items()
    ]
    plan = inputs.episode.care_plan
    return section(
        TITLES[7],
        rows_table(
            ("Engagement", "Entries", "Total in the period", "Average a day"),
            rows,
            [WIDTH * 0.4, WIDTH * 0.14, WIDTH * 0.23, WIDTH * 0.23],
        ),
        facts(
            [
                ("Activity (care plan)", plan.activity),
                ("Contact with staff, family and others (care plan)", plan.meaningful_contact),
            ]
        ),
    )


def _plan(inputs: LtsReviewInputs) -> list[Flowable]:
    featured, previous = inputs.featured, inputs.previous_of_featured_kind
    since = previous.held_at if previous is not None else inputs.period.start
    reviews = [r for r in inputs.reviews_in_period if r.held_at > since]
    rows = [
        [when(r.held_at), r.kind.label, r.decision.value.capitalize(), r.rationale] for r in reviews
    ]
    if previous is not None and featured is not None:
        intro = f"Reviews since the previous {lower_first(featured.kind.label)} ({when(since)}):"
    else:
        intro = "Reviews in the period:"
    return opened(
        TITLES[8],
        facts([("Steps to end segregation (care plan)", inputs.episode.care_plan.steps_to_end)]),
        *exit_plan(inputs, since),
        *labelled(
            intro,
            table_or_none(
                ("Held", "Review", "Decision", "Reasoning"),
                rows,
                [WIDTH * 0.17, WIDTH * 0.25, WIDTH * 0.12, WIDTH * 0.46],
            ),
        ),
    )


def _voice(inputs: LtsReviewInputs) -> list[Flowable]:
    rows = [
        [when(r.held_at), r.kind.label, yes_no(r.patient_present), r.patient_views]
        for r in inputs.reviews_in_period
        if r.patient_views
    ]
    return opened(
        TITLES[9],
        markup("What the patient said at each review in the period:", BODY),
        table_or_none(
            ("Held", "Review", "Present", "The patient's views"),
            rows,
            [WIDTH * 0.17, WIDTH * 0.25, WIDTH * 0.1, WIDTH * 0.48],
            none="No views were recorded at the reviews in the period.",
        ),
    )


def _decision(inputs: LtsReviewInputs) -> list[Flowable]:
    review = inputs.featured
    actions = [
        [a.action, a.owner, day(a.due_on), _review_name(r)]
        for r in inputs.reviews_in_period
        for a in r.actions
    ]
    next_due = [
        [c.kind.label, when(c.next_due) if c.next_due else "No due date"] for c in inputs.clocks
    ]
    episode = inputs.episode
    notified = f"IMHA told when segregation started: {answer(episode.imha_told)}"
    if review is not None:
        notified += (
            f"\nAt this review: IMHA {_participation(review.imha).lower()}; family or carer "
            f"{_participation(review.family).lower()}; commissioner "
            f"{_participation(review.commissioner).lower()}"
        )
    pairs: list[tuple[str, object]] = [
        ("Decision", review.decision.value.capitalize() if review else NOT_RECORDED),
        ("Reasoning", review.rationale if review else None),
        ("Notifications", notified),
    ]
    return opened(
        TITLES[10],
        facts(pairs),
        *labelled(
            "Actions agreed at reviews in the period:",
            table_or_none(
                ("Action", "Owner", "Due", "Agreed at"),
                actions,
                [WIDTH * 0.4, WIDTH * 0.17, WIDTH * 0.13, WIDTH * 0.3],
                none="No actions were agreed in the period.",
            ),
        ),
        *labelled(
            "Next review dates:",
            rows_table(("Review", "Next due"), next_due, [WIDTH * 0.5, WIDTH * 0.5]),
        ),
    )


def _sign_off(printed: Heading) -> list[Flowable]:
    roles = (
        "Approved clinician / responsible clinician",
        "Ward manager",
        "Commissioner's representative",
        "External reviewer (when present)",
    )
    line = f"Printed by {printed.printed_by} on {when(printed.printed_at)}."
    return section(TITLES[11], signature_lines(roles), para(line))
