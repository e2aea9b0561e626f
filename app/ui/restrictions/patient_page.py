"""One patient's restrictions beyond force (issue 10, item 2), opened from the ward board with
Alt+E on their row: what is running now (individual restrictions, enhanced observation) with
its review clock, recent psychological and cultural restraint, and a key for each thing to
record — as quick as an observation: the form opens with the time now and the signed-in
nurse filled in, and Enter saves.

Keys: Alt+M the patient, Alt+S what is running, Alt+R a new individual restriction, Alt+T
review it, Alt+E end it; Alt+O start enhanced observation, Alt+B review it, Alt+L change its
level, Alt+N end it; Alt+Y psychological restraint, Alt+U cultural restraint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from html import escape
from uuid import UUID

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models.enhanced_observation import EnhancedObservation, EnhancedObservationReview
from app.models.individual_restrictions import IndividualRestriction
from app.models.psychological_cultural_restraint import CulturalRestraint, PsychologicalRestraint
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.isolation.episode_page import table
from app.ui.isolation.fields import ChoiceBox
from app.ui.isolation.tables import RowsModel
from app.ui.restrictions.observation_forms import (
    ChangeLevelForm,
    EndObservationForm,
    ObservationReviewForm,
    StartObservationForm,
)
from app.ui.restrictions.page_frame import CANNOT_RECORD, FormHostPage
from app.ui.restrictions.parts import today
from app.ui.restrictions.patient_forms import (
    CulturalRestraintEntryForm,
    IndividualRestrictionForm,
    PsychologicalRestraintEntryForm,
)
from app.ui.restrictions.patient_lists import (
    BUTTON_ROWS,
    Restraint,
    fill_patient_choice,
    restraint_columns,
    running_columns,
)
from app.ui.restrictions.patient_loading import (
    PatientRestrictions,
    RunningRow,
    load_patient_restrictions,
)
from app.ui.restrictions.restriction_forms import IndividualEndForm, IndividualReviewForm
from app.ui.widgets import named

#: Forms of a new record for the patient: (ctx, patient id, staff, incidents, draft).
NewPatientEntry = (
    IndividualRestrictionForm
    | StartObservationForm
    | PsychologicalRestraintEntryForm
    | CulturalRestraintEntryForm
)
#: Forms of a change to a running record: (ctx, record, base revision, staff, draft).
ChangeOfRecord = IndividualEndForm | ChangeLevelForm | EndObservationForm
NOBODY = "Choose a patient (Alt+M), or open one from the ward board with Alt+E on their row."
CHOOSE_ONE = "Choose the restriction on the list first (Alt+S, then the arrow keys)."


class PatientRestrictionsPage(FormHostPage):
    """One patient's restrictions and the forms to record them."""

    WATCHES = frozenset(
        {
            IndividualRestriction.KIND,
            EnhancedObservation.KIND,
            EnhancedObservationReview.KIND,
            PsychologicalRestraint.KIND,
            CulturalRestraint.KIND,
        }
    )
    FORMS = frozenset(
        {
            IndividualRestrictionForm.FORM,
            IndividualReviewForm.FORM,
            IndividualEndForm.FORM,
            StartObservationForm.FORM,
            ObservationReviewForm.FORM,
            ChangeLevelForm.FORM,
            EndObservationForm.FORM,
            PsychologicalRestraintEntryForm.FORM,
            CulturalRestraintEntryForm.FORM,
        }
    )

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.patient_id: UUID | None = None
        self.setObjectName("patient-restrictions")
        self.reload()

    def build_overview(self) -> QWidget:
        """The chooser, the lists and a button for each thing to record."""
        page = QWidget()
        self.patient = named(ChoiceBox([]), "Patient")
        patient_label = QLabel("Patient (type a na&me)")
        patient_label.setBuddy(self.patient)
        self.patient.activated.connect(self._patient_chosen)
        self.heading = named(QLabel(NOBODY), "Whose restrictions")
        self.heading.setWordWrap(True)
        self.read_only = named(QLabel(CANNOT_RECORD), "Read-only")
        if self.can_record:  # (not setVisible: shown while unparented it would be a window)
            self.read_only.hide()
        self.running: RowsModel[RunningRow] = RowsModel(
            running_columns(), key=lambda r: r.record_id, now=self.ctx.now, parent=self
        )
        self.running_view = table("Running now", self.running)
        running_label = QLabel("Running now: re&strictions and enhanced observation")
        running_label.setBuddy(self.running_view)
        self.restraint: RowsModel[Restraint] = RowsModel(
            restraint_columns(), key=lambda r: r.id, now=self.ctx.now, parent=self
        )
        self.restraint_view = table("Restraint in the last 14 days", self.restraint)
        restraint_label = QLabel("Psychological and cultural restraint, last &fortnight")
        restraint_label.setBuddy(self.restraint_view)
        self.message = named(QLabel(), "What could not be opened")
        self.message.setWordWrap(True)
        self.buttons = {
            key: named(QPushButton(text), text.replace("&", ""))
            for row in BUTTON_ROWS
            for key, text in row
        }
        slots: dict[str, Callable[[], None]] = {
            "individual": self.open_individual,
            "individual_review": self.open_individual_review,
            "individual_end": self.open_individual_end,
            "observation": self.open_observation,
            "observation_review": self.open_observation_review,
            "observation_level": self.open_level_change,
            "observation_end": self.open_observation_end,
            "psychological": self.open_psychological,
            "cultural": self.open_cultural,
        }
        grid = QGridLayout()
        for line, row in enumerate(BUTTON_ROWS):
            for place, (key, _text) in enumerate(row):
                button = self.buttons[key]
                button.setAutoDefault(True)
                button.clicked.connect(slots[key])
                grid.addWidget(button, line, place)
        chooser = QHBoxLayout()
        chooser.addWidget(patient_label)
        chooser.addWidget(self.patient, 1)
        column = QVBoxLayout(page)
        column.addLayout(chooser)
        column.addWidget(self.heading)
        column.addWidget(self.read_only)
        column.addWidget(running_label)
        column.addWidget(self.running_view, 2)
        column.addLayout(grid)
        column.addWidget(self.message)
        column.addWidget(restraint_label)
        column.addWidget(self.restraint_view, 1)
        self._enable()
        return page

    # -- choosing and reading ----------------------------------------------------------------

    def show_restrictions(self, patient_id: UUID) -> None:
        """Show ``patient_id`` (the board asks for this with Alt+E on their row)."""
        if self.form is not None:
            return  # a form is open: it is finished or cancelled first
        self.patient_id = patient_id
        self.message.clear()
        self.reload()
        self.running_view.setFocus()

    def _patient_chosen(self, _index: int) -> None:
        value = self.patient.value()
        if value and UUID(value) != self.patient_id:
            self.show_restrictions(UUID(value))

    def reader(self) -> Callable[[Store], PatientRestrictions]:
        """Reads the chosen patient's page at the time now."""
        ctx, patient_id, forms = self.ctx, self.patient_id, self.FORMS
        ward_id, at, policy = ctx.ward_id, ctx.now(), ctx.policy
        return lambda store: load_patient_restrictions(
            store, ward_id, patient_id, at=at, policy=policy, forms=forms
        )

    def show_view(self, view: PatientRestrictions) -> None:
        """Fill the page from ``view``."""
        if view.patient_id != self.patient_id:
            return  # another patient was chosen meanwhile
        fill_patient_choice(self.patient, view)
        if view.patient_id is None:
            self.heading.setText(NOBODY)
        else:
            self.heading.setText(f"<h3>Restrictions — {escape(view.patient_name)}</h3>")
        self.running.set_rows(view.running)
        self.restraint.set_rows(view.restraint)
        self.running_view.resizeRowsToContents()
        self._enable()

    def _enable(self) -> None:
        view: PatientRestrictions | None = self.view
        chosen = self.can_record and view is not None and view.patient_id is not None
        observations = view.observations() if view is not None else ()
        individual = view.individual() if view is not None else ()
        for key in ("individual", "psychological", "cultural"):
            self.buttons[key].setEnabled(chosen)
        self.buttons["observation"].setEnabled(chosen and not observations)
        for key in ("observation_review", "observation_level", "observation_end"):
            self.buttons[key].setEnabled(chosen and bool(observations))
        for key in ("individual_review", "individual_end"):
            self.buttons[key].setEnabled(chosen and bool(individual))

    def tick(self) -> None:
        """Re-word the review clocks."""
        self.running.tick()

    # -- which record a change is about -------------------------------------------------------

    def _view(self) -> PatientRestrictions | None:
        view: PatientRestrictions | None = self.view
        if view is None or view.patient_id is None or view.patient_id != self.patient_id:
            return None
        return view

    def _individual(self) -> RunningRow | None:
        view = self._view()
        if view is None:
            return None
        rows = view.individual()
        chosen = self.running.row_at(self.running_view.currentIndex())
        if chosen is not None and isinstance(chosen.record, IndividualRestriction):
            return chosen
        if len(rows) == 1:
            return rows[0]
        self.message.setText(CHOOSE_ONE if rows else "No individual restriction is running.")
        return None

    def _observation(self) -> RunningRow | None:
        view = self._view()
        rows = view.observations() if view is not None else ()
        if not rows:
            self.message.setText("No enhanced observation is running.")
            return None
        return rows[0]

    def _unless_conflicted(self, row: RunningRow | None) -> RunningRow | None:
        if row is not None and row.conflicted:
            self.message.setText("Two versions of it wait to be resolved (History and conflicts).")
            return None
        return row

    # -- forms -----------------------------------------------------------------------------

    def _open_new(self, form: type[NewPatientEntry]) -> None:
        """A new record of ``form``'s kind for the patient shown."""
        view = self._view()
        if view is not None and view.patient_id is not None:
            draft = self.kept_draft(view.drafts, form.FORM)
            self.open_form(form(self.ctx, view.patient_id, view.staff, view.incidents, draft))

    def _open_change(self, form: type[ChangeOfRecord], row: RunningRow | None) -> None:
        """A change to ``row``'s record (its next revision), unless it is conflicted."""
        row, view = self._unless_conflicted(row), self._view()
        if row is not None and view is not None:
            draft = self.kept_draft(view.drafts, form.FORM, row.record_id)
            self.open_form(form(self.ctx, row.record, row.revision_id, view.staff, draft))  # type: ignore[arg-type]

    def open_individual(self) -> None:
        """A new individual restriction (Alt+R)."""
        self._open_new(IndividualRestrictionForm)

    def open_individual_review(self) -> None:
        """Review the chosen individual restriction (Alt+T)."""
        row, view = self._unless_conflicted(self._individual()), self._view()
        if row is None or view is None or not isinstance(row.record, IndividualRestriction):
            return
        every = self.ctx.policy.restrictions.individual_review_interval_days
        self.open_form(
            IndividualReviewForm(
                self.ctx,
                row.record,
                row.revision_id,
                view.staff,
                next_review=today(self.ctx.now()) + timedelta(days=every),
                draft=self.kept_draft(view.drafts, IndividualReviewForm.FORM, row.record_id),
            )
        )

    def open_individual_end(self) -> None:
        """End the chosen individual restriction (Alt+E)."""
        self._open_change(IndividualEndForm, self._individual())

    def open_observation(self) -> None:
        """Start enhanced observation (Alt+O), when none is running."""
        view = self._view()
        if view is not None and not view.observations():
            self._open_new(StartObservationForm)

    def open_observation_review(self) -> None:
        """Review enhanced observation (Alt+B): append-only, so allowed while conflicted."""
        row, view = self._observation(), self._view()
        if row is None or view is None or not isinstance(row.record, EnhancedObservation):
            return
        draft = self.kept_draft(view.drafts, ObservationReviewForm.FORM, row.record_id)
        self.open_form(ObservationReviewForm(self.ctx, row.record, view.staff, draft))

    def open_level_change(self) -> None:
        """Change the level of enhanced observation (Alt+L)."""
        self._open_change(ChangeLevelForm, self._observation())

    def open_observation_end(self) -> None:
        """End enhanced observation (Alt+N)."""
        self._open_change(EndObservationForm, self._observation())

    def open_psychological(self) -> None:
        """Psychological restraint or coercion (Alt+Y)."""
        self._open_new(PsychologicalRestraintEntryForm)

    def open_cultural(self) -> None:
        """Cultural restraint (Alt+U)."""
        self._open_new(CulturalRestraintEntryForm)

    def after_form(self) -> None:
        """Back on the list of what is running."""
        self.running_view.setFocus()

    def forget(self) -> None:
        """Show nobody (the window is locking)."""
        self.patient_id = None
        self.running.clear()
        self.restraint.clear()
        self.patient.clear()
        self.heading.setText(NOBODY)
