"""A loopback HTTP proxy that breaks sync traffic on a seeded schedule.

Sits between a ward client and the trust server and, for each request, draws one fault from a
``random.Random(seed)``: pass it through, delay it, drop the request before the server sees it,
send it to the server twice (a retransmission), cut the response after the server has
committed (the client never learns its push was taken), or send half the response and hang up.
The same seed gives the same schedule of faults for the same sequence of requests.

``faults_on = False`` turns it into a plain pass-through (the "one clean sync" after faults).
"""

from __future__ import annotations

import http.client
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Fault(StrEnum):
    """What the proxy does to one request."""

    PASS = "pass"
    DELAY = "delay"
    DROP_REQUEST = "drop_request"  # the server never sees it
    DUPLICATE = "duplicate"  # the server sees it twice; the client gets the second answer
    CUT_RESPONSE = "cut_response"  # the server handled it; the client gets nothing
    HALF_RESPONSE = "half_response"  # the client gets half the answer, then the line drops


#: How often each fault is drawn while faults are on.
WEIGHTS: dict[Fault, int] = {
    Fault.PASS: 40,
    Fault.DELAY: 15,
    Fault.DROP_REQUEST: 12,
    Fault.DUPLICATE: 12,
    Fault.CUT_RESPONSE: 12,
    Fault.HALF_RESPONSE: 9,
}


@dataclass
class Schedule:
    """The seeded source of faults, shared by the proxy's threads."""

    seed: int
    faults_on: bool = True
    max_delay_s: float = 0.05
    drawn: Counter[Fault] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def next_fault(self) -> tuple[Fault, float]:
        """The fault for the next request, and a delay to apply before it."""
        with self._lock:
            if not self.faults_on:
                return Fault.PASS, 0.0
            fault = self._random.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            delay = self._random.uniform(0, self.max_delay_s) if fault is Fault.DELAY else 0.0
            self.drawn[fault] += 1
            return fault, delay


class FaultProxy:
    """A proxy on 127.0.0.1 (an ephemeral port) in front of ``upstream`` (``http://host:port``)."""

    def __init__(self, upstream: str, seed: int) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.schedule = Schedule(seed)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Where clients should connect."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FaultProxy:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Answers go out at once, not after the peer's delayed ACK (~40 ms each).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Quiet: the traffic may carry clinical data."""

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers["Content-Length"] = str(len(body))
                fault, delay = proxy.schedule.next_fault()
                if delay:
                    time.sleep(delay)  # the fault itself: a slow network
                if fault is Fault.DROP_REQUEST:
                    self.close_connection = True
                    return
                try:
                    status, answer_headers, answer = proxy._forward(
                        self.command, self.path, headers, body
                    )
                    if fault is Fault.DUPLICATE:
                        status, answer_headers, answer = proxy._forward(
                            self.command, self.path, headers, body
                        )
                except OSError:
                    self.close_connection = True  # the server is down: so is the line
                    return
                if fault is Fault.CUT_RESPONSE:
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in answer_headers:
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if fault is Fault.HALF_RESPONSE:
                    self.wfile.write(answer[: len(answer) // 2])
                    self.close_connection = True
                    return
                self.wfile.write(answer)

            do_GET = _relay  # noqa: N815
            do_POST = _relay  # noqa: N815
            do_PUT = _relay  # noqa: N815
            do_DELETE = _relay  # noqa: N815

        return Handler
