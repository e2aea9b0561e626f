"""Who may call the server at all, and the one error shape for every refusal (issue 7
"Permission matrix": no credential, wrong credential, revoked device; the clock-skew
refusal; design.md "The server": one stable JSON error shape, never a 5xx for bad input)."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from app.sync.wire import DEVICE_TIME_HEADER, ErrorCode, ErrorResponse
from server.settings import ServerSettings
from server.tables_sync import RequestAuditRow
from tests.server.harness import ServerThread, Trust, device_headers, plain_http

ENDPOINTS = [
    ("GET", "/device", None),
    ("GET", "/revisions", None),
    ("POST", "/revisions", {"revisions": []}),
    (
        "POST",
        "/sync/check",
        {"cursor": 0, "revisions_held": 0, "audit_head": {"seq": 0, "hash": "0" * 64}},
    ),
    ("POST", "/sign-in", {"username": "demo.nurse", "password": "x"}),
]


def _call(
    url: str, method: str, path: str, body: object, headers: dict[str, str]
) -> httpx.Response:
    with plain_http(url) as client:
        return client.request(method, path, json=body, headers=headers)


def _error(answer: httpx.Response) -> ErrorResponse:
    return ErrorResponse.model_validate_json(answer.content)


def _outcomes(trust: Trust, device_id: object = None) -> list[str]:
    with trust.sessions() as session:
        query = select(RequestAuditRow.outcome)
        if device_id is not None:
            query = query.where(RequestAuditRow.device_id == device_id)
        return list(session.scalars(query))


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_no_credential_is_refused(trust: Trust, method: str, path: str, body: object) -> None:
    answer = _call(trust.url, method, path, body, device_headers(None))
    assert answer.status_code == 401
    assert _error(answer).error.code is ErrorCode.NO_CREDENTIAL
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_wrong_credential_is_refused(trust: Trust, method: str, path: str, body: object) -> None:
    answer = _call(trust.url, method, path, body, device_headers("x" * 43))
    assert answer.status_code == 401
    assert _error(answer).error.code is ErrorCode.BAD_CREDENTIAL


def test_refusals_without_a_credential_are_audited(trust: Trust) -> None:
    _call(trust.url, "GET", "/revisions", None, device_headers(None))
    assert "no_credential" in _outcomes(trust)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_revoked_device_is_refused(trust: Trust, method: str, path: str, body: object) -> None:
    device = trust.device(trust.ward())
    assert device.request("GET", "/device").status_code == 200
    trust.revoke(device)
    answer = device.request(method, path, json=body)
    assert answer.status_code == 403
    assert _error(answer).error.code is ErrorCode.DEVICE_REVOKED
    assert "device_revoked" in _outcomes(trust, device.device_id)


@pytest.mark.parametrize("skew", [timedelta(minutes=6), -timedelta(minutes=30)])
def test_a_device_clock_too_far_off_is_refused(trust: Trust, skew: timedelta) -> None:
    device = trust.device(trust.ward())
    answer = device.request("GET", "/revisions", headers=device_headers(device.token, skew))
    assert answer.status_code == 409
    refusal = _error(answer).error
    assert refusal.code is ErrorCode.CLOCK_SKEW
    assert ("ahead of" if skew > timedelta(0) else "behind") in refusal.message


def test_a_clock_a_little_off_is_fine(trust: Trust) -> None:
    device = trust.device(trust.ward())
    answer = device.request(
        "GET", "/revisions", headers=device_headers(device.token, timedelta(minutes=4))
    )
    assert answer.status_code == 200


@pytest.mark.parametrize("value", [None, "yesterday", "2026-12-06T09:00:00"])
def test_the_device_time_header_is_required_with_an_offset(trust: Trust, value: str | None) -> None:
    device = trust.device(trust.ward())
    headers = {"Authorization": f"Bearer {device.token}"}
    if value is not None:
        headers[DEVICE_TIME_HEADER] = value
    answer = _call(trust.url, "GET", "/device", None, headers)
    assert answer.status_code == 422
    refusal = _error(answer).error
    assert refusal.code is ErrorCode.INVALID
    assert refusal.field == DEVICE_TIME_HEADER


def test_unknown_paths_and_methods_get_the_error_shape(trust: Trust) -> None:
    with httpx.Client(base_url=trust.url, timeout=30) as client:
        missing = client.get("/v2/anything")
        wrong_method = client.delete("/v1/revisions")
    assert missing.status_code == 404
    assert _error(missing).error.code is ErrorCode.NOT_FOUND
    assert wrong_method.status_code == 405
    assert _error(wrong_method).error.code is ErrorCode.INVALID


def test_a_body_that_is_not_json_gets_the_error_shape(trust: Trust) -> None:
    device = trust.device(trust.ward())
    answer = device.request(
        "POST",
        "/revisions",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert _error(answer).error.code is ErrorCode.INVALID


def test_schema_errors_name_the_field(trust: Trust) -> None:
    device = trust.device(trust.ward())
    answer = device.request("GET", "/revisions", params={"after": -1})
    assert answer.status_code == 422
    refusal = _error(answer).error
    assert refusal.field == "after"
    assert refusal.message.startswith("after: ")


def test_a_database_that_does_not_answer_is_503_in_the_error_shape() -> None:
    # Nothing listens on port 9 (discard) on this machine: the driver cannot connect.
    settings = ServerSettings(database_url="postgresql+psycopg://postgres@127.0.0.1:9/none")
    with ServerThread(settings) as server:
        answer = _call(server.url, "GET", "/device", None, device_headers("x" * 43))
        enrol = _call(
            server.url,
            "POST",
            "/enrol",
            {"code": "ABCD-EFGH-JKLM-NPQR", "device_name": "PC"},
            device_headers(None),
        )
    for refused in (answer, enrol):
        assert refused.status_code == 503
        assert _error(refused).error.code is ErrorCode.UNAVAILABLE
        assert refused.headers["Retry-After"] == "30"


def test_health_says_whether_the_database_answers(trust: Trust) -> None:
    with plain_http(trust.url) as client:
        assert client.get(f"{trust.url}/health").json() == {"status": "ok"}
    settings = ServerSettings(database_url="postgresql+psycopg://postgres@127.0.0.1:9/none")
    with ServerThread(settings) as server, plain_http(server.url) as client:
        down = client.get(f"{server.url}/health")
    assert down.status_code == 503
    assert _error(down).error.code is ErrorCode.UNAVAILABLE


def test_settings_refuse_a_lock_before_the_slow_down() -> None:
    with pytest.raises(ValueError, match="sign_in_lock_after"):
        ServerSettings(sign_in_slow_after=5, sign_in_lock_after=5)
