"""Steps of the statements screen tests: an incident naming the signed-in nurse, submitted
an hour ago by a colleague, so an account of their part is owed."""

from datetime import timedelta

from pytestqt.qtbot import QtBot

from app.models.completeness import missing_items
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.incident_workflow import submit
from app.models.patient import Patient
from app.models.people import StaffMember
from app.store.store import Store
from app.ui.context import ScreenContext
from tests.ui.incident_steps import on_worker


def name_me_on_a_new_incident(qtbot: QtBot, ctx: ScreenContext) -> UseOfForceIncident:
    """A colleague's complete record, submitted an hour ago, naming the signed-in nurse."""
    staff = ctx.facts.staff
    account = ctx.facts.account
    assert staff is not None
    assert account is not None
    now = ctx.now()

    def work(store: Store) -> UseOfForceIncident:
        with store.read() as reader:
            signed = (
                (i, reader.get(Patient, i.patient_id))
                for i in reader.find(UseOfForceIncident, ward_id=ctx.ward_id, newest_first=True)
                if i.status is IncidentStatus.SIGNED_OFF
            )
            template, patient = next((i, p) for i, p in signed if not missing_items(i, p))
            dev = next(m for m in reader.find(StaffMember) if m.name == "Dev Chauhan")
        shift = now - timedelta(hours=2) - template.started_at
        uses = tuple(
            u.model_copy(
                update={
                    "started_at": u.started_at + shift,
                    "ended_at": None if u.ended_at is None else u.ended_at + shift,
                    "rapid_tranquillisation": None
                    if u.rapid_tranquillisation is None
                    else u.rapid_tranquillisation.model_copy(
                        update={"given_at": u.rapid_tranquillisation.given_at + shift}
                    ),
                }
            )
            for u in template.force_uses
        )
        draft = UseOfForceIncident.model_validate(
            template.model_dump(
                exclude={"id", "status", "submitted_by", "submitted_at", "signed_off_by"}
                | {"signed_off_at", "returns", "force_uses", "started_at", "ended_at"}
            )
            | {
                "started_at": template.started_at + shift,
                "ended_at": None if template.ended_at is None else template.ended_at + shift,
                "force_uses": uses,
                "staff_involved": (staff.as_person_ref(), dev.as_person_ref()),
            }
        )
        done = submit(
            draft,
            patient,
            account=account,
            submitter=staff.as_person_ref(),
            at=now - timedelta(hours=1),
        )
        store.save(done)
        return done

    return on_worker(qtbot, ctx, work)
