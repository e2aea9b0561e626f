"""Keep every test off the real machine: no real settings files, data or config folders."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.keyslot_crypto import KdfParams, KdfPolicy, set_kdf_policy

#: A test named in the hazard log that skips at run time fails the session (docs/safety/).
pytest_plugins = ["tests.safety.guard", "tests.demo_store"]

#: Argon2id parameters cheap enough for hundreds of stores in a test run. Tests of the policy
#: itself use the ``production_kdf_policy`` fixture.
FAST_KDF = KdfParams(time_cost=1, memory_kib=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("RPR_MACHINE_SETTINGS_FILE", str(home / "machine-settings.toml"))
    monkeypatch.setenv("RPR_USER_SETTINGS_FILE", str(home / "user-settings.toml"))
    for name in ("RPR_PASSWORD", "RPR_RECOVERY_PASSPHRASE", "RPR_DATA_DIR", "RPR_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings_files() -> tuple[Path, Path]:
    """(machine-wide, per-user) settings files the isolated environment points at."""
    import os

    return Path(os.environ["RPR_MACHINE_SETTINGS_FILE"]), Path(os.environ["RPR_USER_SETTINGS_FILE"])


@pytest.fixture(autouse=True)
def _fast_key_derivation() -> Iterator[None]:
    """Every store made in a test derives keys cheaply (see ``FAST_KDF``)."""
    previous = set_kdf_policy(KdfPolicy(default=FAST_KDF, minimum=FAST_KDF))
    yield
    set_kdf_policy(previous)


@pytest.fixture
def production_kdf_policy() -> Iterator[KdfPolicy]:
    """The policy the product runs with (for tests of the policy itself)."""
    production = KdfPolicy()
    previous = set_kdf_policy(production)
    yield production
    set_kdf_policy(previous)
