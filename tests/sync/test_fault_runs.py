"""Sync through a loopback proxy that drops, delays, duplicates and cuts requests and answers
on a seeded schedule (tests/fault_proxy.py), against a real trust server: after the faults
stop and one clean sync each, the trust and every ward PC hold exactly the same revisions —
none lost, none twice (issue 7, "Fault runs").

The seed range is a parameter: ``RPR_FAULT_SEEDS`` ("0-199", or a count "200"); by default a
short range so a targeted run stays quick. Each seed is its own test, so a failure names the
schedule that found it and ``-k 'seed-17'`` replays it.
"""

import contextlib
import os
import random
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from app.models.errors import UserFacingError
from app.models.patient import Patient
from app.store.schema import RevisionRow as LocalRevision
from app.store.store import Store
from server.tables_sync import RevisionRow
from tests.fault_proxy import FaultProxy
from tests.models import builders
from tests.server.harness import Trust, running_trust
from tests.sync.real_trust import enrol_pc, sync

DEFAULT_SEEDS = range(12)
ROUNDS = 4
PCS = 2


def seeds() -> range:
    given = os.environ.get("RPR_FAULT_SEEDS", "").strip()
    if not given:
        return DEFAULT_SEEDS
    if "-" in given:
        first, last = given.split("-", 1)
        return range(int(first), int(last) + 1)
    return range(int(given))


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust() as running:
        yield running


def local_revisions(store: Store) -> set[UUID]:
    with store.read() as reader:
        return set(reader._session.scalars(select(LocalRevision.revision_id)))


def trust_revisions(trust: Trust, ward_id: UUID) -> list[UUID]:
    with trust.sessions() as session:
        return list(
            session.scalars(select(RevisionRow.revision_id).where(RevisionRow.ward_id == ward_id))
        )


def edit(store: Store, rng: random.Random, ward_id: UUID, serial: int) -> None:
    """A new patient, or a change to one this PC holds (which may fork a record another PC
    changes too: a conflict both keep)."""
    with store.read() as reader:
        held = reader.find(Patient)
    if held and rng.random() < 0.5:
        chosen = rng.choice(sorted(held, key=lambda p: str(p.id)))
        with store.read() as reader:
            base = reader.tips(chosen.id)[-1].revision_id
        changed = chosen.model_copy(update={"local_identifier": f"LOC{serial:05d}"})
        store.save(changed, base=base)
    else:
        store.save(builders.patient(id=uuid4(), ward_id=ward_id, family_name=f"Person{serial}"))


@pytest.mark.parametrize("seed", seeds(), ids=lambda s: f"seed-{s}")
def test_after_faults_and_one_clean_sync_every_side_holds_the_same_revisions(
    trust: Trust, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    ward = trust.ward()
    pcs = [enrol_pc(trust, ward, tmp_path / f"pc{i}") for i in range(PCS)]
    try:
        with FaultProxy(trust.url, seed) as proxy:
            serial = 0
            for _ in range(ROUNDS):
                for pc in pcs:
                    for _ in range(rng.randint(0, 3)):
                        serial += 1
                        edit(pc, rng, ward.id, serial)
                    # Offline, a cut answer, a page that broke off: tried again at the next round.
                    with contextlib.suppress(UserFacingError):
                        sync(pc, url=proxy.url, push_batch=rng.choice([1, 2, 500]))
            proxy.schedule.faults_on = False
            for pc in (*pcs, *pcs):  # the second pass brings each PC the others' last work
                report = sync(pc, url=proxy.url)
                assert report.refused == ()
        held = trust_revisions(trust, ward.id)
        assert len(held) == len(set(held))  # none twice
        for pc in pcs:
            assert local_revisions(pc) == set(held)  # none lost, on every side
            assert pc.sync.outbox_count() == 0
            assert pc.sync.facts().counts_match is True
            assert pc.verify().ok
    finally:
        for pc in pcs:
            pc.close()
