"""The support commands, run as a member of trust IT would run them."""

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import EXIT_USER_ERROR, main
from app.store import migrate
from app.store.keyslots import generate_recovery_key_pair

PASSWORD = "a long admin passphrase"


@pytest.fixture
def recovery_files(tmp_path: Path) -> tuple[Path, Path]:
    private_pem, public_pem = generate_recovery_key_pair()
    private, public = tmp_path / "trust-recovery.pem", tmp_path / "trust-recovery.pem.pub"
    private.write_bytes(private_pem)
    public.write_bytes(public_pem)
    return private, public


@pytest.fixture
def standalone_store(
    tmp_path: Path, recovery_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Path:
    data_dir = tmp_path / "ward"
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    code = main(
        [
            "init",
            "--data-dir",
            str(data_dir),
            "--user",
            "local.admin",
            "--recovery-public-key",
            str(recovery_files[1]),
        ]
    )
    assert code == 0
    return data_dir


def test_self_test_passes_on_this_pc() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "self-test"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Self-test passed." in result.stdout
    assert "ok    verify hashes and the audit chain" in result.stdout


def test_status_and_verify_on_a_new_store(
    standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--data-dir", str(standalone_store), "--user", "local.admin"]) == 0
    out = capsys.readouterr().out
    assert f"schema version  {migrate.head_revision()}" in out
    assert "accounts on PC  local.admin" in out
    assert main(["verify", "--data-dir", str(standalone_store), "--user", "local.admin"]) == 0
    assert "The store is intact." in capsys.readouterr().out


def test_wrong_password_is_a_clear_message(
    standalone_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RPR_PASSWORD", "not the password at all")
    code = main(["status", "--data-dir", str(standalone_store), "--user", "local.admin"])
    assert code == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "The password for local.admin is not right" in err
    assert "not the password at all" not in err


def test_recover_sets_a_new_password_when_every_password_is_lost(
    standalone_store: Path,
    recovery_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RPR_PASSWORD", "the replacement passphrase")
    code = main(
        [
            "recover",
            "--data-dir",
            str(standalone_store),
            "--recovery-key",
            str(recovery_files[0]),
            "--user",
            "local.admin",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert main(["verify", "--data-dir", str(standalone_store), "--user", "local.admin"]) == 0
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    assert main(["status", "--data-dir", str(standalone_store), "--user", "local.admin"]) == 2


def test_a_short_new_password_is_refused_naming_the_rule(
    tmp_path: Path,
    recovery_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RPR_PASSWORD", "short")
    code = main(
        [
            "init",
            "--data-dir",
            str(tmp_path / "ward"),
            "--user",
            "local.admin",
            "--recovery-public-key",
            str(recovery_files[1]),
        ]
    )
    assert code == EXIT_USER_ERROR
    assert "password: must be at least 10 characters" in capsys.readouterr().err
    assert not (tmp_path / "ward").exists()


def test_status_of_a_folder_without_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    assert main(["status", "--data-dir", str(tmp_path / "nothing"), "--user", "x.y"]) == 2
    assert "There is no store in" in capsys.readouterr().err


def test_recovery_keygen_writes_a_protected_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RPR_RECOVERY_PASSPHRASE", "the trust safe passphrase")
    out = tmp_path / "trust.pem"
    assert main(["recovery-keygen", "--out", str(out)]) == 0
    assert b"ENCRYPTED PRIVATE KEY" in out.read_bytes()
    assert (tmp_path / "trust.pem.pub").read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert out.stat().st_mode & 0o077 == 0
    assert main(["recovery-keygen", "--out", str(out)]) == 2  # never overwrites a key
    assert "already exists" in capsys.readouterr().out
