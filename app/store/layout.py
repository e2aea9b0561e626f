"""Where a store lives on disk, and making its folder private before anything is written."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "rpr.db"
KEYSLOTS_NAME = "keyslots.json"
LOGS_NAME = "logs"


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

    def exists(self) -> bool:
        """True when a store has been made here (both its key slots and its database)."""
        return self.keyslots.is_file() and self.db.is_file()

    def prepare(self) -> None:
        """Make the folder private (0700) and the empty database file owner-only (0600)
        *before* SQLite writes to it; SQLite gives its WAL and shm files the same mode."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)
        fd = os.open(self.db, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        self.db.chmod(0o600)
