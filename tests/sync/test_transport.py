"""The transport's own rules, over real HTTP on loopback: headers on every request, answers
that are not usable become "offline", refusals become typed errors with sentences for people,
and plain HTTP only to this PC. (Refusals of the real trust server: tests/sync/test_engine.)"""

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.models.errors import UserFacingError
from app.sync.errors import ClockSkewRefused, CredentialRefused, ServerRefused, ServerUnreachable
from app.sync.transport import Transport, checked_server_url
from app.sync.wire import DEVICE_TIME_HEADER, ErrorCode


class Canned:
    """What the stub answers next, and what it was asked."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b"{}"
        self.headers: dict[str, str] = {}
        self.cut_after: int | None = None
        self.seen: list[dict[str, str]] = []


@pytest.fixture
def stub() -> Iterator[tuple[str, Canned]]:
    canned = Canned()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            canned.seen.append(
                {k.lower(): v for k, v in self.headers.items()}
                | {"path": self.path, "body": body.decode()}
            )
            self.send_response_only(canned.status)
            for name, value in canned.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            body = canned.body if canned.cut_after is None else canned.body[: canned.cut_after]
            self.wfile.write(body)
            if canned.cut_after is not None:
                self.close_connection = True

        do_GET = do_POST = _answer  # noqa: N815 - the names http.server calls

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", canned
    server.shutdown()
    server.server_close()


def error(code: ErrorCode, message: str = "refused", field: str | None = None) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "field": field}}).encode()


def test_every_request_carries_the_device_time_and_the_credential(
    stub: tuple[str, Canned],
) -> None:
    url, canned = stub
    canned.status, canned.body = 503, error(ErrorCode.UNAVAILABLE)
    fixed = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    with (
        Transport(url, token="t" * 40, clock=lambda: fixed) as transport,
        pytest.raises(ServerUnreachable),
    ):
        transport.pull(after=5, limit=10)
    seen = canned.seen[0]
    assert seen["path"] == "/v1/revisions?after=5&limit=10"
    assert seen["authorization"] == "Bearer " + "t" * 40
    assert datetime.fromisoformat(seen[DEVICE_TIME_HEADER.lower()]) == fixed


def test_an_enrolment_carries_no_credential(stub: tuple[str, Canned]) -> None:
    url, canned = stub
    canned.status, canned.body = 403, error(ErrorCode.CODE_INVALID)
    with Transport(url) as transport, pytest.raises(CredentialRefused, match="new code"):
        transport.enrol("abcd-efgh-jkmn-pqrs", "Ward PC 3")
    assert "authorization" not in canned.seen[0]


def test_an_enrolment_sends_the_ward_setting_only_when_there_is_one(
    stub: tuple[str, Canned],
) -> None:
    url, canned = stub
    canned.status, canned.body = 403, error(ErrorCode.CODE_INVALID)
    with Transport(url) as transport:
        for ward in (None, "OAK"):
            with pytest.raises(CredentialRefused):
                transport.enrol("abcd-efgh-jkmn-pqrs", "Ward PC 3", ward=ward)
    # Without the setting, the body an older server knows (it refuses unknown fields).
    assert [json.loads(seen["body"]) for seen in canned.seen] == [
        {"code": "ABCD-EFGH-JKMN-PQRS", "device_name": "Ward PC 3"},
        {"code": "ABCD-EFGH-JKMN-PQRS", "device_name": "Ward PC 3", "ward_code": "OAK"},
    ]


def test_a_code_for_another_ward_is_explained_with_the_ward_setting(
    stub: tuple[str, Canned],
) -> None:
    url, canned = stub
    canned.status = 409
    canned.body = error(ErrorCode.WARD_MISMATCH, "for another ward", field="ward_code")
    with Transport(url) as transport, pytest.raises(ServerRefused) as caught:
        transport.enrol("abcd-efgh-jkmn-pqrs", "Ward PC 3", ward="OAK")
    assert caught.value.code is ErrorCode.WARD_MISMATCH
    assert str(caught.value) == (
        "This PC is set up by trust IT for ward OAK (the ward setting); this enrolment code is "
        "for another ward. Nothing was changed; ask trust IT for a code for OAK."
    )


@pytest.mark.parametrize(
    ("status", "body", "cut_after"),
    [
        (502, b"<html>Bad gateway</html>", None),  # a proxy's page, not the error shape
        (200, b'{"acknowledged": [', None),  # not a whole answer
        (200, json.dumps({"acknowledged": [], "server_time": "2026-12-06T09:00:00Z"}).encode(), 10),
    ],
)
def test_an_answer_that_cannot_be_used_means_offline(
    stub: tuple[str, Canned], status: int, body: bytes, cut_after: int | None
) -> None:
    url, canned = stub
    canned.status, canned.body, canned.cut_after = status, body, cut_after
    with Transport(url, token="t" * 40) as transport, pytest.raises(ServerUnreachable) as caught:
        transport.device()
    assert "What is saved on this PC is kept." in str(caught.value)


def test_no_server_listening_means_offline() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with (
        Transport(f"http://127.0.0.1:{port}") as transport,
        pytest.raises(ServerUnreachable, match="cannot be reached"),
    ):
        transport.device()


def test_a_clock_skew_refusal_says_by_how_much(stub: tuple[str, Canned]) -> None:
    url, canned = stub
    server_now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    canned.status, canned.body = 409, error(ErrorCode.CLOCK_SKEW, "clock")
    canned.headers = {"Date": format_datetime(server_now, usegmt=True)}
    ahead = server_now + timedelta(minutes=12)
    with (
        Transport(url, token="t" * 40, clock=lambda: ahead) as transport,
        pytest.raises(ClockSkewRefused, match="about 12 minutes ahead of") as caught,
    ):
        transport.device()
    assert caught.value.code is ErrorCode.CLOCK_SKEW


@pytest.mark.parametrize(
    ("status", "code", "kind", "words"),
    [
        (401, ErrorCode.BAD_CREDENTIAL, CredentialRefused, "enrol it again"),
        (403, ErrorCode.DEVICE_REVOKED, CredentialRefused, "revoked"),
        (401, ErrorCode.SIGN_IN_FAILED, CredentialRefused, "username or password"),
        (423, ErrorCode.ACCOUNT_LOCKED, CredentialRefused, "locked"),
        (403, ErrorCode.FORBIDDEN, ServerRefused, "Not your ward."),
        (422, ErrorCode.INVALID, ServerRefused, "up to date"),
    ],
)
def test_refusals_are_typed_and_worded_for_people(
    stub: tuple[str, Canned], status: int, code: ErrorCode, kind: type, words: str
) -> None:
    url, canned = stub
    canned.status, canned.body = status, error(code, "Not your ward.")
    with Transport(url, token="t" * 40) as transport, pytest.raises(kind, match=words) as caught:
        transport.device()
    assert caught.value.code is code


def test_slow_down_says_how_long_to_wait(stub: tuple[str, Canned]) -> None:
    url, canned = stub
    canned.status, canned.body = 429, error(ErrorCode.SLOW_DOWN)
    canned.headers = {"Retry-After": "30"}
    with Transport(url, token="t" * 40) as transport, pytest.raises(CredentialRefused) as caught:
        transport.sign_in("ward.nurse", "a long password here")
    assert caught.value.retry_after == 30
    assert "wait 30 seconds" in str(caught.value)


def test_bad_input_is_refused_before_anything_is_sent(stub: tuple[str, Canned]) -> None:
    url, canned = stub
    with Transport(url) as transport, pytest.raises(UserFacingError, match="code") as caught:
        transport.enrol("not a code", "Ward PC")
    assert "not a code" not in str(caught.value)
    assert canned.seen == []


@pytest.mark.parametrize(
    "url",
    ["http://rpr.trust.example", "ftp://rpr.trust.example", "rpr.trust.example", "https://"],
)
def test_plain_http_is_only_for_this_pc_itself(url: str) -> None:
    with pytest.raises(UserFacingError, match="server"):
        checked_server_url(url)


@pytest.mark.parametrize(
    "url",
    ["https://rpr.trust.example/", "http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:9"],
)
def test_https_anywhere_and_http_on_loopback_are_accepted(url: str) -> None:
    assert checked_server_url(url) == url.rstrip("/")


def test_an_unreadable_trust_ca_certificate_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "trust-ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(UserFacingError, match="trust_ca_certificate"):
        Transport("https://rpr.trust.example", ca_certificate=bad)
