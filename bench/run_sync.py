"""Sync against the real trust server: push and pull of 20,000 revisions through the HTTP API
beside a direct psycopg insert of the same rows; the ward PC applying them (the bulk path and
the one-at-a-time path it replaced); a sync with nothing to do; and 50, then 500, ward PCs
syncing at once against one and against two ``rpr-server serve`` processes.

Everything runs on one machine: PostgreSQL (``RPR_TEST_POSTGRES_URL`` or
postgres@127.0.0.1:5432, a throwaway database), the server processes, and the clients, which
share the same cores.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
from psycopg.types.json import Json

from app.models.clock import utc_now
from app.models.revision import Revision, RevisionAction
from app.store.keyslot_crypto import KdfParams
from app.store.revisions import RevisionWriter
from app.store.store import Store
from app.store.sync_state import Enrolment
from app.sync.client import sync_once
from app.sync.transport import Transport
from app.sync.wire import MAX_PULL, MAX_PUSH, PullResponse
from bench.common import patched, percentile
from bench.sync_load import TrustDb, enrol_load_pcs, servers, simultaneous_syncs, trust_database
from server import admin
from tests.models.builders import patient
from tests.server.harness import PASSWORD

Log = Callable[[str], None]
#: Revisions applied through the one-at-a-time path for the "before" figure (it is slow).
LEGACY_SAMPLE = 2_000


def _enrol(trust: TrustDb, url: str, ward: Any) -> tuple[Enrolment, str]:
    with Transport(url) as anonymous:
        enrolled = anonymous.enrol(trust.code(ward), "Bench PC")
    nurse = trust.account(ward)
    with Transport(url, token=enrolled.device_token) as device:
        device.sign_in(nurse, PASSWORD)
    enrolment = Enrolment(
        server_url=url,
        device_id=enrolled.device_id,
        device_token=enrolled.device_token,
        ward_id=enrolled.ward.ward_id,
        ward_name=enrolled.ward.name,
        trust_name=enrolled.trust_name,
    )
    return enrolment, nurse


def _store(folder: Path, enrolment: Enrolment, nurse: str, pem: str) -> Store:
    shutil.rmtree(folder, ignore_errors=True)
    return Store.create(
        folder,
        username=nurse,
        password=PASSWORD,
        recovery_public_key_pem=pem.encode(),
        kdf=KdfParams(time_cost=2, memory_kib=19_456, parallelism=1),  # the floor
        enrolment=enrolment,
    )


def _revisions(count: int, ward_id: UUID, author: str) -> list[Revision]:
    store_id = uuid4()
    return [
        Revision.of(
            patient(id=uuid4(), ward_id=ward_id, local_identifier=f"B{n}"),
            action=RevisionAction.CREATE,
            parents=(),
            author=author,
            device_id=store_id,
        )
        for n in range(count)
    ]


def _direct_rows(revisions: list[Revision], ward_id: UUID, device_id: UUID) -> list[tuple]:
    now = utc_now()
    return [
        (
            r.revision_id,
            r.record_id,
            r.kind,
            ward_id,
            Json([str(p) for p in r.parents]),
            r.author,
            r.device_id,
            r.created_at,
            r.action.value,
            r.reason,
            r.payload,
            r.content_hash,
            device_id,
            now,
        )
        for r in revisions
    ]


_COLUMNS = (
    "revision_id, record_id, kind, ward_id, parents, author, device_id, created_at, action, "
    "reason, payload, content_hash, pushed_by, received_at"
)


def direct_insert(url: str, rows: list[tuple]) -> dict[str, float]:
    """The same rows straight into an equivalent table (``LIKE revision INCLUDING ALL``: its
    columns, identity, indexes and unique constraint; no foreign keys): executemany in
    transactions of 500 (a push's batch), and one COPY."""
    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    timings: dict[str, float] = {}
    with psycopg.connect(libpq) as conn:
        conn.execute("CREATE TABLE bench_direct (LIKE revision INCLUDING ALL)")
        conn.commit()
        placeholders = ", ".join(["%s"] * 14)
        began = time.perf_counter()
        for start in range(0, len(rows), MAX_PUSH):
            with conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO bench_direct ({_COLUMNS}) VALUES ({placeholders})",  # noqa: S608
                    rows[start : start + MAX_PUSH],
                )
            conn.commit()
        timings["executemany"] = time.perf_counter() - began
        conn.execute("TRUNCATE bench_direct")
        conn.commit()
        began = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY bench_direct ({_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        timings["copy"] = time.perf_counter() - began
        conn.execute("DROP TABLE bench_direct")
        conn.commit()
    return timings


def _push(url: str, token: str, revisions: list[Revision]) -> float:
    began = time.perf_counter()
    with Transport(url, token=token) as transport:
        for start in range(0, len(revisions), MAX_PUSH):
            answer = transport.push(revisions[start : start + MAX_PUSH])
            if answer.refused or len(answer.acknowledged) != len(
                revisions[start : start + MAX_PUSH]
            ):
                raise AssertionError(f"push refused revisions: {answer.refused[:3]}")
    return time.perf_counter() - began


def _pull(url: str, token: str) -> tuple[float, list[PullResponse]]:
    pages = []
    began = time.perf_counter()
    with Transport(url, token=token) as transport:
        after = 0
        while True:
            page = transport.pull(after, MAX_PULL)
            pages.append(page)
            after = page.next_cursor
            if not page.more:
                break
    return time.perf_counter() - began, pages


def _one_at_a_time(writer: RevisionWriter, revisions: Any) -> set[UUID]:
    """The path ``apply_pulled`` took before the bulk one: ``apply`` per revision."""
    return {r.revision_id for r in revisions if writer.apply(r)}


def _apply(store: Store, pages: list[PullResponse]) -> tuple[float, int]:
    applied = 0
    began = time.perf_counter()
    for page in pages:
        pairs = [(p.seq, p.revision) for p in page.revisions]
        applied += store.sync.apply_pulled(pairs, page.next_cursor)
    return time.perf_counter() - began, applied


def _client_runs(  # noqa: PLR0917 - one call site, every argument needed
    trust: TrustDb, url: str, ward: Any, pages: list[PullResponse], scratch: Path, log: Log
) -> dict[str, Any]:
    pem = _trust_pem(trust)
    out: dict[str, Any] = {}
    enrolment, nurse = _enrol(trust, url, ward)
    legacy_pages = pages[: max(1, LEGACY_SAMPLE // MAX_PULL)]
    store = _store(scratch / "legacy", enrolment, nurse, pem)
    try:
        with patched(RevisionWriter, "apply_many", _one_at_a_time):
            seconds, applied = _apply(store, legacy_pages)
        out["legacy_apply"] = (seconds, applied)
        log(f"  one-at-a-time apply: {applied} in {seconds:.1f} s")
    finally:
        store.close()
    store = _store(scratch / "bulk", enrolment, nurse, pem)
    try:
        seconds, applied = _apply(store, pages)
        out["bulk_apply"] = (seconds, applied)
        log(f"  bulk apply: {applied} in {seconds:.1f} s")
        report = store.verify()
        out["verify_problems"] = list(report.problems)
    finally:
        store.close()
    enrolment, nurse = _enrol(trust, url, ward)
    store = _store(scratch / "fresh", enrolment, nurse, pem)
    try:
        began = time.perf_counter()
        first = sync_once(store.sync)
        out["first_sync"] = (time.perf_counter() - began, first.received, first.counts_match)
        log(f"  first sync of a new PC: {first.received} in {out['first_sync'][0]:.1f} s")
        noop = []
        for _ in range(30):
            began = time.perf_counter()
            report = sync_once(store.sync)
            noop.append((time.perf_counter() - began) * 1000)
            if report.received or report.sent or not report.counts_match:
                raise AssertionError("a sync with nothing to do did something")
        out["noop_ms"] = noop
    finally:
        store.close()
    return out


def _trust_pem(trust: TrustDb) -> str:
    return trust.admin(lambda s: admin.trust(s).recovery_public_key_pem)


def run(*, revisions: int, load: tuple[int, ...], scratch: Path, log: Log) -> dict[str, Any]:
    """Every sync benchmark on a throwaway database; raw figures for ``bench.report``."""
    results: dict[str, Any] = {"revisions": revisions}
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        with trust_database() as trust:
            ward = trust.ward()
            with servers(trust, 1) as (url,):
                enrolment, nurse = _enrol(trust, url, ward)
                batch = _revisions(revisions, ward.id, nurse)
                log(f"push {revisions:,} …")
                results["push_s"] = _push(url, enrolment.device_token, batch)
                log("direct insert …")
                rows = _direct_rows(batch, ward.id, enrolment.device_id)
                results["direct"] = direct_insert(trust.url, rows)
                log(f"pull {revisions:,} …")
                puller, _ = _enrol(trust, url, ward)
                results["pull_s"], pages = _pull(url, puller.device_token)
                log("ward PC: apply, first sync, no-op sync …")
                results["client"] = _client_runs(trust, url, ward, pages, scratch, log)
            pcs = enrol_load_pcs(trust, max(load), wards=10)
            results["load"] = []
            for count in (1, 2):
                with servers(trust, count) as urls:
                    simultaneous_syncs(pcs[:10], urls)  # warm: imports, connection pools
                    for n in load:
                        log(f"{n} PCs at once, {count} server process(es) …")
                        results["load"].append(simultaneous_syncs(pcs[:n], urls))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def summary(results: dict[str, Any]) -> dict[str, float]:
    """The headline figures (rates per second, milliseconds)."""
    n = results["revisions"]
    client = results["client"]
    noop = client["noop_ms"]
    legacy_s, legacy_n = client["legacy_apply"]
    bulk_s, bulk_n = client["bulk_apply"]
    return {
        "push_per_s": n / results["push_s"],
        "pull_per_s": n / results["pull_s"],
        "direct_per_s": n / results["direct"]["executemany"],
        "copy_per_s": n / results["direct"]["copy"],
        "push_ratio": results["push_s"] / results["direct"]["executemany"],
        "pull_ratio": results["pull_s"] / results["direct"]["executemany"],
        "legacy_apply_per_s": legacy_n / legacy_s,
        "bulk_apply_per_s": bulk_n / bulk_s,
        "first_sync_per_s": client["first_sync"][1] / client["first_sync"][0],
        "noop_p50_ms": percentile(noop, 0.5),
        "noop_p99_ms": percentile(noop, 0.99),
    }
