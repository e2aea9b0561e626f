"""Every store call from a screen goes through here: it runs on one worker thread, and its
result (or error) comes back on the GUI thread.

The shape follows Anki's ``CollectionOp``/``QueryOp`` over its ``TaskManager``: one
single-threaded executor owns every database call, so calls never overlap and the GUI thread
never waits on the disk; results are queued back through a Qt signal. A write reports what it
changed (:class:`Changes`), and :attr:`StoreRunner.changed` tells every screen, which refresh
themselves from that.

Contract:
- ``run`` may be called only from the GUI thread; ``on_done``/``on_error`` run on the GUI
  thread, in the order the work was submitted;
- work is a plain callable taking no Qt object; it must not touch widgets;
- when an ``owner`` is given and has been deleted by the time the result arrives (the window
  locked meanwhile), ``on_done``/``on_error`` are not called;
- a :class:`UserFacingError` goes to ``on_error`` (or to :attr:`StoreRunner.failed`, which
  the main window shows); anything else is a bug: it is logged without its message and shown
  as a plain sentence.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal

from app.models.errors import UserFacingError

log = logging.getLogger("rpr.ui")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    """What a write changed, for the screens to decide whether to refresh. ``kinds`` are
    record kinds (``Record.KIND``); ``accounts`` is True when key slots changed."""

    kinds: frozenset[str] = field(default_factory=frozenset)
    accounts: bool = False

    def touches(self, *kinds: str) -> bool:
        """True when any of ``kinds`` changed."""
        return bool(self.kinds.intersection(kinds))


def _while_alive(owner: QObject, callback: Callable[[Any], None] | None) -> Any:
    if callback is None:
        return None

    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call


class _Delivery(QObject):
    """Lives on the GUI thread; its queued signal carries results back from the worker."""

    delivered = Signal(object)


@dataclass(slots=True)
class _Job:
    """A submitted call and what to do with its result. Kept on the GUI thread: the worker
    is handed only a ticket, so a callback (a bound method of a widget) is never dropped on
    the worker thread, which would destroy a Qt object's wrapper on the wrong thread."""

    work: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[UserFacingError], None] | None
    changes: Changes | None


class StoreRunner(QObject):
    """The one worker thread for store calls, and the signals screens listen to."""

    #: A write finished; carries its :class:`Changes`.
    changed = Signal(object)
    #: Work started (True) or the queue drained (False): a busy indicator follows it.
    busy_changed = Signal(bool)
    #: A user-facing error nobody handled: the main window shows it.
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rpr-store")
        self._delivery = _Delivery(self)
        self._delivery.delivered.connect(self._deliver)
        self._jobs: dict[int, _Job] = {}
        self._tickets = itertools.count()

    def run(
        self,
        work: Callable[[], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[UserFacingError], None] | None = None,
        changes: Changes | None = None,
        owner: QObject | None = None,
    ) -> Future[T]:
        """Run ``work`` on the worker; then ``on_done(result)`` on the GUI thread, and, for a
        write, :attr:`changed` with ``changes``. ``owner``: the widget the callbacks belong
        to (they are skipped if it is gone). The returned future gives the result too (for
        tests and for closing)."""
        if owner is not None:
            on_done = _while_alive(owner, on_done)
            on_error = _while_alive(owner, on_error)
        ticket = next(self._tickets)
        self._jobs[ticket] = _Job(work, on_done, on_error, changes)
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)  # noqa: FBT003 - a signal's argument
        return self._executor.submit(self._work, ticket)

    def _work(self, ticket: int) -> Any:
        """On the worker: run the ticket's call, hand the outcome to the GUI thread."""
        work = self._jobs[ticket].work
        try:
            result = work()
        except BaseException as exc:
            del work
            # The frames of the failed call may hold widgets: clear them here, so nothing of
            # the GUI is released on this thread.
            traceback.clear_frames(exc.__traceback__)
            self._delivery.delivered.emit((ticket, None, exc))
            raise
        del work
        self._delivery.delivered.emit((ticket, result, None))
        return result

    def _deliver(self, payload: tuple[int, Any, BaseException | None]) -> None:
        ticket, result, error = payload
        job = self._jobs.pop(ticket)
        try:
            if error is None:
                if job.on_done is not None:
                    job.on_done(result)
                if job.changes is not None:
                    self.changed.emit(job.changes)
            elif isinstance(error, UserFacingError):
                if job.on_error is not None:
                    job.on_error(error)
                else:
                    self.failed.emit(str(error))
            else:
                frames = "".join(traceback.format_tb(error.__traceback__))
                log.error(
                    "unexpected %s in store work (message withheld: it may hold patient data)\n%s",
                    type(error).__name__,
                    frames,
                )
                self.failed.emit(
                    f"Something went wrong ({type(error).__name__}). Nothing more was saved; "
                    "what was saved before is kept."
                )
        finally:
            if not self._jobs:
                self.busy_changed.emit(False)  # noqa: FBT003 - a signal's argument

    @property
    def settled(self) -> bool:
        """Whether every submitted call has run and its outcome reached the GUI thread (for
        tests: a result still queued for delivery would otherwise arrive after a later one
        was asked for)."""
        return not self._jobs

    def wait_idle(self) -> None:
        """Block until every submitted call has run (for closing, and for tests)."""
        self._executor.submit(lambda: None).result()

    def shutdown(self) -> None:
        """Finish queued work and stop the worker (the window is closing)."""
        self._executor.shutdown(wait=True)
