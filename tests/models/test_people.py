"""Wards, staff, accounts and permissions (domain.md §7)."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.base import record_class
from app.models.people import (
    PERMISSIONS,
    AccessRole,
    Permission,
    StaffMember,
    UserAccount,
    Ward,
    can_manage_accounts,
    can_record,
    can_sign_off,
    may,
    normalise_username,
)
from app.models.refs import ClinicalRole
from tests.models import builders as b
from tests.models.refusals import assert_refused


def test_builders_are_valid_and_indexed() -> None:
    assert b.ward().summary().ward_id == b.WARD_ID
    assert b.NURSE.summary().ward_id == b.WARD_ID
    assert b.NURSE.summary().status == "active"
    assert b.staff_member(active=False).summary().status == "inactive"
    assert b.NURSE_ACCOUNT.summary().parent_id == b.NURSE_STAFF_ID
    assert record_class("ward") is Ward
    assert record_class("staff_member") is StaffMember
    assert record_class("user_account") is UserAccount


def test_person_ref_is_a_snapshot_of_name_job_title_and_role() -> None:
    ref = b.NURSE.as_person_ref()
    assert (ref.name, ref.job_title, ref.role, ref.staff_id) == (
        "Robin Ashdown",
        "Staff nurse",
        ClinicalRole.REGISTERED_NURSE,
        b.NURSE_STAFF_ID,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "typed"),
    [
        ({"name": "   "}, "name", "must not be empty", None),
        ({"site": ""}, "site", "must not be empty", None),
        ({"code": "ash 1"}, "code", "upper-case letters", "ash 1"),
        ({"number_of_beds": 0}, "number_of_beds", "is too small", None),
        ({"number_of_beds": "lots"}, "number_of_beds", "is not a whole number", "lots"),
    ],
)
def test_bad_ward_refused(overrides: dict[str, Any], field: str, rule: str, typed: Any) -> None:
    data = b.ward().model_dump() | overrides
    assert_refused(Ward, data, field=field, rule=rule, typed=typed)


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"name": ""}, "name", "must not be empty"),
        ({"job_title": " "}, "job_title", "must not be empty"),
        ({"role": "matron"}, "role", "is not one of the allowed codes"),
    ],
)
def test_bad_staff_member_refused(overrides: dict[str, Any], field: str, rule: str) -> None:
    data = b.NURSE.model_dump() | overrides
    assert_refused(
        StaffMember, data, field=field, rule=rule, typed=overrides[field].strip() or None
    )


@pytest.mark.parametrize(
    "username", ["demo.nurse", "demo.manager", "r.ashdown2", "anne-marie.o-neill", "admin"]
)
def test_good_usernames(username: str) -> None:
    assert b.account(username=username).username == username


@pytest.mark.parametrize(
    "username",
    [
        "Quill.Xavier",
        "quill xavier",
        "quill..xavier",
        ".quill",
        "quill.",
        "1quill",
        "qx",
        "quill.xavier!",
        "quíll.xavier",
        "quill_xavier",
        "q" * 65,
        "quill.-xavier",
    ],
)
def test_bad_usernames_refused_without_echo(username: str) -> None:
    data = b.NURSE_ACCOUNT.model_dump() | {"username": username}
    assert_refused(UserAccount, data, field="username", rule="lower-case", typed=username)


def test_normalise_username_for_sign_in() -> None:
    assert normalise_username("  Demo.Nurse ") == "demo.nurse"


def test_clinical_account_must_belong_to_staff() -> None:
    data = b.NURSE_ACCOUNT.model_dump() | {"staff_id": None}
    assert_refused(UserAccount, data, field="staff_id", rule="must belong to a staff member")
    assert b.ADMIN_ACCOUNT.staff_id is None


def test_only_ward_managers_sign_off() -> None:
    assert can_sign_off(AccessRole.WARD_MANAGER)
    assert not can_sign_off(AccessRole.NURSE)
    assert not can_sign_off(AccessRole.ADMIN)


def test_admin_manages_accounts_but_makes_no_clinical_record() -> None:
    assert can_manage_accounts(AccessRole.ADMIN)
    assert not can_record(AccessRole.ADMIN)
    assert not can_manage_accounts(AccessRole.WARD_MANAGER)
    assert can_record(AccessRole.NURSE)
    assert can_record(AccessRole.WARD_MANAGER)


def test_every_role_has_permissions_and_a_label() -> None:
    assert set(PERMISSIONS) == set(AccessRole)
    assert all(role.label for role in AccessRole)


@given(role=st.sampled_from(AccessRole), permission=st.sampled_from(Permission))
def test_inactive_account_may_do_nothing(role: AccessRole, permission: Permission) -> None:
    staff = None if role is AccessRole.ADMIN else b.NURSE
    active = b.account(staff, access_role=role)
    inactive = b.account(staff, access_role=role, active=False)
    assert active.may(permission) == may(role, permission)
    assert not inactive.may(permission)
