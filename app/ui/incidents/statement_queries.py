"""What the "My accounts to give" screen reads, on the store worker: the incidents on which
the signed-in member of staff still owes their account (the domain's rule,
:func:`app.models.staff_statement.statements_owed`) and the accounts they have given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.policy import ClinicalPolicy
from app.models.staff_statement import ASKED_FOR, StaffStatement, accounts_of, statements_owed
from app.store.store import Store


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
    )
