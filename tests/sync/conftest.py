"""Ward PC stores for the sync tests: real SQLCipher files, enrolled as devices of one ward."""

from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from app.store.keyslots import generate_recovery_key_pair
from app.store.store import Store
from app.store.sync_state import Enrolment
from tests.conftest import FAST_KDF

PASSWORD = "correct horse battery staple"
WARD_ID = UUID("00000000-0000-4000-8000-00000000b001")


@pytest.fixture(scope="session")
def recovery_keys() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) of a test recovery key pair, made once per session."""
    return generate_recovery_key_pair()


MakeStore = Callable[..., Store]


@pytest.fixture
def make_store(tmp_path: Path, recovery_keys: tuple[bytes, bytes]) -> Iterator[MakeStore]:
    """Make an enrolled ward PC store named ``name`` (closed after the test)."""
    made: list[Store] = []

    def make(
        name: str,
        *,
        server_url: str = "http://127.0.0.1:9",
        device_id: UUID | None = None,
        token: str = "t" * 40,
        username: str = "ward.nurse",
        ward_id: UUID = WARD_ID,
    ) -> Store:
        store = Store.create(
            tmp_path / name,
            username=username,
            password=PASSWORD,
            recovery_public_key_pem=recovery_keys[1],
            kdf=FAST_KDF,
            enrolment=Enrolment(
                server_url=server_url,
                device_id=device_id or uuid4(),
                device_token=token,
                ward_id=ward_id,
                ward_name="Willow Ward",
                trust_name="Example NHS Trust",
            ),
        )
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
