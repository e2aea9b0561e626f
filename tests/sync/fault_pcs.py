"""Ward PCs of the fault runs (test_fault_runs.py): enrolled through the real endpoints with
their nurse signed in, a real SQLCipher store each, closed and opened again around the sync
process the test kills; and what each side holds when the runs are checked."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

from sqlalchemy import select

from app.models.patient import Patient
from app.store.schema import RevisionRow as LocalRevision
from app.store.store import Store
from app.store.sync_state import Enrolment
from app.sync.engine import SyncEngine, SyncReport
from app.sync.transport import Transport
from server.tables import WardRow
from server.tables_sync import RevisionRow
from tests.conftest import FAST_KDF
from tests.models import builders
from tests.server.harness import PASSWORD, Device, Trust


@dataclass
class WardPc:
    folder: Path
    username: str
    store: Store | None

    @property
    def open_store(self) -> Store:
        assert self.store is not None
        return self.store

    def reopen(self) -> Store:
        self.store = Store.open(self.folder, self.username, PASSWORD)
        return self.store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def enrol(trust: Trust, ward: WardRow, folder: Path) -> WardPc:
    """A ward PC enrolled through the real endpoint, its nurse signed in through it."""
    answer = trust.enrol(trust.code(ward), f"PC {folder.name}")
    assert answer.status_code == 200, answer.text
    enrolled = answer.json()
    nurse = trust.account(ward)
    pc = Device(trust.url, UUID(enrolled["device_id"]), enrolled["device_token"], ward.id)
    assert pc.sign_in(nurse).status_code == 200
    store = Store.create(
        folder,
        username=nurse,
        password=PASSWORD,
        recovery_public_key_pem=enrolled["recovery_public_key_pem"].encode(),
        kdf=FAST_KDF,
        enrolment=Enrolment(
            server_url=trust.url,
            device_id=pc.device_id,
            device_token=pc.token,
            ward_id=ward.id,
            ward_name=ward.name,
            trust_name="Test Trust",
        ),
    )
    return WardPc(folder, nurse, store)


def sync(store: Store, url: str, ca: Path, push_batch: int = 500) -> SyncReport:
    enrolment = store.sync.enrolment()
    assert enrolment is not None
    with Transport(url, token=enrolment.device_token, ca_certificate=ca) as transport:
        return SyncEngine(store.sync, transport, push_batch=push_batch).run()


def edit(store: Store, rng: random.Random, ward_id: UUID, serial: int) -> UUID:
    """A new patient, or a change to one this PC holds (which may fork a record another PC
    changes too: a conflict both keep)."""
    with store.read() as reader:
        held = sorted(reader.find(Patient), key=lambda p: str(p.id))
        if held and rng.random() < 0.5:
            chosen = rng.choice(held)
            base = reader.tips(chosen.id)[-1].revision_id
        else:
            chosen = base = None
    if chosen is not None:
        changed = chosen.model_copy(update={"local_identifier": f"LOC{serial:05d}"})
        return store.save(changed, base=base).revision_id
    new = builders.patient(id=uuid4(), ward_id=ward_id, family_name=f"Person{serial}")
    return store.save(new).revision_id


def local_revisions(store: Store) -> list[UUID]:
    with store.read() as reader:
        return list(reader._session.scalars(select(LocalRevision.revision_id)))


def trust_revisions(trust: Trust, ward_id: UUID) -> list[UUID]:
    """What the ward's PCs pushed to the trust (not what the trust published itself)."""
    with trust.sessions() as session:
        return list(
            session.scalars(
                select(RevisionRow.revision_id).where(
                    RevisionRow.ward_id == ward_id, RevisionRow.pushed_by.is_not(None)
                )
            )
        )
