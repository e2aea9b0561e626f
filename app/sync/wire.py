"""The sync wire schema: the pydantic bodies the ward client and the trust server exchange.

Shared by ``app/sync`` (the client engine) and ``server/`` (design.md "Layers": the server
imports only the domain and this schema). The OpenAPI document the server publishes is built
from these models, so it is the contract both sides are tested against.

Protocol (design.md "Sync"; issue "Trust server and offline-first sync"), all under ``/v1``:

- ``POST /v1/enrol`` — a one-time enrolment code (issued by trust IT for one ward, expiring)
  becomes a device credential. No other credential needed; a code works once. A PC whose
  machine-wide settings name its ward sends that ward's code (``ward_code``); a code issued for
  a ward with another code is refused (:data:`ErrorCode.WARD_MISMATCH`) without being used up
  and without making a device. Without ``ward_code`` (older clients) any ward's code works.
- Every other request carries the device credential as ``Authorization: Bearer <token>`` and
  the device's clock in the :data:`DEVICE_TIME_HEADER` header. The server refuses a request
  whose device time is more than :data:`MAX_CLOCK_SKEW` away from its own
  (:data:`ErrorCode.CLOCK_SKEW`): review clocks must not be wrong because a PC's clock is.
- ``POST /v1/revisions`` — push up to :data:`MAX_PUSH` revisions in the order they were made
  on the device (a parent before its child). Idempotent by revision id. The server answers only
  after its commit is durable; a revision appears in ``acknowledged`` only then, and only an
  acknowledged revision may leave the device's outbox. A revision whose hash does not match its
  content, whose author is not an account vouched for on this device, that claims a right its
  author does not have, or that belongs to another ward is ``refused`` with a reason; the rest
  of the batch still counts.
- ``GET /v1/revisions?after=<cursor>&limit=<n>`` — the revisions this device's ward may see
  whose server sequence number is greater than ``after``, oldest first, at most
  :data:`MAX_PULL` (``limit``); ``next_cursor`` is the sequence number of the last one sent
  (``after`` itself when there are none) and ``more`` says whether to ask again. The device
  applies a page in one local transaction and only then stores ``next_cursor``: a crash
  repeats work, never skips it. Revisions the device pushed itself come back too (applying
  them is a no-op) so one cursor covers everything.
- ``POST /v1/sync/check`` — the end of every sync: the device says how many revisions it
  holds and its audit-chain head; the server says how many the device should hold at the
  cursor and whether the device's chain is shorter than, or different from, one it has seen
  before (the independent witness of docs/security.md).
- ``POST /v1/sign-in`` — a member of staff signs in against the server from an enrolled
  device (design.md "Encryption at rest and signing in"): the server vouches for them, the
  device may then add their key slot. Repeated failures slow down, then lock the account.

Errors: every refusal, at every status, has the body :class:`ErrorResponse`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from app.models.base import Instant, ShortText
from app.models.people import AccessRole, Username, WardCode
from app.models.revision import Revision

#: The version prefix of every endpoint.
API_PREFIX = "/v1"
#: Header carrying the device's own clock (ISO 8601 with offset) on every request.
DEVICE_TIME_HEADER = "RPR-Device-Time"
#: The most a device clock may differ from the server's before sync refuses to run
#: (design.md "Sync": "off by more than a few minutes").
MAX_CLOCK_SKEW = timedelta(minutes=5)
#: Most revisions in one push.
MAX_PUSH = 500
#: Most revisions in one page of a pull.
MAX_PULL = 1000


#: A one-time enrolment code as trust IT reads it out: groups of letters and digits.
def _tidy_code(value: object) -> object:
    """Trust IT reads a code out: accept it in lower case, with spaces or without dashes."""
    if not isinstance(value, str):
        return value
    letters = "".join(ch for ch in value.upper() if ch.isalnum())
    if len(letters) != 16:  # four groups of four
        return value.strip().upper()
    return "-".join(letters[n : n + 4] for n in range(0, 16, 4))


EnrolmentCode = Annotated[
    str,
    BeforeValidator(_tidy_code),
    StringConstraints(pattern=r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$"),
]
#: A SHA-256 hash in lower-case hex.
HashHex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class WireModel(BaseModel):
    """A body on the wire: unknown fields refused, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# -------------------------------------------------------------------------------- errors


class ErrorCode(StrEnum):
    """Why a request was refused; stable, for programs (the message is for people)."""

    INVALID = "invalid"  # a body or parameter breaks the schema (422)
    NO_CREDENTIAL = "no_credential"  # 401
    BAD_CREDENTIAL = "bad_credential"  # 401: unknown or wrong token
    DEVICE_REVOKED = "device_revoked"  # 403
    CODE_INVALID = "code_invalid"  # 403: unknown, used or expired enrolment code
    FORBIDDEN = "forbidden"  # 403: a right the caller does not have (another ward, a role)
    SIGN_IN_FAILED = "sign_in_failed"  # 401: wrong username or password (never says which)
    ACCOUNT_LOCKED = "account_locked"  # 423: too many failed sign-ins
    SLOW_DOWN = "slow_down"  # 429: failed sign-ins come too fast; Retry-After says when
    CLOCK_SKEW = "clock_skew"  # 409: the device clock is too far from the server's
    WARD_MISMATCH = "ward_mismatch"  # 409: an enrolment code for another ward than ward_code
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # 409: e.g. the same revision id with different content
    UNAVAILABLE = "unavailable"  # 503: the database does not answer; try again later


class ErrorBody(WireModel):
    """One refusal: a code for programs, a sentence for people, the field when there is one."""

    code: ErrorCode
    message: str
    field: str | None = None


class ErrorResponse(WireModel):
    """The one JSON shape of every error the server returns."""

    error: ErrorBody


# ----------------------------------------------------------------------------- enrolment


class WardInfo(WireModel):
    """The ward a device is enrolled for."""

    ward_id: UUID
    name: ShortText


class EnrolRequest(WireModel):
    """A one-time code and a name for the PC that trust IT will recognise in the device list.

    ``ward_code``: the code of the ward the PC's machine-wide settings say it serves (the
    ``ward`` setting), in the trust's upper-case form; the code must then have been issued for
    the ward with that code, exactly. None (or absent, as older clients send it): any ward."""

    code: EnrolmentCode
    device_name: ShortText
    ward_code: WardCode | None = None


class EnrolResponse(WireModel):
    """The device's identity and credential. The token is shown once: the device keeps it
    inside its encrypted store, never in a plain file."""

    device_id: UUID
    device_token: Annotated[str, StringConstraints(min_length=32, max_length=200)]
    ward: WardInfo
    trust_name: ShortText
    recovery_public_key_pem: str
    server_time: Instant


# --------------------------------------------------------------------------------- push


class PushRequest(WireModel):
    """Revisions made on this device, in the order they were made."""

    revisions: list[Revision] = Field(min_length=1, max_length=MAX_PUSH)


class RefusedRevision(WireModel):
    """A revision the server will not take, and why. It stays in the device's outbox and is
    shown to a person: a refusal is never silently dropped."""

    revision_id: UUID
    code: ErrorCode
    message: str


class PushResponse(WireModel):
    """``acknowledged``: held durably by the server (new or already held) — these, and only
    these, may leave the outbox. ``refused``: not taken, with the reason."""

    acknowledged: list[UUID]
    refused: list[RefusedRevision] = []
    server_time: Instant


# --------------------------------------------------------------------------------- pull


class PulledRevision(WireModel):
    """A revision with the server's sequence number for it."""

    seq: int = Field(ge=1)
    revision: Revision


class PullResponse(WireModel):
    """One page of revisions after the cursor."""

    revisions: list[PulledRevision]
    next_cursor: int = Field(ge=0)
    more: bool
    server_time: Instant


# -------------------------------------------------------------------------------- check


class AuditHead(WireModel):
    """The tail of a device's hash-chained audit log: its last event's number and hash."""

    seq: int = Field(ge=0)
    hash: HashHex


class CheckRequest(WireModel):
    """The end of a sync: what the device holds after pushing and pulling up to ``cursor``.

    ``revisions_held`` counts the device's revisions that the server holds too (acknowledged
    pushes and pulled revisions), not revisions still in the outbox (e.g. refused ones): those
    are shown to people as not sent, and must not make the counts disagree."""

    cursor: int = Field(ge=0)
    revisions_held: int = Field(ge=0)
    audit_head: AuditHead


class ChainWarning(StrEnum):
    """What the server noticed about the device's audit chain."""

    SHORTER = "shorter"  # the chain ends before an event the server has already seen
    DIFFERENT = "different"  # same length as seen before, but a different hash


class CheckResponse(WireModel):
    """Whether the counts agree and what the witness saw. ``expected`` counts the revisions
    this device should hold at ``cursor``: everything it may see up to the cursor plus what it
    pushed that is acknowledged. A mismatch is repaired by pulling again from 0, never by
    wiping a side."""

    expected: int = Field(ge=0)
    matches: bool
    chain_warning: ChainWarning | None = None
    witnessed_head: AuditHead | None = None
    server_time: Instant


# ------------------------------------------------------------------------------ sign-in


class SignInRequest(WireModel):
    """A member of staff signing in on an enrolled device."""

    username: Username
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class SignInResponse(WireModel):
    """The server vouches for the person on this device: the device may add their key slot."""

    username: Username
    display_name: ShortText
    access_role: AccessRole
    staff_id: UUID | None = None
    ward_id: UUID | None = None
    server_time: Instant


class DeviceStatus(WireModel):
    """``GET /v1/device``: what the server knows of the calling device."""

    device_id: UUID
    ward: WardInfo
    revoked: bool
    last_seen: datetime | None = None
    server_time: Instant
