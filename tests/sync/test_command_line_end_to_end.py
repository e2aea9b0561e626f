"""End to end on the command line (issue 7, acceptance), every step its own process as trust
IT and ward staff would run it: ``rpr-server admin`` migrates, initialises the trust, adds a
ward and two nurses and issues two codes; ``rpr-server serve`` listens on a loopback port;
``rpr enrol`` makes two ward PCs' stores on PCs whose machine-wide settings, written as the
Windows installer writes them, name the ward (each ends with a first sync: the ward and the
accounts arrive); ``rpr demo-data`` makes the demo ward's records on the first, as its ward
manager; ``rpr sync`` on both; the second PC holds the first PC's records and ``rpr status``
says all is sent.

Passwords come from a file (``--password-file``) for the server and from ``RPR_PASSWORD``
for the ward client: never from an argument.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from app.models.blanket_restrictions import BlanketRestriction
from app.models.enhanced_observation import EnhancedObservation
from app.models.incident import UseOfForceIncident
from app.models.individual_restrictions import IndividualRestriction
from app.models.lts_exit import IcetrRecommendation, LtsExitStep, SeniorIntervenorAction
from app.models.patient import Patient
from app.models.psychological_cultural_restraint import CulturalRestraint, PsychologicalRestraint
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.store.store import Store
from tests.postgres import fresh_database
from tests.server.harness import PASSWORD, free_port, served_process

BIN = Path(sys.executable).parent
WARD = "Ashdown Ward"
CODE = re.compile(r"Enrolment code for Ashdown Ward: ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})")


def run(*command: str, env: dict[str, str]) -> str:
    """Run one command to completion; its output, or a failure showing what it said."""
    done = subprocess.run(
        command, env=os.environ | env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (
        f"{command[:3]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


def test_two_ward_pcs_enrolled_and_synced_on_the_command_line(
    tmp_path: Path, settings_files: tuple[Path, Path]
) -> None:
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text("a long recovery passphrase for the safe\n", encoding="utf-8")
    with fresh_database("rpr_cli_e2e") as url:
        server_env = {"RPR_SERVER_DATABASE_URL": url}
        admin = (str(BIN / "rpr-server"), "admin")
        assert "schema version" in run(*admin, "migrate", env=server_env)
        out = run(
            *admin,
            "init-trust",
            "--name",
            "Meadowbank NHS Trust",
            "--recovery-key-out",
            str(tmp_path / "recovery.pem"),
            "--passphrase-file",
            str(passphrase_file),
            env=server_env,
        )
        assert "KEEP IT OFFLINE" in out
        run(
            *admin,
            "add-ward",
            "--name",
            WARD,
            "--code",
            "ASH-1",
            "--beds",
            "18",
            "--site",
            "Meadowbank Hospital",
            env=server_env,
        )
        people = (
            ("bay.manager", "Robin Ashdown", "ward_manager", "Ward manager", "ward_manager"),
            ("office.nurse", "Sam Example", "nurse", "Staff nurse", "registered_nurse"),
        )
        for username, name, role, job_title, clinical_role in people:
            run(
                *admin,
                "add-account",
                "--username",
                username,
                "--name",
                name,
                "--role",
                role,
                "--ward",
                WARD,
                "--job-title",
                job_title,
                "--clinical-role",
                clinical_role,
                "--password-file",
                str(password_file),
                env=server_env,
            )
        codes = [
            CODE.search(run(*admin, "issue-code", "--ward", WARD, env=server_env)).group(1)  # type: ignore[union-attr]
            for _ in range(2)
        ]
        port = free_port()
        server_url = f"http://127.0.0.1:{port}"
        # Trust IT's machine-wide settings file (RPR_MACHINE_SETTINGS_FILE, inherited).
        settings_files[0].write_text("[rpr]\nsettings_version=1\nward='ASH-1'\n")
        with served_process("--port", str(port), env=server_env):
            client_env = {"RPR_PASSWORD": PASSWORD}
            rpr = str(BIN / "rpr")
            pcs = {"bay.manager": tmp_path / "bay-pc", "office.nurse": tmp_path / "office-pc"}
            for (username, folder), code in zip(pcs.items(), codes, strict=True):
                out = run(
                    rpr,
                    "enrol",
                    "--data-dir",
                    str(folder),
                    "--server",
                    server_url,
                    "--code",
                    code,
                    "--user",
                    username,
                    "--device-name",
                    folder.name,
                    env=client_env,
                )
                assert f"Enrolled at Meadowbank NHS Trust for {WARD}" in out
                # The ward, two staff records and two accounts, published by the trust.
                assert "First sync: received 5 revision(s)" in out

            # The demo ward's fictitious records, made on the bay PC by its ward manager.
            out = run(
                rpr,
                "demo-data",
                "--data-dir",
                str(pcs["bay.manager"]),
                "--user",
                "bay.manager",
                env=client_env,
            )
            made = int(re.search(r": (\d+) revisions, all fictitious", out).group(1))  # type: ignore[union-attr]
            assert made > 500

            out = run(
                rpr,
                "sync",
                "--data-dir",
                str(pcs["bay.manager"]),
                "--user",
                "bay.manager",
                env=client_env,
            )
            assert f"Sent {made} revision(s); received 0." in out
            assert "refused" not in out
            out = run(
                rpr,
                "sync",
                "--data-dir",
                str(pcs["office.nurse"]),
                "--user",
                "office.nurse",
                env=client_env,
            )
            assert f"Sent 0 revision(s); received {made}." in out
            assert f"Count check: this PC holds the {made + 5} revision(s)" in out
            status = run(
                rpr,
                "status",
                "--data-dir",
                str(pcs["office.nurse"]),
                "--user",
                "office.nurse",
                env=client_env,
            )
            assert f"trust server            {server_url}" in status
            assert "not yet sent                   0" in status
            assert "count check             matches" in status

        seen = {}
        for username, folder in pcs.items():
            with Store.open(folder, username, PASSWORD) as store, store.read() as reader:
                seen[username] = {
                    kind.KIND: {r.id: r for r in reader.find(kind)}
                    for kind in (
                        Patient,
                        UseOfForceIncident,
                        SeclusionEpisode,
                        LtsEpisode,
                        # issue 10: restrictions beyond force and the steps to end LTS
                        BlanketRestriction,
                        IndividualRestriction,
                        EnhancedObservation,
                        PsychologicalRestraint,
                        CulturalRestraint,
                        LtsExitStep,
                        IcetrRecommendation,
                        SeniorIntervenorAction,
                    )
                }
        # The office PC shows every one of the bay PC's records, as the bay PC has them.
        assert seen["office.nurse"] == seen["bay.manager"]
        assert all(seen["office.nurse"].values())
