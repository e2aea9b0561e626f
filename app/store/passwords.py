"""The rule every new password must meet, enforced where key slots are made (not only by the
screens and commands that ask for one)."""

from __future__ import annotations

from app.models.errors import UserFacingError

MIN_PASSWORD_LENGTH = 10
#: Far beyond any typed password; keeps a pasted file out of the key derivation.
MAX_PASSWORD_LENGTH = 1024


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` cannot be a new password (a sentence naming the rule), or None.

    Length beats complexity (NCSC password guidance), so the rule is a length and not being the
    username; the sentence never repeats the password.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password: must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"password: must be at most {MAX_PASSWORD_LENGTH} characters"
    if username is not None and password.strip().lower() == username.strip().lower():
        return "password: must not be the username"
    return None


def check_new_password(password: str, username: str | None = None) -> None:
    """Raise :class:`UserFacingError` unless ``password`` meets :func:`password_problem`."""
    problem = password_problem(password, username)
    if problem is not None:
        raise UserFacingError(f"{problem}; nothing was changed.")
