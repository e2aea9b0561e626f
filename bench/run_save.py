"""Saving a complete use-of-force incident: one ``store.save`` = one user action = one
``BEGIN IMMEDIATE`` … ``COMMIT`` with ``synchronous=FULL`` (WAL), on the five-year stores.

Each sample saves a new, complete incident (every statutory item answered, four uses of force
including rapid tranquillisation, two staff) for one of the ward's patients: validation of the
revision, its content hash, the revision/tip/record rows, the audit event and its hash, and the
commit with its fsync. The same record goes to both stores; the order alternates so that both
sides share the disk's conditions (and its checkpoints are spread evenly). Both stores are
opened and their background integrity check awaited before the first save.
"""

from __future__ import annotations

import gc
import random
import uuid
from pathlib import Path
from typing import Any

from app.models.patient import Patient
from app.store.store import Store
from bench.common import Row, Series, now_ns
from bench.dataset import SEED, BuiltStores
from bench.run_open import open_settled
from tests.models.builders import submitted_incident

WARM_UP = 10


def run(built: BuiltStores, scratch: Path, *, saves: int, log: Any = print) -> dict[str, Any]:
    enc = open_settled("encrypted", scratch / "encrypted")
    plain = open_settled("plain", scratch / "plain")
    stores = {"encrypted": enc, "plain": plain}
    series = {side: Series() for side in stores}
    checkpoints = dict.fromkeys(stores, 0)
    try:
        with enc.read() as reader:
            patients = [p.id for p in reader.find(Patient, ward_id=built.ward_id)]
        rng = random.Random(SEED + 1)  # not the dataset's ids
        gc.collect()
        gc.disable()  # a collection inside one sample would land on one side only
        try:
            for i in range(WARM_UP + saves):
                record = submitted_incident(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    patient_id=rng.choice(patients),
                    ward_id=built.ward_id,
                )
                order = list(stores.items())
                if i % 2:
                    order.reverse()
                for side, store in order:
                    wal = _wal_size(store)
                    t = now_ns()
                    store.save(record)
                    elapsed = now_ns() - t
                    if _wal_size(store) < wal:
                        checkpoints[side] += 1
                    if i >= WARM_UP:
                        series[side].add(elapsed)
                if i % 50 == 49:
                    gc.enable()
                    gc.collect()
                    gc.disable()
        finally:
            gc.enable()
    finally:
        enc.close()
        plain.close()
    log(
        f"  save: encrypted median {series['encrypted'].median_ms:.2f} ms, "
        f"plain {series['plain'].median_ms:.2f} ms"
    )
    return {
        "rows": [
            Row(
                "save: one complete incident (own transaction, fsync)",
                series["encrypted"],
                series["plain"],
                aim="≤ 1.3×",
            )
        ],
        "checkpoints": checkpoints,
    }


def _wal_size(store: Store) -> int:
    wal = store.files.db.with_name(store.files.db.name + "-wal")
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return 0
