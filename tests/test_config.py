"""Settings: machine-wide files that IT deploys outrank the user's; the clinical policy of
domain.md is the default and a trust can change it."""

from datetime import timedelta
from pathlib import Path

import pytest

from app.config import SETTINGS_VERSION, load_settings
from app.models.policy import DEFAULT_POLICY


def test_defaults_are_domain_md(settings_files: tuple[Path, Path]) -> None:
    settings = load_settings()
    assert settings.policy == DEFAULT_POLICY
    assert settings.settings_version == SETTINGS_VERSION
    assert settings.idle_lock_minutes == 10


def test_machine_wide_file_outranks_user_file_and_environment(
    settings_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    machine, user = settings_files
    user.write_text(
        "idle_lock_minutes = 30\n[policy.seclusion]\nnursing_review_interval = 'PT3H'\n"
    )
    assert load_settings().idle_lock_minutes == 30
    monkeypatch.setenv("RPR_IDLE_LOCK_MINUTES", "20")
    assert load_settings().idle_lock_minutes == 20  # environment beats the user's file
    machine.write_text(
        "idle_lock_minutes = 5\n[policy.seclusion]\nnursing_review_interval = 'PT1H'\n"
    )
    settings = load_settings()
    assert settings.idle_lock_minutes == 5
    assert settings.policy.seclusion.nursing_review_interval == timedelta(hours=1)
    # Untouched policy values keep domain.md's defaults.
    assert settings.policy.seclusion.observation_interval == timedelta(minutes=15)


def test_a_bad_setting_names_the_field(settings_files: tuple[Path, Path]) -> None:
    machine, _ = settings_files
    machine.write_text("idle_lock_minutes = 0\n")
    with pytest.raises(ValueError, match="idle_lock_minutes"):
        load_settings()
