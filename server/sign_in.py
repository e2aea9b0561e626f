"""``POST /v1/sign-in``: the server vouches for a member of staff on an enrolled device
(design.md "Encryption at rest and signing in"; issue 7 "Sign-in and permissions").

- A wrong username and a wrong password get the same answer, after the same work (an Argon2
  verification against a decoy when there is no such account).
- After ``sign_in_slow_after`` failures in a row, each further attempt must wait (429 with
  ``Retry-After``): 1×, 2×, 4×… ``sign_in_slow_seconds`` after the last failure; even the
  right password waits, or guessing would just go on.
- The failure that makes ``sign_in_lock_after`` in a row locks the account for
  ``sign_in_lock_minutes`` (423); trust IT can unlock it (``rpr-server admin unlock-account``).
- A deactivated account (``admin change-account --deactivate``) is refused, but only once its
  password is right, so the answer tells a guesser nothing.
- A success clears the count and binds the account to the device: from then on that device
  may push revisions in the account's name.

The count lives in the database (``FOR UPDATE`` on PostgreSQL), so it holds across processes.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.models.clock import utc_now
from app.models.people import normalise_username
from app.sync.wire import ErrorCode, SignInRequest, SignInResponse
from server.credentials import password_matches
from server.db import upsert
from server.errors import ApiError
from server.tables import AccountRow, DeviceAccountRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from server.settings import ServerSettings
    from server.tables import DeviceRow

FAILED = "The username or password is not right."
DEACTIVATED = "This account is deactivated, so it signs in nowhere. Ask trust IT to reactivate it."


def _seconds_until(moment: datetime, now: datetime) -> str:
    return str(max(1, math.ceil((moment - now).total_seconds())))


def _refuse_if_waiting(account: AccountRow, settings: ServerSettings, now: datetime) -> None:
    if account.locked_until is not None and account.locked_until > now:
        raise ApiError(
            423,
            ErrorCode.ACCOUNT_LOCKED,
            "This account is locked after too many failed sign-ins. Wait, or ask trust IT to "
            "unlock it.",
            headers={"Retry-After": _seconds_until(account.locked_until, now)},
        )
    wait = settings.slow_down_for(account.failed_sign_ins)
    if account.last_failed_at is not None and wait and account.last_failed_at + wait > now:
        raise ApiError(
            429,
            ErrorCode.SLOW_DOWN,
            "Too many failed sign-ins in a row: wait before trying again.",
            headers={"Retry-After": _seconds_until(account.last_failed_at + wait, now)},
        )


def _count_failure(session: Session, account: AccountRow, settings: ServerSettings) -> None:
    now = utc_now()
    account.failed_sign_ins += 1
    account.last_failed_at = now
    locks = account.failed_sign_ins >= settings.sign_in_lock_after
    if locks:
        account.locked_until = now + settings.lock_duration
    session.commit()
    if locks:
        _refuse_if_waiting(account, settings, now)


def _bind(session: Session, account: AccountRow, device: DeviceRow, now: datetime) -> None:
    stmt = upsert(session, DeviceAccountRow.__table__).values(
        device_id=device.id, account_id=account.id, first_signed_in_at=now, last_signed_in_at=now
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["device_id", "account_id"],
            set_={"last_signed_in_at": stmt.excluded.last_signed_in_at},
        )
    )


def sign_in(
    session: Session, device: DeviceRow, request: SignInRequest, settings: ServerSettings
) -> SignInResponse:
    """Check the password and vouch for the account on ``device`` (see the module docstring).
    Commits a failure's count itself; the caller commits a success."""
    username = normalise_username(request.username)
    account = session.scalar(
        select(AccountRow).where(AccountRow.username == username).with_for_update()
    )
    if account is None:
        password_matches(None, request.password)
        raise ApiError(401, ErrorCode.SIGN_IN_FAILED, FAILED)
    _refuse_if_waiting(account, settings, utc_now())
    if not password_matches(account.password_hash, request.password):
        _count_failure(session, account, settings)
        raise ApiError(401, ErrorCode.SIGN_IN_FAILED, FAILED)
    if not account.active:  # said only to someone who knows the password
        raise ApiError(403, ErrorCode.FORBIDDEN, DEACTIVATED)
    now = utc_now()
    account.failed_sign_ins = 0
    account.last_failed_at = None
    account.locked_until = None
    _bind(session, account, device, now)
    return SignInResponse(
        username=account.username,
        display_name=account.display_name,
        access_role=account.access_role,
        staff_id=account.staff_id,
        ward_id=account.ward_id,
        server_time=now,
    )
