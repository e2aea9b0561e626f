r"""Settings, declared once (pydantic-settings), with a version.

Where each setting may come from, highest precedence first: values given in code (command-line
options); the **machine-wide** file that trust IT deploys (``/etc/rpr/settings.toml``, or
``%PROGRAMDATA%\RPR\settings.toml`` on Windows); environment variables ``RPR_…``; the
**per-user** file (``~/.config/rpr/settings.toml``); the defaults below.

**Machine-only** settings — the clinical ``policy``, ``idle_lock_minutes``, ``server_url`` and
``trust_ca_certificate`` — are read from the code defaults and the machine-wide file only. The
same keys in the user's file or the environment are ignored with a warning (naming the setting
and where it was, never its value), so nobody at a ward PC can relax the trust's policy, keep
an idle PC unlocked longer or point it at another server.
Sources are deep-merged only after that filtering.

Every file may declare ``settings_version``; a file written for a newer version than
:data:`SETTINGS_VERSION` is refused rather than half-understood. Anything wrong with the settings
raises :class:`SettingsError`, whose message names the file or setting and the rule it breaks,
never the value found (a settings file is not patient data, but the habit is the same).

The clinical defaults of domain.md live in :mod:`app.models.policy`; a trust changes them in
the ``[policy]`` table of the machine-wide file. Tests point ``RPR_MACHINE_SETTINGS_FILE`` and
``RPR_USER_SETTINGS_FILE`` at temporary files so they never read a real machine's settings.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as SourceError

from app.models.errors import UserFacingError, problems_from
from app.models.policy import ClinicalPolicy

SETTINGS_VERSION = 1
#: Settings only trust IT (the machine-wide file) may change; see the module docstring.
MACHINE_ONLY = frozenset({"policy", "idle_lock_minutes", "server_url", "trust_ca_certificate"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

log = logging.getLogger("rpr.config")

_SOURCE_FIELD = re.compile(r'field "(\w+)"')
_TOML_PLACE = re.compile(r"\(at (line \d+, column \d+|end of document)\)")


class SettingsError(UserFacingError):
    """The settings cannot be used; the message names the file or setting and the rule."""


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


def _toml_source(settings_cls: type[BaseSettings], path: Path) -> TomlConfigSettingsSource:
    """Read ``path`` (absent is fine); a file that cannot be read or parsed is a
    :class:`SettingsError` giving the place of the fault, not the text found there."""
    if path.exists() and not path.is_file():
        # pydantic-settings would skip it silently, and with it the trust's policy.
        raise SettingsError(f"The settings file {path} is not a file.")
    try:
        return TomlConfigSettingsSource(settings_cls, toml_file=path)
    except tomllib.TOMLDecodeError as exc:
        place = _TOML_PLACE.search(str(exc))
        where = f" (at {place[1]})" if place else ""
        raise SettingsError(f"The settings file {path} is not valid TOML{where}.") from None
    except UnicodeDecodeError:
        raise SettingsError(f"The settings file {path} is not UTF-8 text.") from None
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise SettingsError(f"The settings file {path} cannot be read ({reason}).") from None


class _CheckedSource(PydanticBaseSettingsSource):
    """One source of settings, checked before it is merged: its ``settings_version`` must be
    one this code understands and, unless ``trusted``, machine-only settings are dropped."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        inner: PydanticBaseSettingsSource,
        origin: str,
        *,
        trusted: bool,
    ) -> None:
        super().__init__(settings_cls)
        self._inner = inner
        self._origin = origin
        self._trusted = trusted

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """Unused: :meth:`__call__` returns the inner source's values as a whole."""
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        """The inner source's values, checked and filtered."""
        self._inner._set_current_state(self.current_state)
        self._inner._set_settings_sources_data(self.settings_sources_data)
        try:
            values = self._inner()
        except SourceError as exc:
            # Its message names the field and the source class, never the value.
            field = _SOURCE_FIELD.search(str(exc))
            name = f"{field[1]} " if field else ""
            raise SettingsError(f"The setting {name}in {self._origin} cannot be parsed.") from None
        version = values.get("settings_version")
        if isinstance(version, int) and version > SETTINGS_VERSION:
            raise SettingsError(
                f"The settings in {self._origin} declare a newer settings_version than this "
                f"RPR understands ({SETTINGS_VERSION}); update RPR or ask trust IT."
            )
        ignored = sorted(MACHINE_ONLY & values.keys())
        if self._trusted or not ignored:
            return values
        log.warning(
            "ignored %s in %s: only the machine-wide settings file may set %s",
            ", ".join(ignored),
            self._origin,
            "it" if len(ignored) == 1 else "them",
        )
        return {key: value for key, value in values.items() if key not in MACHINE_ONLY}


class RprSettings(BaseSettings):
    """Every setting of the ward client."""

    model_config = SettingsConfigDict(
        env_prefix="RPR_",
        env_nested_delimiter="__",
        extra="ignore",
        frozen=True,
    )

    settings_version: int = Field(default=SETTINGS_VERSION, ge=1, le=SETTINGS_VERSION)
    data_dir: Path = Field(default_factory=default_data_dir)
    idle_lock_minutes: int = Field(default=10, ge=1, le=240)
    #: The trust server; when set it wins over the address recorded at enrolment (IT moved it).
    server_url: str | None = None
    #: The trust's CA certificate (PEM) that the server's TLS certificate must chain to; unset:
    #: the operating system's trusted CAs. Machine-only, so nobody at a ward PC can swap it.
    trust_ca_certificate: Path | None = None
    log_level: str = "INFO"
    policy: ClinicalPolicy = ClinicalPolicy()

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Code, then the machine-wide file, then the environment, then the user's file; the
        last two without machine-only settings."""
        machine, user = _machine_settings_file(), _user_settings_file()
        return (
            init_settings,
            _CheckedSource(
                settings_cls,
                _toml_source(settings_cls, machine),
                f"the machine-wide settings file {machine}",
                trusted=True,
            ),
            _CheckedSource(
                settings_cls, env_settings, "the environment (RPR_… variables)", trusted=False
            ),
            _CheckedSource(
                settings_cls,
                _toml_source(settings_cls, user),
                f"the user's settings file {user}",
                trusted=False,
            ),
        )


def load_settings(**overrides: object) -> RprSettings:
    """The effective settings; ``overrides`` (e.g. from command-line options) win.

    Raises :class:`SettingsError` naming the file or setting and the rule it breaks.
    """
    try:
        return RprSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{p.field}: {p.rule}" for p in problems_from(exc))
        raise SettingsError(
            f"The settings are not valid — {problems}. Settings come from "
            f"{_machine_settings_file()} (trust IT), RPR_… environment variables and "
            f"{_user_settings_file()}."
        ) from None
