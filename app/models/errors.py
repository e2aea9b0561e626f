"""The project's one small error hierarchy and the translation of validation errors.

Every message built here is safe to show to a user and to log: it names fields and rules,
never the values a person typed (which may be patient data). pydantic's own ``str()`` of a
``ValidationError`` repeats the input, so nothing outside this module should show one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


class RprError(Exception):
    """Base of every error the project raises on purpose."""


class UserFacingError(RprError):
    """An error whose message may be shown to the user as it is (it holds no patient data)."""


class Cancelled(RprError):
    """The user cancelled an operation; nothing was changed."""


class Locked(UserFacingError):
    """The store is locked, or the credentials offered do not open it."""


class StoreDamaged(UserFacingError):
    """The store failed its integrity check or its audit chain does not verify."""


class StoreIncomplete(UserFacingError):
    """A data folder holds part of a store (one of its files is missing or is not a file)."""


class StoreBusy(UserFacingError):
    """Another program holds the store's write lock past the wait; nothing was saved."""


class StoreReadOnly(UserFacingError):
    """The store can be read here but not written (a read-only copy, a locked-down folder)."""


class DiskFull(UserFacingError):
    """The disk holding the store is full; the action was not saved, earlier saves are kept."""


class StoreUnavailable(UserFacingError):
    """The disk or file system failed while reading or writing the store."""


class SyncAuthError(UserFacingError):
    """The trust server refused this device's or this user's credentials."""


class ConflictError(UserFacingError):
    """A record has diverging revisions that a person must resolve."""


class RuleViolation(UserFacingError):
    """An action breaks a rule of the record's life cycle (e.g. amending a signed-off record
    without a reason). The message names the rule.
    """


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One field that failed one rule: ``field`` is the dotted path, ``label`` its wording."""

    field: str
    label: str
    rule: str

    def __str__(self) -> str:
        if "." in self.field:
            return f"{self.label} ({self.field}): {self.rule}"
        return f"{self.label}: {self.rule}"


class InvalidRecord(UserFacingError):
    """Input refused by a model. ``problems`` names each field and the rule it broke."""

    def __init__(self, model_name: str, problems: tuple[FieldProblem, ...]) -> None:
        self.model_name = model_name
        self.problems = problems
        listed = "; ".join(str(p) for p in problems)
        super().__init__(f"{model_name} not saved — {listed}")


_PYDANTIC_RULES: dict[str, str] = {
    "missing": "is required",
    "enum": "is not one of the allowed codes",
    "literal_error": "is not one of the allowed values",
    "string_too_short": "must not be empty",
    "too_short": "needs at least one entry",
    "string_too_long": "is too long",
    "extra_forbidden": "is not a field of this record",
    "datetime_parsing": "is not a date and time",
    "datetime_type": "is not a date and time",
    "datetime_from_date_parsing": "is not a date and time",
    "date_parsing": "is not a date",
    "date_type": "is not a date",
    "date_from_datetime_parsing": "is not a date",
    "timezone_aware": "must include a time zone",
    "uuid_parsing": "is not a valid identifier",
    "uuid_type": "is not a valid identifier",
    "int_parsing": "is not a whole number",
    "bool_parsing": "must be yes or no",
    "string_type": "must be text",
    "greater_than": "is too small",
    "greater_than_equal": "is too small",
    "less_than": "is too large",
    "less_than_equal": "is too large",
}


_NAMED_RULE = re.compile(r"^([a-z_][a-z0-9_]*): ")


def _label(path: tuple[str | int, ...]) -> str:
    named = [part for part in path if isinstance(part, str)]
    return named[-1].replace("_", " ") if named else "record"


def problems_from(exc: ValidationError) -> tuple[FieldProblem, ...]:
    """Turn a pydantic ``ValidationError`` into field problems without echoing any input."""
    problems: list[FieldProblem] = []
    for error in exc.errors(include_input=False, include_url=False):
        path = tuple(error["loc"])
        kind = error["type"]
        if kind == "value_error":
            # Our validators raise ValueError("<rule>"); pydantic prefixes "Value error, ".
            rule = str(error.get("ctx", {}).get("error", error["msg"]))
        elif kind == "assertion_error":
            rule = error["msg"].removeprefix("Assertion failed, ")
        else:
            rule = _PYDANTIC_RULES.get(kind, error["msg"])
        # A model-level validator reports at the root; it names its field in "field: rule".
        if not path and ": " in rule:
            name, rule = rule.split(": ", 1)
            path = (name,)
        # A nested model's validator reports at that model's path; its field goes below it.
        elif kind == "value_error" and (named := _NAMED_RULE.match(rule)):
            path = (*path, named.group(1))
            rule = rule[named.end() :]
        problems.append(
            FieldProblem(".".join(str(p) for p in path) or "record", _label(path), rule)
        )
    return tuple(problems)


def invalid_record(model: type[BaseModel], exc: ValidationError) -> InvalidRecord:
    """The user-facing error for ``exc`` raised while building ``model``."""
    return InvalidRecord(model.__name__, problems_from(exc))
