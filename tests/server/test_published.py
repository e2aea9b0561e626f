"""What the trust server publishes itself: its wards, the accounts trust IT adds and their staff
records reach the ward PCs as revisions, each change a new revision; a deactivated account
signs in nowhere (issue 7 "Sign-in and permissions"; server/publish.py)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID, uuid4

import pytest
from alembic import command
from sqlalchemy import select, text

from app.models.errors import UserFacingError
from app.models.people import AccessRole, StaffMember, UserAccount, Ward, sign_in_problem
from app.models.refs import ClinicalRole
from app.models.revision import RevisionAction
from app.store.store import Store
from app.sync.wire import ErrorCode
from server import admin
from server.db import make_engine, session_factory
from server.migrate import _config, upgrade
from server.publish import PUBLISHER
from server.tables import TrustRow, WardRow
from server.tables_sync import RevisionRow
from tests.server.harness import PASSWORD, Trust, recovery_public_key_pem
from tests.sync.real_trust import enrol_pc, sync


def _published(trust: Trust, record_id: UUID) -> list[RevisionRow]:
    with trust.sessions() as session:
        return list(
            session.scalars(
                select(RevisionRow)
                .where(RevisionRow.record_id == record_id)
                .order_by(RevisionRow.seq)
            )
        )


def _account_id(trust: Trust, username: str) -> UUID:
    return trust._admin(lambda s: admin.find_account(s, username).id)  # type: ignore[no-any-return]


def test_a_ward_change_is_a_new_revision_its_pcs_receive(trust: Trust, tmp_path: Path) -> None:
    ward = trust.ward()
    pc = enrol_pc(trust, ward, tmp_path / "pc")
    try:
        assert pc.get(Ward, ward.id) == Ward(
            id=ward.id, name=ward.name, code=ward.code, number_of_beds=18, site="Test site"
        )
        trust._admin(
            lambda s: admin.change_ward(s, s.get(WardRow, ward.id), beds=20, site="New site")
        )
        revisions = _published(trust, ward.id)
        assert [r.action for r in revisions] == ["create", "edit"]
        assert revisions[1].parents == [str(revisions[0].revision_id)]
        assert {r.author for r in revisions} == {PUBLISHER}
        assert {r.pushed_by for r in revisions} == {None}
        assert sync(pc).received == 1
        changed = pc.get(Ward, ward.id)
        assert changed is not None
        assert (changed.number_of_beds, changed.site, changed.name) == (20, "New site", ward.name)
    finally:
        pc.close()


def test_an_account_change_reaches_the_pc_and_deactivation_stops_sign_in(
    trust: Trust, tmp_path: Path
) -> None:
    ward = trust.ward()
    pc = enrol_pc(trust, ward, tmp_path / "pc")
    try:
        nurse = pc.actor
        account_id = _account_id(trust, nurse)
        account = pc.get(UserAccount, account_id)
        assert account is not None
        assert (account.username, account.access_role, account.active) == (
            nurse,
            AccessRole.NURSE,
            True,
        )
        staff = pc.get(StaffMember, account.staff_id)  # type: ignore[arg-type]
        assert staff is not None
        assert (staff.job_title, staff.role, staff.ward_id) == (
            "Staff nurse",
            ClinicalRole.REGISTERED_NURSE,
            ward.id,
        )

        def promote(session: object) -> None:
            admin.change_account(
                session,  # type: ignore[arg-type]
                admin.find_account(session, nurse),  # type: ignore[arg-type]
                role=AccessRole.WARD_MANAGER,
            )

        trust._admin(promote)
        sync(pc)
        promoted = pc.get(UserAccount, account_id)
        assert promoted is not None
        assert promoted.access_role is AccessRole.WARD_MANAGER

        def deactivate(session: object) -> None:
            admin.change_account(
                session,  # type: ignore[arg-type]
                admin.find_account(session, nurse),  # type: ignore[arg-type]
                active=False,
            )

        trust._admin(deactivate)
        device = trust.device(ward)
        refused = device.sign_in(nurse)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == ErrorCode.FORBIDDEN
        assert "deactivated" in refused.json()["error"]["message"]
        wrong = device.sign_in(nurse, "not the password at all")
        assert wrong.status_code == 401  # a guesser learns nothing about the account
        # On the PC, once synced, the account cannot sign in even offline.
        sync(pc)
        deactivated = pc.get(UserAccount, account_id)
        assert sign_in_problem(deactivated) is not None
        versions = _published(trust, account_id)
        assert [r.action for r in versions] == ["create", "edit", "edit"]
    finally:
        pc.close()


def test_a_change_that_changes_nothing_publishes_nothing(trust: Trust) -> None:
    ward = trust.ward()
    nurse = trust.account(ward)

    def same_role(session: object) -> None:
        admin.change_account(
            session,  # type: ignore[arg-type]
            admin.find_account(session, nurse),  # type: ignore[arg-type]
            role=AccessRole.NURSE,
            active=True,
        )

    trust._admin(same_role)
    assert len(_published(trust, _account_id(trust, nurse))) == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"code": "ash 1"}, "code: must be 1 to 20 upper-case letters"),
        ({"beds": 0}, "beds: is too small"),
        ({"site": ""}, "site: must not be empty"),
    ],
)
def test_a_bad_ward_is_refused_naming_the_option(
    trust: Trust, values: dict[str, object], message: str
) -> None:
    given: dict[str, object] = {"code": "ASH-9", "beds": 12, "site": "Elm"} | values
    with pytest.raises(UserFacingError, match=message):
        trust._admin(lambda s: admin.add_ward(s, f"Ward {uuid4().hex[:6]}", **given))


def test_a_clinical_account_needs_its_staff_member(trust: Trust) -> None:
    ward = trust.ward()

    def without(**more: object) -> None:
        trust._admin(
            lambda s: admin.add_account(
                s,
                username=f"new.{uuid4().hex[:6]}",
                display_name="New Person",
                role=AccessRole.NURSE,
                ward=s.get(WardRow, ward.id),
                password=PASSWORD,
                **more,  # type: ignore[arg-type]
            )
        )

    with pytest.raises(UserFacingError, match="job-title, clinical-role"):
        without()
    with pytest.raises(UserFacingError, match="staff-id: the trust holds no staff member"):
        without(staff_id=uuid4())
    with pytest.raises(UserFacingError, match="job-title: must not be empty"):
        without(job_title="", clinical_role=ClinicalRole.REGISTERED_NURSE)


def test_an_older_database_is_upgraded_and_its_wards_published_once_completed(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    engine = make_engine(url)
    try:
        config = _config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")  # the first server's schema
            connection.execute(
                text(
                    "INSERT INTO trust (id, name, recovery_public_key_pem, created_at) "
                    "VALUES (1, 'Old Trust', :pem, '2026-11-01 00:00:00.000000')"
                ),
                {"pem": recovery_public_key_pem()},
            )
            connection.execute(
                text(
                    "INSERT INTO ward (id, name, created_at) "
                    "VALUES ('0f2f3b7c58c14f5e9d4b2c3a1e0d9c8b', 'Old Ward', "
                    "'2026-11-01 00:00:00.000000')"
                )
            )
            connection.commit()
        upgrade(engine)
        with session_factory(engine)() as session:
            trust = session.scalar(select(TrustRow))
            assert trust is not None
            assert trust.publisher_id is not None
            ward = admin.find_ward(session, "Old Ward")
            assert ward.code is None  # not published until trust IT completes it
            with pytest.raises(UserFacingError, match="code, beds, site: a ward needs them"):
                admin.change_ward(session, ward, name="Old Ward")
            admin.change_ward(session, ward, code="OLD-1", beds=10, site="Old Site")
            session.commit()
            published = session.scalars(
                select(RevisionRow).where(RevisionRow.record_id == ward.id)
            ).all()
            assert [(r.kind, r.action, r.pushed_by) for r in published] == [
                ("ward", RevisionAction.CREATE.value, None)
            ]
    finally:
        engine.dispose()


def test_pcs_open_with_what_was_published(trust: Trust, tmp_path: Path) -> None:
    """A store made at enrolment opens with its ward and its person's account in it."""
    ward = trust.ward()
    pc = enrol_pc(trust, ward, tmp_path / "pc")
    nurse = pc.actor
    pc.close()
    with Store.open(tmp_path / "pc", nurse, PASSWORD) as store:
        assert store.get(Ward, ward.id) is not None
