"""Is a use-of-force record complete? (Use of Force Act s.6(5), domain.md §2.)

Three checks, each a plain function over the models:

- :func:`missing_items` — the statutory items (a)–(p) not yet answered, in letter order. A
  record is complete only when every item is answered; an explicit "not known" counts only
  where the Act says "if known": (j) mental disorder and (k) characteristics. (l) learning
  disability or autism is not "if known" in the Act, so "not known" leaves (l) missing; (p)
  says "(if any)", so "none to notify" answers it.
- :func:`missing_details` — what the record needs beyond s.6(5) before it is submitted:
  rapid-tranquillisation details, authorisation of mechanical restraint (domain.md §3) and the
  injury answers of MHSDS MHS515 (domain.md §4).
- :func:`missing_for_sign_off` — the post-incident review answers of MHSDS MHS505, which a
  ward manager checks before signing off (domain.md §2 good practice, §4).

Items (e), (g), (j), (k), (l) are facts about the patient and are read from the
:class:`~app.models.patient.Patient` record; without one they are all missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.base import Answer
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.restraint_rules import mechanical_restraint_properly_authorised

#: Plain wording of each statutory item (domain.md §2), in letter order.
STATUTORY_ITEMS: dict[str, str] = {
    "a": "(a) reason for the use of force (code and narrative)",
    "b": "(b) place, date and duration: location on the unit, start and end",
    "c": "(c) type of each use of force, with its start and end",
    "d": "(d) whether each type of force was part of the patient's care plan",
    "e": "(e) patient's name",
    "f": "(f) description of how force was used",
    "g": "(g) patient's NHS number",
    "h": "(h) name and job title of every member of staff who used force",
    "i": "(i) whether anyone who is not unit staff (e.g. police) was involved, and why",
    "j": "(j) patient's mental disorder, or that it is not known",
    "k": "(k) patient's protected characteristics, each answered or marked not known/not stated",
    "l": "(l) whether the patient has a learning disability or autism",
    "m": "(m) description of the outcome",
    "n": "(n) whether the patient died or suffered serious injury as a result",
    "o": "(o) efforts made to avoid the need to use force",
    "p": "(p) whether the people to be notified under the care plan were notified",
}

#: Items answered from the patient record rather than the incident.
PATIENT_ITEMS: frozenset[str] = frozenset("egjkl")

#: Wording of the checks beyond s.6(5), by key.
DETAIL_ITEMS: dict[str, str] = {
    "rapid_tranquillisation": (
        "rapid tranquillisation: drug, dose, route, time, site and whether oral medication was "
        "offered first"
    ),
    "mechanical_authorisation": "mechanical restraint: authorised by a senior clinician",
    "injuries": "injury to the patient, staff or another person, for each type of force",
    "post_incident_review_patient": ("post-incident review with the patient: held, or why not"),
    "post_incident_review_staff": "post-incident review with staff: held or not",
}


@dataclass(frozen=True, slots=True)
class MissingItem:
    """One thing a record still lacks. ``item`` is the statutory letter ("a"…"p") or a key
    of :data:`DETAIL_ITEMS`; ``wording`` says what is needed; ``detail`` narrows it (names of
    unanswered fields — never patient data).
    """

    item: str
    wording: str
    detail: str = ""

    @property
    def statutory(self) -> bool:
        """True for the s.6(5) items (a)–(p)."""
        return self.item in STATUTORY_ITEMS

    def __str__(self) -> str:
        return f"{self.wording} — {self.detail}" if self.detail else self.wording


def _statutory(letter: str, detail: str = "") -> MissingItem:
    return MissingItem(letter, STATUTORY_ITEMS[letter], detail)


def _patient_gaps(patient: Patient | None) -> dict[str, str]:
    """Letters (e, g, j, k, l) the patient record leaves unanswered, with their detail."""
    if patient is None:
        return dict.fromkeys(sorted(PATIENT_ITEMS), "no patient record")
    gaps: dict[str, str] = {}
    if not patient.has_name:
        gaps["e"] = ""
    if patient.nhs_number is None:
        gaps["g"] = ""
    if patient.mental_disorder is None:  # MentalDisorder(known=False) is an answer: "if known"
        gaps["j"] = ""
    unanswered = patient.characteristics.unanswered()
    if not patient.age_answered:
        unanswered.insert(0, "age (date of birth)")
    if unanswered:
        gaps["k"] = "not answered: " + ", ".join(name.replace("_", " ") for name in unanswered)
    definite = {Answer.YES, Answer.NO}
    lacking = [
        name
        for name, answer in (
            ("learning disability", patient.learning_disability),
            ("autism", patient.autism),
        )
        if answer not in definite
    ]
    if lacking:
        gaps["l"] = "not answered yes or no: " + ", ".join(lacking)
    return gaps


def _incident_gaps(incident: UseOfForceIncident) -> dict[str, str]:
    """Letters the incident itself leaves unanswered."""
    gaps: dict[str, str] = {}
    uses = incident.force_uses
    if incident.reason is None or incident.reason_narrative is None:
        gaps["a"] = ""
    if incident.location is None or incident.ended_at is None:
        gaps["b"] = ""
    if not uses or any(use.ended_at is None for use in uses):
        gaps["c"] = "" if uses else "no use of force recorded"
    if not uses or any(use.in_care_plan is None for use in uses):
        gaps["d"] = ""
    if incident.how_force_was_used is None:
        gaps["f"] = ""
    if not incident.staff_involved:
        gaps["h"] = ""
    if incident.non_staff_involved is None or (
        incident.non_staff_involved and not incident.non_staff_involvement
    ):
        gaps["i"] = ""
    if incident.outcome is None:
        gaps["m"] = ""
    if incident.serious_harm is None:
        gaps["n"] = ""
    if incident.efforts_to_avoid_force is None:
        gaps["o"] = ""
    if incident.care_plan_notification is None:
        gaps["p"] = ""
    return gaps


def missing_items(incident: UseOfForceIncident, patient: Patient | None) -> list[MissingItem]:
    """The s.6(5) items (a)–(p) the record does not yet answer, in letter order
    (domain.md §2). ``patient`` is the incident's patient (``None`` if not at hand: then
    (e), (g), (j), (k) and (l) are reported missing). Raises ``ValueError`` if ``patient`` is
    someone else.
    """
    if patient is not None and patient.id != incident.patient_id:
        raise ValueError("patient: is not the patient of this incident")
    gaps = _incident_gaps(incident) | _patient_gaps(patient)
    return [_statutory(letter, gaps[letter]) for letter in STATUTORY_ITEMS if letter in gaps]


def is_complete(incident: UseOfForceIncident, patient: Patient | None) -> bool:
    """True when every s.6(5) item (a)–(p) is answered (domain.md §2)."""
    return not missing_items(incident, patient)


def missing_details(incident: UseOfForceIncident) -> list[MissingItem]:
    """What the record needs beyond s.6(5) before it is submitted: rapid-tranquillisation
    details for each type 14 use and a senior clinician's authorisation for each mechanical
    restraint (domain.md §3 "Other restraint rules"); patient/staff/other injury answers for
    each use (MHSDS MHS515, domain.md §4).
    """
    uses = incident.force_uses
    missing: list[MissingItem] = []
    if any(
        u.intervention_type.is_rapid_tranquillisation and u.rapid_tranquillisation is None
        for u in uses
    ):
        missing.append(
            MissingItem("rapid_tranquillisation", DETAIL_ITEMS["rapid_tranquillisation"])
        )
    if not all(mechanical_restraint_properly_authorised(u) for u in uses):
        missing.append(
            MissingItem("mechanical_authorisation", DETAIL_ITEMS["mechanical_authorisation"])
        )
    if any(None in u.injury_answers for u in uses):
        missing.append(MissingItem("injuries", DETAIL_ITEMS["injuries"]))
    return missing


def missing_for_submission(
    incident: UseOfForceIncident, patient: Patient | None
) -> list[MissingItem]:
    """Everything that stops the record being submitted: the statutory items, then the
    details (see :func:`missing_items`, :func:`missing_details`).
    """
    return missing_items(incident, patient) + missing_details(incident)


def missing_for_sign_off(incident: UseOfForceIncident) -> list[MissingItem]:
    """The post-incident review answers (MHSDS MHS505, domain.md §4; debriefs are good practice
    in domain.md §2): held with the patient (and, if not, why not) and held with staff.
    """
    review = incident.post_incident_review
    missing: list[MissingItem] = []
    if review.held_with_patient is None or (
        review.held_with_patient is False and review.not_held_with_patient_reason is None
    ):
        missing.append(
            MissingItem(
                "post_incident_review_patient", DETAIL_ITEMS["post_incident_review_patient"]
            )
        )
    if review.held_with_staff is None:
        missing.append(
            MissingItem("post_incident_review_staff", DETAIL_ITEMS["post_incident_review_staff"])
        )
    return missing


def missing_patient_items(patient: Patient | None) -> list[MissingItem]:
    """The s.6(5) items the patient record itself leaves unanswered — (e) name, (g) NHS
    number, (j) mental disorder, (k) protected characteristics, (l) learning disability or
    autism — in letter order (domain.md §2), as the patient form shows them.
    """
    gaps = _patient_gaps(patient)
    return [_statutory(letter, gaps[letter]) for letter in STATUTORY_ITEMS if letter in gaps]
