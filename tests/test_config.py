"""Settings: machine-wide files that IT deploys outrank the user's, and only they (with the
code defaults) may set the clinical policy, the idle lock and the server; the clinical policy
of domain.md is the default and a trust can change it."""

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.config import SETTINGS_VERSION, SettingsError, load_settings
from app.models.policy import DEFAULT_POLICY


@pytest.fixture
def config_warnings(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> pytest.LogCaptureFixture:
    """Warnings of ``rpr.config``, wherever an earlier command pointed the ``rpr`` logger."""
    monkeypatch.setattr(logging.getLogger("rpr"), "propagate", True)
    caplog.set_level(logging.WARNING, logger="rpr.config")
    return caplog


def test_defaults_are_domain_md(settings_files: tuple[Path, Path]) -> None:
    settings = load_settings()
    assert settings.policy == DEFAULT_POLICY
    assert settings.settings_version == SETTINGS_VERSION
    assert settings.idle_lock_minutes == 10
    assert settings.server_url is None


def test_machine_wide_file_outranks_environment_and_user_file(
    settings_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine, user = settings_files
    user.write_text(f"log_level = 'DEBUG'\ndata_dir = '{tmp_path / 'user'}'\n")
    settings = load_settings()
    assert (settings.log_level, settings.data_dir) == ("DEBUG", tmp_path / "user")
    monkeypatch.setenv("RPR_LOG_LEVEL", "warning")
    monkeypatch.setenv("RPR_DATA_DIR", str(tmp_path / "env"))
    settings = load_settings()  # the environment beats the user's file
    assert (settings.log_level, settings.data_dir) == ("WARNING", tmp_path / "env")
    machine.write_text(
        f"log_level = 'ERROR'\ndata_dir = '{tmp_path / 'machine'}'\nidle_lock_minutes = 5\n"
        "server_url = 'https://rpr.trust.example'\n"
        "[policy.seclusion]\nnursing_review_interval = 'PT1H'\n"
    )
    settings = load_settings()
    assert (settings.log_level, settings.data_dir) == ("ERROR", tmp_path / "machine")
    assert settings.idle_lock_minutes == 5
    assert settings.server_url == "https://rpr.trust.example"
    assert settings.policy.seclusion.nursing_review_interval == timedelta(hours=1)
    # Untouched policy values keep domain.md's defaults.
    assert settings.policy.seclusion.observation_interval == timedelta(minutes=15)
    # Values given in code (command-line options) win over everything.
    assert load_settings(data_dir=tmp_path / "cli").data_dir == tmp_path / "cli"


def test_the_user_file_cannot_relax_the_policy_or_the_idle_lock(
    settings_files: tuple[Path, Path], config_warnings: pytest.LogCaptureFixture
) -> None:
    machine, user = settings_files
    machine.write_text("idle_lock_minutes = 5\n")
    expected = load_settings()
    user.write_text(
        "idle_lock_minutes = 240\nserver_url = 'https://elsewhere.example'\n"
        "[policy.seclusion]\nobservation_interval = 'PT24H'\n"
    )
    assert load_settings() == expected
    assert load_settings().idle_lock_minutes == 5
    assert load_settings().policy == DEFAULT_POLICY
    messages = [record.getMessage() for record in config_warnings.records]
    assert messages
    assert all(
        m == f"ignored idle_lock_minutes, policy, server_url in the user's settings file {user}: "
        "only the machine-wide settings file may set them"
        for m in messages
    )
    assert not any(value in m for m in messages for value in ("240", "PT24H", "elsewhere"))


def test_the_environment_cannot_relax_the_policy_or_the_idle_lock(
    settings_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    config_warnings: pytest.LogCaptureFixture,
) -> None:
    expected = load_settings()
    monkeypatch.setenv("RPR_IDLE_LOCK_MINUTES", "240")
    monkeypatch.setenv("RPR_POLICY__SECLUSION__OBSERVATION_INTERVAL", "PT24H")
    monkeypatch.setenv("RPR_SERVER_URL", "https://elsewhere.example")
    assert load_settings() == expected
    messages = " ".join(record.getMessage() for record in config_warnings.records)
    assert "ignored idle_lock_minutes, policy, server_url in the environment" in messages
    assert not any(value in messages for value in ("240", "PT24H", "elsewhere"))


def test_a_bad_setting_names_the_field_and_rule_not_the_value(
    settings_files: tuple[Path, Path],
) -> None:
    machine, _ = settings_files
    machine.write_text("idle_lock_minutes = 1000\n")
    with pytest.raises(SettingsError, match="idle_lock_minutes: is too large") as raised:
        load_settings()
    assert "1000" not in str(raised.value)


@pytest.mark.parametrize("which", [0, 1])
def test_a_file_for_a_newer_settings_version_is_refused(
    which: int, settings_files: tuple[Path, Path]
) -> None:
    path = settings_files[which]
    path.write_text(f"settings_version = {SETTINGS_VERSION + 1}\n")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert str(path) in message
    assert f"newer settings_version than this RPR understands ({SETTINGS_VERSION})" in message


def test_settings_version_zero_is_refused(settings_files: tuple[Path, Path]) -> None:
    settings_files[0].write_text("settings_version = 0\n")
    with pytest.raises(SettingsError, match="settings_version: is too small"):
        load_settings()


def test_a_file_that_is_not_toml_is_named_with_the_place_not_the_text(
    settings_files: tuple[Path, Path],
) -> None:
    _, user = settings_files
    user.write_text("log_level = 'INFO'\nthe secret ward note\n")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"The settings file {user} is not valid TOML (at line 2, column")
    assert "secret" not in message


def test_a_folder_where_the_settings_file_should_be_is_not_skipped(
    settings_files: tuple[Path, Path],
) -> None:
    machine, _ = settings_files
    machine.mkdir()
    with pytest.raises(
        SettingsError, match=re.escape(f"The settings file {machine} is not a file")
    ):
        load_settings()


def test_the_log_level_must_be_a_known_level(
    settings_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RPR_LOG_LEVEL", "LOUD")
    with pytest.raises(SettingsError, match="log_level: must be one of DEBUG, INFO") as raised:
        load_settings()
    assert "LOUD" not in str(raised.value)
    monkeypatch.setenv("RPR_LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"


def test_a_setting_the_environment_cannot_parse_is_named(
    settings_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RPR_POLICY", "{the secret ward note")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message == "The setting policy in the environment (RPR_… variables) cannot be parsed."
