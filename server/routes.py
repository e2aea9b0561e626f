"""The ``/v1`` endpoints, thin: each checks the caller (server.deps), calls one service, writes
its audit row in the same transaction, commits, and only then answers (wire.py describes the
protocol; docs/server.md the rules)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.models.clock import utc_now
from app.sync.wire import (
    API_PREFIX,
    MAX_PULL,
    CheckRequest,
    CheckResponse,
    DeviceStatus,
    EnrolRequest,
    EnrolResponse,
    ErrorCode,
    PullResponse,
    PushRequest,
    PushResponse,
    SignInRequest,
    SignInResponse,
    WardInfo,
)
from server.audit import note, write_audit
from server.deps import DeviceClockDep, DeviceDep, PushTurnDep, SessionDep
from server.enrolment import enrol
from server.errors import ApiError, documented_errors
from server.pull import MAX_SEQ, check, pull_page
from server.push import push_revisions
from server.sign_in import sign_in
from server.tables import WardRow

router = APIRouter(prefix=API_PREFIX)
_DEVICE_ERRORS = (401, 403, 409)


@router.post("/enrol", responses=documented_errors(403, 409), summary="Enrol a ward PC")
def enrol_device(
    request: Request, session: SessionDep, _clock: DeviceClockDep, body: EnrolRequest
) -> EnrolResponse:
    """A one-time enrolment code becomes this PC's device credential (shown once)."""
    answer, device_id = enrol(session, body)
    note(request).device_id = device_id
    write_audit(session, request)
    session.commit()
    return answer


@router.post("/revisions", responses=documented_errors(*_DEVICE_ERRORS), summary="Push revisions")
def push(
    request: Request,
    _turn: PushTurnDep,
    session: SessionDep,
    device: DeviceDep,
    _clock: DeviceClockDep,
    body: PushRequest,
) -> PushResponse:
    """Revisions made on this device; acknowledged only once durably committed."""
    answer, new = push_revisions(session, device, body.revisions)
    seen = note(request)
    seen.record_ids = [str(r.record_id) for r in body.revisions]
    seen.detail = f"acknowledged={len(answer.acknowledged)} new={new} refused={len(answer.refused)}"
    write_audit(session, request)
    session.commit()
    return answer


@router.get("/revisions", responses=documented_errors(*_DEVICE_ERRORS), summary="Pull revisions")
def pull(
    request: Request,
    session: SessionDep,
    device: DeviceDep,
    _clock: DeviceClockDep,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the cursor: last seq held")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL, description="most revisions")] = MAX_PULL,
) -> PullResponse:
    """The revisions this device's ward may see after the cursor, oldest first."""
    answer = pull_page(session, device, after, limit)
    seen = note(request)
    seen.record_ids = [str(p.revision.record_id) for p in answer.revisions]
    seen.detail = f"after={after} sent={len(answer.revisions)} next={answer.next_cursor}"
    write_audit(session, request)
    session.commit()
    return answer


@router.post("/sync/check", responses=documented_errors(*_DEVICE_ERRORS), summary="End a sync")
def sync_check(
    request: Request,
    session: SessionDep,
    device: DeviceDep,
    _clock: DeviceClockDep,
    body: CheckRequest,
) -> CheckResponse:
    """Count check and audit-chain witness at the end of a sync."""
    for name, value in (("cursor", body.cursor), ("audit_head.seq", body.audit_head.seq)):
        if value > MAX_SEQ:
            raise ApiError(422, ErrorCode.INVALID, f"{name}: must be below 2^63", field=name)
    answer = check(session, device, body)
    warning = answer.chain_warning.value if answer.chain_warning else "none"
    note(request).detail = (
        f"cursor={body.cursor} held={body.revisions_held} expected={answer.expected} "
        f"chain_warning={warning}"
    )
    write_audit(session, request)
    session.commit()
    return answer


@router.post("/sign-in", responses=documented_errors(*_DEVICE_ERRORS, 423, 429), summary="Sign in")
def sign_in_person(
    request: Request,
    session: SessionDep,
    device: DeviceDep,
    _clock: DeviceClockDep,
    body: SignInRequest,
) -> SignInResponse:
    """The server vouches for a member of staff on this device."""
    note(request).username = body.username
    answer = sign_in(session, device, body, request.app.state.settings)
    write_audit(session, request)
    session.commit()
    return answer


@router.get("/device", responses=documented_errors(*_DEVICE_ERRORS), summary="This device")
def device_status(session: SessionDep, device: DeviceDep, _clock: DeviceClockDep) -> DeviceStatus:
    """What the server knows of the calling device."""
    ward = session.get(WardRow, device.ward_id)
    session.commit()  # keeps the last-seen time
    return DeviceStatus(
        device_id=device.id,
        ward=WardInfo(ward_id=device.ward_id, name=ward.name if ward else "unknown ward"),
        revoked=device.revoked_at is not None,
        last_seen=device.last_seen,
        server_time=utc_now(),
    )
