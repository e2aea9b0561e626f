"""``rpr-server`` as trust IT types it: initialise the trust (the recovery key pair, its
private half passphrase-protected and said to be kept offline), wards, accounts, enrolment
codes, devices; clear refusals with exit codes and no stack traces."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from app.store.keyslot_crypto import generate_recovery_key_pair
from app.sync.wire import EnrolResponse
from server.cli import main
from server.credentials import code_hash
from server.db import make_engine, session_factory
from server.settings import ServerSettings
from server.tables import EnrolmentCodeRow, TrustRow
from tests.server.harness import ServerThread, device_headers, migrated_database

PASSPHRASE = "a passphrase kept in the safe"
PASSWORD = "a long enough password"
CODE = re.compile(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with migrated_database("rpr_server_cli") as url:
        yield url


@pytest.fixture
def admin_cli(database: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["admin", "--database-url", database, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def initialised(database: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    (folder / "passphrase").write_text(PASSPHRASE + "\n")
    code = main(
        [
            "admin",
            "--database-url",
            database,
            "init-trust",
            "--name",
            "Meadowbank NHS Trust",
            "--recovery-key-out",
            str(folder / "recovery.pem"),
            "--passphrase-file",
            str(folder / "passphrase"),
        ]
    )
    assert code == 0
    return folder


def test_init_trust_writes_the_recovery_key_pair(
    initialised: Path,
    database: str,
    admin_cli,  # type: ignore[no-untyped-def]
) -> None:
    private = initialised / "recovery.pem"
    public = initialised / "recovery.pem.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    with pytest.raises((TypeError, ValueError)):
        serialization.load_pem_private_key(private.read_bytes(), password=None)
    key = serialization.load_pem_private_key(private.read_bytes(), PASSPHRASE.encode())
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 4096
    engine = make_engine(database)
    with session_factory(engine)() as session:
        trust = session.scalar(select(TrustRow))
    engine.dispose()
    assert trust is not None
    assert trust.recovery_public_key_pem == public.read_text()
    again, _, err = admin_cli(
        "init-trust", "--name", "Another", "--recovery-key-out", str(initialised / "other.pem")
    )
    assert again == 2
    assert "already initialised" in err
    assert not (initialised / "other.pem").exists()


def test_init_trust_says_to_keep_the_private_key_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pass").write_text(PASSPHRASE)
    with migrated_database("rpr_server_cli_init") as url:
        code = main(
            [
                "admin",
                "--database-url",
                url,
                "init-trust",
                "--name",
                "Trust",
                "--recovery-key-out",
                str(tmp_path / "key.pem"),
                "--passphrase-file",
                str(tmp_path / "pass"),
            ]
        )
    out = capsys.readouterr().out
    assert code == 0
    assert "KEEP IT OFFLINE" in out
    assert PASSPHRASE not in out


def test_wards_accounts_codes_and_devices(
    initialised: Path,
    database: str,
    admin_cli,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    ward = ("--code", "BIR-1", "--beds", "16", "--site", "Meadowbank Hospital")
    assert admin_cli("add-ward", "--name", "Birch Ward", *ward)[0] == 0
    duplicate = admin_cli("add-ward", "--name", "Birch Ward", *ward)
    assert duplicate[0] == 2
    assert "already a ward called Birch Ward" in duplicate[2]
    (tmp_path / "password").write_text(PASSWORD + "\n")
    added = admin_cli(
        "add-account",
        "--username",
        "birch.nurse",
        "--name",
        "Birch Nurse",
        "--role",
        "nurse",
        "--ward",
        "Birch Ward",
        "--job-title",
        "Staff nurse",
        "--clinical-role",
        "registered_nurse",
        "--password-file",
        str(tmp_path / "password"),
    )
    assert added[0] == 0, added
    assert PASSWORD not in added[1]
    (tmp_path / "short").write_text("short\n")
    weak = admin_cli(
        "add-account", "--username", "birch.other", "--name", "Other", "--role", "nurse",
        "--ward", "Birch Ward", "--job-title", "Staff nurse", "--clinical-role", "registered_nurse",
        "--password-file", str(tmp_path / "short"),
    )  # fmt: skip
    assert weak[0] == 2
    assert "password: must be at least 10 characters" in weak[2]
    no_ward = admin_cli(
        "add-account", "--username", "x.y", "--name", "X", "--role", "ward_manager",
        "--password-file", str(tmp_path / "password"),
    )  # fmt: skip
    assert no_ward[0] == 2
    assert "--ward" in no_ward[2]

    issued = admin_cli("issue-code", "--ward", "Birch Ward", "--valid-hours", "2")
    assert issued[0] == 0
    found = CODE.search(issued[1])
    assert found is not None
    code = found.group(0)
    engine = make_engine(database)
    sessions = session_factory(engine)
    with sessions() as session:
        stored = session.scalars(select(EnrolmentCodeRow.code_hash)).all()
    assert code_hash(code) in stored
    assert all(code not in value for value in stored)

    with ServerThread(ServerSettings(database_url=database)) as server:
        answer = httpx.post(
            f"{server.url}/v1/enrol",
            json={"code": code, "device_name": "Birch PC 1"},
            headers=device_headers(None),
        )
    engine.dispose()
    assert answer.status_code == 200
    device_id = str(EnrolResponse.model_validate_json(answer.content).device_id)
    listed = admin_cli("devices")
    assert device_id in listed[1]
    assert "Birch PC 1" in listed[1]
    assert "active" in listed[1]
    assert admin_cli("revoke-device", device_id)[0] == 0
    assert "revoked" in admin_cli("devices")[1]
    unknown = admin_cli("revoke-device", "not-an-id")
    assert unknown[0] == 2
    assert "device:" in unknown[2]


def test_serve_refuses_plain_http_beyond_this_machine(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["serve", "--host", "0.0.0.0", "--database-url", "sqlite:///unused.db"])  # noqa: S104
    err = capsys.readouterr().err
    assert code == 2
    assert "Refusing plain HTTP on 0.0.0.0" in err
    assert "Traceback" not in err
    assert not Path("unused.db").exists()


def test_a_database_that_does_not_answer_is_a_clear_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["admin", "--database-url", "postgresql+psycopg://postgres@127.0.0.1:9/x", "wards"])
    err = capsys.readouterr().err
    assert code == 75
    assert "database does not answer" in err
    assert "Traceback" not in err


def test_init_trust_with_a_key_made_by_rpr_recovery_keygen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _private, public = generate_recovery_key_pair(passphrase=b"kept offline")
    (tmp_path / "recovery.pub").write_bytes(public)
    (tmp_path / "small.pub").write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with migrated_database("rpr_server_cli_pub") as url:
        base = ["admin", "--database-url", url, "init-trust", "--name", "T"]
        weak = main([*base, "--recovery-public-key", str(tmp_path / "small.pub")])
        assert weak == 2
        assert "at least 3072" in capsys.readouterr().err
        assert main([*base, "--recovery-public-key", str(tmp_path / "recovery.pub")]) == 0
        engine = make_engine(url)
        with session_factory(engine)() as session:
            stored = session.scalar(select(TrustRow.recovery_public_key_pem))
        engine.dispose()
    assert stored == public.decode()


def test_serve_wants_both_halves_of_tls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cert.pem").write_text("x")
    code = main(["serve", "--tls-cert", str(tmp_path / "cert.pem")])
    assert code == 2
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err


def test_wards_and_unlock(initialised: Path, admin_cli) -> None:  # type: ignore[no-untyped-def]
    added = admin_cli(
        "add-ward", "--name", "Cedar Ward", "--code", "CED-1", "--beds", "12", "--site", "Elm Site"
    )
    assert added[0] == 0
    assert "Cedar Ward" in admin_cli("wards")[1]
    unknown = admin_cli("unlock-account", "no.such-person")
    assert unknown[0] == 2
    assert "no account" in unknown[2]
    missing_ward = admin_cli("issue-code", "--ward", "Nowhere Ward")
    assert missing_ward[0] == 2
    assert "ward:" in missing_ward[2]
