"""Signing in against the server: it vouches for the person on the device; failures slow
down, then lock the account; the answer never says whether the username exists (issue 7
"Sign-in and permissions")."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.models.people import AccessRole
from app.sync.wire import ErrorCode, SignInResponse
from server import admin
from server.tables import AccountRow, DeviceAccountRow
from tests.server.harness import PASSWORD, Device, Trust, running_trust

WRONG = "not the password at all"


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    # Small numbers keep the test short; the rule is the same at 5 and 10.
    with running_trust(sign_in_slow_after=3, sign_in_lock_after=5) as running:
        yield running


def _code(answer: object) -> str:
    return answer.json()["error"]["code"]  # type: ignore[attr-defined,no-any-return]


def _as_if_waited(trust: Trust, username: str) -> None:
    """Move the last failure back in time, as if the wait had passed."""
    with trust.sessions() as session:
        account = session.scalar(select(AccountRow).where(AccountRow.username == username))
        assert account is not None
        assert account.last_failed_at is not None
        session.execute(
            update(AccountRow)
            .where(AccountRow.id == account.id)
            .values(last_failed_at=account.last_failed_at - timedelta(hours=2))
        )
        session.commit()


def test_a_right_password_vouches_for_the_person_on_the_device(trust: Trust) -> None:
    ward = trust.ward()
    device = trust.device(ward)
    username = trust.account(ward, AccessRole.WARD_MANAGER)
    answer = device.sign_in(username)
    assert answer.status_code == 200
    person = SignInResponse.model_validate_json(answer.content)
    assert person.username == username
    assert person.access_role is AccessRole.WARD_MANAGER
    assert person.ward_id == ward.id
    assert person.staff_id is not None
    with trust.sessions() as session:
        bound = session.scalar(
            select(DeviceAccountRow).where(DeviceAccountRow.device_id == device.device_id)
        )
    assert bound is not None


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(trust: Trust) -> None:
    ward = trust.ward()
    device = trust.device(ward)
    username = trust.account(ward)
    wrong = device.sign_in(username, WRONG)
    unknown = device.sign_in("nobody.at-all", WRONG)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert _code(wrong) == ErrorCode.SIGN_IN_FAILED


def _fail(device: Device, username: str, times: int) -> list[int]:
    return [device.sign_in(username, WRONG).status_code for _ in range(times)]


def test_failures_slow_down_then_lock_the_account(trust: Trust) -> None:
    ward = trust.ward()
    device = trust.device(ward)
    username = trust.account(ward)
    assert _fail(device, username, 3) == [401, 401, 401]
    slowed = device.sign_in(username, PASSWORD)  # even the right password waits now
    assert slowed.status_code == 429
    assert _code(slowed) == ErrorCode.SLOW_DOWN
    assert int(slowed.headers["Retry-After"]) > 0
    _as_if_waited(trust, username)
    assert _fail(device, username, 1) == [401]
    assert device.sign_in(username, WRONG).status_code == 429  # the wait doubles
    _as_if_waited(trust, username)
    locked = device.sign_in(username, WRONG)  # the fifth failure in a row locks it
    assert locked.status_code == 423
    assert _code(locked) == ErrorCode.ACCOUNT_LOCKED
    assert int(locked.headers["Retry-After"]) > 0
    assert device.sign_in(username, PASSWORD).status_code == 423
    with trust.sessions() as session:
        admin.unlock_account(session, username)
        session.commit()
    assert device.sign_in(username, PASSWORD).status_code == 200


def test_a_success_clears_the_count(trust: Trust) -> None:
    ward = trust.ward()
    device = trust.device(ward)
    username = trust.account(ward)
    assert _fail(device, username, 2) == [401, 401]
    assert device.sign_in(username).status_code == 200
    assert _fail(device, username, 2) == [401, 401]
    assert device.sign_in(username).status_code == 200


def test_the_lock_holds_on_every_device(trust: Trust) -> None:
    ward = trust.ward()
    one, other = trust.device(ward), trust.device(ward)
    username = trust.account(ward)
    _fail(one, username, 3)
    assert other.sign_in(username, PASSWORD).status_code == 429
