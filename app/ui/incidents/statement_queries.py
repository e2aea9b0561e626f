"""What the "My accounts to give" screen reads, on the store worker: the incidents on which
the signed-in member of staff still owes their account (the domain's rule,
:func:`app.models.staff_statement.statements_owed`), the accounts they have given, and the
accounts and additions they began but had not given when the window locked or the client
stopped (kept as :class:`~app.models.form_draft.FormDraft`, their own only); and how the
screen words those rows.

A kept account is a draft of form :data:`ACCOUNT_DRAFT`, an addition one of
:data:`ADDITION_DRAFT`; both name the incident as ``parent_id`` and the member of staff who
typed it under :data:`STAFF_KEY` (the account they owe is theirs alone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from app.models.clock import format_local
from app.models.form_draft import DraftStatus, FormDraft
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.policy import ClinicalPolicy
from app.models.staff_statement import ASKED_FOR, StaffStatement, accounts_of, statements_owed
from app.store.store import Store

ACCOUNT_DRAFT = "staff_account"
ADDITION_DRAFT = "staff_account_addition"
#: The draft value naming the member of staff whose account it is.
STAFF_KEY = "staff_id"
#: A kept draft and the revision its next save names as its base.
KeptDraft = tuple[FormDraft, UUID]


@dataclass(frozen=True, slots=True)
class OwedAccount:
    """An incident on which an account is still owed."""

    incident: UseOfForceIncident
    patient_name: str


@dataclass(frozen=True, slots=True)
class GivenAccount:
    """An account given (with every addition to it, in order) and its incident."""

    incident: UseOfForceIncident
    patient_name: str
    statements: tuple[StaffStatement, ...]

    @property
    def first(self) -> StaffStatement:
        """The account itself (the additions follow it)."""
        return next((s for s in self.statements if not s.is_addition), self.statements[0])


@dataclass(frozen=True, slots=True)
class MyAccounts:
    """Everything the screen shows for one member of staff."""

    owed: tuple[OwedAccount, ...]
    given: tuple[GivenAccount, ...]
    #: Their open drafts of accounts and additions, the newest per form and incident.
    drafts: tuple[KeptDraft, ...] = ()

    def draft_for(self, form: str, incident_id: UUID) -> KeptDraft | None:
        """The kept draft of ``form`` for ``incident_id``, if there is one."""
        return next(
            (k for k in self.drafts if k[0].form == form and k[0].parent_id == incident_id), None
        )


def load_my_accounts(
    store: Store, ward_id: UUID, staff_id: UUID, at: datetime, policy: ClinicalPolicy
) -> MyAccounts:
    """The accounts ``staff_id`` owes and has given, for the ward's incidents that began
    within the policy's asking window."""
    since = at - policy.recording.statements_asked_within
    with store.read() as reader:
        incidents = reader.find(
            UseOfForceIncident,
            ward_id=ward_id,
            statuses=[s.value for s in ASKED_FOR],
            starts_from=since,
        )
        by_id = {i.id: i for i in incidents}
        statements = reader.find(StaffStatement, parent_ids=list(by_id))
        names = {
            p.id: p.display_name
            for p in (reader.get(Patient, pid) for pid in {i.patient_id for i in incidents})
            if p is not None
        }
        drafts = _own_drafts(
            reader.find(FormDraft, parent_ids=list(by_id), statuses=[DraftStatus.OPEN.value]),
            staff_id,
        )
        kept = tuple(
            (d, state.revision_id) for d in drafts if (state := reader.state(d.id)) is not None
        )
    owed = statements_owed(staff_id, incidents, statements, at=at, policy=policy)
    given_ids = sorted(
        {s.incident_id for s in statements if s.author.staff_id == staff_id},
        key=lambda iid: by_id[iid].started_at,
        reverse=True,
    )
    return MyAccounts(
        owed=tuple(OwedAccount(i, names.get(i.patient_id, "Unknown patient")) for i in owed),
        given=tuple(
            GivenAccount(
                by_id[iid],
                names.get(by_id[iid].patient_id, "Unknown patient"),
                accounts_of(staff_id, iid, statements),
            )
            for iid in given_ids
        ),
        drafts=kept,
    )


def _own_drafts(drafts: list[FormDraft], staff_id: UUID) -> list[FormDraft]:
    """``staff_id``'s drafts of accounts and additions, the newest per form and incident."""
    newest: dict[tuple[str, UUID | None], FormDraft] = {}
    for draft in drafts:
        if draft.form not in (ACCOUNT_DRAFT, ADDITION_DRAFT):
            continue
        if draft.values.get(STAFF_KEY) != str(staff_id):
            continue
        key = (draft.form, draft.parent_id)
        if key not in newest or newest[key].saved_at < draft.saved_at:
            newest[key] = draft
    return list(newest.values())


# -- how the screen words the rows -----------------------------------------------------------


def owed_heading(count: int) -> str:
    """The line above the accounts owed: how many, and what to do."""
    if not count:
        return "You have given every account asked of you."
    return (
        f"<b>You were named on {count} incident{'s' if count != 1 else ''} and have not yet "
        "given your account of your part.</b> Choose one, then say your role, the holds you "
        "took part in and what you did."
    )


def owed_cell(row: OwedAccount, column: int) -> str:
    """One cell of the list of accounts owed."""
    incident = row.incident
    cells = (
        row.patient_name,
        format_local(incident.started_at),
        incident.location or "",
        ", ".join(t.label for t in incident.intervention_types),
    )
    return cells[column]


def given_cell(row: GivenAccount, column: int) -> str:
    """One cell of the list of accounts given."""
    cells = (
        row.patient_name,
        format_local(row.incident.started_at),
        format_local(row.first.given_at),
        str(len(row.statements) - 1),
    )
    return cells[column]


def thread_text(given: GivenAccount) -> str:
    """An account and its additions, as read back."""
    parts = []
    for statement in given.statements:
        when = format_local(statement.given_at)
        if statement.is_addition:
            parts.append(f"Added {when}:\n{statement.account}")
        else:
            holds = ", ".join(t.label for t in statement.holds)
            parts.append(
                f"Given {when}. Role: {statement.role}. Holds: {holds}.\n{statement.account}"
            )
    return "\n\n".join(parts)
