"""What trust IT does to the server's own tables (``rpr-server admin …``), as plain functions
over a session, so the command line and the tests share them.

Each function checks its input and raises :class:`~app.models.errors.UserFacingError` naming
the field and the rule; the caller commits. Nothing here touches a clinical record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.base import ShortText
from app.models.clock import utc_now
from app.models.errors import UserFacingError
from app.models.people import USERNAME_RULE, AccessRole, Username, normalise_username
from server.credentials import code_hash, hash_password, new_enrolment_code, password_problem
from server.tables import AccountRow, DeviceRow, EnrolmentCodeRow, TrustRow, WardRow

_SHORT_TEXT: TypeAdapter[str] = TypeAdapter(ShortText)
_USERNAME: TypeAdapter[str] = TypeAdapter(Username)


def _short_text(value: str, name: str) -> str:
    try:
        return _SHORT_TEXT.validate_python(value)
    except ValidationError:
        raise UserFacingError(f"{name}: must be 1 to 200 characters") from None


def trust(session: Session) -> TrustRow | None:
    """The trust, once initialised."""
    return session.scalar(select(TrustRow))


def init_trust(session: Session, name: str, recovery_public_key_pem: str) -> TrustRow:
    """Record the trust's name and recovery public key; a server has one trust."""
    if trust(session) is not None:
        raise UserFacingError("The trust is already initialised on this database; nothing changed.")
    row = TrustRow(
        id=1,
        name=_short_text(name, "name"),
        recovery_public_key_pem=recovery_public_key_pem,
        created_at=utc_now(),
    )
    session.add(row)
    return row


def add_ward(session: Session, name: str) -> WardRow:
    """A new ward; names are unique."""
    if trust(session) is None:
        raise UserFacingError("Initialise the trust first (rpr-server admin init-trust).")
    name = _short_text(name, "name")
    if session.scalar(select(WardRow).where(WardRow.name == name)) is not None:
        raise UserFacingError(f"name: there is already a ward called {name}")
    row = WardRow(id=uuid4(), name=name, created_at=utc_now())
    session.add(row)
    return row


def find_ward(session: Session, name_or_id: str) -> WardRow:
    """The ward with this name or id."""
    try:
        found = session.get(WardRow, UUID(name_or_id))
    except ValueError:
        found = session.scalar(select(WardRow).where(WardRow.name == name_or_id.strip()))
    if found is None:
        raise UserFacingError(
            "ward: there is no ward with this name or id (rpr-server admin wards lists them)"
        )
    return found


def wards(session: Session) -> list[WardRow]:
    """Every ward, by name."""
    return list(session.scalars(select(WardRow).order_by(WardRow.name)))


def add_account(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: AccessRole,
    ward: WardRow | None,
    password: str,
    staff_id: UUID | None = None,
) -> AccountRow:
    """A sign-in account. A clinical account (nurse, ward manager) belongs to a staff member:
    ``staff_id`` names them, or a new id is made for them (domain.md §2 item h)."""
    try:
        username = _USERNAME.validate_python(normalise_username(username))
    except ValidationError:
        raise UserFacingError(f"username: {USERNAME_RULE}") from None
    problem = password_problem(password, username)
    if problem is not None:
        raise UserFacingError(problem)
    if session.scalar(select(AccountRow).where(AccountRow.username == username)):
        raise UserFacingError("username: another account already has this username")
    if role is not AccessRole.ADMIN and staff_id is None:
        staff_id = uuid4()
    row = AccountRow(
        id=uuid4(),
        username=username,
        display_name=_short_text(display_name, "name"),
        access_role=role,
        staff_id=staff_id,
        ward_id=ward.id if ward else None,
        password_hash=hash_password(password),
        failed_sign_ins=0,
        created_at=utc_now(),
    )
    session.add(row)
    return row


def unlock_account(session: Session, username: str) -> AccountRow:
    """Clear an account's failed sign-ins and lock."""
    row = session.scalar(
        select(AccountRow).where(AccountRow.username == normalise_username(username))
    )
    if row is None:
        raise UserFacingError("username: there is no account with this username")
    row.failed_sign_ins = 0
    row.last_failed_at = None
    row.locked_until = None
    return row


def issue_code(session: Session, ward: WardRow, valid_hours: int) -> tuple[str, datetime]:
    """A new one-time enrolment code for ``ward`` and when it expires. Only its hash is kept:
    the code is shown once."""
    if not 1 <= valid_hours <= 24 * 14:
        raise UserFacingError("valid-hours: must be 1 to 336 (two weeks)")
    code = new_enrolment_code()
    now = utc_now()
    expires = now + timedelta(hours=valid_hours)
    session.add(
        EnrolmentCodeRow(
            code_hash=code_hash(code), ward_id=ward.id, created_at=now, expires_at=expires
        )
    )
    return code, expires


@dataclass(frozen=True, slots=True)
class DeviceListing:
    """One line of ``admin devices``."""

    device: DeviceRow
    ward_name: str


def devices(session: Session) -> list[DeviceListing]:
    """Every device ever enrolled, newest first."""
    rows = session.execute(
        select(DeviceRow, WardRow.name)
        .join(WardRow, WardRow.id == DeviceRow.ward_id)
        .order_by(DeviceRow.enrolled_at.desc())
    )
    return [DeviceListing(device, ward_name) for device, ward_name in rows]


def revoke_device(session: Session, device_id: str) -> DeviceRow:
    """Revoke a device's credential for ever (its records at the trust are kept)."""
    try:
        row = session.get(DeviceRow, UUID(device_id))
    except ValueError:
        raise UserFacingError("device: must be a device id as `admin devices` shows it") from None
    if row is None:
        raise UserFacingError("device: there is no device with this id")
    if row.revoked_at is None:
        row.revoked_at = utc_now()
    return row
