"""Versions of one record compared field by field, and combined (design.md "Records are
revisions, never overwrites": a record's history shows what each revision changed; diverging
versions are resolved by a person who chooses one or combines them).

Paths are dotted: ``outcome``, ``force_uses.0.patient_injured`` (a list index counts from 0 in
the path, from 1 in the label: "Force uses #1 › patient injured"). The comparison walks into
nested parts, lists and named entries only where every version has the same shape; where they
differ (a list of another length, other entries, a part present in one version only) it stops
and compares the whole value. So every path it reports exists in every version, and
:func:`combine_versions` can take the value at that path from any of them.

Values are display text: a code list shows its label (never a bare code such as ``"10"``),
instants show on the Europe/London wall clock, yes/no answers as words, and an unanswered
field as :data:`NOT_ANSWERED`. Pure: no Qt, no store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.models.base import STORED, DomainModel, Record
from app.models.clock import format_local
from app.models.errors import invalid_record
from app.models.incident_parts import DoseUnit
from app.models.nhs_number import format_nhs_number, is_valid_nhs_number
from app.models.refs import PersonRef

R = TypeVar("R", bound=Record)
Path = tuple[str | int, ...]

#: How a field with no answer yet reads.
NOT_ANSWERED = "not answered"
#: How an empty list reads.
NONE_LISTED = "none"

#: Words that keep their capitals (or spelling) in a field's label.
_WORDS = {"nhs": "NHS", "icd10": "ICD-10", "lts": "LTS", "mdt": "MDT", "imha": "IMHA", "id": "ID"}
#: Code lists whose values are already the words to show (units are lower-case).
_AS_WRITTEN: tuple[type[Enum], ...] = (DoseUnit,)


class FieldComparison(DomainModel):
    """One field across every version: ``values`` in version order, as display text."""

    path: str
    label: str
    values: tuple[str, ...]
    differs: bool


class FieldChange(DomainModel):
    """One field a revision changed: its value before and after, as display text."""

    path: str
    label: str
    old: str
    new: str


# ------------------------------------------------------------------------------ wording


def field_label(path: str) -> str:
    """``force_uses.0.patient_injured`` → ``Force uses #1 › patient injured``."""
    words: list[str] = []
    for part in path.split("."):
        if part.isdigit() and words:
            words[-1] += f" #{int(part) + 1}"
        else:
            words.append(" ".join(_WORDS.get(w, w) for w in part.split("_")))
    text = " › ".join(words)
    return text[:1].upper() + text[1:]


def display_value(value: object, *, field: str = "") -> str:  # noqa: PLR0911 - one per type
    """``value`` as staff read it (``field``: the last name in its path, for fields that are
    shown in a form of their own, such as the NHS number in 3-3-4)."""
    if value is None:
        return NOT_ANSWERED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Enum):
        return _enum_text(value)
    if isinstance(value, datetime):
        return format_local(value)
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, str) and field == "nhs_number" and is_valid_nhs_number(value):
        return format_nhs_number(value)
    if isinstance(value, PersonRef):
        return f"{value.name} ({value.job_title})"
    if isinstance(value, BaseModel):
        parts = [
            f"{field_label(name)}: {display_value(item, field=name)}"
            for name in type(value).model_fields
            if (item := getattr(value, name)) is not None and item not in ((), {})
        ]
        return ", ".join(parts) or NOT_ANSWERED
    if isinstance(value, dict):
        text = "; ".join(
            f"{field_label(str(k))}: {display_value(v, field=str(k))}" for k, v in value.items()
        )
        return text or NONE_LISTED
    if isinstance(value, tuple | list):
        return "; ".join(display_value(item, field=field) for item in value) or NONE_LISTED
    return str(value)


def _enum_text(value: Enum) -> str:
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    text = str(value.value)
    if isinstance(value, _AS_WRITTEN):
        return text
    return text.replace("_", " ").capitalize()


# ------------------------------------------------------------------------------ walking


def _walk(path: Path, values: tuple[Any, ...]) -> Iterator[tuple[Path, tuple[Any, ...]]]:
    """Every leaf under ``path``, with its value in each version (see the module docstring:
    the walk goes no deeper where the versions' shapes differ)."""
    first = values[0]
    if isinstance(first, BaseModel) and all(type(v) is type(first) for v in values):
        for name in type(first).model_fields:
            yield from _walk((*path, name), tuple(getattr(v, name) for v in values))
        return
    if (
        isinstance(first, tuple)
        and first
        and all(isinstance(v, tuple) and len(v) == len(first) for v in values)
    ):
        for index in range(len(first)):
            yield from _walk((*path, index), tuple(v[index] for v in values))
        return
    if (
        isinstance(first, dict)
        and first
        and all(isinstance(v, dict) and v.keys() == first.keys() for v in values)
        and all(_is_name(k) for k in first)
    ):
        for key in first:
            yield from _walk((*path, key), tuple(v[key] for v in values))
        return
    yield path, values


def _is_name(key: object) -> bool:
    """A dictionary key that can stand in a dotted path (a name, not a number)."""
    return isinstance(key, str) and key.isidentifier()


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _last_name(path: Path) -> str:
    return next((p for p in reversed(path) if isinstance(p, str)), "")


def _is_identifier(path: Path) -> bool:
    """An identifier (``id``, ``patient_id``): a link, not something a person typed."""
    name = _last_name(path)
    return name == "id" or name.endswith("_id")


def _same_class(versions: Sequence[Record]) -> None:
    if not versions:
        raise ValueError("versions: at least one version is needed")
    if any(type(v) is not type(versions[0]) for v in versions):
        raise TypeError("versions: only versions of one record class can be compared")


def compare_versions(versions: Sequence[R]) -> tuple[FieldComparison, ...]:
    """Every field of ``versions`` (versions of one record, of one class), in the order the
    record defines them, with its value in each version and whether they differ."""
    _same_class(versions)
    return tuple(
        FieldComparison(
            path=_dotted(path),
            label=field_label(_dotted(path)),
            values=tuple(display_value(v, field=_last_name(path)) for v in values),
            differs=any(v != values[0] for v in values[1:]),
        )
        for path, values in _walk((), tuple(versions))
    )


def changes_between(old: R | None, new: R) -> tuple[FieldChange, ...]:
    """What ``new`` changed compared with ``old``, field by field. ``old`` None: ``new`` is the
    first version, and every field it answers is listed (identifiers and links to other
    records apart: the record's title names those)."""
    if old is None:
        return tuple(
            FieldChange(
                path=_dotted(path),
                label=field_label(_dotted(path)),
                old=NOT_ANSWERED,
                new=display_value(value, field=_last_name(path)),
            )
            for path, (value,) in _walk((), (new,))
            if not _is_identifier(path) and value is not None and value not in ((), {})
        )
    return tuple(
        FieldChange(path=c.path, label=c.label, old=c.values[0], new=c.values[1])
        for c in compare_versions((old, new))
        if c.differs
    )


# ---------------------------------------------------------------------------- combining


def _parts(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.split(".")]


def combine_versions(versions: Sequence[R], choices: Mapping[str, int], *, start: int = 0) -> R:
    """One record made of ``versions[start]`` with, for each path in ``choices`` (paths of
    :func:`compare_versions`), the value of the version at that index.

    The result is checked by the record's own rules; a combination they refuse (an end
    before a start, say) raises :class:`~app.models.errors.InvalidRecord` naming the field
    and the rule. An unknown path or version raises ``ValueError``.
    """
    _same_class(versions)
    cls = type(versions[0])
    dumps: dict[int, Any] = {}

    def dump(index: int) -> Any:
        if not 0 <= index < len(versions):
            raise ValueError(f"choices: there is no version {index + 1}")
        if index not in dumps:
            dumps[index] = versions[index].model_dump(mode="json")
        return dumps[index]

    dump(start)  # the start must be a version too
    data: Any = versions[start].model_dump(mode="json")  # a copy of its own, changed below
    for path, index in choices.items():
        source: Any = dump(index)
        target: Any = data
        *parents, last = _parts(path)
        try:
            for part in parents:
                target = target[part]
                source = source[part]
            target[last] = source[last]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"choices: {path} is not a field every version has") from None
    try:
        return cls.model_validate(data, context=STORED)
    except ValidationError as exc:
        raise invalid_record(cls, exc) from None
