"""The shift handover screen: the ward's active restrictions (seclusion and LTS), the
restrictions beyond force in force (enhanced observation, individual and blanket restrictions,
issue 10) with the LTS prompts, then everything due or open — overdue first, then by due time
(:meth:`~app.models.handover.Handover.everything_due`: the reviews of restrictions beyond force
falling due are listed with the episodes' reviews and the incident records) — computed on the
store worker by :func:`app.models.handover.handover_items` from the ward board's records, read
once; countdowns tick every second, and the whole is read again when any record is saved and
every minute. Enter (or a double-click) on a line opens its record on its own screen: an
episode, an incident, or a patient's restrictions (a blanket restriction opens nothing: it is
the ward's, on the Blan&ket and patient restrictions tab)."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.models.clock import format_local, local_date, to_local
from app.models.form_draft import FormDraft
from app.models.handover import (
    HANDOVER_HORIZON,
    Handover,
    HandoverItem,
    HandoverItemKind,
    RestrictionOnHandover,
    handover_items,
)
from app.models.handover_restrictions import (
    BeyondForceOnHandover,
    LtsPromptOnHandover,
    RestrictionInForce,
    beyond_force_from_board,
)
from app.models.policy import ClinicalPolicy
from app.store.board import load_ward_board_inputs
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.documents import DocumentButton
from app.ui.isolation.episode_page import table
from app.ui.isolation.tables import Column, RowsModel
from app.ui.isolation.wording import clock_chip, clock_tooltip, local_time, span
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly, named

RELOAD_MS = 60_000
TICK_MS = 1_000
RESTRICTION_WORDS = {"seclusion": "Seclusion", "segregation": "Long-term segregation"}
#: A line of the list of what is due: an episode's review or an incident record, or the
#: review of a restriction beyond force.
DueLine = HandoverItem | RestrictionInForce


def load_handover(store: Store, ward_id: UUID, at: datetime, policy: ClinicalPolicy) -> Handover:
    """The handover of ``ward_id`` at ``at``, restrictions beyond force included, from one
    read of the ward board's records (runs on the store worker)."""
    with store.read() as reader:
        inputs = load_ward_board_inputs(reader, ward_id, at)
    beyond = beyond_force_from_board(inputs)
    return handover_items(inputs, at, policy=policy, beyond_force=beyond)


def _due_when(due: datetime, at: datetime) -> str:
    """``at 16:10``; a due time at midnight as the end of the day before (a review date is
    due by the end of its day)."""
    local = to_local(due)
    if (local.hour, local.minute) == (0, 0):
        return f"by the end of {local - timedelta(minutes=1):%a %d %b}"
    return f"at {local_time(due, at)}"


def due_text(item: DueLine, at: datetime) -> str:
    """``OVERDUE by 5 min``, ``due in 2 h 05 min (at 16:10)``, ``no due time``; a restriction
    beyond force due within the policy's warning days also says ``— due soon``."""
    if item.due_at is None:
        if isinstance(item, RestrictionInForce) or item.kind is HandoverItemKind.REVIEW:
            return "needed, no due date set"
        return "no due time"
    left = item.due_at - at
    if item.overdue_at(at):
        return f"OVERDUE by {span(left)}"
    if isinstance(item, RestrictionInForce):
        soon = " — due soon" if item.due_soon else ""
        return f"due in {span(left)} ({_due_when(item.due_at, at)}){soon}"
    return f"due in {span(left)} (at {local_time(item.due_at, at)})"


def item_detail(item: DueLine) -> str:
    """What else the next shift needs to know about the line."""
    if isinstance(item, RestrictionInForce):
        last = item.clock.last_done
        reviewed = f"last reviewed {format_local(last)}" if last is not None else "not reviewed yet"
        return f"{item.what.rstrip('.')}; {reviewed}"
    if item.missing:
        return "statutory items still missing: " + ", ".join(item.missing)
    if item.clock is not None and item.clock.last_done is not None:
        return f"last done {format_local(item.clock.last_done)}"
    return ""


def item_what(item: DueLine) -> str:
    """``Nursing review``, ``Incident record to complete``, ``Enhanced observation review``."""
    return item.clock.kind.label if isinstance(item, RestrictionInForce) else item.label


def item_about(item: DueLine) -> str:
    """What the line is about: the restriction, or an incident record."""
    if isinstance(item, RestrictionInForce):
        return item.kind.label
    return RESTRICTION_WORDS.get(item.restriction or "", "Incident record")


def item_key(item: DueLine) -> tuple[UUID, str]:
    """A line's key: its record and what is due of it."""
    return (item.record_id, item_what(item))


def item_columns() -> list[Column[DueLine]]:
    """Due, what, patient, about, detail."""
    return [
        Column("Due", due_text, overdue=lambda i, at: i.overdue_at(at), live=True),
        Column("What", lambda i, _at: item_what(i)),
        Column("Patient", lambda i, _at: i.patient_name),
        Column("About", lambda i, _at: item_about(i)),
        Column("Detail", lambda i, _at: item_detail(i)),
    ]


def _in_force_since(line: RestrictionInForce, at: datetime) -> str:
    return f"{span(at - line.since)}, since {local_time(line.since, at)}"


def _next_review(line: RestrictionInForce, at: datetime) -> str:
    return f"{line.clock.kind.label}: {due_text(line, at)}"


def beyond_force_columns() -> list[Column[RestrictionInForce]]:
    """Patient (or the whole ward), restriction, what (the level), since, why or who is
    exempted, the next review."""
    return [
        Column("Patient", lambda r, _at: r.patient_name),
        Column("Restriction", lambda r, _at: r.kind.label),
        Column("What", lambda r, _at: r.what),
        Column("Since", _in_force_since, live=True),
        Column("Why or exemptions", lambda r, _at: r.detail),
        Column(
            "Next review",
            _next_review,
            overdue=lambda r, at: r.overdue_at(at),
            tooltip=lambda r, _at: clock_tooltip(r.clock),
            live=True,
        ),
    ]


def prompt_columns() -> list[Column[LtsPromptOnHandover]]:
    """Patient, prompt, what it means, counted from."""
    return [
        Column("Patient", lambda p, _at: p.patient_name),
        Column("Prompt", lambda p, _at: p.prompt.kind.label),
        Column("What it means", lambda p, _at: p.prompt.message),
        Column("Counted from", lambda p, _at: f"{p.prompt.since:%a %d %b %Y}"),
    ]


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def beyond_force_summary(beyond: BeyondForceOnHandover) -> str:
    """``1 on enhanced observation · 4 individual restrictions · 3 blanket restrictions in
    force · 1 LTS prompt``."""
    return (
        f"{len(beyond.observations)} on enhanced observation · "
        f"{_counted(len(beyond.individual), 'individual restriction')} · "
        f"{_counted(len(beyond.blanket), 'blanket restriction')} in force · "
        f"{_counted(len(beyond.prompts), 'LTS prompt')}"
    )


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
    due = handover.everything_due()
    overdue = sum(i.overdue_at(at) for i in due)
    parts = [
        f"{counts['seclusion']} in seclusion",
        f"{counts['segregation']} in long-term segregation",
        f"{overdue} OVERDUE" if overdue else "nothing overdue",
        f"{len(due)} item{'s' if len(due) != 1 else ''} to hand over",
    ]
    return (
        " · ".join(parts)
        + f" — as at {format_local(handover.at)}, looking ahead to {format_local(handover.until)}"
        + f". Beyond force: {beyond_force_summary(handover.beyond_force)}."
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
        self.beyond: RowsModel[RestrictionInForce] = RowsModel(
            beyond_force_columns(), key=lambda r: r.record_id, now=ctx.now, parent=self
        )
        self.prompts: RowsModel[LtsPromptOnHandover] = RowsModel(
            prompt_columns(),
            key=lambda p: (p.prompt.episode_id, p.prompt.kind),
            now=ctx.now,
            parent=self,
        )
        self.items: RowsModel[DueLine] = RowsModel(
            item_columns(), key=item_key, now=ctx.now, parent=self
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
        middle = self._beyond_force_part()
        lower = QWidget()
        lower_column = QVBoxLayout(lower)
        lower_column.addWidget(items_label)
        lower_column.addWidget(self.items_view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(middle)
        splitter.addWidget(lower)
        # Room by how much each part usually holds: the ward's few episodes, its many
        # restrictions, what falls due.
        for index, share in enumerate((1, 3, 2)):
            splitter.setStretchFactor(index, share)
        splitter.setSizes([100, 300, 200])
        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(self.summary)
        column.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_pdf.note, 1)
        buttons.addWidget(self.save_pdf)
        buttons.addWidget(self.refresh_button)
        column.addLayout(buttons)
        self.setTabOrder(self.restrictions_view, self.beyond_view)
        self.setTabOrder(self.beyond_view, self.prompts_view)
        self.setTabOrder(self.prompts_view, self.items_view)
        self.setTabOrder(self.items_view, self.save_pdf)
        self.setTabOrder(self.save_pdf, self.refresh_button)

    def _beyond_force_part(self) -> QWidget:
        """The restrictions beyond force in force, and the LTS prompts (issue 10)."""
        # What and why wrap, so the next review (where OVERDUE shows) is always in sight.
        self.beyond_view = table("Restrictions beyond force in force", self.beyond, wrapped=(2, 4))
        self.prompts_view = table("Prompts to end long-term segregation", self.prompts)
        beyond_label = QLabel(
            "Restrictions &beyond force in force: enhanced observation, individual and "
            "blanket restrictions (Enter: the patient's restrictions)"
        )
        beyond_label.setWordWrap(True)
        beyond_label.setBuddy(self.beyond_view)
        prompts_label = QLabel("&LTS prompts: steps to end long-term segregation")
        prompts_label.setBuddy(self.prompts_view)
        self.beyond_view.activated.connect(self._open_beyond_force)
        self.prompts_view.activated.connect(self._open_prompt)
        part = QWidget()
        column = QVBoxLayout(part)
        column.addWidget(beyond_label)
        column.addWidget(self.beyond_view, 2)
        column.addWidget(prompts_label)
        column.addWidget(self.prompts_view, 1)
        return part

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
        self.beyond.set_rows(handover.beyond_force.in_force)
        self.prompts.set_rows(handover.beyond_force.prompts)
        self.items.set_rows(handover.everything_due())
        self.summary.setText(summary(handover, self.ctx.now()))
        for view in (self.restrictions_view, self.beyond_view, self.prompts_view, self.items_view):
            view.resizeRowsToContents()
        self.handover_loaded.emit(handover)

    def tick(self) -> None:
        """Re-word the countdowns for the current time."""
        for model in (self.restrictions, self.beyond, self.items):
            model.tick()
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

    def _open_beyond_force(self, index: QModelIndex) -> None:
        self._open_patient_restrictions(self.beyond.row_at(index))

    def _open_patient_restrictions(self, line: RestrictionInForce | None) -> None:
        """A patient's restriction opens their restrictions; a blanket restriction (the
        ward's, ``patient_id`` None) opens nothing."""
        if line is not None and line.patient_id is not None:
            self.ctx.navigator.restrictions_requested.emit(line.patient_id)

    def _open_prompt(self, index: QModelIndex) -> None:
        line = self.prompts.row_at(index)
        if line is not None:  # the LTS episode, whose page tracks the steps to end it
            self.ctx.navigator.episode_requested.emit(line.prompt.episode_id)

    def _open_item(self, index: QModelIndex) -> None:
        item = self.items.row_at(index)
        if item is None:
            return
        if isinstance(item, RestrictionInForce):
            self._open_patient_restrictions(item)
        elif item.kind is HandoverItemKind.REVIEW:
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
        for model in (self.restrictions, self.beyond, self.prompts, self.items):
            model.clear()
        self.summary.clear()
        self.handover = None


def handover_screen(ctx: ScreenContext) -> QWidget:
    """The shift handover (tab title: ``Shift han&dover``)."""
    return HandoverPage(ctx)
