"""``rpr managed-settings --file F --set KEY=VALUE …``: write settings into a machine-wide
settings file, as the Debian package's postinst does with the answers trust IT preseeded
(``rpr/server_url`` and the rest; the MSI does the same from its properties).

Contract:
- Only the settings an installer takes (:data:`SETTABLE`) may be set; each value is checked
  by the same rule the client applies when it reads the file, and a bad one is refused naming
  the key and the rule, with the file left as it was.
- Each key is set at the top of the file (before the first table): an active line for it is
  replaced, else a commented-out one (``# server_url = …``, as the shipped template has) is
  replaced, else the line is added; every other line, comments included, is kept.
- The file is replaced in one step (a temporary file beside it, then a rename), mode 0644 —
  world-readable, as the client of every ward user reads it; the folder's owner (root, or
  Administrators) is the only one who may write. An absent file is made from ``--template``
  when given, else from nothing.
- It prints the keys it set, never their values (the habit of app/config.py).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from app.config import RprSettings
from app.models.errors import UserFacingError

#: What an installer may set: the machine-only settings it takes as properties, and where the
#: data folder is.
SETTABLE = ("server_url", "ward", "trust_ca_certificate", "idle_lock_minutes", "data_dir")
_TABLE = re.compile(r"^\s*\[")


def parse_assignments(given: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` strings → checked values; refused naming the key and the rule."""
    values: dict[str, Any] = {}
    for item in given:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserFacingError(f"--set {item!r}: give KEY=VALUE; nothing was written.")
        if key not in SETTABLE or key not in RprSettings.model_fields:
            raise UserFacingError(
                f"--set {key}: not a setting an installer sets (one of "
                f"{', '.join(k for k in SETTABLE if k in RprSettings.model_fields)}); "
                "nothing was written."
            )
        if key in values:
            raise UserFacingError(f"--set {key}: given twice; nothing was written.")
        if not raw.strip():
            raise UserFacingError(
                f"--set {key}: give a value (to remove a setting, edit the file); nothing was "
                "written."
            )
        values[key] = _checked(key, raw.strip())
    return values


def _checked(key: str, raw: str) -> Any:
    field = RprSettings.model_fields[key]
    # The field's type with its constraints (ge, le…), as the client checks it when reading.
    shape: Any = Annotated[field.annotation, field]
    adapter: TypeAdapter[Any] = TypeAdapter(shape)
    try:
        value = adapter.validate_python(raw)
    except ValidationError as exc:
        rule = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UserFacingError(f"{key}: {rule}; nothing was written.") from None
    if isinstance(value, Path):
        return str(value)
    return value


def toml_value(value: object) -> str:
    """A value as TOML: an integer bare, anything else a basic string (JSON's escapes are
    TOML's; non-ASCII kept as UTF-8, which TOML requires)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return json.dumps(str(value), ensure_ascii=False)
    return str(value)


def with_settings(text: str, values: dict[str, Any]) -> str:
    """``text`` with each of ``values`` set at its top (see the module docstring)."""
    lines = text.splitlines()
    top = next((i for i, line in enumerate(lines) if _TABLE.match(line)), len(lines))
    for key, value in values.items():
        line = f"{key} = {toml_value(value)}"
        active = re.compile(rf"^\s*{re.escape(key)}\s*=")
        commented = re.compile(rf"^\s*#\s*{re.escape(key)}\s*=")
        place = next((i for i in range(top) if active.match(lines[i])), None)
        if place is None:
            place = next((i for i in range(top) if commented.match(lines[i])), None)
        if place is None:
            # Above the first table, and above the blank lines and comments that lead into it.
            at = top
            while at > 0 and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
                at -= 1
            lines.insert(at, line)
            top += 1
        else:
            lines[place] = line
    return "\n".join(lines) + "\n"


def write_managed_settings(path: Path, given: Sequence[str], template: Path | None) -> int:
    """The command (see the module docstring)."""
    values = parse_assignments(given)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = template.read_text(encoding="utf-8") if template is not None else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFacingError(f"{path}: cannot be read ({type(exc).__name__}).") from None
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise UserFacingError(
            f"{path}: is not a valid settings file (TOML) as it is; correct it first. "
            "Nothing was written."
        ) from None
    result = with_settings(text, values)
    try:
        parsed = tomllib.loads(result)
    except tomllib.TOMLDecodeError:
        parsed = {}
    if any(parsed.get(key) != value for key, value in values.items()):
        raise UserFacingError(
            f"{path}: sets one of {', '.join(values)} in a way this command cannot change "
            "(inside a table?); nothing was written."
        )
    if result != text or not path.exists():
        _replace(path, result)
    print(f"set {', '.join(values) or 'nothing'} in {path}")
    return 0


def _replace(path: Path, text: str) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".settings.", dir=folder)
    except OSError as exc:
        raise UserFacingError(f"{folder}: cannot write here ({type(exc).__name__}).") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # noqa: PTH101 - on the path mkstemp returned
        os.replace(temporary, path)  # noqa: PTH105
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UserFacingError(
            f"{path}: could not be written ({type(exc).__name__}); it is as it was."
        ) from None
