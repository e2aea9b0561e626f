"""The command line's one error boundary: options in either place, key files and settings
that are wrong give a plain message and exit 2, and a refused command changes nothing."""

import re
from pathlib import Path

import pytest

from app.cli.main import EXIT_USER_ERROR, main
from tests.cli.conftest import PASSWORD

SECRET = "Zyxwv-SETTINGS-4410"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every path under ``folder``: a file's bytes and mtime, a folder as None."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        if path.is_file()
        else None
        for path in sorted(folder.rglob("*"))
    }


def test_data_dir_may_come_before_or_after_the_command(
    standalone_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(standalone_store), "status", "--user", "local.admin"]) == 0
    assert f"folder          {standalone_store}" in capsys.readouterr().out
    assert main(["status", "--data-dir", str(standalone_store), "--user", "local.admin"]) == 0
    assert f"folder          {standalone_store}" in capsys.readouterr().out
    # Given both ways, the one after the command wins.
    nothing = str(tmp_path / "nothing")
    argv = ["--data-dir", nothing, "status", "--data-dir", str(standalone_store)]
    assert main([*argv, "--user", "local.admin"]) == 0


def test_a_wrong_password_changes_nothing_in_the_data_folder(
    standalone_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status = ["status", "--data-dir", str(standalone_store), "--user", "local.admin"]
    for _ in range(2):  # with no log file yet, then with one that has lines in it
        before = _snapshot(standalone_store)
        monkeypatch.setenv("RPR_PASSWORD", "not the password at all")
        assert main(status) == EXIT_USER_ERROR
        err = capsys.readouterr().err
        assert "The password for local.admin is not right" in err
        assert "not the password at all" not in err
        assert _snapshot(standalone_store) == before
        monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
        assert main(status) == 0
        capsys.readouterr()
    assert (standalone_store / "logs" / "rpr.log").stat().st_size > 0


@pytest.mark.parametrize("command", ["init", "demo-data"])
def test_a_missing_recovery_public_key_file_is_named(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    missing = tmp_path / "no-such-key.pem.pub"
    data_dir = tmp_path / "site" / "ward"
    argv = [command, "--data-dir", str(data_dir), "--recovery-public-key", str(missing)]
    assert main([*argv, *(["--user", "local.admin"] if command == "init" else [])]) == 2
    err = capsys.readouterr().err
    assert f"The recovery public key file {missing} cannot be read" in err
    assert "no such file or directory" in err
    assert "went wrong" not in err
    assert not (tmp_path / "site").exists()


def test_a_recovery_key_that_is_a_folder_is_named(
    standalone_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = _snapshot(standalone_store)
    monkeypatch.setenv("RPR_PASSWORD", "the replacement passphrase")
    argv = ["recover", "--data-dir", str(standalone_store), "--recovery-key", str(tmp_path)]
    assert main([*argv, "--user", "local.admin"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert f"The recovery private key file {tmp_path} cannot be read (is a directory)" in err
    assert _snapshot(standalone_store) == before


def test_a_recovery_public_key_file_that_is_not_a_key_is_refused_before_anything_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text(f"{SECRET}\n")
    argv = ["init", "--data-dir", str(tmp_path / "ward"), "--recovery-public-key", str(not_a_key)]
    assert main([*argv, "--user", "local.admin"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert f"{not_a_key}: The recovery public key is not a readable PEM public key." in err
    assert SECRET not in err
    assert not (tmp_path / "ward").exists()


@pytest.mark.parametrize(
    ("which", "text", "expected"),
    [
        ("machine", f"note = '{SECRET}' more\n", "is not valid TOML (at line 1, column"),
        ("user", f"log_level = '{SECRET}'\n", "log_level: must be one of DEBUG, INFO"),
        ("machine", f"idle_lock_minutes = 0  # {SECRET}\n", "idle_lock_minutes: is too small"),
        ("user", "settings_version = 2\n", "declare a newer settings_version than this RPR"),
    ],
)
def test_a_settings_problem_is_a_message_naming_the_file_or_setting(
    which: str,
    text: str,
    expected: str,
    settings_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = settings_files[0] if which == "machine" else settings_files[1]
    path.write_text(text)
    data_dir = path.parent / "ward"
    assert main(["status", "--data-dir", str(data_dir), "--user", "local.admin"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert SECRET not in err
    assert "Traceback" not in err
    if "setting" not in expected:
        assert str(path) in err
    assert not data_dir.exists()


def test_a_bad_log_level_in_the_environment_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RPR_LOG_LEVEL", SECRET)
    assert main(["status", "--data-dir", str(tmp_path), "--user", "local.admin"]) == 2
    err = capsys.readouterr().err
    assert "log_level: must be one of" in err
    assert SECRET not in err


def test_machine_only_settings_in_the_user_file_are_ignored_with_a_warning(
    standalone_store: Path,
    settings_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, user = settings_files
    user.write_text("idle_lock_minutes = 239\n[policy.seclusion]\nobservation_interval = 'PT23H'\n")
    assert main(["status", "--data-dir", str(standalone_store), "--user", "local.admin"]) == 0
    err = capsys.readouterr().err
    assert f"ignored idle_lock_minutes, policy in the user's settings file {user}" in err
    log = (standalone_store / "logs" / "rpr.log").read_text()
    assert "ignored idle_lock_minutes, policy" in log
    # Time stamps (",239" milliseconds) and store ids are not the value leaking.
    log = re.sub(r"^\S+ \S+ |[0-9a-f]{8}-[0-9a-f-]{27}", "", log, flags=re.MULTILINE)
    for value in ("239", "PT23H"):
        assert value not in err
        assert value not in log
