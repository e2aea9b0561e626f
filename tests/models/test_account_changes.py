"""What an administrator may change about an account that exists (domain.md §7): never leave
this PC without an active administrator who can sign in here, never change one's own account,
never reactivate the account of someone who has left."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.people import (
    LAST_ADMINISTRATOR_RULE,
    LEFT_STAFF_REACTIVATION,
    OWN_ACCOUNT_RULE,
    ROLE_UNCHANGED,
    AccessRole,
    AccountChange,
    UserAccount,
    account_change_problem,
    manages_here,
)
from tests.models import builders as b

ADMIN = b.ADMIN_ACCOUNT
SECOND_ADMIN = b.account(None, username="it.second", access_role=AccessRole.ADMIN)
NURSE = b.NURSE_ACCOUNT
ALL_HERE = ("demo.admin", "it.second", "demo.nurse", "demo.manager")


def problem(
    account: UserAccount,
    change: AccountChange,
    *,
    accounts: tuple[UserAccount, ...] = (ADMIN, NURSE, b.MANAGER_ACCOUNT),
    users: tuple[str, ...] = ALL_HERE,
    signed_in_as: str = "demo.admin",
    new_role: AccessRole | None = None,
) -> str | None:
    return account_change_problem(
        account,
        change,
        signed_in_as=signed_in_as,
        accounts=accounts,
        users_here=users,
        new_role=new_role,
    )


@pytest.mark.parametrize(
    ("change", "new_role"),
    [
        (AccountChange.REMOVE_FROM_PC, None),
        (AccountChange.DEACTIVATE, None),
        (AccountChange.CHANGE_ROLE, AccessRole.WARD_MANAGER),
    ],
)
def test_the_last_administrator_of_this_pc_is_kept(
    change: AccountChange, new_role: AccessRole | None
) -> None:
    refused = problem(ADMIN, change, new_role=new_role)
    assert refused is not None
    assert refused.startswith(f"account: demo.admin cannot be {change.done}: ")
    assert refused.endswith(LAST_ADMINISTRATOR_RULE)


def test_an_administrator_who_cannot_sign_in_here_does_not_count() -> None:
    accounts = (ADMIN, SECOND_ADMIN, NURSE)
    users = ("demo.admin", "demo.nurse")  # it.second has no key slot on this PC
    refused = problem(ADMIN, AccountChange.REMOVE_FROM_PC, accounts=accounts, users=users)
    assert refused is not None
    assert LAST_ADMINISTRATOR_RULE in refused
    inactive = SECOND_ADMIN.model_copy(update={"active": False})
    assert not manages_here(inactive, ALL_HERE)
    refused = problem(ADMIN, AccountChange.DEACTIVATE, accounts=(ADMIN, inactive))
    assert refused is not None
    assert LAST_ADMINISTRATOR_RULE in refused


@pytest.mark.parametrize(
    ("change", "new_role"),
    [
        (AccountChange.REMOVE_FROM_PC, None),
        (AccountChange.DEACTIVATE, None),
        (AccountChange.CHANGE_ROLE, AccessRole.NURSE),
    ],
)
def test_with_another_administrator_one_still_cannot_change_ones_own_account(
    change: AccountChange, new_role: AccessRole | None
) -> None:
    accounts = (ADMIN, SECOND_ADMIN, NURSE)
    assert problem(ADMIN, change, accounts=accounts, new_role=new_role) == (
        f"account: demo.admin cannot be {change.done}: {OWN_ACCOUNT_RULE}"
    )
    # ... and the other administrator may (the signed-in one stays).
    assert problem(SECOND_ADMIN, change, accounts=accounts, new_role=new_role) is None


def test_other_accounts_may_be_changed_and_nothing_to_do_is_said() -> None:
    assert problem(NURSE, AccountChange.CHANGE_ROLE, new_role=AccessRole.WARD_MANAGER) is None
    assert problem(NURSE, AccountChange.CHANGE_ROLE, new_role=AccessRole.NURSE) == ROLE_UNCHANGED
    assert problem(NURSE, AccountChange.DEACTIVATE) is None
    assert problem(NURSE, AccountChange.REMOVE_FROM_PC) is None
    assert problem(NURSE, AccountChange.REACTIVATE) == "account: is already active"
    inactive = NURSE.model_copy(update={"active": False})
    assert problem(inactive, AccountChange.DEACTIVATE) == "account: is already deactivated"
    assert problem(inactive, AccountChange.REACTIVATE) is None
    # Promoting to administrator never takes one away.
    assert problem(ADMIN, AccountChange.CHANGE_ROLE, new_role=AccessRole.ADMIN) == ROLE_UNCHANGED


def test_the_account_of_someone_who_has_left_is_not_reactivated() -> None:
    inactive = NURSE.model_copy(update={"active": False})
    left = b.staff_member(active=False)
    assert (
        account_change_problem(
            inactive,
            AccountChange.REACTIVATE,
            signed_in_as="demo.admin",
            accounts=(ADMIN, inactive),
            users_here=ALL_HERE,
            staff=left,
        )
        == LEFT_STAFF_REACTIVATION
    )


@given(
    admins=st.lists(st.booleans(), min_size=1, max_size=5),
    change=st.sampled_from(
        [AccountChange.REMOVE_FROM_PC, AccountChange.DEACTIVATE, AccountChange.CHANGE_ROLE]
    ),
    target=st.integers(min_value=0, max_value=4),
)
def test_an_allowed_change_always_leaves_an_administrator_who_can_sign_in_here(
    admins: list[bool], change: AccountChange, target: int
) -> None:
    """``admins[i]``: whether admin ``i`` has a key slot here; the signed-in one is
    ``it.a0`` (who signed in here, so has one)."""
    admins = [True, *admins[1:]]
    accounts = tuple(
        b.account(None, username=f"it.a{i}", access_role=AccessRole.ADMIN)
        for i in range(len(admins))
    )
    users = tuple(a.username for a, here in zip(accounts, admins, strict=True) if here)
    account = accounts[target % len(accounts)]
    refused = account_change_problem(
        account,
        change,
        signed_in_as="it.a0",
        accounts=accounts,
        users_here=users,
        new_role=AccessRole.NURSE if change is AccountChange.CHANGE_ROLE else None,
    )
    if refused is None:
        remaining = [a for a in accounts if a.id != account.id and manages_here(a, users)]
        assert remaining
        assert account.username != "it.a0"
