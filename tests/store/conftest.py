"""Fixtures for store tests: real SQLCipher files in tmp_path, cheap key derivation."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.keyslots import generate_recovery_key_pair
from app.store.store import Store
from tests.conftest import FAST_KDF

__all__ = ["FAST_KDF"]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def recovery_keys() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) of a test recovery key pair, made once per session."""
    return generate_recovery_key_pair()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "ward-data"


@pytest.fixture
def store(data_dir: Path, recovery_keys: tuple[bytes, bytes]) -> Iterator[Store]:
    opened = Store.create(
        data_dir,
        username="test.nurse",
        password=PASSWORD,
        recovery_public_key_pem=recovery_keys[1],
        kdf=FAST_KDF,
    )
    yield opened
    opened.close()
