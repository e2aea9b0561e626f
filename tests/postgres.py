"""A real PostgreSQL for the tests: each caller gets its own throwaway database.

``make test`` runs pytest under ``scripts/with-postgres``, which sets ``RPR_TEST_POSTGRES_URL``
to a server that answers (the configured one, or a throwaway cluster it started). Databases
are named per test module and xdist worker, created empty and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    """The libpq URL of the maintenance database of the test server."""
    return os.environ.get("RPR_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@contextmanager
def fresh_database(prefix: str = "rpr_test") -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL (psycopg 3), drop it afterwards."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{prefix}_{worker}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(admin_url(), name).replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
