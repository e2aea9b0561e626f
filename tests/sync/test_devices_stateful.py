"""Several ward PCs edit shared records offline and sync in random orders (issue 7,
acceptance; design.md "Sync" and "Conflicts"): a hypothesis state machine drives three PCs
enrolled on one ward of a real trust server (PostgreSQL, uvicorn on loopback) with real
SQLCipher stores. Whatever the order, once every PC has synced twice:

- every revision made anywhere is held by every PC and by the trust;
- a record whose history forks (two revisions with the same parent, not yet joined) is
  flagged as conflicted on every PC, with the same diverging versions everywhere;
- a resolution made on one PC is the one version every PC shows.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from sqlalchemy import select

import server.credentials
from app.models.patient import Patient
from app.models.people import AccessRole
from app.models.revision import Revision
from app.store.revisions import revision_from_row
from app.store.schema import RevisionRow as LocalRevision
from app.store.store import Store
from app.store.sync_state import Enrolment
from app.sync.engine import SyncEngine
from app.sync.transport import Transport
from server.tables import TrustRow, WardRow
from server.tables_sync import RevisionRow
from tests.conftest import FAST_KDF
from tests.models import builders
from tests.server.harness import PASSWORD, Trust, running_trust

PCS = 3


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    saved = server.credentials._hasher
    # Test accounts only: cheap Argon2 parameters (the hash carries them, so the server
    # verifies cheaply too); the production parameters are tested in tests/server.
    server.credentials._hasher = lambda: PasswordHasher(  # type: ignore[assignment]
        time_cost=1, memory_cost=1024, parallelism=1
    )
    try:
        with running_trust() as running:
            yield running
    finally:
        server.credentials._hasher = saved  # type: ignore[assignment]


def enrol_manager_pc(trust: Trust, ward: WardRow, folder: Path) -> Store:
    """A ward PC whose signed-in user is a ward manager (who may also resolve conflicts)."""
    device = trust.device(ward, f"PC {folder.name}")
    manager = trust.account(ward, AccessRole.WARD_MANAGER)
    assert device.sign_in(manager).status_code == 200
    with trust.sessions() as session:
        public_key = session.scalars(select(TrustRow.recovery_public_key_pem)).one()
    return Store.create(
        folder,
        username=manager,
        password=PASSWORD,
        recovery_public_key_pem=public_key.encode(),
        kdf=FAST_KDF,
        enrolment=Enrolment(
            server_url=trust.url,
            device_id=device.device_id,
            device_token=device.token,
            ward_id=ward.id,
            ward_name=ward.name,
            trust_name="Test Trust",
        ),
    )


def sync(store: Store) -> None:
    enrolment = store.sync.enrolment()
    assert enrolment is not None
    with Transport(enrolment.server_url, token=enrolment.device_token) as transport:
        report = SyncEngine(store.sync, transport).run()
    assert report.refused == (), [r.message for r in report.refused]
    assert report.counts_match


def all_revisions(store: Store) -> dict[UUID, Revision]:
    with store.read() as reader:
        rows = reader._session.scalars(select(LocalRevision))
        return {row.revision_id: revision_from_row(row) for row in rows}


def expected_tips(revisions: dict[UUID, Revision]) -> dict[UUID, set[UUID]]:
    """Per record, the revisions no other revision names as a parent (its diverging
    versions: one, unless conflicted), from the whole history."""
    superseded = {p for r in revisions.values() for p in r.parents}
    tips: dict[UUID, set[UUID]] = {}
    for revision in revisions.values():
        tips.setdefault(revision.record_id, set())
        if revision.revision_id not in superseded:
            tips[revision.record_id].add(revision.revision_id)
    return tips


def _json(patient: Patient | None) -> str:
    assert patient is not None
    return patient.model_dump_json()


def test_pcs_editing_offline_in_any_order_converge(trust: Trust) -> None:
    seen = {"conflicted": 0, "resolved": 0, "forked": 0, "syncs": 0, "examples": 0}

    class WardPcs(RuleBasedStateMachine):
        """Three PCs on one fresh ward; ``made`` is every revision any of them saved."""

        def __init__(self) -> None:
            super().__init__()
            # In memory where there is /dev/shm: fsyncs on a shared disk would time the disk.
            shm = Path("/dev/shm")  # noqa: S108 - a fresh private directory is made inside
            self.folder = tempfile.TemporaryDirectory(
                prefix="rpr-stateful-", dir=shm if shm.is_dir() else None
            )
            self.ward = trust.ward()
            self.pcs: list[Store] = []
            self.made: set[UUID] = set()
            self.resolved: set[UUID] = set()
            self.serial = 0

        @initialize()
        def enrol_pcs(self) -> None:
            seen["examples"] += 1
            for index in range(PCS):
                self.pcs.append(
                    enrol_manager_pc(trust, self.ward, Path(self.folder.name) / f"pc{index}")
                )
            # A record every PC holds from the start, so that a first step can already fork it.
            self.made.add(
                self.pcs[0]
                .save(builders.patient(id=uuid4(), ward_id=self.ward.id, family_name="Shared"))
                .revision_id
            )
            for store in self.pcs:
                sync(store)

        def _next(self) -> int:
            self.serial += 1
            return self.serial

        @rule(pc=st.integers(0, PCS - 1))
        def create_a_record(self, pc: int) -> None:
            patient = builders.patient(
                id=uuid4(), ward_id=self.ward.id, family_name=f"Person{self._next()}"
            )
            self.made.add(self.pcs[pc].save(patient).revision_id)

        @rule(pc=st.integers(0, PCS - 1), choice=st.randoms(use_true_random=False))
        def edit_a_shared_record_offline(self, pc: int, choice: random.Random) -> None:
            store = self.pcs[pc]
            with store.read() as reader:
                single = [p for p in reader.find(Patient) if len(reader.tips(p.id)) == 1]
                if not single:
                    return
                chosen = choice.choice(sorted(single, key=lambda p: str(p.id)))
                base = reader.tips(chosen.id)[0].revision_id
            changed = chosen.model_copy(update={"local_identifier": f"LOC{self._next():05d}"})
            self.made.add(store.save(changed, base=base).revision_id)

        @rule(
            pcs=st.lists(st.integers(0, PCS - 1), min_size=2, max_size=2, unique=True),
            choice=st.randoms(use_true_random=False),
        )
        def two_pcs_edit_the_same_version_offline(
            self, pcs: list[int], choice: random.Random
        ) -> None:
            """The case sync exists for: both change what they last saw, neither knowing."""
            first, second = (self.pcs[i] for i in pcs)
            shared: dict[UUID, tuple[Patient, UUID]] = {}
            with first.read() as one, second.read() as other:
                for patient in one.find(Patient):
                    tips = [r.revision_id for r in one.tips(patient.id)]
                    if len(tips) == 1 and [r.revision_id for r in other.tips(patient.id)] == tips:
                        shared[patient.id] = (patient, tips[0])
            if not shared:
                return
            patient, base = shared[choice.choice(sorted(shared, key=str))]
            seen["forked"] += 1
            for store in (first, second):
                changed = patient.model_copy(update={"local_identifier": f"LOC{self._next():05d}"})
                self.made.add(store.save(changed, base=base).revision_id)

        @rule(pc=st.integers(0, PCS - 1))
        def sync_a_pc(self, pc: int) -> None:
            seen["syncs"] += 1
            sync(self.pcs[pc])

        @rule(pc=st.integers(0, PCS - 1), choice=st.randoms(use_true_random=False))
        def resolve_a_conflict_it_sees(self, pc: int, choice: random.Random) -> None:
            store = self.pcs[pc]
            with store.read() as reader:
                conflicted = sorted(reader.conflicted_ids(ward_id=self.ward.id), key=str)
            if not conflicted:
                return
            self.resolve(store, choice.choice(conflicted))

        def resolve(self, store: Store, record_id: UUID) -> None:
            current = store.get(Patient, record_id)
            assert current is not None
            merged = current.model_copy(update={"local_identifier": f"RES{self._next():05d}"})
            with store.write() as tx:
                resolution = tx.resolve(merged)
            self.made.add(resolution.revision_id)
            self.resolved.add(resolution.revision_id)

        def teardown(self) -> None:
            try:
                if len(self.pcs) == PCS:
                    conflicted = self.check_after_everyone_synced_twice()
                    seen["conflicted"] += len(conflicted)
                    # Then every conflict left is resolved, each on one PC, and the
                    # resolutions must reach everyone and end every conflict everywhere.
                    for number, record_id in enumerate(sorted(conflicted, key=str)):
                        self.resolve(self.pcs[number % PCS], record_id)
                    assert self.check_after_everyone_synced_twice() == set()
                    seen["resolved"] += len(self.resolved)
            finally:
                for store in self.pcs:
                    store.close()
                self.folder.cleanup()

        def check_after_everyone_synced_twice(self) -> set[UUID]:
            """Sync every PC twice round and check they and the trust agree; returns the
            conflicted records."""
            for store in (*self.pcs, *self.pcs):
                sync(store)
            with trust.sessions() as session:
                at_trust = set(
                    session.scalars(
                        select(RevisionRow.revision_id).where(
                            RevisionRow.ward_id == self.ward.id, RevisionRow.pushed_by.is_not(None)
                        )
                    )
                )
            assert at_trust == self.made
            published = trust.published(self.ward.id)  # the ward, its staff, the accounts
            held = [all_revisions(store) for store in self.pcs]
            for revisions in held:
                assert set(revisions) == self.made | published  # everything reached every PC
            tips = expected_tips(held[0])
            conflicted = {record for record, ids in tips.items() if len(ids) > 1}
            for store in self.pcs:
                with store.read() as reader:
                    assert set(reader.conflicted_ids(ward_id=self.ward.id)) == conflicted
                    for record_id, ids in tips.items():
                        assert {r.revision_id for r in reader.tips(record_id)} == ids
            # A resolution nobody has changed since is the one version every PC shows.
            for record_id, ids in tips.items():
                if len(ids) == 1 and ids <= self.resolved:
                    shown = {_json(store.get(Patient, record_id)) for store in self.pcs}
                    assert len(shown) == 1
            return conflicted

    run_state_machine_as_test(
        WardPcs,
        settings=settings(
            max_examples=12,
            stateful_step_count=16,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
    # The runs did reach the cases the test is about.
    assert seen["conflicted"] > 0
    assert seen["resolved"] > 0
