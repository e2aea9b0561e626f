r"""Settings, declared once (pydantic-settings), with a version.

Where each setting may come from, highest precedence first: values given in code (command-line
options); the **machine-wide** file that trust IT deploys (``/etc/rpr/settings.toml``, or
``%PROGRAMDATA%\RPR\settings.toml`` on Windows); environment variables ``RPR_…``; the
**per-user** file (``~/.config/rpr/settings.toml``); the defaults below.

**Machine-only** settings — the clinical ``policy``, ``idle_lock_minutes``, ``server_url``,
``trust_ca_certificate`` and ``ward`` — are read from the code defaults and the machine-wide
file only. The same keys in the user's file or the environment are ignored with a warning
(naming the setting and where it was, never its value), so nobody at a ward PC can relax the
trust's policy, keep an idle PC unlocked longer, point it at another server or enrol it for
another ward. Sources are deep-merged only after that filtering.

In the machine-wide file only, the keys of an ``[rpr]`` table count as top-level keys: the
Windows installer writes the file with the MSI IniFile table, which can only write
``key=value`` lines inside a section, and it writes section ``[rpr]``. A key given both at the
top and in ``[rpr]`` is a :class:`SettingsError` naming the file and the key; other tables
(``[policy]``…) are read as they are. (The user's file has no ``[rpr]`` table: there it is an
unknown key, ignored like any other.)

Every file may declare ``settings_version``; a file written for a newer version than
:data:`SETTINGS_VERSION` is refused rather than half-understood. Anything wrong with the settings
raises :class:`SettingsError`, whose message names the file or setting and the rule it breaks,
never the value found (a settings file is not patient data, but the habit is the same).

:func:`settings_sources` says where each effective setting came from — the organisation's
(machine-wide) file, the environment, the user's file, the command line or the default — and
which machine-only settings were ignored where; the ward client's "About this PC" panel shows it.

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
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from pydantic_settings import SettingsError as SourceError

from app.models.errors import UserFacingError, problems_from
from app.models.people import WardCode
from app.models.policy import ClinicalPolicy

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SETTINGS_VERSION = 1
#: Settings only trust IT (the machine-wide file) may change; see the module docstring.
MACHINE_ONLY = frozenset(
    {"policy", "idle_lock_minutes", "server_url", "trust_ca_certificate", "ward"}
)
#: The table of the machine-wide file whose keys count as top-level keys (the MSI writes it).
MACHINE_TABLE = "rpr"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

log = logging.getLogger("rpr.config")

#: False while :func:`settings_sources` re-reads the sources (the warnings were given at start).
_WARN_IGNORED: ContextVar[bool] = ContextVar("rpr_config_warn_ignored", default=True)

_SOURCE_FIELD = re.compile(r'field "(\w+)"')
_TOML_PLACE = re.compile(r"\(at (line \d+, column \d+|end of document)\)")


class SettingsError(UserFacingError):
    """The settings cannot be used; the message names the file or setting and the rule."""


class Origin(StrEnum):
    """Where an effective setting came from, highest precedence first."""

    COMMAND_LINE = "command line"
    ORGANISATION = "organisation"
    ENVIRONMENT = "environment"
    USER = "user"
    DEFAULT = "default"


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


class _MachineTomlSource(TomlConfigSettingsSource):
    """The machine-wide file, its ``[rpr]`` table's keys lifted to the top (module docstring)."""

    def _read_file(self, file_path: Path | Traversable) -> dict[str, Any]:
        return _lift_machine_table(super()._read_file(file_path), file_path)


def _lift_machine_table(values: dict[str, Any], path: object) -> dict[str, Any]:
    """``values`` of the machine-wide file ``path`` with the keys of its :data:`MACHINE_TABLE`
    table at the top level instead of in the table. A key in both places is a
    :class:`SettingsError` naming the file and the key (never a value)."""
    table = values.get(MACHINE_TABLE)
    if not isinstance(table, dict):
        return values
    top = {key: value for key, value in values.items() if key != MACHINE_TABLE}
    top_keys = {key.lower() for key in top}
    both = sorted(key for key in table if key.lower() in top_keys)
    if both:
        raise SettingsError(
            f"The settings file {path} gives {', '.join(both)} both at the top and in its "
            f"[{MACHINE_TABLE}] table; each setting may be given once. Ask trust IT to remove "
            "one of them."
        )
    return top | table


def _toml_source(
    settings_cls: type[BaseSettings],
    path: Path,
    source: type[TomlConfigSettingsSource] = TomlConfigSettingsSource,
) -> TomlConfigSettingsSource:
    """Read ``path`` (absent is fine) with ``source``; a file that cannot be read or parsed is a
    :class:`SettingsError` giving the place of the fault, not the text found there."""
    if path.exists() and not path.is_file():
        # pydantic-settings would skip it silently, and with it the trust's policy.
        raise SettingsError(f"The settings file {path} is not a file.")
    try:
        return source(settings_cls, toml_file=path)
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
        values, ignored = self.read()
        if ignored and _WARN_IGNORED.get():
            log.warning(
                "ignored %s in %s: only the machine-wide settings file may set %s",
                ", ".join(ignored),
                self._origin,
                "it" if len(ignored) == 1 else "them",
            )
        return values

    def read(self) -> tuple[dict[str, Any], list[str]]:
        """The inner source's values, checked, without the machine-only settings it may not
        set; and the names of those it tried to set, sorted."""
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
            return values, []
        return {key: value for key, value in values.items() if key not in MACHINE_ONLY}, ignored


def _tidy_ward(value: object) -> object:
    """A ward code as trust IT may type it: any case, spaces around it; blank is unset."""
    if not isinstance(value, str):
        return value
    return value.strip().upper() or None


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
    #: The code of the ward this PC serves (trust IT's ``rpr-server admin add-ward --code``);
    #: enrolment must then be with a code issued for that ward. Unset: any ward. Machine-only.
    #: Case does not matter (``oak`` is ``OAK``); blank counts as unset.
    ward: Annotated[WardCode | None, BeforeValidator(_tidy_ward)] = None
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
        return (
            init_settings,
            *(source for _, source in _checked_sources(settings_cls, env_settings)),
        )


def _checked_sources(
    settings_cls: type[BaseSettings], env_settings: PydanticBaseSettingsSource
) -> tuple[tuple[Origin, _CheckedSource], ...]:
    """The machine-wide file, the environment and the user's file, highest precedence first."""
    machine, user = _machine_settings_file(), _user_settings_file()
    return (
        (
            Origin.ORGANISATION,
            _CheckedSource(
                settings_cls,
                _toml_source(settings_cls, machine, _MachineTomlSource),
                f"the machine-wide settings file {machine}",
                trusted=True,
            ),
        ),
        (
            Origin.ENVIRONMENT,
            _CheckedSource(
                settings_cls, env_settings, "the environment (RPR_… variables)", trusted=False
            ),
        ),
        (
            Origin.USER,
            _CheckedSource(
                settings_cls,
                _toml_source(settings_cls, user),
                f"the user's settings file {user}",
                trusted=False,
            ),
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


@dataclass(frozen=True)
class SettingSource:
    """One effective setting (a table's entries, such as the policy's, one by one, named
    ``policy.seclusion.observation_interval``), its value and where it came from."""

    name: str
    value: object
    origin: Origin
    #: The file or environment variable it was read from ("" for defaults and the command line).
    place: str = ""

    @property
    def managed(self) -> bool:
        """Set by the organisation: nobody at the PC can change it."""
        return self.origin is Origin.ORGANISATION

    @property
    def where(self) -> str:
        """Where it came from, in words for the person at the PC."""
        return {
            Origin.COMMAND_LINE: "given when RPR was started (command line)",
            Origin.ORGANISATION: f"set by your organisation ({self.place})",
            Origin.ENVIRONMENT: f"this PC's environment ({self.place})",
            Origin.USER: f"this user's settings ({self.place})",
            Origin.DEFAULT: "default",
        }[self.origin]


@dataclass(frozen=True)
class IgnoredSettings:
    """Machine-only settings that a source other than the machine-wide file tried to set."""

    names: tuple[str, ...]
    origin: Origin
    place: str

    @property
    def sentence(self) -> str:
        """What was ignored where, and why (never the value)."""
        where = {
            Origin.ENVIRONMENT: f"this PC's environment ({self.place})",
            Origin.USER: f"this user's settings ({self.place})",
        }.get(self.origin, self.place)
        them = "it" if len(self.names) == 1 else "them"
        return (
            f"Ignored {', '.join(self.names)} in {where}: only your organisation's settings "
            f"file may set {them}."
        )


@dataclass(frozen=True)
class SettingsSources:
    """Every effective setting with its source, and what was ignored."""

    machine_file: Path
    user_file: Path
    settings: tuple[SettingSource, ...]
    ignored: tuple[IgnoredSettings, ...]

    def __getitem__(self, name: str) -> SettingSource:
        """The setting called ``name`` (``KeyError`` if there is none)."""
        for setting in self.settings:
            if setting.name == name:
                return setting
        raise KeyError(name)


def settings_sources(settings: RprSettings | None = None) -> SettingsSources:
    """Where each of ``settings`` (default: the settings as loaded now) came from.

    Re-reads the settings files and the environment (without repeating their warnings); a value
    of ``settings`` that differs from what they give was set in code, i.e. on the command line.
    Raises :class:`SettingsError` as :func:`load_settings` does.
    """
    token = _WARN_IGNORED.set(False)
    try:
        baseline = load_settings()
        env = EnvSettingsSource(RprSettings)
        read = [(origin, *source.read()) for origin, source in _checked_sources(RprSettings, env)]
    finally:
        _WARN_IGNORED.reset(token)
    effective = settings if settings is not None else baseline
    places = {
        Origin.ORGANISATION: str(_machine_settings_file()),
        Origin.USER: str(_user_settings_file()),
    }
    found: list[SettingSource] = []
    given = baseline.model_dump()
    for name, value in _leaves(effective.model_dump()):
        if value != _lookup(given, name):
            found.append(SettingSource(name, value, Origin.COMMAND_LINE))
            continue
        for origin, values, _ in read:
            if _lookup(values, name, _MISSING) is not _MISSING:
                place = places.get(origin) or f"RPR_{name.replace('.', '__').upper()}"
                found.append(SettingSource(name, value, origin, place))
                break
        else:
            found.append(SettingSource(name, value, Origin.DEFAULT))
    ignored = tuple(
        IgnoredSettings(tuple(names), origin, places.get(origin, "RPR_… environment variables"))
        for origin, _, names in read
        if names
    )
    return SettingsSources(_machine_settings_file(), _user_settings_file(), tuple(found), ignored)


_MISSING = object()


def _leaves(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted name, value)`` of every entry that is not itself a table."""
    for key, value in values.items():
        if isinstance(value, Mapping):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _lookup(values: Mapping[str, Any], dotted: str, missing: object = None) -> Any:
    """The entry ``dotted`` of nested ``values``, or ``missing``."""
    current: Any = values
    for key in dotted.split("."):
        if not isinstance(current, Mapping) or key not in current:
            return missing
        current = current[key]
    return current
