"""Item (h): every member of staff who used force is named once, whether or not they are on
the staff list (a bank or agency nurse is named by name and job title)."""

import pytest

from app.models.errors import InvalidRecord
from app.models.incident import UseOfForceIncident, already_named
from app.models.refs import ClinicalRole, PersonRef
from tests.models import builders as b

AGENCY = PersonRef(
    name="Jo Bloggs", job_title="Agency staff nurse", role=ClinicalRole.REGISTERED_NURSE
)


@pytest.mark.parametrize(
    ("person", "named"),
    [
        pytest.param(b.NURSE.as_person_ref(), True, id="same_staff_id"),
        pytest.param(
            b.NURSE.as_person_ref().model_copy(update={"job_title": "Charge nurse"}),
            True,
            id="same_staff_id_other_title",
        ),
        pytest.param(
            PersonRef(name="jo  BLOGGS", job_title="agency staff nurse", role=ClinicalRole.OTHER),
            True,
            id="not_on_list_same_name_and_title",
        ),
        pytest.param(
            PersonRef(
                name="Jo Bloggs", job_title="Bank healthcare assistant", role=ClinicalRole.OTHER
            ),
            False,
            id="not_on_list_other_title",
        ),
        pytest.param(
            PersonRef(name=b.NURSE.name, job_title=b.NURSE.job_title, role=b.NURSE.role),
            False,
            id="namesake_not_on_list",
        ),
    ],
)
def test_already_named(person: PersonRef, named: bool) -> None:
    assert already_named((b.NURSE.as_person_ref(), AGENCY), person) is named


def test_a_record_names_someone_not_on_the_list_once() -> None:
    assert b.incident(staff_involved=(AGENCY,)).staff_involved == (AGENCY,)
    twice = AGENCY.model_copy(update={"name": "JO BLOGGS"})
    with pytest.raises(InvalidRecord, match="staff involved: names the same member of staff twice"):
        UseOfForceIncident.build(**b.incident_data(staff_involved=(AGENCY, twice)))
