"""Reading secrets for commands: from the environment (scripts), a prompt (people) or a key
file named on the command line."""

from __future__ import annotations

import getpass
import os
import secrets
from pathlib import Path

from app.models.errors import Cancelled, UserFacingError
from app.store.keyslot_format import NotARegularFile, read_regular_file

PASSWORD_ENV = "RPR_PASSWORD"  # noqa: S105 - the name of a variable, not a password
RECOVERY_PASSPHRASE_ENV = "RPR_RECOVERY_PASSPHRASE"  # noqa: S105 - a variable name
#: A PEM RSA key of 8192 bits is under 7 KiB; anything far larger is not a key file.
MAX_KEY_FILE_BYTES = 64 * 1024

_WORDS = (
    *("amber", "birch", "cedar", "delta", "ember", "fern", "garnet", "harbour", "iris"),
    *("juniper", "kestrel", "lantern", "maple", "nettle", "otter", "pebble", "quartz"),
    *("rowan", "saffron", "thistle", "umber", "violet", "willow", "yarrow", "anchor"),
    *("beacon", "canyon", "drift", "falcon", "glacier", "heron", "island", "jasper"),
    *("lagoon", "meadow", "orchard"),
)


def read_password(username: str, *, confirm: bool = False) -> str:
    """``RPR_PASSWORD`` if set, otherwise ask (twice when ``confirm``). ``username`` is shown
    in the prompt, so it must already be validated (never what was typed as it was typed)."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    try:
        password = getpass.getpass(f"Password for {username}: ")
        if confirm and getpass.getpass("Type it again: ") != password:
            raise UserFacingError("The two passwords do not match; nothing was changed.")
    except (EOFError, KeyboardInterrupt):
        raise Cancelled from None
    return password


def read_passphrase(prompt: str, *, confirm: bool = False) -> bytes | None:
    """``RPR_RECOVERY_PASSPHRASE`` if set, otherwise ask (twice when ``confirm``, for a
    passphrase that will protect a key: a typo would lock the key away for good); empty
    means "no passphrase"."""
    from_env = os.environ.get(RECOVERY_PASSPHRASE_ENV)
    if from_env is not None:
        return from_env.encode() or None
    try:
        typed = getpass.getpass(prompt)
        if confirm and getpass.getpass("Type it again: ") != typed:
            raise UserFacingError("The two passphrases do not match; nothing was changed.")
    except (EOFError, KeyboardInterrupt):
        raise Cancelled from None
    return typed.encode() or None


def read_key_file(path: Path, what: str) -> bytes:
    """The bytes of the key file ``path`` (``what`` says which key, e.g. "recovery public
    key"), read with a limit: a device such as ``/dev/urandom``, a pipe or a huge file is
    refused without reading it to the end. A file that cannot be read is a user-facing error
    naming it and why — never its contents."""
    try:
        data = read_regular_file(path, MAX_KEY_FILE_BYTES)
    except NotARegularFile:
        raise UserFacingError(
            f"The {what} file {path} is not a regular file; nothing was changed."
        ) from None
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise UserFacingError(
            f"The {what} file {path} cannot be read ({reason}); nothing was changed."
        ) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise UserFacingError(
            f"The {what} file {path} is too large to be a key file (over "
            f"{MAX_KEY_FILE_BYTES // 1024} KiB); nothing was changed."
        )
    return data


def generate_password() -> str:
    """A memorable random password for demo accounts: four words and two digits."""
    words = [secrets.choice(_WORDS) for _ in range(4)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"
