"""HTTP to the trust server (httpx): one method per endpoint of :mod:`app.sync.wire`.

Contract:
- every request carries the device's clock in ``RPR-Device-Time`` and, once enrolled, the
  device credential as ``Authorization: Bearer``; the token is never logged or shown;
- TLS is checked against the trust's CA certificate from the machine-wide settings
  (``trust_ca_certificate``), or the system's CAs when none is set; plain ``http://`` is refused
  except to this PC itself (loopback: the one-machine demo and the tests);
- an answer that is not complete and valid — no network, a timeout, a cut or half answer, a
  5xx — is :class:`~app.sync.errors.ServerUnreachable`; a refusal in the
  :class:`~app.sync.wire.ErrorResponse` shape is the typed error for its code
  (:func:`~app.sync.errors.refusal_error`). Nothing is retried here: the scheduler retries.

Not thread-safe: one transport per sync thread.
"""

from __future__ import annotations

import ipaddress
import os
import re
import ssl
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from app.models.clock import utc_now
from app.models.errors import UserFacingError, problems_from
from app.models.revision import Revision
from app.sync.errors import (
    KEPT,
    ServerRefused,
    ServerUnreachable,
    refusal_error,
    ward_mismatch_message,
)
from app.sync.wire import (
    API_PREFIX,
    DEVICE_TIME_HEADER,
    MAX_PULL,
    CheckRequest,
    CheckResponse,
    DeviceStatus,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    ErrorCode,
    ErrorResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    SignInRequest,
    SignInResponse,
)

#: Connect quickly or call the PC offline; a page of 1,000 revisions may take longer.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
M = TypeVar("M", bound=BaseModel)
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
_ENROLMENT_CODE = re.compile(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}")


def checked_server_url(url: str) -> str:
    """``url`` without a trailing slash, if it may be used for the trust server: ``https://``,
    or ``http://`` to this PC itself. Otherwise :class:`UserFacingError` naming the rule."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UserFacingError(
            "server: the trust server's address must look like https://rpr.trust.example; "
            "nothing was changed."
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise UserFacingError(
            "server: the trust server must be reached over https:// (plain http:// only to this "
            "PC itself); nothing was changed."
        )
    return url.strip().rstrip("/")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_verification(ca_certificate: Path | None) -> ssl.SSLContext:
    """What httpx checks the server's certificate against (see the module docstring): the
    trust's CA certificate, or the system's CAs (httpx's own choice) when none is set.

    Made once and kept while the CA file stays the same (its size and modification time), as
    a context never changed after it is made may be: loading the system's CA bundle costs
    about 20 ms, a sync with nothing to do not much more."""
    if ca_certificate is None:
        key: tuple[object, ...] = (
            "system",
            os.environ.get("SSL_CERT_FILE"),
            os.environ.get("SSL_CERT_DIR"),
        )
    else:
        try:
            seen = ca_certificate.stat()
        except OSError:
            raise _unreadable_ca(ca_certificate) from None
        key = (str(ca_certificate), seen.st_size, seen.st_mtime_ns)
    with _CONTEXTS_LOCK:
        context = _CONTEXTS.get(key)
    if context is not None:
        return context
    if ca_certificate is None:
        context = httpx.create_ssl_context()
    else:
        try:
            context = ssl.create_default_context(cafile=str(ca_certificate))
        except (OSError, ssl.SSLError):
            raise _unreadable_ca(ca_certificate) from None
    with _CONTEXTS_LOCK:
        if len(_CONTEXTS) >= _CONTEXTS_KEPT:
            _CONTEXTS.clear()
        _CONTEXTS[key] = context
    return context


#: TLS contexts made by :func:`tls_verification`, by CA file and its state (shared by every
#: transport of the process: the window's sync thread and the command line alike).
_CONTEXTS: dict[tuple[object, ...], ssl.SSLContext] = {}
_CONTEXTS_LOCK = threading.Lock()
_CONTEXTS_KEPT = 4


def _unreadable_ca(ca_certificate: Path) -> UserFacingError:
    return UserFacingError(
        f"The trust CA certificate {ca_certificate} (setting trust_ca_certificate) cannot "
        "be read as a PEM certificate; ask trust IT. Nothing was changed."
    )


class Transport:
    """A connection to one trust server, as one device (``token``, None before enrolment)."""

    def __init__(
        self,
        server_url: str,
        *,
        token: str | None = None,
        ca_certificate: Path | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.server_url = checked_server_url(server_url)
        self._clock = clock
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(
            base_url=self.server_url + API_PREFIX,
            headers=headers,
            # Plain http is allowed only to this PC (checked above) and follows no redirect, so
            # no certificate is ever checked there: skip loading the CA bundle (~40 ms a sync).
            verify=(
                tls_verification(ca_certificate)
                if urlsplit(self.server_url).scheme.lower() == "https"
                else False
            ),
            timeout=timeout,
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- endpoints -------------------------------------------------------------------------

    def enrol(self, code: str, device_name: str, ward: str | None = None) -> EnrolResponse:
        """Turn a one-time enrolment code into this device's credential (``POST /enrol``).
        The code may be typed in lower case or with spaces around it.

        ``ward``: the PC's ``ward`` setting (sent as ``ward_code``; not sent at all when None,
        so a server older than the field still enrols the PC). A code for another ward is
        :class:`~app.sync.errors.ServerRefused` (``ward_mismatch``) with a message naming the
        setting; the code is not used up."""
        code = code.strip().upper()
        if not _ENROLMENT_CODE.fullmatch(code):
            raise UserFacingError(
                "code: an enrolment code is four groups of four letters or digits, like "
                "ABCD-EFGH-JKLM-NPQR; nothing was sent."
            )
        given = {"ward_code": ward} if ward is not None else {}
        body = _request(EnrolRequest, code=code, device_name=device_name, **given)
        try:
            return self._call("POST", "/enrol", EnrolResponse, body=body, exclude_unset=True)
        except ServerRefused as exc:
            if exc.code is ErrorCode.WARD_MISMATCH and ward is not None:
                raise ServerRefused(ward_mismatch_message(ward), exc.code) from None
            raise

    def sign_in(self, username: str, password: str) -> SignInResponse:
        """Have the server vouch for a member of staff on this device (``POST /sign-in``)."""
        body = _request(SignInRequest, username=username, password=password)
        return self._call("POST", "/sign-in", SignInResponse, body=body)

    def push(self, revisions: list[Revision]) -> PushResponse:
        """Send revisions in the order they were made (``POST /revisions``)."""
        return self._call("POST", "/revisions", PushResponse, body=PushRequest(revisions=revisions))

    def pull(self, after: int, limit: int = MAX_PULL) -> PullResponse:
        """One page of the ward's revisions after ``after`` (``GET /revisions``)."""
        params = {"after": str(after), "limit": str(limit)}
        return self._call("GET", "/revisions", PullResponse, params=params)

    def check(self, request: CheckRequest) -> CheckResponse:
        """The count check and audit-chain witness that end a sync (``POST /sync/check``)."""
        return self._call("POST", "/sync/check", CheckResponse, body=request)

    def device(self) -> DeviceStatus:
        """What the server knows of this device (``GET /device``)."""
        return self._call("GET", "/device", DeviceStatus)

    # -- one request -----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        answer: type[M],
        *,
        body: BaseModel | None = None,
        params: dict[str, str] | None = None,
        exclude_unset: bool = False,
    ) -> M:
        device_time = self._clock()
        headers = {DEVICE_TIME_HEADER: device_time.isoformat()}
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = body.model_dump_json(exclude_unset=exclude_unset).encode()
        try:
            response = self._client.request(
                method, path, content=content, params=params, headers=headers
            )
        except httpx.TransportError as exc:
            raise _unreachable(self.server_url, exc) from None
        if response.is_success:
            try:
                return answer.model_validate_json(response.content)
            except ValidationError:
                # A cut or half answer, or something that is not an RPR trust server.
                raise ServerUnreachable(
                    f"The trust server's answer was incomplete or not understood; sync will try "
                    f"again. {KEPT}"
                ) from None
        raise refusal_error(
            response.status_code,
            _error_body(response),
            server_date=_server_date(response),
            device_time=device_time,
            retry_after=_retry_after(response),
        )


def _request(model: type[M], **values: object) -> M:
    """A request body; input that breaks the schema is refused naming the field and the rule
    (never the value: it may be a password), before anything is sent."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(f"{p.field}: {p.rule}" for p in problems_from(exc))
        raise UserFacingError(f"{problems}; nothing was sent.") from None


def _unreachable(server_url: str, exc: httpx.TransportError) -> ServerUnreachable:
    if isinstance(exc, httpx.TimeoutException):
        why = "did not answer in time"
    elif _certificate_refused(exc):
        return ServerUnreachable(
            f"The trust server at {server_url} showed a certificate this PC does not trust "
            f"(setting trust_ca_certificate); ask trust IT. {KEPT}"
        )
    elif isinstance(exc, httpx.ConnectError):
        why = "cannot be reached (no network, or the server is down)"
    else:
        why = "broke off its answer"
    return ServerUnreachable(f"The trust server at {server_url} {why}; sync will try again. {KEPT}")


def _certificate_refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _error_body(response: httpx.Response) -> ErrorBody | None:
    try:
        return ErrorResponse.model_validate_json(response.content).error
    except ValidationError:
        return None


def _server_date(response: httpx.Response) -> datetime | None:
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # HTTP dates are GMT; the parser leaves some of them without a zone.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
