"""Admitting, discharging and transferring out (app.models.stays), the transfer destination on
the hospital spell, the duplicate NHS number and account rules, and the patient's own
statutory items (completeness.missing_patient_items)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from app.models.admission import HospitalSpell
from app.models.base import STORED, Answer
from app.models.characteristics import ProtectedCharacteristics
from app.models.completeness import missing_patient_items
from app.models.errors import InvalidRecord, RuleViolation
from app.models.patient import MentalDisorder
from app.models.people import (
    INACTIVE_STAFF_ACCOUNT,
    USERNAME_IN_USE,
    account_problem,
)
from app.models.stays import (
    LEFT_BEFORE_ADMITTED,
    NHS_NUMBER_IN_USE,
    STAY_ALREADY_ENDED,
    STAY_OVERLAPS,
    STAY_STILL_OPEN,
    TRANSFER_NEEDS_PLACE,
    admission_problem,
    end_of_stay_problem,
    end_stay,
    nhs_number_in_use,
    still_running,
)
from tests.models import builders as b
from tests.models import isolation_builders as ib
from tests.models.refusals import assert_refused

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def spell(admitted: datetime, discharged: datetime | None = None, **more: Any) -> HospitalSpell:
    return b.hospital_spell(admitted_at=admitted, discharged_at=discharged, **more)


# ------------------------------------------------------------------ the spell's transfer field


def test_a_transfer_destination_needs_an_end() -> None:
    data = b.hospital_spell().model_dump() | {"transferred_to": "Oak PICU"}
    assert_refused(HospitalSpell, data, field="discharged_at", rule="transferred out")


def test_a_transfer_round_trips_and_says_so() -> None:
    moved = spell(T0, T0 + hours(30), transferred_to="  Oak PICU, Brackenfold  ")
    assert moved.transferred_out
    assert moved.transferred_to == "Oak PICU, Brackenfold"
    again = HospitalSpell.model_validate_json(moved.model_dump_json(), context=STORED)
    assert again == moved
    assert not spell(T0, T0 + hours(30)).transferred_out
    assert not spell(T0).transferred_out


# --------------------------------------------------------------------------------- admitting


@pytest.mark.parametrize(
    ("spells", "admitted_at", "problem"),
    [
        pytest.param([], T0, None, id="first stay"),
        pytest.param([spell(T0 - hours(48), T0 - hours(1))], T0, None, id="after an earlier stay"),
        pytest.param([spell(T0 - hours(48), T0)], T0, None, id="the moment the last one ended"),
        pytest.param([spell(T0 - hours(48))], T0, STAY_STILL_OPEN, id="still admitted"),
        pytest.param(
            [spell(T0 - hours(48), ward_id=uuid4())], T0, STAY_STILL_OPEN, id="on another ward"
        ),
        pytest.param(
            [spell(T0 - hours(48), T0 + hours(2))], T0, STAY_OVERLAPS, id="before the last ended"
        ),
        pytest.param(
            [spell(T0 - hours(48), patient_id=b.OTHER_PATIENT_ID)],
            T0,
            None,
            id="someone else's stay",
        ),
    ],
)
def test_admission(spells: list[HospitalSpell], admitted_at: datetime, problem: str | None) -> None:
    assert admission_problem(spells, b.PATIENT_ID, admitted_at) == problem


# ------------------------------------------------------------------------- ending a stay


def secluded(started: datetime, ended: datetime | None = None, **more: Any) -> Any:
    extra = {"ended_at": ended, "ended_by": ib.DOCTOR} if ended is not None else {}
    return ib.seclusion_episode(started_at=started, **extra, **more)


RUNNING = "is still running then; record its end first"


@dataclass(frozen=True)
class Ending:
    """One way a stay might end, and the rule that refuses it (``None``: allowed)."""

    stay: HospitalSpell
    left_at: datetime
    problem: str | None
    episodes: tuple[Any, ...] = ()
    transfer: bool = False
    to: str | None = None


ENDINGS = {
    "discharge": Ending(spell(T0), T0 + hours(5), None),
    "transfer": Ending(spell(T0), T0 + hours(5), None, transfer=True, to="Oak PICU"),
    "transfer, where to?": Ending(
        spell(T0), T0 + hours(5), TRANSFER_NEEDS_PLACE, transfer=True, to="  "
    ),
    "already ended": Ending(spell(T0, T0 + hours(1)), T0 + hours(5), STAY_ALREADY_ENDED),
    "before admission": Ending(spell(T0), T0 - hours(1), LEFT_BEFORE_ADMITTED),
    "secluded": Ending(spell(T0), T0 + hours(5), RUNNING, (secluded(T0 + hours(1)),)),
    "seclusion ends after": Ending(
        spell(T0),
        T0 + hours(5),
        RUNNING,
        (secluded(T0 + hours(1), T0 + hours(6)),),
        transfer=True,
        to="Oak PICU",
    ),
    "seclusion ended by then": Ending(
        spell(T0), T0 + hours(5), None, (secluded(T0 + hours(1), T0 + hours(5)),)
    ),
    "someone else secluded": Ending(
        spell(T0), T0 + hours(5), None, (secluded(T0 + hours(1), patient_id=b.OTHER_PATIENT_ID),)
    ),
    "secluded on another ward": Ending(
        spell(T0), T0 + hours(5), None, (secluded(T0 + hours(1), ward_id=uuid4()),)
    ),
    "in LTS": Ending(
        spell(T0),
        T0 + hours(5),
        "long-term segregation of this patient",
        (ib.lts_episode(started_at=T0 + hours(1), imha_told_at=T0 + hours(2)),),
    ),
}


@pytest.mark.parametrize("case", ENDINGS.values(), ids=ENDINGS.keys())
def test_ending_a_stay(case: Ending) -> None:
    how = {"transferred_to": case.to, "transfer": case.transfer}
    found = end_of_stay_problem(case.stay, case.left_at, case.episodes, **how)
    if case.problem is None:
        assert found is None
        ended = end_stay(case.stay, case.left_at, case.episodes, **how)
        assert ended.id == case.stay.id
        assert ended.discharged_at == case.left_at
        assert ended.transferred_out is case.transfer
        assert not still_running(case.stay, case.left_at, case.episodes)
    else:
        assert found is not None
        assert case.problem in found
        assert found.startswith(("discharged at:", "transferred to:"))
        with pytest.raises(RuleViolation) as refused:
            end_stay(case.stay, case.left_at, case.episodes, **how)
        assert str(refused.value) == found


def test_ending_a_stay_in_the_future_is_refused_by_the_record() -> None:
    with pytest.raises(InvalidRecord, match="discharged at: must not be in the future"):
        end_stay(spell(T0), datetime.now(UTC) + timedelta(days=2))


def test_a_discharge_drops_a_destination_typed_for_a_transfer() -> None:
    ended = end_stay(spell(T0), T0 + hours(3), transferred_to="Oak PICU", transfer=False)
    assert ended.transferred_to is None


# ----------------------------------------------------------------------- NHS number in use


@pytest.mark.parametrize(
    ("number", "known", "problem"),
    [
        pytest.param(None, [(b.OTHER_PATIENT_ID, b.NHS_NUMBER)], None, id="none given"),
        pytest.param(b.NHS_NUMBER, [], None, id="nobody else"),
        pytest.param(b.NHS_NUMBER, [(b.PATIENT_ID, b.NHS_NUMBER)], None, id="their own"),
        pytest.param(b.NHS_NUMBER, [(b.OTHER_PATIENT_ID, None)], None, id="other has none"),
        pytest.param(
            b.NHS_NUMBER, [(b.OTHER_PATIENT_ID, b.NHS_NUMBER)], NHS_NUMBER_IN_USE, id="taken"
        ),
        pytest.param(
            "999 000 0018", [(b.OTHER_PATIENT_ID, b.NHS_NUMBER)], NHS_NUMBER_IN_USE, id="spaced"
        ),
    ],
)
def test_nhs_number_in_use(
    number: str | None, known: list[tuple[Any, str | None]], problem: str | None
) -> None:
    assert nhs_number_in_use(number, b.PATIENT_ID, known) == problem


# -------------------------------------------------------------------------------- accounts


@pytest.mark.parametrize(
    ("username", "staff", "account_id", "problem"),
    [
        pytest.param("robin.ashdown", b.NURSE, None, None, id="new name"),
        pytest.param("demo.nurse", b.NURSE, None, USERNAME_IN_USE, id="taken"),
        pytest.param(" Demo.Nurse ", b.NURSE, None, USERNAME_IN_USE, id="taken, typed loosely"),
        pytest.param("demo.nurse", b.NURSE, b.NURSE_ACCOUNT.id, None, id="its own name"),
        pytest.param(
            "robin.ashdown",
            b.staff_member(active=False),
            None,
            INACTIVE_STAFF_ACCOUNT,
            id="has left",
        ),
        pytest.param("local.admin", None, None, None, id="no staff member (admin)"),
    ],
)
def test_account_problem(username: str, staff: Any, account_id: Any, problem: str | None) -> None:
    accounts = [b.NURSE_ACCOUNT, b.MANAGER_ACCOUNT, b.ADMIN_ACCOUNT]
    assert account_problem(username, staff, accounts, account_id=account_id) == problem


# ----------------------------------------------------------------- the patient's own items


@pytest.mark.parametrize(
    ("changes", "letters"),
    [
        pytest.param({}, "", id="complete"),
        pytest.param({"nhs_number": None}, "g", id="no NHS number"),
        pytest.param({"mental_disorder": None}, "j", id="disorder unanswered"),
        pytest.param({"mental_disorder": MentalDisorder.not_known()}, "", id="disorder not known"),
        pytest.param({"autism": Answer.NOT_KNOWN}, "l", id="autism not known"),
        pytest.param(
            {"characteristics": ProtectedCharacteristics()}, "k", id="characteristics unanswered"
        ),
        pytest.param(
            {"characteristics": ProtectedCharacteristics.all_not_known()},
            "",
            id="all not known is an answer",
        ),
        pytest.param(
            {"given_name": None, "family_name": None, "date_of_birth": None},
            "ek",
            id="no name, no age",
        ),
    ],
)
def test_missing_patient_items(changes: dict[str, Any], letters: str) -> None:
    patient = b.patient(**changes)
    assert "".join(m.item for m in missing_patient_items(patient)) == letters


def test_no_patient_misses_every_patient_item() -> None:
    assert [m.item for m in missing_patient_items(None)] == list("egjkl")
