"""The installer chain, built once per test session for every installer test module
(``tests/installers/conftest.py``'s ``built`` fixture): ``installers/build.sh`` into a temporary
folder, with a throwaway RFC 3161 timestamp authority on loopback for the MSI's Authenticode
signature. ``RPR_INSTALLER_BUILT=DIR`` checks an existing build output instead (then
``RPR_TSA_CA`` names the CA of the timestamp authority it was signed with, if any).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.installers.timestamp_authority import TimestampAuthority

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "installers" / "build.sh"


@dataclass(frozen=True)
class Built:
    """What installers/build.sh left in its output folder."""

    out: Path
    bundle: Path
    deb: Path
    msi: Path
    seconds: float
    #: The CA of the timestamp authority the MSI's signature was timestamped by (verify --tsa-ca).
    tsa_ca: Path | None


def build_chain(tmp_path_factory: pytest.TempPathFactory) -> Built:
    given = os.environ.get("RPR_INSTALLER_BUILT")
    started = time.monotonic()
    if given:
        out = Path(given).resolve()
        tsa_ca = Path(os.environ["RPR_TSA_CA"]).resolve() if os.environ.get("RPR_TSA_CA") else None
    else:
        out = tmp_path_factory.mktemp("installer-out")
        tsa_ca = tmp_path_factory.mktemp("timestamp-authority") / "tsa-ca.pem"
        with TimestampAuthority() as authority:
            env = {**os.environ, "RPR_INSTALLER_OUT": str(out), "RPR_TIMESTAMP_URL": authority.url}
            result = subprocess.run(
                [BUILD], capture_output=True, text=True, env=env, check=False, timeout=3000
            )
            shutil.copyfile(authority.ca_file, tsa_ca)
        assert result.returncode == 0, f"build.sh failed:\n{result.stdout}\n{result.stderr}"
    debs = sorted(out.glob("rpr_*.deb"))
    assert len(debs) == 1, debs
    msis = sorted(out.glob("rpr-*.msi"))
    assert len(msis) == 1, msis
    return Built(out, out / "dist" / "rpr", debs[0], msis[0], time.monotonic() - started, tsa_ca)


def run_command(
    args: list[str | Path], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` (text output captured, no check; 30 minutes at most)."""
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
        timeout=1800,
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    """Its stdout, after asserting it exited 0 (the failure shows its stderr)."""
    assert result.returncode == 0, f"{result.args} exited {result.returncode}:\n{result.stderr}"
    return result.stdout
