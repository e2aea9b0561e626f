"""A real trust server for tests: a throwaway PostgreSQL database, migrated; uvicorn on a
loopback port in a thread; trust IT's set-up through server.admin; ward PCs through real HTTP.

Readiness needs no waiting: the listening socket is bound before uvicorn starts, so a first
request queues in its backlog until the server accepts it.

Usable by other test packages (the sync engine's tests run against it too).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import Record
from app.models.clock import utc_now
from app.models.people import AccessRole
from app.models.refs import ClinicalRole
from app.models.revision import Revision, RevisionAction
from app.sync.wire import API_PREFIX, DEVICE_TIME_HEADER
from server import admin
from server.app import create_app
from server.db import make_engine, session_factory
from server.migrate import upgrade
from server.publish import PUBLISHER
from server.settings import ServerSettings
from server.tables import WardRow
from server.tables_sync import RevisionRow
from tests.postgres import fresh_database

PASSWORD = "correct horse battery staple"


def recovery_public_key_pem() -> str:
    """A 3072-bit RSA public key (the smallest a ward store accepts), made per call."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class ServerThread:
    """uvicorn serving ``create_app(settings)`` on 127.0.0.1 in a daemon thread."""

    def __init__(self, settings: ServerSettings) -> None:
        self.app = create_app(settings)
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only when
        # the listening socket says so, and without it every answer waits ~40 ms for an ACK.
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(256)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> ServerThread:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served_process(*arguments: str, env: dict[str, str] | None = None) -> Iterator[None]:
    """``rpr-server serve ARGUMENTS`` in its own process, until it accepts requests: its log is
    read line by line (blocking) up to uvicorn's "running" line, so nothing sleeps."""
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", *arguments],
        env=os.environ | (env or {}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "Uvicorn running on" in line:
                break
        else:
            raise AssertionError(f"rpr-server serve exited with {process.wait()} before serving")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


@contextmanager
def migrated_database(prefix: str = "rpr_server") -> Iterator[str]:
    """A fresh PostgreSQL database at the server's schema; yields its URL."""
    with fresh_database(prefix) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        yield url


def plain_http(url: str) -> httpx.Client:
    """A client for the loopback server's ``/v1`` over plain HTTP. ``verify=False`` only
    because nothing here is TLS: loading the CA bundle would cost ~40 ms per client."""
    return httpx.Client(base_url=url + API_PREFIX, timeout=60, verify=False)  # noqa: S501


def device_headers(token: str | None, skew: timedelta = timedelta(0)) -> dict[str, str]:
    """The headers a ward PC sends: its credential and its clock (``skew`` off true time)."""
    headers = {DEVICE_TIME_HEADER: (utc_now() + skew).isoformat()}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


@dataclass
class Device:
    """An enrolled ward PC talking to the server over HTTP."""

    url: str
    device_id: UUID
    token: str
    ward_id: UUID
    #: The id its own store stamps on revisions (a ward PC's store id, not the server's).
    store_id: UUID = field(default_factory=uuid4)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = device_headers(self.token) | kwargs.pop("headers", {})
        with plain_http(self.url) as client:
            return client.request(method, path, headers=headers, **kwargs)

    def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.request("POST", "/sign-in", json={"username": username, "password": password})

    def push(self, *revisions: Revision) -> httpx.Response:
        body = {"revisions": [r.model_dump(mode="json") for r in revisions]}
        return self.request("POST", "/revisions", json=body)

    def pull(self, after: int = 0, limit: int | None = None) -> httpx.Response:
        params = {"after": after} | ({"limit": limit} if limit is not None else {})
        return self.request("GET", "/revisions", params=params)

    def pull_all(self) -> list[dict[str, Any]]:
        """Every revision this device may see, following the cursor."""
        seen: list[dict[str, Any]] = []
        after = 0
        while True:
            page = self.pull(after).json()
            seen.extend(page["revisions"])
            after = page["next_cursor"]
            if not page["more"]:
                return seen

    def pull_made_on_pcs(self) -> list[dict[str, Any]]:
        """Everything pulled but what the trust server published itself (wards, staff and
        accounts that trust IT added)."""
        return [r for r in self.pull_all() if r["revision"]["author"] != PUBLISHER]

    def revision(
        self,
        record: Record,
        author: str,
        *,
        action: RevisionAction = RevisionAction.CREATE,
        parents: tuple[UUID, ...] = (),
        reason: str | None = None,
    ) -> Revision:
        """A revision of ``record`` made on this PC by ``author``."""
        return Revision.of(
            record,
            action=action,
            parents=parents,
            author=author,
            device_id=self.store_id,
            reason=reason,
        )


@dataclass
class Trust:
    """A running trust server on its own database, with trust IT's set-up at hand."""

    url: str
    database_url: str
    sessions: sessionmaker[Session]
    settings: ServerSettings

    def _admin(self, work: Any) -> Any:
        with self.sessions() as session:
            result = work(session)
            session.commit()
            return result

    def ward(self, name: str | None = None) -> WardRow:
        tag = uuid4().hex[:8]
        return self._admin(
            lambda s: admin.add_ward(
                s, name or f"Ward {tag}", code=f"W-{tag.upper()}", beds=18, site="Test site"
            )
        )

    def account(
        self,
        ward: WardRow | None,
        role: AccessRole = AccessRole.NURSE,
        username: str | None = None,
        password: str = PASSWORD,
    ) -> str:
        """A new account; returns its username."""
        name = username or f"{role.value.replace('_', '-')}.{uuid4().hex[:8]}"
        self._admin(
            lambda s: admin.add_account(
                s,
                username=name,
                display_name=f"Test {role.label}",
                role=role,
                ward=None if ward is None else s.get(WardRow, ward.id),
                password=password,
                job_title=None if role is AccessRole.ADMIN else "Staff nurse",
                clinical_role=None if role is AccessRole.ADMIN else ClinicalRole.REGISTERED_NURSE,
            )
        )
        return name

    def published(self, ward_id: UUID) -> set[UUID]:
        """The revisions the trust server published itself that ``ward_id``'s PCs receive
        (its ward record, its staff, every account)."""
        with self.sessions() as session:
            return set(
                session.scalars(
                    select(RevisionRow.revision_id).where(
                        RevisionRow.pushed_by.is_(None),
                        or_(RevisionRow.ward_id == ward_id, RevisionRow.ward_id.is_(None)),
                    )
                )
            )

    def code(self, ward: WardRow, valid_hours: int = 24) -> str:
        return self._admin(lambda s: admin.issue_code(s, s.get(WardRow, ward.id), valid_hours)[0])

    def enrol(
        self, code: str, name: str = "Ward PC", ward_code: str | None = None
    ) -> httpx.Response:
        """``POST /enrol``; ``ward_code`` only in the body when given (as older PCs send it)."""
        with plain_http(self.url) as client:
            body = {"code": code, "device_name": name}
            if ward_code is not None:
                body["ward_code"] = ward_code
            return client.post("/enrol", json=body, headers=device_headers(None))

    def device(self, ward: WardRow, name: str = "Ward PC") -> Device:
        """A PC enrolled on ``ward`` through the real endpoint."""
        answer = self.enrol(self.code(ward), name)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return Device(self.url, UUID(body["device_id"]), body["device_token"], ward.id)

    def signed_in_device(
        self, ward: WardRow, role: AccessRole = AccessRole.NURSE
    ) -> tuple[Device, str]:
        """A PC on ``ward`` where a new account with ``role`` has signed in."""
        device = self.device(ward)
        return device, self.signed_in_on(device, ward, role)

    def signed_in_on(self, device: Device, ward: WardRow, role: AccessRole) -> str:
        """A new account with ``role`` that has signed in on ``device``; its username."""
        username = self.account(ward, role)
        assert device.sign_in(username).status_code == 200
        return username

    def revoke(self, device: Device) -> None:
        self._admin(lambda s: admin.revoke_device(s, str(device.device_id)))


@contextmanager
def running_trust(**settings: Any) -> Iterator[Trust]:
    """A trust server (initialised, no wards yet) on a fresh database."""
    with migrated_database() as url:
        config = ServerSettings(database_url=url, **settings)
        engine = make_engine(url)
        sessions = session_factory(engine)
        with sessions() as session:
            admin.init_trust(session, "Test Trust", recovery_public_key_pem())
            session.commit()
        try:
            with ServerThread(config) as running:
                yield Trust(running.url, url, sessions, config)
        finally:
            engine.dispose()
