"""The patient, the place and the time of the incident (items (b), and (e), (g), (j), (k),
(l), which live on the patient's own record)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.models.completeness import PATIENT_ITEMS, MissingItem
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.ui.incidents.inputs import line, set_text, text_of
from app.ui.incidents.time_field import TimeField
from app.ui.incidents.wording import span
from app.ui.widgets import named


def patient_line(patient: Patient | None) -> str:
    """The patient as the form names them: name and NHS number (3-3-4, never truncated)."""
    if patient is None:
        return "Patient record not found on this PC"
    number = patient.nhs_number_display or "NHS number not recorded"
    return f"{patient.display_name} · NHS number {number}"


class EventSection(QGroupBox):
    """Patient, place, start and end."""

    changed = Signal()
    #: The person wants the patient's record (items e, g, j, k, l are answered there).
    patient_record_wanted = Signal()

    def __init__(self, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__("Patient, place and time — items (b), (e), (g)", parent)
        self._started: datetime | None = None
        self.patient = named(QLabel(), "Patient")
        self.patient.setWordWrap(True)
        self.open_patient = named(
            QPushButton("Open the patient's record"), "Open the patient's record"
        )
        self.open_patient.setToolTip(
            "Name, NHS number, mental disorder, protected characteristics and learning "
            "disability or autism (items e, g, j, k, l) are kept on the patient's record."
        )
        self.place = line("Place on the unit", "e.g. Day room, corridor by the clinic")
        self.start = TimeField("Incident start time", now)
        self.end = TimeField("Incident end time", now)
        self.duration = named(QLabel(), "Incident duration")
        patient_row = QHBoxLayout()
        patient_row.addWidget(self.patient, 1)
        patient_row.addWidget(self.open_patient)
        form = QFormLayout(self)
        form.addRow("Patient", patient_row)
        form.addRow("Place (&b)", self.place)
        form.addRow("&Started (b)", self.start)
        form.addRow("&Ended (b)", self.end)
        form.addRow("Duration", self.duration)
        self.open_patient.clicked.connect(self.patient_record_wanted.emit)
        self.place.textEdited.connect(lambda _t: self.changed.emit())
        self.start.changed.connect(self.changed.emit)
        self.end.changed.connect(self.changed.emit)

    def load(self, incident: UseOfForceIncident, patient: Patient | None) -> None:
        """Show what ``incident`` says."""
        self.patient.setText(patient_line(patient))
        set_text(self.place, incident.location)
        self._started = incident.started_at
        self.start.set_value(incident.started_at)
        self.end.set_value(incident.ended_at)
        self.refresh()

    def set_patient(self, patient: Patient | None) -> None:
        """The patient's record changed."""
        self.patient.setText(patient_line(patient))

    @property
    def started_at(self) -> datetime | None:
        """The start typed (or the last start that was a time)."""
        return self.start.value() or self._started

    def values(self) -> dict[str, Any]:
        """The record's fields this section answers. An unreadable start keeps the last one
        read (a record always has a start); an unreadable end counts as not answered."""
        if self.start.value() is not None:
            self._started = self.start.value()
        return {
            "location": text_of(self.place),
            "started_at": self._started,
            "ended_at": self.end.value(),
        }

    def problems(self) -> list[str]:
        """Times that could not be read."""
        return [
            f"{label}: {field.problem()}"
            for label, field in (("Start", self.start), ("End", self.end))
            if field.problem()
        ]

    def refresh(self) -> None:
        """Word the duration again."""
        start, end = self.started_at, self.end.value()
        if start is None or end is None:
            self.duration.setText("Not known until the end is recorded")
        elif end < start:
            self.duration.setText("The end is before the start")
        else:
            self.duration.setText(span(end - start or timedelta()))

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [self.open_patient, self.place, self.start.editor, self.end.editor]

    def field_for(self, item: MissingItem) -> QWidget | None:
        """The input that answers ``item``."""
        if item.item in PATIENT_ITEMS:
            return self.open_patient
        if item.item == "b":
            return self.place if text_of(self.place) is None else self.end.editor
        return None

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not); the patient's record can always be opened."""
        self.place.setEnabled(editable)
        self.start.set_editable(editable)
        self.end.set_editable(editable)
