r"""Settings, declared once (pydantic-settings), with a version.

Precedence, highest first: values given in code; the **machine-wide** file that trust IT
deploys (``/etc/rpr/settings.toml``, or ``%PROGRAMDATA%\RPR\settings.toml`` on Windows);
environment variables ``RPR_…`` (nested with ``__``, e.g. ``RPR_POLICY__SECLUSION__…``); the
**per-user** file (``~/.config/rpr/settings.toml``); the defaults below. Machine-wide settings
outrank per-user ones, so a ward PC cannot be configured away from the trust's policy.

The clinical defaults of domain.md live in :mod:`app.models.policy`; a trust changes them in
the ``[policy]`` table of the machine-wide file. Tests point ``RPR_MACHINE_SETTINGS_FILE`` and
``RPR_USER_SETTINGS_FILE`` at temporary files so they never read a real machine's settings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from app.models.policy import ClinicalPolicy

SETTINGS_VERSION = 1


def _machine_settings_file() -> Path:
    override = os.environ.get("RPR_MACHINE_SETTINGS_FILE")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "RPR" / "settings.toml"
    return Path("/etc/rpr/settings.toml")


def _user_settings_file() -> Path:
    override = os.environ.get("RPR_USER_SETTINGS_FILE")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
        return base / "RPR" / "settings.toml"
    base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return base / "rpr" / "settings.toml"


def default_data_dir() -> Path:
    """Where the ward store lives unless IT says otherwise (per user, private)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "RPR" / "data"
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "rpr"


class RprSettings(BaseSettings):
    """Every setting of the ward client."""

    model_config = SettingsConfigDict(
        env_prefix="RPR_",
        env_nested_delimiter="__",
        extra="ignore",
        frozen=True,
    )

    settings_version: int = SETTINGS_VERSION
    data_dir: Path = Field(default_factory=default_data_dir)
    idle_lock_minutes: int = Field(default=10, ge=1, le=240)
    server_url: str | None = None
    log_level: str = "INFO"
    policy: ClinicalPolicy = ClinicalPolicy()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Code, then the machine-wide file, then the environment, then the user's file."""
        return (
            init_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=_machine_settings_file()),
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=_user_settings_file()),
        )


def load_settings(**overrides: object) -> RprSettings:
    """The effective settings; ``overrides`` (e.g. from command-line options) win."""
    return RprSettings(**overrides)  # type: ignore[arg-type]
