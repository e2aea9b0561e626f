"""What one patient's restrictions page lists, and its buttons: the running individual
restrictions and enhanced observation with their review clocks (live: re-worded every second,
red and OVERDUE when late), recent psychological and cultural restraint, and one button per
thing to record, each with its own Alt+key; and the choice of patient
(:mod:`app.ui.restrictions.patient_page`)."""

from __future__ import annotations

from datetime import datetime

from app.models.individual_restrictions import IndividualRestriction
from app.models.psychological_cultural_restraint import CulturalRestraint, PsychologicalRestraint
from app.ui.isolation.fields import ChoiceBox
from app.ui.isolation.tables import Column
from app.ui.isolation.wording import local_time
from app.ui.restrictions.parts import review_words
from app.ui.restrictions.patient_loading import PatientRestrictions, RunningRow

#: The page's buttons, a row each for individual restrictions, enhanced observation and
#: restraint: (key, words with the Alt+key).
BUTTON_ROWS: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("individual", "New individual &restriction"),
        ("individual_review", "Review restric&tion"),
        ("individual_end", "&End restriction"),
    ),
    (
        ("observation", "Start enhanced &observation"),
        ("observation_review", "Review o&bservation"),
        ("observation_level", "Change &level"),
        ("observation_end", "E&nd observation"),
    ),
    (
        ("psychological", "Ps&ychological restraint"),
        ("cultural", "C&ultural restraint"),
    ),
)
Restraint = PsychologicalRestraint | CulturalRestraint


def _what(row: RunningRow) -> str:
    record = row.record
    if isinstance(record, IndividualRestriction):
        return f"{record.what} — {record.why}"
    return f"{record.level.label} — {record.reason}"


def running_columns() -> list[Column[RunningRow]]:
    """The list of what is running."""
    return [
        Column("Restriction", lambda r, _at: r.on_board.title),
        Column("Details", lambda r, _at: _what(r)),
        Column("Since", lambda r, at: local_time(r.record.started_at, at)),
        Column(
            "Review",
            lambda r, at: review_words(r.on_board.clock, at, due_soon=r.on_board.due_soon),
            overdue=lambda r, at: r.on_board.clock.overdue_at(at),
            live=True,
        ),
    ]


def restraint_columns() -> list[Column[Restraint]]:
    """The list of recent psychological and cultural restraint."""

    def kind(r: Restraint, _at: datetime) -> str:
        what = "Psychological" if isinstance(r, PsychologicalRestraint) else "Cultural"
        return f"{what}: {r.form.label}"

    return [
        Column("When", lambda r, at: local_time(r.occurred_at, at)),
        Column("Restraint", kind),
        Column("What happened", lambda r, _at: r.what_happened),
        Column("By", lambda r, _at: ", ".join(p.name for p in r.by_whom)),
    ]


def fill_patient_choice(box: ChoiceBox, view: PatientRestrictions) -> None:
    """The patients on the ward (and the one shown, if they have left), the one shown chosen;
    filled without announcing a choice."""
    choices = [(str(p.patient_id), p.name) for p in view.patients]
    if view.patient_id is not None and all(p.patient_id != view.patient_id for p in view.patients):
        choices.append((str(view.patient_id), f"{view.patient_name} (not on the ward)"))
    box.blockSignals(True)  # noqa: FBT003 - Qt's API
    box.clear()
    box.addItem("Choose a patient", "")
    for value, wording in choices:
        box.addItem(wording, value)
    box.restore_text(str(view.patient_id) if view.patient_id else "")
    box.blockSignals(False)  # noqa: FBT003 - Qt's API
