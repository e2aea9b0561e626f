"""A throwaway RFC 3161 timestamp authority on loopback, for signing the MSI in the installer
tests without the network: an HTTP server that answers each timestamp request (``POST``,
``application/timestamp-query``) with ``openssl ts -reply``, signed by a TSA certificate made
for the run under its own throwaway CA (extendedKeyUsage critical timeStamping, as RFC 3161
demands). ``url`` goes to ``RPR_TIMESTAMP_URL``; ``ca_file`` to ``installers/verify --tsa-ca``.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

_OPENSSL_CONFIG = """\
[ tsa ]
default_tsa = rpr_test_tsa

[ rpr_test_tsa ]
serial = {folder}/serial
crypto_device = builtin
signer_cert = {folder}/tsa.pem
certs = {folder}/tsa-ca.pem
signer_key = {folder}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.4146.2.3
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=60)


class TimestampAuthority:
    """Start with ``with TimestampAuthority() as tsa:``; stops and forgets its keys after."""

    def __init__(self) -> None:
        self._temporary = tempfile.TemporaryDirectory(prefix="rpr-tsa.")
        self.folder = Path(self._temporary.name)
        self.ca_file = self.folder / "tsa-ca.pem"
        self.requests = 0
        self._make_certificates()
        self._lock = threading.Lock()
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    reply = authority.reply(query)
                except subprocess.CalledProcessError:
                    self.send_error(400, "not a timestamp request openssl can answer")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Quiet: the tests read the build's own output."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def _make_certificates(self) -> None:
        folder = self.folder
        _openssl(
            "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-days", "2", "-sha256",
            "-keyout", folder / "tsa-ca.key", "-out", self.ca_file,
            "-subj", "/CN=RPR test timestamp CA, not for deployment",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
        _openssl(
            "req", "-newkey", "rsa:3072", "-nodes", "-sha256", "-keyout", folder / "tsa.key",
            "-out", folder / "tsa.csr", "-subj", "/CN=RPR test timestamp authority",
        )  # fmt: skip
        (folder / "tsa.ext").write_text(
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=critical,timeStamping\n"
        )
        _openssl(
            "x509", "-req", "-in", folder / "tsa.csr", "-CA", self.ca_file,
            "-CAkey", folder / "tsa-ca.key", "-CAcreateserial", "-days", "2", "-sha256",
            "-extfile", folder / "tsa.ext", "-out", folder / "tsa.pem",
        )  # fmt: skip
        (folder / "serial").write_text("01\n")
        (folder / "openssl.cnf").write_text(_OPENSSL_CONFIG.format(folder=folder))

    def reply(self, query: bytes) -> bytes:
        """The DER timestamp response to a DER timestamp request (one at a time: the serial)."""
        with self._lock:
            self.requests += 1
            request, response = self.folder / "request.tsq", self.folder / "response.tsr"
            request.write_bytes(query)
            _openssl(
                "ts", "-reply", "-config", self.folder / "openssl.cnf",
                "-queryfile", request, "-out", response,
            )  # fmt: skip
            return response.read_bytes()

    def __enter__(self) -> TimestampAuthority:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._temporary.cleanup()
