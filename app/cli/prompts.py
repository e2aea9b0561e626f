"""Reading secrets for commands: from the environment (scripts), a prompt (people) or a key
file named on the command line."""

from __future__ import annotations

import getpass
import os
import secrets
from pathlib import Path

from app.models.errors import Cancelled, UserFacingError

PASSWORD_ENV = "RPR_PASSWORD"  # noqa: S105 - the name of a variable, not a password
RECOVERY_PASSPHRASE_ENV = "RPR_RECOVERY_PASSPHRASE"  # noqa: S105 - a variable name
MIN_PASSWORD_LENGTH = 10

_WORDS = (
    *("amber", "birch", "cedar", "delta", "ember", "fern", "garnet", "harbour", "iris"),
    *("juniper", "kestrel", "lantern", "maple", "nettle", "otter", "pebble", "quartz"),
    *("rowan", "saffron", "thistle", "umber", "violet", "willow", "yarrow", "anchor"),
    *("beacon", "canyon", "drift", "falcon", "glacier", "heron", "island", "jasper"),
    *("lagoon", "meadow", "orchard"),
)


def read_password(username: str, *, confirm: bool = False) -> str:
    """``RPR_PASSWORD`` if set, otherwise ask (twice when ``confirm``)."""
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


def check_new_password(password: str) -> None:
    """A new password must be long enough to resist guessing (length beats complexity)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserFacingError(
            f"password: must be at least {MIN_PASSWORD_LENGTH} characters; nothing was changed."
        )


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
    key"). A file that cannot be read is a user-facing error naming it and why — never its
    contents."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise UserFacingError(
            f"The {what} file {path} cannot be read ({reason}); nothing was changed."
        ) from None


def generate_password() -> str:
    """A memorable random password for demo accounts: four words and two digits."""
    words = [secrets.choice(_WORDS) for _ in range(4)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"
