"""Sync while a session is open: the scheduler on its own thread, the status line, "send
everything now", and screens told when records arrive (design.md "Sync"; issue 7: "a sync
indicator (online / offline / n not yet sent / last sent at)" and "send everything now").

Threading: a sync (network and store) runs on the scheduler's thread, not the
:class:`~app.ui.ops.StoreRunner`'s: a sync can wait tens of seconds on a network that is down,
and screens must not queue behind it. The store is safe to use from that thread (each call has
its own connection and transaction). What the status line shows is read through the runner,
like every other read of a screen. Signals are emitted on the GUI thread.

``make_scheduler`` (default :class:`~app.sync.scheduler.SyncScheduler`) lets tests set the
timer. Lifecycle: :meth:`SyncController.begin` when a person has signed in, :meth:`end` when the
window locks. ``end`` does not wait for a sync in progress (it would hold the window): that
sync finishes or fails on its own thread — each of its steps is one transaction, so closing
the store under it loses nothing — and its result is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.models.clock import utc_now
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.sync.status import SyncStatus
from app.ui.ops import Changes, StoreRunner

if TYPE_CHECKING:
    from app.store.store import Store
    from app.store.sync_state import Enrolment, SyncFacts
    from app.sync.scheduler import SchedulerState, SyncScheduler

#: The kinds whose lists show a per-record "not yet sent" (refreshed after a sync that sent).
SENT_MARKED_KINDS = frozenset({UseOfForceIncident.KIND})
#: What the status line says before a session has told it anything.
NOT_STARTED = "Sync: sign in to see what is not yet sent"


class SyncController(QObject):
    """Runs sync for the open store and reports its status (see the module docstring)."""

    #: The status line changed; carries :class:`~app.sync.status.SyncStatus`.
    status_changed = Signal(object)
    #: Emitted on the sync thread, delivered on the GUI thread: a sync ended.
    _sync_finished = Signal(object, object)

    def __init__(
        self,
        runner: StoreRunner,
        *,
        server_url: str | None = None,
        ca_certificate: Path | None = None,
        now: Callable[[], datetime] = utc_now,
        make_scheduler: Callable[..., SyncScheduler] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._server_url = server_url
        self._ca_certificate = ca_certificate
        self._now = now
        self._make_scheduler = make_scheduler
        self._store: Store | None = None
        self._scheduler: SyncScheduler | None = None
        self.status: SyncStatus | None = None
        self._sync_finished.connect(self._finished)
        runner.changed.connect(self._saved)

    @property
    def enrolled(self) -> bool:
        """Whether the open store syncs with a trust server."""
        return self._scheduler is not None

    def begin(self, store: Store) -> None:
        """Start syncing ``store`` (if it is enrolled) and show its status."""
        self.end()
        self._store = store
        # ``store.sync`` on the worker: a store closed meanwhile refuses there, not here.
        self._runner.run(
            lambda: store.sync.enrolment(),  # noqa: PLW0108 - evaluated on the worker
            on_done=partial(self._enrolled, store),
            on_error=_unread,
            owner=self,
        )

    def end(self) -> None:
        """Stop syncing (the window is locking); a sync in progress is left to finish."""
        scheduler, self._scheduler, self._store = self._scheduler, None, None
        if scheduler is not None:
            scheduler.stop(timeout=0)

    def sync_now(self) -> None:
        """Send everything now: a sync at once, even in the middle of a back-off."""
        if self._scheduler is not None:
            self._scheduler.sync_now()

    def refresh(self) -> None:
        """Read the store's sync facts (on the runner) and emit the status."""
        store = self._store
        if store is None:
            return
        self._runner.run(
            lambda: store.sync.facts(),  # noqa: PLW0108 - evaluated on the worker
            on_done=partial(self._facts_read, store),
            on_error=_unread,
            owner=self,
        )

    def summary(self) -> str:
        """The status line's words now."""
        if self.status is None:
            return NOT_STARTED
        return "Sync: " + self.status.summary(self._now().astimezone())

    # -- inside ----------------------------------------------------------------------------

    def _enrolled(self, store: Store, enrolment: Enrolment | None) -> None:
        if store is not self._store:
            return  # locked meanwhile
        if enrolment is not None:
            # Imported once someone has signed in: httpx and the engine are not needed to
            # show the locked window.
            from app.sync.client import sync_once  # noqa: PLC0415
            from app.sync.scheduler import SyncScheduler  # noqa: PLC0415

            scheduler = (self._make_scheduler or SyncScheduler)(
                partial(
                    sync_once,
                    store.sync,
                    server_url=self._server_url,
                    ca_certificate=self._ca_certificate,
                ),
                on_finished=partial(self._sync_finished.emit, store),
            )
            self._scheduler = scheduler
            scheduler.start()
        self.refresh()

    def _finished(self, store: Store, state: SchedulerState) -> None:
        if store is not self._store:
            return  # a sync of a session that has ended
        report = state.last_report
        kinds = frozenset[str]()
        if state.last_error is None and report is not None:
            kinds = report.received_kinds
            if report.sent:
                # Lists that mark records "not yet sent" read the marks again.
                kinds |= SENT_MARKED_KINDS
        if kinds:
            # Screens showing these kinds refresh; that change refreshes the status too.
            self._runner.changed.emit(Changes(kinds=kinds))
        else:
            self.refresh()

    def _saved(self, _changes: object) -> None:
        # A save adds to what is not yet sent (and records received change conflicts).
        self.refresh()

    def _facts_read(self, store: Store, facts: SyncFacts) -> None:
        if store is not self._store:
            return
        scheduler = self._scheduler
        self.status = SyncStatus.of(facts, scheduler.state if scheduler is not None else None)
        self.status_changed.emit(self.status)


def _unread(_error: UserFacingError) -> None:
    """The status could not be read (the store closed as the window locked, or is busy): the
    line keeps what it said; the next save or sync reads it again. Not shown as a failure."""
