"""The ward client's own transport (app/sync/transport.py) against the real server: every
answer it gets is one it understands, and refusals arrive as its typed errors."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from app.models.clock import utc_now
from app.models.revision import Revision, RevisionAction
from app.sync.errors import ClockSkewRefused, CredentialRefused
from app.sync.transport import Transport
from app.sync.wire import AuditHead, CheckRequest, ErrorCode
from tests.models import builders as b
from tests.server.harness import PASSWORD, Trust


def test_enrol_sign_in_push_pull_and_check_through_the_client_transport(trust: Trust) -> None:
    ward = trust.ward()
    username = trust.account(ward)
    with Transport(trust.url) as anonymous:
        enrolled = anonymous.enrol(trust.code(ward).lower(), "Transport PC")
    assert enrolled.ward.ward_id == ward.id
    with Transport(trust.url, token=enrolled.device_token) as device:
        person = device.sign_in(username, PASSWORD)
        assert person.username == username
        assert device.device().device_id == enrolled.device_id
        patient = b.patient(id=uuid4(), ward_id=ward.id)
        revision = Revision.of(
            patient, action=RevisionAction.CREATE, parents=(), author=username, device_id=uuid4()
        )
        pushed = device.push([revision])
        assert pushed.acknowledged == [revision.revision_id]
        page = device.pull(0)
        # The ward, the nurse's staff record and account (published by the trust), then hers.
        assert [p.revision.kind for p in page.revisions[:3]] == [
            "ward",
            "staff_member",
            "user_account",
        ]
        assert [p.revision for p in page.revisions[3:]] == [revision]
        check = device.check(
            CheckRequest(
                cursor=page.next_cursor,
                revisions_held=4,
                audit_head=AuditHead(seq=3, hash="e" * 64),
            )
        )
        assert check.matches
        with pytest.raises(CredentialRefused) as refused:
            device.sign_in(username, "wrong password entirely")
        assert refused.value.code is ErrorCode.SIGN_IN_FAILED
    skewed = Transport(
        trust.url, token=enrolled.device_token, clock=lambda: utc_now() + timedelta(hours=1)
    )
    with skewed, pytest.raises(ClockSkewRefused):
        skewed.pull(0)
