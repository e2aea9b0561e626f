"""The restrictions screen (tab "Blan&ket and patient restrictions", Alt+K): the ward's
blanket restrictions register and one patient's restrictions, one inner tab each.

The ward board opens a patient's page with Alt+E on their row (``navigator
.restrictions_requested``; the work area calls :meth:`RestrictionsScreen.show_restrictions`).
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.context import ScreenContext
from app.ui.restrictions.patient_page import PatientRestrictionsPage
from app.ui.restrictions.register_page import BlanketRegisterPage
from app.ui.widgets import named

TAB_TITLE = "Blan&ket and patient restrictions"


class RestrictionsScreen(QWidget):
    """The register and one patient's restrictions in one tab."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restrictions-screen")
        self.register = BlanketRegisterPage(ctx)
        self.patient = PatientRestrictionsPage(ctx)
        self.pages = named(QTabWidget(), "The ward's register or one patient")
        self.pages.addTab(self.register, "Ward's blanket restrictions")
        self.pages.addTab(self.patient, "One patient's restrictions")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pages)

    def show_restrictions(self, patient_id: UUID) -> None:
        """Show ``patient_id``'s restrictions (asked for from the ward board)."""
        self.pages.setCurrentWidget(self.patient)
        self.patient.show_restrictions(patient_id)

    def stop(self) -> None:
        """The window is locking."""
        self.register.stop()
        self.patient.stop()


def restrictions_screen(ctx: ScreenContext) -> QWidget:
    """The restrictions screen (tab :data:`TAB_TITLE`)."""
    return RestrictionsScreen(ctx)
