"""``rpr-server admin …``: trust IT's commands (docs/server.md lists them).

Each opens the database, runs one function of :mod:`server.admin` in one transaction, and
prints what it did. A password or passphrase comes from a prompt (asked twice) or a file
named on the command line, never from an argument (the process list would show it).
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from app.models.errors import Cancelled, UserFacingError
from app.models.people import AccessRole
from app.models.refs import ClinicalRole
from server import admin
from server.db import make_engine, session_factory
from server.keys import checked_public_key, new_recovery_key_pair, write_new_file
from server.migrate import upgrade

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from server.settings import ServerSettings


def add_admin_commands(parser: argparse.ArgumentParser) -> None:
    """The ``admin`` subcommands."""
    commands = parser.add_subparsers(dest="admin_command", required=True)
    commands.add_parser("migrate", help="bring the database to this version's schema")
    init = commands.add_parser("init-trust", help="name the trust and make its recovery key")
    init.add_argument("--name", required=True)
    key = init.add_mutually_exclusive_group(required=True)
    key.add_argument("--recovery-key-out", type=Path, help="write a new key pair: FILE, FILE.pub")
    key.add_argument("--recovery-public-key", type=Path, help="use `rpr recovery-keygen`'s .pub")
    init.add_argument("--passphrase-file", type=Path, help="passphrase for the private key")
    ward = commands.add_parser("add-ward", help="add a ward (published to its PCs)")
    ward.add_argument("--name", required=True)
    ward.add_argument("--code", required=True, help="the trust's short ward code, e.g. ASH-1")
    ward.add_argument("--beds", required=True, type=int, help="number of beds")
    ward.add_argument("--site", required=True, help="the hospital site")
    change_ward = commands.add_parser("change-ward", help="change a ward and publish it again")
    change_ward.add_argument("ward", help="ward name or id")
    change_ward.add_argument("--name")
    change_ward.add_argument("--code")
    change_ward.add_argument("--beds", type=int)
    change_ward.add_argument("--site")
    commands.add_parser("wards", help="list the wards")
    account = commands.add_parser("add-account", help="add a staff or trust IT account")
    account.add_argument("--username", required=True)
    account.add_argument("--name", required=True, help="the person's name as staff see it")
    account.add_argument("--role", required=True, choices=[r.value for r in AccessRole])
    account.add_argument("--ward", help="ward name or id (required unless --role admin)")
    account.add_argument("--job-title", help="e.g. Staff nurse (nurse, ward manager)")
    account.add_argument(
        "--clinical-role", choices=[r.value for r in ClinicalRole], help="(nurse, ward manager)"
    )
    account.add_argument("--staff-id", help="a staff member a ward PC already sent, by id")
    account.add_argument("--password-file", type=Path, help="read the password from FILE")
    change = commands.add_parser("change-account", help="change a role, deactivate, password")
    change.add_argument("username")
    change.add_argument("--role", choices=[r.value for r in AccessRole])
    active = change.add_mutually_exclusive_group()
    active.add_argument("--deactivate", action="store_true", help="it signs in nowhere")
    active.add_argument("--reactivate", action="store_true")
    password = change.add_mutually_exclusive_group()
    password.add_argument("--new-password", action="store_true", help="ask for a new one")
    password.add_argument("--password-file", type=Path, help="read the new password from FILE")
    unlock = commands.add_parser("unlock-account", help="clear failed sign-ins and the lock")
    unlock.add_argument("username")
    code = commands.add_parser("issue-code", help="a one-time enrolment code for a ward PC")
    code.add_argument("--ward", required=True, help="ward name or id")
    code.add_argument("--valid-hours", type=int, help="how long it works (default 24)")
    commands.add_parser("devices", help="list enrolled devices")
    revoke = commands.add_parser("revoke-device", help="revoke a device's credential")
    revoke.add_argument("device_id")


def _secret_from_file(path: Path, what: str) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise UserFacingError(f"{path}: cannot be read as text (the {what} file).") from None
    if not lines or not lines[0]:
        raise UserFacingError(f"{path}: the first line must hold the {what}.")
    return lines[0]


def _secret_from_prompt(what: str) -> str:
    try:
        first = getpass.getpass(f"{what.capitalize()}: ")
        again = getpass.getpass(f"{what.capitalize()} again: ")
    except EOFError:
        raise Cancelled from None
    if first != again:
        raise UserFacingError(f"The two {what}s differ; nothing was changed.")
    return first


def _secret(path: Path | None, what: str) -> str:
    return _secret_from_file(path, what) if path else _secret_from_prompt(what)


def _init_trust(session: Session, args: argparse.Namespace) -> None:
    if admin.trust(session) is not None:
        raise UserFacingError("The trust is already initialised on this database; nothing changed.")
    out: Path | None = args.recovery_key_out
    if out is None:
        admin.init_trust(session, args.name, checked_public_key(_read(args.recovery_public_key)))
        print(f"Trust {args.name!r} initialised; recovery public key {args.recovery_public_key}.")
        return
    public_path = out.with_name(out.name + ".pub")
    for path in (out, public_path):
        if path.exists():
            raise UserFacingError(f"{path} already exists; nothing was written.")
    passphrase = _secret(args.passphrase_file, "passphrase for the recovery private key")
    private_pem, public_key = new_recovery_key_pair(passphrase.encode("utf-8"))
    admin.init_trust(session, args.name, public_key.decode("ascii"))
    write_new_file(out, private_pem, private=True)
    write_new_file(public_path, public_key, private=False)
    print(f"Trust {args.name!r} initialised.")
    print(f"Recovery private key: {out} (RSA-4096, protected by the passphrase).")
    print("  KEEP IT OFFLINE: move it and its passphrase to the trust's safe and delete it here.")
    print("  It is the only way to open a ward PC's records when every password is lost.")
    print(f"Recovery public key:  {public_path} (ward PCs receive it when they enrol).")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserFacingError(f"{path}: cannot be read ({exc.strerror}).") from None


def _add_account(session: Session, args: argparse.Namespace) -> None:
    role = AccessRole(args.role)
    if args.ward is None and role is not AccessRole.ADMIN:
        raise UserFacingError("ward: a nurse's or ward manager's account needs --ward")
    ward = admin.find_ward(session, args.ward) if args.ward else None
    staff_id = None
    if args.staff_id:
        try:
            staff_id = UUID(args.staff_id)
        except ValueError:
            raise UserFacingError("staff-id: must be a record id (a UUID)") from None
    password = _secret(args.password_file, "password")
    row = admin.add_account(
        session,
        username=args.username,
        display_name=args.name,
        role=role,
        ward=ward,
        password=password,
        job_title=args.job_title,
        clinical_role=ClinicalRole(args.clinical_role) if args.clinical_role else None,
        staff_id=staff_id,
    )
    where = f" on {ward.name}" if ward else ""
    print(f"Account {row.username} ({role.label}){where} added; staff id {row.staff_id or '-'}.")
    print("Ward PCs receive it at their next sync.")


def _change_account(session: Session, args: argparse.Namespace) -> None:
    row = admin.find_account(session, args.username)
    password = None
    if args.new_password or args.password_file:
        password = _secret(args.password_file, "password")
    active = True if args.reactivate else False if args.deactivate else None
    admin.change_account(
        session,
        row,
        role=AccessRole(args.role) if args.role else None,
        active=active,
        password=password,
    )
    state = "active" if row.active else "DEACTIVATED (signs in nowhere)"
    print(f"Account {row.username}: {row.access_role.label}, {state}.")
    if password is not None:
        print(
            "New password set at the trust server. A PC where the person signed in before "
            "still opens with their old password until they change it there."
        )


def _change_ward(session: Session, args: argparse.Namespace) -> None:
    ward = admin.change_ward(
        session,
        admin.find_ward(session, args.ward),
        name=args.name,
        code=args.code,
        beds=args.beds,
        site=args.site,
    )
    print(f"Ward {ward.name} ({ward.code}, {ward.number_of_beds} beds, {ward.site}) published.")


def _wards(session: Session) -> None:
    for ward in admin.wards(session):
        if ward.code is None:
            facts = "not published: give --code, --beds and --site with change-ward"
        else:
            facts = f"{ward.code}, {ward.number_of_beds} beds, {ward.site}"
        print(f"{ward.id}  {ward.name}  ({facts})")


def _issue_code(session: Session, args: argparse.Namespace, settings: ServerSettings) -> None:
    ward = admin.find_ward(session, args.ward)
    hours = args.valid_hours if args.valid_hours is not None else settings.enrolment_code_hours
    code, expires = admin.issue_code(session, ward, hours)
    print(f"Enrolment code for {ward.name}: {code}")
    print(f"It works once, until {expires:%Y-%m-%d %H:%M} UTC. Only its hash is kept.")


def _devices(session: Session) -> None:
    listing = admin.devices(session)
    if not listing:
        print("No devices are enrolled.")
        return
    print(f"{'device id':36}  {'ward':20}  {'name':24}  {'last seen (UTC)':16}  status")
    for line in listing:
        device = line.device
        seen = f"{device.last_seen:%Y-%m-%d %H:%M}" if device.last_seen else "never"
        status = f"revoked {device.revoked_at:%Y-%m-%d}" if device.revoked_at else "active"
        name, ward = device.name[:24], line.ward_name[:20]
        print(f"{device.id!s:36}  {ward:20}  {name:24}  {seen:16}  {status}")


def _run(session: Session, args: argparse.Namespace, settings: ServerSettings) -> None:
    command = args.admin_command
    if command == "init-trust":
        _init_trust(session, args)
    elif command == "add-ward":
        ward = admin.add_ward(session, args.name, code=args.code, beds=args.beds, site=args.site)
        print(f"Ward {ward.name} added: {ward.id}")
    elif command == "change-ward":
        _change_ward(session, args)
    elif command == "wards":
        _wards(session)
    elif command == "add-account":
        _add_account(session, args)
    elif command == "change-account":
        _change_account(session, args)
    elif command == "unlock-account":
        row = admin.unlock_account(session, args.username)
        print(f"Account {row.username} unlocked; its failed sign-ins are cleared.")
    elif command == "issue-code":
        _issue_code(session, args, settings)
    elif command == "devices":
        _devices(session)
    elif command == "revoke-device":
        device = admin.revoke_device(session, args.device_id)
        print(f"Device {device.id} ({device.name}) is revoked; its records are kept.")


def run_admin(args: argparse.Namespace, settings: ServerSettings) -> int:
    """Run one admin command against the database of ``settings``."""
    engine = make_engine(settings.database_url)
    try:
        if args.admin_command == "migrate":
            print(f"Database at schema version {upgrade(engine)}.")
            return 0
        upgrade(engine)
        with session_factory(engine)() as session:
            _run(session, args, settings)
            session.commit()
    finally:
        engine.dispose()
    return 0
