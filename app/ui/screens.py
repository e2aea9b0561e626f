"""The screens of a signed-in session, in tab order, and how the work area finds the screen
that can show a given thing (a patient, an incident, an episode, a record's history).

A screen that can show something defines the matching method: ``show_patient(patient_id)``,
``show_incident(incident_id)``, ``new_incident(patient_id)``, ``show_episode(episode_id)``,
``show_history(record_id)``, ``show_conflict(record_id)``, ``show_restrictions(patient_id)``.
The work area switches to the first tab whose screen has it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app.models.clock import local_date
from app.ui.board.page import BoardPage
from app.ui.context import ScreenContext
from app.ui.documents import DocumentButton
from app.ui.handover.page import handover_screen
from app.ui.history.page import history_screen
from app.ui.incidents.page import incidents_screen
from app.ui.incidents.statements import TAB_TITLE as STATEMENTS_TAB
from app.ui.incidents.statements import statements_screen
from app.ui.isolation.screens import isolation_screen
from app.ui.patients.page import patients_screen
from app.ui.restrictions.screen import TAB_TITLE as RESTRICTIONS_TAB
from app.ui.restrictions.screen import restrictions_screen
from app.ui.staff.page import staff_screen

ScreenFactory = Callable[[ScreenContext], QWidget]


def board_screen(ctx: ScreenContext) -> QWidget:
    """Home: the ward board."""
    page = BoardPage(ctx.runner, ctx.store, ctx.ward.id, ctx.ward.name, ctx.policy, now=ctx.now)
    page.patient_opened.connect(ctx.navigator.patient_requested.emit)
    page.conflict_opened.connect(ctx.navigator.conflict_requested.emit)
    page.incident_opened.connect(ctx.navigator.incident_requested.emit)
    page.restrictions_opened.connect(ctx.navigator.restrictions_requested.emit)
    page.episode_opened.connect(ctx.navigator.episode_requested.emit)
    # The ward's figures (domain.md §7: the ward manager sees them), small numbers hidden.
    oversight = DocumentButton(
        ctx,
        "oversight",
        "Oversight report, last 12 months (PDF)…",
        options_now=dict,
        file_name=lambda: f"oversight-{local_date(ctx.now())}.pdf",
    )
    page.add_below(oversight.note, stretch=1)
    page.add_below(oversight)
    return page


#: (tab title with its Alt+key, factory), in the order of the tabs.
SCREENS: list[tuple[str, ScreenFactory]] = [
    ("&Ward board", board_screen),
    ("&Incidents", incidents_screen),
    ("Se&clusion and LTS", isolation_screen),
    (RESTRICTIONS_TAB, restrictions_screen),
    ("Shift han&dover", handover_screen),
    ("&Patients", patients_screen),
    (STATEMENTS_TAB, statements_screen),
    ("&History and conflicts", history_screen),
    ("Staff and &accounts", staff_screen),
]

#: Screens built at sign-in; the others are built when first shown.
EAGER_SCREENS: frozenset[ScreenFactory] = frozenset({board_screen, statements_screen})

#: Navigator signal name → the screen method that honours it.
HANDLERS = {
    "patient_requested": "show_patient",
    "incident_requested": "show_incident",
    "new_incident_requested": "new_incident",
    "episode_requested": "show_episode",
    "history_requested": "show_history",
    "conflict_requested": "show_conflict",
    "restrictions_requested": "show_restrictions",
}
