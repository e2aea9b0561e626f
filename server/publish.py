"""What the trust server publishes itself: each ward, each account and the staff member it
belongs to, as revisions the ward PCs pull like any other (design.md "Sync"; issue 7).

Why: an enrolled ward PC learns its ward (name, code, beds, site), who may sign in there with
which rights, and the job titles records name, from the trust — the one place trust IT manages
them (domain.md §7). A ward PC may not make or change a Ward or a UserAccount
(:data:`~app.models.revision_rules.TRUST_PUBLISHED_KINDS`), so these records change only here.

Each change trust IT makes (``rpr-server admin …``) adds one revision, never replaces one
(design.md "Records are revisions, never overwrites"): its parents are the record's current
heads at the trust, so a staff member a ward PC changed too is joined, not overwritten.
Routing: a Ward goes to its own ward; a StaffMember to its ward (trust-wide when it has none);
a UserAccount to every ward, so a member of staff can sign in on any ward's PC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import insert, select

from app.models.clock import utc_now
from app.models.people import StaffMember, UserAccount, Ward
from app.models.revision import Revision, RevisionAction
from server.db import serialise_writers
from server.tables import AccountRow, TrustRow, WardRow
from server.tables_sync import RevisionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models.base import Record

#: The author named on every revision the trust server publishes.
PUBLISHER = "trust server"


def ward_record(row: WardRow) -> Ward | None:
    """The Ward record of ``row``; None while its code, beds or site are not given yet."""
    if row.code is None or row.number_of_beds is None or row.site is None:
        return None
    return Ward(
        id=row.id, name=row.name, code=row.code, number_of_beds=row.number_of_beds, site=row.site
    )


def staff_record(row: AccountRow) -> StaffMember | None:
    """The StaffMember record the server keeps for ``row``'s person; None when it has none
    (trust IT, or a staff member whose record a ward PC made)."""
    if row.staff_id is None or row.job_title is None or row.clinical_role is None:
        return None
    return StaffMember(
        id=row.staff_id,
        name=row.display_name,
        job_title=row.job_title,
        role=row.clinical_role,
        ward_id=row.ward_id,
    )


def account_record(row: AccountRow) -> UserAccount:
    """The UserAccount record of ``row``."""
    return UserAccount(
        id=row.id,
        username=row.username,
        staff_id=row.staff_id,
        access_role=row.access_role,
        active=row.active,
    )


def heads(session: Session, record_id: UUID) -> list[UUID]:
    """The revisions of ``record_id`` at the trust that no other revision replaces."""
    rows = session.execute(
        select(RevisionRow.revision_id, RevisionRow.parents).where(
            RevisionRow.record_id == record_id
        )
    ).all()
    replaced = {UUID(parent) for _, parents in rows for parent in parents}
    return sorted((rid for rid, _ in rows if rid not in replaced), key=str)


def publish(session: Session, record: Record, ward_id: UUID | None) -> Revision:
    """Add a revision of ``record`` made by the trust server, for the devices of ``ward_id``
    (None: every ward). Not committed: the caller commits with the change it describes."""
    trust = session.scalar(select(TrustRow))
    if trust is None:  # pragma: no cover - every admin command checks this first
        raise RuntimeError("the trust is not initialised")
    serialise_writers(session)
    parents = heads(session, record.id)
    action = (
        RevisionAction.CREATE
        if not parents
        else RevisionAction.EDIT
        if len(parents) == 1
        else RevisionAction.RESOLVE
    )
    revision = Revision.of(
        record,
        action=action,
        parents=tuple(parents),
        author=PUBLISHER,
        device_id=trust.publisher_id,
    )
    session.execute(
        insert(RevisionRow).values(
            revision_id=revision.revision_id,
            record_id=revision.record_id,
            kind=revision.kind,
            ward_id=ward_id,
            parents=[str(p) for p in revision.parents],
            author=revision.author,
            device_id=revision.device_id,
            created_at=revision.created_at,
            action=revision.action.value,
            reason=revision.reason,
            payload=revision.payload,
            content_hash=revision.content_hash,
            pushed_by=None,
            received_at=utc_now(),
        )
    )
    return revision


def publish_ward(session: Session, row: WardRow) -> bool:
    """Publish ``row`` to its own ward's devices; False while it lacks code, beds or site."""
    record = ward_record(row)
    if record is None:
        return False
    session.flush()
    publish(session, record, row.id)
    return True


def publish_account(session: Session, row: AccountRow, *, with_staff: bool) -> None:
    """Publish ``row`` (to every ward) and, when ``with_staff``, the staff member the server
    keeps for it (to the account's ward)."""
    session.flush()
    if with_staff:
        staff = staff_record(row)
        if staff is not None:
            publish(session, staff, staff.ward_id)
    publish(session, account_record(row), None)
