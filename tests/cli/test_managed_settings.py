"""``rpr managed-settings``: what the Debian package's postinst runs with the answers trust IT
preseeded. The values it writes are the ones the client then reads from the machine-wide
file; a bad value, an unknown key or a damaged file is refused naming what is wrong, and the
file is left byte for byte as it was."""

from pathlib import Path

import pytest

from app.cli.main import main
from app.config import Origin, load_settings, settings_sources

TEMPLATE = Path(__file__).resolve().parents[2] / "installers" / "linux" / "settings.toml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["managed-settings", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_the_packaged_template_takes_the_preseeded_values_and_the_client_reads_them(
    settings_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    machine, _ = settings_files
    code, said = run(
        capsys,
        *("--file", str(machine), "--template", str(TEMPLATE)),
        *("--set", "server_url=https://rpr.trust.example", "--set", "idle_lock_minutes=5"),
        *("--set", "trust_ca_certificate=/etc/rpr/trust-ca.pem"),
    )
    assert code == 0
    assert said == f"set server_url, idle_lock_minutes, trust_ca_certificate in {machine}\n"
    assert "https://rpr.trust.example" not in said  # keys, never values

    settings = load_settings()
    assert settings.server_url == "https://rpr.trust.example"
    assert settings.idle_lock_minutes == 5
    assert settings.trust_ca_certificate == Path("/etc/rpr/trust-ca.pem")
    assert settings.data_dir == Path("/var/lib/rpr")  # the template's own line, kept
    sources = settings_sources()
    assert (
        sources["server_url"].origin is sources["idle_lock_minutes"].origin is Origin.ORGANISATION
    )
    text = machine.read_text(encoding="utf-8")
    assert "# RPR machine-wide settings (trust IT)" in text  # the comments stay
    assert "# server_url" not in text  # the commented-out example became the setting
    assert machine.stat().st_mode & 0o777 == 0o644


def test_setting_again_replaces_the_line_and_keeps_the_rest(
    settings_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    machine, _ = settings_files
    machine.write_text(
        'settings_version = 1\nserver_url = "https://old.trust.example"\n\n'
        "[policy.seclusion]\n# a comment IT wrote\n",
        encoding="utf-8",
    )
    code, _ = run(
        capsys,
        *("--file", str(machine), "--set", "server_url=https://new.trust.example"),
        *("--set", "idle_lock_minutes=15"),
    )
    assert code == 0
    assert machine.read_text(encoding="utf-8") == (
        'settings_version = 1\nserver_url = "https://new.trust.example"\nidle_lock_minutes = 15\n'
        "\n[policy.seclusion]\n# a comment IT wrote\n"
    )


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("idle_lock_minutes=500", "idle_lock_minutes: Input should be less than or equal to 240"),
        ("idle_lock_minutes=ten", "idle_lock_minutes: Input should be a valid integer"),
        ("policy=relaxed", "--set policy: not a setting an installer sets"),
        ("server_url", "--set 'server_url': give KEY=VALUE"),
        ("ward=", "--set ward: give a value (to remove a setting, edit the file)"),
        ("ward=oak ward", "ward: must be 1 to 20 upper-case letters"),
    ],
)
def test_a_bad_value_or_key_is_refused_and_the_file_is_left_as_it_was(
    settings_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    assignment: str,
    words: str,
) -> None:
    machine, _ = settings_files
    machine.write_bytes(TEMPLATE.read_bytes())
    before = machine.stat()
    code, said = run(
        capsys, "--file", str(machine), "--set", "server_url=https://x", "--set", assignment
    )
    assert code == 2
    assert words in said
    assert "nothing was written" in said
    assert machine.read_bytes() == TEMPLATE.read_bytes()
    assert machine.stat().st_mtime_ns == before.st_mtime_ns


def test_a_damaged_settings_file_is_refused_not_rewritten(
    settings_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    machine, _ = settings_files
    machine.write_bytes(b'server_url = "https://half\n')
    code, said = run(capsys, "--file", str(machine), "--set", "idle_lock_minutes=5")
    assert code == 2
    assert "is not a valid settings file (TOML)" in said
    assert machine.read_bytes() == b'server_url = "https://half\n'


def test_a_setting_inside_a_table_it_cannot_change_is_refused(
    settings_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    machine, _ = settings_files
    machine.write_text('[server_url]\nhost = "x"\n', encoding="utf-8")
    code, said = run(capsys, "--file", str(machine), "--set", "server_url=https://x")
    assert code == 2
    assert "in a way this command cannot change" in said
    assert machine.read_text(encoding="utf-8") == '[server_url]\nhost = "x"\n'


def test_an_absent_file_without_a_template_is_made_with_just_those_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    machine = tmp_path / "etc" / "rpr" / "settings.toml"
    code, _ = run(
        capsys, "--file", str(machine), "--set", "data_dir=/srv/rpr", "--set", "ward=ash-1"
    )
    assert code == 0
    assert machine.read_text(encoding="utf-8") == 'data_dir = "/srv/rpr"\nward = "ASH-1"\n'


def test_a_folder_that_cannot_be_made_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "etc"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    code, said = run(capsys, "--file", str(blocker / "settings.toml"), "--set", "data_dir=/x")
    assert code == 2
    assert f"{blocker / 'settings.toml'}: cannot be read (NotADirectoryError)" in said
    assert "Traceback" not in said
