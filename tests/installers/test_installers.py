"""The installer chain end to end (issue 9, first slice): ``installers/build.sh`` builds the
one-folder program, the .deb, its signature and manifest; then the built program runs from a
folder outside the source tree, ``installers/verify`` accepts the .deb and refuses it with one
byte changed, and the .deb installs, upgrades, removes and purges in a throwaway root.

Slow (the build takes minutes): marked ``installer``, run by ``make installer-test`` only.
The chain is built once per session (``built``, tests/installers/chain.py), shared with
test_msi.py; ``RPR_INSTALLER_BUILT=DIR`` checks an existing build output (``make installer``'s
build/installer) instead of building a fresh one.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import stat
import subprocess
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import load_settings
from app.ui.app import ANNOUNCE_ENV, ANNOUNCED
from tests.installers.chain import Built, run_command, succeeded

pytestmark = [pytest.mark.installer, pytest.mark.timeout(3600)]

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
VERIFY = INSTALLERS / "verify"
SAVED_STORE = ROOT / "tests" / "store" / "saved_stores" / "schema-0001"
SAVED_USER, SAVED_PASSWORD = "old.nurse", "saved store passphrase"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
WINDOW_TITLE = "RPR — Restrictive Practice Recorder"


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """Nothing of the source tree or its virtualenv: no PYTHONPATH, no VIRTUAL_ENV, a bare PATH,
    settings files that are not this machine's."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TMPDIR": str(home),
        "RPR_MACHINE_SETTINGS_FILE": str(home / "machine-settings.toml"),
        "RPR_USER_SETTINGS_FILE": str(home / "user-settings.toml"),
        "QT_QPA_PLATFORM": "offscreen",
        **extra,
    }


@pytest.fixture(scope="module")
def elsewhere(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder program copied to a folder outside the source tree and the build."""
    target = tmp_path_factory.mktemp("elsewhere") / "rpr"
    shutil.copytree(built.bundle, target, symlinks=True)
    program = target / "rpr"
    assert not program.resolve().is_relative_to(ROOT)
    return program


def _is_a_commit_of_this_checkout(commit: str) -> bool:
    """``commit`` is HEAD or before it (others may commit while the build runs)."""
    git = ["git", "-C", ROOT]
    return run_command([*git, "merge-base", "--is-ancestor", commit, "HEAD"]).returncode == 0


# ---------------------------------------------------------------- the one-folder program


def test_the_built_program_prints_its_version_and_commit(elsewhere: Path, tmp_path: Path) -> None:
    out = succeeded(run_command([elsewhere, "--version"], env=_clean_env(tmp_path), cwd=tmp_path))
    found = re.fullmatch(
        rf"rpr {re.escape(VERSION)} \(commit ([0-9a-f]{{40}})(-modified)?\)\n", out
    )
    assert found, out
    assert _is_a_commit_of_this_checkout(found[1])


def test_the_built_program_passes_its_self_test_offscreen(elsewhere: Path, tmp_path: Path) -> None:
    out = succeeded(run_command([elsewhere, "self-test"], env=_clean_env(tmp_path), cwd=tmp_path))
    assert "Self-test passed." in out
    assert "apply migrations" in out


def test_the_built_program_migrates_a_store_saved_by_an_older_schema(
    elsewhere: Path, tmp_path: Path
) -> None:
    data = tmp_path / "saved"
    shutil.copytree(SAVED_STORE, data)
    env = _clean_env(tmp_path / "home", RPR_PASSWORD=SAVED_PASSWORD)
    out = succeeded(
        run_command([elsewhere, "status", "--data-dir", data, "--user", SAVED_USER], env=env)
    )
    assert re.search(r"schema version\s+0004", out), out
    assert re.search(r"whole-file check\s+intact", out), out


@pytest.fixture(scope="module")
def demo_ward(elsewhere: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A demo ward built by the built program; (its folder, the ward manager's password)."""
    base = tmp_path_factory.mktemp("demo")
    data = base / "ward"
    out = succeeded(
        run_command([elsewhere, "demo-data", "--data-dir", data], env=_clean_env(base / "home"))
    )
    password = re.search(r"^\s*demo\.manager\s.*\s(\S+)$", out, re.MULTILINE)
    assert password, out
    return data, password[1]


def test_the_built_program_finds_its_fonts_for_a_pdf(
    elsewhere: Path, demo_ward: tuple[Path, str], tmp_path: Path
) -> None:
    data, password = demo_ward
    pdf = tmp_path / "handover.pdf"
    env = _clean_env(tmp_path / "home", RPR_PASSWORD=password)
    args = ["report", "handover", "--data-dir", data, "--user", "demo.manager", "--out", pdf]
    succeeded(run_command([elsewhere, *args], env=env))
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    assert b"DejaVuSans" in content  # the shipped font, embedded


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts, each in its own session; ended (the whole group) afterwards."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in reversed(processes):
        if process.poll() is None:
            os.killpg(process.pid, 15)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _window_shown(client: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    """Wait for the client's line saying its window is up (``RPR_ANNOUNCE_WINDOW``); fails
    with its log when it ends first or says nothing in ``timeout`` seconds."""
    assert client.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(client.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while selector.select(max(0.0, deadline - time.monotonic())):
            line = client.stdout.readline()
            if not line:
                break
            if line.decode(errors="replace").strip() == ANNOUNCED:
                return
    raise AssertionError(f"the window did not show: {log.read_text(errors='replace')}")


def _start_client(
    program: Path, folder: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [program, "--data-dir", folder],
            env={**env, ANNOUNCE_ENV: "1"},
            stdout=subprocess.PIPE,
            stderr=sink,
            start_new_session=True,
        )


def test_the_built_program_opens_the_demo_ward_window_offscreen(
    elsewhere: Path,
    demo_ward: tuple[Path, str],
    tmp_path: Path,
    started: list[subprocess.Popen[bytes]],
) -> None:
    log = tmp_path / "client.log"
    client = _start_client(elsewhere, demo_ward[0], _clean_env(tmp_path / "home"), log)
    started.append(client)
    _window_shown(client, log)  # a missing platform plugin or library ends it before this
    assert client.poll() is None, log.read_text(errors="replace")
    assert "platform plugin" not in log.read_text(errors="replace")


def _xvfb(started: list[subprocess.Popen[bytes]]) -> str:
    """Start Xvfb on a free display (it says which); the display's name."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started.append(server)
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    return f":{number}"


def test_the_built_program_opens_the_demo_ward_window_on_x11(
    elsewhere: Path,
    demo_ward: tuple[Path, str],
    tmp_path: Path,
    started: list[subprocess.Popen[bytes]],
) -> None:
    display = _xvfb(started)
    env = _clean_env(tmp_path / "home", DISPLAY=display, QT_QPA_PLATFORM="xcb")
    log = tmp_path / "client.log"
    client = _start_client(elsewhere, demo_ward[0], env, log)
    started.append(client)
    _window_shown(client, log)
    tree = run_command(
        ["xwininfo", "-root", "-tree"], env={"DISPLAY": display, "LANG": "C.UTF-8"}
    ).stdout
    assert client.poll() is None, log.read_text(errors="replace")
    assert WINDOW_TITLE in tree, log.read_text(errors="replace")


# ---------------------------------------------------------------- signature and manifest


def test_the_deb_verifies_with_installers_verify_and_with_standard_tools(built: Built) -> None:
    out = succeeded(run_command([VERIFY, built.deb]))
    assert out.startswith(f"verify: OK: {built.deb.name}")
    # What IT can run without this repository: sha256sum and gpgv (the key dearmoured).
    succeeded(run_command(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=built.out))
    assert (
        (built.out / f"{built.deb.name}.asc")
        .read_text()
        .startswith("-----BEGIN PGP SIGNATURE-----")
    )


def _copy_release(built: Built, target: Path) -> Path:
    target.mkdir()
    names = [built.deb.name, f"{built.deb.name}.asc", "SHA256SUMS", "SHA256SUMS.asc"]
    for name in [*names, "rpr-signing-key.asc"]:
        shutil.copy2(built.out / name, target / name)
    return target / built.deb.name


def _flip_byte(path: Path, at: int) -> None:
    with path.open("r+b") as file:
        file.seek(at)
        byte = file.read(1)
        file.seek(at)
        file.write(bytes([byte[0] ^ 0x01]))


@pytest.mark.parametrize(
    ("file", "where"),
    [
        ("deb", "middle"),
        ("deb", "last"),
        ("deb.asc", "middle"),
        ("SHA256SUMS", "first"),
        ("SHA256SUMS.asc", "middle"),
    ],
)
def test_one_flipped_byte_fails_verification(
    built: Built, tmp_path: Path, file: str, where: str
) -> None:
    deb = _copy_release(built, tmp_path / "release")
    succeeded(run_command([VERIFY, deb]))
    target = {
        "deb": deb,
        "deb.asc": deb.with_name(f"{deb.name}.asc"),
        "SHA256SUMS": deb.with_name("SHA256SUMS"),
        "SHA256SUMS.asc": deb.with_name("SHA256SUMS.asc"),
    }[file]
    size = target.stat().st_size
    _flip_byte(target, {"first": 0, "middle": size // 2, "last": size - 1}[where])
    result = run_command([VERIFY, deb])
    assert result.returncode == 1, result.stdout
    assert "verify: FAILED" in result.stderr


def test_a_signature_by_another_key_than_the_pinned_one_fails(built: Built) -> None:
    result = run_command([VERIFY, "--fingerprint", "0" * 40, built.deb])
    assert result.returncode == 1
    assert "not by the pinned key" in result.stderr
    key = succeeded(run_command([VERIFY, built.deb])).split("signed by ")[1].split(";")[0]
    succeeded(run_command([VERIFY, "--fingerprint", key.lower(), built.deb]))


# ---------------------------------------------------------------- the .deb in a throwaway root


def _throwaway_root(root: Path) -> Path:
    """An empty system for dpkg: its database, and /etc/group for the package's group."""
    for folder in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "etc", "tmp"):
        (root / folder).mkdir(parents=True)
    for name in ("status", "available"):
        (root / "var/lib/dpkg" / name).touch()
    (root / "etc/group").write_text("root:x:0:\n")
    (root / "etc/gshadow").write_text("root:*::\n")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    # debconf reads its configuration and keeps its answers under DPKG_ROOT.
    shutil.copy("/etc/debconf.conf", root / "etc/debconf.conf")
    (root / "var/cache/debconf").mkdir(parents=True)
    return root


def _preseed(root: Path, **answers: str) -> None:
    """What trust IT does before a silent install: debconf answers for the rpr package."""
    lines = "".join(f"rpr rpr/{key} string {value}\n" for key, value in answers.items())
    env = {**os.environ, "DPKG_ROOT": str(root), "DEBIAN_FRONTEND": "noninteractive"}
    succeeded(subprocess.run(
        ["debconf-set-selections"], input=lines, capture_output=True, text=True, env=env,
        check=False, timeout=60,
    ))  # fmt: skip


def _answer(root: Path, question: str) -> str:
    """The value debconf holds for ``rpr/QUESTION`` (its file database under DPKG_ROOT)."""
    stanzas = (root / "var/cache/debconf/config.dat").read_text().split("\n\n")
    stanza = next(s for s in stanzas if f"Name: rpr/{question}\n" in s)
    values = [
        line[len("Value:") :].strip() for line in stanza.splitlines() if line.startswith("Value:")
    ]
    return values[0] if values else ""


def _dpkg(root: Path, *args: str | Path) -> str:
    # --force-script-chrootless: the maintainer scripts run on this system with DPKG_ROOT set
    # (they are written for it) instead of chrooted into a root that has no shell;
    # --force-depends: the throwaway root has none of the system libraries installed.
    return succeeded(
        run_command(
            [
                "env",
                "DEBIAN_FRONTEND=noninteractive",
                "dpkg",
                f"--root={root}",
                "--force-script-chrootless",
                "--force-depends",
                "--force-confold",
                f"--log={root / 'var/log/dpkg.log'}",
                *args,
            ]
        )
    )


def test_the_deb_installs_upgrades_and_removes_in_a_throwaway_root_keeping_the_data(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:
        pytest.skip("dpkg --root with the package's owners and groups needs root")
    root = _throwaway_root(tmp_path / "root")
    (root / "var/log").mkdir()
    # A silent install with the managed settings preseeded, as trust IT deploys it.
    _preseed(
        root,
        server_url="https://rpr.trust.example",
        ward="ash-1",
        trust_ca_certificate="/etc/rpr/trust-ca.pem",
        idle_lock_minutes="7",
    )
    _dpkg(root, "--install", built.deb)

    # The files, the launcher, the desktop entry and icon.
    program = root / "opt/rpr/rpr"
    assert os.access(program, os.X_OK)
    launcher = (root / "usr/bin/rpr").read_text()
    assert "exec /opt/rpr/rpr" in launcher
    assert os.access(root / "usr/bin/rpr", os.X_OK)
    desktop = (root / "usr/share/applications/rpr.desktop").read_text()
    assert "Exec=rpr" in desktop
    assert "Icon=rpr" in desktop
    assert (root / "usr/share/icons/hicolor/scalable/apps/rpr.svg").read_text().startswith("<?xml")
    status = _dpkg(root, "--status", "rpr")
    assert "Status: install ok installed" in status
    assert f"Version: {VERSION}-" in status
    assert "Conffiles" not in status  # the settings file is the scripts' (debconf), not dpkg's
    _dpkg(root, "--verify", "rpr")  # every installed file matches the package's md5sums

    # The machine-wide settings file the package writes holds the preseeded values, and is
    # one the client accepts; only root may change it.
    settings_file = root / "etc/rpr/settings.toml"
    monkeypatch.setenv("RPR_MACHINE_SETTINGS_FILE", str(settings_file))
    settings = load_settings()
    assert settings.data_dir == Path("/var/lib/rpr")
    assert settings.server_url == "https://rpr.trust.example"
    assert settings.ward == "ASH-1"
    assert settings.trust_ca_certificate == Path("/etc/rpr/trust-ca.pem")
    assert settings.idle_lock_minutes == 7
    info = settings_file.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid) == (0o644, 0)
    assert _answer(root, "server_url") == ""  # used once, like an MSI property

    # The data folder: root and the rpr-ward group, setgid, nobody else.
    groups = {
        line.split(":")[0]: int(line.split(":")[2])
        for line in (root / "etc/group").read_text().splitlines()
    }
    assert "rpr-ward" in groups
    data = root / "var/lib/rpr"
    info = data.stat()
    assert stat.S_IMODE(info.st_mode) == 0o2770
    assert (info.st_uid, info.st_gid) == (0, groups["rpr-ward"])

    # The installed program runs from where the package put it.
    env = _clean_env(tmp_path / "home")
    assert succeeded(run_command([program, "--version"], env=env)).startswith(f"rpr {VERSION} ")
    assert "Self-test passed." in succeeded(run_command([program, "self-test"], env=env))

    # A store in the data folder, and IT's change to the settings: an upgrade keeps both.
    shutil.copytree(SAVED_STORE, data / "store")
    settings_file.write_text(settings_file.read_text().replace("= 7", "= 5"))
    _dpkg(root, "--install", built.deb)
    assert "idle_lock_minutes = 5" in settings_file.read_text()
    assert 'server_url = "https://rpr.trust.example"' in settings_file.read_text()
    assert sorted(p.name for p in (data / "store").iterdir()) == ["keyslots.json", "rpr.db"]

    # Removing: the program goes; the settings and the data stay.
    _dpkg(root, "--remove", "rpr")
    assert not (root / "opt/rpr").exists()
    assert not (root / "usr/bin/rpr").exists()
    assert not (root / "usr/share/applications/rpr.desktop").exists()
    assert settings_file.is_file()
    assert (data / "store" / "rpr.db").read_bytes() == (SAVED_STORE / "rpr.db").read_bytes()

    # Purging: the settings go too; the data folder and its store still stay.
    _dpkg(root, "--purge", "rpr")
    assert not (root / "etc/rpr").exists()
    assert stat.S_IMODE(data.stat().st_mode) == 0o2770
    assert (data / "store" / "rpr.db").read_bytes() == (SAVED_STORE / "rpr.db").read_bytes()
    assert "rpr" not in run_command(["dpkg", f"--root={root}", "--list"]).stdout.split()


def test_a_bad_preseeded_setting_stops_the_configuration_naming_it_until_it_is_corrected(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:
        pytest.skip("dpkg --root with the package's owners and groups needs root")
    root = _throwaway_root(tmp_path / "root")
    (root / "var/log").mkdir()
    _preseed(root, server_url="https://rpr.trust.example", idle_lock_minutes="500")
    refused = run_command(
        ["env", "DEBIAN_FRONTEND=noninteractive", "dpkg", f"--root={root}",
         "--force-script-chrootless", "--force-depends", f"--log={root / 'var/log/dpkg.log'}",
         "--install", built.deb]
    )  # fmt: skip
    assert refused.returncode != 0
    assert "idle_lock_minutes: Input should be less than or equal to 240" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (root / "etc/rpr/settings.toml").exists()  # nothing half-written
    assert "half-configured" in run_command(["dpkg", f"--root={root}", "--status", "rpr"]).stdout

    _preseed(root, idle_lock_minutes="30")
    _dpkg(root, "--configure", "--pending")
    monkeypatch.setenv("RPR_MACHINE_SETTINGS_FILE", str(root / "etc/rpr/settings.toml"))
    settings = load_settings()
    assert (settings.server_url, settings.idle_lock_minutes) == ("https://rpr.trust.example", 30)
