"""What can go wrong talking to the trust server, as the project's own errors.

Every message is a sentence a person at a ward PC can act on; none holds patient data (the
server's own sentences, quoted for refusals a person must understand, hold none either —
wire.py: "a sentence for people"). Every sync failure leaves the outbox as it was except for
what the server acknowledged, so each message may say that what is saved here is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.models.errors import SyncAuthError, UserFacingError
from app.sync.wire import MAX_CLOCK_SKEW, ErrorBody, ErrorCode

KEPT = "What is saved on this PC is kept."


class SyncFailed(UserFacingError):
    """A sync step did not happen. ``code`` is the server's reason when it gave one."""

    code: ErrorCode | None = None


class ServerUnreachable(SyncFailed):
    """No usable answer: no network, a timeout, a cut answer, or the server is down. The PC is
    offline for now; a later try may work."""


class ServerRefused(SyncFailed):
    """The server answered and refused."""

    def __init__(self, message: str, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.code = code


class CredentialRefused(ServerRefused, SyncAuthError):
    """The server refused this PC's credential, an enrolment code, or a person's sign-in."""

    def __init__(self, message: str, code: ErrorCode, *, retry_after: float | None = None) -> None:
        super().__init__(message, code)
        #: For ``slow_down``: seconds to wait before the next sign-in attempt.
        self.retry_after = retry_after


class ClockSkewRefused(ServerRefused):
    """The PC's clock is too far from the server's: sync stops until the clock is right."""


_CREDENTIAL_MESSAGES = {
    ErrorCode.NO_CREDENTIAL: (
        "This PC has no credential for the trust server; ask trust IT to enrol it. " + KEPT
    ),
    ErrorCode.BAD_CREDENTIAL: (
        "The trust server does not recognise this PC's credential; ask trust IT to enrol it "
        "again. " + KEPT
    ),
    ErrorCode.DEVICE_REVOKED: (
        "Trust IT has revoked this PC's enrolment, so nothing is sent or received. " + KEPT
    ),
    ErrorCode.CODE_INVALID: (
        "The enrolment code was not accepted: it is unknown, already used or expired. Ask "
        "trust IT for a new code; nothing was changed."
    ),
    ErrorCode.SIGN_IN_FAILED: "The username or password is not right.",
    ErrorCode.ACCOUNT_LOCKED: (
        "This account is locked after too many failed sign-ins; ask a ward manager or trust IT "
        "to unlock it."
    ),
}


def ward_mismatch_message(ward: str) -> str:
    """Why an enrolment was refused (``ward_mismatch``): the code is for another ward than the
    PC's ``ward`` setting. Nothing was used up: the server refuses before spending the code."""
    return (
        f"This PC is set up by trust IT for ward {ward} (the ward setting); this enrolment code "
        f"is for another ward. Nothing was changed; ask trust IT for a code for {ward}."
    )


def refusal_error(
    status: int,
    body: ErrorBody | None,
    *,
    server_date: datetime | None,
    device_time: datetime,
    retry_after: float | None,
) -> SyncFailed:
    """The error for a refusal: HTTP ``status`` with the server's ``body`` (None: not the
    error shape). ``server_date`` (the ``Date`` header) lets a clock-skew message say by how
    much the clocks differ."""
    if body is None:
        return _without_body(status)
    code = body.code
    error: SyncFailed
    if code is ErrorCode.UNAVAILABLE or status >= 500:
        error = ServerUnreachable(
            f"The trust server is not available just now; sync will try again. {KEPT}"
        )
        error.code = code
    elif code is ErrorCode.CLOCK_SKEW:
        error = ClockSkewRefused(clock_skew_message(server_date, device_time), code)
    elif code is ErrorCode.SLOW_DOWN:
        wait = f"{round(retry_after)} seconds" if retry_after is not None else "a while"
        error = CredentialRefused(
            f"Too many failed sign-ins: wait {wait}, then try again.", code, retry_after=retry_after
        )
    elif code in _CREDENTIAL_MESSAGES:
        error = CredentialRefused(_CREDENTIAL_MESSAGES[code], code)
    else:
        error = ServerRefused(_refused_message(body), code)
    return error


def _without_body(status: int) -> SyncFailed:
    if status >= 500:
        return ServerUnreachable(
            f"The trust server could not answer just now (HTTP {status}); sync will try again. "
            f"{KEPT}"
        )
    return ServerRefused(
        f"The trust server refused the request (HTTP {status}) without saying why. {KEPT}"
    )


def _refused_message(body: ErrorBody) -> str:
    where = f" ({body.field})" if body.field else ""
    if body.code is ErrorCode.NOT_FOUND:
        return (
            f"The trust server does not know what this PC asked for{where}: {body.message} "
            "Check the server address and that RPR is up to date."
        )
    if body.code is ErrorCode.INVALID:
        return (
            f"The trust server did not accept what this PC sent{where}: {body.message} Is RPR "
            f"on this PC up to date? {KEPT}"
        )
    return f"The trust server refused{where}: {body.message} {KEPT}"


def clock_skew_message(server_date: datetime | None, device_time: datetime) -> str:
    """Why sync stopped for the clock, and by how much it is off when that is known."""
    allowed = int(MAX_CLOCK_SKEW / timedelta(minutes=1))
    if server_date is None:
        off = "too far from"
    else:
        minutes = abs(device_time - server_date) / timedelta(minutes=1)
        direction = "ahead of" if device_time > server_date else "behind"
        off = f"about {round(minutes)} minutes {direction}"
    return (
        f"This PC's clock is {off} the trust server's (at most {allowed} minutes are allowed), "
        "so sync has stopped: review clocks must not be wrong because a PC's clock is. Ask "
        f"trust IT to set this PC's clock. {KEPT}"
    )
