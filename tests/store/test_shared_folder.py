"""A store in a folder trust IT shares with the ward's group (the Debian package's
``/var/lib/rpr``: setgid, group rwx, nothing for others) makes every file group-readable and
-writable, so each nurse signed in to the PC as themselves can open it, whatever their umask;
a store anywhere else stays owner-only. (Real files; the group is the test's own.)"""

import logging
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli.logs import configure_logging
from app.store.sharing import PRIVATE, SHARED, modes_for
from app.store.store import Store
from tests.store.conftest import FAST_KDF, PASSWORD
from tests.store.sample_records import note

T0 = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


@pytest.fixture
def strict_umask() -> Iterator[None]:
    """A nurse's umask that would give the group nothing."""
    previous = os.umask(0o077)
    yield
    os.umask(previous)


def _shared_folder(path: Path) -> Path:
    path.mkdir()
    path.chmod(0o2770)
    return path


def _modes(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
    }


def test_a_store_set_up_in_the_wards_shared_folder_is_the_groups(
    tmp_path: Path, recovery_keys: tuple[bytes, bytes], strict_umask: None
) -> None:
    data = _shared_folder(tmp_path / "rpr")
    with Store.create(
        data, username="test.nurse", password=PASSWORD,
        recovery_public_key_pem=recovery_keys[1], kdf=FAST_KDF,
    ) as store:  # fmt: skip
        store.save(note("x", at=T0))
        store.add_user("second.nurse", "another long passphrase", kdf=FAST_KDF)
        configure_logging(data / "logs")
        logging.getLogger("rpr.test").warning("a line in the shared log")
        modes = _modes(data)
    configure_logging(None)
    assert modes["rpr.db"] == 0o660
    assert modes["keyslots.json"] == 0o660  # rewritten for the second account: still shared
    assert modes["logs"] == 0o2770
    assert modes["logs/rpr.log"] == 0o660
    assert modes.get("rpr.db-wal", 0o660) == 0o660  # SQLite copies the database's mode
    assert all(mode & 0o007 == 0 for mode in modes.values()), modes  # others: nothing
    group = data.stat().st_gid
    assert {p.stat().st_gid for p in data.rglob("*")} == {group}


def test_a_store_in_a_private_folder_stays_owner_only_under_the_same_umask(
    tmp_path: Path, recovery_keys: tuple[bytes, bytes], strict_umask: None
) -> None:
    data = tmp_path / "rpr"
    with Store.create(
        data, username="test.nurse", password=PASSWORD,
        recovery_public_key_pem=recovery_keys[1], kdf=FAST_KDF,
    ) as store:  # fmt: skip
        store.save(note("x", at=T0))
    modes = _modes(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (0o2770, SHARED),
        (0o2775, PRIVATE),  # other accounts could list it: not a ward-only folder
        (0o0770, PRIVATE),  # no setgid: new files would not stay in the ward's group
        (0o2750, PRIVATE),  # the group cannot write
        (0o0700, PRIVATE),
    ],
)
def test_only_a_setgid_folder_for_the_group_alone_counts_as_shared(
    tmp_path: Path, mode: int, expected: object
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(mode)
    assert modes_for(folder) == expected
    assert modes_for(folder / "not" / "made" / "yet") == expected  # judged by what exists
