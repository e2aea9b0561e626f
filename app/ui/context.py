"""What every screen of a signed-in session is given, and how screens ask for one another.

A screen is a ``QWidget`` made by a factory ``(ScreenContext) -> QWidget`` listed in
:mod:`app.ui.screens`. It reads and writes only through ``ctx.runner`` with ``ctx.store``
captured in the work it submits (see :mod:`app.ui.ops`); it refreshes on
``ctx.runner.changed``; it hands unsaved edits to the runner as drafts on
``ctx.session.locking``; it asks for other screens through ``ctx.navigator``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from PySide6.QtCore import QObject, Signal

from app.models.people import Permission, Ward
from app.models.policy import ClinicalPolicy
from app.store.store import Store
from app.ui.ops import StoreRunner
from app.ui.session.controller import Session, SignedIn


class Navigator(QObject):
    """Requests to show a screen, emitted by one screen and honoured by the work area."""

    #: Show a patient (carries the patient id).
    patient_requested = Signal(object)
    #: Open an incident record (carries the incident id).
    incident_requested = Signal(object)
    #: Start a new incident record for a patient (carries the patient id).
    new_incident_requested = Signal(object)
    #: Show a seclusion or LTS episode (carries the episode id).
    episode_requested = Signal(object)
    #: Show a record's history and conflicts (carries the record id).
    history_requested = Signal(object)
    #: Show a conflicted record's versions side by side (carries the record id).
    conflict_requested = Signal(object)
    #: Show a patient's restrictions beyond force (carries the patient id).
    restrictions_requested = Signal(object)


@dataclass(frozen=True, slots=True)
class ScreenContext:
    """Everything a screen needs; one per signed-in session."""

    runner: StoreRunner
    session: Session
    store: Store
    facts: SignedIn
    ward: Ward
    policy: ClinicalPolicy
    now: Callable[[], datetime]
    navigator: Navigator

    @property
    def ward_id(self) -> UUID:
        """The ward this PC records for."""
        return self.ward.id

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in account may do ``permission``."""
        return self.facts.may(permission)
