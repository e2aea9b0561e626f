"""Wards, staff and user accounts, and what each kind of account may do (domain.md §7).

A :class:`StaffMember` is a person on the trust's staff list (clinical identity: name, job
title, :class:`~app.models.refs.ClinicalRole`). A :class:`UserAccount` is how a person signs in,
and its :class:`AccessRole` decides what the account may do in the software. The two differ on
purpose: a nurse in charge is clinically a nurse but signs records off with a ward-manager
account; trust IT administers accounts but is nobody's clinician.

Permissions are decided in one place, :data:`PERMISSIONS`; the helpers below read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, ClassVar, Self
from uuid import UUID

from pydantic import AfterValidator, Field, model_validator

from app.models.base import Record, RecordSummary, ShortText
from app.models.refs import ClinicalRole, PersonRef

# ------------------------------------------------------------------------------------ wards

_WARD_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def _valid_ward_code(value: str) -> str:
    if not _WARD_CODE.match(value):
        raise ValueError("must be 1 to 20 upper-case letters, digits or hyphens, e.g. ASH-1")
    return value


#: A trust's short ward code such as ``ASH-1``.
WardCode = Annotated[str, AfterValidator(_valid_ward_code)]


class Ward(Record):
    """An inpatient ward: the unit whose use of force is recorded and whose figures are
    published per 1,000 occupied bed days (domain.md §4.4).

    ``code`` is the trust's short ward code (upper-case letters, digits and hyphens, e.g.
    ``ASH-1``), used in exports and on the ward board.
    """

    KIND: ClassVar[str] = "ward"

    name: ShortText
    code: WardCode
    number_of_beds: int = Field(ge=1, le=500)
    site: ShortText

    def summary(self) -> RecordSummary:
        """A ward is indexed under itself."""
        return RecordSummary(ward_id=self.id, status="active")


# ------------------------------------------------------------------------------------ staff


class StaffMember(Record):
    """A member of the trust's staff as named in records.

    ``ward_id`` is the ward they are based on; ``None`` for staff who work across wards (duty
    doctors, the responsible clinician of several wards, security). ``active`` is false once
    they have left: old records keep naming them, new records should not offer them.
    """

    KIND: ClassVar[str] = "staff_member"

    name: ShortText
    job_title: ShortText
    role: ClinicalRole
    ward_id: UUID | None = None
    active: bool = True

    def as_person_ref(self) -> PersonRef:
        """A snapshot of this person's name, job title and role for a record, so the record
        keeps what they were called when they acted (s.6(5)(h), domain.md §2 item h).
        """
        return PersonRef(name=self.name, job_title=self.job_title, role=self.role, staff_id=self.id)

    def summary(self) -> RecordSummary:
        """Indexed by ward; status ``active``/``inactive``."""
        return RecordSummary(ward_id=self.ward_id, status="active" if self.active else "inactive")


# --------------------------------------------------------------------- accounts and permissions


class AccessRole(StrEnum):
    """What an account may do in the software (domain.md §7), decided by the server."""

    NURSE = "nurse"
    WARD_MANAGER = "ward_manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Plain wording for screens."""
        return _ACCESS_ROLE_LABELS[self]


_ACCESS_ROLE_LABELS: dict[AccessRole, str] = {
    AccessRole.NURSE: "Nurse / healthcare support worker",
    AccessRole.WARD_MANAGER: "Nurse in charge / ward manager",
    AccessRole.ADMIN: "Trust IT administrator",
}


class Permission(StrEnum):
    """One thing an account may do."""

    RECORD = "record"  # make and submit incidents, observations and nursing reviews
    SIGN_OFF = "sign_off"  # review and sign off records
    PRINT_REVIEW_DOCUMENTS = "print_review_documents"
    VIEW_WARD_FIGURES = "view_ward_figures"
    MANAGE_ACCOUNTS = "manage_accounts"  # accounts, wards, device enrolment


#: Who may do what (domain.md §7): nurses record; the nurse in charge / ward manager also
#: reviews, signs off, prints review documents and sees the ward's figures; trust IT manages
#: accounts, wards and devices but makes and signs no clinical record.
PERMISSIONS: dict[AccessRole, frozenset[Permission]] = {
    AccessRole.NURSE: frozenset({Permission.RECORD}),
    AccessRole.WARD_MANAGER: frozenset(
        {
            Permission.RECORD,
            Permission.SIGN_OFF,
            Permission.PRINT_REVIEW_DOCUMENTS,
            Permission.VIEW_WARD_FIGURES,
        }
    ),
    AccessRole.ADMIN: frozenset({Permission.MANAGE_ACCOUNTS}),
}


def may(role: AccessRole, permission: Permission) -> bool:
    """True when an account with ``role`` may do ``permission`` (domain.md §7)."""
    return permission in PERMISSIONS[role]


def can_record(role: AccessRole) -> bool:
    """May make and submit clinical records (domain.md §7: nurse / HCSW and above)."""
    return may(role, Permission.RECORD)


def can_sign_off(role: AccessRole) -> bool:
    """May review and sign off records (domain.md §7: nurse in charge / ward manager)."""
    return may(role, Permission.SIGN_OFF)


def can_manage_accounts(role: AccessRole) -> bool:
    """May manage accounts, wards and device enrolment (domain.md §7: trust IT)."""
    return may(role, Permission.MANAGE_ACCOUNTS)


_USERNAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$")
USERNAME_RULE = (
    "must be 3 to 64 lower-case letters or digits, in parts joined by single dots "
    "(hyphens allowed inside a part), starting with a letter, e.g. demo.nurse"
)


def normalise_username(text: str) -> str:
    """What a sign-in screen should look up for ``text``: trimmed and lower-cased.
    Usernames are stored lower-case; typing ``Demo.Nurse`` finds ``demo.nurse``.
    """
    return text.strip().lower()


def _valid_username(value: str) -> str:
    if not 3 <= len(value) <= 64 or not value.isascii() or not _USERNAME.match(value):
        raise ValueError(USERNAME_RULE)
    return value


#: A sign-in name such as ``demo.nurse`` (see :data:`USERNAME_RULE`).
Username = Annotated[str, AfterValidator(_valid_username)]


class UserAccount(Record):
    """A sign-in account. ``staff_id`` names the staff member it belongs to; an admin account
    (trust IT, or the local administrator of a standalone PC, design.md) may have none, but
    an account that records or signs off clinical records must, so that every record names a
    real person with their job title (s.6(5)(h)).
    """

    KIND: ClassVar[str] = "user_account"

    username: Username
    staff_id: UUID | None = None
    access_role: AccessRole
    active: bool = True

    @model_validator(mode="after")
    def _clinical_accounts_belong_to_staff(self) -> Self:
        if self.staff_id is None and self.access_role is not AccessRole.ADMIN:
            raise ValueError(
                "staff_id: an account that records or signs off must belong to a staff member"
            )
        return self

    def may(self, permission: Permission) -> bool:
        """True when this account is active and its role allows ``permission``."""
        return self.active and may(self.access_role, permission)

    def summary(self) -> RecordSummary:
        """Hangs off its staff member; status ``active``/``inactive``."""
        return RecordSummary(
            parent_id=self.staff_id, status="active" if self.active else "inactive"
        )


USERNAME_IN_USE = "username: another account already has this username"


def sign_in_problem(account: UserAccount | None) -> str | None:
    """Why ``account`` may not sign in on this PC even with the right password, or None.

    domain.md §7: an administrator deactivates an account to stop it being used; a deactivated
    account therefore signs in nowhere (its key slot stays until it is removed from the PC,
    so the data key need not change for a short suspension).
    """
    if account is not None and not account.active:
        return (
            "account: deactivated by the ward's administrator; ask them to reactivate it "
            "before signing in"
        )
    return None


INACTIVE_STAFF_ACCOUNT = (
    "staff member: has left (inactive); make them active again before giving them an account"
)


def account_problem(
    username: str,
    staff: StaffMember | None,
    accounts: Iterable[UserAccount],
    *,
    account_id: UUID | None = None,
) -> str | None:
    """Why a sign-in account called ``username`` cannot be made for ``staff`` (``account_id``:
    the account being changed, which may keep its own name), or ``None``. Every account is
    one person's: no two share a username, and someone who has left (an inactive staff
    member) gets no new account — what an account records names its person (domain.md §2
    item h, §7).
    """
    wanted = normalise_username(username)
    if any(a.username == wanted and a.id != account_id for a in accounts):
        return USERNAME_IN_USE
    if staff is not None and not staff.active:
        return INACTIVE_STAFF_ACCOUNT
    return None


# ------------------------------------------------------------ changing an account that exists


class AccountChange(StrEnum):
    """What an administrator may do to an account that exists (domain.md §7: trust IT
    manages accounts). None of them deletes anything: a role change or (de)activation is a
    new revision of the :class:`UserAccount`; removing from this PC drops its key slot here."""

    CHANGE_ROLE = "change_role"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    REMOVE_FROM_PC = "remove_from_pc"

    @property
    def done(self) -> str:
        """What would be done, for a refusal: "deactivated", "removed from this PC"."""
        return _CHANGE_DONE[self]


_CHANGE_DONE: dict[AccountChange, str] = {
    AccountChange.CHANGE_ROLE: "given another access role",
    AccountChange.DEACTIVATE: "deactivated",
    AccountChange.REACTIVATE: "reactivated",
    AccountChange.REMOVE_FROM_PC: "removed from this PC",
}

#: Changes after which the account may no longer manage accounts on this PC.
_TAKES_ADMIN_AWAY = frozenset(
    {AccountChange.CHANGE_ROLE, AccountChange.DEACTIVATE, AccountChange.REMOVE_FROM_PC}
)

LAST_ADMINISTRATOR_RULE = (
    "this PC must keep at least one active administrator account that can sign in here, or "
    "nobody could manage its accounts"
)
OWN_ACCOUNT_RULE = (
    "it is the account signed in now, and an administrator's own account is changed only by "
    "another administrator"
)
ROLE_UNCHANGED = "access role: the account already has this access role"
LEFT_STAFF_REACTIVATION = (
    "staff member: has left (inactive); make them active again before reactivating their account"
)
ALREADY = "account: is already {}"


def manages_here(account: UserAccount, users_here: Iterable[str]) -> bool:
    """An active administrator account with a key slot on this PC (it can sign in here and
    manage accounts)."""
    return (
        account.active
        and may(account.access_role, Permission.MANAGE_ACCOUNTS)
        and account.username in set(users_here)
    )


def _nothing_to_do(
    account: UserAccount, change: AccountChange, new_role: AccessRole | None
) -> str | None:
    if change is AccountChange.CHANGE_ROLE and new_role is account.access_role:
        return ROLE_UNCHANGED
    if change is AccountChange.DEACTIVATE and not account.active:
        return ALREADY.format("deactivated")
    if change is AccountChange.REACTIVATE and account.active:
        return ALREADY.format("active")
    return None


def account_change_problem(
    account: UserAccount,
    change: AccountChange,
    *,
    signed_in_as: str,
    accounts: Iterable[UserAccount],
    users_here: Iterable[str],
    new_role: AccessRole | None = None,
    staff: StaffMember | None = None,
) -> str | None:
    """Why ``change`` may not be made to ``account`` by the administrator signed in as
    ``signed_in_as`` on a PC whose key slots are ``users_here``, or ``None`` (domain.md §7;
    design.md "a standalone PC has a local administrator account").

    The rules, in the order they are checked (the first broken one is named):
    - nothing to do: the role is the one it has; it is already (in)active;
    - **the last administrator**: after a role change, deactivation or removal from this PC,
      at least one *other* active administrator account that can sign in here must remain
      (:data:`LAST_ADMINISTRATOR_RULE`);
    - **yourself**: the signed-in administrator changes none of these on their own account
      (:data:`OWN_ACCOUNT_RULE`): a slip would lock them out mid-task;
    - reactivating the account of a staff member who has left is refused until they are made
      active again (:data:`LEFT_STAFF_REACTIVATION`).
    Whether a clinical role is allowed without a staff record is :class:`UserAccount`'s rule.
    """
    users = tuple(users_here)
    pointless = _nothing_to_do(account, change, new_role)
    if pointless is not None:
        return pointless
    loses_admin = change in _TAKES_ADMIN_AWAY and not (
        change is AccountChange.CHANGE_ROLE
        and new_role is not None
        and may(new_role, Permission.MANAGE_ACCOUNTS)
    )
    if loses_admin and manages_here(account, users):
        others = [a for a in accounts if a.id != account.id and manages_here(a, users)]
        if not others:
            return f"account: {account.username} cannot be {change.done}: {LAST_ADMINISTRATOR_RULE}"
    own = account.username == normalise_username(signed_in_as)
    if own and change is not AccountChange.REACTIVATE:
        return f"account: {account.username} cannot be {change.done}: {OWN_ACCOUNT_RULE}"
    if change is AccountChange.REACTIVATE and staff is not None and not staff.active:
        return LEFT_STAFF_REACTIVATION
    return None
