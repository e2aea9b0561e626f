"""Small, real file systems for tests of a full disk and of read-only copies.

:func:`small_filesystem` mounts a tmpfs of a given size; the test can then grow it (space is
freed), make it read-only or writable again. The tests run as root on CI and on the
development machine, so mounting is expected to work: when it is refused the test fails with a
message saying so (it is never skipped, which would hide that nothing was tested).
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class MountCommandFailed(RuntimeError):
    """``mount`` or ``umount`` refused; the message holds the command and what it said."""


def _run(*command: str) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or exc.stdout or "").strip()
        raise MountCommandFailed(
            f"`{' '.join(command)}` failed (exit {exc.returncode}): {said}"
        ) from exc


@dataclass(frozen=True, slots=True)
class SmallFilesystem:
    """A tmpfs mounted at :attr:`path` (see :func:`small_filesystem`)."""

    path: Path

    def resize(self, size_kib: int) -> None:
        """Change the file system's size (larger: space is freed; files are kept)."""
        _run("mount", "-o", f"remount,size={size_kib}k", str(self.path))

    def make_read_only(self) -> None:
        """Remount read-only: every write fails with EROFS, as on a read-only copy."""
        _run("mount", "-o", "remount,ro", str(self.path))

    def make_writable(self) -> None:
        """Remount read-write."""
        _run("mount", "-o", "remount,rw", str(self.path))


@contextlib.contextmanager
def small_filesystem(path: Path, size_kib: int) -> Iterator[SmallFilesystem]:
    """Mount a tmpfs of ``size_kib`` KiB at ``path`` (made if missing) for the ``with`` block,
    and always unmount it afterwards (lazily if something still holds it open)."""
    path.mkdir(parents=True, exist_ok=True)
    command = ("mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(path))
    try:
        _run(*command)
    except (MountCommandFailed, OSError) as exc:
        raise AssertionError(
            f"This test needs permission to mount a tmpfs at {path} ({exc}). Run the tests "
            "as root, as CI does."
        ) from None
    try:
        yield SmallFilesystem(path)
    finally:
        try:
            _run("umount", str(path))
        except MountCommandFailed:
            # Something still has a file open there: detach now, free when it is closed.
            _run("umount", "-l", str(path))
