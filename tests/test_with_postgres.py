"""`make test` on a machine where no PostgreSQL answers: scripts/with-postgres starts a
throwaway cluster from the local binaries, hands its URL to the command, and removes it after."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_throwaway_cluster_answers_when_none_is_configured() -> None:
    nowhere = f"postgresql://postgres@127.0.0.1:{_unused_port()}/postgres"
    env = {**os.environ, "RPR_TEST_POSTGRES_URL": nowhere}
    query = 'psql "$RPR_TEST_POSTGRES_URL" -tAc "select 6*7" && echo "url=$RPR_TEST_POSTGRES_URL"'
    done = subprocess.run(
        [str(ROOT / "scripts" / "with-postgres"), "bash", "-c", query],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "42"
    used = lines[1].removeprefix("url=")
    assert used != nowhere
    port = int(used.rsplit(":", 1)[1].split("/")[0])
    # Stopped and removed when the command ended: nothing answers there any more.
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    assert "throwaway" in done.stderr.lower()
