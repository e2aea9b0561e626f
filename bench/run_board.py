"""The ward-board query on five years of a busy ward, warm (repeated on an open store).

One sample is exactly what the board screen does::

    with store.read() as r:
        build_ward_board(load_ward_board_inputs(r, ward_id, now), now)

timed as a whole and split into loading (SQL, decryption, parsing payloads into domain
objects) and building (the domain's clocks, the same pure Python on both sides). Encrypted
and plain samples alternate. A second, "new connection" figure disposes the pool before each
sample, so every query starts from an empty SQLite page cache (the OS cache stays warm).
Both stores are opened and their background integrity check awaited before any sample.

``query_plans`` records every statement one board runs and SQLite's plan for it
(``EXPLAIN QUERY PLAN`` with the same parameters) on both sides.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from sqlalchemy import event

from app.models.ward_board import build_ward_board
from app.store.board import load_ward_board_inputs
from app.store.store import Store
from bench.common import Row, Series, now_ns
from bench.dataset import BuiltStores
from bench.run_open import open_settled

#: What the plan of each board query must use (label prefix → index).
EXPECTED_INDEX = {
    "find use_of_force_incident by ward, status": "ix_record_kind_ward_status",
    "conflicted_ids()": "ix_record_conflicted",
}


def board_sample(store: Store, ward_id: Any, at: Any) -> tuple[int, int, Any]:
    """(total ns, load ns, board)."""
    t0 = now_ns()
    with store.read() as reader:
        inputs = load_ward_board_inputs(reader, ward_id, at)
        t1 = now_ns()
        board = build_ward_board(inputs, at)
    return now_ns() - t0, t1 - t0, board


def describe_board(board: Any) -> str:
    return (
        f"{len(board.seclusions)} seclusions, {len(board.segregations)} LTS, "
        f"{len(board.drafts)} drafts, {len(board.awaiting_sign_off)} awaiting sign-off, "
        f"{board.incidents_last_24h} incidents in 24 h, {board.incidents_last_7d} in 7 days"
    )


def _label(statement: str, parameters: Any) -> str:
    """A short name for one of the board's statements."""
    sql = " ".join(statement.split())
    at = sql.find("record.kind = ?")
    kind = str(parameters[sql[:at].count("?")]) if at >= 0 else "?"
    if "tip_count >" in sql:
        return "conflicted_ids()"
    if sql.startswith("SELECT count("):
        return f"count {kind} by ward, starts_from"
    if "record.record_id = ?" in sql:
        return f"get {kind}"
    where = sql.split(" WHERE ", 1)[1].split(" ORDER BY ")[0]
    parts = [
        name
        for column, name in (
            ("record.ward_id", "ward"),
            ("record.patient_id", "patient"),
            ("record.parent_id", "parent"),
            ("record.status", "status"),
            ("record.starts_at", "time"),
        )
        if column in where
    ]
    return f"find {kind} by {', '.join(parts)}"


def query_plans(stores: dict[str, Store], ward_id: Any, at: Any) -> list[dict[str, str]]:
    """Every distinct board statement with its plan on each side (index lines only)."""
    out: dict[str, dict[str, str]] = {}
    for side, store in stores.items():
        seen: list[tuple[str, Any]] = []

        def capture(
            conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any, s: Any = seen
        ) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                s.append((statement, parameters))

        event.listen(store._engine, "before_cursor_execute", capture)
        try:
            board_sample(store, ward_id, at)
        finally:
            event.remove(store._engine, "before_cursor_execute", capture)
        with store._engine.connect() as connection:
            for statement, parameters in seen:
                label = _label(statement, parameters)
                plan = "; ".join(
                    str(row[3]).replace("SEARCH ", "").replace("SCAN ", "scan ")
                    for row in connection.exec_driver_sql(
                        "EXPLAIN QUERY PLAN " + statement, parameters
                    )
                    if "record" in str(row[3]) and "revision" not in str(row[3])
                )
                out.setdefault(label, {"query": label})[side] = plan
    return list(out.values())


def plans_as_expected(plans: list[dict[str, str]]) -> dict[str, bool]:
    """For each query in ``EXPECTED_INDEX``: does it use its index on both sides?"""
    result = {}
    for prefix, index in EXPECTED_INDEX.items():
        found = [p for p in plans if p["query"].startswith(prefix)]
        result[prefix] = bool(found) and all(
            index in p.get(side, "") for p in found for side in ("encrypted", "plain")
        )
    return result


def run(
    built: BuiltStores, scratch: Path, *, warm_runs: int, cold_runs: int, log: Any = print
) -> dict[str, Any]:
    enc = open_settled("encrypted", scratch / "encrypted")
    plain = open_settled("plain", scratch / "plain")
    stores = {"encrypted": enc, "plain": plain}
    total = {side: Series() for side in stores}
    load = {side: Series() for side in stores}
    build = {side: Series() for side in stores}
    new_connection = {side: Series() for side in stores}
    boards: dict[str, Any] = {}
    try:
        for side, store in stores.items():  # warm up: two untimed runs each
            for _ in range(2):
                boards[side] = board_sample(store, built.ward_id, built.now)[2]
        if boards["encrypted"].model_dump() != boards["plain"].model_dump():
            raise AssertionError("the encrypted and plain stores give different boards")
        plans = query_plans(stores, built.ward_id, built.now)
        gc.collect()
        for i in range(warm_runs):
            order = list(stores.items())
            if i % 2:
                order.reverse()
            for side, store in order:
                t, loading, _ = board_sample(store, built.ward_id, built.now)
                total[side].add(t)
                load[side].add(loading)
                build[side].add(t - loading)
        for i in range(cold_runs):
            order = list(stores.items())
            if i % 2:
                order.reverse()
            for side, store in order:
                store._engine.dispose()
                new_connection[side].add(board_sample(store, built.ward_id, built.now)[0])
    finally:
        enc.close()
        plain.close()
    log(f"  board: {describe_board(boards['encrypted'])}")
    expected = plans_as_expected(plans)
    log(f"  board: plans as expected: {expected}")
    rows = [
        Row("board: warm, total", total["encrypted"], total["plain"], aim="< 50 ms"),
        Row("board: warm, loading (SQL + parse)", load["encrypted"], load["plain"]),
        Row("board: warm, building (domain clocks)", build["encrypted"], build["plain"]),
        Row(
            "board: new connection (empty page cache)",
            new_connection["encrypted"],
            new_connection["plain"],
        ),
    ]
    return {
        "rows": rows,
        "board": describe_board(boards["encrypted"]),
        "plans": plans,
        "plans_expected": expected,
    }
