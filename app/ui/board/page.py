"""The ward board page (home): the table of patients, the ward's totals, and its clocks
ticking. The board is computed on the store worker; this page only shows it.

Enter or a double-click on a row opens the patient; on a count chip (conflicts, awaiting
sign-off, drafts) it opens what the chip counts instead, and the buttons under the table do
the same for the selected row (:mod:`app.ui.board.links`); on a running seclusion or LTS it
opens the episode (its clocks, and for LTS the way out of it). Enter on a patient's restrictions
cell, or Alt+E on their row, opens their restrictions (individual restrictions, enhanced
observation, psychological and cultural restraint). The ward's blanket restrictions whose
review is due soon or overdue are listed above the table. The page only says what was asked
for (:attr:`BoardPage.conflict_opened`, :attr:`BoardPage.incident_opened`,
:attr:`BoardPage.restrictions_opened`); the screens module routes it to the navigator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import format_local, utc_now
from app.models.form_draft import FormDraft
from app.models.policy import ClinicalPolicy
from app.models.ward_board import WardBoard, build_ward_board
from app.store.board import load_ward_board_inputs
from app.store.store import Store
from app.ui.board.links import (
    NO_CONFLICTS_LEFT,
    NOTHING_TO_OPEN,
    Chip,
    ChipButtons,
    chip_target,
    conflicted_records_of,
)
from app.ui.board.model import CHIP_OF_COLUMN, PATIENT_ID_ROLE, Column, WardBoardModel
from app.ui.board.wording import blanket_line
from app.ui.ops import Changes, StoreRunner
from app.ui.widgets import OVERDUE_COLOUR, SOON_COLOUR, disconnect_quietly, named

#: How often the board is computed again from the store (clocks also tick every second).
RELOAD_MS = 60_000
TICK_MS = 1_000


def load_board(store: Store, ward_id: UUID, at: datetime, policy: ClinicalPolicy) -> WardBoard:
    """The board for ``ward_id`` at ``at`` (runs on the store worker)."""
    with store.read() as reader:
        return build_ward_board(load_ward_board_inputs(reader, ward_id, at), at, policy)


def _board_table(model: WardBoardModel) -> QTableView:
    table = named(QTableView(), "Ward board")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The three columns of running restrictions share the width and wrap, so the whole board
    # fits the window: nobody scrolls sideways to find an overdue review.
    for column in (Column.SECLUSION, Column.SEGREGATION, Column.RESTRICTIONS):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def totals(board: WardBoard) -> str:
    """The line above the table: what is running and waiting on the ward."""
    parts = [
        f"{len(board.seclusions)} in seclusion",
        f"{len(board.segregations)} in long-term segregation",
    ]
    if board.overdue_count:
        parts.append(f"{board.overdue_count} with a review OVERDUE")
    if board.restriction_reviews_overdue:
        count = board.restriction_reviews_overdue
        parts.append(f"{count} restriction review{'s' if count != 1 else ''} OVERDUE")
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
    #: A patient's conflicts chip was opened; carries their latest conflicted record's id.
    conflict_opened = Signal(object)
    #: An awaiting sign-off or drafts chip was opened; carries the incident's id.
    incident_opened = Signal(object)
    #: A patient's restrictions were asked for (their cell, or Alt+E); carries the patient id.
    restrictions_opened = Signal(object)
    #: A seclusion or LTS cell was opened; carries the episode's id.
    episode_opened = Signal(object)

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
        self.blanket = named(QLabel(), "Blanket restrictions to review")
        self.blanket.setWordWrap(True)
        self.blanket.hide()
        self.model = WardBoardModel(now)
        self.table = _board_table(self.model)
        self.table.activated.connect(self._open_cell)
        self._board: WardBoard | None = None
        self.chips = ChipButtons()
        for chip, button in self.chips.by_chip.items():
            button.clicked.connect(lambda _checked=False, chip=chip: self._open_selected(chip))
        self.restrictions_button = named(
            QPushButton("R&estrictions and observation for this patient"),
            "Open this patient's restrictions",
        )
        self.restrictions_button.setAutoDefault(True)
        self.restrictions_button.setEnabled(False)
        self.restrictions_button.clicked.connect(self._open_restrictions)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_chips())
        self.empty = QLabel("No patients on the ward in this store yet.")
        self.empty.hide()
        self._lay_out()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.tick)
        self._tick.start()
        self._reload_timer = QTimer(self)
        self._reload_timer.setInterval(RELOAD_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._reload_timer.start()
        self._stopped = False
        runner.changed.connect(self._on_changed)
        self.reload()

    def _lay_out(self) -> None:
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addWidget(self.summary)
        column.addWidget(self.blanket)
        caption = QLabel(
            "Patien&ts — Enter opens what a cell holds (an episode, a count, their "
            "restrictions), else the patient; Alt+E opens their restrictions"
        )
        caption.setWordWrap(True)
        caption.setBuddy(self.table)
        column.addWidget(caption)
        column.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.chips, 1)
        actions.addWidget(self.restrictions_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(actions)
        column.addWidget(self.empty)
        self._below = QHBoxLayout()
        column.addLayout(self._below)

    def reload(self) -> None:
        """Compute the board again on the store worker and show it."""
        store, ward_id, policy, at = self._store, self._ward_id, self._policy, self._now()
        self._runner.run(
            lambda: load_board(store, ward_id, at, policy), on_done=self._show, owner=self
        )

    def _show(self, board: WardBoard) -> None:
        if self._stopped:
            return
        self._board = board
        self.model.set_board(board)
        self._show_chips()
        self.summary.setText(f"{totals(board)} — as at {format_local(board.at)}")
        self._word_blanket()
        self.empty.setVisible(not board.patients)
        self.table.resizeRowsToContents()
        self.board_loaded.emit(board)

    def tick(self) -> None:
        """Re-word the countdowns (the table's and the blanket restrictions') for now."""
        self.model.tick()
        self._word_blanket()

    def _word_blanket(self) -> None:
        rows = self._board.blanket_restrictions if self._board is not None else ()
        now = self._now()
        self.blanket.setText(blanket_line(rows, now))
        self.blanket.setVisible(bool(rows))
        late = any(r.clock.overdue_at(now) for r in rows)
        style = f"color: {OVERDUE_COLOUR if late else SOON_COLOUR};" + (
            " font-weight: bold;" if late else ""
        )
        if self.blanket.styleSheet() != style:  # restyle only when it turns (a style is costly)
            self.blanket.setStyleSheet(style)

    def _on_changed(self, changes: Changes) -> None:
        if changes.kinds and changes.kinds <= {FormDraft.KIND}:
            return  # a form keeping what was typed changes no chip
        self.reload()  # any other saved record can change a chip: draw the board again

    def add_below(self, widget: QWidget, *, stretch: int = 0) -> None:
        """A widget on the row under the board (e.g. a document to save)."""
        self._below.addWidget(widget, stretch)

    def _open_cell(self, index: QModelIndex) -> None:
        """Enter or double-click: a chip with a count opens what it counts, a running episode's
        cell the episode, the restrictions cell the patient's restrictions; any other cell
        opens the patient."""
        row = self.model.row_of(index)
        if row is None:
            return
        column = Column(index.column())
        chip = CHIP_OF_COLUMN.get(column)
        if chip is not None and self.model.data(index):
            self.open_chip(row.patient_id, chip)
        elif column is Column.RESTRICTIONS:
            self.restrictions_opened.emit(row.patient_id)
        elif column is Column.SECLUSION and row.seclusion is not None:
            self.episode_opened.emit(row.seclusion.episode_id)
        elif column is Column.SEGREGATION and row.segregation is not None:
            self.episode_opened.emit(row.segregation.episode_id)
        else:
            self.patient_opened.emit(row.patient_id)

    def _open_selected(self, chip: Chip) -> None:
        patient_id = self.selected_patient()
        if patient_id is not None:
            self.open_chip(patient_id, chip)

    def _open_restrictions(self) -> None:
        patient_id = self.selected_patient()
        if patient_id is not None:
            self.restrictions_opened.emit(patient_id)

    def _show_chips(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.chips.show_row(self.model.row_of(rows[0]) if rows else None)
        self.restrictions_button.setEnabled(bool(rows))

    def open_chip(self, patient_id: UUID, chip: Chip) -> None:
        """Open what ``chip`` counts for ``patient_id``: their latest conflicted record (read
        on the store worker, so a conflict resolved meanwhile is not offered), or the
        incident :func:`~app.ui.board.links.chip_target` chooses."""
        self.chips.message.clear()
        if chip is not Chip.CONFLICTS:
            incident_id = chip_target(self._board, patient_id, chip)
            if incident_id is None:
                self.chips.message.setText(NOTHING_TO_OPEN)
            else:
                self.incident_opened.emit(incident_id)
            return
        store, ward_id = self._store, self._ward_id
        self._runner.run(
            lambda: conflicted_records_of(store, ward_id, patient_id),
            on_done=self._conflicts_read,
            owner=self,
        )

    def _conflicts_read(self, record_ids: tuple[UUID, ...]) -> None:
        if self._stopped:
            return
        if record_ids:
            self.conflict_opened.emit(record_ids[0])
        else:
            self.chips.message.setText(NO_CONFLICTS_LEFT)

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
        self._board = None
        self.model.clear()
        self.summary.clear()
        self.blanket.clear()
        self.chips.show_row(None)
        self.restrictions_button.setEnabled(False)
