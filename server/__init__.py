"""The trust server: the system of record the ward PCs sync with (design.md "The server").

A FastAPI app (:func:`server.app.create_app`) over SQLAlchemy 2 with Alembic migrations:
PostgreSQL in production and in the tests, SQLite for a one-machine demo. It keeps no state in
its processes beyond the connection pool, so several processes run behind a load balancer on
one database. ``rpr-server`` (:mod:`server.cli`) serves it and administers the trust.

It imports only :mod:`app.models` and the sync wire schema :mod:`app.sync.wire` (import-linter
enforces it); docs/server.md describes how to run it.
"""
