"""Why force was used and how: the reason code and narrative (item (a)), the efforts made to
avoid force (item (o)) and how force was used (item (f))."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QWidget

from app.models.codes import InterventionReason
from app.models.completeness import MissingItem
from app.models.incident import UseOfForceIncident
from app.ui.incidents.inputs import ChoiceCombo, narrative, set_text, text_of

REASON_CHOICES = [(f"{r.value} {r.label}", r) for r in InterventionReason]


class WhySection(QGroupBox):
    """Items (a), (o), (f)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Why and how — items (a), (o), (f)", parent)
        self.reason = ChoiceCombo("Reason for the use of force (code)", REASON_CHOICES)
        self.reason_narrative = narrative(
            "Reason for the use of force (narrative)", "What was happening and why force was needed"
        )
        self.efforts = narrative(
            "Efforts made to avoid the need to use force",
            "De-escalation, alternatives offered, time given",
        )
        self.how = narrative(
            "How force was used", "Holds used, positions, who did what, how it ended"
        )
        form = QFormLayout(self)
        form.addRow("&Reason (a)", self.reason)
        form.addRow("Reason in your wor&ds (a)", self.reason_narrative)
        form.addRow("Efforts to avoid force (&o)", self.efforts)
        form.addRow("How force was used (&f)", self.how)
        self.reason.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for box in (self.reason_narrative, self.efforts, self.how):
            box.textChanged.connect(self.changed.emit)

    def load(self, incident: UseOfForceIncident) -> None:
        """Show what ``incident`` says."""
        self.reason.set_value(incident.reason)
        set_text(self.reason_narrative, incident.reason_narrative)
        set_text(self.efforts, incident.efforts_to_avoid_force)
        set_text(self.how, incident.how_force_was_used)

    def values(self) -> dict[str, Any]:
        """The record's fields this section answers."""
        return {
            "reason": self.reason.value(),
            "reason_narrative": text_of(self.reason_narrative),
            "efforts_to_avoid_force": text_of(self.efforts),
            "how_force_was_used": text_of(self.how),
        }

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [self.reason, self.reason_narrative, self.efforts, self.how]

    def field_for(self, item: MissingItem) -> QWidget | None:
        """The input that answers ``item``."""
        if item.item == "a":
            return self.reason if self.reason.value() is None else self.reason_narrative
        return {"o": self.efforts, "f": self.how}.get(item.item)

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not); narratives stay readable."""
        self.reason.setEnabled(editable)
        for box in (self.reason_narrative, self.efforts, self.how):
            box.setReadOnly(not editable)
