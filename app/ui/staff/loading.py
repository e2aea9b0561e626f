"""What the staff and accounts screen reads, as frozen values made on the store worker (no Qt
here): the ward's staff (and people who work across wards), their sign-in accounts, and which
accounts can sign in on this PC (have a key slot here)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.models.people import StaffMember, UserAccount
from app.models.refs import ClinicalRole
from app.store.store import Store

_ROLE_WORDS = {ClinicalRole.IMHA: "IMHA (independent mental health advocate)"}


def role_words(role: ClinicalRole) -> str:
    """Plain wording of a clinical role ("Registered nurse")."""
    return _ROLE_WORDS.get(role, role.label)


@dataclass(frozen=True, slots=True)
class StaffRow:
    """One line of the staff list: a staff member (with their account, if any), or an account
    that belongs to no staff member (the local administrator)."""

    staff_id: UUID | None
    account_id: UUID | None
    name: str
    job_title: str
    role: str
    base: str
    active: bool
    username: str
    access: str
    on_this_pc: bool

    @property
    def key(self) -> UUID:
        """What identifies the row (the staff member, else the account)."""
        found = self.staff_id or self.account_id
        assert found is not None  # noqa: S101 - every row has one or the other
        return found


@dataclass(frozen=True, slots=True)
class StaffList:
    """Everything the screen shows, read in one transaction."""

    rows: tuple[StaffRow, ...]
    staff: tuple[StaffMember, ...]
    accounts: tuple[UserAccount, ...]
    #: Usernames with a key slot on this PC.
    users: tuple[str, ...]
    #: (record id, current revision id) of every staff member and account: each change names
    #: the revision it starts from.
    revisions: tuple[tuple[UUID, UUID], ...]

    def revision_of(self, record_id: UUID) -> UUID | None:
        """The revision a change to ``record_id`` starts from."""
        return next((rev for rid, rev in self.revisions if rid == record_id), None)

    def staff_member(self, staff_id: UUID | None) -> StaffMember | None:
        """The staff member ``staff_id``."""
        return next((s for s in self.staff if s.id == staff_id), None)

    def account_of(self, row: StaffRow) -> UserAccount | None:
        """The account on ``row``."""
        return next((a for a in self.accounts if a.id == row.account_id), None)


def _row(
    staff: StaffMember | None, account: UserAccount | None, ward_id: UUID, users: tuple[str, ...]
) -> StaffRow:
    if staff is None:
        assert account is not None  # noqa: S101 - an account-only row
        name, title, role, base, active = "No staff record", "", "", "", account.active
    else:
        name, title, role = staff.name, staff.job_title, role_words(staff.role)
        base = "This ward" if staff.ward_id == ward_id else "Works across wards"
        active = staff.active
    return StaffRow(
        staff_id=None if staff is None else staff.id,
        account_id=None if account is None else account.id,
        name=name,
        job_title=title,
        role=role,
        base=base,
        active=active,
        username="" if account is None else account.username,
        access="" if account is None else account.access_role.label,
        on_this_pc=account is not None and account.username in users,
    )


def load_staff_list(store: Store, ward_id: UUID) -> StaffList:
    """The staff of ``ward_id`` and those who work across wards, with their accounts."""
    with store.read() as reader:
        staff = [s for s in reader.find(StaffMember) if s.ward_id in (ward_id, None)]
        accounts = reader.find(UserAccount)
        revisions = []
        for record in (*staff, *accounts):
            state = reader.state(record.id)
            if state is not None:
                revisions.append((record.id, state.revision_id))
    users = store.users()
    by_staff = {a.staff_id: a for a in accounts if a.staff_id is not None}
    rows = [_row(s, by_staff.get(s.id), ward_id, users) for s in staff]
    rows += [_row(None, a, ward_id, users) for a in accounts if a.staff_id is None]
    rows.sort(key=lambda r: (not r.active, r.staff_id is None, r.name.casefold(), r.username))
    return StaffList(
        rows=tuple(rows),
        staff=tuple(staff),
        accounts=tuple(accounts),
        users=users,
        revisions=tuple(revisions),
    )
