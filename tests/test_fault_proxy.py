"""The fault proxy used by the sync fault runs does what it says, reproducibly by seed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from tests.fault_proxy import Fault, FaultProxy, Schedule


class _Counter(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append(body.decode())
        answer = b'{"ok":"' + body + b'"}' * 50
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def upstream() -> Iterator[str]:
    _Counter.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _outcomes(proxy_url: str, count: int) -> list[str]:
    results = []
    with httpx.Client(base_url=proxy_url, timeout=10) as client:
        for n in range(count):
            try:
                response = client.post("/x", content=str(n).encode())
                results.append("ok" if response.content.endswith(b"}") else "short")
            except httpx.TransportError:
                results.append("failed")
    return results


def test_the_same_seed_gives_the_same_faults() -> None:
    one, two = Schedule(seed=7), Schedule(seed=7)
    assert [one.next_fault()[0] for _ in range(50)] == [two.next_fault()[0] for _ in range(50)]


def test_faults_reach_the_client_and_the_server(upstream: str) -> None:
    with FaultProxy(upstream, seed=3) as proxy:
        outcomes = _outcomes(proxy.url, 120)
        drawn = proxy.schedule.drawn
    assert "failed" in outcomes
    assert "ok" in outcomes
    for fault in Fault:
        assert drawn[fault] > 0, fault
    # Dropped requests never reached the server; duplicates reached it twice.
    expected = 120 - drawn[Fault.DROP_REQUEST] + drawn[Fault.DUPLICATE]
    assert len(_Counter.seen) == expected


def test_with_faults_off_every_request_passes_once(upstream: str) -> None:
    with FaultProxy(upstream, seed=3) as proxy:
        proxy.schedule.faults_on = False
        outcomes = _outcomes(proxy.url, 30)
    assert outcomes == ["ok"] * 30
    assert _Counter.seen == [str(n) for n in range(30)]
