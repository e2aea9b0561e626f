"""Parts of the fault runs (test_fault_runs.py) that are processes or sockets: the trust
server as a real ``rpr-server serve`` process that can be SIGKILLed and started again on the
same port, a fault proxy that can kill the server or signal the test at a chosen request, and
the ward PC's sync run in a child process (forkserver) that the test SIGKILLs.

Everything here waits on pipes, sockets and process sentinels; nothing sleeps except the
fault itself (a random moment between a request reaching the server and the server's death).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from multiprocessing.connection import Connection
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.fault_proxy import FaultProxy


class ServerProcess:
    """``rpr-server serve`` on a fixed loopback port, as its own process."""

    def __init__(self, database_url: str, port: int) -> None:
        self.database_url = database_url
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[str] | None = None
        self.starts = 0
        self.kills = 0

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start serving; returns once uvicorn says it accepts requests (its log is read line
        by line, blocking, so nothing sleeps)."""
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
            env=os.environ | {"RPR_SERVER_DATABASE_URL": self.database_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        for line in process.stderr:
            if "Uvicorn running on" in line:
                break
        else:
            raise AssertionError(f"rpr-server serve exited with {process.wait()} before serving")
        # Keep draining its log so a chatty server never blocks on a full pipe.
        threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
        self.process = process
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: no shutdown, no clean-up; PostgreSQL rolls back what was open."""
        if self.process is not None and self.alive:
            self.process.kill()
            self.kills += 1
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.alive:
            self.process.terminate()
            self.process.wait(timeout=30)


def _drain(stream: object) -> None:
    with contextlib.suppress(ValueError, OSError), stream:  # type: ignore[attr-defined]
        for _ in stream:  # type: ignore[attr-defined]
            pass


class KillingProxy(FaultProxy):
    """The seeded fault proxy, plus two faults of its own, each at a chosen request number:

    - ``kill_server_at``: the request is sent to the server, and after a random moment
      (0–``max_kill_delay_s``) the server process is SIGKILLed, before or while it handles it;
    - ``signal_at``: the test is told (a byte on a pipe) when that request arrives, so it can
      SIGKILL the ward PC's sync process there.
    """

    def __init__(self, server: ServerProcess, seed: int, max_kill_delay_s: float = 0.03) -> None:
        super().__init__(server.url, seed)
        self.server = server
        self.requests = 0
        self.kill_server_at: int | None = None
        self.signal_at: int | None = None
        self.kill_delay_s = 0.0
        self.max_kill_delay_s = max_kill_delay_s
        self.signal_read, self._signal_write = os.pipe()
        self._count_lock = threading.Lock()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        relay = super()._handler_class()

        class NoDelayHandler(relay):  # type: ignore[valid-type, misc]
            def setup(self) -> None:
                super().setup()
                # The answer goes out as headers then body; without this each answer waits
                # ~40 ms for the client's delayed ACK (Nagle), and the runs crawl.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        return NoDelayHandler

    def stop(self) -> None:
        super().stop()
        os.close(self.signal_read)
        os.close(self._signal_write)

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        with self._count_lock:
            self.requests += 1
            number = self.requests
        if number == self.signal_at:
            os.write(self._signal_write, b"!")
        if number == self.kill_server_at:
            return self._forward_and_kill(method, path, headers, body)
        return super()._forward(method, path, headers, body)

    def _forward_and_kill(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            # The fault itself: the server dies a random moment into handling this request.
            threading.Event().wait(self.kill_delay_s)
            self.server.kill()
            response = conn.getresponse()  # the server may have answered just before dying
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()


def sync_until_killed(
    data_dir: Path,
    done: Connection,
    *,
    username: str,
    password: str,
    url: str,
    ca_certificate: Path,
    push_batch: int,
) -> None:
    """The child process: open the ward PC's store and sync through ``url`` again and again
    (a failed sync is tried again at once) until the test SIGKILLs it; each sync's outcome
    goes down ``done``."""
    from app.models.errors import UserFacingError
    from app.store.store import Store
    from app.sync.engine import SyncEngine
    from app.sync.transport import Transport

    store = Store.open(data_dir, username, password)
    enrolment = store.sync.enrolment()
    assert enrolment is not None
    while True:
        try:
            with Transport(
                url, token=enrolment.device_token, ca_certificate=ca_certificate
            ) as transport:
                SyncEngine(store.sync, transport, push_batch=push_batch).run()
        except UserFacingError as exc:
            done.send(f"failed: {type(exc).__name__}")
        else:
            done.send("synced")


def small_ca_certificate(path: Path) -> Path:
    """A self-signed certificate for the transport's CA setting. Plain-HTTP loopback never
    uses it; it only spares loading the system's CA bundle (~40 ms) on every sync."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "RPR fault-run test CA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path
