"""Sync on a timer, on its own thread: retries with back-off that never wait for a new edit.

Contract (design.md "Sync"; issue "retries on a timer with back-off"):
- started, it syncs at once, then every ``interval`` seconds after a sync that worked;
- after a failure it tries again after an exponential back-off with jitter
  (:class:`Backoff`), whether or not anything new was saved — a PC that was offline sends what
  it holds as soon as the network is back, not at the next edit;
- :meth:`SyncScheduler.sync_now` ("send everything now") runs a sync at once, also in the
  middle of a back-off; a request made while a sync runs makes another one follow it;
- one sync at a time; :meth:`SyncScheduler.stop` waits for the running one to end.

The clock, the wait and the randomness are injected, so tests drive it without sleeping.
Callbacks (``on_finished``) run on the sync thread.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from app.models.errors import UserFacingError
from app.sync.engine import SyncReport
from app.sync.errors import ServerUnreachable, SyncFailed

log = logging.getLogger("rpr.sync")

#: A sync when all is well: often enough that a ward's PCs agree within a minute or so.
DEFAULT_INTERVAL = 60.0


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait after ``failures`` failures in a row: ``first`` seconds doubled each
    time, at most ``longest``, each delay drawn between half and all of that (jitter, so the
    PCs of a trust that lost the network together do not come back in step)."""

    first: float = 5.0
    longest: float = 900.0

    def delay(self, failures: int, rng: random.Random) -> float:
        """The wait after the ``failures``-th failure in a row (``failures`` ≥ 1)."""
        ceiling: float = min(self.longest, self.first * 2.0 ** min(failures - 1, 32))
        return ceiling * rng.uniform(0.5, 1.0)


class Waiter(Protocol):
    """Waits up to a number of seconds, returning early once woken."""

    def wait(self, seconds: float) -> None:
        """Block up to ``seconds``, or until :meth:`wake`."""

    def wake(self) -> None:
        """End the current wait (or the next one, at once)."""


class EventWaiter:
    """The real :class:`Waiter`: a :class:`threading.Event`."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def wait(self, seconds: float) -> None:
        """Block up to ``seconds`` or until woken; a wake that came first ends it at once."""
        self._event.wait(seconds)
        self._event.clear()

    def wake(self) -> None:
        """End the current or next wait."""
        self._event.set()


@dataclass(frozen=True, slots=True)
class SchedulerState:
    """Where the scheduler stands (for the status line)."""

    #: True once the server answered (even to refuse), False when it could not be reached,
    #: None before the first sync.
    online: bool | None = None
    running: bool = False
    failures_in_a_row: int = 0
    #: The last failure's message (a sentence for people), None after a sync that worked.
    last_error: str | None = None
    last_report: SyncReport | None = None
    #: When the next sync is due, on the scheduler's clock (None: not scheduled).
    next_sync_at: float | None = None


class SyncScheduler:
    """Runs ``sync`` (one whole sync, e.g. ``SyncEngine.run``) on a timer; see the module
    docstring."""

    def __init__(
        self,
        sync: Callable[[], SyncReport],
        *,
        interval: float = DEFAULT_INTERVAL,
        backoff: Backoff | None = None,
        waiter: Waiter | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        on_finished: Callable[[SchedulerState], None] | None = None,
    ) -> None:
        self._sync = sync
        self._interval = interval
        self._backoff = backoff or Backoff()
        self._waiter = waiter or EventWaiter()
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._on_finished = on_finished
        self._lock = threading.Lock()
        self._state = SchedulerState()
        self._now_requested = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> SchedulerState:
        """A snapshot of where the scheduler stands."""
        with self._lock:
            return self._state

    def start(self) -> None:
        """Start the sync thread (a sync runs at once)."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="rpr-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the running sync, if any; wait up to ``timeout`` for the thread."""
        self._stopping.set()
        self._waiter.wake()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def sync_now(self) -> None:
        """Run a sync at once (or right after the one running)."""
        with self._lock:
            self._now_requested = True
        self._waiter.wake()

    def step(self) -> float:
        """Run one sync and return how many seconds to wait before the next. The thread's
        loop is ``step`` then wait; tests call it directly."""
        with self._lock:
            self._now_requested = False
            self._state = replace(self._state, running=True, next_sync_at=None)
        try:
            report = self._sync()
        except ServerUnreachable as exc:
            state = self._failed(str(exc), online=False)
        except UserFacingError as exc:
            # A refusal means the server answered; a store problem says nothing of the network.
            state = self._failed(str(exc), online=True if isinstance(exc, SyncFailed) else None)
        except Exception as exc:  # noqa: BLE001 - the sync thread's boundary: it must go on
            # The type and where, never the message (it could quote data): not log.exception.
            log.error(  # noqa: TRY400
                "sync failed unexpectedly (%s; message withheld)\n%s",
                type(exc).__name__,
                _frames(exc),
            )
            state = self._failed(
                f"Sync failed unexpectedly ({type(exc).__name__}); it will try again. What is "
                "saved on this PC is kept.",
                online=None,
            )
        else:
            state = SchedulerState(online=True, last_report=report)
        delay = (
            self._backoff.delay(state.failures_in_a_row, self._rng)
            if state.failures_in_a_row
            else self._interval
        )
        with self._lock:
            if self._now_requested:
                delay = 0.0
            state = replace(state, next_sync_at=self._clock() + delay)
            self._state = state
        if self._on_finished is not None:
            self._on_finished(state)
        return delay

    def _failed(self, message: str, *, online: bool | None) -> SchedulerState:
        with self._lock:
            previous = self._state
        return SchedulerState(
            online=online if online is not None else previous.online,
            failures_in_a_row=previous.failures_in_a_row + 1,
            last_error=message,
            last_report=previous.last_report,
        )

    def _loop(self) -> None:
        while not self._stopping.is_set():
            delay = self.step()
            if self._stopping.is_set():
                return
            if delay > 0:
                self._waiter.wait(delay)


def _frames(exc: BaseException) -> str:
    """Where ``exc`` was raised, frame by frame, without source lines (a line of code can
    hold a literal that is data)."""
    return "\n".join(
        f"  {frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(exc.__traceback__)
    )
