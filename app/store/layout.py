"""Where a store lives on disk, and making its folder private before anything is written."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "rpr.db"
KEYSLOTS_NAME = "keyslots.json"
LOGS_NAME = "logs"
#: A store is built under these names and renamed into place when complete, so a crash during
#: set-up never leaves a half-made store that looks like a real one.
SETUP_PREFIX = "setup-"
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class StoreFiles:
    """The files of one store in its data folder."""

    root: Path

    @property
    def db(self) -> Path:
        """The SQLCipher file (its ``-wal`` and ``-shm`` companions sit beside it)."""
        return self.root / DB_NAME

    @property
    def keyslots(self) -> Path:
        """The wrapped data keys (no patient data, no plaintext key)."""
        return self.root / KEYSLOTS_NAME

    @property
    def logs(self) -> Path:
        """Operational logs (no patient data)."""
        return self.root / LOGS_NAME

    @property
    def setup_db(self) -> Path:
        """Where the database is built before it is renamed to :attr:`db`."""
        return self.root / (SETUP_PREFIX + DB_NAME)

    @property
    def setup_keyslots(self) -> Path:
        """Where the key slots are written before they are renamed to :attr:`keyslots`."""
        return self.root / (SETUP_PREFIX + KEYSLOTS_NAME)

    def exists(self) -> bool:
        """True when a store has been made here: its database is renamed into place last."""
        return self.keyslots.is_file() and self.db.is_file()

    def prepare_setup(self) -> None:
        """Make the folder and its logs folder private (0700), clear what an earlier set-up
        left unfinished, and create the empty database file owner-only (0600) *before*
        SQLite writes to it (SQLite gives its WAL and shm files the same mode)."""
        if self.exists():
            raise FileExistsError(self.db)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)
        self.logs.mkdir(mode=0o700, exist_ok=True)
        # Without the database in place, nothing here is a store: leftovers hold no records.
        for leftover in (self.setup_db, self.setup_keyslots, self.keyslots):
            leftover.unlink(missing_ok=True)
        for suffix in SQLITE_COMPANIONS:
            self.setup_db.with_name(self.setup_db.name + suffix).unlink(missing_ok=True)
        fd = os.open(self.setup_db, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)

    def finish_setup(self) -> None:
        """Rename the finished key slots, then the database, into place (the database last:
        its presence is what makes the store exist) and make the renames durable."""
        for suffix in SQLITE_COMPANIONS:
            companion = self.setup_db.with_name(self.setup_db.name + suffix)
            if companion.exists() and companion.stat().st_size > 0:
                raise RuntimeError("set-up database was not checkpointed before renaming")
            companion.unlink(missing_ok=True)
        self.setup_keyslots.replace(self.keyslots)
        self.setup_db.replace(self.db)
        fsync_directory(self.root)


def fsync_directory(directory: Path) -> None:
    """Make renames in ``directory`` durable. Windows cannot open a directory; NTFS journals
    the rename itself."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
