"""`rpr enrol`, `rpr sync` and `rpr status` end to end against a real trust server: trust IT
issues codes, two ward PCs are enrolled, one records, both sync, the other shows its records."""

import getpass
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.main import EXIT_USER_ERROR, main
from app.cli.sync_commands import EXIT_NEEDS_ATTENTION, EXIT_OFFLINE
from app.models.people import AccessRole, StaffMember, UserAccount, Ward
from app.store.layout import StoreFiles
from app.store.store import Store
from tests.conftest import FAST_KDF
from tests.server.harness import PASSWORD, Trust, recovery_public_key_pem, running_trust
from tests.sync.real_trust import admit, family_names


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust() as running:
        yield running


def enrol(trust: Trust, code: str, data_dir: Path, user: str, *more: str) -> int:
    return main(
        [
            "enrol",
            "--data-dir",
            str(data_dir),
            "--server",
            trust.url,
            "--code",
            code.lower(),  # as someone might type it
            "--user",
            user,
            *more,
        ]
    )


def test_two_ward_pcs_enrolled_on_the_command_line_see_each_others_records(
    trust: Trust,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ward = trust.ward()
    first_nurse, second_nurse = trust.account(ward), trust.account(ward)
    first_dir, second_dir = tmp_path / "bay-pc", tmp_path / "office-pc"
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)

    assert enrol(trust, trust.code(ward), first_dir, first_nurse, "--device-name", "Bay PC") == 0
    out = capsys.readouterr().out
    assert f"for {ward.name} as device" in out
    assert f"{first_nurse} (" in out
    assert "Trust recovery key sha256:" in out
    # The ward, both nurses' staff records and accounts: the PC knows its ward and who may
    # sign in with which rights before anyone works on it.
    assert "First sync: received 5 revision(s)" in out
    with Store.open(first_dir, first_nurse, PASSWORD) as store, store.read() as reader:
        assert [w.name for w in reader.find(Ward)] == [ward.name]
        mine = next(a for a in reader.find(UserAccount) if a.username == first_nurse)
        assert mine.access_role is AccessRole.NURSE
        assert reader.get(StaffMember, mine.staff_id).job_title == "Staff nurse"  # type: ignore[arg-type,union-attr]
    assert enrol(trust, trust.code(ward), second_dir, second_nurse) == 0
    capsys.readouterr()

    with Store.open(first_dir, first_nurse, PASSWORD) as store:
        for name in ("Testperson", "Exampleson"):
            admit(store, ward, name)

    assert main(["sync", "--data-dir", str(first_dir), "--user", first_nurse]) == 0
    out = capsys.readouterr().out
    assert "Sent 2 revision(s); received 0." in out
    assert "Not yet sent: 0" in out
    # The ward, the two nurses' staff records and accounts (the trust published them) and the
    # two patients.
    assert "Count check: this PC holds the 7 revision(s) the server expects." in out

    assert main(["sync", "--data-dir", str(second_dir), "--user", second_nurse]) == 0
    assert "Sent 0 revision(s); received 2." in capsys.readouterr().out

    assert main(["status", "--data-dir", str(second_dir), "--user", second_nurse]) == 0
    out = capsys.readouterr().out
    assert f"trust server            {trust.url}" in out
    assert f"enrolled for            {ward.name}, Test Trust" in out
    assert "not yet sent                   0" in out
    assert "count check             matches" in out
    assert "audit log witness       no warning" in out
    with Store.open(second_dir, second_nurse, PASSWORD) as store:
        assert family_names(store) == {"Testperson", "Exampleson"}


def test_status_and_sync_show_what_is_not_yet_sent_and_what_was_refused(
    trust: Trust,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ward, elsewhere = trust.ward(), trust.ward()
    nurse = trust.account(ward)
    data_dir = tmp_path / "pc"
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    assert enrol(trust, trust.code(ward), data_dir, nurse) == 0
    with Store.open(data_dir, nurse, PASSWORD) as store:
        admit(store, ward, "Testperson")
        admit(store, elsewhere, "Otherward")
    capsys.readouterr()

    assert main(["status", "--data-dir", str(data_dir), "--user", nurse]) == 0
    out = capsys.readouterr().out
    assert "not yet sent                   2" in out
    assert "last sent               never" in out

    assert main(["sync", "--data-dir", str(data_dir), "--user", nurse]) == EXIT_NEEDS_ATTENTION
    out = capsys.readouterr().out
    assert "Sent 1 revision(s)" in out
    assert "1 refused by the trust server (kept on this PC):" in out
    assert "another ward" in out

    assert main(["status", "--data-dir", str(data_dir), "--user", nurse]) == EXIT_NEEDS_ATTENTION
    out = capsys.readouterr().out
    assert "not yet sent                   1" in out
    assert "refused by the server          1" in out
    assert "Sync needs attention:" in out


def test_sync_when_the_server_is_down_exits_for_a_retry_and_keeps_everything(
    trust: Trust,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings_files: tuple[Path, Path],
) -> None:
    ward = trust.ward()
    nurse = trust.account(ward)
    data_dir = tmp_path / "pc"
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    assert enrol(trust, trust.code(ward), data_dir, nurse) == 0
    with Store.open(data_dir, nurse, PASSWORD) as store:
        admit(store, ward, "Testperson")
    capsys.readouterr()
    # IT points the PC at an address where nothing answers (the machine-wide setting wins).
    settings_files[0].write_text("server_url = 'http://127.0.0.1:9'\n")

    assert main(["sync", "--data-dir", str(data_dir), "--user", nurse]) == EXIT_OFFLINE
    out = capsys.readouterr().out
    assert "cannot be reached" in out
    assert "Not yet sent: 1" in out


def test_a_wrong_password_at_enrolment_is_asked_again_when_typed(
    trust: Trust,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ward = trust.ward()
    nurse = trust.account(ward)
    typed = iter(["not the password", PASSWORD])
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(typed))
    monkeypatch.setattr("builtins.input", lambda prompt: nurse.upper())
    data_dir = tmp_path / "pc"

    code = main(
        ["enrol", "--data-dir", str(data_dir), "--server", trust.url, "--code", trust.code(ward)]
    )

    assert code == 0
    out = capsys.readouterr().out
    assert "The username or password is not right. Try again (2 left)." in out
    assert "not the password" not in out
    with Store.open(data_dir, nurse, PASSWORD) as store:
        assert store.users() == (nurse,)


def test_a_failed_sign_in_leaves_no_store_and_says_the_code_is_spent(
    trust: Trust,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ward = trust.ward()
    nurse = trust.account(ward)
    monkeypatch.setenv("RPR_PASSWORD", "not the password")
    data_dir = tmp_path / "pc"
    issued = trust.code(ward)

    assert enrol(trust, issued, data_dir, nurse) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "username or password is not right" in err
    assert "ask trust IT to revoke that device and issue a new code" in err
    assert not StoreFiles(data_dir).exists()
    # The code was used: it does not work twice.
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    assert enrol(trust, issued, data_dir, nurse) == EXIT_USER_ERROR
    assert "already used or expired" in capsys.readouterr().err


def test_a_pc_set_up_for_a_ward_is_enrolled_only_with_a_code_for_that_ward(
    trust: Trust,
    tmp_path: Path,
    settings_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ours, theirs = trust.ward(), trust.ward()
    nurse, their_nurse = trust.account(ours), trust.account(theirs)
    machine, _ = settings_files
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    data_dir = tmp_path / "pc"
    their_code = trust.code(theirs)
    # As the Windows installer writes it, the ward code in lower case as IT might type it.
    machine.write_text(f"[rpr]\nsettings_version=1\nward='{str(ours.code).lower()}'\n")

    assert enrol(trust, their_code, data_dir, nurse) == EXIT_USER_ERROR
    out, err = capsys.readouterr()
    assert err == (
        f"rpr: This PC is set up by trust IT for ward {ours.code} (the ward setting); this "
        "enrolment code is for another ward. Nothing was changed; ask trust IT for a code for "
        f"{ours.code}.\n"
    )
    assert "Enrolled" not in out
    assert not data_dir.exists()

    assert enrol(trust, trust.code(ours), data_dir, nurse) == 0
    assert f"for {ours.name} as device" in capsys.readouterr().out

    # The refused code was not used up: it enrols a PC set up for its own ward.
    machine.write_text(f"[rpr]\nward='{theirs.code}'\n")
    assert enrol(trust, their_code, tmp_path / "their-pc", their_nurse) == 0
    assert f"for {theirs.name} as device" in capsys.readouterr().out


def test_demo_data_on_an_enrolled_pc_is_a_ward_managers_and_never_mixed_with_patients(
    trust: Trust,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ward = trust.ward()
    nurse = trust.account(ward)
    manager = trust.account(ward, AccessRole.WARD_MANAGER)
    data_dir = tmp_path / "pc"
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    assert enrol(trust, trust.code(ward), data_dir, nurse) == 0
    with Store.open(data_dir, nurse, PASSWORD) as store:
        store.add_user(manager, PASSWORD)  # as if the manager had signed in here too
    capsys.readouterr()

    def demo(user: str) -> tuple[int, str]:
        code = main(["demo-data", "--data-dir", str(data_dir), "--user", user])
        out, err = capsys.readouterr()
        return code, out + err

    code, said = demo(nurse)
    assert code == EXIT_USER_ERROR
    assert "user: demo data on an enrolled PC is made by a ward manager" in said
    code, said = demo(manager)
    assert code == 0, said
    assert "all fictitious" in said
    with Store.open(data_dir, manager, PASSWORD) as store:
        patients = store.status().records_by_kind["patient"]
        assert patients > 0
    code, said = demo(manager)  # a second time: the ward now holds patients
    assert code == EXIT_USER_ERROR
    assert "already holds patients" in said
    with Store.open(data_dir, manager, PASSWORD) as store:
        assert store.status().records_by_kind["patient"] == patients


def test_demo_data_goes_onto_an_enrolled_pc_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "standalone"
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    Store.create(
        data_dir,
        username="local.admin",
        password=PASSWORD,
        recovery_public_key_pem=recovery_public_key_pem().encode(),
        kdf=FAST_KDF,
    ).close()
    capsys.readouterr()
    assert main(["demo-data", "--data-dir", str(data_dir), "--user", "local.admin"]) == (
        EXIT_USER_ERROR
    )
    assert "is not enrolled with a trust server" in capsys.readouterr().err
