"""The sync scheduler: retries on a timer with back-off and jitter that never wait for a new
edit, and "send everything now" (design.md "Sync"). Clock, wait and randomness are injected:
no test sleeps."""

import random
import threading
from collections.abc import Callable

import pytest

from app.sync.engine import SyncReport
from app.sync.errors import ClockSkewRefused, ServerUnreachable
from app.sync.scheduler import Backoff, EventWaiter, SchedulerState, SyncScheduler
from app.sync.wire import ErrorCode

REPORT = SyncReport(
    sent=0,
    refused=(),
    received=0,
    not_yet_sent=0,
    cursor=0,
    held=0,
    expected=0,
    repaired=False,
    chain_warning=None,
)
WAIT = 10  # seconds a test waits for another thread before failing (never slept)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedWaiter:
    """Records each wait and lets the fake clock jump; after ``waits`` waits it holds the
    scheduler's thread until woken (by ``stop``), so the test can look."""

    def __init__(self, clock: FakeClock, waits: int) -> None:
        self.clock = clock
        self.limit = waits
        self.waits: list[float] = []
        self.reached = threading.Event()
        self._woken = threading.Event()

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.now += seconds
        if len(self.waits) >= self.limit:
            self.reached.set()
            self._woken.wait(WAIT)
            self._woken.clear()

    def wake(self) -> None:
        self._woken.set()


def failing_then_working(failures: int) -> tuple[Callable[[], SyncReport], list[int]]:
    calls: list[int] = []

    def sync() -> SyncReport:
        calls.append(1)
        if len(calls) <= failures:
            raise ServerUnreachable("The trust server cannot be reached; sync will try again.")
        return REPORT

    return sync, calls


def test_back_off_doubles_up_to_a_ceiling_with_jitter() -> None:
    backoff = Backoff(first=5, longest=300)
    rng = random.Random(7)
    for failures in range(1, 12):
        ceiling = min(300, 5 * 2 ** (failures - 1))
        drawn = [backoff.delay(failures, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in drawn)
        assert len(set(drawn)) > 1  # jitter: PCs that failed together do not retry in step


def test_failed_syncs_are_retried_on_the_timer_without_any_new_edit() -> None:
    clock = FakeClock()
    waiter = ScriptedWaiter(clock, waits=4)
    sync, calls = failing_then_working(failures=3)
    seen: list[SchedulerState] = []
    scheduler = SyncScheduler(
        sync,
        interval=60,
        backoff=Backoff(first=5, longest=900),
        waiter=waiter,
        clock=clock,
        rng=random.Random(1),
        on_finished=seen.append,
    )
    scheduler.start()
    try:
        assert waiter.reached.wait(WAIT)
        states = list(seen)
    finally:
        scheduler.stop(WAIT)

    assert len(calls) == 4  # three failures retried by the timer alone, then a success
    assert [s.online for s in states] == [False, False, False, True]
    assert [s.failures_in_a_row for s in states] == [1, 2, 3, 0]
    backoffs, after_success = waiter.waits[:3], waiter.waits[3]
    for n, delay in enumerate(backoffs, start=1):
        assert 5 * 2 ** (n - 1) / 2 <= delay <= 5 * 2 ** (n - 1)
    assert after_success == 60
    assert states[0].last_error is not None
    assert "cannot be reached" in states[0].last_error
    assert states[-1].last_error is None
    assert states[-1].last_report == REPORT
    assert states[-1].next_sync_at == pytest.approx(clock.now - 60 + 60)


def test_send_everything_now_runs_at_once_in_the_middle_of_a_back_off() -> None:
    second_sync = threading.Event()
    calls: list[int] = []

    def sync() -> SyncReport:
        calls.append(1)
        if len(calls) == 1:
            raise ServerUnreachable("offline")
        second_sync.set()
        return REPORT

    first_done = threading.Event()
    # An hour's back-off: only "sync now" can make the second sync happen within the test.
    scheduler = SyncScheduler(
        sync,
        backoff=Backoff(first=3600, longest=3600),
        waiter=EventWaiter(),
        interval=3600,
        on_finished=lambda state: first_done.set(),
    )
    scheduler.start()
    try:
        assert first_done.wait(WAIT)
        assert scheduler.state.online is False
        scheduler.sync_now()
        assert second_sync.wait(WAIT)
    finally:
        scheduler.stop(WAIT)
    assert len(calls) == 2


def test_a_request_made_while_a_sync_runs_makes_another_follow_at_once() -> None:
    release = threading.Event()
    started = threading.Event()

    def sync() -> SyncReport:
        started.set()
        assert release.wait(WAIT)
        return REPORT

    scheduler = SyncScheduler(sync, interval=3600)
    delays: list[float] = []
    worker = threading.Thread(target=lambda: delays.append(scheduler.step()))
    worker.start()
    assert started.wait(WAIT)
    assert scheduler.state.running
    scheduler.sync_now()
    release.set()
    worker.join(WAIT)
    assert delays == [0.0]
    assert not scheduler.state.running


def test_a_refusal_is_online_and_backs_off_with_its_message() -> None:
    def sync() -> SyncReport:
        raise ClockSkewRefused("This PC's clock is about 9 minutes ahead", ErrorCode.CLOCK_SKEW)

    scheduler = SyncScheduler(sync, backoff=Backoff(first=5), rng=random.Random(3))
    delay = scheduler.step()
    state = scheduler.state
    assert state.online is True  # the server answered
    assert state.last_error == "This PC's clock is about 9 minutes ahead"
    assert 2.5 <= delay <= 5


def test_an_unexpected_error_keeps_the_scheduler_going_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    def sync() -> SyncReport:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("NHS 9990000018 secret detail")
        return REPORT

    scheduler = SyncScheduler(sync, backoff=Backoff(first=5), rng=random.Random(3))
    scheduler.step()
    failed = scheduler.state
    assert failed.last_error is not None
    assert "RuntimeError" in failed.last_error
    assert "9990000018" not in failed.last_error
    assert "9990000018" not in caplog.text
    assert scheduler.step() == 60.0
    assert scheduler.state.online is True
