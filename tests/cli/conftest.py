"""A standalone store made through `rpr init`, and the trust's recovery key pair beside it."""

from pathlib import Path

import pytest

from app.cli.main import main
from app.store.keyslots import generate_recovery_key_pair

PASSWORD = "a long admin passphrase"


@pytest.fixture
def recovery_files(tmp_path: Path) -> tuple[Path, Path]:
    """(private, public) PEM files of a recovery key pair without a passphrase."""
    private_pem, public_pem = generate_recovery_key_pair()
    private, public = tmp_path / "trust-recovery.pem", tmp_path / "trust-recovery.pem.pub"
    private.write_bytes(private_pem)
    public.write_bytes(public_pem)
    return private, public


@pytest.fixture
def standalone_store(
    tmp_path: Path, recovery_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The data folder of a store whose administrator is local.admin (password in
    ``RPR_PASSWORD``)."""
    data_dir = tmp_path / "ward"
    monkeypatch.setenv("RPR_PASSWORD", PASSWORD)
    code = main(
        [
            "init",
            "--data-dir",
            str(data_dir),
            "--user",
            "local.admin",
            "--recovery-public-key",
            str(recovery_files[1]),
        ]
    )
    assert code == 0
    return data_dir
