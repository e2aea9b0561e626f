"""What a pushed revision must be before the trust takes it, decided from the domain's own
rules (app.models) — nothing clinical is re-encoded here.

- **Content**: its hash matches its content; its payload is a valid record of its kind, the
  record it names (:func:`read_record`).
- **Route** (:func:`route_hint`): a revision goes to the ward in its record's summary
  (``record.summary().ward_id``). A record whose summary names no ward but hangs off another
  record (``parent_id``, else ``patient_id``) goes where that record's latest revision went;
  when that record is not at the trust yet, to the pushing device's ward (never trust-wide: a
  record is never shown to more wards than its own). A record with neither (a staff member
  who works across wards) is trust-wide: every ward's devices receive it.
- **Rights** (:func:`permissions_needed`): every revision needs what its kind takes
  (:func:`~app.models.revision_rules.kind_permission`: clinical records the right to record,
  the staff list the right to manage accounts); a Ward or UserAccount is never taken from a
  ward PC (:data:`~app.models.revision_rules.TRUST_PUBLISHED_KINDS`: server.publish makes
  them); signing a record off needs
  :attr:`~app.models.people.Permission.SIGN_OFF`; resolving a conflict needs
  :data:`~app.models.revision_rules.RESOLVE_PERMISSION`; voiding needs
  :func:`~app.models.revision_rules.void_permission`. Whether the author's access role has
  them is :func:`app.models.people.may`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from pydantic import ValidationError

# Every record kind registered and its model fully built at import, before request threads:
# record_class's lazy import, raced by two threads, can hand one a class still being built.
import app.models.catalogue  # noqa: F401
from app.models.base import STORED, Record, record_class
from app.models.people import Permission
from app.models.revision import Revision, RevisionAction
from app.models.revision_rules import (
    RESOLVE_PERMISSION,
    TRUST_PUBLISHED_KINDS,
    kind_permission,
    void_permission,
)


class Refusal(Exception):
    """Why one revision is not taken (``code`` is a wire ErrorCode value)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class RouteHint:
    """Where a revision goes: ``ward_id`` when its summary says; else ``anchor`` (the record
    to follow); neither: trust-wide."""

    ward_id: UUID | None
    anchor: UUID | None

    @property
    def trust_wide(self) -> bool:
        """Neither a ward nor a record to follow."""
        return self.ward_id is None and self.anchor is None


def _has_nul(revision: Revision) -> bool:
    texts = (revision.kind, revision.author, revision.reason or "", revision.payload)
    return any("\x00" in text for text in texts)


def read_record(revision: Revision) -> Record:
    """The record ``revision`` carries, after the content checks; :class:`Refusal` otherwise.
    Messages name the rule, never a value from the payload."""
    if not revision.hash_is_valid():
        raise Refusal("invalid", "Its content does not match its hash; it was changed on the way.")
    if _has_nul(revision):
        raise Refusal("invalid", "It holds a NUL character, which no record may contain.")
    try:
        cls = record_class(revision.kind)
    except KeyError:
        raise Refusal("invalid", "Its kind of record is not one this trust server knows.") from None
    try:
        record = cls.model_validate_json(revision.payload, context=STORED)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "payload" for e in exc.errors()})
        raise Refusal(
            "invalid", f"Its payload is not a valid {revision.kind}: {', '.join(fields[:5])}."
        ) from None
    if record.id != revision.record_id:
        raise Refusal("invalid", "Its payload is a different record from the one it names.")
    if revision.kind in TRUST_PUBLISHED_KINDS:
        raise Refusal(
            "forbidden",
            "Wards and sign-in accounts are managed at the trust server by trust IT "
            "(rpr-server admin), not on a ward PC.",
        )
    return record


def route_hint(record: Record) -> RouteHint:
    """Where ``record``'s revisions go, before looking anything up (see the module docstring)."""
    summary = record.summary()
    if summary.ward_id is not None:
        return RouteHint(summary.ward_id, None)
    return RouteHint(None, summary.parent_id or summary.patient_id)


def signs_off(record: Record, previous: Iterable[Record] | None) -> bool:
    """Whether this revision signs the record off: it is signed off and no version it
    replaces was. ``previous`` None (the versions it replaces are not at the trust) counts
    as not signed off, so the right is asked for rather than assumed."""
    if not record.is_signed_off():
        return False
    return previous is None or not any(p.is_signed_off() for p in previous)


def permissions_needed(
    revision: Revision, record: Record, previous: Iterable[Record] | None
) -> frozenset[Permission]:
    """The rights the author of ``revision`` needs beyond being vouched for on the device."""
    needed: set[Permission] = set()
    if (for_kind := kind_permission(revision.kind)) is not None:
        needed.add(for_kind)
    earlier = None if previous is None else tuple(previous)
    if signs_off(record, earlier):
        needed.add(Permission.SIGN_OFF)
    if revision.action is RevisionAction.RESOLVE:
        needed.add(RESOLVE_PERMISSION)
    if revision.action is RevisionAction.VOID:
        needed.add(void_permission(record, conflicted=len(revision.parents) > 1))
    return frozenset(needed)
