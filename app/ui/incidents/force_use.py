"""One type of force within the incident, with its own start and end (item (c)), whether it was
part of the care plan (item (d)), the MHSDS injury answers, and for prone restraint the time
shown against the 10-minute line (domain.md §3; :mod:`app.models.restraint_rules`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID, uuid4

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models.codes import InterventionType
from app.models.incident_parts import ForceUse
from app.models.people import StaffMember
from app.models.policy import ClinicalPolicy
from app.models.refs import PersonRef
from app.models.restraint_rules import is_senior_clinician, prone_exceeds_threshold
from app.ui.incidents.inputs import ChoiceCombo, flag, yes_no
from app.ui.incidents.rt_editor import RtEditor
from app.ui.incidents.time_field import TimeField
from app.ui.incidents.wording import span
from app.ui.widgets import OVERDUE_COLOUR, named

TYPE_CHOICES = [(f"{t.value} {t.label}", t) for t in InterventionType]


def prone_words(
    start: datetime | None, end: datetime | None, now: datetime, policy: ClinicalPolicy
) -> tuple[str, bool]:
    """Prone time against the line (domain.md §3: reported split at 10 minutes): the words,
    and whether it is over the line. With no end yet, the time so far."""
    line = policy.restraint.prone_report_threshold
    minutes = int(line.total_seconds() // 60)
    if start is None:
        return "", False
    so_far = end is None
    held = (now if end is None else end) - start
    over = prone_exceeds_threshold(held, policy)
    state = f"OVER the {minutes}-minute line" if over else f"within the {minutes}-minute line"
    lead = "Prone for " + span(held) + (" so far" if so_far else "")
    return f"{lead} — {state}", over


class ForceUseEditor(QGroupBox):
    """One use of force; :meth:`use` is None until its type and start are given."""

    changed = Signal()
    remove_requested = Signal(object)  # this editor

    def __init__(
        self,
        number: int,
        now: Callable[[], datetime],
        policy: ClinicalPolicy,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._policy = policy
        self._id: UUID = uuid4()
        self._senior: tuple[StaffMember, ...] = ()
        self._kept_authoriser: PersonRef | None = None
        label = f"Type of force {number}"
        self.kind = ChoiceCombo(f"{label}: type", TYPE_CHOICES, blank="(choose the type of force)")
        self.start = TimeField(f"{label}: start time", now)
        self.end = TimeField(f"{label}: end time", now)
        self.planned = ChoiceCombo(
            f"{label}: part of the care plan",
            [
                ("Planned — part of the care plan", True),
                ("Unplanned — not in the care plan", False),
            ],
        )
        self.patient_injured = yes_no(f"{label}: patient injured")
        self.staff_injured = yes_no(f"{label}: staff injured")
        self.other_injured = yes_no(f"{label}: another person injured")
        self.timing = named(QLabel(), f"{label}: duration")
        self.timing.setWordWrap(True)
        self.rt = RtEditor(now, policy)
        self.authoriser = ChoiceCombo(
            f"{label}: authorised by (senior clinician)", [], blank="(not recorded yet)"
        )
        self.remove = named(QPushButton("Remove this type of force"), f"Remove {label.lower()}")
        form = QFormLayout()
        form.addRow("Type (c)", self.kind)
        form.addRow("Started (c)", self.start)
        form.addRow("Ended (c)", self.end)
        form.addRow("", self.timing)
        form.addRow("Care plan (d)", self.planned)
        form.addRow("Patient injured", self.patient_injured)
        form.addRow("Staff injured", self.staff_injured)
        form.addRow("Other person injured", self.other_injured)
        self._authoriser_label = QLabel("Authorised by")
        form.addRow(self._authoriser_label, self.authoriser)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.rt)
        column.addWidget(self.remove)
        self.renumber(number)
        for combo in (
            self.kind,
            self.planned,
            self.patient_injured,
            self.staff_injured,
            self.other_injured,
            self.authoriser,
        ):
            combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.start.changed.connect(self._changed)
        self.end.changed.connect(self._changed)
        self.rt.changed.connect(self._changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.refresh()

    def renumber(self, number: int) -> None:
        """Title the box "Type of force ``number``", and name its inputs after it."""
        label = f"Type of force {number}"
        self.setTitle(label)
        named(self, label)
        for widget, what in (
            (self.kind, "type"),
            (self.planned, "part of the care plan"),
            (self.patient_injured, "patient injured"),
            (self.staff_injured, "staff injured"),
            (self.other_injured, "another person injured"),
            (self.timing, "duration"),
            (self.authoriser, "authorised by (senior clinician)"),
        ):
            named(widget, f"{label}: {what}")
        self.start.rename(f"{label}: start time")
        self.end.rename(f"{label}: end time")
        named(self.remove, f"Remove {label.lower()}")

    def set_staff(self, staff: Sequence[StaffMember]) -> None:
        """Senior clinicians who may authorise mechanical restraint (domain.md §3)."""
        self._senior = tuple(m for m in staff if m.active and is_senior_clinician(m.role))
        choices = [(f"{m.name} — {m.job_title}", m.as_person_ref()) for m in self._senior]
        if self._kept_authoriser is not None and all(
            ref != self._kept_authoriser for _, ref in choices
        ):
            choices.append((f"{self._kept_authoriser.name} — {self._kept_authoriser.job_title}",
                            self._kept_authoriser))  # fmt: skip
        self.authoriser.set_choices(choices)

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    @property
    def use_id(self) -> UUID:
        """The use of force's identifier (MHSDS ``RestrictiveIntTypeID``)."""
        return self._id

    @property
    def intervention_type(self) -> InterventionType | None:
        """The type chosen, if any."""
        value = self.kind.value()
        return value if isinstance(value, InterventionType) else None

    # -- the record --------------------------------------------------------------------

    def load(self, use: ForceUse) -> None:
        """Show ``use`` (its identifier, the MHSDS type ID, is kept)."""
        self._id = use.id
        self.kind.set_value(use.intervention_type)
        self.start.set_value(use.started_at)
        self.end.set_value(use.ended_at)
        self.planned.set_value(use.in_care_plan)
        self.patient_injured.set_value(use.patient_injured)
        self.staff_injured.set_value(use.staff_injured)
        self.other_injured.set_value(use.other_person_injured)
        self._kept_authoriser = use.authorised_by
        self.set_staff(self._senior)
        self.authoriser.set_value(use.authorised_by)
        self.rt.load(use.rapid_tranquillisation)
        self.refresh()

    def use(self) -> ForceUse | None:
        """The use of force as typed (None without a type or a start; raises
        ``InvalidRecord`` for one that breaks a rule, such as an end before the start)."""
        kind, start = self.intervention_type, self.start.value()
        if kind is None or start is None:
            return None
        authoriser = self.authoriser.value()
        return ForceUse.build(
            id=self._id,
            intervention_type=kind,
            started_at=start,
            ended_at=self.end.value(),
            in_care_plan=flag(self.planned),
            patient_injured=flag(self.patient_injured),
            staff_injured=flag(self.staff_injured),
            other_person_injured=flag(self.other_injured),
            rapid_tranquillisation=self.rt.value() if kind.is_rapid_tranquillisation else None,
            authorised_by=authoriser if kind is InterventionType.MECHANICAL else None,
        )

    def problems(self) -> list[str]:
        """What stops this use of force being part of the record, in words."""
        title = self.title()
        found = [
            f"{title}, {which}: {field.problem()}"
            for which, field in (("start", self.start), ("end", self.end))
            if field.problem()
        ]
        if self.intervention_type is None:
            found.append(f"{title}: choose the type of force.")
        elif self.start.value() is None and not self.start.problem():
            found.append(f"{title}: give its start time.")
        return found

    # -- showing -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the parts this type needs and word its time."""
        kind = self.intervention_type
        self.rt.setVisible(kind is not None and kind.is_rapid_tranquillisation)
        mechanical = kind is InterventionType.MECHANICAL
        self.authoriser.setVisible(mechanical)
        self._authoriser_label.setVisible(mechanical)
        start, end = self.start.value(), self.end.value()
        over = False
        if kind is not None and kind.is_prone:
            words, over = prone_words(start, end, self._now(), self._policy)
        elif start is not None and end is not None:
            words = "The end is before the start" if end < start else f"Lasted {span(end - start)}"
        else:
            words = ""
        self.timing.setText(words)
        self.timing.setStyleSheet(f"color: {OVERDUE_COLOUR}; font-weight: bold;" if over else "")
        if self.rt.isVisibleTo(self):
            self.rt.refresh()

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order, the parts only some types need included (Tab skips them
        while they are hidden)."""
        return [
            self.kind,
            self.start.editor,
            self.end.editor,
            self.planned,
            self.patient_injured,
            self.staff_injured,
            self.other_injured,
            self.authoriser,
            *self.rt.inputs(),
            self.remove,
        ]

    def unanswered_injury(self) -> QWidget | None:
        """The first injury question not answered yet."""
        for combo in (self.patient_injured, self.staff_injured, self.other_injured):
            if combo.value() is None:
                return combo
        return None

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        for combo in (
            self.kind,
            self.planned,
            self.patient_injured,
            self.staff_injured,
            self.other_injured,
            self.authoriser,
            self.remove,
        ):
            combo.setEnabled(editable)
        self.start.set_editable(editable)
        self.end.set_editable(editable)
        self.rt.set_editable(editable)
