"""Where each setting came from (shown in the window's "About this PC"): the organisation's
machine-wide file, the environment, the user's file, the command line or the default; and
which machine-only settings another source tried to set, ignored (issue 9, item 4)."""

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from app.config import Origin, load_settings, settings_sources


def test_with_no_settings_files_every_setting_is_a_default(
    settings_files: tuple[Path, Path],
) -> None:
    sources = settings_sources()
    assert (sources.machine_file, sources.user_file) == settings_files
    assert {s.origin for s in sources.settings} == {Origin.DEFAULT}
    assert sources["idle_lock_minutes"].value == 10
    assert sources["idle_lock_minutes"].where == "default"
    assert not sources["idle_lock_minutes"].managed
    assert sources.ignored == ()


def test_each_setting_names_the_file_or_variable_it_came_from(
    settings_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine, user = settings_files
    machine.write_text(
        "idle_lock_minutes = 5\nserver_url = 'https://rpr.trust.example'\n"
        "[policy.seclusion]\nnursing_review_interval = 'PT1H'\n"
    )
    user.write_text(f"log_level = 'debug'\ndata_dir = '{tmp_path / 'user'}'\n")
    monkeypatch.setenv("RPR_DATA_DIR", str(tmp_path / "env"))
    sources = settings_sources(load_settings())

    managed = sources["idle_lock_minutes"]
    assert (managed.value, managed.origin, managed.managed) == (5, Origin.ORGANISATION, True)
    assert managed.where == f"set by your organisation ({machine})"
    assert sources["server_url"].where == f"set by your organisation ({machine})"
    # A table is shown entry by entry: what the trust changed, and domain.md's defaults.
    review = sources["policy.seclusion.nursing_review_interval"]
    assert (review.value, review.managed) == (timedelta(hours=1), True)
    observation = sources["policy.seclusion.observation_interval"]
    assert (observation.value, observation.where) == (timedelta(minutes=15), "default")
    assert sources["log_level"].value == "DEBUG"
    assert sources["log_level"].where == f"this user's settings ({user})"
    assert sources["data_dir"].value == tmp_path / "env"
    assert sources["data_dir"].where == "this PC's environment (RPR_DATA_DIR)"
    assert sources["trust_ca_certificate"].where == "default"


def test_a_value_given_on_the_command_line_says_so(
    settings_files: tuple[Path, Path], tmp_path: Path
) -> None:
    machine, _ = settings_files
    machine.write_text(f"data_dir = '{tmp_path / 'machine'}'\n")
    sources = settings_sources(load_settings(data_dir=tmp_path / "cli"))
    assert sources["data_dir"].value == tmp_path / "cli"
    assert sources["data_dir"].origin is Origin.COMMAND_LINE
    assert sources["data_dir"].where == "given when RPR was started (command line)"


def test_machine_only_settings_in_the_user_file_are_ignored_and_reported(
    settings_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    machine, user = settings_files
    machine.write_text("idle_lock_minutes = 5\n")
    user.write_text(
        "idle_lock_minutes = 240\ntrust_ca_certificate = '/home/someone/ca.pem'\n"
        "log_level = 'ERROR'\n"
    )
    monkeypatch.setenv("RPR_SERVER_URL", "https://elsewhere.example")
    settings = load_settings()
    monkeypatch.setattr(logging.getLogger("rpr"), "propagate", True)
    caplog.set_level(logging.WARNING, logger="rpr.config")
    caplog.clear()
    assert load_settings() == settings  # warns, as at start
    # Two warnings, one per source (counted by message: another test's handler on the "rpr"
    # logger may hand the same record to the capture twice).
    assert len({r.getMessage() for r in caplog.records if r.name == "rpr.config"}) == 2
    caplog.clear()
    sources = settings_sources(settings)

    assert sources["idle_lock_minutes"].value == 5
    assert sources["idle_lock_minutes"].where == f"set by your organisation ({machine})"
    assert sources["trust_ca_certificate"].value is None
    assert sources["server_url"].origin is Origin.DEFAULT
    assert sources["log_level"].where == f"this user's settings ({user})"
    assert [ignored.sentence for ignored in sources.ignored] == [
        (
            "Ignored server_url in this PC's environment (RPR_… environment variables): only "
            "your organisation's settings file may set it."
        ),
        (
            f"Ignored idle_lock_minutes, trust_ca_certificate in this user's settings ({user}): "
            "only your organisation's settings file may set them."
        ),
    ]
    # The values tried are never repeated; the warnings were given when the settings loaded.
    assert "240" not in str(sources.ignored)
    assert "elsewhere" not in str(sources.ignored)
    assert caplog.records == []
