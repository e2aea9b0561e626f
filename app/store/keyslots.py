"""The key-slot file: the store's data key, wrapped once per user and once for the trust.

``keyslots.json`` lives next to the encrypted store, never inside it (it is needed to open
it), and must be backed up with it: without it not even the recovery key opens the store.
It holds no patient data and no plaintext key — only usernames, Argon2id parameters, salts,
nonces, wrapped keys, the recovery key's fingerprint and an HMAC commitment to the data key
(``key_check``) that lets RPR refuse to wrap a key that is not this store's.

Format 1 is a JSON object: ``format`` (1), ``store_id`` (a UUID), ``key_check`` (base64),
``slots`` — a list of ``{type: "password", username, kdf: {alg: "argon2id", version: 19, t, m,
p, salt}, nonce, ciphertext, created_at}`` — and ``recovery`` — ``{type: "rsa-oaep-sha256",
fingerprint: "sha256:<hex>", ciphertext, created_at}``. Bytes are standard base64; times are
UTC ISO 8601. Loading validates all of it and refuses any other format version.

Contracts:
- Unlocking (by password or recovery key) only reads; a failed sign-in leaves every file as
  it was, byte for byte.
- Every change is written crash-safely (see :func:`write_file_atomically`): after a crash the
  file is the old one or the new one, never a mixture. A change re-reads the file first, so
  two windows adding users one after the other do not lose each other's slot; there is no
  lock, so truly simultaneous writers are not supported (one RPR client runs per PC).
- Not thread-safe: use one :class:`KeySlotFile` from one thread at a time.
- Messages name users, paths and fingerprints, never passwords, passphrases or keys.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

from app.models.clock import utc_now
from app.models.errors import Locked, UserFacingError
from app.store.keyslot_crypto import (
    ARGON2ID_VERSION,
    KEY_BYTES,
    KdfParams,
    PasswordWrap,
    WrongKey,
    check_data_key,
    fingerprint_of,
    generate_data_key,
    generate_recovery_key_pair,
    key_check_value,
    load_recovery_private_key,
    load_recovery_public_key,
    password_slot_aad,
    public_key_fingerprint,
    recovery_slot_label,
    unwrap_with_password,
    unwrap_with_recovery_key,
    wrap_with_password,
    wrap_with_recovery_key,
)
from app.store.keyslot_format import (
    DEFAULT_KDF,
    FORMAT_VERSION,
    KEYSLOT_FILE_NAME,
    USERNAME_RE,
    KdfRecord,
    KeySlotDocument,
    KeySlotFileMissing,
    PasswordSlot,
    RecoverySlot,
    canonical_uuid,
    damaged,
    read_document,
    save_document,
    write_file_atomically,
)

_log = logging.getLogger("rpr.store.keyslots")

__all__ = [
    "DEFAULT_KDF",
    "KEYSLOT_FILE_NAME",
    "KdfParams",
    "KeySlotFile",
    "KeySlotFileMissing",
    "generate_data_key",
    "generate_recovery_key_pair",
    "normalise_username",
    "public_key_fingerprint",
    "write_file_atomically",
]

# ---------------------------------------------------------------- the key-slot file


def normalise_username(username: str) -> str:
    """``username`` trimmed and in lower case; :class:`UserFacingError` if it cannot be one.

    The message does not repeat what was typed: it may be a password in the wrong box.
    """
    name = username.strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise UserFacingError(
            "A username starts with a letter or digit and uses only letters, digits and "
            ". _ - @ (at most 128 characters)."
        )
    return name


def _recovery_slot(data_key: bytes, public_pem: bytes, store_id: str) -> RecoverySlot:
    key = load_recovery_public_key(public_pem)
    return RecoverySlot(
        type="rsa-oaep-sha256",
        fingerprint=fingerprint_of(key),
        ciphertext=wrap_with_recovery_key(data_key, key, recovery_slot_label(store_id)),
        created_at=utc_now(),
    )


class KeySlotFile:
    """The key-slot file of one store: unlock it by password or recovery key, manage slots.

    Methods that change slots take the data key (which the caller got by unlocking) and save
    at once; they refuse a data key that is not this store's.
    """

    __slots__ = ("_document", "_path")

    def __init__(self, path: Path, document: KeySlotDocument) -> None:
        """Wrap an already validated document; use :meth:`create` or :meth:`load`."""
        self._path = path
        self._document = document

    @classmethod
    def create(
        cls,
        path: Path | str,
        data_key: bytes,
        recovery_public_key_pem: bytes,
        *,
        store_id: str | None = None,
    ) -> KeySlotFile:
        """Write a new key-slot file holding only the recovery slot. Never overwrites."""
        path = Path(path)
        check_data_key(data_key)
        store_id = str(uuid4()) if store_id is None else canonical_uuid(store_id)
        recovery = _recovery_slot(data_key, recovery_public_key_pem, store_id)
        document = KeySlotDocument(
            format=FORMAT_VERSION,
            store_id=store_id,
            key_check=key_check_value(data_key, store_id),
            slots=(),
            recovery=recovery,
        )
        save_document(path, document, overwrite=False)
        _log.info("Created key-slot file %s for store %s", path, store_id)
        return cls(path, document)

    @classmethod
    def load(cls, path: Path | str) -> KeySlotFile:
        """Read ``path``: :class:`KeySlotFileMissing` if absent, :class:`StoreDamaged` if bad."""
        path = Path(path)
        return cls(path, read_document(path))

    @property
    def path(self) -> Path:
        """Where the file lives."""
        return self._path

    @property
    def store_id(self) -> str:
        """The UUID of the store this file opens."""
        return self._document.store_id

    def users(self) -> list[str]:
        """Usernames with a password slot, sorted."""
        return sorted(slot.username for slot in self._document.slots)

    def has_user(self, username: str) -> bool:
        """Whether ``username`` has a password slot on this PC."""
        return self._slot_or_none(username) is not None

    def kdf_params_for(self, username: str) -> KdfParams:
        """The Argon2id parameters of ``username``'s slot (to see if they should be raised)."""
        return self._slot(username).kdf.params

    def recovery_fingerprint(self) -> str:
        """``sha256:<hex>`` of the recovery public key whose private half can open the store."""
        return self._document.recovery.fingerprint

    def unlock(self, username: str, password: str) -> bytes:
        """The data key, if ``password`` is ``username``'s. Raises :class:`Locked`. Never writes."""
        slot = self._slot(username)
        wrapped = PasswordWrap(slot.kdf.salt, slot.nonce, slot.ciphertext)
        aad = password_slot_aad(self.store_id, slot.username)
        try:
            data_key = unwrap_with_password(wrapped, password, aad, slot.kdf.params)
        except WrongKey:
            raise Locked(f"The password for {slot.username} is not right") from None
        self._verify(data_key, f"the key slot for {slot.username}")
        return data_key

    def unlock_with_recovery(
        self, private_key_pem: bytes, passphrase: bytes | None = None
    ) -> bytes:
        """The data key, opened with the trust's recovery private key. Never writes.

        Raises :class:`Locked` for a wrong key (naming the fingerprint needed) or passphrase.
        """
        key = load_recovery_private_key(private_key_pem, passphrase)
        expected = self.recovery_fingerprint()
        offered = fingerprint_of(key.public_key())
        if offered != expected:
            raise Locked(
                f"That is not this store's recovery key: it needs the key with fingerprint "
                f"{expected}, and the key offered is {offered}."
            )
        label = recovery_slot_label(self.store_id)
        try:
            data_key = unwrap_with_recovery_key(self._document.recovery.ciphertext, key, label)
        except WrongKey:
            raise damaged(self._path, "has a damaged recovery slot") from None
        self._verify(data_key, "the recovery slot")
        return data_key

    def add_user(
        self, data_key: bytes, username: str, password: str, *, kdf: KdfParams = DEFAULT_KDF
    ) -> None:
        """Add ``username``'s password slot, or replace it, and save."""
        name = normalise_username(username)
        if not password:
            raise UserFacingError("A password must not be empty.")
        self._require_own_key(data_key)
        wrapped = wrap_with_password(
            data_key, password, password_slot_aad(self.store_id, name), kdf
        )
        slot = PasswordSlot(
            type="password",
            username=name,
            kdf=KdfRecord(
                alg="argon2id",
                version=ARGON2ID_VERSION,
                t=kdf.time_cost,
                m=kdf.memory_kib,
                p=kdf.parallelism,
                salt=wrapped.salt,
            ),
            nonce=wrapped.nonce,
            ciphertext=wrapped.ciphertext,
            created_at=utc_now(),
        )
        self._change(lambda document: document.with_slot(slot))
        _log.info("Saved the key slot for %s in %s", name, self._path)

    def change_password(
        self,
        username: str,
        old_password: str,
        new_password: str,
        *,
        kdf: KdfParams = DEFAULT_KDF,
    ) -> None:
        """Re-wrap ``username``'s slot under a new password (and current KDF parameters)."""
        data_key = self.unlock(username, old_password)
        self.add_user(data_key, username, new_password, kdf=kdf)

    def remove_user(self, username: str) -> None:
        """Remove ``username``'s slot (e.g. the account was revoked on this PC) and save.

        The recovery slot still opens the store, so no record becomes unreachable.
        """
        name = normalise_username(username)

        def remove(document: KeySlotDocument) -> KeySlotDocument:
            if document.slot_for(name) is None:
                raise UserFacingError(f"No key slot for {name} on this PC")
            return document.without_user(name)

        self._change(remove)
        _log.info("Removed the key slot for %s from %s", name, self._path)

    def replace_recovery_key(self, data_key: bytes, new_public_key_pem: bytes) -> None:
        """Wrap the data key to a new trust recovery key (replacing the old slot) and save."""
        self._require_own_key(data_key)
        recovery = _recovery_slot(data_key, new_public_key_pem, self.store_id)
        self._change(lambda document: document.model_copy(update={"recovery": recovery}))
        _log.info("Recovery key of %s is now %s", self._path, recovery.fingerprint)

    def __repr__(self) -> str:
        return (
            f"KeySlotFile(path={str(self._path)!r}, store_id={self.store_id!r}, "
            f"users={self.users()!r}, recovery={self.recovery_fingerprint()!r})"
        )

    # ------------------------------------------------------------ internals

    def _slot_or_none(self, username: str) -> PasswordSlot | None:
        try:
            name = normalise_username(username)
        except UserFacingError:
            return None
        return self._document.slot_for(name)

    def _slot(self, username: str) -> PasswordSlot:
        slot = self._slot_or_none(username)
        if slot is None:
            try:
                shown = normalise_username(username)
            except UserFacingError:
                shown = "that username"
            raise Locked(f"No key slot for {shown} on this PC")
        return slot

    def _is_own_key(self, data_key: bytes) -> bool:
        if not isinstance(data_key, bytes) or len(data_key) != KEY_BYTES:
            return False
        expected = self._document.key_check
        return hmac.compare_digest(key_check_value(data_key, self.store_id), expected)

    def _verify(self, data_key: bytes, source: str) -> None:
        if not self._is_own_key(data_key):
            raise damaged(self._path, f"is damaged: {source} does not hold this store's key")

    def _require_own_key(self, data_key: bytes) -> None:
        if not self._is_own_key(data_key):
            raise Locked("That data key does not open this store; nothing was changed.")

    def _change(self, change: Callable[[KeySlotDocument], KeySlotDocument]) -> None:
        # Apply the change to the file as it is now, so a slot saved by another window since
        # this one loaded is kept rather than silently dropped.
        current = read_document(self._path)
        same_key = hmac.compare_digest(current.key_check, self._document.key_check)
        if current.store_id != self.store_id or not same_key:
            raise damaged(self._path, "now belongs to a different store; open it again")
        updated = change(current)
        save_document(self._path, updated, overwrite=True)
        self._document = updated
