"""One error shape for every refusal (wire.ErrorResponse), and the handlers that make sure of it.

Contract: whatever goes wrong — a refusal raised as :class:`ApiError`, FastAPI's own
validation errors, an unknown path or method, a database that does not answer — the client
gets an :class:`~app.sync.wire.ErrorResponse` with a stable code. Bad input is never a 5xx.
Messages name fields and rules, never values (a value may be patient data). Every refusal is
written to the request audit log (:func:`server.audit.audit_refusal`) unless the database is
what failed.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.sync.wire import ErrorBody, ErrorCode, ErrorResponse
from server.audit import audit_refusal

log = logging.getLogger("rpr.server")

#: Seconds a client is asked to wait when the database does not answer.
UNAVAILABLE_RETRY_SECONDS = 30


class ApiError(Exception):
    """A refusal: HTTP ``status``, wire ``code``, a sentence for people, the field if any."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


def error_response(
    status: int,
    code: ErrorCode,
    message: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The JSON response for one refusal."""
    body = ErrorResponse(error=ErrorBody(code=code, message=message, field=field))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


#: What each documented refusal status means, for the OpenAPI document.
_DESCRIPTIONS = {
    401: "No device credential, or one the trust does not know (or a failed sign-in)",
    403: "A revoked device, an unusable enrolment code, or a right the caller lacks",
    404: "No such endpoint",
    409: (
        "The device clock is too far from the server's, or an enrolment code was issued for "
        "another ward than the PC's ward_code"
    ),
    422: "A body, parameter or header breaks the schema",
    423: "The account is locked after too many failed sign-ins",
    429: "Failed sign-ins come too fast: wait for Retry-After seconds",
    500: "The server met an unexpected problem",
    503: "The database does not answer; try again later",
}


def documented_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status with the one error shape (plus the refusals
    every request can get: schema, database, the unexpected)."""
    wanted = sorted({*statuses, 422, 500, 503})
    return {s: {"model": ErrorResponse, "description": _DESCRIPTIONS[s]} for s in wanted}


def _field_of(location: Sequence[Any]) -> str:
    """``("body", "revisions", 0, "kind")`` → ``revisions[0].kind``."""
    text = ""
    for part in location:
        if part in ("body", "query", "header", "path") and not text:
            continue
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


def _validation_message(errors: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """(field of the first problem, a sentence listing up to three) — pydantic's ``msg`` says
    the rule; the offending value (``input``) is never used."""
    problems = [f"{_field_of(e.get('loc', ()))}: {e.get('msg', 'is not valid')}" for e in errors]
    shown = "; ".join(problems[:3])
    if len(problems) > 3:
        shown += f"; and {len(problems) - 3} more"
    return _field_of(errors[0].get("loc", ())) if errors else "body", shown


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)  # noqa: S101 - registered for ApiError only
    await run_in_threadpool(audit_refusal, request, exc.status, exc.code)
    return error_response(exc.status, exc.code, exc.message, field=exc.field, headers=exc.headers)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    field, message = _validation_message(exc.errors())
    await run_in_threadpool(audit_refusal, request, 422, ErrorCode.INVALID)
    return error_response(422, ErrorCode.INVALID, message, field=field)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    status = exc.status_code
    if status == 404:
        code, message = ErrorCode.NOT_FOUND, "There is no such endpoint; they are under /v1."
    elif status == 405:
        code, message = ErrorCode.INVALID, f"This endpoint does not take {request.method[:10]}."
    elif status == 400:  # a body that cannot even be parsed: a schema error like any other
        status, code = 422, ErrorCode.INVALID
        message = "body: is not JSON the trust server can read"
    elif status < 500:
        code, message = ErrorCode.INVALID, "The request could not be understood."
    else:
        code, message = ErrorCode.UNAVAILABLE, "The server cannot answer now; try again later."
    await run_in_threadpool(audit_refusal, request, status, code)
    return error_response(status, code, message, headers=exc.headers)


async def _on_database_down(request: Request, exc: Exception) -> JSONResponse:
    log.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    return error_response(
        503,
        ErrorCode.UNAVAILABLE,
        "The trust server's database does not answer; nothing was changed. Try again later.",
        headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)},
    )


async def _on_data_error(request: Request, exc: Exception) -> JSONResponse:
    # A value the database cannot hold that the schema let through (a safety net: the
    # services check what they know of first). Nothing was stored.
    log.warning("database refused a value on %s %s", request.method, request.url.path)
    await run_in_threadpool(audit_refusal, request, 422, ErrorCode.INVALID)
    return error_response(
        422, ErrorCode.INVALID, "A value cannot be stored by the trust server; nothing was changed."
    )


class UnexpectedErrors:
    """ASGI middleware: an exception nothing else handled becomes a 500 in the one error shape.

    Why not an exception handler for ``Exception``: Starlette re-raises after one, and the
    server's log would then get the exception's message, which may quote data. Here only the
    type and the traceback's frames are logged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; answer 500 if it fails before the response has begun."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # noqa: BLE001 - the outermost boundary: every error answered
            log.error(  # noqa: TRY400 - not .exception: its message may quote data
                "unexpected %s on %s %s\n%s",
                type(exc).__name__,
                scope.get("method"),
                scope.get("path"),
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            if started:
                return  # the answer has begun; the client sees it cut, as from a network fault
            response = error_response(
                500,
                ErrorCode.UNAVAILABLE,
                "The trust server met an unexpected problem; nothing was changed. Try again later.",
            )
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` an :class:`~app.sync.wire.ErrorResponse`."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    for database_down in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.add_exception_handler(database_down, _on_database_down)
    app.add_exception_handler(DataError, _on_data_error)
    app.add_middleware(UnexpectedErrors)
