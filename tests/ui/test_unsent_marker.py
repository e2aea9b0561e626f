"""Per-record "not yet sent" on the incidents list (issue 7: "per-record 'not yet sent'"), in
words, against a real trust server: marked while only this PC holds the record, unmarked once
the server has acknowledged it; never on a standalone PC, which sends nothing."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from PySide6.QtCore import Qt

from app.models.clock import utc_now
from app.store.keyslots import generate_recovery_key_pair
from app.store.store import Store
from app.ui.incidents.list_model import NOT_YET_SENT, Column, IncidentListModel
from app.ui.incidents.queries import load_rows
from tests.models import builders
from tests.server.harness import PASSWORD, Trust, running_trust
from tests.sync.real_trust import admit, enrol_pc, sync


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust() as running:
        yield running


def _sent_column(store: Store, ward_id: object) -> list[str]:
    model = IncidentListModel()
    model.set_rows(load_rows(store, ward_id, utc_now()))  # type: ignore[arg-type]
    return [
        str(model.index(row, Column.SENT).data(Qt.ItemDataRole.DisplayRole))
        for row in range(model.rowCount())
    ]


def test_a_record_is_marked_not_yet_sent_until_the_server_acknowledges_it(
    trust: Trust, tmp_path: Path
) -> None:
    ward = trust.ward()
    with enrol_pc(trust, ward, tmp_path / "pc") as store:
        patient = admit(store, ward, "Testperson")
        started = utc_now() - timedelta(hours=1)
        store.save(
            builders.empty_draft(
                id=uuid4(), patient_id=patient.id, ward_id=ward.id, started_at=started
            )
        )
        assert _sent_column(store, ward.id) == [NOT_YET_SENT]
        assert sync(store).not_yet_sent == 0
        assert _sent_column(store, ward.id) == [""]


def test_a_standalone_pc_marks_nothing(tmp_path: Path) -> None:
    ward = builders.ward()
    with Store.create(
        tmp_path / "pc",
        username="local.admin",
        password=PASSWORD,
        recovery_public_key_pem=generate_recovery_key_pair()[1],
        populate=lambda tx: tx.save(ward),
    ) as store:
        patient = builders.patient(id=uuid4(), ward_id=ward.id)
        store.save(patient)
        store.save(builders.empty_draft(id=uuid4(), patient_id=patient.id, ward_id=ward.id))
        assert _sent_column(store, ward.id) == [""]
