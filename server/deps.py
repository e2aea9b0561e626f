"""What every request needs before its handler runs: a database session, the calling device
(from its bearer token), and a device clock close enough to the server's.

The device is checked first, then the clock, then the body, so a request without a credential
is refused as such whatever else is wrong with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.models.clock import as_utc, utc_now
from app.sync.wire import DEVICE_TIME_HEADER, MAX_CLOCK_SKEW, ErrorCode
from server.audit import note
from server.credentials import sha256_hex
from server.errors import ApiError
from server.tables import DeviceRow

#: ``last_seen`` is written at most this often per device (a write per request would be waste).
LAST_SEEN_RESOLUTION = timedelta(minutes=1)

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="device token",
    description="The device credential from POST /v1/enrol.",
)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for this request (closed, and rolled back if not committed, afterwards).

    At most as many requests hold a session as the pool has connections; the rest wait here,
    in the event loop. Without that, requests waiting on the pool fill the worker threads that
    the requests holding connections need for their next step, and everything stalls until
    the pool's timeout (503s) — as 60 ward PCs syncing at once showed (docs/benchmarks-sync.md).
    """
    state = request.app.state
    slots = getattr(state, "session_slots", None)
    if slots is None:
        # The engine's pool holds pool_size connections and as many again under load.
        slots = state.session_slots = asyncio.Semaphore(2 * state.settings.pool_size)
    async with slots:
        session = state.sessions()
        try:
            yield session
        finally:
            if session.in_transaction():
                # Not committed (a refusal, an error): the rollback talks to the database.
                await run_in_threadpool(session.close)
            else:
                # Committed: the connection went back to the pool at the commit, so closing
                # is bookkeeping only, not worth a trip to a worker thread.
                session.close()


SessionDep = Annotated[Session, Depends(get_session)]

#: Pushes of one process that may hold a session at once: one inserting (the revision
#: writers' lock, server.db.serialise_writers), one checking its batch meanwhile.
PUSHES_AT_ONCE = 2


async def push_turn(request: Request) -> AsyncIterator[None]:
    """Wait, in the event loop, for this process's turn to push (before taking a session).

    Inserts take turns across every process anyway (serialise_writers). Without this, a burst
    of pushes would each take a pooled connection and a worker thread only to wait in the
    database for that lock, and the pulls and checks behind them would wait for a session —
    the ward PCs' whole syncs held up by other PCs' pushes (docs/benchmarks-sync.md).
    """
    state = request.app.state
    turns = getattr(state, "push_turns", None)
    if turns is None:
        turns = state.push_turns = asyncio.Semaphore(PUSHES_AT_ONCE)
    async with turns:
        yield


PushTurnDep = Annotated[None, Depends(push_turn)]


def calling_device(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> DeviceRow:
    """The enrolled, unrevoked device whose token the request carries (401/403 otherwise)."""
    note(request)
    if credentials is None:
        raise ApiError(
            401,
            ErrorCode.NO_CREDENTIAL,
            "This request needs the device credential (Authorization: Bearer …) from enrolment.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    device = _device_by_token(session, sha256_hex(credentials.credentials))
    if device is None:
        raise ApiError(
            401,
            ErrorCode.BAD_CREDENTIAL,
            "The trust server does not know this device credential; enrol the PC again.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    note(request).device_id = device.id
    if device.revoked_at is not None:
        raise ApiError(
            403,
            ErrorCode.DEVICE_REVOKED,
            "Trust IT has revoked this PC's enrolment; records kept here are not lost. "
            "Ask trust IT to enrol it again.",
        )
    now = utc_now()
    stale = now - LAST_SEEN_RESOLUTION
    if device.last_seen is None or device.last_seen < stale:
        # Only when the row just read is stale: most requests skip this statement. The WHERE
        # still decides, so two requests at once write it once.
        session.execute(
            update(DeviceRow)
            .where(DeviceRow.id == device.id)
            .where(or_(DeviceRow.last_seen.is_(None), DeviceRow.last_seen < stale))
            .values(last_seen=now)
        )
    return device


#: The device lookup, built once (building a statement costs more than running this one).
_DEVICE_BY_TOKEN = select(DeviceRow).where(DeviceRow.token_hash == bindparam("token_hash"))


def _device_by_token(session: Session, token_hash: str) -> DeviceRow | None:
    """The device whose token hashes to ``token_hash``, if any.

    This is the first statement of a request's transaction. A pooled connection that the
    database dropped (it was restarted) fails here; the pool is then emptied, so the lookup is
    run once more on a fresh connection rather than failing the request — what a "pre-ping"
    of every connection taken from the pool would do, without its round trip on each request.
    """
    try:
        return session.scalar(_DEVICE_BY_TOKEN, {"token_hash": token_hash})
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        session.rollback()
        return session.scalar(_DEVICE_BY_TOKEN, {"token_hash": token_hash})


DeviceDep = Annotated[DeviceRow, Depends(calling_device)]


async def device_clock(
    device_time: Annotated[
        str,
        Header(
            alias=DEVICE_TIME_HEADER,
            description="The device's clock, ISO 8601 with its offset",
            max_length=64,
        ),
    ],
) -> datetime:
    """The device's clock from its header; refused when it is more than
    :data:`~app.sync.wire.MAX_CLOCK_SKEW` from the server's (409 CLOCK_SKEW). Arithmetic only,
    so it runs on the event loop (``async``) instead of taking a trip to a worker thread."""
    try:
        stated = as_utc(datetime.fromisoformat(device_time.strip()))
    except ValueError:
        raise ApiError(
            422,
            ErrorCode.INVALID,
            f"{DEVICE_TIME_HEADER}: must be the device's time in ISO 8601 with its offset, "
            "e.g. 2026-12-06T09:00:00+00:00",
            field=DEVICE_TIME_HEADER,
        ) from None
    now = utc_now()
    skew = stated - now
    if abs(skew) > MAX_CLOCK_SKEW:
        minutes = round(abs(skew).total_seconds() / 60)
        direction = "ahead of" if skew > timedelta(0) else "behind"
        raise ApiError(
            409,
            ErrorCode.CLOCK_SKEW,
            f"This PC's clock is about {minutes} minutes {direction} the trust server's; "
            f"sync needs them within {int(MAX_CLOCK_SKEW.total_seconds() // 60)} minutes. "
            "Ask trust IT to correct the PC's clock; nothing was changed.",
        )
    return stated


DeviceClockDep = Annotated[datetime, Depends(device_clock)]
