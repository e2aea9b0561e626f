"""Offline-first sync client (outbox, cursor, transport). Arrives with the sync issue. No Qt."""
