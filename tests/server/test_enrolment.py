"""Enrolment: a one-time code for a ward becomes a device credential, once, until it expires
(issue 7 "Permission matrix": expired or reused enrolment code)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select, update

from app.models.clock import utc_now
from app.sync.wire import EnrolResponse, ErrorCode, ErrorResponse
from server.credentials import code_hash
from server.tables import DeviceRow, EnrolmentCodeRow
from server.tables_sync import RequestAuditRow
from tests.server.harness import Device, Trust


def _refusal(answer: object) -> ErrorResponse:
    return ErrorResponse.model_validate_json(answer.content)  # type: ignore[attr-defined]


def test_a_good_code_enrols_a_device_for_its_ward(trust: Trust) -> None:
    ward = trust.ward("Ashdown Ward")
    answer = trust.enrol(trust.code(ward), "Ashdown nurses' station")
    assert answer.status_code == 200
    enrolled = EnrolResponse.model_validate_json(answer.content)
    assert enrolled.ward.ward_id == ward.id
    assert enrolled.ward.name == "Ashdown Ward"
    assert enrolled.trust_name == "Test Trust"
    assert "BEGIN PUBLIC KEY" in enrolled.recovery_public_key_pem
    device = Device(trust.url, enrolled.device_id, enrolled.device_token, ward.id)
    status = device.request("GET", "/device")
    assert status.status_code == 200
    assert status.json()["ward"]["name"] == "Ashdown Ward"
    with trust.sessions() as session:
        row = session.get(DeviceRow, enrolled.device_id)
        assert row is not None
        assert row.name == "Ashdown nurses' station"
        assert enrolled.device_token not in row.token_hash  # only a hash is kept


def test_a_code_works_once(trust: Trust) -> None:
    code = trust.code(trust.ward())
    assert trust.enrol(code).status_code == 200
    again = trust.enrol(code)
    assert again.status_code == 403
    assert _refusal(again).error.code is ErrorCode.CODE_INVALID


def test_an_expired_code_is_refused(trust: Trust) -> None:
    code = trust.code(trust.ward(), valid_hours=1)
    with trust.sessions() as session:  # an hour and a minute later
        session.execute(
            update(EnrolmentCodeRow)
            .where(EnrolmentCodeRow.code_hash == code_hash(code))
            .values(expires_at=utc_now() - timedelta(minutes=1))
        )
        session.commit()
    answer = trust.enrol(code)
    assert answer.status_code == 403
    assert _refusal(answer).error.code is ErrorCode.CODE_INVALID


def test_an_unknown_code_is_refused_and_audited(trust: Trust) -> None:
    answer = trust.enrol("ABCD-EFGH-JKLM-NPQR")
    assert answer.status_code == 403
    refusal = _refusal(answer).error
    assert refusal.code is ErrorCode.CODE_INVALID
    assert refusal.field == "code"
    with trust.sessions() as session:
        outcomes = session.scalars(
            select(RequestAuditRow.outcome).where(RequestAuditRow.endpoint == "/v1/enrol")
        ).all()
    assert "code_invalid" in outcomes


def test_a_badly_formed_code_is_refused_naming_the_field(trust: Trust) -> None:
    answer = trust.enrol("not-a-code")
    assert answer.status_code == 422
    refusal = _refusal(answer).error
    assert refusal.code is ErrorCode.INVALID
    assert refusal.field == "code"


def test_two_pcs_offering_one_code_at_once_make_one_device(trust: Trust) -> None:
    ward = trust.ward()
    code = trust.code(ward)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: trust.enrol(code, f"PC {i}"), range(8)))
    assert sorted(a.status_code for a in answers) == [200] + [403] * 7
    with trust.sessions() as session:
        count = session.scalar(
            select(func.count()).select_from(DeviceRow).where(DeviceRow.ward_id == ward.id)
        )
    assert count == 1
