"""The trust side of the sync benchmarks: a throwaway PostgreSQL database with a trust, wards,
accounts and enrolled PCs; ``rpr-server serve`` processes on it; and many simulated ward PCs
syncing at once over real HTTP (asyncio + httpx).

Set-up is not timed. The load PCs are enrolled by writing their device rows straight into the
database (what ``POST /enrol`` and ``POST /sign-in`` leave behind: a device with a token hash,
bound to an account of its ward), because 500 Argon2id sign-ins would take minutes and are not
what is measured; the PCs used for the 20,000-revision runs enrol and sign in through the API.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy.orm import Session, sessionmaker

from app.models.clock import utc_now
from app.models.people import AccessRole
from app.models.refs import ClinicalRole
from app.models.revision import Revision, RevisionAction
from app.sync.wire import API_PREFIX, DEVICE_TIME_HEADER
from bench.common import percentile
from server import admin
from server.credentials import sha256_hex
from server.db import make_engine, session_factory
from server.tables import AccountRow, DeviceAccountRow, DeviceRow, WardRow
from tests.models.builders import patient
from tests.server.harness import (
    PASSWORD,
    free_port,
    migrated_database,
    recovery_public_key_pem,
    served_process,
)

#: Revisions each simulated PC pushes in one sync.
PUSHED_PER_SYNC = 3


@dataclass
class TrustDb:
    """A migrated, initialised trust database and a way to set it up."""

    url: str
    sessions: sessionmaker[Session]

    def admin(self, work: Any) -> Any:
        with self.sessions() as session:
            result = work(session)
            session.commit()
            return result

    def ward(self) -> WardRow:
        tag = uuid4().hex[:8]
        return self.admin(
            lambda s: admin.add_ward(
                s, f"Bench ward {tag}", code=f"B-{tag.upper()}", beds=20, site="Bench site"
            )
        )

    def account(self, ward: WardRow) -> str:
        name = f"nurse.{uuid4().hex[:8]}"
        self.admin(
            lambda s: admin.add_account(
                s,
                username=name,
                display_name="Bench Nurse",
                role=AccessRole.NURSE,
                ward=s.get(WardRow, ward.id),
                password=PASSWORD,
                job_title="Staff nurse",
                clinical_role=ClinicalRole.REGISTERED_NURSE,
            )
        )
        return name

    def code(self, ward: WardRow) -> str:
        return self.admin(lambda s: admin.issue_code(s, s.get(WardRow, ward.id), 24)[0])


@contextmanager
def trust_database() -> Iterator[TrustDb]:
    """A fresh database (dropped afterwards) holding an initialised trust."""
    with migrated_database("rpr_bench_sync") as url:
        engine = make_engine(url)
        try:
            trust = TrustDb(url, session_factory(engine))
            trust.admin(lambda s: admin.init_trust(s, "Bench Trust", recovery_public_key_pem()))
            yield trust
        finally:
            engine.dispose()


@contextmanager
def servers(trust: TrustDb, count: int) -> Iterator[list[str]]:
    """``count`` ``rpr-server serve`` processes on ``trust``'s database; their base URLs."""
    with ExitStack() as stack:
        urls = []
        for _ in range(count):
            port = free_port()
            stack.enter_context(
                served_process("--port", str(port), env={"RPR_SERVER_DATABASE_URL": trust.url})
            )
            urls.append(f"http://127.0.0.1:{port}")
        yield urls


@dataclass
class LoadPc:
    """A simulated ward PC: its credential, its author, what it has pulled."""

    device_id: UUID
    token: str
    ward_id: UUID
    author: str
    store_id: UUID = field(default_factory=uuid4)
    cursor: int = 0
    held: int = 0
    syncs: int = 0


def enrol_load_pcs(trust: TrustDb, count: int, wards: int) -> list[LoadPc]:
    """``count`` PCs spread over ``wards`` new wards, each bound to its ward's nurse."""
    made = [trust.ward() for _ in range(wards)]
    nurses = {w.id: trust.account(w) for w in made}
    pcs: list[LoadPc] = []
    with trust.sessions() as session:
        accounts = {
            a.username: a.id
            for a in session.query(AccountRow).filter(AccountRow.username.in_(nurses.values()))
        }
        now = utc_now()
        for n in range(count):
            ward = made[n % wards]
            token = secrets.token_urlsafe(32)
            pc = LoadPc(uuid4(), token, ward.id, nurses[ward.id])
            session.add(
                DeviceRow(
                    id=pc.device_id,
                    name=f"Load PC {n}",
                    ward_id=ward.id,
                    token_hash=sha256_hex(token),
                    enrolled_at=now,
                )
            )
            session.flush()
            session.add(
                DeviceAccountRow(
                    device_id=pc.device_id,
                    account_id=accounts[pc.author],
                    first_signed_in_at=now,
                    last_signed_in_at=now,
                )
            )
            pcs.append(pc)
        session.commit()
    return pcs


def _push_body(pc: LoadPc) -> bytes:
    revisions = [
        Revision.of(
            patient(id=uuid4(), ward_id=pc.ward_id, local_identifier=f"L{n}"),
            action=RevisionAction.CREATE,
            parents=(),
            author=pc.author,
            device_id=pc.store_id,
        )
        for n in range(PUSHED_PER_SYNC)
    ]
    body = '{"revisions":[' + ",".join(r.model_dump_json() for r in revisions) + "]}"
    return body.encode()


@dataclass
class LoadResult:
    """One round of simultaneous syncs."""

    pcs: int
    servers: int
    request_ms: list[float]
    sync_ms: list[float]
    errors: int
    wall_s: float
    error_kinds: dict[str, int]
    #: ``request_ms`` split: pushes (inserts take turns at the trust: server.db), the rest.
    push_ms: list[float] = field(default_factory=list)
    other_ms: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.request_ms)

    def p(self, values: list[float], q: float) -> float:
        return percentile(values, q)


async def _one_sync(
    pc: LoadPc, url: str, body: bytes, start: asyncio.Event, out: LoadResult
) -> None:
    def headers() -> dict[str, str]:
        return {
            "Authorization": f"Bearer {pc.token}",
            DEVICE_TIME_HEADER: utc_now().isoformat(),
            "Content-Type": "application/json",
        }

    async def call(method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        began = time.perf_counter()
        try:
            answer = await client.request(method, path, headers=headers(), **kwargs)
        except httpx.HTTPError as exc:
            out.errors += 1
            out.error_kinds[type(exc).__name__] = out.error_kinds.get(type(exc).__name__, 0) + 1
            return None
        took = (time.perf_counter() - began) * 1000
        out.request_ms.append(took)
        (out.push_ms if (method, path) == ("POST", "/revisions") else out.other_ms).append(took)
        if answer.status_code != 200:
            out.errors += 1
            key = f"HTTP {answer.status_code}"
            out.error_kinds[key] = out.error_kinds.get(key, 0) + 1
            return None
        return answer

    async with httpx.AsyncClient(base_url=url + API_PREFIX, timeout=120) as client:
        await start.wait()
        began = time.perf_counter()
        pushed = await call("POST", "/revisions", content=body)
        if pushed is None:
            return
        pc.held += len(pushed.json()["acknowledged"])
        after = pc.cursor
        while True:
            pulled = await call("GET", "/revisions", params={"after": after, "limit": 1000})
            if pulled is None:
                return
            page = pulled.json()
            pc.held += len(page["revisions"])
            after = page["next_cursor"]
            if not page["more"]:
                break
        pc.cursor = after
        pc.syncs += 1
        check = {
            "cursor": pc.cursor,
            "revisions_held": pc.held,
            "audit_head": {"seq": pc.syncs, "hash": "a" * 64},
        }
        if await call("POST", "/sync/check", json=check) is None:
            return
        out.sync_ms.append((time.perf_counter() - began) * 1000)


async def _round(pcs: list[LoadPc], urls: list[str], out: LoadResult) -> None:
    bodies = [_push_body(pc) for pc in pcs]  # made before the clock starts
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(_one_sync(pc, urls[n % len(urls)], bodies[n], start, out))
        for n, pc in enumerate(pcs)
    ]
    await asyncio.sleep(0)  # every task is waiting on the start line
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    out.wall_s = time.perf_counter() - began


def simultaneous_syncs(pcs: list[LoadPc], urls: list[str]) -> LoadResult:
    """Every PC of ``pcs`` syncs at once (push, pull, check), spread over ``urls``."""
    result = LoadResult(len(pcs), len(urls), [], [], 0, 0.0, {})
    asyncio.run(_round(pcs, urls, result))
    return result
