"""A save that has returned survives SIGKILL at any moment, and the store opens intact
(design.md: WAL with synchronous=FULL, one transaction per user action).

Each round forks a writer from a clean fork server, lets it save, kills it with SIGKILL at a
random moment — during open, mid-save or between saves — and then reopens the store: every
record whose save had been acknowledged must be there, and the integrity check (on open) and
``verify`` (hashes, audit chain, SQLCipher page HMACs) must pass.
"""

import multiprocessing
import os
import random
import time
from pathlib import Path
from uuid import UUID

import pytest

from app.store.store import Store
from tests.soak_report import report
from tests.store.conftest import FAST_KDF, PASSWORD
from tests.store.crash_worker import save_until_killed
from tests.store.sample_records import StoreTestNote

ROUNDS_PER_TEST = 50  # x 4 tests = 200 kills in `make test`
SOAK_KILLS = 1000


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.store.crash_worker"])
    return context


def _kill_rounds(data_dir: Path, rounds: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    context = _context()
    acknowledged: set[UUID] = set()
    kills_before_open = 0
    started = time.perf_counter()
    for _ in range(rounds):
        parent_end, child_end = context.Pipe(duplex=False)
        writer = context.Process(
            target=save_until_killed, args=(data_dir, "test.nurse", PASSWORD, child_end)
        )
        writer.start()
        child_end.close()
        kill_after = rng.randint(-1, 25)  # -1: kill while the writer is still opening the store
        messages: list[str] = []
        while len(messages) < kill_after + 1 and parent_end.poll(30):
            messages.append(parent_end.recv())
        # A random extra moment inside the next save; waiting on the pipe, not sleeping.
        parent_end.poll(rng.uniform(0, 0.004))
        writer.kill()
        writer.join()
        # Acks already in the pipe were sent after their save returned: they count too.
        try:
            while parent_end.poll():
                messages.append(parent_end.recv())
        except EOFError:
            pass
        parent_end.close()
        opened = "opened" in messages
        failures = [m for m in messages if m.startswith("failed")]
        assert not failures, failures
        acknowledged.update(UUID(hex=m) for m in messages if m != "opened")
        kills_before_open += not opened
        with Store.open(data_dir, "test.nurse", PASSWORD) as reopened:
            with reopened.read() as reader:
                held = {note.id for note in reader.find(StoreTestNote)}
            missing = acknowledged - held
            assert not missing, f"{len(missing)} acknowledged saves lost"
    with Store.open(data_dir, "test.nurse", PASSWORD) as final:
        report = final.verify()
        assert report.ok, report.problems
    return {
        "kills": rounds,
        "acknowledged_saves": len(acknowledged),
        "kills_before_store_opened": kills_before_open,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _new_store(data_dir: Path, recovery_public: bytes) -> None:
    Store.create(
        data_dir,
        username="test.nurse",
        password=PASSWORD,
        recovery_public_key_pem=recovery_public,
        kdf=FAST_KDF,
    ).close()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_acknowledged_save_is_lost_when_killed(
    seed: int, data_dir: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    _new_store(data_dir, recovery_keys[1])
    figures = _kill_rounds(data_dir, ROUNDS_PER_TEST, seed)
    print(f"\ncrash-safety figures (seed {seed}): {figures}")
    assert figures["acknowledged_saves"] > ROUNDS_PER_TEST  # the writer really was writing


@pytest.mark.soak
@pytest.mark.timeout(3 * 3600)
def test_soak_thousand_kills(data_dir: Path, recovery_keys: tuple[bytes, bytes]) -> None:
    _new_store(data_dir, recovery_keys[1])
    kills = int(os.environ.get("RPR_SOAK_KILLS", SOAK_KILLS))
    figures = _kill_rounds(data_dir, kills, seed=20261128)
    report("crash soak: SIGKILL during saves", figures)
