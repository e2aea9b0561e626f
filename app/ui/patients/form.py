"""The patient's demographics form: identity, clinical facts and the protected
characteristics of the Equality Act (domain.md §5, §6; s.6(5) items e, g, j, k, l).

It only shows and collects: :meth:`DemographicsForm.build` hands the values to the model
(``Patient.build``), whose message names each field and rule. The NHS number is checked as it
is typed (:func:`app.models.nhs_number.nhs_number_problem`) and shown 3-3-4 once valid. Every
question starts unanswered; "not stated" and "not known" are offered wherever the model has
them, and nothing is pre-selected or inferred from another answer.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.models.base import Answer
from app.models.characteristics import (
    Disability,
    GenderReassignment,
    MaritalStatus,
    PregnancyMaternity,
    ReligionOrBelief,
    Sex,
    SexualOrientation,
    age_on,
)
from app.models.clock import local_date
from app.models.codes import EthnicCategory
from app.models.completeness import missing_patient_items
from app.models.errors import UserFacingError
from app.models.legal_status import LegalStatus
from app.models.nhs_number import format_nhs_number, nhs_number_problem
from app.models.patient import Patient
from app.ui.patients.choices import ChoiceBox, enum_options, parse_day, show_day
from app.ui.widgets import error_label, named

#: Plain wording of :class:`~app.models.base.Answer` (the model's yes / no / not known).
ANSWER_LABELS = {Answer.YES: "Yes", Answer.NO: "No", Answer.NOT_KNOWN: "Not known"}
#: The mental disorder question: known (then described) or explicitly not known (item j).
DISORDER_KNOWN, DISORDER_NOT_KNOWN = "known", "not_known"

#: The protected characteristics on the form: (field of ProtectedCharacteristics, label with
#: its mnemonic, the model's option list).
CHARACTERISTICS: tuple[tuple[str, str, type[Enum]], ...] = (
    ("sex", "Se&x", Sex),
    ("ethnicity", "E&thnicity", EthnicCategory),
    ("disability", "Disability", Disability),
    ("gender_reassignment", "Gender reassignment", GenderReassignment),
    ("marriage_civil_partnership", "Marriage or civil partnership", MaritalStatus),
    ("pregnancy_maternity", "Pregnancy or maternity", PregnancyMaternity),
    ("religion_or_belief", "Religion or belief", ReligionOrBelief),
    ("sexual_orientation", "Sexual orientation", SexualOrientation),
)


def _text(edit: QLineEdit) -> str | None:
    return edit.text().strip() or None


def _plain(label: str) -> str:
    return label.replace("&", "")


class DemographicsForm(QWidget):
    """Every field of the patient record a nurse types, with the NHS number checked live."""

    #: A person changed a field (not a refill from the store).
    edited = Signal()
    #: Enter was pressed in the form: save.
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base: Patient | None = None
        self._read_only = False
        self.given_name = named(QLineEdit(), "Given name")
        self.family_name = named(QLineEdit(), "Family name")
        self.local_identifier = named(QLineEdit(), "Local identifier (hospital number)")
        self.date_of_birth = named(QLineEdit(), "Date of birth")
        self.date_of_birth.setPlaceholderText("dd/mm/yyyy")
        self.date_of_birth_not_known = named(
            QCheckBox("Date of birth not &known"), "Date of birth not known"
        )
        self.age = named(QLabel(), "Age")
        self.nhs_number = named(QLineEdit(), "NHS number")
        self.nhs_number.setPlaceholderText("10 digits, e.g. 999 123 4567")
        self.nhs_check = named(QLabel(), "NHS number check")
        self.nhs_check.setWordWrap(True)
        self.legal_status = ChoiceBox("Legal status", enum_options(LegalStatus))
        self.legal_status_detail = named(QLineEdit(), "Legal status detail")
        self.legal_status_detail.setPlaceholderText("needed when the legal status is other")
        self.mental_disorder = ChoiceBox(
            "Mental disorder",
            [("Known (describe it below)", DISORDER_KNOWN), ("Not known", DISORDER_NOT_KNOWN)],
        )
        self.disorder_description = named(QLineEdit(), "Mental disorder description")
        self.icd10_code = named(QLineEdit(), "ICD-10 code")
        self.icd10_code.setPlaceholderText("optional, e.g. F20.0")
        answers = [(label, answer) for answer, label in ANSWER_LABELS.items()]
        self.learning_disability = ChoiceBox("Learning disability", answers)
        self.autism = ChoiceBox("Autism", answers)
        self.characteristics = {
            field: ChoiceBox(_plain(label), enum_options(kind))
            for field, label, kind in CHARACTERISTICS
        }
        self.missing = named(QLabel(), "Statutory items still missing")
        self.missing.setWordWrap(True)
        self.error = error_label()
        self._build_layout()
        self._connect()

    # -- building ------------------------------------------------------------------------

    def _build_layout(self) -> None:
        identity = QFormLayout()
        identity.addRow("&Given name", self.given_name)
        identity.addRow("&Family name", self.family_name)
        identity.addRow("&Local identifier (hospital number)", self.local_identifier)
        identity.addRow("Date of &birth", self.date_of_birth)
        identity.addRow("", self.date_of_birth_not_known)
        identity.addRow("Age", self.age)
        identity.addRow("NHS nu&mber", self.nhs_number)
        identity.addRow("", self.nhs_check)
        clinical = QFormLayout()
        clinical.addRow("Legal stat&us (Mental Health Act)", self.legal_status)
        clinical.addRow("Legal status detail", self.legal_status_detail)
        clinical.addRow("Mental disorde&r", self.mental_disorder)
        clinical.addRow("Description", self.disorder_description)
        clinical.addRow("ICD-10 code", self.icd10_code)
        clinical.addRow("Learning disabilit&y", self.learning_disability)
        clinical.addRow("Autism", self.autism)
        equality = QFormLayout()
        for field, label, _ in CHARACTERISTICS:
            equality.addRow(label, self.characteristics[field])
        note = QLabel(
            "Ask; never guess. “Not stated” means asked and declined; “not known” means not "
            "asked. Age comes from the date of birth."
        )
        note.setWordWrap(True)
        equality.addRow(note)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        for title, layout in (
            ("Identity", identity),
            ("Clinical", clinical),
            ("Protected characteristics (Equality Act 2010)", equality),
        ):
            box = QGroupBox(title)
            box.setLayout(layout)
            column.addWidget(box)
        column.addWidget(self.missing)
        column.addWidget(self.error)
        for layout in (identity, clinical, equality):
            layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        order: list[QWidget] = [
            self.given_name,
            self.family_name,
            self.local_identifier,
            self.date_of_birth,
            self.date_of_birth_not_known,
            self.nhs_number,
            self.legal_status,
            self.legal_status_detail,
            self.mental_disorder,
            self.disorder_description,
            self.icd10_code,
            self.learning_disability,
            self.autism,
            *self.characteristics.values(),
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        for edit in self.line_edits():
            edit.textEdited.connect(self._changed)  # Enter reaches keyPressEvent below
        for box in self.choice_boxes():
            box.activated.connect(self._changed)
        self.date_of_birth_not_known.clicked.connect(self._changed)
        self.nhs_number.textEdited.connect(self.check_nhs_number)

    def line_edits(self) -> list[QLineEdit]:
        """Every text field, in tab order."""
        return [
            self.given_name,
            self.family_name,
            self.local_identifier,
            self.date_of_birth,
            self.nhs_number,
            self.legal_status_detail,
            self.disorder_description,
            self.icd10_code,
        ]

    def choice_boxes(self) -> list[ChoiceBox]:
        """Every question with a list of answers, in tab order."""
        return [
            self.legal_status,
            self.mental_disorder,
            self.learning_disability,
            self.autism,
            *self.characteristics.values(),
        ]

    # -- showing ---------------------------------------------------------------------------

    def fill(self, patient: Patient | None, *, now: datetime) -> None:
        """Show ``patient`` (``None``: a blank form for a new patient). Clears the message."""
        self._base = patient
        self.given_name.setText(patient.given_name or "" if patient else "")
        self.family_name.setText(patient.family_name or "" if patient else "")
        self.local_identifier.setText(patient.local_identifier or "" if patient else "")
        self.date_of_birth.setText(show_day(patient.date_of_birth if patient else None))
        self.date_of_birth_not_known.setChecked(
            patient.date_of_birth_not_known if patient else False
        )
        self.nhs_number.setText(patient.nhs_number_display or "" if patient else "")
        self.legal_status.set_value(patient.legal_status if patient else None)
        self.legal_status_detail.setText(patient.legal_status_detail or "" if patient else "")
        disorder = patient.mental_disorder if patient else None
        self.mental_disorder.set_value(
            None if disorder is None else DISORDER_KNOWN if disorder.known else DISORDER_NOT_KNOWN
        )
        self.disorder_description.setText(disorder.description or "" if disorder else "")
        self.icd10_code.setText(disorder.icd10_code or "" if disorder else "")
        self.learning_disability.set_value(patient.learning_disability if patient else None)
        self.autism.set_value(patient.autism if patient else None)
        for field, box in self.characteristics.items():
            box.set_value(getattr(patient.characteristics, field) if patient else None)
        self.error.clear()
        self.check_nhs_number(self.nhs_number.text())
        self.refresh_derived(now)

    def set_read_only(self, read_only: bool) -> None:
        """Show without letting anyone change it (no permission to record, read-only copy)."""
        self._read_only = read_only
        for edit in self.line_edits():
            edit.setReadOnly(read_only)
        for box in self.choice_boxes():
            box.setEnabled(not read_only)
        self.date_of_birth_not_known.setEnabled(not read_only)

    def show_error(self, message: str) -> None:
        """Say why the record was not saved (what was typed stays as it is)."""
        self.error.setText(message)

    def refresh_derived(self, now: datetime) -> None:
        """Age and the statutory items still missing, from what the form holds now."""
        try:
            born = parse_day(self.date_of_birth.text(), "date of birth")
            self.age.setText(
                "not recorded" if born is None or born > local_date(now) else str(age_on(born, now))
            )
        except UserFacingError:
            self.age.setText("not recorded")
        try:
            patient = self.build(ward_id=self._base.ward_id if self._base else UUID(int=0))
        except UserFacingError:
            return  # the error shows on saving; keep the last list
        missing = missing_patient_items(patient)
        self.missing.setText(
            "Still missing for the statutory record: " + "; ".join(m.wording for m in missing)
            if missing
            else "Every statutory item about the patient is answered."
        )

    def _changed(self, *_: object) -> None:
        self.edited.emit()

    def check_nhs_number(self, text: str) -> None:
        """Say whether ``text`` is a valid NHS number, and show a valid one 3-3-4."""
        if not text.strip():
            self.nhs_check.setText("NHS number: not recorded yet")
            return
        problem = nhs_number_problem(text)
        if problem is not None:
            self.nhs_check.setText(f"NHS number: {problem} (not valid yet)")
            return
        shown = format_nhs_number(text)
        if shown != text:
            self.nhs_number.setText(shown)
            self.nhs_number.setCursorPosition(len(shown))
        self.nhs_check.setText("NHS number: valid (the check digit matches)")

    # -- collecting ----------------------------------------------------------------------

    def build(self, *, ward_id: UUID, patient_id: UUID | None = None) -> Patient:
        """The record as the form holds it (fields the form does not show — care plan
        contacts — are kept from the record it started from). Raises
        :class:`~app.models.errors.UserFacingError` naming the field and the rule."""
        base = self._base
        data: dict[str, Any] = {} if base is None else base.model_dump()
        disorder_answer = self.mental_disorder.value()
        disorder: dict[str, Any] | None = None
        if disorder_answer == DISORDER_KNOWN:
            disorder = {
                "known": True,
                "description": _text(self.disorder_description),
                "icd10_code": _text(self.icd10_code),
            }
        elif disorder_answer == DISORDER_NOT_KNOWN:
            disorder = {"known": False}
        data.update(
            ward_id=ward_id,
            given_name=_text(self.given_name),
            family_name=_text(self.family_name),
            local_identifier=_text(self.local_identifier),
            date_of_birth=parse_day(self.date_of_birth.text(), "date of birth"),
            date_of_birth_not_known=self.date_of_birth_not_known.isChecked(),
            nhs_number=_text(self.nhs_number),
            legal_status=self.legal_status.value(),
            legal_status_detail=_text(self.legal_status_detail),
            mental_disorder=disorder,
            learning_disability=self.learning_disability.value(),
            autism=self.autism.value(),
            characteristics={f: box.value() for f, box in self.characteristics.items()},
        )
        if patient_id is not None:
            data["id"] = patient_id
        return Patient.build(**data)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter anywhere in the form saves (text fields send it here too)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self._read_only:
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)
