"""Keep every test off the real machine: no real settings files, data or config folders."""

from pathlib import Path

import pytest


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
