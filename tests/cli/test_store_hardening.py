"""The defects of the store-hardening issue, each as the person at the keyboard met it: set-up
that destroyed a store, typed input that reached logs and the audit chain, damage verify could
not see, key files read without limit. (Damaged pages, full disks, held locks and read-only
copies have their own files in tests/store.)"""

import base64
import getpass
import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest
import sqlcipher3

from app.cli.main import EXIT_USER_ERROR, main
from app.store.keyslots import KeySlotFile
from tests.cli.conftest import PASSWORD

ADMIN = "local.admin"
TYPED_IDENTITY = "Jane Smith 999 123 4567"  # a name and an NHS number typed as a username


def _digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (logs included) and each folder as a name."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_file()
        else "folder"
        for path in sorted(folder.rglob("*"))
    }


def _run(*argv: str) -> int:
    return main(list(argv))


def _everything_written(folder: Path) -> bytes:
    """Every byte of every file under ``folder`` (for "this text appears nowhere")."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def _raw(data_dir: Path, password: str = PASSWORD) -> sqlcipher3.Connection:
    """A connection outside the application, as someone holding the data key would have."""
    key = KeySlotFile.load(data_dir / "keyslots.json").unlock(ADMIN, password).current
    connection = sqlcipher3.connect(str(data_dir / "rpr.db"), isolation_level=None)
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return connection


@pytest.fixture
def no_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a command asks for a password (it should have refused before)."""
    monkeypatch.delenv("RPR_PASSWORD", raising=False)

    def refuse(prompt: str = "") -> str:
        raise AssertionError(f"the command asked for a password: {prompt!r}")

    monkeypatch.setattr(getpass, "getpass", refuse)


# ---------------------------------------------------------------- 1. set-up never destroys


@pytest.mark.parametrize("command", ["init", "demo-data"])
def test_set_up_refuses_a_store_whose_key_slot_file_is_missing(
    command: str,
    standalone_store: Path,
    recovery_files: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backup = tmp_path / "keyslots-backup.json"
    shutil.move(standalone_store / "keyslots.json", backup)
    before = _digests(standalone_store)

    assert _run("status", "--data-dir", str(standalone_store), "--user", ADMIN) == 2
    err = capsys.readouterr().err
    assert "missing its key-slot file keyslots.json" in err
    assert "Restore keyslots.json from the backup" in err

    setup = [command, "--data-dir", str(standalone_store)]
    if command == "init":
        setup += ["--user", "new.admin"]
    setup += ["--recovery-public-key", str(recovery_files[1])]
    assert _run(*setup) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "will not write into" in err
    assert "missing its key-slot file" in err
    assert _digests(standalone_store) == before  # the 'empty' store was not replaced

    shutil.move(backup, standalone_store / "keyslots.json")  # putting it back still works
    assert _run("status", "--data-dir", str(standalone_store), "--user", ADMIN) == 0


def test_set_up_keeps_the_key_slot_file_of_a_database_moved_away(
    standalone_store: Path, recovery_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    slots = (standalone_store / "keyslots.json").read_bytes()
    (standalone_store / "rpr.db").rename(standalone_store.parent / "moved-rpr.db")
    init = ["init", "--data-dir", str(standalone_store), "--user", "new.admin"]
    assert _run(*init, "--recovery-public-key", str(recovery_files[1])) == EXIT_USER_ERROR
    assert "missing its database rpr.db (keyslots.json is there)" in capsys.readouterr().err
    assert (standalone_store / "keyslots.json").read_bytes() == slots
    assert sorted(p.name for p in standalone_store.iterdir()) == ["keyslots.json", "logs"]


def test_set_up_refuses_a_database_that_is_a_folder_without_leaving_anything(
    standalone_store: Path, recovery_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (standalone_store / "rpr.db").unlink()
    (standalone_store / "rpr.db").mkdir()
    before = _digests(standalone_store)
    init = ["init", "--data-dir", str(standalone_store), "--user", "new.admin"]
    assert _run(*init, "--recovery-public-key", str(recovery_files[1])) == EXIT_USER_ERROR
    assert "holds rpr.db, which should be a file and is not" in capsys.readouterr().err
    assert _digests(standalone_store) == before  # no setup-rpr.db, key slots untouched
    assert _run("status", "--data-dir", str(standalone_store), "--user", ADMIN) == 2


@pytest.mark.parametrize(
    ("leftover", "said"),
    [
        ("setup-rpr.db", "left by a set-up that did not finish"),
        ("rpr.db-wal", "but no rpr.db"),
        (".keyslots.json.0123abcd.tmp", "but no rpr.db"),
    ],
)
def test_set_up_refuses_a_folder_holding_any_part_of_a_store(
    leftover: str,
    said: str,
    tmp_path: Path,
    recovery_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "ward"
    folder.mkdir()
    (folder / leftover).write_bytes(b"not empty")
    init = ["init", "--data-dir", str(folder), "--user", "new.admin"]
    assert _run(*init, "--recovery-public-key", str(recovery_files[1])) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert said in err
    assert leftover in err
    assert [p.name for p in folder.iterdir()] == [leftover]


# ---------------------------------------------------------------- 2. typed input


def test_a_name_typed_as_a_username_reaches_no_log_no_audit_and_no_screen(
    standalone_store: Path,
    recovery_files: tuple[Path, Path],
    no_prompt: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = _digests(standalone_store)
    for argv in (
        ("recover", "--recovery-key", str(recovery_files[0])),
        ("status",),
        ("verify",),
    ):
        code = _run(
            argv[0], "--data-dir", str(standalone_store), *argv[1:], "--user", TYPED_IDENTITY
        )
        assert code == EXIT_USER_ERROR
        captured = capsys.readouterr()
        assert captured.err == "rpr: There is no account with that username on this PC.\n"
        for part in ("Jane", "Smith", "999 123 4567", "9991234567"):
            assert part not in captured.out + captured.err
    assert _digests(standalone_store) == before  # nothing opened, logged or audited
    assert b"Jane" not in _everything_written(standalone_store)


def test_a_password_typed_as_a_username_is_never_shown(
    standalone_store: Path, no_prompt: None, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = "lantern-maple-otter-fern-42"  # a generated password is username-shaped
    before = _digests(standalone_store)
    assert _run("status", "--data-dir", str(standalone_store), "--user", typed) == 2
    captured = capsys.readouterr()
    assert typed not in captured.out + captured.err
    assert "There is no account with that username on this PC." in captured.err
    assert _digests(standalone_store) == before


def test_the_recovery_audit_names_the_recovery_key_and_a_real_account(
    standalone_store: Path, recovery_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RPR_PASSWORD", "a new admin passphrase")
    recover = ["recover", "--data-dir", str(standalone_store)]
    assert _run(*recover, "--recovery-key", str(recovery_files[0]), "--user", "Local.Admin") == 0
    connection = _raw(standalone_store, "a new admin passphrase")
    rows = connection.execute("SELECT actor, action, detail FROM audit_event").fetchall()
    connection.close()
    assert ("(recovery key)", "recovery.used", None) in rows
    assert ("(recovery key)", "password.changed", "password reset for local.admin") in rows
    assert {actor for actor, _, _ in rows} <= {ADMIN, "(recovery key)"}


# ---------------------------------------------------------------- 6. the recovery slot


def test_a_damaged_recovery_slot_is_reported_by_status_and_verify(
    standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = standalone_store / "keyslots.json"
    document = json.loads(path.read_text("utf-8"))
    wrapped = bytearray(base64.b64decode(document["recovery"]["ciphertext"]))
    wrapped[100] ^= 0x01
    document["recovery"]["ciphertext"] = base64.b64encode(bytes(wrapped)).decode()
    path.write_text(json.dumps(document), "utf-8")

    assert _run("status", "--data-dir", str(standalone_store), "--user", ADMIN) == 1
    out = capsys.readouterr().out
    assert "key slots               DAMAGED" in out
    assert "the recovery slot is damaged" in out
    assert _run("verify", "--data-dir", str(standalone_store), "--user", ADMIN) == 1
    assert "the recovery slot is damaged" in capsys.readouterr().out


# ---------------------------------------------------------------- 7. what verify did not see


def test_verify_finds_the_append_only_triggers_dropped(
    standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = _raw(standalone_store)
    connection.execute("DROP TRIGGER revision_no_update")
    connection.execute("DROP TRIGGER audit_event_no_delete")
    connection.execute(
        "CREATE TRIGGER revision_no_update BEFORE UPDATE ON revision BEGIN SELECT 1; END"
    )
    connection.close()
    assert _run("verify", "--data-dir", str(standalone_store), "--user", ADMIN) == 1
    out = capsys.readouterr().out
    assert "trigger audit_event_no_delete: missing" in out
    assert "trigger revision_no_update: changed since RPR made it" in out


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("demo", "yes"),
        ("created_at", "2020-01-01T00:00:00+00:00"),
        ("device_id", "00000000-0000-4000-8000-000000000000"),
    ],
)
def test_verify_finds_the_store_identity_edited(
    key: str, value: str, standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = _raw(standalone_store)
    (sql,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'store_meta_no_update'"
    ).fetchone()
    connection.execute("DROP TRIGGER store_meta_no_update")
    connection.execute("UPDATE store_meta SET value = ? WHERE key = ?", (value, key))
    connection.execute(sql)  # put back as it was: only the recorded identity can tell
    connection.close()
    assert _run("verify", "--data-dir", str(standalone_store), "--user", ADMIN) == 1
    assert "store identity (store_meta): changed since it was recorded" in capsys.readouterr().out


def test_store_meta_refuses_changes_like_the_other_append_only_tables(
    standalone_store: Path,
) -> None:
    connection = _raw(standalone_store)
    with pytest.raises(sqlcipher3.IntegrityError, match="store_meta rows are append-only"):
        connection.execute("UPDATE store_meta SET value = 'yes' WHERE key = 'demo'")
    with pytest.raises(sqlcipher3.IntegrityError, match="store_meta rows are append-only"):
        connection.execute("DELETE FROM store_meta")
    connection.close()


# ---------------------------------------------------------------- 9. key files and folders


def test_a_recovery_key_that_never_ends_is_refused_without_reading_it(
    standalone_store: Path, no_prompt: None, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digests(standalone_store)
    recover = ["recover", "--data-dir", str(standalone_store), "--user", ADMIN]
    assert _run(*recover, "--recovery-key", "/dev/urandom") == EXIT_USER_ERROR
    assert "is not a regular file" in capsys.readouterr().err
    assert _digests(standalone_store) == before


def test_a_huge_key_file_is_refused_as_too_large(
    standalone_store: Path, tmp_path: Path, no_prompt: None, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.pem"
    huge.write_bytes(b"A" * (2 << 20))
    recover = ["recover", "--data-dir", str(standalone_store), "--user", ADMIN]
    assert _run(*recover, "--recovery-key", str(huge)) == EXIT_USER_ERROR
    assert "too large to be a key file" in capsys.readouterr().err


def test_a_wrong_recovery_key_is_refused_before_a_new_password_is_asked_for(
    standalone_store: Path, tmp_path: Path, no_prompt: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.store.keyslots import generate_recovery_key_pair

    other = tmp_path / "another-trust.pem"
    other.write_bytes(generate_recovery_key_pair()[0])
    before = _digests(standalone_store)
    recover = ["recover", "--data-dir", str(standalone_store), "--user", ADMIN]
    assert _run(*recover, "--recovery-key", str(other)) == EXIT_USER_ERROR
    assert "not this store's recovery key" in capsys.readouterr().err
    assert _digests(standalone_store) == before


def test_every_folder_the_demo_makes_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "var" / "demo"
    assert _run("demo-data", "--data-dir", str(data_dir)) == 0
    for folder in (tmp_path / "new", tmp_path / "new" / "var", data_dir, data_dir / "logs"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    key = tmp_path / "new" / "var" / "demo-recovery-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
