"""``rpr enrol``, ``rpr sync`` and the sync lines of ``rpr status``.

``rpr enrol`` (on a PC with no store): the one-time code from trust IT becomes this PC's device
credential; a member of staff then signs in against the server, which vouches for them
(design.md "Encryption at rest and signing in"), and the store is made with their key slot,
the trust's recovery public key from the server, and the enrolment — the credential kept only
inside the encrypted store. When the machine-wide settings name the PC's ``ward``, a code
issued for another ward is refused before anything is used up or written.

``rpr sync`` exit codes: 0 all sent and received and the counts agree; 1 it ran but something
needs a person (a refusal, a count that still does not match, an audit-log warning); 75 the
trust server could not be reached (try later: the scheduler would); 2 any other refusal, as
every command.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import TYPE_CHECKING

from app.cli.prompts import PASSWORD_ENV, read_password
from app.models.errors import Cancelled, UserFacingError
from app.store.keyslots import normalise_username, public_key_fingerprint
from app.store.layout import inspect_folder
from app.store.opening import load_slots
from app.store.passwords import password_problem
from app.store.store import Store
from app.store.sync_state import Enrolment, SyncFacts
from app.sync.client import first_sync, sync_once
from app.sync.errors import CredentialRefused, ServerUnreachable, SyncFailed
from app.sync.status import CHAIN_WARNINGS
from app.sync.transport import Transport, checked_server_url
from app.sync.wire import EnrolResponse, ErrorCode, SignInResponse

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from app.config import RprSettings
    from app.sync.engine import SyncReport

EXIT_NEEDS_ATTENTION = 1
EXIT_OFFLINE = 75  # EX_TEMPFAIL: try again later
#: Sign-in attempts at enrolment before giving up (each asks for the password again).
SIGN_IN_ATTEMPTS = 3


def enrol(
    data_dir: Path,
    settings: RprSettings,
    *,
    server: str,
    code: str,
    device_name: str | None,
    username: str | None,
) -> int:
    """Enrol this PC and make its store (see the module docstring)."""
    url = checked_server_url(server)
    folder = inspect_folder(data_dir)
    if folder.is_complete:
        raise UserFacingError(
            f"This PC already has a store in {data_dir}. Enrolling a PC that already holds "
            "records (a standalone PC) is not supported yet; nothing was changed."
        )
    folder.require_empty_for_setup()
    ca = settings.trust_ca_certificate
    with Transport(url, ca_certificate=ca) as anonymous:
        name = device_name or socket.gethostname() or "ward PC"
        enrolled = anonymous.enrol(code, name, ward=settings.ward)
    print(
        f"Enrolled at {enrolled.trust_name} for {enrolled.ward.name} as device "
        f"{enrolled.device_id}."
    )
    lost = (
        f" This PC is enrolled at the trust server as device {enrolled.device_id}, but nothing "
        "was kept here: ask trust IT to revoke that device and issue a new code."
    )
    try:
        with Transport(url, token=enrolled.device_token, ca_certificate=ca) as device:
            person, password = _sign_in(device, username)
        fingerprint = public_key_fingerprint(enrolled.recovery_public_key_pem.encode())
        store = Store.create(
            data_dir,
            username=person.username,
            password=password,
            recovery_public_key_pem=enrolled.recovery_public_key_pem.encode(),
            enrolment=_enrolment(url, enrolled),
        )
    except Cancelled:
        print(f"rpr:{lost}", file=sys.stderr)
        raise
    except UserFacingError as exc:
        raise UserFacingError(f"{exc}{lost}") from None
    print(f"Store created in {data_dir}; {person.username} ({person.display_name}) can sign in.")
    print(f"Trust recovery key {fingerprint} (trust IT can compare it with theirs).")
    with store:
        first = first_sync(store.sync, ca_certificate=ca)
    if isinstance(first, SyncFailed):
        print(f"rpr: the first sync did not finish: {first} The next sync will fetch the ward.")
    else:
        print(
            f"First sync: received {first.received} revision(s) (the ward, its staff and the "
            "accounts trust IT added)."
        )
    print("Run `rpr sync --user NAME` or start RPR to send and receive.")
    return 0


def _sign_in(device: Transport, username: str | None) -> tuple[SignInResponse, str]:
    """A member of staff signs in against the server; asks again after a wrong password when
    a person is typing (not when the password comes from ``RPR_PASSWORD``)."""
    name = normalise_username(username if username is not None else _ask_username())
    attempts = 1 if os.environ.get(PASSWORD_ENV) else SIGN_IN_ATTEMPTS
    for attempt in range(1, attempts + 1):
        password = read_password(name)
        problem = password_problem(password, name)
        if problem is not None:
            # The key slot on this PC needs a password that meets the local rule.
            error: UserFacingError = UserFacingError(
                f"{problem}: this PC's store cannot be opened with a shorter one. Change the "
                "password with trust IT first."
            )
        else:
            try:
                return device.sign_in(name, password), password
            except CredentialRefused as exc:
                if exc.code is not ErrorCode.SIGN_IN_FAILED:
                    raise
                error = exc
        if attempt < attempts:
            print(f"{error} Try again ({attempts - attempt} left).")
    raise error


def _ask_username() -> str:
    try:
        return input("Username: ")
    except (EOFError, KeyboardInterrupt):
        raise Cancelled from None


def _enrolment(url: str, enrolled: EnrolResponse) -> Enrolment:
    return Enrolment(
        server_url=url,
        device_id=enrolled.device_id,
        device_token=enrolled.device_token,
        ward_id=enrolled.ward.ward_id,
        ward_name=enrolled.ward.name,
        trust_name=enrolled.trust_name,
    )


def sync(data_dir: Path, settings: RprSettings, username: str) -> int:
    """One sync now; prints what was sent, refused, received and the count check."""
    name = load_slots(data_dir)[1].require_account(username)  # before asking for a password
    with Store.open(data_dir, name, read_password(name)) as store:
        try:
            report = sync_once(
                store.sync,
                server_url=settings.server_url,
                ca_certificate=settings.trust_ca_certificate,
            )
        except ServerUnreachable as exc:
            print(f"rpr: {exc}")
            print(f"Not yet sent: {store.sync.outbox_count()}")
            return EXIT_OFFLINE
    return print_report(report)


def print_report(report: SyncReport) -> int:
    """Print one sync's report; its exit code."""
    print(f"Sent {report.sent} revision(s); received {report.received}.")
    if report.refused:
        print(f"{len(report.refused)} refused by the trust server (kept on this PC):")
        for refusal in report.refused:
            print(f"  - revision {refusal.revision_id}: {refusal.message}")
    print(f"Not yet sent: {report.not_yet_sent}")
    if report.repaired:
        print("The first count check did not match; everything was pulled again.")
    if report.counts_match:
        print(f"Count check: this PC holds the {report.held} revision(s) the server expects.")
    else:
        print(
            f"Count check: the server expects {report.expected} revision(s) and this PC holds "
            f"{report.held}; nothing was removed. Tell trust IT if this stays."
        )
    if report.chain_warning is not None:
        print(f"AUDIT LOG WARNING: {CHAIN_WARNINGS[report.chain_warning.value]}")
    attention = report.refused or not report.counts_match or report.chain_warning
    return EXIT_NEEDS_ATTENTION if attention else 0


def print_sync_facts(facts: SyncFacts) -> list[str]:
    """Print the sync lines of ``rpr status``; returns the problems to list at the end."""
    enrolment = facts.enrolment
    if enrolment is None:
        print("  trust server            not enrolled (standalone PC)")
        return []
    print(f"  trust server            {enrolment.server_url}")
    print(f"  enrolled for            {enrolment.ward_name}, {enrolment.trust_name}")
    print(f"  device                  {enrolment.device_id}")
    print(f"  not yet sent            {facts.not_yet_sent:>8}")
    print(f"  refused by the server   {len(facts.refusals):>8}")
    print(f"  last sent               {_when(facts.last_sent_at)}")
    print(f"  last complete sync      {_when(facts.last_synced_at)}")
    problems: list[str] = []
    match facts.counts_match:
        case None:
            print("  count check             not yet made")
        case True:
            print("  count check             matches")
        case False:
            print("  count check             DOES NOT MATCH")
            problems.append(
                f"count check: the server expected {facts.check_expected} revision(s) and this "
                f"PC held {facts.check_held} at the last sync"
            )
    if facts.chain_warning is None:
        print("  audit log witness       no warning")
    else:
        print("  audit log witness       WARNING")
        problems.append(
            f"audit log: {CHAIN_WARNINGS.get(facts.chain_warning, facts.chain_warning)}"
        )
    problems.extend(f"revision {r.revision_id} refused: {r.message}" for r in facts.refusals)
    return problems


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"
