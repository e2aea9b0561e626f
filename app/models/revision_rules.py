"""Who may void a record or resolve a conflict, and when a resolution needs a reason
(design.md "Records are revisions, never overwrites"; domain.md §2 and §7).

The store enforces the reasons (:mod:`app.store.revisions`); screens use these rules to ask
for a reason before the store has to refuse, and to offer an action only to those who may
take it.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.models.base import Record
from app.models.form_draft import FormDraft
from app.models.people import Permission, StaffMember, UserAccount, Ward
from app.models.revision import RevisionAction

#: Resolving a conflict is a review of the record: the nurse in charge / ward manager's job
#: (domain.md §7: they review and sign off records). Nurses see conflicts but do not resolve.
RESOLVE_PERMISSION = Permission.SIGN_OFF


#: Records a ward PC enrolled with a trust never makes or changes: the trust server publishes
#: them (domain.md §7: trust IT manages accounts and wards).
TRUST_PUBLISHED_KINDS = frozenset({Ward.KIND, UserAccount.KIND})


def kind_permission(kind: str) -> Permission | None:
    """What any revision of a record of ``kind`` takes (domain.md §7): the staff list is
    managed with the accounts (trust IT); a person's own unfinished form (a draft) takes only
    being signed in; every clinical record takes :attr:`Permission.RECORD` (trust IT makes and
    signs no clinical record)."""
    if kind in (StaffMember.KIND, *TRUST_PUBLISHED_KINDS):
        return Permission.MANAGE_ACCOUNTS
    if kind == FormDraft.KIND:
        return None
    return Permission.RECORD


def void_permission(record: Record, *, conflicted: bool = False) -> Permission:
    """What voiding ``record`` takes: whoever records may void a record made in error; once a
    ward manager has signed it off, only someone who may sign off may void it (domain.md §7).
    Voiding a conflicted record joins every diverging version, so it is a resolution and
    takes :data:`RESOLVE_PERMISSION`."""
    if conflicted or record.is_signed_off():
        return RESOLVE_PERMISSION
    return Permission.RECORD


def is_settled(action: RevisionAction, record: Record) -> bool:
    """A version that was signed off or voided: setting it aside needs a reason."""
    return action is RevisionAction.VOID or record.is_signed_off()


def resolution_needs_reason(versions: Iterable[tuple[RevisionAction, Record]]) -> bool:
    """Resolving a conflict needs a reason when one of the diverging versions (each given as
    the action that made it and its content) was signed off or voided: the resolution then
    changes a signed-off record or brings a voided one back (design.md)."""
    return any(is_settled(action, record) for action, record in versions)
