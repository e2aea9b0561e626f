"""Ward PCs enrolled with a real trust server (tests/server/harness.py): enrolled through the
real endpoint, a member of staff signed in through it, and a real SQLCipher store made with
the enrolment — what `rpr enrol` does, without the prompts."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from app.models.patient import Patient
from app.store.store import Store
from app.store.sync_state import Enrolment
from app.sync.engine import SyncEngine, SyncReport
from app.sync.transport import Transport
from server.tables import WardRow
from tests.conftest import FAST_KDF
from tests.models import builders
from tests.server.harness import PASSWORD, Trust


def enrol_pc(trust: Trust, ward: WardRow, folder: Path, *, url: str | None = None) -> Store:
    """A ward PC's store, enrolled on ``ward``, with a new nurse signed in and the first sync
    made, as ``rpr enrol`` and the window's enrolment do."""
    with Transport(trust.url) as anonymous:
        enrolled = anonymous.enrol(trust.code(ward), f"PC {folder.name}")
    nurse = trust.account(ward)
    with Transport(trust.url, token=enrolled.device_token) as device:
        device.sign_in(nurse, PASSWORD)
    store = Store.create(
        folder,
        username=nurse,
        password=PASSWORD,
        recovery_public_key_pem=enrolled.recovery_public_key_pem.encode(),
        kdf=FAST_KDF,
        enrolment=Enrolment(
            server_url=url or trust.url,
            device_id=enrolled.device_id,
            device_token=enrolled.device_token,
            ward_id=enrolled.ward.ward_id,
            ward_name=enrolled.ward.name,
            trust_name=enrolled.trust_name,
        ),
    )
    sync(store, url=url)  # as enrolment does: the ward and the accounts arrive
    return store


def sync(store: Store, *, url: str | None = None, **options: int) -> SyncReport:
    """One sync of ``store`` with its server (or ``url``, e.g. a fault proxy in front)."""
    enrolment = store.sync.enrolment()
    assert enrolment is not None
    with Transport(url or enrolment.server_url, token=enrolment.device_token) as transport:
        return SyncEngine(store.sync, transport, **options).run()


def admit(store: Store, ward: WardRow, family_name: str) -> Patient:
    """Save a new (fictitious) patient on ``ward``."""
    patient = builders.patient(id=uuid4(), ward_id=ward.id, family_name=family_name)
    store.save(patient)
    return patient


def family_names(store: Store) -> set[str]:
    with store.read() as reader:
        return {p.family_name for p in reader.find(Patient)}
