"""The machine-wide settings file as the Windows installer writes it (keys inside an ``[rpr]``
table: the MSI IniFile table writes only sections), and the machine-only ``ward`` setting
(issue 9, item 4)."""

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from app.config import Origin, SettingsError, load_settings, settings_sources

#: Exactly what the MSI's IniFile table writes to %PROGRAMDATA%\RPR\settings.toml.
MSI_FILE = r"""[rpr]
settings_version=1
data_dir='C:\ProgramData\RPR\data\'
server_url='https://rpr.trust.example'
ward='OAK'
idle_lock_minutes=5
"""


def test_the_file_the_msi_writes_is_read_as_trust_it_set_it(
    settings_files: tuple[Path, Path],
) -> None:
    machine, _ = settings_files
    machine.write_text(MSI_FILE)
    settings = load_settings()
    assert settings.settings_version == 1
    assert settings.data_dir == Path(r"C:\ProgramData\RPR\data" + "\\")
    assert settings.server_url == "https://rpr.trust.example"
    assert settings.ward == "OAK"
    assert settings.idle_lock_minutes == 5

    # About this PC: each shows as set by the organisation, in the machine-wide file.
    sources = settings_sources(settings)
    for name in ("data_dir", "server_url", "ward", "idle_lock_minutes"):
        assert sources[name].origin is Origin.ORGANISATION, name
        assert sources[name].managed
        assert sources[name].where == f"set by your organisation ({machine})"
    assert sources["log_level"].origin is Origin.DEFAULT


def test_a_setting_both_at_the_top_and_in_rpr_names_the_file_and_the_key_not_the_values(
    settings_files: tuple[Path, Path],
) -> None:
    machine, _ = settings_files
    machine.write_text("ward = 'ELM-7'\nlog_level = 'INFO'\n[rpr]\nward = 'ASH-3'\n")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message == (
        f"The settings file {machine} gives ward both at the top and in its [rpr] table; each "
        "setting may be given once. Ask trust IT to remove one of them."
    )
    with pytest.raises(SettingsError):  # the window's About this PC says the same
        settings_sources()


def test_other_tables_of_the_machine_file_are_read_as_before(
    settings_files: tuple[Path, Path],
) -> None:
    machine, _ = settings_files
    machine.write_text(
        "log_level = 'ERROR'\n[rpr]\nidle_lock_minutes = 7\n"
        "[policy.seclusion]\nnursing_review_interval = 'PT1H'\n"
    )
    settings = load_settings()
    assert (settings.log_level, settings.idle_lock_minutes) == ("ERROR", 7)
    assert settings.policy.seclusion.nursing_review_interval == timedelta(hours=1)
    assert settings.policy.seclusion.observation_interval == timedelta(minutes=15)


def test_the_users_file_has_no_rpr_table(settings_files: tuple[Path, Path]) -> None:
    _, user = settings_files
    user.write_text("[rpr]\nlog_level = 'DEBUG'\n")
    assert load_settings().log_level == "INFO"


def test_the_ward_setting_takes_the_trusts_ward_code_in_any_case(
    settings_files: tuple[Path, Path],
) -> None:
    machine, _ = settings_files
    assert load_settings().ward is None  # by default: any ward
    machine.write_text("ward = ' ash-1 '\n")
    assert load_settings().ward == "ASH-1"
    machine.write_text("ward = 'w'\n")
    assert load_settings().ward == "W"
    machine.write_text("ward = ''\n")  # an installer's empty property: not set
    assert load_settings().ward is None


@pytest.mark.parametrize("value", ["OAK WARD", "-OAK", "OAK_1", "ABCDEFGHIJKLMNOPQRSTU"])
def test_a_ward_that_is_not_a_ward_code_names_the_setting_and_the_rule(
    settings_files: tuple[Path, Path], value: str
) -> None:
    machine, _ = settings_files
    machine.write_text(f"[rpr]\nward = '{value}'\n")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(
        "The settings are not valid — ward: must be 1 to 20 upper-case letters, digits or "
        "hyphens, e.g. ASH-1."
    )
    assert value not in message


def test_only_the_machine_wide_file_may_set_the_ward(
    settings_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    machine, user = settings_files
    machine.write_text("[rpr]\nward = 'OAK'\n")
    user.write_text("ward = 'ELM-7'\n")
    monkeypatch.setenv("RPR_WARD", "ASH-3")
    monkeypatch.setattr(logging.getLogger("rpr"), "propagate", True)
    caplog.set_level(logging.WARNING, logger="rpr.config")
    assert load_settings().ward == "OAK"
    messages = {r.getMessage() for r in caplog.records if r.name == "rpr.config"}
    rule = "only the machine-wide settings file may set it"
    assert messages == {
        f"ignored ward in the environment (RPR_… variables): {rule}",
        f"ignored ward in the user's settings file {user}: {rule}",
    }
    # Without the machine-wide file's ward, the others still do not count.
    machine.write_text("")
    assert load_settings().ward is None
