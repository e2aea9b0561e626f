"""What trust IT does to the server's own tables (``rpr-server admin …``), as plain functions
over a session, so the command line and the tests share them.

Each function checks its input and raises :class:`~app.models.errors.UserFacingError` naming
the field and the rule; the caller commits. Nothing here touches a clinical record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.base import ShortText
from app.models.clock import utc_now
from app.models.errors import UserFacingError, problems_from
from app.models.people import (
    USERNAME_RULE,
    AccessRole,
    StaffMember,
    Username,
    Ward,
    normalise_username,
)
from app.models.refs import ClinicalRole
from server.credentials import code_hash, hash_password, new_enrolment_code, password_problem
from server.publish import publish_account, publish_ward
from server.tables import AccountRow, DeviceRow, EnrolmentCodeRow, TrustRow, WardRow
from server.tables_sync import RevisionRow

_SHORT_TEXT: TypeAdapter[str] = TypeAdapter(ShortText)
_USERNAME: TypeAdapter[str] = TypeAdapter(Username)


def _short_text(value: str, name: str) -> str:
    try:
        return _SHORT_TEXT.validate_python(value)
    except ValidationError:
        raise UserFacingError(f"{name}: must be 1 to 200 characters") from None


#: The command-line option for each record field whose name differs from it.
_OPTIONS = {"number_of_beds": "beds", "role": "clinical-role", "name": "name"}


def _checked(model: type[BaseModel], **values: object) -> None:
    """Refuse ``values`` unless they make a valid ``model``, naming each option and its rule
    (the rules are the records' own: app.models.people)."""
    try:
        model.model_validate(values)
    except ValidationError as exc:
        problems = [
            f"{_OPTIONS.get(p.field, p.field.replace('_', '-'))}: {p.rule}"
            for p in problems_from(exc)
        ]
        raise UserFacingError("; ".join(problems)) from None


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
        publisher_id=uuid4(),
        created_at=utc_now(),
    )
    session.add(row)
    return row


def add_ward(session: Session, name: str, *, code: str, beds: int, site: str) -> WardRow:
    """A new ward (names are unique), published to the PCs that will be enrolled for it."""
    if trust(session) is None:
        raise UserFacingError("Initialise the trust first (rpr-server admin init-trust).")
    name = _short_text(name, "name")
    _checked(Ward, name=name, code=code, number_of_beds=beds, site=site)
    if session.scalar(select(WardRow).where(WardRow.name == name)) is not None:
        raise UserFacingError(f"name: there is already a ward called {name}")
    row = WardRow(
        id=uuid4(), name=name, code=code, number_of_beds=beds, site=site, created_at=utc_now()
    )
    session.add(row)
    publish_ward(session, row)
    return row


def change_ward(
    session: Session,
    ward: WardRow,
    *,
    name: str | None = None,
    code: str | None = None,
    beds: int | None = None,
    site: str | None = None,
) -> WardRow:
    """Change what is given and publish the ward again (a new revision; nothing replaced)."""
    if name is None and code is None and beds is None and site is None:
        raise UserFacingError("Give at least one of --name, --code, --beds, --site.")
    if name is not None:
        name = _short_text(name, "name")
        other = session.scalar(select(WardRow).where(WardRow.name == name, WardRow.id != ward.id))
        if other is not None:
            raise UserFacingError(f"name: there is already a ward called {name}")
    values = {
        "name": name if name is not None else ward.name,
        "code": code if code is not None else ward.code,
        "number_of_beds": beds if beds is not None else ward.number_of_beds,
        "site": site if site is not None else ward.site,
    }
    if None in values.values():
        missing = ", ".join(_OPTIONS.get(k, k) for k, v in values.items() if v is None)
        raise UserFacingError(f"{missing}: a ward needs them before its PCs can show it")
    _checked(Ward, **values)
    ward.name, ward.code = str(values["name"]), str(values["code"])
    ward.number_of_beds, ward.site = int(str(values["number_of_beds"])), str(values["site"])
    publish_ward(session, ward)
    return ward


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


def _staff_record_held(session: Session, staff_id: UUID) -> bool:
    """Whether the trust holds a StaffMember record with this id (made on a ward PC)."""
    found = session.scalar(
        select(RevisionRow.seq).where(
            RevisionRow.record_id == staff_id, RevisionRow.kind == StaffMember.KIND
        )
    )
    return found is not None


def add_account(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: AccessRole,
    ward: WardRow | None,
    password: str,
    job_title: str | None = None,
    clinical_role: ClinicalRole | None = None,
    staff_id: UUID | None = None,
) -> AccountRow:
    """A sign-in account, published to every ward's PCs. A clinical account (nurse, ward
    manager) belongs to a staff member (domain.md §2 item h): ``staff_id`` names one whose
    record a ward PC already sent, or ``job_title`` and ``clinical_role`` make a new one,
    published to the account's ward."""
    try:
        username = _USERNAME.validate_python(normalise_username(username))
    except ValidationError:
        raise UserFacingError(f"username: {USERNAME_RULE}") from None
    display_name = _short_text(display_name, "name")
    clinical = role is not AccessRole.ADMIN
    if clinical and ward is None:
        raise UserFacingError("ward: a nurse's or ward manager's account needs a ward")
    if staff_id is not None:
        if not _staff_record_held(session, staff_id):
            raise UserFacingError(
                "staff-id: the trust holds no staff member with this id (a ward PC must have "
                "sent it first)"
            )
    elif clinical:
        if job_title is None or clinical_role is None:
            raise UserFacingError(
                "job-title, clinical-role: a nurse's or ward manager's account belongs to a "
                "staff member; give their job title and clinical role (or --staff-id)"
            )
        _checked(StaffMember, name=display_name, job_title=job_title, role=clinical_role)
    problem = password_problem(password, username)
    if problem is not None:
        raise UserFacingError(problem)
    if session.scalar(select(AccountRow).where(AccountRow.username == username)):
        raise UserFacingError("username: another account already has this username")
    made_staff = clinical and staff_id is None
    row = AccountRow(
        id=uuid4(),
        username=username,
        display_name=display_name,
        access_role=role,
        staff_id=uuid4() if made_staff else staff_id,
        job_title=job_title if made_staff else None,
        clinical_role=clinical_role if made_staff else None,
        ward_id=ward.id if ward else None,
        password_hash=hash_password(password),
        failed_sign_ins=0,
        active=True,
        created_at=utc_now(),
    )
    session.add(row)
    publish_account(session, row, with_staff=made_staff)
    return row


def find_account(session: Session, username: str) -> AccountRow:
    """The account with this username."""
    row = session.scalar(
        select(AccountRow).where(AccountRow.username == normalise_username(username))
    )
    if row is None:
        raise UserFacingError("username: there is no account with this username")
    return row


def change_account(
    session: Session,
    row: AccountRow,
    *,
    role: AccessRole | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> AccountRow:
    """Change an account's access role, whether it may sign in, or its password. A change of
    role or of ``active`` is published (a new revision of the UserAccount). A deactivated
    account signs in nowhere: not at the server, and not on a PC once it has synced."""
    if role is None and active is None and password is None:
        raise UserFacingError("Give a new role, --deactivate, --reactivate or a new password.")
    if role is not None and role is not row.access_role:
        if row.staff_id is None and role is not AccessRole.ADMIN:
            raise UserFacingError(
                "role: a nurse's or ward manager's account belongs to a staff member; this "
                "one has none (add a new account for the person instead)"
            )
        if row.ward_id is None and role is not AccessRole.ADMIN:
            raise UserFacingError("role: a nurse's or ward manager's account needs a ward")
    if password is not None:
        problem = password_problem(password, row.username)
        if problem is not None:
            raise UserFacingError(problem)
        row.password_hash = hash_password(password)
    published = (role, active) != (None, None) and (
        (role or row.access_role) is not row.access_role
        or (active if active is not None else row.active) is not row.active
    )
    if role is not None:
        row.access_role = role
    if active is not None:
        row.active = active
    if published:
        publish_account(session, row, with_staff=False)
    return row


def unlock_account(session: Session, username: str) -> AccountRow:
    """Clear an account's failed sign-ins and lock."""
    row = find_account(session, username)
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
