"""``rpr demo-data --user NAME`` on a PC enrolled with a trust: the demo ward's fictitious
patients and their records, made on the PC's own ward by a ward manager, for a test or
training trust server (issue 7's end-to-end acceptance: "make demo data on one PC").

What is made is what the ward's staff would make: patients, spells, incidents (drafts,
submitted, signed off, one amended), seclusion and segregation with their reviews — all
authored by the person named, who must both record and sign off (a ward manager), because
the trust server takes a revision only from an author with the right it needs. The ward, the
accounts and the staff list are trust IT's (server/publish.py): none is made here; the demo
staff are named in the records only, as the records keep every person's name and job title.

Refused on a ward that already holds patients: fictitious people are never mixed into a
ward's real records.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from app.cli.demo.command import save_steps
from app.cli.demo.ward import build_demo_ward
from app.cli.prompts import read_password
from app.models.clock import utc_now
from app.models.errors import UserFacingError
from app.models.patient import Patient
from app.models.people import Permission, StaffMember, UserAccount, Ward
from app.models.revision_rules import TRUST_PUBLISHED_KINDS
from app.store.opening import load_slots
from app.store.store import Store

if TYPE_CHECKING:
    from pathlib import Path

    from app.models.base import Record

NEEDS_A_WARD_MANAGER = (
    "user: demo data on an enrolled PC is made by a ward manager (it holds signed-off "
    "records, and the trust server takes them only from someone who may sign off)"
)


def _made_on_a_ward_pc(record: Record) -> bool:
    return record.KIND not in TRUST_PUBLISHED_KINDS and not isinstance(record, StaffMember)


def add_demo_to_enrolled_ward(data_dir: Path, username: str) -> int:
    """Add the demo ward's records to the enrolled ward of the store in ``data_dir``."""
    name = load_slots(data_dir)[1].require_account(username)  # before asking for a password
    password = read_password(name)
    started = time.perf_counter()
    with Store.open(data_dir, name, password) as store:
        enrolment = store.sync.enrolment()
        if enrolment is None:
            raise UserFacingError(
                f"This store in {data_dir} is not enrolled with a trust server: a demo "
                "ward goes into a new, empty folder (`rpr demo-data --data-dir NEW`)."
            )
        with store.read() as reader:
            ward = reader.get(Ward, enrolment.ward_id)
            account = next((a for a in reader.find(UserAccount) if a.username == store.actor), None)
            has_patients = any(p.ward_id == enrolment.ward_id for p in reader.find(Patient))
        if ward is None:
            raise UserFacingError(
                f"The ward {enrolment.ward_name} has not arrived from the trust server yet: "
                f"run `rpr sync --user {store.actor}` first."
            )
        if account is None or not (
            account.may(Permission.RECORD) and account.may(Permission.SIGN_OFF)
        ):
            raise UserFacingError(NEEDS_A_WARD_MANAGER)
        if has_patients:
            raise UserFacingError(
                f"{ward.name} already holds patients: demo data goes only onto a ward with "
                "none, so that fictitious people are never mixed with real ones. Nothing "
                "was changed."
            )
        demo = build_demo_ward(utc_now(), ward=ward)
        steps = [(record, reason) for record, reason in demo.steps if _made_on_a_ward_pc(record)]
        with store.write() as tx:
            save_steps(tx, steps)
        waiting = store.sync.outbox_count()
    print(
        f"Demo records added to {ward.name} by {name} in "
        f"{time.perf_counter() - started:.1f} s: {len(steps)} revisions, all fictitious."
    )
    print(f"Not yet sent: {waiting}. `rpr sync --user {name}` sends them to the trust.")
    return 0
