"""The use-of-force record PDF (issue 8 item 2): the statutory record of one incident as CQC
reviewers and the ward read it on paper.

What it holds, in order:

- **Summary**: the patient, the incident's reference (the MHSDS ``RestrictiveIntIncID``), its
  status, and whether the record is complete — every item (a)–(p) answered (domain.md §2,
  :mod:`app.models.completeness`), the details needed before submission and before sign-off;
- **Statutory items (a)–(p)**: each item of s.6(5) with its answer; an unanswered item says
  NOT ANSWERED and is shaded (:mod:`app.reports.incident_items`);
- **Types of force used**: code, type, start, end, duration, planned or not, injuries
  (MHSDS MHS515, domain.md §4.2), prone restraint over the threshold flagged (domain.md §3),
  rapid tranquillisation and the authorisation of mechanical restraint;
- **Staff who used force** (item (h)) and **Staff accounts** (each one's own account and its
  additions, :mod:`app.models.staff_statement`);
- **Post-incident review**, **Review and sign-off** (submitted, returned for correction,
  signed off);
- **Revision history**: who saved each version, when, what changed, amendments and voids with
  their reasons (:mod:`app.reports.incident_history`);
- **Signatures**: lines to sign by hand.

Fed with domain objects only; :func:`incident_record_pdf` returns the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.models.codes import InterventionType
from app.models.completeness import missing_details, missing_for_sign_off, missing_items
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import ForceUse, IncidentStatus, RapidTranquillisation
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, ClinicalPolicy
from app.models.restraint_rules import prone_uses_over_threshold
from app.models.revision import Revision
from app.models.staff_statement import StaffStatement, accounts_of
from app.reports.document import Heading, render
from app.reports.incident_history import HistoryLine, history_lines
from app.reports.incident_items import (
    ANSWER_WORDS,
    planned_words,
    statutory_answers,
)
from app.reports.parts import (
    BODY,
    CELL,
    H1,
    H3,
    SMALL,
    facts,
    markup,
    moment,
    nhs,
    para,
    rows_table,
    section,
    short_moment,
    signature_lines,
    span,
    text,
    yes_no,
)

TITLE = "Use-of-force record"
#: Section headings, in order (the tests look for each one in the PDF's text).
SECTIONS = (
    "Summary",
    "Statutory items (a)–(p)",
    "Types of force used",
    "Staff who used force",
    "Staff accounts",
    "Post-incident review",
    "Review and sign-off",
    "Revision history",
    "Signatures",
)
STATUS_WORDS: dict[IncidentStatus, str] = {
    IncidentStatus.DRAFT: "Draft (not yet submitted)",
    IncidentStatus.SUBMITTED: "Submitted, awaiting a ward manager's sign-off",
    IncidentStatus.SIGNED_OFF: "Signed off",
}
SIGNATURE_ROLES = (
    "Member of staff who completed the record",
    "Ward manager / nurse in charge (sign-off)",
)


@dataclass(frozen=True, slots=True)
class IncidentRecordInputs:
    """Everything the record is printed from: the incident's current version, its patient
    (``None`` if the store has none), the staff accounts about it, its revisions oldest
    first, sign-in names → "name, job title (username)", and its storage state."""

    incident: UseOfForceIncident
    patient: Patient | None
    statements: Sequence[StaffStatement] = ()
    history: Sequence[Revision] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    voided: bool = False
    #: More than one: diverging versions wait for a person to resolve them.
    versions: int = 1
    policy: ClinicalPolicy = DEFAULT_POLICY


def heading_subject(incident: UseOfForceIncident, patient: Patient | None) -> str:
    """The line under the title: the patient, the NHS number and when the incident began."""
    name = patient.filing_name if patient is not None else "Patient record not found"
    number = nhs(patient.nhs_number if patient is not None else None)
    return f"{name} · NHS number {number} · {moment(incident.started_at)}"


def _alert(words: str) -> Paragraph:
    return markup(f'<font color="#a00000"><b>{words}</b></font>', BODY)


def _warnings(inputs: IncidentRecordInputs) -> list[Flowable]:
    found: list[Flowable] = []
    if inputs.voided:
        found.append(
            _alert(
                "VOIDED: this record was made in error. It is kept with its history and left "
                "out of lists and figures; the reason is in the revision history."
            )
        )
    if inputs.versions > 1:
        found.append(
            _alert(
                f"CONFLICTED: {inputs.versions} versions of this record wait for a ward manager "
                "to resolve them; this print shows one of them."
            )
        )
    return found


def _completeness(inputs: IncidentRecordInputs) -> list[tuple[str, object]]:
    incident = inputs.incident
    gaps = missing_items(incident, inputs.patient)
    if gaps:
        letters = ", ".join(f"({m.item})" for m in gaps)
        statutory = f"INCOMPLETE: {len(gaps)} of 16 items not answered: {letters}"
    else:
        statutory = "Complete: all 16 items (a)–(p) answered"
    details = missing_details(incident)
    sign_off = missing_for_sign_off(incident)
    return [
        ("Statutory record (s.6(5))", statutory),
        (
            "Also needed before submission",
            "; ".join(m.wording for m in details) if details else "Nothing",
        ),
        (
            "Also needed before sign-off",
            "; ".join(m.wording for m in sign_off) if sign_off else "Nothing",
        ),
    ]


def _summary(inputs: IncidentRecordInputs) -> list[Flowable]:
    incident, patient = inputs.incident, inputs.patient
    status = STATUS_WORDS[incident.status]
    if incident.is_returned:
        status = "Draft, returned for correction by the ward manager"
    legal = "Not recorded"
    if patient is not None and patient.legal_status is not None:
        legal = patient.legal_status.label
        if patient.legal_status_detail:
            legal += f" ({patient.legal_status_detail})"
    pairs: list[tuple[str, object]] = [
        ("Patient", patient.display_name if patient is not None else "Patient record not found"),
        ("NHS number", nhs(patient.nhs_number if patient is not None else None)),
        ("Legal status", legal),
        ("Incident reference", str(incident.id)),
        ("Status", status),
        ("Started", moment(incident.started_at)),
        *_completeness(inputs),
    ]
    return section(SECTIONS[0], facts(pairs))


def _statutory(inputs: IncidentRecordInputs) -> list[Flowable]:
    rows: list[list[object]] = []
    alerts: list[int] = []
    for index, item in enumerate(statutory_answers(inputs.incident, inputs.patient)):
        answer: object = item.answer
        if item.missing:
            alerts.append(index)
            gap = f" ({item.gap})" if item.gap else ""
            answer = markup(f"{text(item.answer)}<br/><b>Still missing{text(gap)}</b>", CELL)
        rows.append([f"({item.letter})", item.question, answer])
    intro = para(
        "Mental Health Units (Use of Force) Act 2018, s.6(5). An item still to be answered is "
        "shaded and marked.",
        SMALL,
    )
    table = rows_table(
        ("Item", "What the Act asks for", "Answer"),
        rows,
        (12 * mm, 52 * mm, 110 * mm),
        alert_rows=alerts,
    )
    return section(SECTIONS[1], intro, table)


def _injuries(use: ForceUse) -> str:
    patient, staff, other = (yes_no(v) for v in use.injury_answers)
    return f"Patient: {patient}\nStaff: {staff}\nOther: {other}"


def _rt_facts(use: ForceUse, rt: RapidTranquillisation) -> list[Flowable]:
    risks = ", ".join(r.value.replace("_", " ") for r in rt.risk_factors) or "None recorded"
    pairs: list[tuple[str, object]] = [
        ("Drug", rt.drug),
        ("Dose", rt.dose),
        ("Route", rt.route.value.capitalize()),
        ("Site", rt.site),
        ("Given at", moment(rt.given_at)),
        ("Oral medication offered first", ANSWER_WORDS[rt.oral_offered_first]),
        ("Circumstances calling for 15-minute monitoring", risks),
    ]
    return [
        Paragraph(
            f"Rapid tranquillisation (type {text(use.intervention_type.value)}, from "
            f"{text(moment(use.started_at))})",
            H3,
        ),
        facts(pairs),
    ]


def _force(inputs: IncidentRecordInputs) -> list[Flowable]:
    incident = inputs.incident
    over = {use.id for use in prone_uses_over_threshold(incident, inputs.policy)}
    rows = [
        [
            use.intervention_type.value,
            use.intervention_type.label,
            short_moment(use.started_at),
            short_moment(use.ended_at),
            span(use.duration),
            planned_words(use.in_care_plan),
            _injuries(use),
        ]
        for use in incident.force_uses
    ]
    alerts = [i for i, use in enumerate(incident.force_uses) if use.id in over]
    content: list[Flowable] = [
        rows_table(
            ("Code", "Type", "Start", "End", "Duration", "Care plan", "Injured"),
            rows,
            (13 * mm, 40 * mm, 24 * mm, 24 * mm, 20 * mm, 28 * mm, 25 * mm),
            alert_rows=alerts,
        )
    ]
    if over:
        minutes = int(inputs.policy.restraint.prone_report_threshold.total_seconds() // 60)
        content.append(
            para(
                f"Shaded: prone (face-down) restraint held for more than {minutes} minutes "
                "(the Code of Practice: release or reposition as soon as possible).",
                SMALL,
            )
        )
    for use in incident.force_uses:
        if use.rapid_tranquillisation is not None:
            content += _rt_facts(use, use.rapid_tranquillisation)
        if use.intervention_type is InterventionType.MECHANICAL:
            who = use.authorised_by
            content.append(
                para(
                    "Mechanical restraint authorised by: "
                    + (f"{who.name}, {who.job_title}" if who else "NOT RECORDED"),
                    BODY,
                )
            )
    return section(SECTIONS[2], *content)


def _given_accounts(inputs: IncidentRecordInputs) -> set[object]:
    return {s.author.staff_id for s in inputs.statements if s.incident_id == inputs.incident.id}


def _staff(inputs: IncidentRecordInputs) -> list[Flowable]:
    given = _given_accounts(inputs)
    rows = [
        [
            person.name,
            person.job_title,
            person.role.label,
            "Yes" if person.staff_id else "No (bank, agency or visiting)",
            "Given" if person.staff_id in given else "Not yet",
        ]
        for person in inputs.incident.staff_involved
    ]
    table = rows_table(
        ("Name", "Job title", "Role", "On the staff list", "Own account"),
        rows,
        (44 * mm, 44 * mm, 34 * mm, 30 * mm, 22 * mm),
    )
    return section(SECTIONS[3], table)


def _account(first: StaffStatement, additions: Sequence[StaffStatement]) -> list[Flowable]:
    holds = "; ".join(f"{h.value} {h.label}" for h in first.holds)
    pairs: list[tuple[str, object]] = [
        ("Given", moment(first.given_at)),
        ("Role in the incident", first.role),
        ("Types of force taken part in", holds),
        ("Account", first.account),
    ]
    pairs += [(f"Added {moment(a.given_at)}", a.account) for a in additions]
    title = f"{first.author.name}, {first.author.job_title}"
    return [Paragraph(text(title), H3), facts(pairs)]


def _accounts(inputs: IncidentRecordInputs) -> list[Flowable]:
    incident = inputs.incident
    statements = [s for s in inputs.statements if s.incident_id == incident.id]
    content: list[Flowable] = []
    for person in incident.staff_involved:
        if person.staff_id is None:
            continue
        mine = accounts_of(person.staff_id, incident.id, statements)
        firsts = [s for s in mine if not s.is_addition]
        for first in firsts:
            additions = [s for s in mine if s.adds_to == first.id]
            content += _account(first, additions)
    given = _given_accounts(inputs)
    waiting = [
        f"{p.name}, {p.job_title}"
        for p in incident.staff_involved
        if p.staff_id is not None and p.staff_id not in given
    ]
    if not content:
        content.append(para("No member of staff has given an account of this incident yet."))
    if waiting:
        content.append(Spacer(1, 1.5 * mm))
        content.append(para("No account yet from: " + "; ".join(waiting), BODY))
    return section(SECTIONS[4], *content)


def _post_incident(inputs: IncidentRecordInputs) -> list[Flowable]:
    review = inputs.incident.post_incident_review
    with_patient = yes_no(review.held_with_patient)
    if review.held_with_patient is False and review.not_held_with_patient_reason:
        with_patient += f": {review.not_held_with_patient_reason}"
    pairs: list[tuple[str, object]] = [
        ("Held with the patient", with_patient),
        ("Held with staff", yes_no(review.held_with_staff)),
    ]
    return section(SECTIONS[5], facts(pairs))


def _person(ref: Any) -> str:
    return "Not yet" if ref is None else f"{ref.name}, {ref.job_title}"


def _sign_off(inputs: IncidentRecordInputs) -> list[Flowable]:
    incident = inputs.incident
    pairs: list[tuple[str, object]] = [
        ("Submitted by", _person(incident.submitted_by)),
        ("Submitted at", moment(incident.submitted_at) if incident.submitted_at else "Not yet"),
    ]
    for number, back in enumerate(incident.returns, start=1):
        pairs.append(
            (
                f"Returned for correction ({number})",
                (
                    f"{back.returned_by.name}, {back.returned_by.job_title}, on "
                    f"{moment(back.returned_at)}: {back.comment}"
                ),
            )
        )
    pairs += [
        ("Signed off by", _person(incident.signed_off_by)),
        (
            "Signed off at",
            moment(incident.signed_off_at) if incident.signed_off_at else "Not yet",
        ),
    ]
    return section(SECTIONS[6], facts(pairs))


def _what(line: HistoryLine) -> Paragraph:
    words = f"<b>{text(line.what)}</b>"
    if line.reason:
        words += f"<br/>Reason: {text(line.reason)}"
    return markup(words, CELL)


def _changes(line: HistoryLine) -> Paragraph:
    if line.number == 1:
        # Its answers are the record's own, printed above as they now stand.
        return para("First version saved", CELL)
    if not line.changes:
        return para("No field changed", CELL)
    parts = [f"<b>{text(c.label)}</b>: {text(c.old)} → {text(c.new)}" for c in line.changes]
    return markup("<br/>".join(parts), CELL)


def _history(inputs: IncidentRecordInputs) -> list[Flowable]:
    lines = history_lines(inputs.history, inputs.names)
    rows = [
        [
            str(line.number),
            short_moment(line.saved_at),
            line.saved_by,
            _what(line),
            _changes(line),
        ]
        for line in lines
    ]
    alerts = [i for i, line in enumerate(lines) if line.reason]
    intro = para(
        "Every saved version, oldest first. Nothing is overwritten: a change after sign-off is "
        "an amendment with its reason, shaded here.",
        SMALL,
    )
    table = rows_table(
        ("#", "Saved", "By", "What", "Changes (before → after)"),
        rows,
        (8 * mm, 24 * mm, 33 * mm, 39 * mm, 70 * mm),
        alert_rows=alerts,
    )
    return section(SECTIONS[7], intro, table)


def _signatures() -> list[Flowable]:
    return section(SECTIONS[8], signature_lines(SIGNATURE_ROLES))


def incident_record_story(inputs: IncidentRecordInputs) -> list[Flowable]:
    """The flowables of the record (see the module docstring for the sections)."""
    return [
        Paragraph(TITLE, H1),
        *_warnings(inputs),
        *_summary(inputs),
        *_statutory(inputs),
        *_force(inputs),
        *_staff(inputs),
        *_accounts(inputs),
        *_post_incident(inputs),
        *_sign_off(inputs),
        *_history(inputs),
        Spacer(1, 2 * mm),
        *_signatures(),
    ]


def incident_record_pdf(heading: Heading, inputs: IncidentRecordInputs) -> bytes:
    """The use-of-force record of ``inputs`` as PDF bytes, in the house style."""
    return render(heading, incident_record_story(inputs))


__all__ = [
    "SECTIONS",
    "TITLE",
    "IncidentRecordInputs",
    "heading_subject",
    "incident_record_pdf",
    "incident_record_story",
]
