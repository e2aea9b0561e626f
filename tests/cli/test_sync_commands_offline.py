"""`rpr enrol`, `rpr sync` and `rpr status` where no trust server is involved: what they refuse
before contacting one, and what a standalone PC shows. (With a real server: tests/sync.)"""

from pathlib import Path

import pytest

from app.cli.main import EXIT_USER_ERROR, main
from app.store.layout import StoreFiles


def test_status_of_a_standalone_pc_says_it_is_not_enrolled(
    standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--data-dir", str(standalone_store), "--user", "local.admin"]) == 0
    assert "trust server            not enrolled (standalone PC)" in capsys.readouterr().out


def test_sync_on_a_standalone_pc_says_how_a_pc_is_enrolled(
    standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sync", "--data-dir", str(standalone_store), "--user", "local.admin"])
    assert code == EXIT_USER_ERROR
    assert "not enrolled with a trust server" in capsys.readouterr().err


def test_enrolling_a_standalone_pc_is_refused_and_changes_nothing(
    standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.read_bytes() for p in standalone_store.iterdir() if p.is_file()}
    code = main(
        [
            "enrol",
            "--data-dir",
            str(standalone_store),
            "--server",
            "http://127.0.0.1:9",
            "--code",
            "ABCD-EFGH-JKMN-PQRS",
        ]
    )
    assert code == EXIT_USER_ERROR
    assert "already has a store" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in standalone_store.iterdir() if p.is_file()} == before


@pytest.mark.parametrize(
    ("server", "code", "words"),
    [
        ("http://rpr.trust.example", "ABCD-EFGH-JKMN-PQRS", "https://"),
        ("http://127.0.0.1:9", "not-a-code", "four groups of four"),
    ],
)
def test_enrol_refuses_bad_input_before_contacting_anyone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str, code: str, words: str
) -> None:
    data_dir = tmp_path / "ward"
    status = main(["enrol", "--data-dir", str(data_dir), "--server", server, "--code", code])
    assert status == EXIT_USER_ERROR
    assert words in capsys.readouterr().err
    assert not data_dir.exists()


def test_enrol_with_no_server_answering_leaves_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "ward"
    status = main(
        [
            "enrol",
            "--data-dir",
            str(data_dir),
            "--server",
            "http://127.0.0.1:9",
            "--code",
            "abcd-efgh-jkmn-pqrs",
        ]
    )
    assert status == EXIT_USER_ERROR
    assert "cannot be reached" in capsys.readouterr().err
    assert not StoreFiles(data_dir).exists()
