"""The staff side of the demo ward: the ward itself, its team and their accounts, and the
people from outside the ward named in records (commissioner, advocate). Every name is
fictitious. The patients are in :mod:`app.cli.demo.patients`.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.cli.demo.support import DemoRandom
from app.models.people import AccessRole, StaffMember, UserAccount, Ward
from app.models.refs import ClinicalRole, PersonRef

# ------------------------------------------------------------------------------- ward, staff


def build_ward(rnd: DemoRandom) -> Ward:
    """Willow Ward: a 16-bed inpatient ward at a fictitious hospital."""
    return Ward(
        id=rnd.uuid(),
        name="Willow Ward",
        code="WILLOW",
        number_of_beds=16,
        site="Brackenfold Hospital",
    )


@dataclass(frozen=True, slots=True)
class DemoStaff:
    """The ward team. ``nurses[0]`` is the registered nurse behind ``demo.nurse``."""

    manager: StaffMember
    charge_nurse: StaffMember
    nurses: tuple[StaffMember, ...]
    support_workers: tuple[StaffMember, ...]
    consultant: StaffMember
    doctor: StaffMember
    approved_clinician: StaffMember
    psychologist: StaffMember

    @property
    def everyone(self) -> tuple[StaffMember, ...]:
        """Every staff member, in a fixed order."""
        return (
            self.manager,
            self.charge_nurse,
            *self.nurses,
            *self.support_workers,
            self.consultant,
            self.doctor,
            self.approved_clinician,
            self.psychologist,
        )

    @property
    def registered(self) -> tuple[StaffMember, ...]:
        """Registered nurses on the floor (the charge nurse first); they write the records."""
        return (self.charge_nurse, *self.nurses)

    @property
    def floor_staff(self) -> tuple[StaffMember, ...]:
        """Everyone who may be called to help when force is used."""
        return (*self.registered, *self.support_workers, self.manager)


def build_staff(rnd: DemoRandom, ward: Ward) -> DemoStaff:
    """The ward team: manager, charge nurse, four staff nurses, four support workers, the
    consultant (responsible clinician), a specialty doctor, an approved clinician who covers
    several wards, and a clinical psychologist.
    """

    def member(name: str, title: str, role: ClinicalRole, *, on_ward: bool = True) -> StaffMember:
        return StaffMember(
            id=rnd.uuid(),
            name=name,
            job_title=title,
            role=role,
            ward_id=ward.id if on_ward else None,
        )

    rn, hcsw = ClinicalRole.REGISTERED_NURSE, ClinicalRole.HEALTHCARE_SUPPORT_WORKER
    return DemoStaff(
        manager=member("Grace Adeyemi", "Ward manager", ClinicalRole.WARD_MANAGER),
        charge_nurse=member("Tom Whitfield", "Charge nurse", ClinicalRole.NURSE_IN_CHARGE),
        nurses=(
            member("Priya Nair", "Staff nurse", rn),
            member("Callum Reid", "Staff nurse", rn),
            member("Agnieszka Nowak", "Staff nurse", rn),
            member("Marcus Bennett", "Senior staff nurse", rn),
        ),
        support_workers=(
            member("Dev Chauhan", "Healthcare support worker", hcsw),
            member("Shannon Kelly", "Healthcare support worker", hcsw),
            member("Kwame Boateng", "Healthcare support worker", hcsw),
            member("Lucy Harper", "Healthcare support worker", hcsw),
        ),
        consultant=member(
            "Dr Eleanor Marsh", "Consultant psychiatrist", ClinicalRole.RESPONSIBLE_CLINICIAN
        ),
        doctor=member("Dr Sami Haddad", "Specialty doctor", ClinicalRole.DOCTOR),
        approved_clinician=member(
            "Dr Ruth Lindqvist",
            "Consultant psychiatrist (approved clinician)",
            ClinicalRole.APPROVED_CLINICIAN,
            on_ward=False,
        ),
        psychologist=member(
            "Dr Hannah Fairley", "Clinical psychologist", ClinicalRole.PSYCHOLOGIST
        ),
    )


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    """``demo`` holds demo.nurse, demo.manager and demo.admin (the accounts people sign in
    with); ``colleagues`` are the other registered nurses' accounts, so that every record
    names the nurse who submitted it and the manager who signed it off.
    """

    demo: tuple[UserAccount, ...]
    colleagues: tuple[UserAccount, ...]

    def of(self, staff: StaffMember) -> UserAccount:
        """The account of ``staff``; ``KeyError`` when they have none."""
        for account in (*self.demo, *self.colleagues):
            if account.staff_id == staff.id:
                return account
        raise KeyError(staff.name)


def build_accounts(rnd: DemoRandom, staff: DemoStaff) -> DemoAccounts:
    """demo.nurse (a staff nurse), demo.manager (the ward manager), demo.admin (trust IT, no
    staff member), and an account for each other registered nurse; the charge nurse signs
    records off, so has a ward-manager account (people.py).
    """

    def account(username: str, role: AccessRole, member: StaffMember | None) -> UserAccount:
        return UserAccount(
            id=rnd.uuid(),
            username=username,
            staff_id=None if member is None else member.id,
            access_role=role,
        )

    demo = (
        account("demo.nurse", AccessRole.NURSE, staff.nurses[0]),
        account("demo.manager", AccessRole.WARD_MANAGER, staff.manager),
        account("demo.admin", AccessRole.ADMIN, None),
    )
    colleagues = (
        account("tom.whitfield", AccessRole.WARD_MANAGER, staff.charge_nurse),
        *(
            account(member.name.lower().replace(" ", "."), AccessRole.NURSE, member)
            for member in staff.nurses[1:]
        ),
    )
    return DemoAccounts(demo, colleagues)


def visitor(name: str, title: str, role: ClinicalRole) -> PersonRef:
    """Someone named in a record who is not on the trust's staff list."""
    return PersonRef(name=name, job_title=title, role=role)


COMMISSIONER = visitor(
    "Joanne Pike", "Case manager, mental health provider collaborative", ClinicalRole.COMMISSIONER
)
IMHA = visitor("Martin Ellery", "Independent mental health advocate", ClinicalRole.IMHA)
