"""Reading a PDF back with the real tools (poppler-utils, qpdf): what a reader would get.

``make test`` installs them (the Makefile's pdf-tools target)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def _run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{command[0]} failed: {done.stdout}\n{done.stderr}"
    return done.stdout


def written(folder: Path, content: bytes, name: str = "report.pdf") -> Path:
    """``content`` saved as a file to read back."""
    path = folder / name
    path.write_bytes(content)
    return path


def qpdf_check(path: Path) -> None:
    """qpdf finds no structural problem."""
    out = _run("qpdf", "--check", str(path))
    assert "No syntax or stream encoding errors found" in out, out


def fonts(path: Path) -> list[tuple[str, bool]]:
    """Every font ``pdffonts`` lists: its name and whether it is embedded."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    found = []
    for line in lines:
        parts = line.split()
        # name type encoding emb sub uni object-id: "emb" is the 4th field from the end
        # counting the object number and generation as two fields.
        found.append((parts[0], parts[-5] == "yes"))
    return found


def all_fonts_embedded(path: Path) -> None:
    """Every font is embedded, and there is at least one."""
    listed = fonts(path)
    assert listed, "no fonts at all"
    assert all(embedded for _, embedded in listed), listed


def text_of(path: Path, *, layout: bool = False) -> str:
    """The text pdftotext reads from every page."""
    return _run("pdftotext", *(["-layout"] if layout else []), str(path), "-")


def page_count(path: Path) -> int:
    """Pages, as pdfinfo counts them."""
    for line in _run("pdfinfo", str(path)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gave no page count")


def info(path: Path) -> dict[str, str]:
    """The document information pdfinfo shows (Title, Author, …)."""
    found = {}
    for line in _run("pdfinfo", str(path)).splitlines():
        key, _, value = line.partition(":")
        found[key.strip()] = value.strip()
    return found


def check_pdf(path: Path) -> str:
    """Every check a report must pass; returns its text."""
    qpdf_check(path)
    all_fonts_embedded(path)
    return text_of(path)
