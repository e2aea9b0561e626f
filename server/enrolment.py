"""``POST /v1/enrol``: a one-time code issued by trust IT for one ward becomes a device.

The code is spent in one ``UPDATE … WHERE unused AND unexpired RETURNING``: two PCs offering
the same code at once (even to two server processes) get one device between them. An unknown,
used or expired code gets one answer that does not say which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

from sqlalchemy import select, update

from app.models.clock import utc_now
from app.sync.wire import EnrolRequest, EnrolResponse, ErrorCode, WardInfo
from server.credentials import code_hash, new_device_token, sha256_hex
from server.errors import ApiError
from server.tables import DeviceRow, EnrolmentCodeRow, TrustRow, WardRow

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy.orm import Session

CODE_REFUSED = (
    "This enrolment code is not one the trust server can use: it is unknown, used already or "
    "expired. Ask trust IT for a new code."
)


def enrol(session: Session, request: EnrolRequest) -> tuple[EnrolResponse, UUID]:
    """Spend the code and make the device (not committed: the caller commits, then answers).
    Returns the answer and the new device's id."""
    if "\x00" in request.device_name:
        raise ApiError(
            422,
            ErrorCode.INVALID,
            "device_name: must not hold a NUL character",
            field="device_name",
        )
    now = utc_now()
    device_id = uuid4()
    spent = session.execute(
        update(EnrolmentCodeRow)
        .where(
            EnrolmentCodeRow.code_hash == code_hash(request.code),
            EnrolmentCodeRow.used_at.is_(None),
            EnrolmentCodeRow.expires_at > now,
        )
        .values(used_at=now, device_id=device_id)
        .returning(EnrolmentCodeRow.ward_id)
    ).first()
    trust = session.scalar(select(TrustRow))
    if spent is None or trust is None:
        raise ApiError(403, ErrorCode.CODE_INVALID, CODE_REFUSED, field="code")
    ward = session.get(WardRow, spent.ward_id)
    if ward is None:  # pragma: no cover - a foreign key keeps the ward
        raise ApiError(403, ErrorCode.CODE_INVALID, CODE_REFUSED, field="code")
    token = new_device_token()
    session.add(
        DeviceRow(
            id=device_id,
            name=request.device_name,
            ward_id=ward.id,
            token_hash=sha256_hex(token),
            enrolled_at=now,
            last_seen=now,
        )
    )
    answer = EnrolResponse(
        device_id=device_id,
        device_token=token,
        ward=WardInfo(ward_id=ward.id, name=ward.name),
        trust_name=trust.name,
        recovery_public_key_pem=trust.recovery_public_key_pem,
        server_time=now,
    )
    return answer, device_id
