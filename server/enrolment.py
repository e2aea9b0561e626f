"""``POST /v1/enrol``: a one-time code issued by trust IT for one ward becomes a device.

The code is spent in one ``UPDATE … WHERE unused AND unexpired RETURNING``: two PCs offering
the same code at once (even to two server processes) get one device between them. An unknown,
used or expired code gets one answer that does not say which.

A request with a ``ward_code`` (the PC's ``ward`` setting) spends the code only if it was
issued for the ward with exactly that code, in the same ``UPDATE``. Otherwise, if the code
would have worked, the answer is 409 ``ward_mismatch`` and nothing is written: the code is not
used up and no device is made. Ward codes are compared exactly, not ignoring case: both sides
hold them in the trust's upper-case form (:data:`app.models.people.WardCode`, checked by
``admin add-ward``/``change-ward`` and by the wire schema), and the ward client upper-cases its
setting. A ward without a code (added before wards were published) matches no ``ward_code``.
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

    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

CODE_REFUSED = (
    "This enrolment code is not one the trust server can use: it is unknown, used already or "
    "expired. Ask trust IT for a new code."
)
WARD_REFUSED = (
    "This enrolment code was issued for another ward than the one this PC is set up for "
    "(ward_code). Nothing was changed, and the code still works on a PC for its own ward; ask "
    "trust IT for a code for this PC's ward."
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
    usable = (
        EnrolmentCodeRow.code_hash == code_hash(request.code),
        EnrolmentCodeRow.used_at.is_(None),
        EnrolmentCodeRow.expires_at > now,
    )
    spend = update(EnrolmentCodeRow).where(*usable)
    if request.ward_code is not None:
        coded = select(WardRow.id).where(WardRow.code == request.ward_code)
        spend = spend.where(EnrolmentCodeRow.ward_id.in_(coded))
    spent = session.execute(
        spend.values(used_at=now, device_id=device_id).returning(EnrolmentCodeRow.ward_id)
    ).first()
    # Not spent: "another ward" only if the code would have worked without ward_code.
    if spent is None and request.ward_code is not None and _usable(session, usable):
        raise ApiError(409, ErrorCode.WARD_MISMATCH, WARD_REFUSED, field="ward_code")
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


def _usable(session: Session, usable: tuple[ColumnElement[bool], ...]) -> bool:
    """Whether an enrolment code matching ``usable`` (unused, unexpired) exists."""
    return session.scalar(select(EnrolmentCodeRow.ward_id).where(*usable)) is not None
