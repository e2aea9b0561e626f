"""The one-machine demo: the same schema and endpoints on the embedded SQLite default, and
``rpr-server serve`` with a TLS certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path
from uuid import uuid4

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.models.clock import utc_now
from server import admin
from server.db import make_engine, session_factory
from server.migrate import upgrade
from server.settings import DEFAULT_DATABASE_URL, ServerSettings
from tests.models import builders as b
from tests.server.harness import (
    ServerThread,
    Trust,
    device_headers,
    free_port,
    recovery_public_key_pem,
    served_process,
)


def test_the_default_database_is_an_sqlite_file() -> None:
    assert DEFAULT_DATABASE_URL.startswith("sqlite:///")
    assert ServerSettings().database_url == DEFAULT_DATABASE_URL


def test_enrol_sign_in_push_and_pull_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo' / 'server.db'}"
    engine = make_engine(url)
    assert upgrade(engine) == upgrade(engine)  # a second run finds nothing to do
    sessions = session_factory(engine)
    with sessions() as session:
        admin.init_trust(session, "Demo Trust", recovery_public_key_pem())
        session.commit()
    try:
        with ServerThread(ServerSettings(database_url=url)) as server:
            trust = Trust(server.url, url, sessions, ServerSettings(database_url=url))
            ward = trust.ward("Demo Ward")
            device, nurse = trust.signed_in_device(ward)
            revisions = [
                device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse) for _ in range(3)
            ]
            first = device.push(*revisions).json()
            again = device.push(*revisions).json()
            assert (
                first["acknowledged"]
                == again["acknowledged"]
                == [str(r.revision_id) for r in revisions]
            )
            other, _ = trust.signed_in_device(ward)
            pulled = other.pull_made_on_pcs()
            assert [p["revision"]["revision_id"] for p in pulled] == first["acknowledged"]
            assert [p["seq"] for p in pulled] == sorted(p["seq"] for p in pulled)
    finally:
        engine.dispose()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(utc_now() - dt.timedelta(minutes=5))
        .not_valid_after(utc_now() + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_serve_over_tls(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    port = free_port()
    with served_process(
        "--port",
        str(port),
        "--database-url",
        f"sqlite:///{tmp_path / 'tls.db'}",
        "--tls-cert",
        str(cert),
        "--tls-key",
        str(key),
    ):
        answer = httpx.get(
            f"https://127.0.0.1:{port}/v1/device",
            headers=device_headers(None),
            verify=ssl.create_default_context(cafile=str(cert)),
        )
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "no_credential"
