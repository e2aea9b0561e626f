"""``rpr-server``: run the trust server, and ``rpr-server admin …`` for trust IT.

Exit codes: 0 done; 2 refused (bad input, a rule, something already there) with a message
saying what and why; 75 the database does not answer (try again later); 130 cancelled.
Messages never carry a stack trace, a password, a token or patient data.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from app.models.errors import Cancelled, UserFacingError
from server.cli_admin import add_admin_commands, run_admin
from server.settings import ServerSettings

EXIT_REFUSED = 2
EXIT_DATABASE = 75
EXIT_CANCELLED = 130
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (plain HTTP is allowed there and nowhere else)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rpr-server", description="The RPR trust server (see docs/server.md)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the trust server (migrates first)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8443)")
    serve.add_argument("--database-url", help="SQLAlchemy URL (RPR_SERVER_DATABASE_URL)")
    serve.add_argument("--tls-cert", type=Path, help="TLS certificate chain (PEM)")
    serve.add_argument("--tls-key", type=Path, help="TLS private key (PEM)")
    admin = commands.add_parser("admin", help="trust IT: trust, wards, accounts, devices")
    admin.add_argument("--database-url", help="SQLAlchemy URL (RPR_SERVER_DATABASE_URL)")
    add_admin_commands(admin)
    return parser


def settings_from(args: argparse.Namespace) -> ServerSettings:
    """The environment's settings with the command line's values on top."""
    given: dict[str, Any] = {
        name: getattr(args, name)
        for name in ("database_url", "host", "port", "tls_cert", "tls_key")
        if getattr(args, name, None) is not None
    }
    return ServerSettings(**given)


def _serve(settings: ServerSettings) -> int:
    tls = (settings.tls_cert, settings.tls_key)
    if (tls[0] is None) != (tls[1] is None):
        raise UserFacingError("--tls-cert and --tls-key go together: give both or neither.")
    for path in tls:
        if path is not None and not path.is_file():
            raise UserFacingError(f"{path}: no such file (TLS certificate or key).")
    if tls[0] is None and not is_loopback(settings.host):
        raise UserFacingError(
            f"Refusing plain HTTP on {settings.host}: outside this machine the trust server "
            "must use TLS (--tls-cert and --tls-key). Plain HTTP is for 127.0.0.1 only."
        )
    import uvicorn  # noqa: PLC0415 - only when serving

    from server.app import create_app  # noqa: PLC0415
    from server.db import make_engine  # noqa: PLC0415
    from server.migrate import upgrade  # noqa: PLC0415

    engine = make_engine(settings.database_url)
    try:
        version = upgrade(engine)
    finally:
        engine.dispose()
    scheme = "https" if tls[0] else "http"
    print(
        f"rpr-server: database at schema {version}; serving on "
        f"{scheme}://{settings.host}:{settings.port}/v1",
        flush=True,
    )
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        ssl_certfile=str(tls[0]) if tls[0] else None,
        ssl_keyfile=str(tls[1]) if tls[1] else None,
        log_level="info",
        server_header=False,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``rpr-server`` command; returns its exit code."""
    args = _parser().parse_args(argv)
    # Serving logs what it does; an admin command says it in its own words.
    level = logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from(args)
        if args.command == "serve":
            return _serve(settings)
        return run_admin(args, settings)
    except (Cancelled, KeyboardInterrupt):
        print("rpr-server: cancelled; nothing more was changed.", file=sys.stderr)
        return EXIT_CANCELLED
    except UserFacingError as exc:
        print(f"rpr-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except SQLAlchemyError as exc:
        print(
            f"rpr-server: the database does not answer or refused the work "
            f"({type(exc).__name__}); nothing was changed. Check --database-url or "
            "RPR_SERVER_DATABASE_URL and that the database is running.",
            file=sys.stderr,
        )
        return EXIT_DATABASE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
