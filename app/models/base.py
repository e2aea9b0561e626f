"""Base classes and field types shared by every domain record.

Conventions every model follows:
- models are immutable (``frozen``) and refuse unknown fields;
- instants are aware datetimes normalised to UTC (:data:`Instant`); those that record something
  that has happened are :data:`PastInstant` and may not lie in the future;
- ``None`` means "not answered yet" (a draft may hold it; completeness rules report it); an
  explicit "not known" / "not stated" is an answer;
- a rule that spans several fields is a ``model_validator`` that raises
  ``ValueError("<field>: <rule>")`` so :mod:`app.models.errors` can name the field.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, NamedTuple, Self
from uuid import UUID, uuid4

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)

from app.models.clock import FUTURE_TOLERANCE, as_utc, local_date, utc_now
from app.models.errors import invalid_record

#: Context passed when re-reading a stored revision: rules relative to "now" (not in the
#: future) were checked when the record was made and are not re-applied.
STORED: dict[str, Any] = {"stored": True}


def _is_stored(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("stored"))


def _not_in_future(value: datetime, info: ValidationInfo) -> datetime:
    value = as_utc(value)
    if not _is_stored(info) and value > utc_now() + FUTURE_TOLERANCE:
        raise ValueError("must not be in the future")
    return value


def _date_not_in_future(value: date, info: ValidationInfo) -> date:
    if not _is_stored(info) and value > local_date(utc_now()):
        raise ValueError("must not be in the future")
    return value


#: An aware instant, stored in UTC.
Instant = Annotated[datetime, AfterValidator(as_utc)]
#: An instant at which something has already happened (not later than now + tolerance).
PastInstant = Annotated[datetime, AfterValidator(_not_in_future)]
#: A calendar date that is not after today on the ward's clock (dates of birth, admissions).
PastDate = Annotated[date, AfterValidator(_date_not_in_future)]
#: Free text that may be empty; surrounding whitespace is dropped.
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
#: Text that must say something (names, reasons).
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]
#: A short label (names, job titles, places).
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


#: The status words of an episode (seclusion, segregation) in its summary: running or over.
ACTIVE = "active"
ENDED = "ended"


class Answer(StrEnum):
    """A yes/no question the law asks "if known": not knowing is an answer, not a gap."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


class DomainModel(BaseModel):
    """Immutable value with strict input: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        validate_default=True,
    )

    @classmethod
    def build(cls, **data: Any) -> Self:
        """Construct from user input; raises :class:`~app.models.errors.InvalidRecord` whose
        message names each field and rule and never echoes what was typed.
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise invalid_record(cls, exc) from None


class RecordSummary(NamedTuple):
    """What lists, the ward board and the store's indexes need without unpacking a payload.

    ``parent_id`` is the record this one hangs off (the episode of a review or observation,
    the incident of a seclusion); ``status`` is the life-cycle word (``draft``, ``active``…);
    ``starts_at``/``ends_at`` bound the period the record covers (``ends_at`` None: ongoing).
    """

    ward_id: UUID | None = None
    patient_id: UUID | None = None
    parent_id: UUID | None = None
    status: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


#: Every record class by its ``KIND``, filled as classes are defined.
RECORD_KINDS: dict[str, type[Record]] = {}


class Record(DomainModel):
    """A clinical record: its UUID is made where it is created; the store keeps every change
    as an immutable revision (design.md "Records are revisions, never overwrites").

    Subclasses set ``KIND`` (a stable name used in storage and on the wire; never rename one).
    """

    KIND: ClassVar[str] = ""

    id: UUID = Field(default_factory=uuid4)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # Registered only once pydantic has finished building the class: a thread calling
        # record_class() meanwhile must never get a half-built one (which refuses valid
        # payloads as "extra inputs").
        super().__pydantic_init_subclass__(**kwargs)
        kind = cls.__dict__.get("KIND")
        if kind:
            if kind in RECORD_KINDS and RECORD_KINDS[kind] is not cls:
                raise TypeError(f"record kind {kind!r} is defined twice")
            RECORD_KINDS[kind] = cls

    def summary(self) -> RecordSummary:
        """The indexed facts of this record; subclasses fill in what applies to them."""
        return RecordSummary()

    def is_signed_off(self) -> bool:
        """True once a ward manager has signed the record off; changes after that are
        amendments and need a reason (domain.md §2, good practice).
        """
        return False


def record_class(kind: str) -> type[Record]:
    """The record class stored under ``kind``; ``KeyError`` names an unknown kind.

    Every clinical kind is known here whatever has been imported so far: the catalogue of
    record modules is loaded on first use.
    """
    if kind not in RECORD_KINDS:
        import app.models.catalogue  # noqa: F401, PLC0415 - registers every clinical kind
    return RECORD_KINDS[kind]
