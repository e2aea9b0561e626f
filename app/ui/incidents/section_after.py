"""What came of it: the outcome (item (m)), death or serious injury (item (n)), notification
under the care plan (item (p)), and the post-incident debriefs (MHSDS MHS505, domain.md §4;
good practice in §2)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QWidget

from app.models.completeness import MissingItem
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import CarePlanNotification, PostIncidentReview, SeriousHarm
from app.ui.incidents.inputs import ChoiceCombo, flag, line, narrative, set_text, text_of, yes_no

HARM_CHOICES = [
    ("No — neither died nor seriously injured", SeriousHarm.NONE),
    ("Serious injury", SeriousHarm.SERIOUS_INJURY),
    ("Died", SeriousHarm.DIED),
]
NOTIFY_CHOICES = [
    ("Yes — notified", CarePlanNotification.NOTIFIED),
    ("No — not notified", CarePlanNotification.NOT_NOTIFIED),
    ("The care plan names nobody to notify", CarePlanNotification.NONE_TO_NOTIFY),
]


class AfterSection(QGroupBox):
    """Items (m), (n), (p) and the debriefs."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Outcome, harm, notification and debrief — items (m), (n), (p)", parent)
        self.outcome = narrative("Outcome", "How the patient was afterwards; what happened next")
        self.harm = ChoiceCombo("Did the patient die or suffer serious injury", HARM_CHOICES)
        self.harm_detail = line(
            "Death or serious injury: details", "Only if the patient died or was seriously injured"
        )
        self.notified = ChoiceCombo("Were the people in the care plan notified", NOTIFY_CHOICES)
        self.notified_detail = line("Notification: details", "Who was told and when, or why not")
        self.debrief_patient = yes_no(
            "Post-incident debrief held with the patient",
            yes="Yes — held with the patient",
            no="No — not held with the patient",
        )
        self.debrief_why_not = line(
            "Why no debrief was held with the patient", "e.g. offered and declined"
        )
        self.debrief_staff = yes_no(
            "Post-incident debrief held with staff",
            yes="Yes — held with staff",
            no="No — not held with staff",
        )
        form = QFormLayout(self)
        form.addRow("Outcome (&m)", self.outcome)
        form.addRow("Death or serious injury (&n)", self.harm)
        form.addRow("Details (n)", self.harm_detail)
        form.addRow("Care-plan no&tification (p)", self.notified)
        form.addRow("Details (p)", self.notified_detail)
        form.addRow("Debrief with the patient", self.debrief_patient)
        form.addRow("Why not", self.debrief_why_not)
        form.addRow("Debrief with staff", self.debrief_staff)
        self.outcome.textChanged.connect(self.changed.emit)
        for combo in (self.harm, self.notified, self.debrief_patient, self.debrief_staff):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for field in (self.harm_detail, self.notified_detail, self.debrief_why_not):
            field.textEdited.connect(lambda _t: self.changed.emit())

    def load(self, incident: UseOfForceIncident) -> None:
        """Show what ``incident`` says."""
        review = incident.post_incident_review
        set_text(self.outcome, incident.outcome)
        self.harm.set_value(incident.serious_harm)
        set_text(self.harm_detail, incident.serious_harm_detail)
        self.notified.set_value(incident.care_plan_notification)
        set_text(self.notified_detail, incident.care_plan_notification_detail)
        self.debrief_patient.set_value(review.held_with_patient)
        set_text(self.debrief_why_not, review.not_held_with_patient_reason)
        self.debrief_staff.set_value(review.held_with_staff)

    def values(self) -> dict[str, Any]:
        """The record's fields this section answers (details only go with the answer they
        explain, as the record's rules say)."""
        harm = self.harm.value()
        with_patient = flag(self.debrief_patient)
        return {
            "outcome": text_of(self.outcome),
            "serious_harm": harm,
            "serious_harm_detail": (
                text_of(self.harm_detail)
                if harm in (SeriousHarm.SERIOUS_INJURY, SeriousHarm.DIED)
                else None
            ),
            "care_plan_notification": self.notified.value(),
            "care_plan_notification_detail": text_of(self.notified_detail),
            "post_incident_review": PostIncidentReview.build(
                held_with_patient=with_patient,
                not_held_with_patient_reason=(
                    text_of(self.debrief_why_not) if with_patient is False else None
                ),
                held_with_staff=flag(self.debrief_staff),
            ),
        }

    def hint(self) -> str:
        """What is typed but not kept with the answers given."""
        if text_of(self.harm_detail) and self.harm.value() in (None, SeriousHarm.NONE):
            return "The harm details are kept only if the patient died or was seriously injured."
        if text_of(self.debrief_why_not) and flag(self.debrief_patient) is not False:
            return "Why no debrief was held is kept only when none was held with the patient."
        return ""

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [
            self.outcome,
            self.harm,
            self.harm_detail,
            self.notified,
            self.notified_detail,
            self.debrief_patient,
            self.debrief_why_not,
            self.debrief_staff,
        ]

    def field_for(self, item: MissingItem) -> QWidget | None:
        """The input that answers ``item``."""
        if item.item == "post_incident_review_patient":
            return (
                self.debrief_patient
                if flag(self.debrief_patient) is None
                else (self.debrief_why_not)
            )
        return {
            "m": self.outcome,
            "n": self.harm,
            "p": self.notified,
            "post_incident_review_staff": self.debrief_staff,
        }.get(item.item)

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        self.outcome.setReadOnly(not editable)
        for widget in self.inputs()[1:]:
            widget.setEnabled(editable)
