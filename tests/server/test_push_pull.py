"""Push and pull: idempotent by revision id, a hash that does not match refused, pages after a
cursor, and a device receiving only its own ward's records plus the trust-wide ones (issue 7
"Protocol"; docs/server.md "Routing")."""

from uuid import uuid4

import pytest
from sqlalchemy import func, select

from app.models.people import AccessRole
from app.models.revision import RevisionAction
from app.sync.wire import ErrorCode, PullResponse, PushResponse
from server.tables_sync import RequestAuditRow, RevisionRow
from tests.models import builders as b
from tests.server.harness import Device, Trust


def _pushed(device: Device, *revisions: object) -> PushResponse:
    answer = device.push(*revisions)  # type: ignore[arg-type]
    assert answer.status_code == 200, answer.text
    return PushResponse.model_validate_json(answer.content)


def _held(trust: Trust, revision_id: object) -> int:
    with trust.sessions() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(RevisionRow)
                .where(RevisionRow.revision_id == revision_id)
            )
            or 0
        )


def test_a_push_sent_twice_is_held_once_and_acknowledged_both_times(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    revision = device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse)
    first = _pushed(device, revision)
    again = _pushed(device, revision)
    assert first.acknowledged == [revision.revision_id]
    assert again.acknowledged == [revision.revision_id]
    assert not first.refused
    assert not again.refused
    assert _held(trust, revision.revision_id) == 1
    with trust.sessions() as session:
        details = session.scalars(
            select(RequestAuditRow.detail)
            .where(RequestAuditRow.device_id == device.device_id)
            .where(RequestAuditRow.method == "POST", RequestAuditRow.endpoint == "/v1/revisions")
            .order_by(RequestAuditRow.id)
        ).all()
    assert details == [
        "acknowledged=1 new=1 refused=0",
        "acknowledged=1 new=0 refused=0",
    ]


def test_a_hash_that_does_not_match_is_refused_and_the_rest_is_taken(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    good = device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse)
    changed = device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse)
    changed = changed.model_copy(update={"payload": changed.payload.replace("Morgan", "Morgen")})
    answer = _pushed(device, changed, good)
    assert answer.acknowledged == [good.revision_id]
    assert [(r.revision_id, r.code) for r in answer.refused] == [
        (changed.revision_id, ErrorCode.INVALID)
    ]
    assert "hash" in answer.refused[0].message
    assert "Morg" not in answer.refused[0].message
    assert _held(trust, changed.revision_id) == 0


def test_the_same_id_with_other_content_is_refused_as_a_conflict(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    patient = b.patient(id=uuid4(), ward_id=ward.id)
    original = device.revision(patient, nurse)
    _pushed(device, original)
    impostor = device.revision(patient.model_copy(update={"given_name": "Riley"}), nurse)
    impostor = impostor.model_copy(update={"revision_id": original.revision_id})
    impostor = impostor.model_copy(update={"content_hash": impostor.computed_hash()})
    answer = _pushed(device, impostor)
    assert answer.acknowledged == []
    assert answer.refused[0].code is ErrorCode.CONFLICT
    with trust.sessions() as session:
        kept = session.scalar(
            select(RevisionRow.content_hash).where(RevisionRow.revision_id == original.revision_id)
        )
    assert kept == original.content_hash


def test_pull_pages_after_the_cursor(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    other, _ = trust.signed_in_device(ward)
    published = other.pull_all()  # the ward and the accounts, published by the trust
    assert {r["revision"]["kind"] for r in published} == {"ward", "staff_member", "user_account"}
    revisions = [device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse) for _ in range(25)]
    assert len(_pushed(device, *revisions).acknowledged) == 25
    pages, after = [], published[-1]["seq"]
    while True:
        answer = other.pull(after, limit=10)
        assert answer.status_code == 200
        page = PullResponse.model_validate_json(answer.content)
        pages.append(page)
        if page.revisions:
            assert page.next_cursor == page.revisions[-1].seq
            assert all(p.seq > after for p in page.revisions)
        after = page.next_cursor
        if not page.more:
            break
    assert [len(p.revisions) for p in pages] == [10, 10, 5]
    pulled = [p.revision.revision_id for page in pages for p in page.revisions]
    assert pulled == [r.revision_id for r in revisions]  # oldest first, each once
    seqs = [p.seq for page in pages for p in page.revisions]
    assert seqs == sorted(seqs)
    nothing = PullResponse.model_validate_json(other.pull(after).content)
    assert nothing.revisions == []
    assert nothing.next_cursor == after
    assert not nothing.more
    assert all(r.hash_is_valid() for r in (p.revision for page in pages for p in page.revisions))


def test_pulls_are_audited_with_the_records_sent(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    revision = device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse)
    _pushed(device, revision)
    device.pull()
    with trust.sessions() as session:
        rows = session.scalars(
            select(RequestAuditRow).where(RequestAuditRow.device_id == device.device_id)
        ).all()
    by_endpoint = {(r.method, r.endpoint): r for r in rows}
    assert str(revision.record_id) in by_endpoint[("GET", "/v1/revisions")].record_ids
    assert str(revision.record_id) in by_endpoint[("POST", "/v1/revisions")].record_ids
    assert all("Morgan" not in (r.detail or "") for r in rows)


def test_a_ward_a_device_never_sees_ward_b(trust: Trust) -> None:
    ward_a, ward_b = trust.ward(), trust.ward()
    device_a, nurse_a = trust.signed_in_device(ward_a)
    device_b, nurse_b = trust.signed_in_device(ward_b)
    it_b = trust.signed_in_on(device_b, ward_b, AccessRole.ADMIN)  # keeps the staff list
    in_a = device_a.revision(b.patient(id=uuid4(), ward_id=ward_a.id), nurse_a)
    in_b = device_b.revision(b.patient(id=uuid4(), ward_id=ward_b.id), nurse_b)
    staff_b = b.staff_member(id=uuid4(), ward_id=ward_b.id)
    trust_wide = b.staff_member(id=uuid4(), ward_id=None)  # works across wards
    _pushed(device_a, in_a)
    pushed_b = _pushed(
        device_b, in_b, device_b.revision(staff_b, it_b), device_b.revision(trust_wide, it_b)
    )
    assert len(pushed_b.acknowledged) == 3
    seen_by_a = {r["revision"]["record_id"] for r in device_a.pull_all()}
    # Its own ward's record and every account, published by the trust, come too.
    assert seen_by_a >= {str(in_a.record_id), str(trust_wide.id), str(ward_a.id)}
    assert not seen_by_a & {str(in_b.record_id), str(staff_b.id), str(ward_b.id)}
    seen_by_b = {r["revision"]["record_id"] for r in device_b.pull_all()}
    assert {str(in_b.record_id), str(staff_b.id), str(trust_wide.id), str(ward_b.id)} <= seen_by_b
    assert str(in_a.record_id) not in seen_by_b


def test_a_ward_a_device_cannot_push_ward_b_records(trust: Trust) -> None:
    ward_a, ward_b = trust.ward(), trust.ward()
    device_a, nurse_a = trust.signed_in_device(ward_a)
    it_a = trust.signed_in_on(device_a, ward_a, AccessRole.ADMIN)
    patient_b = device_a.revision(b.patient(id=uuid4(), ward_id=ward_b.id), nurse_a)
    staff_b = device_a.revision(b.staff_member(id=uuid4(), ward_id=ward_b.id), it_a)
    answer = _pushed(device_a, patient_b, staff_b)
    assert answer.acknowledged == []
    assert {r.code for r in answer.refused} == {ErrorCode.FORBIDDEN}
    assert all("another ward" in r.message for r in answer.refused)
    assert _held(trust, patient_b.revision_id) == 0


def test_wards_and_accounts_are_never_taken_from_a_ward_pc(trust: Trust) -> None:
    ward = trust.ward()
    device, it = trust.signed_in_device(ward, AccessRole.ADMIN)
    staff = b.staff_member(id=uuid4(), ward_id=ward.id)
    made_here = (
        device.revision(b.account(staff, id=uuid4(), username="made.here"), it),
        device.revision(b.ward(id=ward.id), it),
        device.revision(b.ward(id=uuid4()), it),
    )
    answer = _pushed(device, *made_here)
    assert answer.acknowledged == []
    assert len(answer.refused) == 3
    assert all(r.code is ErrorCode.FORBIDDEN for r in answer.refused)
    assert all("managed at the trust server" in r.message for r in answer.refused)


@pytest.mark.parametrize(
    ("role", "record", "right"),
    [
        (AccessRole.ADMIN, "patient", "record"),  # trust IT makes no clinical record
        (AccessRole.NURSE, "staff", "manage accounts"),  # the staff list is trust IT's
        (AccessRole.WARD_MANAGER, "staff", "manage accounts"),
    ],
)
def test_each_kind_of_record_takes_its_right(
    trust: Trust, role: AccessRole, record: str, right: str
) -> None:
    ward = trust.ward()
    device, author = trust.signed_in_device(ward, role)
    made = (
        b.patient(id=uuid4(), ward_id=ward.id)
        if record == "patient"
        else b.staff_member(id=uuid4(), ward_id=ward.id)
    )
    answer = _pushed(device, device.revision(made, author))
    assert answer.acknowledged == []
    assert answer.refused[0].code is ErrorCode.FORBIDDEN
    assert f"({right})" in answer.refused[0].message


def test_an_author_not_vouched_for_on_the_device_is_refused(trust: Trust) -> None:
    ward = trust.ward()
    device, _nurse = trust.signed_in_device(ward)
    colleague = trust.account(ward)  # has an account, never signed in on this PC
    claimed = device.revision(b.patient(id=uuid4(), ward_id=ward.id), colleague)
    invented = device.revision(b.patient(id=uuid4(), ward_id=ward.id), "nobody.here")
    answer = _pushed(device, claimed, invented)
    assert answer.acknowledged == []
    assert [r.code for r in answer.refused] == [ErrorCode.FORBIDDEN, ErrorCode.FORBIDDEN]
    assert "not signed in on this PC" in answer.refused[0].message


def test_a_nurse_cannot_sign_off_and_a_ward_manager_can(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    manager = trust.account(ward, AccessRole.WARD_MANAGER)
    assert device.sign_in(manager).status_code == 200
    submitted = b.submitted_incident(id=uuid4(), ward_id=ward.id)
    created = device.revision(submitted, nurse)
    _pushed(device, created)
    signed = b.signed_off_incident(id=submitted.id, ward_id=ward.id)
    by_nurse = device.revision(
        signed, nurse, action=RevisionAction.EDIT, parents=(created.revision_id,)
    )
    refused = _pushed(device, by_nurse)
    assert refused.acknowledged == []
    assert refused.refused[0].code is ErrorCode.FORBIDDEN
    assert "sign off" in refused.refused[0].message
    by_manager = device.revision(
        signed, manager, action=RevisionAction.EDIT, parents=(created.revision_id,)
    )
    assert _pushed(device, by_manager).acknowledged == [by_manager.revision_id]
    # Created already signed off, with no earlier version: the right is asked for too.
    born_signed = device.revision(b.signed_off_incident(id=uuid4(), ward_id=ward.id), nurse)
    assert _pushed(device, born_signed).refused[0].code is ErrorCode.FORBIDDEN


def test_a_nurse_cannot_resolve_a_conflict(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    patient = b.patient(id=uuid4(), ward_id=ward.id)
    created = device.revision(patient, nurse)
    left = device.revision(
        patient.model_copy(update={"local_identifier": "L"}),
        nurse,
        action=RevisionAction.EDIT,
        parents=(created.revision_id,),
    )
    right = device.revision(
        patient.model_copy(update={"local_identifier": "R"}),
        nurse,
        action=RevisionAction.EDIT,
        parents=(created.revision_id,),
    )
    assert len(_pushed(device, created, left, right).acknowledged) == 3  # a conflict is kept
    resolution = device.revision(
        patient,
        nurse,
        action=RevisionAction.RESOLVE,
        parents=(left.revision_id, right.revision_id),
    )
    assert _pushed(device, resolution).refused[0].code is ErrorCode.FORBIDDEN


def test_a_batch_over_the_limit_is_refused_whole(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    revisions = [device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse) for _ in range(501)]
    answer = device.push(*revisions)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "revisions"
