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
from sqlalchemy import or_, select, update
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
            await run_in_threadpool(session.close)


SessionDep = Annotated[Session, Depends(get_session)]


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
    device = session.scalar(
        select(DeviceRow).where(DeviceRow.token_hash == sha256_hex(credentials.credentials))
    )
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
    session.execute(
        update(DeviceRow)
        .where(DeviceRow.id == device.id)
        .where(or_(DeviceRow.last_seen.is_(None), DeviceRow.last_seen < now - LAST_SEEN_RESOLUTION))
        .values(last_seen=now)
    )
    return device


DeviceDep = Annotated[DeviceRow, Depends(calling_device)]


def device_clock(
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
    :data:`~app.sync.wire.MAX_CLOCK_SKEW` from the server's (409 CLOCK_SKEW)."""
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
