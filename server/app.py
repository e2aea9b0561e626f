"""The FastAPI app factory: ``create_app(settings)``.

The app keeps no state between requests beyond its database engine (a connection pool) and
its settings, so any number of processes can serve one database behind a load balancer. It
does not migrate: ``rpr-server serve`` and ``rpr-server admin migrate`` do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from server.db import make_engine, ping, session_factory
from server.errors import install_error_handlers
from server.routes import router
from server.settings import ServerSettings

API_VERSION = "1.0.0"


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """A trust server app on the database of ``settings`` (from the environment if None)."""
    settings = settings or ServerSettings()
    engine = make_engine(settings.database_url, pool_size=settings.pool_size)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="RPR trust server",
        version=API_VERSION,
        summary="Sync of restrictive-practice records between ward PCs and the trust.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.include_router(router)
    install_error_handlers(app)

    @app.get("/health", include_in_schema=False)
    async def health() -> JSONResponse:
        """For a load balancer: 200 while this process and its database answer (a database
        that does not is a 503 in the one error shape, from the handlers)."""
        await run_in_threadpool(ping, engine)
        return JSONResponse({"status": "ok"})

    return app
