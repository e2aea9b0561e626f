"""The key-slot file: the store's data key, sealed once per user and once for the trust.

``keyslots.json`` lives next to the encrypted store, never inside it (it is needed to open
it), and must be backed up with it: without it not even the recovery key opens the store.
It holds no patient data and no plaintext key — only usernames, Argon2id parameters, salts,
nonces, sealed keys, public keys, MACs and an HMAC commitment to the data key (``key_check``)
that lets RPR refuse to seal a key that is not this store's.

Format 2 is a JSON object: ``format`` (2), ``store_id`` (a UUID), ``key_check`` (base64),
``slots`` — a list of ``{type: "password", username, kdf: {alg: "argon2id", version: 19, t, m,
p, salt}, nonce, private_key, public_key, data_key, mac, created_at}`` — ``recovery`` —
``{type: "rsa-oaep-sha256", fingerprint: "sha256:<hex>", public_key (PEM), ciphertext, mac,
created_at}`` — and, only while the data key is being changed, ``rotation``. Bytes are
standard base64; times are UTC ISO 8601. Format 1 (written before key changes existed: slots
with ``ciphertext`` instead of a key pair, no MACs) is read; each slot is made again in format 2
at its owner's next sign-in. Loading validates all of it, bounds the Argon2id parameters before
any derivation, and refuses any other format version. See :mod:`app.store.keyslot_crypto`.

Contracts:
- Unlocking (by password or recovery key) only reads; a failed sign-in leaves every file as
  it was, byte for byte. Every refusal says the same for an unknown username whatever was
  typed, and never repeats it.
- Every change is written crash-safely (see :func:`write_file_atomically`): after a crash the
  file is the old one or the new one, never a mixture. A change re-reads the file first, so
  two windows adding users one after the other do not lose each other's slot; there is no
  lock, so truly simultaneous writers are not supported (one RPR client runs per PC).
- Changing the data key (removing an account) is three steps — :meth:`begin_rotation` seals a
  next key for every remaining account and the trust, the store is re-encrypted, and
  :meth:`finish_rotation` folds the next key in (or :meth:`abandon_rotation` drops it) — so a
  crash between any two leaves a file that still opens the store (see ``Store.remove_user``).
- Not thread-safe: use one :class:`KeySlotFile` from one thread at a time.
- Messages name users, paths and fingerprints, never passwords, passphrases or keys.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

from app.models.errors import Locked, UserFacingError
from app.store.keyslot_crypto import (
    KEY_BYTES,
    KdfParams,
    PasswordWrap,
    WrongKey,
    check_data_key,
    fingerprint_of,
    generate_data_key,
    generate_recovery_key_pair,
    kdf_policy,
    key_check_value,
    load_recovery_private_key,
    open_sealed_key,
    password_slot_aad,
    public_key_fingerprint,
    recovery_slot_label,
    require_strong_enough,
    sealed_key_info,
    unwrap_with_password,
    unwrap_with_recovery_key,
)
from app.store.keyslot_format import (
    KEYSLOT_FILE_NAME,
    KeySlotDocument,
    KeySlotFileMissing,
    PasswordSlot,
    RecoverySlot,
    Rotation,
    canonical_uuid,
    damaged,
    read_document,
    save_document,
    write_file_atomically,
)
from app.store.keyslot_slots import (
    NO_ACCOUNT,
    UnlockedKeys,
    folded,
    new_rotation,
    normalise_username,
    password_slot,
    recovery_slot,
    signed_recovery,
    slot_problems,
)
from app.store.passwords import check_new_password

_log = logging.getLogger("rpr.store.keyslots")

__all__ = [
    "KEYSLOT_FILE_NAME",
    "NO_ACCOUNT",
    "KdfParams",
    "KeySlotFile",
    "KeySlotFileMissing",
    "UnlockedKeys",
    "generate_data_key",
    "generate_recovery_key_pair",
    "normalise_username",
    "public_key_fingerprint",
    "write_file_atomically",
]


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
        document = KeySlotDocument(
            format=2,
            store_id=store_id,
            key_check=key_check_value(data_key, store_id),
            slots=(),
            recovery=recovery_slot(data_key, recovery_public_key_pem, store_id),
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

    @property
    def rotation(self) -> Rotation | None:
        """The change of data key in progress, if any."""
        return self._document.rotation

    def users(self) -> list[str]:
        """Usernames with a password slot, sorted."""
        return sorted(slot.username for slot in self._document.slots)

    def legacy_users(self) -> list[str]:
        """Usernames whose slot is still format 1 (made again at their next sign-in)."""
        return sorted(slot.username for slot in self._document.slots if slot.legacy)

    def has_user(self, username: str) -> bool:
        """Whether ``username`` has a password slot on this PC."""
        return self._slot_or_none(username) is not None

    def require_account(self, username: str) -> str:
        """``username`` normalised, if it has a slot here; otherwise :class:`Locked` with
        :data:`NO_ACCOUNT` (a malformed username gets the same answer: what was typed may be
        a password, and is never repeated). Reads nothing but this file; never writes."""
        slot = self._slot_or_none(username)
        if slot is None:
            raise Locked(NO_ACCOUNT)
        return slot.username

    def kdf_params_for(self, username: str) -> KdfParams:
        """The Argon2id parameters of ``username``'s slot (to see if they should be raised)."""
        return self._slot(username).kdf.params

    def recovery_fingerprint(self) -> str:
        """``sha256:<hex>`` of the recovery public key whose private half can open the store."""
        return self._document.recovery.fingerprint

    # ------------------------------------------------------------ unlocking (reads only)

    def unlock(self, username: str, password: str) -> UnlockedKeys:
        """The data key(s), if ``password`` is ``username``'s. Raises :class:`Locked`. Never
        writes."""
        slot = self._slot(username)
        aad = password_slot_aad(self.store_id, slot.username)
        if slot.legacy:
            assert slot.ciphertext is not None  # noqa: S101 - guaranteed by the schema
            wrapped = PasswordWrap(slot.kdf.salt, slot.nonce, slot.ciphertext)
        else:
            assert slot.private_key is not None  # noqa: S101 - guaranteed by the schema
            wrapped = PasswordWrap(slot.kdf.salt, slot.nonce, slot.private_key)
        try:
            opened = unwrap_with_password(wrapped, password, aad, slot.kdf.params)
        except WrongKey:
            raise Locked(f"The password for {slot.username} is not right.") from None
        where = f"the key slot for {slot.username}"
        if slot.legacy:
            return UnlockedKeys(slot.username, self._verified(opened, where), None)
        info = sealed_key_info(self.store_id, slot.username)
        assert slot.data_key is not None  # noqa: S101 - guaranteed by the schema
        current = self._verified(self._open_sealed(slot.data_key, opened, info, where), where)
        following = None
        rotation = self._document.rotation
        sealed_next = rotation.sealed_for(slot.username) if rotation else None
        if rotation is not None and sealed_next is not None:
            key = self._open_sealed(sealed_next, opened, info, "the key change in progress")
            following = self._verified(key, "the key change in progress", rotation.key_check)
        return UnlockedKeys(slot.username, current, following)

    def unlock_with_recovery(
        self, private_key_pem: bytes, passphrase: bytes | None = None
    ) -> UnlockedKeys:
        """The data key(s), opened with the trust's recovery private key. Never writes.

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
            current = unwrap_with_recovery_key(self._document.recovery.ciphertext, key, label)
        except WrongKey:
            raise damaged(self._path, "has a damaged recovery slot") from None
        current = self._verified(current, "the recovery slot")
        following = None
        rotation = self._document.rotation
        if rotation is not None:
            try:
                following = unwrap_with_recovery_key(rotation.recovery, key, label)
            except WrongKey:
                raise damaged(self._path, "has a damaged key change in progress") from None
            following = self._verified(following, "the key change", rotation.key_check)
        return UnlockedKeys(None, current, following)

    # ------------------------------------------------------------ accounts

    def add_user(
        self, data_key: bytes, username: str, password: str, *, kdf: KdfParams | None = None
    ) -> None:
        """Add ``username``'s password slot, or replace it, and save. The password must meet
        the rule of :mod:`app.store.passwords`; ``kdf`` (default: the policy's) its minimum."""
        name = normalise_username(username)
        check_new_password(password, name)
        params = kdf or kdf_policy().default
        require_strong_enough(params)
        self._save_slot(data_key, name, password, params)

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """Make ``username``'s slot again under a new password (and the current parameters)."""
        keys = self.unlock(username, old_password)
        self.add_user(keys.current, username, new_password)

    def upgrade(self, keys: UnlockedKeys, password: str) -> bool:
        """After ``keys.username`` signed in with ``password``: make their slot again if it is
        format 1 or weaker than the policy's default, and give a format 1 recovery slot its
        MAC. Returns True if the file was written. Does nothing while a key change is in
        progress. The password rule is not applied: it is already this person's password."""
        if keys.username is None or self._document.rotation is not None:
            return False
        slot = self._slot(keys.username)
        default = kdf_policy().default
        stale = slot.legacy or slot.kdf.params.weaker_than(default)
        unsigned = self._document.recovery.mac is None
        if not (stale or unsigned):
            return False
        self._require_own_key(keys.current)
        params = default if stale else slot.kdf.params
        new_slot = password_slot(keys.current, self.store_id, slot.username, password, params)

        def update(document: KeySlotDocument) -> KeySlotDocument:
            if stale:
                document = document.with_slot(new_slot)
            if document.recovery.mac is None:
                signed = signed_recovery(document.recovery, keys.current, self.store_id)
                document = document.model_copy(update={"recovery": signed})
            return document

        self._change(update)
        _log.info("Brought the key slot for %s up to date in %s", slot.username, self._path)
        return True

    def replace_recovery_key(self, data_key: bytes, new_public_key_pem: bytes) -> None:
        """Seal the data key to a new trust recovery key (replacing the old slot) and save."""
        self._require_own_key(data_key)
        self._refuse_during_rotation()
        recovery = recovery_slot(data_key, new_public_key_pem, self.store_id)
        self._change(lambda document: document.model_copy(update={"recovery": recovery}))
        _log.info("Recovery key of %s is now %s", self._path, recovery.fingerprint)

    # ------------------------------------------------------------ changing the data key

    def begin_rotation(
        self, data_key: bytes, removing: str, *, recovery_public_key_pem: bytes | None = None
    ) -> bytes:
        """Start removing ``removing``'s account: make a next data key, seal it for every
        other account and for the recovery key, and save that beside the current slots.
        Returns the next key; the caller re-encrypts the store with it, then calls
        :meth:`finish_rotation` (or :meth:`abandon_rotation` if that failed).

        Refused, changing nothing, while any other account's slot is still format 1 (only its
        owner's password can bring it up to date), or when the file does not hold the
        recovery public key and ``recovery_public_key_pem`` does not give it.
        """
        self._require_own_key(data_key)
        self._refuse_during_rotation()
        name = self.require_account(removing)
        legacy = [user for user in self.legacy_users() if user != name]
        if legacy:
            raise UserFacingError(
                "The store's key cannot be changed yet, so the account was not removed: the key "
                f"slots of {', '.join(legacy)} were made by an older RPR. Each of them signs in "
                "once (or has their password reset), then remove the account again."
            )
        recovery = self._recovery_with_public_key(data_key, recovery_public_key_pem)
        rotation, next_key = new_rotation(self._document, recovery, name)
        self._change(
            lambda document: document.model_copy(
                update={"recovery": recovery, "rotation": rotation}
            )
        )
        _log.info("Key change begun in %s (removing the account %s)", self._path, name)
        return next_key

    def finish_rotation(self, next_key: bytes) -> None:
        """Fold the key change in, once the store is encrypted with ``next_key``: every
        remaining slot holds the next key, the removed account's slot is gone. Idempotent
        with respect to a crash: until it is saved, the file still opens the store."""
        rotation = self._document.rotation
        if rotation is None or not self._commits_to(next_key, rotation.key_check):
            raise Locked("That key does not belong to the key change in progress.")

        def fold(document: KeySlotDocument) -> KeySlotDocument:
            if document.rotation != rotation:
                raise damaged(self._path, "changed while the store's key was being changed")
            return folded(document, next_key)

        self._change(fold)
        _log.info("Key change finished in %s; %s removed", self._path, rotation.removes)

    def abandon_rotation(self) -> None:
        """Drop a key change that never reached the store (it is still on the current key):
        the account that was being removed keeps its slot, as if nothing had happened."""
        if self._document.rotation is None:
            return
        removes = self._document.rotation.removes
        self._change(lambda document: document.model_copy(update={"rotation": None}))
        _log.info("Key change abandoned in %s; %s keeps its slot", self._path, removes)

    # ------------------------------------------------------------ checks

    def problems(self, data_key: bytes) -> list[str]:
        """What is wrong with the slots, checked under the data key (for verify and status):
        a slot or the recovery slot whose MAC fails has been changed or damaged since it was
        made. Needs no password and no recovery private key."""
        if not self._is_own_key(data_key):
            return [f"{self._path.name}: does not hold this store's key"]
        return [
            f"{self._path.name}: {problem}" for problem in slot_problems(self._document, data_key)
        ]

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
            raise Locked(NO_ACCOUNT)
        return slot

    def _open_sealed(self, sealed: bytes, private_key: bytes, info: bytes, where: str) -> bytes:
        try:
            return open_sealed_key(sealed, private_key, info)
        except WrongKey:
            raise damaged(self._path, f"is damaged: {where} does not open") from None

    def _save_slot(self, data_key: bytes, name: str, password: str, params: KdfParams) -> None:
        self._require_own_key(data_key)
        self._refuse_during_rotation()
        slot = password_slot(data_key, self.store_id, name, password, params)
        self._change(lambda document: document.with_slot(slot))
        _log.info("Saved the key slot for %s in %s", name, self._path)

    def _recovery_with_public_key(self, data_key: bytes, given_pem: bytes | None) -> RecoverySlot:
        recovery = self._document.recovery
        if recovery.public_key is not None:
            return recovery
        if given_pem is None:
            raise UserFacingError(
                "The store's key cannot be changed yet, so the account was not removed: its "
                "key-slot file was made by an older RPR and does not hold the trust's recovery "
                f"public key. Give the recovery public key ({recovery.fingerprint})."
            )
        if public_key_fingerprint(given_pem) != recovery.fingerprint:
            raise UserFacingError(
                "That is not this store's recovery public key: it needs the key with "
                f"fingerprint {recovery.fingerprint}. Nothing was changed."
            )
        with_key = recovery.model_copy(
            update={"public_key": given_pem.decode("ascii").strip() + "\n"}
        )
        return signed_recovery(with_key, data_key, self.store_id)

    def _refuse_during_rotation(self) -> None:
        if self._document.rotation is not None:
            raise UserFacingError(
                "A change of the store's key is in progress; sign in again to finish it, "
                "then try again. Nothing was changed."
            )

    def _commits_to(self, data_key: bytes, key_check: bytes) -> bool:
        if not isinstance(data_key, bytes) or len(data_key) != KEY_BYTES:
            return False
        return hmac.compare_digest(key_check_value(data_key, self.store_id), key_check)

    def _is_own_key(self, data_key: bytes) -> bool:
        return self._commits_to(data_key, self._document.key_check)

    def _verified(self, data_key: bytes, source: str, key_check: bytes | None = None) -> bytes:
        if not self._commits_to(data_key, key_check or self._document.key_check):
            raise damaged(self._path, f"is damaged: {source} does not hold this store's key")
        return data_key

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
