"""The ward board page (home): the table of patients, the ward's totals, and its clocks
ticking. The board is computed on the store worker; this page only shows it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local, utc_now
from app.models.policy import ClinicalPolicy
from app.models.ward_board import WardBoard, build_ward_board
from app.store.board import load_ward_board_inputs
from app.store.store import Store
from app.ui.board.model import PATIENT_ID_ROLE, WardBoardModel
from app.ui.ops import Changes, StoreRunner
from app.ui.widgets import disconnect_quietly, named

#: How often the board is computed again from the store (clocks also tick every second).
RELOAD_MS = 60_000
TICK_MS = 1_000


def load_board(store: Store, ward_id: UUID, at: datetime, policy: ClinicalPolicy) -> WardBoard:
    """The board for ``ward_id`` at ``at`` (runs on the store worker)."""
    with store.read() as reader:
        return build_ward_board(load_ward_board_inputs(reader, ward_id, at), at, policy)


def totals(board: WardBoard) -> str:
    """The line above the table: what is running and waiting on the ward."""
    parts = [
        f"{len(board.seclusions)} in seclusion",
        f"{len(board.segregations)} in long-term segregation",
    ]
    if board.overdue_count:
        parts.append(f"{board.overdue_count} with a review OVERDUE")
    incidents = board.incidents_last_24h
    parts += [
        f"{len(board.drafts)} draft record{'s' if len(board.drafts) != 1 else ''}",
        f"{len(board.awaiting_sign_off)} awaiting sign-off",
        f"{incidents} incident{'s' if incidents != 1 else ''} in 24 h",
    ]
    if board.conflicted:
        parts.append(f"{board.conflicted} conflicted")
    return " · ".join(parts)


class BoardPage(QWidget):
    """Home: the ward's patients with their live chips."""

    #: The board was drawn from the store (tests and the status bar wait on it).
    board_loaded = Signal(object)
    #: A patient's row was opened (Enter or double-click); carries the patient id.
    patient_opened = Signal(object)

    def __init__(
        self,
        runner: StoreRunner,
        store: Store,
        ward_id: UUID,
        ward_name: str,
        policy: ClinicalPolicy,
        *,
        now: Callable[[], datetime] = utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ward-board")
        self._runner = runner
        self._store = store
        self._ward_id = ward_id
        self._policy = policy
        self._now = now
        self.title = QLabel(f"<h2>{ward_name}</h2>")
        self.summary = named(QLabel(), "Ward totals")
        self.summary.setWordWrap(True)
        self.model = WardBoardModel(now)
        self.table = named(QTableView(), "Ward board")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.activated.connect(self._open_row)
        self.empty = QLabel("No patients on the ward in this store yet.")
        self.empty.hide()
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()
        self._reload_timer = QTimer(self)
        self._reload_timer.setInterval(RELOAD_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._reload_timer.start()
        self._stopped = False
        runner.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        """Compute the board again on the store worker and show it."""
        store, ward_id, policy, at = self._store, self._ward_id, self._policy, self._now()
        self._runner.run(
            lambda: load_board(store, ward_id, at, policy), on_done=self._show, owner=self
        )

    def _show(self, board: WardBoard) -> None:
        if self._stopped:
            return
        self.model.set_board(board)
        self.summary.setText(f"{totals(board)} — as at {format_local(board.at)}")
        self.empty.setVisible(not board.patients)
        self.table.resizeRowsToContents()
        self.board_loaded.emit(board)

    def _on_changed(self, changes: Changes) -> None:
        del changes  # any saved record can change a chip: draw the board again
        self.reload()

    def _open_row(self, index: object) -> None:
        row = self.model.row_of(index)  # type: ignore[arg-type]
        if row is not None:
            self.patient_opened.emit(row.patient_id)

    def selected_patient(self) -> UUID | None:
        """The patient of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = self.model.data(rows[0], PATIENT_ID_ROLE)
        return UUID(value) if value else None

    def stop(self) -> None:
        """Stop the timers and forget the board (the window is locking)."""
        self._stopped = True
        self._tick.stop()
        self._reload_timer.stop()
        disconnect_quietly(self._runner.changed, self._on_changed)
        self.model.clear()
        self.summary.clear()
