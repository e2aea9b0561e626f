"""Device tokens, enrolment codes and passwords: how each is made and how it is kept.

- A device token is 256 random bits (URL-safe text). The server keeps only its SHA-256: the
  token has far too much entropy to guess, so a fast hash is enough and lookups stay indexed.
- An enrolment code is 16 characters from a 32-letter alphabet without 0/O and 1/I (80 bits),
  read out in groups of four; only its SHA-256 is kept, and it expires and works once.
- A password is kept as an Argon2id hash (argon2-cffi's defaults, RFC 9106's second
  recommended set); a sign-in for an unknown username still costs one verification, so the
  answer's timing does not say whether the username exists.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Letters and digits that cannot be mistaken for one another when read out.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: What a new password needs (the same length the ward PC's key slot asks for).
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


def sha256_hex(text: str) -> str:
    """SHA-256 of ``text`` (UTF-8) in lower-case hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_device_token() -> str:
    """A fresh device credential (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    """A fresh one-time code such as ``K7QM-2XHD-R9TB-WC4N``."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(letters[i : i + 4] for i in range(0, 16, 4))


def code_hash(code: str) -> str:
    """What is stored for ``code``: the hash of its normal form (upper case, no spaces)."""
    return sha256_hex(code.strip().upper())


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (salted; the parameters are inside the hash)."""
    return _hasher().hash(password)


@cache
def _decoy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def password_matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` is the one hashed; ``None`` (no such account) verifies against a
    decoy so both answers take as long."""
    try:
        return _hasher().verify(password_hash or _decoy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` cannot be given to ``username``'s account (a rule, never the
    password), or None. Length beats complexity (NCSC guidance)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password: must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"password: must be at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip().lower() == username.strip().lower():
        return "password: must not be the username"
    return None
