"""The shift handover screen: the ward's active restrictions, then everything due or open —
overdue first, then by due time — computed on the store worker by
:func:`app.models.handover.handover_items`; countdowns tick every second, and the whole is
read again when any record is saved and every minute. Enter (or a double-click) on a line
opens its episode or incident record on its own screen."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.models.clock import format_local, local_date
from app.models.form_draft import FormDraft
from app.models.handover import (
    HANDOVER_HORIZON,
    Handover,
    HandoverItem,
    HandoverItemKind,
    RestrictionOnHandover,
    handover_items,
)
from app.models.policy import ClinicalPolicy
from app.store.board import load_ward_board_inputs
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.documents import DocumentButton
from app.ui.isolation.episode_page import table
from app.ui.isolation.tables import Column, RowsModel
from app.ui.isolation.wording import clock_chip, local_time, span
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly, named

RELOAD_MS = 60_000
TICK_MS = 1_000
RESTRICTION_WORDS = {"seclusion": "Seclusion", "segregation": "Long-term segregation"}


def load_handover(store: Store, ward_id: UUID, at: datetime, policy: ClinicalPolicy) -> Handover:
    """The handover of ``ward_id`` at ``at`` (runs on the store worker)."""
    with store.read() as reader:
        return handover_items(load_ward_board_inputs(reader, ward_id, at), at, policy=policy)


def due_text(item: HandoverItem, at: datetime) -> str:
    """``OVERDUE by 5 min``, ``due in 2 h 05 min (at 16:10)``, ``no due time``."""
    if item.due_at is None:
        return "needed, no due date set" if item.kind is HandoverItemKind.REVIEW else "no due time"
    left = item.due_at - at
    if item.overdue_at(at):
        return f"OVERDUE by {span(left)}"
    return f"due in {span(left)} (at {local_time(item.due_at, at)})"


def item_detail(item: HandoverItem) -> str:
    """What else the next shift needs to know about the line."""
    if item.missing:
        return "statutory items still missing: " + ", ".join(item.missing)
    if item.clock is not None and item.clock.last_done is not None:
        return f"last done {format_local(item.clock.last_done)}"
    return ""


def item_columns() -> list[Column[HandoverItem]]:
    """Due, what, patient, about, detail."""
    return [
        Column("Due", due_text, overdue=lambda i, at: i.overdue_at(at), live=True),
        Column("What", lambda i, _at: i.label),
        Column("Patient", lambda i, _at: i.patient_name),
        Column(
            "About",
            lambda i, _at: RESTRICTION_WORDS.get(i.restriction or "", "Incident record"),
        ),
        Column("Detail", lambda i, _at: item_detail(i)),
    ]


def _restriction_since(r: RestrictionOnHandover, at: datetime) -> str:
    episode = r.episode
    if episode.kind == "segregation":
        return f"day {(episode.days_elapsed or 0) + 1}, since {local_time(episode.started_at, at)}"
    return f"{span(at - episode.started_at)}, since {local_time(episode.started_at, at)}"


def _next_due(r: RestrictionOnHandover, at: datetime) -> str:
    if not r.items or r.items[0].clock is None:
        return "nothing due in the next 12 hours"
    overdue = sum(i.overdue_at(at) for i in r.items)
    first = clock_chip(r.items[0].clock, at)
    return f"{first} · {overdue} OVERDUE" if overdue > 1 else first


def restriction_columns() -> list[Column[RestrictionOnHandover]]:
    """Patient, restriction, how long, what is due first."""
    return [
        Column("Patient", lambda r, _at: r.episode.patient_name),
        Column("Restriction", lambda r, _at: RESTRICTION_WORDS[r.episode.kind]),
        Column("How long", _restriction_since, live=True),
        Column("First due", _next_due, overdue=lambda r, at: r.overdue_at(at), live=True),
    ]


def summary(handover: Handover, at: datetime) -> str:
    """The line above the lists."""
    counts = {
        kind: sum(r.episode.kind == kind for r in handover.restrictions)
        for kind in RESTRICTION_WORDS
    }
    overdue = sum(i.overdue_at(at) for i in handover.items)
    parts = [
        f"{counts['seclusion']} in seclusion",
        f"{counts['segregation']} in long-term segregation",
        f"{overdue} OVERDUE" if overdue else "nothing overdue",
        f"{len(handover.items)} item{'s' if len(handover.items) != 1 else ''} to hand over",
    ]
    return (
        " · ".join(parts)
        + f" — as at {format_local(handover.at)}, looking ahead to {format_local(handover.until)}"
    )


class HandoverPage(QWidget):
    """One view of the ward for the shift handover."""

    #: The handover was computed (carries :class:`Handover`).
    handover_loaded = Signal(object)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handover-screen")
        self.ctx = ctx
        self.handover: Handover | None = None
        self._stopped = False
        self.restrictions: RowsModel[RestrictionOnHandover] = RowsModel(
            restriction_columns(), key=lambda r: r.episode.episode_id, now=ctx.now, parent=self
        )
        self.items: RowsModel[HandoverItem] = RowsModel(
            item_columns(), key=lambda i: (i.record_id, i.label), now=ctx.now, parent=self
        )
        self._build()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.tick)
        self._tick.start()
        self._reload = QTimer(self)
        self._reload.setInterval(RELOAD_MS)
        self._reload.timeout.connect(self.reload)
        self._reload.start()
        ctx.runner.changed.connect(self._on_changed)
        ctx.session.locking.connect(self.stop)
        self.reload()

    def _build(self) -> None:
        hours = int(HANDOVER_HORIZON.total_seconds() // 3600)
        title = QLabel(f"<h2>Shift handover — {self.ctx.ward.name}</h2>")
        self.summary = named(QLabel(), "Handover totals")
        self.summary.setWordWrap(True)
        self.restrictions_view = table("Active restrictions", self.restrictions)
        self.items_view = table(f"Due in the next {hours} hours and open records", self.items)
        restrictions_label = QLabel("Active &restrictions")
        restrictions_label.setBuddy(self.restrictions_view)
        items_label = QLabel(f"Due in the next {hours} hours, and &open records (OVERDUE first)")
        items_label.setBuddy(self.items_view)
        self.refresh_button = named(QPushButton("Re&fresh"), "Refresh")
        self.refresh_button.clicked.connect(self.reload)
        self.save_pdf = DocumentButton(
            self.ctx,
            "handover",
            "Save as P&DF…",
            options_now=dict,
            file_name=lambda: f"handover-{local_date(self.ctx.now())}.pdf",
        )
        self.restrictions_view.activated.connect(self._open_restriction)
        self.items_view.activated.connect(self._open_item)
        upper = QWidget()
        upper_column = QVBoxLayout(upper)
        upper_column.addWidget(restrictions_label)
        upper_column.addWidget(self.restrictions_view)
        lower = QWidget()
        lower_column = QVBoxLayout(lower)
        lower_column.addWidget(items_label)
        lower_column.addWidget(self.items_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(1, 2)
        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(self.summary)
        column.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_pdf.note, 1)
        buttons.addWidget(self.save_pdf)
        buttons.addWidget(self.refresh_button)
        column.addLayout(buttons)
        self.setTabOrder(self.restrictions_view, self.items_view)
        self.setTabOrder(self.items_view, self.save_pdf)
        self.setTabOrder(self.save_pdf, self.refresh_button)

    def reload(self) -> None:
        """Compute the handover again on the store worker."""
        if self._stopped:
            return
        ctx = self.ctx
        store, ward_id, policy, at = ctx.store, ctx.ward_id, ctx.policy, ctx.now()
        ctx.runner.run(
            lambda: load_handover(store, ward_id, at, policy), on_done=self._show, owner=self
        )

    def _show(self, handover: Handover) -> None:
        if self._stopped:
            return
        self.handover = handover
        self.restrictions.set_rows(handover.restrictions)
        self.items.set_rows(handover.items)
        self.summary.setText(summary(handover, self.ctx.now()))
        self.restrictions_view.resizeRowsToContents()
        self.items_view.resizeRowsToContents()
        self.handover_loaded.emit(handover)

    def tick(self) -> None:
        """Re-word the countdowns for the current time."""
        self.restrictions.tick()
        self.items.tick()
        if self.handover is not None:
            self.summary.setText(summary(self.handover, self.ctx.now()))

    def _on_changed(self, changes: Changes) -> None:
        if changes.kinds <= {FormDraft.KIND}:
            return  # a form keeping its draft changes nothing handed over
        self.reload()  # any other saved record can change the handover

    def _open_restriction(self, index: QModelIndex) -> None:
        row = self.restrictions.row_at(index)
        if row is not None:
            self.ctx.navigator.episode_requested.emit(row.episode.episode_id)

    def _open_item(self, index: QModelIndex) -> None:
        item = self.items.row_at(index)
        if item is None:
            return
        if item.kind is HandoverItemKind.REVIEW:
            self.ctx.navigator.episode_requested.emit(item.record_id)
        else:
            self.ctx.navigator.incident_requested.emit(item.record_id)

    def stop(self) -> None:
        """The window is locking: stop the timers and forget what was shown."""
        if self._stopped:
            return
        self._stopped = True
        self._tick.stop()
        self._reload.stop()
        disconnect_quietly(self.ctx.runner.changed, self._on_changed)
        self.restrictions.clear()
        self.items.clear()
        self.summary.clear()
        self.handover = None


def handover_screen(ctx: ScreenContext) -> QWidget:
    """The shift handover (tab title: ``Shift han&dover``)."""
    return HandoverPage(ctx)
