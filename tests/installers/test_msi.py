"""The Windows Installer package (issue 9, item 3): ``installers/build.sh`` builds it with wixl
around the one-folder build (here the Linux one: it proves the authoring, not the Windows
program), signs it with Authenticode and an RFC 3161 timestamp from a throwaway authority on
loopback, and puts it in the signed SHA256SUMS with its OpenPGP signature. These tests check
that ``installers/verify`` accepts it and refuses it changed; that its tables hold what the
WiX source says (shortcut, settings lines, ACLs, permanent components); and, under wine, that
it installs and uninstalls silently with the managed settings given as properties, keeps the
settings and the data folder when uninstalled or upgraded, and that a newer version replaces
an older one. What wine does not do (ACLs, the all-users Start menu) is said where it matters.

Slow: marked ``installer``, run by ``make installer-test`` only; the chain is built once per
session (tests/installers/chain.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import load_settings
from tests.installers.chain import Built, run_command, succeeded

pytestmark = [pytest.mark.installer, pytest.mark.timeout(3600)]

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"
VERIFY = INSTALLERS / "verify"
SIGN = INSTALLERS / "sign.sh"
BUILD_MSI = INSTALLERS / "windows" / "build-msi.sh"
SIGN_MSI = INSTALLERS / "windows" / "sign-msi"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
PRODUCT_NAME = "RPR Restrictive Practice Recorder"
UPGRADE_CODE = "{EAFC5584-0A0C-47F4-813B-5744FB017F31}"

#: What trust IT passes to a silent install, and the settings file that must come of it.
PROPERTIES = {
    "SERVER_URL": "https://rpr.trust.example",
    "WARD": "OAK",
    "IDLE_LOCK_MINUTES": "5",
    "TRUST_CA_CERTIFICATE": r"C:\ProgramData\RPR\trust-ca.pem",
}
SETTINGS = {
    "settings_version": 1,
    "data_dir": "C:\\ProgramData\\RPR\\data\\",
    "server_url": "https://rpr.trust.example",
    "ward": "OAK",
    "idle_lock_minutes": 5,
    "trust_ca_certificate": r"C:\ProgramData\RPR\trust-ca.pem",
}
#: The ACLs (SDDL) of the settings folder and of the data folder: SYSTEM and Administrators
#: full control; BUILTIN\Users read and execute (settings) or modify (data); not inherited.
SETTINGS_SDDL = "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)"
DATA_SDDL = "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;BU)"


def _windows_path(path: Path) -> str:
    """``path`` as wine's programs see it (drive Z: is this machine's root); msiexec would
    take a Unix path's leading slash for an option."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


def _main_program(bundle: Path) -> str:
    """The one-folder build's program: rpr.exe from a Windows build, rpr from this machine's."""
    return "rpr.exe" if (bundle / "rpr.exe").exists() else "rpr"


def _flip_byte(path: Path, at: int) -> None:
    with path.open("r+b") as file:
        file.seek(at)
        byte = file.read(1)
        file.seek(at)
        file.write(bytes([byte[0] ^ 0x01]))


def _tsa_ca(built: Built) -> Path:
    if built.tsa_ca is None:
        pytest.skip("RPR_INSTALLER_BUILT without RPR_TSA_CA: the timestamp's CA is unknown")
    return built.tsa_ca


# ---------------------------------------------------------------- signature and manifest


def test_the_msi_verifies_signed_timestamped_and_in_the_signed_manifest(built: Built) -> None:
    tsa_ca = _tsa_ca(built)
    out = succeeded(run_command([VERIFY, "--tsa-ca", tsa_ca, built.msi]))
    assert out.startswith(f"verify: OK: {built.msi.name}, signed by ")
    assert "in the signed SHA256SUMS; Authenticode: " in out
    assert "timestamped " in out
    # With standard tools: the manifest lists it, osslsigncode checks signature and timestamp.
    listed = succeeded(
        run_command(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=built.out)
    )
    assert f"{built.msi.name}: OK" in listed
    report = succeeded(
        run_command(
            [
                "osslsigncode", "verify", "-in", built.msi,
                "-CAfile", built.out / "rpr-authenticode-ca.pem", "-TSA-CAfile", tsa_ca,
            ]
        )
    )  # fmt: skip
    assert "Timestamp Server Signature verification: ok" in report
    assert "Signature verification: ok" in report
    assert "Message digest algorithm         : SHA256" in report


def test_an_msi_timestamp_from_an_untrusted_authority_fails_verification(built: Built) -> None:
    # osslsigncode itself passes such a signature (checking the certificate at today's date).
    _tsa_ca(built)
    env = {k: v for k, v in os.environ.items() if k not in ("RPR_TSA_CA", "RPR_AUTHENTICODE_CA")}
    result = run_command([VERIFY, built.msi], env=env)
    assert result.returncode == 1, result.stdout
    assert f"verify: FAILED: the timestamp of {built.msi.name} does not verify" in result.stderr


def _copy_release(built: Built, target: Path) -> Path:
    target.mkdir()
    names = [built.msi.name, f"{built.msi.name}.asc", "SHA256SUMS", "SHA256SUMS.asc"]
    for name in [*names, "rpr-signing-key.asc", "rpr-authenticode-ca.pem"]:
        shutil.copy2(built.out / name, target / name)
    return target / built.msi.name


@pytest.mark.parametrize(
    ("file", "where", "reason"),
    [
        ("msi", "middle", "does not match its signature"),
        ("msi", "last", "does not match its signature"),
        ("msi.asc", "middle", "does not match its signature"),
        ("SHA256SUMS", "first", "SHA256SUMS does not match its signature"),
    ],
)
def test_one_flipped_byte_fails_msi_verification(
    built: Built, tmp_path: Path, file: str, where: str, reason: str
) -> None:
    msi = _copy_release(built, tmp_path / "release")
    tsa_ca = _tsa_ca(built)
    succeeded(run_command([VERIFY, "--tsa-ca", tsa_ca, msi]))
    target = {
        "msi": msi,
        "msi.asc": msi.with_name(f"{msi.name}.asc"),
        "SHA256SUMS": msi.with_name("SHA256SUMS"),
    }[file]
    size = target.stat().st_size
    _flip_byte(target, {"first": 0, "middle": size // 2, "last": size - 1}[where])
    result = run_command([VERIFY, "--tsa-ca", tsa_ca, msi])
    assert result.returncode == 1, result.stdout
    assert "verify: FAILED" in result.stderr
    assert reason in result.stderr


def _unsigned(msi: Path) -> None:
    plain = msi.with_suffix(".unsigned")
    succeeded(run_command(["osslsigncode", "remove-signature", "-in", msi, "-out", plain]))
    plain.replace(msi)


def _signed_without_timestamp(msi: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("RPR_AUTHENTICODE", "RPR_TIME"))
    }
    succeeded(
        run_command([SIGN_MSI, msi], env=env)
    )  # a throwaway certificate; its CA replaces the old one


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("flip", "the Authenticode signature of {} does not match its contents"),
        ("unsign", "{} has no Authenticode signature"),
        ("untimestamped", "the Authenticode signature of {} has no timestamp"),
    ],
)
def test_authenticode_catches_a_changed_msi_even_in_a_freshly_signed_release(
    built: Built, tmp_path: Path, change: str, reason: str
) -> None:
    """Someone who changes the MSI and signs a new manifest with their own OpenPGP key still
    fails: the Authenticode signature (what Windows checks) is verified on its own."""
    release = tmp_path / "release"
    release.mkdir()
    msi = release / built.msi.name
    shutil.copy2(built.msi, msi)
    shutil.copy2(built.out / "rpr-authenticode-ca.pem", release / "rpr-authenticode-ca.pem")
    if change == "flip":
        _flip_byte(msi, msi.stat().st_size // 2)
    elif change == "unsign":
        _unsigned(msi)
    else:
        _signed_without_timestamp(msi)
    succeeded(
        run_command([SIGN, release, msi])
    )  # a throwaway OpenPGP key, its manifest and signatures
    result = run_command([VERIFY, "--tsa-ca", _tsa_ca(built), msi])
    assert result.returncode == 1, result.stdout
    assert f"verify: FAILED: {reason.format(msi.name)}" in result.stderr, result.stderr


def test_an_msi_signed_under_another_ca_than_the_pinned_one_fails(built: Built) -> None:
    # The timestamp authority's CA did not issue the code-signing certificate.
    tsa_ca = _tsa_ca(built)
    result = run_command([VERIFY, "--authenticode-ca", tsa_ca, "--tsa-ca", tsa_ca, built.msi])
    assert result.returncode == 1
    assert f"the Authenticode signature of {built.msi.name} does not verify against" in (
        result.stderr
    )


# ---------------------------------------------------------------- the tables


def _table(msi: Path, name: str) -> list[dict[str, str]]:
    lines = (
        succeeded(run_command(["msiinfo", "export", msi, name])).replace("\r\n", "\n").splitlines()
    )
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=True)) for line in lines[3:]]


def _files(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` (links followed), relative path → size."""
    return {
        path.relative_to(folder).as_posix(): path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_the_msi_tables_hold_the_program_shortcut_settings_acls_and_permanent_parts(
    built: Built,
) -> None:
    msi = built.msi
    assert "Template: x64;1033" in succeeded(run_command(["msiinfo", "suminfo", msi]))
    properties = {row["Property"]: row["Value"] for row in _table(msi, "Property")}
    assert properties["ALLUSERS"] == "1"  # per machine
    assert properties["ProductName"] == PRODUCT_NAME
    assert properties["ProductVersion"] == VERSION
    assert properties["UpgradeCode"] == UPGRADE_CODE
    secure = properties["SecureCustomProperties"].split(";")
    assert set(PROPERTIES) <= set(secure)

    directories = {
        row["Directory"]: (row["Directory_Parent"], row["DefaultDir"])
        for row in _table(msi, "Directory")
    }
    assert directories["INSTALLFOLDER"] == ("ProgramFiles64Folder", "RPR")
    assert directories["SETTINGSDIR"] == ("CommonAppDataFolder", "RPR")
    assert directories["DATADIR"] == ("SETTINGSDIR", "data")

    # Every file of the one-folder build, once.
    files = _table(msi, "File")
    bundle = _files(built.bundle)
    assert sorted(row["FileName"].split("|")[-1] for row in files) == sorted(
        Path(name).name for name in bundle
    )
    assert sum(int(row["FileSize"]) for row in files) == sum(bundle.values())
    program = next(row for row in files if row["File"] == "RprExe")
    assert program["FileName"] == _main_program(built.bundle)

    (shortcut,) = _table(msi, "Shortcut")
    assert shortcut["Directory_"] == "ProgramMenuFolder"
    assert shortcut["Name"] == "RPR"
    assert shortcut["Target"] == "[#RprExe]"
    assert shortcut["Component_"] == program["Component_"]

    components = {row["Component"]: row for row in _table(msi, "Component")}
    permanent = {name for name, row in components.items() if int(row["Attributes"]) & 16}
    assert permanent == {
        "Settings",
        "SettingServerUrl",
        "SettingWard",
        "SettingTrustCa",
        "SettingIdleLock",
        "DataFolder",
    }
    assert {name: row["Condition"] for name, row in components.items() if row["Condition"]} == {
        "SettingServerUrl": "SERVER_URL",
        "SettingWard": "WARD",
        "SettingTrustCa": "TRUST_CA_CERTIFICATE",
        "SettingIdleLock": "IDLE_LOCK_MINUTES",
    }

    ini = {row["Key"]: row for row in _table(msi, "IniFile")}
    assert {row["FileName"].split("|")[-1] for row in ini.values()} == {"settings.toml"}
    assert {(row["DirProperty"], row["Section"]) for row in ini.values()} == {
        ("SETTINGSDIR", "rpr")
    }
    create_line, add_line = "1", "0"  # written only when absent / written every time
    assert {key: (row["Value"], row["Action"], row["Component_"]) for key, row in ini.items()} == {
        "settings_version": ("1", create_line, "Settings"),
        "data_dir": ("'[DATADIR]'", create_line, "Settings"),
        "server_url": ("'[SERVER_URL]'", add_line, "SettingServerUrl"),
        "ward": ("'[WARD]'", add_line, "SettingWard"),
        "trust_ca_certificate": ("'[TRUST_CA_CERTIFICATE]'", add_line, "SettingTrustCa"),
        "idle_lock_minutes": ("[IDLE_LOCK_MINUTES]", add_line, "SettingIdleLock"),
    }

    locks = {row["LockObject"]: row for row in _table(msi, "MsiLockPermissionsEx")}
    assert {key: (row["Table"], row["SDDLText"]) for key, row in locks.items()} == {
        "SETTINGSDIR": ("CreateFolder", SETTINGS_SDDL),
        "DATADIR": ("CreateFolder", DATA_SDDL),
    }
    assert "LockPermissions" not in succeeded(run_command(["msiinfo", "tables", msi])).split()

    sequence = {
        row["Action"]: int(row["Sequence"]) for row in _table(msi, "InstallExecuteSequence")
    }
    assert {"CreateFolders", "WriteIniValues", "RemoveIniValues", "CreateShortcuts"} <= set(
        sequence
    )
    # The older version goes before this one installs (its permanent parts stay).
    order = sorted(
        ["InstallValidate", "RemoveExistingProducts", "InstallInitialize"],
        key=lambda action: sequence[action],
    )
    assert order == ["InstallValidate", "RemoveExistingProducts", "InstallInitialize"]
    upgrade = {row["ActionProperty"]: row for row in _table(msi, "Upgrade")}
    assert upgrade["WIX_UPGRADE_DETECTED"]["VersionMax"] == VERSION
    assert int(upgrade["WIX_UPGRADE_DETECTED"]["Attributes"]) & 512  # the same version too
    assert upgrade["WIX_DOWNGRADE_DETECTED"]["VersionMin"] == VERSION


# ---------------------------------------------------------------- under wine


class Wine:
    """A wine prefix (a Windows PC) for msiexec: every wine command is waited for until all
    its processes have ended (``wineserver -w``), so what it wrote is on disk."""

    def __init__(self, prefix: Path, home: Path) -> None:
        self.prefix = prefix
        self.env = {
            "PATH": "/usr/lib/wine:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "WINEPREFIX": str(prefix),
            "WINEDEBUG": "-all",
            # No .NET or Gecko download prompts; no menu entries on this machine's desktop.
            "WINEDLLOVERRIDES": "mscoree,mshtml,winemenubuilder.exe=d",
        }
        self.logs = 0

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        result = run_command(["wine64", *args], env=self.env)
        succeeded(run_command(["wineserver", "-w"], env=self.env))
        return result

    def msiexec(self, *args: str | Path, **properties: str) -> tuple[int, str]:
        """msiexec's exit status (its low byte: 0 is success) and its verbose log."""
        self.logs += 1
        log = self.c / f"rpr-msiexec-{self.logs}.log"
        command = [
            *(_windows_path(a) if isinstance(a, Path) else a for a in args),
            "/qn",
            "/l*v",
            f"C:\\{log.name}",
        ]
        result = self.run("msiexec", *command, *(f"{k}={v}" for k, v in properties.items()))
        return result.returncode, log.read_text(errors="replace") if log.exists() else ""

    def install(self, msi: Path, **properties: str) -> None:
        status, log = self.msiexec("/i", msi, **properties)
        assert status == 0, log[-4000:]

    def uninstall(self, msi: Path) -> None:
        status, log = self.msiexec("/x", msi)
        assert status == 0, log[-4000:]

    @property
    def c(self) -> Path:
        return self.prefix / "drive_c"

    @property
    def program_folder(self) -> Path:
        return self.c / "Program Files" / "RPR"

    @property
    def settings(self) -> Path:
        return self.c / "ProgramData" / "RPR" / "settings.toml"

    @property
    def data(self) -> Path:
        return self.c / "ProgramData" / "RPR" / "data"

    def shortcuts(self) -> list[Path]:
        """RPR.lnk in the all-users Start menu or a user's (wine puts a per-machine package's
        shortcuts in the user's: its ProgramMenuFolder ignores ALLUSERS, a wine FIXME)."""
        menus = [self.c / "ProgramData", *(self.c / "users").glob("*/AppData/Roaming")]
        return [
            shortcut
            for menu in menus
            for shortcut in (menu / "Microsoft/Windows/Start Menu/Programs").glob("RPR.lnk")
        ]

    def installed(self) -> list[dict[str, str]]:
        """The entries of RPR in the installed programs list (Apps & features): the Uninstall
        registry keys, read from the registry wine saved when its server ended."""
        text = (self.prefix / "system.reg").read_text(encoding="utf-8", errors="replace")
        entries = []
        for block in text.split("\n\n"):
            header = re.match(r"\[(.*\\\\Uninstall\\\\\{[0-9A-F-]+\})\]", block.strip())
            if not header:
                continue
            values = dict(re.findall(r'^"([^"]+)"="(.*)"$', block, re.MULTILINE))
            if values.get("DisplayName") == PRODUCT_NAME:
                entries.append({"key": header[1], **values})
        return entries


@pytest.fixture(scope="module")
def wine_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh wine prefix, made once (wineboot takes seconds); each test gets a copy."""
    base = tmp_path_factory.mktemp("wine")
    wine = Wine(base / "prefix", base / "home")
    (base / "home").mkdir()
    booted = wine.run("wineboot", "--init")
    assert (wine.c / "windows").is_dir(), booted.stderr
    yield wine.prefix
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def wine(wine_template: Path, tmp_path: Path) -> Iterator[Wine]:
    prefix = tmp_path / "prefix"
    shutil.copytree(wine_template, prefix, symlinks=True)
    (tmp_path / "home").mkdir()
    yield Wine(prefix, tmp_path / "home")
    shutil.rmtree(prefix, ignore_errors=True)  # hundreds of MB each


def _settings(wine: Wine) -> dict[str, object]:
    parsed = tomllib.loads(wine.settings.read_text(encoding="utf-8"))
    assert list(parsed) == ["rpr"], parsed  # the IniFile section, a TOML table
    table = parsed["rpr"]
    assert isinstance(table, dict)
    return table


def test_the_msi_installs_silently_with_the_managed_settings_given_as_properties(
    built: Built, wine: Wine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wine.install(built.msi, **PROPERTIES)

    # The one-folder build, file for file, under Program Files\RPR.
    assert _files(wine.program_folder) == _files(built.bundle)
    main = _main_program(built.bundle)
    assert (wine.program_folder / main).read_bytes() == (built.bundle / main).read_bytes()
    # One Start menu entry, to the installed program.
    (shortcut,) = wine.shortcuts()
    assert f"C:\\Program Files\\RPR\\{main}".encode() in shortcut.read_bytes()
    # One entry in the installed programs list, this version.
    (entry,) = wine.installed()
    assert entry["DisplayVersion"] == VERSION

    # The managed settings, as given, and the (empty) data folder the settings point at.
    assert _settings(wine) == SETTINGS
    assert wine.data.is_dir()
    assert list(wine.data.iterdir()) == []
    # The client reads them from the file's [rpr] table as if they were at its top.
    monkeypatch.setenv("RPR_MACHINE_SETTINGS_FILE", str(wine.settings))
    monkeypatch.setenv("RPR_USER_SETTINGS_FILE", str(tmp_path / "no-user-settings.toml"))
    settings = load_settings()
    assert settings.server_url == "https://rpr.trust.example"
    assert settings.ward == "OAK"
    assert settings.idle_lock_minutes == 5
    assert str(settings.trust_ca_certificate) == r"C:\ProgramData\RPR\trust-ca.pem"
    assert str(settings.data_dir) == "C:\\ProgramData\\RPR\\data\\"


def _store(wine: Wine) -> dict[str, bytes]:
    """A store in the data folder, as the program leaves one; its files and bytes."""
    files = {"rpr.db": os.urandom(4096), "keyslots.json": b'{"slots": []}\n'}
    for name, content in files.items():
        (wine.data / name).write_bytes(content)
    return files


def test_uninstalling_removes_the_program_and_keeps_the_settings_and_the_data(
    built: Built, wine: Wine
) -> None:
    wine.install(built.msi, **PROPERTIES)
    store = _store(wine)
    settings = wine.settings.read_bytes()

    wine.uninstall(built.msi)
    assert not wine.program_folder.exists()
    assert wine.shortcuts() == []
    assert wine.installed() == []
    # Kept: the settings file as it was, the data folder and the store in it, byte for byte.
    assert wine.settings.read_bytes() == settings
    assert {p.name: p.read_bytes() for p in wine.data.iterdir()} == store


def test_the_empty_data_folder_and_every_settings_line_survive_an_uninstall(
    built: Built, wine: Wine
) -> None:
    """Before the first sign-in the data folder is empty: the installer must still leave it
    (and the lines it wrote itself), because its components are permanent."""
    wine.install(built.msi, **PROPERTIES)
    wine.uninstall(built.msi)
    assert wine.data.is_dir()
    assert _settings(wine) == SETTINGS


def test_installing_again_without_properties_keeps_the_settings_and_it_s_edits(
    built: Built, wine: Wine
) -> None:
    wine.install(built.msi, **PROPERTIES)
    store = _store(wine)
    wine.uninstall(built.msi)
    # IT changed two settings by hand in the meantime.
    text = wine.settings.read_text(encoding="utf-8")
    text = text.replace("idle_lock_minutes=5", "idle_lock_minutes=7")
    text = text.replace("data_dir='C:\\ProgramData\\RPR\\data\\'", "data_dir='D:\\RPR\\data'")
    wine.settings.write_text(text, encoding="utf-8", newline="")

    wine.install(built.msi)
    assert _settings(wine) == SETTINGS | {"idle_lock_minutes": 7, "data_dir": "D:\\RPR\\data"}
    assert {p.name: p.read_bytes() for p in wine.data.iterdir()} == store
    assert (wine.program_folder / _main_program(built.bundle)).is_file()
    assert len(wine.installed()) == 1


def _next_version(version: str) -> str:
    major, minor, build = version.split(".")
    return f"{major}.{minor}.{int(build) + 1}"


def test_a_newer_msi_upgrades_in_place_keeping_settings_and_data_and_an_older_one_is_refused(
    built: Built, wine: Wine, tmp_path: Path
) -> None:
    # The next version, from the same source: its build differs (the commit file) and has
    # lost one file, which the upgrade must remove.
    bundle = tmp_path / "next" / "rpr"
    shutil.copytree(built.bundle, bundle, symlinks=True)
    (bundle / "_internal" / "BUILD-COMMIT").write_text("next version\n")
    dropped = "_internal/assets/fonts/LICENSE.txt"
    (bundle / dropped).unlink()
    newer_version = _next_version(VERSION)
    newer = Path(
        succeeded(
            run_command([BUILD_MSI, "--version", newer_version, bundle, tmp_path / "next"])
        ).strip()
    )
    assert newer.name == f"rpr-{newer_version}-x64.msi"

    wine.install(built.msi, **PROPERTIES)
    store = _store(wine)
    (before,) = wine.installed()
    assert (wine.program_folder / dropped).is_file()

    # The upgrade, with one setting changed and the others not given.
    wine.install(newer, WARD="ELM")
    (after,) = wine.installed()
    assert after["DisplayVersion"] == newer_version
    assert after["key"] != before["key"]  # the newer product replaced the older one
    assert (wine.program_folder / "_internal" / "BUILD-COMMIT").read_text() == "next version\n"
    assert not (wine.program_folder / dropped).exists()
    assert _files(wine.program_folder) == _files(bundle)
    assert len(wine.shortcuts()) == 1
    assert _settings(wine) == SETTINGS | {"ward": "ELM"}
    assert {p.name: p.read_bytes() for p in wine.data.iterdir()} == store

    # The older package refuses to install over the newer one, and changes nothing.
    status, _ = wine.msiexec("/i", built.msi)
    assert status != 0
    (still,) = wine.installed()
    assert still["DisplayVersion"] == newer_version
    assert (wine.program_folder / "_internal" / "BUILD-COMMIT").read_text() == "next version\n"

    wine.uninstall(newer)
    assert not wine.program_folder.exists()
    assert wine.installed() == []
    assert _settings(wine) == SETTINGS | {"ward": "ELM"}
    assert {p.name: p.read_bytes() for p in wine.data.iterdir()} == store
