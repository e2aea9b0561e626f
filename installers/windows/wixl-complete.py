#!/usr/bin/env python3
"""Add to an MSI built by wixl what wixl (msitools 0.101) cannot author, read from the same
WiX source, so the MSI holds the tables the WiX Toolset 3 build of that source holds.

    wixl-complete.py WIX3.xml WIXL.xml PACKAGE.msi

WIX3.xml and WIXL.xml are the source preprocessed for each toolset (``wixl -E -D
Toolset=wix3 …`` and ``… Toolset=wixl``); PACKAGE.msi is wixl's build of the second. What is
added (installers/windows/rpr.wxs says why each is there):

- ``IniFile`` elements: the IniFile table, and WriteIniValues/RemoveIniValues in the
  InstallExecuteSequence (at their standard sequence numbers) when wixl left them out;
- ``PermissionEx`` (WiX 3 core, ``Sddl``) under ``CreateFolder``: the MsiLockPermissionsEx table;
- ``Condition`` under ``Component``: the Component table's Condition column;
- ``Component/@Permanent="yes"``: the Permanent bit (16) of the Component's Attributes;
- ``Property/@Secure="yes"``: the property in SecureCustomProperties;
- ``MajorUpgrade/@AllowSameVersionUpgrades="yes"``: IncludeMaximum (512) on the upgrade row.

An element only the WiX 3 build has that is none of these stops the build: this script must
learn it first. Tables are read and written as IDT text with msitools (``msiinfo export``,
``msibuild -i``), so no value passes through SQL quoting.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

WIX = "{http://schemas.microsoft.com/wix/2006/wi}"
#: Elements only the WiX 3 build may have, because this script adds them (parent, element).
COMPLETED = {
    ("Component", "IniFile"),
    ("Component", "Condition"),
    ("CreateFolder", "PermissionEx"),
    ("PermissionEx", "Condition"),
}
INI_ACTIONS = {"addLine": 0, "createLine": 1, "addTag": 3}
COMPONENT_PERMANENT = 16
UPGRADE_INCLUDE_MAXIMUM = 512
Parents = dict[ET.Element, ET.Element]
#: Standard actions and their sequence numbers in the InstallExecuteSequence (MSI SDK).
INI_SEQUENCE = {"RemoveIniValues": 3100, "WriteIniValues": 5100}

#: The tables wixl lacks, with the column types the WiX Toolset 3 gives them
#: (src/tools/wix/Data/tables.xml).
INI_FILE_COLUMNS = (
    ("IniFile", "s72"),
    ("FileName", "l255"),
    ("DirProperty", "S72"),
    ("Section", "l96"),
    ("Key", "l128"),
    ("Value", "l255"),
    ("Action", "i2"),
    ("Component_", "s72"),
)
LOCK_COLUMNS = (
    ("MsiLockPermissionsEx", "s72"),
    ("LockObject", "s72"),
    ("Table", "s32"),
    ("SDDLText", "s0"),
    ("Condition", "S255"),
)


class Table:
    """One MSI table as IDT text: column names, column types, key line, rows."""

    def __init__(self, name: str, columns: list[str], types: list[str], keys: list[str]) -> None:
        self.name = name
        self.columns = columns
        self.types = types
        self.keys = keys
        self.rows: list[list[str]] = []

    @classmethod
    def new(cls, name: str, columns: tuple[tuple[str, str], ...]) -> Table:
        return cls(name, [c for c, _ in columns], [t for _, t in columns], [columns[0][0]])

    @classmethod
    def export(cls, msi: Path, name: str) -> Table:
        text = _run("msiinfo", "export", msi, name)
        lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
        columns, types, key_line = (line.split("\t") for line in lines[:3])
        table = cls(key_line[0], columns, types, key_line[1:])
        table.rows = [line.split("\t") for line in lines[3:]]
        return table

    def column(self, name: str) -> int:
        return self.columns.index(name)

    def add(self, *values: str | int | None) -> None:
        row = ["" if v is None else str(v) for v in values]
        for value in row:
            if any(c in value for c in "\t\r\n"):
                raise SystemExit(f"wixl-complete: {value!r}: tabs and line ends are not allowed")
        self.rows.append(row)

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.name}.idt"
        lines = ["\t".join(self.columns), "\t".join(self.types), "\t".join([self.name, *self.keys])]
        lines += ["\t".join(row) for row in self.rows]
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        return path


def _run(*args: str | Path) -> str:
    # msitools with this build's own files as arguments.
    command = [str(a) for a in args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"wixl-complete: {' '.join(map(str, args))}: {result.stderr.strip()}")
    return result.stdout


def _local(element: ET.Element) -> str:
    return element.tag.removeprefix(WIX)


def _signatures(root: ET.Element) -> dict[tuple[str, ...], tuple[str, str]]:
    """Every element as a path of (name[Id] or name#n) steps → (parent name, name)."""
    found: dict[tuple[str, ...], tuple[str, str]] = {}

    def walk(element: ET.Element, path: tuple[str, ...]) -> None:
        counts: dict[str, int] = {}
        for child in element:  # ElementTree's parser drops comments and instructions
            name = _local(child)
            counts[name] = counts.get(name, 0) + 1
            step = f"{name}[{child.get('Id')}]" if child.get("Id") else f"{name}#{counts[name]}"
            found[(*path, step)] = (_local(element), name)
            walk(child, (*path, step))

    walk(root, ())
    return found


def _check_only_known_additions(wix3: ET.Element, wixl: ET.Element) -> None:
    wixl_paths = _signatures(wixl)
    unknown = sorted(
        "/".join(path)
        for path, pair in _signatures(wix3).items()
        if path not in wixl_paths and pair not in COMPLETED
    )
    if unknown:
        raise SystemExit(
            "wixl-complete: only the WiX 3 build has these, and this script cannot add them:\n  "
            + "\n  ".join(unknown)
        )


def _short_name(name: str) -> str:
    """The Filename data type: ``SHORT|long`` unless ``name`` is a valid 8.3 name."""
    stem, _, extension = name.rpartition(".") if "." in name else (name, "", "")
    if re.fullmatch(r"[A-Za-z0-9_-]{1,8}", stem) and re.fullmatch(r"[A-Za-z0-9_-]{0,3}", extension):
        return name
    short = re.sub(r"[^A-Za-z0-9_-]", "_", stem)[:6].upper() + "~1"
    if extension:
        short += "." + re.sub(r"[^A-Za-z0-9_-]", "_", extension)[:3].upper()
    return f"{short}|{name}"


def _directory_of(parents: dict[ET.Element, ET.Element], element: ET.Element) -> str:
    node: ET.Element | None = element
    while node is not None:
        if _local(node) in ("Directory", "DirectoryRef"):
            return node.get("Id", "")
        node = parents.get(node)
    raise SystemExit(f"wixl-complete: {element.get('Id')} is not inside a Directory")


def _yes(value: str | None) -> bool:
    return (value or "").lower() in ("yes", "true", "1")


@dataclass
class Additions:
    """What the WiX 3 view of the source has that wixl's MSI lacks."""

    ini: Table = field(default_factory=lambda: Table.new("IniFile", INI_FILE_COLUMNS))
    locks: Table = field(default_factory=lambda: Table.new("MsiLockPermissionsEx", LOCK_COLUMNS))
    permanent: set[str] = field(default_factory=set)
    conditions: dict[str, str] = field(default_factory=dict)
    secure: list[str] = field(default_factory=list)
    same_version_upgrades: bool = False


def _component(additions: Additions, parents: Parents, component: ET.Element) -> None:
    name = component.get("Id", "")
    if _yes(component.get("Permanent")):
        additions.permanent.add(name)
    for child in component:
        if _local(child) == "Condition":
            additions.conditions[name] = (child.text or "").strip()
        elif _local(child) == "IniFile":
            action = child.get("Action", "")
            if action not in INI_ACTIONS:
                raise SystemExit(f"wixl-complete: IniFile/@Action {action!r} is not supported")
            additions.ini.add(
                child.get("Id"),
                _short_name(child.get("Name", "")),
                child.get("Directory") or _directory_of(parents, component),
                child.get("Section"),
                child.get("Key"),
                child.get("Value"),
                INI_ACTIONS[action],
                name,
            )


def _permission(additions: Additions, parents: Parents, permission: ET.Element) -> None:
    folder = parents[permission]
    if _local(folder) != "CreateFolder":
        raise SystemExit("wixl-complete: PermissionEx is supported under CreateFolder only")
    directory = folder.get("Directory") or _directory_of(parents, folder)
    condition = next((c.text for c in permission if _local(c) == "Condition"), None)
    additions.locks.add(
        permission.get("Id") or f"Lock{directory}",
        directory,
        "CreateFolder",
        permission.get("Sddl"),
        (condition or "").strip() or None,
    )


def collect(wix3: ET.Element) -> Additions:
    """What ``wix3`` (the source preprocessed for WiX 3) has that wixl does not author."""
    parents: Parents = {child: parent for parent in wix3.iter() for child in parent}
    additions = Additions()
    for element in wix3.iter():
        name = _local(element)
        if name == "Component":
            _component(additions, parents, element)
        elif name == "PermissionEx":
            _permission(additions, parents, element)
        elif name == "Property" and _yes(element.get("Secure")):
            additions.secure.append(element.get("Id", ""))
        elif name == "MajorUpgrade" and _yes(element.get("AllowSameVersionUpgrades")):
            additions.same_version_upgrades = True
    return additions


def _components(additions: Additions, msi: Path, folder: Path) -> list[str]:
    components = Table.export(msi, "Component")
    by_id = {row[0]: row for row in components.rows}
    missing = sorted((additions.permanent | additions.conditions.keys()) - by_id.keys())
    if missing:
        raise SystemExit(f"wixl-complete: not in the MSI: components {', '.join(missing)}")
    attributes, condition = components.column("Attributes"), components.column("Condition")
    for name in additions.permanent:
        row = by_id[name]
        row[attributes] = str(int(row[attributes] or 0) | COMPONENT_PERMANENT)
    for name, text in additions.conditions.items():
        by_id[name][condition] = text
    components.write(folder)
    conditions = ", ".join(f"{c} ({t})" for c, t in sorted(additions.conditions.items()))
    return [f"Permanent: {', '.join(sorted(additions.permanent))}", f"conditions: {conditions}"]


def _ini_files(additions: Additions, msi: Path, folder: Path) -> list[str]:
    if not additions.ini.rows:
        return []
    additions.ini.write(folder)
    sequence = Table.export(msi, "InstallExecuteSequence")
    present = {row[0] for row in sequence.rows}
    for action, number in INI_SEQUENCE.items():
        if action not in present:
            sequence.add(action, None, number)
    sequence.write(folder)
    return [f"IniFile: {len(additions.ini.rows)} rows, and {' and '.join(INI_SEQUENCE)}"]


def _locks(additions: Additions, folder: Path) -> list[str]:
    if not additions.locks.rows:
        return []
    additions.locks.write(folder)
    return [f"MsiLockPermissionsEx: {', '.join(row[1] for row in additions.locks.rows)}"]


def _secure(additions: Additions, msi: Path, folder: Path) -> list[str]:
    if not additions.secure:
        return []
    properties = Table.export(msi, "Property")
    value = properties.column("Value")
    row = next((r for r in properties.rows if r[0] == "SecureCustomProperties"), None)
    if row is None:
        properties.add("SecureCustomProperties", "")
        row = properties.rows[-1]
    names = [n for n in row[value].split(";") if n]
    row[value] = ";".join(names + [n for n in additions.secure if n not in names])
    properties.write(folder)
    return [f"SecureCustomProperties: {row[value]}"]


def _upgrade(additions: Additions, msi: Path, folder: Path) -> list[str]:
    if not additions.same_version_upgrades:
        return []
    upgrade = Table.export(msi, "Upgrade")
    flags, action_property = upgrade.column("Attributes"), upgrade.column("ActionProperty")
    rows = [r for r in upgrade.rows if r[action_property] == "WIX_UPGRADE_DETECTED"]
    if not rows:
        raise SystemExit("wixl-complete: no WIX_UPGRADE_DETECTED row in the Upgrade table")
    for row in rows:
        row[flags] = str(int(row[flags]) | UPGRADE_INCLUDE_MAXIMUM)
    upgrade.write(folder)
    return ["Upgrade: same-version upgrades"]


def complete(additions: Additions, msi: Path, folder: Path) -> list[str]:
    """Write the IDT files that complete ``msi`` into ``folder``; what was added, in words."""
    return [
        *_components(additions, msi, folder),
        *_ini_files(additions, msi, folder),
        *_locks(additions, folder),
        *_secure(additions, msi, folder),
        *_upgrade(additions, msi, folder),
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    # The build's own files, preprocessed by wixl from installers/windows/rpr.wxs.
    wix3 = ET.parse(argv[0]).getroot()  # noqa: S314
    wixl = ET.parse(argv[1]).getroot()  # noqa: S314
    msi = Path(argv[2])
    _check_only_known_additions(wix3, wixl)
    additions = collect(wix3)
    with tempfile.TemporaryDirectory(prefix="rpr-wixl-complete.") as temporary:
        folder = Path(temporary)
        done = complete(additions, msi, folder)
        for idt in sorted(folder.iterdir()):
            _run("msibuild", msi, "-i", idt)
    sys.stderr.writelines(f"wixl-complete: {line}\n" for line in done)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
