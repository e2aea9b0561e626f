"""Who, on this computer, may open the files the store makes in its folder.

Contract:
- A store folder is **private** unless trust IT made it **shared by a group**: a folder with
  the setgid bit that its group may read, write and enter and other accounts may not touch at
  all (the Debian package's ``/var/lib/rpr``: ``2770 root:rpr-ward``).
- In a private folder the store makes its files ``0600`` and its folders ``0700`` (owner
  only). In a shared folder it makes them ``0660`` and ``2770``: every member of the ward's
  group can open the store, its key slots and its logs, the setgid bit keeps new files in the
  group, and other local accounts still see nothing. The modes are set on the open file, so the
  user's umask cannot narrow them (a nurse's 077 would lock the ward out of a key slot file).
- SQLite gives the ``-wal`` and ``-shm`` files the database file's mode, so those follow.
- On Windows the folder's ACLs decide (inherited from the data folder the MSI made): the
  store sets no mode there beyond what Python's ``os.open`` does.

What protects the records is the encryption and each person's key slot; these modes keep the
files away from accounts that are not the ward's.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Modes:
    """The permission bits for what the store makes in one folder."""

    file: int
    folder: int

    @property
    def shared(self) -> bool:
        return self.file != PRIVATE.file


PRIVATE = Modes(file=0o600, folder=0o700)
SHARED = Modes(file=0o660, folder=0o2770)


def modes_for(folder: Path) -> Modes:
    """The modes for what is made in ``folder`` (or, when it does not exist yet, in its
    nearest existing parent): :data:`SHARED` for a group-shared folder, else :data:`PRIVATE`."""
    if os.name == "nt":
        return PRIVATE
    probe = folder
    while True:
        try:
            mode = probe.stat().st_mode
            break
        except FileNotFoundError:
            if probe.parent == probe:
                return PRIVATE
            probe = probe.parent
        except OSError:
            return PRIVATE
    group_all = stat.S_IRWXG
    if mode & stat.S_ISGID and mode & group_all == group_all and not mode & stat.S_IRWXO:
        return SHARED
    return PRIVATE


def open_new(path: Path, flags: int, modes: Modes) -> int:
    """``os.open`` with ``O_CREAT`` and ``modes.file``, the mode set on the open file when the
    folder is shared (the umask would narrow it). The caller owns the descriptor."""
    fd = os.open(path, flags | os.O_CREAT, modes.file)
    if modes.shared:
        try:
            info = os.fstat(fd)
            if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) != modes.file:
                os.fchmod(fd, modes.file)
        except OSError:
            os.close(fd)
            raise
    return fd


def make_folder(path: Path, modes: Modes) -> None:
    """``mkdir`` with ``modes.folder`` (the umask filters ``mkdir``'s mode, so it is set
    again). Raises ``FileExistsError`` when it is there."""
    path.mkdir(mode=modes.folder)
    path.chmod(modes.folder)
