"""What the seclusion and the LTS screens share: the list of episodes with live clocks, the
chosen episode's view, the forms opened over it, reloading and ticking, and locking.

Contract (:mod:`app.ui.context`): every store call runs on ``ctx.runner`` with ``ctx.store``
captured; the list and the chosen episode are read again when a record of this screen's
kinds is saved (``ctx.runner.changed``) and every minute (clocks that start by themselves,
such as the independent MDT review, need a recomputation); countdowns tick every second.
On ``ctx.session.locking`` an open form keeps its draft, timers stop and the models forget
everything shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.clock import local_date
from app.models.people import Permission
from app.models.revision import Revision
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.documents import DocumentButton
from app.ui.isolation.form import FormPanel, put_away
from app.ui.isolation.loading import (
    EpisodeList,
    EpisodeRow,
    KeptDraft,
    load_episode_list,
    newest_kept_draft,
)
from app.ui.isolation.tables import ClockChips, Column, RowsModel
from app.ui.isolation.wording import local_time
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly, named

RELOAD_MS = 60_000
TICK_MS = 1_000


def table(name: str, model: Any, *, wrapped: Sequence[int] = ()) -> QTableView:
    """A read-only, row-selecting table over ``model``. The ``wrapped`` columns share the
    width left over and wrap their text (rows grow to fit), so a wide table needs no
    sideways scrolling to reach its last column."""
    view = named(QTableView(), name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(True)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(not wrapped)
    for column in wrapped:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    if wrapped:
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class EpisodePage(QWidget):
    """A screen of episodes of one kind (subclasses: seclusion, LTS)."""

    #: The list was read (carries :class:`EpisodeList`).
    list_loaded = Signal(object)
    #: The chosen episode was read (carries the screen's detail value).
    detail_loaded = Signal(object)
    #: A form saved its record (carries the :class:`~app.models.revision.Revision`).
    record_saved = Signal(object)
    #: :meth:`show_episode` found the episode to be of this screen's kind (carries its id).
    episode_shown = Signal(object)

    KIND = ""
    #: Record kinds whose saving changes what this screen shows.
    WATCHES: frozenset[str] = frozenset()
    NEW_LABEL = ""
    EMPTY = ""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_record = ctx.may(Permission.RECORD) and not ctx.facts.read_only
        self.episodes: EpisodeList | None = None
        self.detail: Any = None
        self.form: FormPanel | None = None
        self._episode_id: UUID | None = None
        self._quiet = False  # the list is being refilled: its row changes are not choices
        self._closed_drafts: set[UUID] = set()
        self._stopped = False

        self.model: RowsModel[EpisodeRow] = RowsModel(
            self.columns(), key=lambda r: r.episode_id, now=ctx.now, parent=self
        )
        self.chips = ClockChips(ctx.now)
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
        self.list_view = table("Episode list", self.model)
        list_label = QLabel("Episode &list")
        list_label.setBuddy(self.list_view)
        self.new_button = named(QPushButton(self.NEW_LABEL), self.NEW_LABEL.replace("&", ""))
        self.new_button.setEnabled(self.can_record)
        if not self.can_record:
            self.new_button.setToolTip("Your account cannot record on this PC.")
        self.new_button.clicked.connect(self.open_new_episode)
        self.empty = QLabel(self.EMPTY)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.start_draft = named(QLabel(), "Unfinished start")
        self.start_draft.setWordWrap(True)
        self.start_draft.hide()
        top = QWidget()
        top_column = QVBoxLayout(top)
        heading = QHBoxLayout()
        heading.addWidget(list_label)
        heading.addStretch(1)
        heading.addWidget(self.new_button)
        top_column.addLayout(heading)
        top_column.addWidget(self.start_draft)
        top_column.addWidget(self.list_view, 1)
        top_column.addWidget(self.empty)

        self.stack = QStackedWidget()
        self.placeholder = QLabel("Choose an episode from the list to see its clocks and records.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.overview = self.build_overview()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.overview)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        column = QVBoxLayout(self)
        column.addWidget(splitter)
        self.setTabOrder(self.list_view, self.new_button)
        self.list_view.selectionModel().currentRowChanged.connect(self._row_chosen)

    # -- what subclasses provide -------------------------------------------------------------

    def columns(self) -> Sequence[Column[EpisodeRow]]:
        """The list's columns."""
        raise NotImplementedError

    def build_overview(self) -> QWidget:
        """The view of one episode (shows :attr:`chips`)."""
        raise NotImplementedError

    def read_detail(self) -> Callable[[Store, UUID], Any]:
        """The worker function reading one episode (None when not of this kind)."""
        raise NotImplementedError

    def show_detail(self, detail: Any, row: EpisodeRow | None) -> None:
        """Fill the overview from a freshly read episode."""
        raise NotImplementedError

    def new_episode_form(self, draft: KeptDraft | None) -> FormPanel | None:
        """The form that starts an episode (None when nobody can be chosen)."""
        raise NotImplementedError

    # -- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list (and the chosen episode) again on the store worker."""
        if self._stopped:
            return
        ctx, kind = self.ctx, self.KIND
        store, ward_id, policy, at = ctx.store, ctx.ward_id, ctx.policy, ctx.now()
        self.ctx.runner.run(
            lambda: load_episode_list(store, ward_id, at, policy, kind),
            on_done=self._show_list,
            owner=self,
        )
        self.load_detail()

    def _show_list(self, episodes: EpisodeList) -> None:
        if self._stopped:
            return
        self.episodes = episodes
        self._quiet = True
        try:
            self.model.set_rows(episodes.rows)
            self._select_row(self._episode_id)
        finally:
            self._quiet = False
        self.empty.setVisible(not episodes.rows)
        kept = self.kept_draft(episodes.start_drafts, f"start_{self.KIND}")
        if kept is not None:
            when = local_time(kept[0].saved_at, self.ctx.now())
            label = self.NEW_LABEL.replace("&", "")
            self.start_draft.setText(
                f"An unfinished start was kept as a draft at {when}: {label} carries on with it."
            )
        self.start_draft.setVisible(kept is not None)
        self.list_view.resizeRowsToContents()
        self.refresh_chips()
        self.list_loaded.emit(episodes)

    def load_detail(self, episode_id: UUID | None = None) -> None:
        """Read the chosen episode (or ``episode_id``) on the store worker."""
        wanted = episode_id or self._episode_id
        if wanted is None or self._stopped:
            return
        store, read = self.ctx.store, self.read_detail()
        self.ctx.runner.run(
            lambda: read(store, wanted),
            on_done=lambda detail: self._detail_read(wanted, detail),
            owner=self,
        )

    def _detail_read(self, episode_id: UUID, detail: Any) -> None:
        if self._stopped or detail is None:
            return
        if self._episode_id not in (None, episode_id):
            return  # another episode was chosen meanwhile
        self._episode_id = episode_id
        self.detail = detail
        self.show_detail(detail, self.current_row())
        self.refresh_chips()
        if self.form is None:
            self.stack.setCurrentWidget(self.overview)
        self.detail_loaded.emit(detail)

    def current_row(self) -> EpisodeRow | None:
        """The chosen episode's row on the list (None when it is not listed)."""
        if self._episode_id is None:
            return None
        at = self.model.row_of(self._episode_id)
        return None if at is None else self.model.rows()[at]

    def refresh_chips(self) -> None:
        """Show the chosen episode's clocks."""
        row = self.current_row()
        self.chips.set_clocks(row.clocks if row is not None else ())

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(*self.WATCHES):
            self.reload()

    # -- choosing --------------------------------------------------------------------------

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current)
        if self._quiet or row is None or row.episode_id == self._episode_id:
            return
        self._episode_id = row.episode_id
        self.detail = None
        self.refresh_chips()
        self.load_detail()

    def _select_row(self, episode_id: UUID | None) -> None:
        at = None if episode_id is None else self.model.row_of(episode_id)
        if at is None:
            return
        index = self.model.index(at, 0)
        if self.list_view.currentIndex().row() != at:
            self.list_view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def show_episode(self, episode_id: UUID) -> None:
        """Show ``episode_id`` if it is an episode of this screen's kind (other ids are
        ignored). It is looked up on the store worker; :attr:`episode_shown` follows."""
        store, read = self.ctx.store, self.read_detail()

        def found(detail: Any) -> None:
            if detail is None or self._stopped:
                return
            self._episode_id = None
            self._detail_read(episode_id, detail)
            self._select_row(episode_id)
            self.episode_shown.emit(episode_id)

        self.ctx.runner.run(lambda: read(store, episode_id), on_done=found, owner=self)

    @property
    def episode_id(self) -> UUID | None:
        """The chosen episode."""
        return self._episode_id

    def document_button(self, report_name: str, file_prefix: str) -> DocumentButton:
        """The "Save as PDF…" button of the chosen episode (shown to those who may print
        review documents); the file is named by the document and the day, not the patient."""

        def chosen() -> dict[str, object] | None:
            return None if self._episode_id is None else {"episode": str(self._episode_id)}

        return DocumentButton(
            self.ctx,
            report_name,
            "Save as P&DF…",
            options_now=chosen,
            file_name=lambda: f"{file_prefix}-{local_date(self.ctx.now())}.pdf",
        )

    # -- forms -----------------------------------------------------------------------------

    def kept_draft(self, drafts: Sequence[KeptDraft], form: str) -> KeptDraft | None:
        """The newest open draft of ``form`` among ``drafts`` (not one closed here since)."""
        return newest_kept_draft(drafts, form, self._closed_drafts)

    def open_form(self, form: FormPanel | None) -> None:
        """Show ``form`` over the episode until it is saved or cancelled."""
        if form is None or self.form is not None or self._stopped:
            return
        self.form = form
        self.stack.addWidget(form)
        self.stack.setCurrentWidget(form)
        form.saved.connect(lambda revision: self._form_saved(form, revision))
        form.closed.connect(lambda: self._form_closed(form))
        form.start_focus()

    def _form_saved(self, form: FormPanel, revision: Revision) -> None:
        if form.STARTS_EPISODE:
            self._episode_id = revision.record_id  # show the new episode once it is read
            self.detail = None
        self.record_saved.emit(revision)

    def _form_closed(self, form: FormPanel) -> None:
        self._closed_drafts.add(form.draft_id)
        self.form = None
        self._quiet = True  # the focus leaving the form must not choose another episode
        try:
            self.stack.setCurrentWidget(
                self.overview if self.detail is not None else self.placeholder
            )
            put_away(self.stack, form)
            self.list_view.setFocus()
            self._select_row(self._episode_id)
        finally:
            self._quiet = False
        self.after_form(form)

    def after_form(self, form: FormPanel) -> None:
        """A form closed (saved or cancelled); subclasses may open the next one."""

    def open_new_episode(self) -> None:
        """Open the form that starts an episode (Alt+N)."""
        if not self.can_record or self.episodes is None:
            return
        form_name = f"start_{self.KIND}"
        self.open_form(
            self.new_episode_form(self.kept_draft(self.episodes.start_drafts, form_name))
        )

    def drafts_line(self, drafts: Sequence[KeptDraft], labels: dict[str, str]) -> str:
        """Unfinished forms of the episode, in words."""
        now = self.ctx.now()
        parts = [
            f"{labels.get(d.form, d.form)} (kept {local_time(d.saved_at, now)})"
            for d, _ in drafts
            if d.id not in self._closed_drafts
        ]
        return ("Unfinished, kept as drafts: " + "; ".join(parts)) if parts else ""

    # -- time and locking --------------------------------------------------------------------

    def tick(self) -> None:
        """Re-word every countdown for the current time."""
        self.model.tick()
        self.chips.tick()

    def stop(self) -> None:
        """The window is locking: keep the open form's draft, stop the timers, forget what
        was shown."""
        if self._stopped:
            return
        if self.form is not None:
            form, self.form = self.form, None
            put_away(self.stack, form, keep_draft=True)
        self._stopped = True
        self._tick.stop()
        self._reload.stop()
        disconnect_quietly(self.ctx.runner.changed, self._on_changed)
        self.model.clear()
        self.chips.set_clocks(())
        self.detail = None
        self.stack.setCurrentWidget(self.placeholder)
