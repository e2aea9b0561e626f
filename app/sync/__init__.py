"""Offline-first sync client (design.md "Sync"). No Qt, no SQL.

- :mod:`app.sync.wire` — the pydantic bodies shared with the trust server (the contract);
- :mod:`app.sync.transport` — HTTP to the server (httpx), typed errors in :mod:`app.sync.errors`;
- :mod:`app.sync.engine` — one sync: push the outbox, pull after the cursor, the count check;
- :mod:`app.sync.scheduler` — syncs on a timer with back-off, and "send everything now";
- :mod:`app.sync.status` — the status line; :mod:`app.sync.local` — what the engine needs of
  the store (``app.store.sync_state`` provides it); :mod:`app.sync.client` — the two joined.
"""
