"""`rpr demo-data` and what a copied data folder gives away (nothing)."""

import re
from pathlib import Path

import pytest

from app.cli.main import EXIT_USER_ERROR, main
from app.models.patient import Patient
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.store.store import Store

MARKER = "Zyxwv-MARKER-7731"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    data_dir = tmp_path_factory.mktemp("demo") / "ward"
    captured: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("builtins.print", lambda *a, **_: captured.append(" ".join(map(str, a))))
        assert main(["demo-data", "--data-dir", str(data_dir)]) == 0
    passwords = dict(
        re.findall(r"^\s+(demo\.\w+)\s.*?\s(\S+)$", "\n".join(captured), flags=re.MULTILINE)
    )
    return data_dir, passwords


def test_demo_accounts_open_the_store(demo: tuple[Path, dict[str, str]]) -> None:
    data_dir, passwords = demo
    assert set(passwords) == {"demo.nurse", "demo.manager", "demo.admin"}
    for username, password in passwords.items():
        with Store.open(data_dir, username, password) as store:
            assert store.actor == username
    with Store.open(data_dir, "demo.manager", passwords["demo.manager"]) as store:
        facts = store.status()
        with store.read() as reader:
            patients = reader.find(Patient)
            assert len(reader.find(SeclusionEpisode, statuses=["active"])) == 1
            assert len(reader.find(LtsEpisode, statuses=["active"])) == 1
    assert facts.demo
    assert 20 <= len(patients) <= 25
    assert all(p.nhs_number.startswith("999") for p in patients)
    assert facts.records_by_kind["use_of_force_incident"] > 100
    assert facts.drafts > 0
    assert facts.awaiting_sign_off > 0


def test_demo_data_refuses_a_folder_with_a_store(
    demo: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = demo
    assert main(["demo-data", "--data-dir", str(data_dir)]) == EXIT_USER_ERROR
    assert "already exists" in capsys.readouterr().err


def test_a_marker_saved_in_a_record_is_in_no_file_of_the_data_folder(
    demo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, passwords = demo
    with Store.open(data_dir, "demo.nurse", passwords["demo.nurse"]) as store:
        with store.read() as reader:
            patient = reader.find(Patient)[0]
            state = reader.state(patient.id)
        assert state is not None
        store.save(patient.model_copy(update={"family_name": MARKER}), base=state.revision_id)
        with store.read() as reader:
            assert reader.get(Patient, patient.id).family_name == MARKER  # type: ignore[union-attr]
        # Support commands run while the client has the store open; they write logs.
        monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
        assert main(["status", "--data-dir", str(data_dir), "--user", "demo.manager"]) == 0
        assert main(["verify", "--data-dir", str(data_dir), "--user", "demo.manager"]) == 0
        _assert_marker_absent(data_dir)
    _assert_marker_absent(data_dir)
    assert (data_dir / "logs" / "rpr.log").stat().st_size > 0


def _assert_marker_absent(data_dir: Path) -> None:
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"rpr.db", "keyslots.json", "rpr.log"}
    for path in files:
        data = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert MARKER.encode(encoding) not in data, f"marker found in {path.name}"


def test_the_demo_passwords_are_kept_beside_the_folder_for_the_next_make_run(
    demo: tuple[Path, dict[str, str]],
) -> None:
    data_dir, passwords = demo
    kept = data_dir.parent / f"{data_dir.name}-passwords.txt"
    assert kept.stat().st_mode & 0o777 == 0o600
    text = kept.read_text("utf-8")
    assert "fictitious" in text
    for username, password in passwords.items():
        assert re.search(rf"^\s+{re.escape(username)}\s.*\s{re.escape(password)}$", text, re.M)
