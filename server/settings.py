"""The trust server's settings, from the environment (``RPR_SERVER_…``) or given in code.

Every setting has a default that runs a one-machine demo: an SQLite file under ``var/``.
Production sets ``RPR_SERVER_DATABASE_URL`` to PostgreSQL through psycopg 3
(``postgresql+psycopg://user@host/db``). docs/server.md lists every setting.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The embedded demo database: a file relative to the folder the server is started in.
DEFAULT_DATABASE_URL = "sqlite:///var/rpr-server.db"


class ServerSettings(BaseSettings):
    """What a server process needs to know; the same for every process on one database."""

    model_config = SettingsConfigDict(env_prefix="RPR_SERVER_", extra="ignore", frozen=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: postgresql+psycopg://… in production, sqlite:///FILE demo",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8443, ge=0, le=65535)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    #: Connections each process keeps open to PostgreSQL (plus as many again under load).
    pool_size: int = Field(default=10, ge=1, le=200)
    #: Failed sign-ins in a row after which each further attempt must wait (429, Retry-After).
    sign_in_slow_after: int = Field(default=5, ge=1)
    #: Failed sign-ins in a row after which the account is locked (423).
    sign_in_lock_after: int = Field(default=10, ge=2)
    #: The wait after the first failure past ``sign_in_slow_after``; it doubles each time.
    sign_in_slow_seconds: int = Field(default=30, ge=1)
    #: How long a locked account stays locked.
    sign_in_lock_minutes: int = Field(default=30, ge=1)
    #: How long an enrolment code works when ``admin issue-code`` is not told otherwise.
    enrolment_code_hours: int = Field(default=24, ge=1, le=24 * 14)

    @model_validator(mode="after")
    def _lock_comes_after_slowing_down(self) -> Self:
        if self.sign_in_lock_after <= self.sign_in_slow_after:
            raise ValueError(
                "sign_in_lock_after: must be more than sign_in_slow_after (slow down, then lock)"
            )
        return self

    @property
    def lock_duration(self) -> timedelta:
        """How long a locked account stays locked."""
        return timedelta(minutes=self.sign_in_lock_minutes)

    def slow_down_for(self, failures: int) -> timedelta:
        """The wait before the next attempt after ``failures`` failed sign-ins in a row
        (nothing before ``sign_in_slow_after``; then 1×, 2×, 4×… the base wait)."""
        if failures < self.sign_in_slow_after:
            return timedelta(0)
        doublings = min(failures - self.sign_in_slow_after, 16)
        return timedelta(seconds=self.sign_in_slow_seconds * 2**doublings)
