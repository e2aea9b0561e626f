"""What the register page and the patient page share: an overview or one form over it, reads
on the store worker, refreshing and ticking, drafts given back, and locking.

Contract (:mod:`app.ui.context`): every store call runs on ``ctx.runner`` with ``ctx.store``
captured; the page reads again when a record of its kinds is saved (``ctx.runner.changed``)
and every minute (a clock can turn overdue by itself); countdowns are re-worded every second.
A form replaces the overview until it is saved or cancelled; on ``ctx.session.locking`` an
open form keeps its draft, the timers stop and the page forgets everything shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.models.people import Permission
from app.models.revision import Revision
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.isolation.form import FormPanel, put_away
from app.ui.isolation.loading import KeptDraft, newest_kept_draft
from app.ui.ops import Changes
from app.ui.widgets import disconnect_quietly

RELOAD_MS = 60_000
TICK_MS = 1_000
CANNOT_RECORD = "Your account can look at these records but not record them on this PC."


class FormHostPage(QWidget):
    """A page of the restrictions screen (subclasses: the register, one patient)."""

    #: The page was read from the store (carries the page's view value).
    loaded = Signal(object)
    #: A form saved its record (carries the :class:`~app.models.revision.Revision`).
    record_saved = Signal(object)

    #: Record kinds whose saving changes what this page shows.
    WATCHES: frozenset[str] = frozenset()
    #: The draft names (``FormPanel.FORM``) of this page's forms.
    FORMS: frozenset[str] = frozenset()

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_record = ctx.may(Permission.RECORD) and not ctx.facts.read_only
        self.view: Any = None
        self.form: FormPanel | None = None
        self._closed_drafts: set[UUID] = set()
        self._stopped = False
        self.stack = QStackedWidget()
        self.overview = self.build_overview()
        self.stack.addWidget(self.overview)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.stack)
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

    # -- what subclasses provide -------------------------------------------------------------

    def build_overview(self) -> QWidget:
        """The page's own view (lists and buttons)."""
        raise NotImplementedError

    def reader(self) -> Callable[[Store], Any] | None:
        """The worker function reading the page (None: nothing to read yet)."""
        raise NotImplementedError

    def show_view(self, view: Any) -> None:
        """Fill the overview from a freshly read view."""
        raise NotImplementedError

    def tick(self) -> None:
        """Re-word the countdowns for the current time."""

    # -- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the page again on the store worker."""
        read = None if self._stopped else self.reader()
        if read is None:
            return
        store = self.ctx.store
        self.ctx.runner.run(lambda: read(store), on_done=self._read, owner=self)

    def _read(self, view: Any) -> None:
        if self._stopped:
            return
        self.view = view
        self.show_view(view)
        self.loaded.emit(view)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(*self.WATCHES):
            self.reload()

    # -- forms -----------------------------------------------------------------------------

    def kept_draft(
        self, drafts: Sequence[KeptDraft], form: str, parent_id: UUID | None = None
    ) -> KeptDraft | None:
        """The newest open draft of ``form`` about ``parent_id`` (not one closed here since)."""
        return newest_kept_draft(
            drafts, form, self._closed_drafts, lambda d: d.parent_id == parent_id
        )

    def open_form(self, form: FormPanel | None) -> None:
        """Show ``form`` over the page until it is saved or cancelled."""
        if form is None or self.form is not None or self._stopped or not self.can_record:
            return
        self.form = form
        self.stack.addWidget(form)
        self.stack.setCurrentWidget(form)
        form.saved.connect(self._form_saved)
        form.closed.connect(lambda: self._form_closed(form))
        form.start_focus()

    def _form_saved(self, revision: Revision) -> None:
        self.record_saved.emit(revision)

    def _form_closed(self, form: FormPanel) -> None:
        self._closed_drafts.add(form.draft_id)
        self.form = None
        self.stack.setCurrentWidget(self.overview)
        put_away(self.stack, form)
        self.after_form()

    def after_form(self) -> None:
        """A form closed (saved or cancelled): put the focus back on the overview."""

    # -- locking ---------------------------------------------------------------------------

    def stop(self) -> None:
        """The window is locking: keep the open form's draft, stop the timers, forget what
        was shown. Safe to call twice."""
        if self._stopped:
            return
        if self.form is not None:
            form, self.form = self.form, None
            put_away(self.stack, form, keep_draft=True)
        self._stopped = True
        self._tick.stop()
        self._reload.stop()
        disconnect_quietly(self.ctx.runner.changed, self._on_changed)
        self.view = None
        self.forget()

    def forget(self) -> None:
        """Clear every list and line that shows records (the window is locking)."""
