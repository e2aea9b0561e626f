"""The process the crash tests kill: it saves notes in a loop and reports each one only
after ``Store.save`` has returned (that is, after the commit is durable)."""

from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from app.store.store import Store
from tests.store.sample_records import note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def save_until_killed(data_dir: Path, username: str, password: str, acks: Connection) -> None:
    """Open the store and save forever; send each saved record's id down ``acks``."""
    try:
        store = Store.open(data_dir, username, password)
    except Exception as exc:
        acks.send(f"failed to open: {type(exc).__name__}: {exc}")
        raise
    acks.send("opened")
    counter = 0
    while True:
        counter += 1
        record = note(f"saved before the crash {counter} " + "x" * (counter % 7 * 300), at=T0)
        store.save(record)
        acks.send(record.id.hex)
