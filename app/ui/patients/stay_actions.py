"""The stay buttons of the patients screen and what confirming the stay panel does: admit an
existing patient to this ward, discharge them, or transfer them out (saying where to).

The rules are the models' (:mod:`app.models.stays`): one stay at a time, no end while a
seclusion or LTS of the patient on this ward is running, a transfer says where to. Each save
names its base: a new stay has none; ending a stay names the revision it was read at.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton

from app.models.admission import HospitalSpell
from app.models.errors import UserFacingError
from app.models.revision import Revision
from app.models.stays import admission_problem, end_stay
from app.ui.context import ScreenContext
from app.ui.forms import RecordSaver
from app.ui.patients.loading import PatientDetail
from app.ui.patients.stay import StayAction, StayPanel
from app.ui.widgets import named

if TYPE_CHECKING:
    from app.ui.patients.editor import PatientEditor

_DONE = {
    StayAction.ADMIT: "Admitted to this ward.",
    StayAction.DISCHARGE: "Discharge recorded.",
    StayAction.TRANSFER: "Transfer out recorded.",
}


class StayActions:
    """Admit / Transfer out / Discharge for the patient the editor shows."""

    def __init__(self, ctx: ScreenContext, editor: PatientEditor, panel: StayPanel) -> None:
        self._ctx = ctx
        self._editor = editor
        self._panel = panel
        self.admit = named(QPushButton("A&dmit to this ward…"), "Admit to this ward")
        self.transfer = named(QPushButton("Transfer &out…"), "Transfer out")
        self.discharge = named(QPushButton("Dis&charge…"), "Discharge")
        self.buttons = QHBoxLayout()
        for button, action in (
            (self.admit, StayAction.ADMIT),
            (self.transfer, StayAction.TRANSFER),
            (self.discharge, StayAction.DISCHARGE),
        ):
            button.setAutoDefault(True)
            button.clicked.connect(lambda _=False, action=action: self.start(action))
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        panel.confirmed.connect(self._confirmed)

    def refresh(self, detail: PatientDetail | None) -> None:
        """Offer what fits the patient shown (nothing without permission to record)."""
        may = self._editor.may_record and detail is not None
        on_ward = detail is not None and detail.open_stay is not None
        self.admit.setVisible(may and not on_ward)
        self.transfer.setVisible(may and on_ward)
        self.discharge.setVisible(may and on_ward)
        if not may or (self._panel.action is StayAction.ADMIT) == on_ward:
            self._panel.close_panel()

    def start(self, action: StayAction) -> None:
        """Open the panel for ``action``, starting from now."""
        if self._editor.detail is None:
            return
        intro = ""
        if action is not StayAction.ADMIT and any(
            e.ended_at is None for e in self._editor.detail.episodes
        ):
            intro = (
                "Seclusion or long-term segregation is still running for this patient: record "
                "its end first."
            )
        self._panel.open(action, default=self._ctx.now(), intro=intro)

    def _confirmed(self, action: StayAction, at: datetime, destination: str) -> None:
        detail = self._editor.detail
        if detail is None:
            return
        try:
            if action is StayAction.ADMIT:
                record, base = self._admission(detail, at), None
            else:
                stay = detail.open_stay
                if stay is None:
                    raise UserFacingError("discharged at: the patient is not on this ward")
                record = end_stay(
                    stay,
                    at,
                    detail.episodes,
                    transferred_to=destination,
                    transfer=action is StayAction.TRANSFER,
                )
                base = detail.open_stay_revision
        except UserFacingError as exc:
            self._panel.show_error(str(exc))
            return
        self._panel.busy()

        def saved(revision: Revision) -> None:
            self._panel.close_panel()
            self._editor.note.setText(_DONE[action])
            self._editor.stay_saved.emit(revision)

        RecordSaver(self._ctx, base=base).save(
            record,
            on_saved=saved,
            on_error=lambda error: self._panel.show_error(str(error)),
            owner=self._panel,
        )

    def _admission(self, detail: PatientDetail, at: datetime) -> HospitalSpell:
        problem = admission_problem(detail.spells, detail.patient.id, at)
        if problem is not None:
            raise UserFacingError(problem)
        return HospitalSpell.build(
            patient_id=detail.patient.id, ward_id=self._ctx.ward_id, admitted_at=at
        )
