"""Enrolment: a one-time code for a ward becomes a device credential, once, until it expires
(issue 7 "Permission matrix": expired or reused enrolment code)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select, update

from app.models.clock import utc_now
from app.sync.wire import EnrolResponse, ErrorCode, ErrorResponse
from server import admin
from server.credentials import code_hash
from server.tables import DeviceRow, EnrolmentCodeRow, WardRow
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


def _devices_of(trust: Trust, ward: WardRow) -> list[str]:
    """The device names trust IT's ``admin devices`` lists for ``ward``."""
    with trust.sessions() as session:
        return [d.device.name for d in admin.devices(session) if d.device.ward_id == ward.id]


def test_a_pc_set_up_for_a_ward_enrols_with_that_wards_code(trust: Trust) -> None:
    ward = trust.ward()
    assert ward.code is not None
    answer = trust.enrol(trust.code(ward), "Oak PC", ward_code=ward.code)
    assert answer.status_code == 200, answer.text
    assert EnrolResponse.model_validate_json(answer.content).ward.ward_id == ward.id
    assert _devices_of(trust, ward) == ["Oak PC"]


def test_a_code_for_another_ward_is_refused_and_stays_unused(trust: Trust) -> None:
    ours, theirs = trust.ward(), trust.ward()
    assert ours.code is not None
    assert theirs.code is not None
    code = trust.code(theirs)

    answer = trust.enrol(code, "Oak PC", ward_code=ours.code)
    assert answer.status_code == 409
    refusal = _refusal(answer).error
    assert refusal.code is ErrorCode.WARD_MISMATCH
    assert refusal.field == "ward_code"
    assert "issued for another ward" in refusal.message
    assert "the code still works" in refusal.message
    assert _devices_of(trust, ours) == _devices_of(trust, theirs) == []
    with trust.sessions() as session:
        row = session.get(EnrolmentCodeRow, code_hash(code))
        assert row is not None
        assert (row.used_at, row.device_id) == (None, None)
        outcomes = session.scalars(
            select(RequestAuditRow.outcome).where(RequestAuditRow.endpoint == "/v1/enrol")
        ).all()
    assert "ward_mismatch" in outcomes

    # The code still works, once, for a PC of its own ward.
    assert trust.enrol(code, "Elm PC", ward_code=theirs.code).status_code == 200
    assert _devices_of(trust, theirs) == ["Elm PC"]
    again = trust.enrol(code, "Oak PC", ward_code=ours.code)  # now used: the usual answer
    assert again.status_code == 403
    assert _refusal(again).error.code is ErrorCode.CODE_INVALID


def test_a_pc_with_no_ward_setting_enrols_for_the_codes_ward(trust: Trust) -> None:
    ward = trust.ward()
    answer = trust.enrol(trust.code(ward), "Any-ward PC")  # no ward_code, as older PCs send
    assert answer.status_code == 200, answer.text
    assert _devices_of(trust, ward) == ["Any-ward PC"]


def test_ward_codes_are_compared_in_the_trusts_upper_case_form(trust: Trust) -> None:
    ward = trust.ward()
    assert ward.code is not None
    code = trust.code(ward)
    answer = trust.enrol(code, ward_code=ward.code.lower())
    assert answer.status_code == 422
    refusal = _refusal(answer).error
    assert (refusal.code, refusal.field) == (ErrorCode.INVALID, "ward_code")
    assert "upper-case letters, digits or hyphens" in refusal.message
    assert ward.code.lower() not in refusal.message
    assert trust.enrol(code, ward_code=ward.code).status_code == 200  # not used up


def test_a_ward_without_a_code_matches_no_ward_setting(trust: Trust) -> None:
    ward = trust.ward()  # as if added before wards had codes
    with trust.sessions() as session:
        session.execute(update(WardRow).where(WardRow.id == ward.id).values(code=None))
        session.commit()
    code = trust.code(ward)
    answer = trust.enrol(code, ward_code="OAK")
    assert answer.status_code == 409
    assert _refusal(answer).error.code is ErrorCode.WARD_MISMATCH
    assert trust.enrol(code).status_code == 200
