"""``rpr``: the ward client, and subcommands for set-up, scripting and support.

One error boundary (style.md), around everything after parsing the command line — loading
settings included: a :class:`UserFacingError` prints its message (it holds no patient data)
and exits 2; :class:`Cancelled` exits 130; anything unexpected prints a plain sentence, logs
the type and stack without the message, and exits 70.

``--data-dir`` may come before or after the command (``rpr --data-dir X status`` or
``rpr status --data-dir X``); given both ways, the one after the command wins.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.cli import support, sync_commands
from app.cli.client import start_client
from app.cli.demo.command import build_demo_store
from app.cli.demo.enrolled import add_demo_to_enrolled_ward
from app.cli.logs import configure_logging, held_warnings, log_file_written, log_unexpected
from app.cli.managed_settings import write_managed_settings
from app.cli.reports import add_report_commands, run_report
from app.cli.self_test import run_self_test
from app.config import RprSettings, load_settings
from app.models.errors import Cancelled, UserFacingError
from app.store.layout import StoreFiles

EXIT_USER_ERROR = 2
EXIT_CANCELLED = 130
EXIT_SOFTWARE = 70
EXIT_BROKEN_PIPE = 141
#: The commit a built program was made from, written beside the app package by the installer
#: build (installers/build.sh); absent in the source tree.
BUILD_COMMIT_FILE = Path(__file__).resolve().parents[2] / "BUILD-COMMIT"


def _version_text() -> str:
    """``rpr --version``: the release and the commit this program was built from."""
    from importlib import metadata  # noqa: PLC0415 - only for --version, not every start

    try:
        release = metadata.version("rpr")
    except metadata.PackageNotFoundError:
        release = "unknown"
    try:
        commit = BUILD_COMMIT_FILE.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        commit = "none: run from the source tree"
    return f"rpr {release} (commit {commit})"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rpr",
        description="RPR, the Restrictive Practice Recorder. Without a command: the ward client.",
    )
    parser.add_argument("--data-dir", type=Path, help="the store's folder (default: settings)")
    parser.add_argument(
        "--version", action="store_true", help="print the version and commit, then stop"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, *, store: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if store:
            # SUPPRESS: when not given here, leave the value given before the command alone.
            sub.add_argument(
                "--data-dir", type=Path, default=argparse.SUPPRESS, help="the store's folder"
            )
        return sub

    demo = command("demo-data", "build a demo ward with fictitious patients and demo accounts")
    demo.add_argument(
        "--recovery-public-key", type=Path, help="the trust's recovery public key (PEM)"
    )
    demo.add_argument(
        "--user",
        help="on a PC enrolled with a test trust: add the demo records to its ward as this "
        "ward manager",
    )
    status = command("status", "what the store holds, without patient data")
    status.add_argument("--user", required=True, help="your username, e.g. demo.manager")
    verify = command("verify", "check revision hashes, the audit chain and page HMACs")
    verify.add_argument("--user", required=True)
    recover = command("recover", "open with the trust's recovery key and set a new password")
    recover.add_argument("--recovery-key", type=Path, required=True, help="private key (PEM)")
    recover.add_argument("--user", required=True, help="the account to give a new password")
    init = command("init", "set up an empty store for a standalone PC (local administrator)")
    init.add_argument("--user", required=True, help="the local administrator's username")
    init.add_argument("--recovery-public-key", type=Path, required=True)
    enrol = command("enrol", "enrol this PC with the trust server and make its store")
    enrol.add_argument("--server", required=True, help="e.g. https://rpr.trust.example")
    enrol.add_argument("--code", required=True, help="the one-time code from trust IT")
    enrol.add_argument("--device-name", help="how trust IT will know this PC (default: host name)")
    enrol.add_argument("--user", help="who signs in first (asked for when not given)")
    sync = command("sync", "send what is not yet sent and receive what is new, now")
    sync.add_argument("--user", required=True, help="your username")
    report = command("report", "make a PDF or an export from the store and save it", store=False)
    add_report_commands(report)
    command("self-test", "check on this PC that the encrypted store works", store=False)
    keygen = command(
        "recovery-keygen", "make the trust's recovery key pair (trust IT)", store=False
    )
    keygen.add_argument("--out", type=Path, required=True, help="private key file to write")
    managed = command(
        "managed-settings",
        "set server, ward and other settings in a machine-wide settings file (installers, IT)",
        store=False,
    )
    managed.add_argument("--file", type=Path, required=True, help="e.g. /etc/rpr/settings.toml")
    managed.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="a setting to write"
    )
    managed.add_argument("--template", type=Path, help="what to start from when --file is absent")
    return parser


_COMMANDS: dict[str | None, Callable[[argparse.Namespace, RprSettings], int]] = {
    "demo-data": lambda a, s: (
        build_demo_store(s.data_dir, a.recovery_public_key)
        if a.user is None
        else add_demo_to_enrolled_ward(s.data_dir, a.user)
    ),
    "self-test": lambda a, s: run_self_test(),
    "recovery-keygen": lambda a, s: support.recovery_keygen(a.out),
    "status": lambda a, s: support.status(s.data_dir, a.user),
    "verify": lambda a, s: support.verify(s.data_dir, a.user),
    "recover": lambda a, s: support.recover(s.data_dir, a.recovery_key, a.user),
    "init": lambda a, s: support.init(s.data_dir, a.user, a.recovery_public_key),
    "enrol": lambda a, s: sync_commands.enrol(
        s.data_dir, s, server=a.server, code=a.code, device_name=a.device_name, username=a.user
    ),
    "sync": lambda a, s: sync_commands.sync(s.data_dir, s, a.user),
    "report": run_report,
    None: lambda a, s: start_client(s.data_dir, s),
}


def _run(args: argparse.Namespace) -> int:
    """The command, after parsing: settings loaded and logging set up (not for
    ``managed-settings``, which writes the machine-wide file whatever it says)."""
    if args.command == "managed-settings":
        # Writes the machine-wide file: it must work before (and whatever) that file says.
        return write_managed_settings(args.file, args.set, args.template)
    with held_warnings() as early_warnings:
        settings = load_settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    data_dir = settings.data_dir
    # Log only into the logs folder of a store that exists: a command that fails before
    # making the store, or is refused (a wrong password), must leave the folder as it was.
    store_command = args.command not in ("self-test", "recovery-keygen")
    folder = StoreFiles(data_dir).logs
    logs = folder if store_command and folder.is_dir() else None
    configure_logging(logs, settings.log_level, early_warnings)
    return _COMMANDS[args.command](args, settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rpr`` console script."""
    args = _parser().parse_args(argv)
    if args.version:
        print(_version_text())
        return 0
    try:
        return _run(args)
    except UserFacingError as exc:
        print(f"rpr: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Cancelled:
        print("rpr: cancelled; nothing was changed.", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:
        # The output was piped into a program that stopped reading (``| head``): not a fault.
        # Point stdout at nothing so the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # noqa: BLE001 - the one boundary that must catch everything
        log_unexpected(exc)
        written = log_file_written()
        where = (
            f"Details without patient data are in {written}."
            if written
            else "No details could be logged."
        )
        print(f"rpr: something went wrong ({type(exc).__name__}). {where}", file=sys.stderr)
        return EXIT_SOFTWARE


if __name__ == "__main__":
    sys.exit(main())
