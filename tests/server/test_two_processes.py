"""Two server processes on one PostgreSQL database (issue 7: "the server keeps no state in its
processes"; "two server processes on one database … no duplicate"): started together (their
migrations take turns), the same revisions pushed through both at once are held once, in one
sequence, and both serve the same pages."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from app.models.people import AccessRole
from app.sync.wire import PushResponse
from server import admin
from server.db import make_engine, session_factory
from server.settings import ServerSettings
from server.tables_sync import RevisionRow
from tests.models import builders as b
from tests.postgres import fresh_database
from tests.server.harness import (
    Device,
    Trust,
    free_port,
    recovery_public_key_pem,
    served_process,
)


@contextmanager
def _server_process(database_url: str) -> Iterator[str]:
    """``rpr-server serve`` in its own process; yields its URL once it accepts requests."""
    port = free_port()
    with served_process("--port", str(port), env={"RPR_SERVER_DATABASE_URL": database_url}):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def two_servers() -> Iterator[tuple[Trust, Trust]]:
    with fresh_database("rpr_server_two") as url, ExitStack() as stack:
        with ThreadPoolExecutor(2) as pool:  # both start (and migrate) at the same moment
            starting = [pool.submit(stack.enter_context, _server_process(url)) for _ in range(2)]
            urls = [f.result() for f in starting]
        engine = make_engine(url)
        stack.callback(engine.dispose)
        sessions = session_factory(engine)
        with sessions() as session:
            admin.init_trust(session, "Two-process Trust", recovery_public_key_pem())
            session.commit()
        settings = ServerSettings(database_url=url)
        yield Trust(urls[0], url, sessions, settings), Trust(urls[1], url, sessions, settings)


def _through(device: Device, url: str) -> Device:
    return Device(url, device.device_id, device.token, device.ward_id, device.store_id)


def test_the_same_revisions_pushed_through_both_at_once_are_held_once(
    two_servers: tuple[Trust, Trust],
) -> None:
    first, second = two_servers
    ward = first.ward()
    device, nurse = first.signed_in_device(ward)
    revisions = [device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse) for _ in range(400)]
    batches = [revisions[i : i + 100] for i in range(0, len(revisions), 100)]
    routes = [_through(device, first.url), _through(device, second.url)]

    def push(job: tuple[int, int]) -> PushResponse:
        batch, server = job
        answer = routes[server].push(*batches[batch])
        assert answer.status_code == 200, answer.text
        return PushResponse.model_validate_json(answer.content)

    jobs = [(batch, server) for batch in range(len(batches)) for server in (0, 1) for _ in range(2)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(push, jobs))
    for (batch, _server), answer in zip(jobs, answers, strict=True):
        assert answer.refused == [], answer.refused[:2]
        assert answer.acknowledged == [r.revision_id for r in batches[batch]]
        assert answer.refused == []
    ids = [r.revision_id for r in revisions]
    with first.sessions() as session:
        held = session.scalar(
            select(func.count()).select_from(RevisionRow).where(RevisionRow.revision_id.in_(ids))
        )
        distinct_seqs = session.scalar(
            select(func.count(func.distinct(RevisionRow.seq))).where(
                RevisionRow.revision_id.in_(ids)
            )
        )
    assert held == distinct_seqs == len(revisions)
    pulled = [[p["revision"]["revision_id"] for p in route.pull_made_on_pcs()] for route in routes]
    assert pulled[0] == pulled[1]
    assert sorted(pulled[0]) == sorted(str(i) for i in ids)


def test_devices_spread_across_both_see_each_others_work(two_servers: tuple[Trust, Trust]) -> None:
    first, second = two_servers
    ward = first.ward()
    one, nurse_one = first.signed_in_device(ward)
    other = _through(second.device(ward), second.url)
    nurse_two = second.account(ward, AccessRole.NURSE)
    assert other.sign_in(nurse_two).status_code == 200
    made_on_one = [
        one.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse_one) for _ in range(20)
    ]
    made_on_other = [
        other.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse_two) for _ in range(20)
    ]
    with ThreadPoolExecutor(2) as pool:
        pushed = list(
            pool.map(lambda job: job[0].push(*job[1]), [(one, made_on_one), (other, made_on_other)])
        )
    assert all(answer.status_code == 200 for answer in pushed)
    everything = {str(r.revision_id) for r in made_on_one + made_on_other}
    for device in (one, other):
        assert {p["revision"]["revision_id"] for p in device.pull_made_on_pcs()} == everything
