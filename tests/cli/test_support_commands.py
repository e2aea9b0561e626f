"""The support commands, run as a member of trust IT would run them."""

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import EXIT_USER_ERROR, main
from app.cli.self_test import check_file_is_encrypted
from app.store import migrate
from app.store.keyslots import KdfParams
from app.store.layout import StoreFiles
from app.store.store import Store
from tests.cli.conftest import PASSWORD

CHEAP_KDF = KdfParams(time_cost=1, memory_kib=1024, parallelism=1)


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
    assert "ok    check the store file is encrypted" in result.stdout


def test_the_self_test_tells_a_plain_sqlite_file_from_an_encrypted_store(
    tmp_path: Path, recovery_files: tuple[Path, Path]
) -> None:
    public_pem = recovery_files[1].read_bytes()
    made = {}
    for name, encrypted in (("plain", False), ("encrypted", True)):
        Store.create(
            tmp_path / name,
            username="self.test",
            password=PASSWORD,
            recovery_public_key_pem=public_pem,
            kdf=CHEAP_KDF,
            encrypted=encrypted,
        ).close()
        made[name] = StoreFiles(tmp_path / name).db
    assert made["plain"].read_bytes().startswith(b"SQLite format 3")  # the fault is real
    with pytest.raises(AssertionError, match="plain SQLite, not encrypted"):
        check_file_is_encrypted(made["plain"])
    check_file_is_encrypted(made["encrypted"])


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


def _keygen_typed(out: Path, typed: str) -> subprocess.CompletedProcess[str]:
    """Run `rpr recovery-keygen` as a person would, typing ``typed`` at the prompts (a new
    session has no terminal, so getpass reads the lines from stdin)."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", "recovery-keygen", "--out", str(out)],
        input=typed,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        start_new_session=True,
    )


def test_recovery_keygen_asks_for_the_passphrase_twice_and_refuses_a_mismatch(
    tmp_path: Path,
) -> None:
    out = tmp_path / "trust.pem"
    result = _keygen_typed(out, "the trust safe passphrase\nthe trust safe passphrsae\n")
    assert result.returncode == EXIT_USER_ERROR, result.stdout + result.stderr
    assert "The two passphrases do not match; nothing was changed." in result.stderr
    assert "passphrsae" not in result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []


def test_recovery_keygen_writes_the_pair_when_the_passphrase_is_typed_the_same_twice(
    tmp_path: Path,
) -> None:
    out = tmp_path / "trust.pem"
    result = _keygen_typed(out, "the trust safe passphrase\nthe trust safe passphrase\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Type it again" in result.stderr  # getpass prompts on stderr without a terminal
    assert b"ENCRYPTED PRIVATE KEY" in out.read_bytes()
    assert (tmp_path / "trust.pem.pub").is_file()


def test_recovery_keygen_refuses_a_folder_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RPR_RECOVERY_PASSPHRASE", "the trust safe passphrase")
    out = tmp_path / "missing" / "trust.pem"
    assert main(["recovery-keygen", "--out", str(out)]) == EXIT_USER_ERROR
    assert f"The folder {out.parent} does not exist" in capsys.readouterr().err
    assert not out.parent.exists()
