"""What the board's count chips lead to: a patient's conflicted records (History and conflicts),
their record awaiting sign-off, their draft returned for correction (the Incidents screen).

A count is only useful if it can be acted on (issue 6, items 3, 5 and 8): Enter or a
double-click on the chip opens what it counts, and the buttons under the board do the same for
the selected row, each saying what it opens and how many there are — words, never colour alone.

:func:`chip_target` chooses, from the board already on screen, the incident a chip opens;
:func:`conflicted_records_of` reads a patient's conflicted records on the store worker.
"""

from __future__ import annotations

from enum import Enum
from uuid import UUID

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models.ward_board import IncidentOnBoard, PatientOnBoard, WardBoard
from app.store.store import Store
from app.ui.widgets import named


class Chip(Enum):
    """A count on the board that opens something."""

    CONFLICTS = "conflicts"
    AWAITING = "awaiting"
    DRAFTS = "drafts"


#: What activating each chip does, in the words its tooltip and button use.
CHIP_HINTS = {
    Chip.CONFLICTS: "Enter or double-click: open this patient's conflicts to resolve them",
    Chip.AWAITING: "Enter or double-click: open the record awaiting sign-off",
    Chip.DRAFTS: "Enter or double-click: open the draft (one returned for correction first)",
}
NO_CONFLICTS_LEFT = "No conflicted records are left for this patient."
NOTHING_TO_OPEN = "Nothing of this kind is waiting for this patient now."


def chip_count(row: PatientOnBoard, chip: Chip) -> int:
    """How many records the chip counts for ``row``."""
    if chip is Chip.CONFLICTS:
        return row.conflicted
    if chip is Chip.AWAITING:
        return row.awaiting_sign_off
    return row.drafts


def chip_target(board: WardBoard | None, patient_id: UUID, chip: Chip) -> UUID | None:
    """The incident the chip opens: the record waiting longest for sign-off, or the oldest
    draft returned for correction (else the oldest draft). None for conflicts (read from
    the store) or when nothing is waiting."""
    if board is None or chip is Chip.CONFLICTS:
        return None
    pool: tuple[IncidentOnBoard, ...] = (
        board.awaiting_sign_off if chip is Chip.AWAITING else board.drafts
    )
    mine = [i for i in pool if i.patient_id == patient_id]
    if chip is Chip.DRAFTS and any(i.returned for i in mine):
        mine = [i for i in mine if i.returned]
    oldest = min(mine, key=lambda i: (i.started_at, str(i.incident_id)), default=None)
    return None if oldest is None else oldest.incident_id


def conflicted_records_of(store: Store, ward_id: UUID, patient_id: UUID) -> tuple[UUID, ...]:
    """The patient's records on ``ward_id`` with diverging versions, the latest changed first
    (runs on the store worker). A record belongs to the patient its index names — the
    same fact the board counts by."""
    found: list[tuple[str, UUID]] = []
    with store.read() as reader:
        for record_id in reader.conflicted_ids(ward_id=ward_id):
            state = reader.state(record_id)
            if state is None or state.record.summary().patient_id != patient_id:
                continue
            latest = max((t.created_at for t in reader.tips(record_id)), default=state.updated_at)
            found.append((latest.isoformat(), record_id))
    found.sort(reverse=True)
    return tuple(record_id for _, record_id in found)


class ChipButtons(QWidget):
    """The keyboard route to the selected row's chips: one button per chip (Alt+O, Alt+R,
    Alt+F), saying what it opens and how many; disabled when there is nothing to open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflicts = named(QPushButton(), "Open this patient's conflicts")
        self.awaiting = named(QPushButton(), "Open the record awaiting sign-off")
        self.drafts = named(QPushButton(), "Open the draft")
        self.message = named(QLabel(), "What the board could not open")
        self.message.setWordWrap(True)
        self.by_chip = {
            Chip.CONFLICTS: self.conflicts,
            Chip.AWAITING: self.awaiting,
            Chip.DRAFTS: self.drafts,
        }
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for chip, button in self.by_chip.items():
            button.setToolTip(CHIP_HINTS[chip].split(": ", 1)[1].capitalize() + ".")
            button.setAutoDefault(True)  # Enter on a focused button presses it
            row.addWidget(button)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.message)
        self.show_row(None)

    def show_row(self, row: PatientOnBoard | None) -> None:
        """Word and enable the buttons for the selected row (None: no row selected)."""
        counts = {chip: 0 if row is None else chip_count(row, chip) for chip in Chip}
        returned = 0 if row is None else row.returned
        self.conflicts.setText(_counted("Open c&onflicts", counts[Chip.CONFLICTS]))
        self.awaiting.setText(_counted("Open &record awaiting sign-off", counts[Chip.AWAITING]))
        draft_words = "Open returned dra&ft" if returned else "Open dra&ft"
        self.drafts.setText(_counted(draft_words, returned or counts[Chip.DRAFTS]))
        for chip, button in self.by_chip.items():
            button.setEnabled(counts[chip] > 0)
        self.message.clear()


def _counted(words: str, count: int) -> str:
    return f"{words} ({count})" if count else words
