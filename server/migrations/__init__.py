"""Alembic migrations of the trust server's database."""
