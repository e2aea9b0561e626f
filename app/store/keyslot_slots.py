"""Key slots as values: building and signing them, checking them under the data key, and the
document changes of a change of data key. No file I/O here (that is :mod:`app.store.keyslots`);
see :mod:`app.store.keyslot_crypto` for the cryptography.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.clock import utc_now
from app.models.errors import UserFacingError
from app.store.keyslot_crypto import (
    ARGON2ID_VERSION,
    KdfParams,
    fingerprint_of,
    generate_data_key,
    key_check_value,
    load_recovery_public_key,
    mac_matches,
    new_user_key_pair,
    password_slot_aad,
    recovery_slot_label,
    seal_data_key,
    sealed_key_info,
    slot_mac,
    wrap_with_password,
    wrap_with_recovery_key,
)
from app.store.keyslot_format import (
    USERNAME_RE,
    KdfRecord,
    KeySlotDocument,
    PasswordSlot,
    RecoverySlot,
    Rotation,
    SealedKey,
)

#: The one answer to a username with no slot here: it never repeats what was typed (it may be
#: a password typed into the wrong box).
NO_ACCOUNT = "There is no account with that username on this PC."
_MAC_PLACEHOLDER = bytes(32)


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


@dataclass(frozen=True, slots=True, repr=False)
class UnlockedKeys:
    """What a successful unlock yields: the data key the file holds now and, while a change
    of key is in progress, the next key (for an account that keeps its slot, and for the
    recovery key). Which of them opens the store depends on how far the change got."""

    username: str | None  #: None when opened with the recovery key
    current: bytes
    following: bytes | None

    def candidates(self) -> tuple[bytes, ...]:
        """The keys to try on the store, the next one first."""
        return (self.current,) if self.following is None else (self.following, self.current)

    def __repr__(self) -> str:
        return f"UnlockedKeys(username={self.username!r}, …)"


def signed_slot(slot: PasswordSlot, data_key: bytes, store_id: str) -> PasswordSlot:
    """``slot`` with its MAC under ``data_key``."""
    mac = slot_mac(data_key, store_id, *slot.mac_fields())
    return slot.model_copy(update={"mac": mac})


def signed_recovery(slot: RecoverySlot, data_key: bytes, store_id: str) -> RecoverySlot:
    """``slot`` with its MAC under ``data_key``."""
    mac = slot_mac(data_key, store_id, *slot.mac_fields())
    return slot.model_copy(update={"mac": mac})


def recovery_slot(data_key: bytes, public_pem: bytes, store_id: str) -> RecoverySlot:
    """A signed recovery slot sealing ``data_key`` to the trust's public key (kept in it)."""
    key = load_recovery_public_key(public_pem)
    slot = RecoverySlot(
        type="rsa-oaep-sha256",
        fingerprint=fingerprint_of(key),
        public_key=public_pem.decode("ascii").strip() + "\n",
        ciphertext=wrap_with_recovery_key(data_key, key, recovery_slot_label(store_id)),
        created_at=utc_now(),
    )
    return signed_recovery(slot, data_key, store_id)


def password_slot(
    data_key: bytes, store_id: str, username: str, password: str, kdf: KdfParams
) -> PasswordSlot:
    """A signed format 2 slot for ``username``: a new key pair, its private half sealed under
    ``password``, ``data_key`` sealed to its public half."""
    private, public = new_user_key_pair()
    wrapped = wrap_with_password(private, password, password_slot_aad(store_id, username), kdf)
    slot = PasswordSlot(
        type="password",
        username=username,
        kdf=KdfRecord(
            alg="argon2id",
            version=ARGON2ID_VERSION,
            t=kdf.time_cost,
            m=kdf.memory_kib,
            p=kdf.parallelism,
            salt=wrapped.salt,
        ),
        nonce=wrapped.nonce,
        private_key=wrapped.ciphertext,
        public_key=public,
        data_key=seal_data_key(data_key, public, sealed_key_info(store_id, username)),
        mac=_MAC_PLACEHOLDER,
        created_at=utc_now(),
    )
    return signed_slot(slot, data_key, store_id)


def new_rotation(
    document: KeySlotDocument, recovery: RecoverySlot, removing: str
) -> tuple[Rotation, bytes]:
    """A change of data key removing ``removing``: a next key sealed for every other (format 2)
    account and for ``recovery``'s public key, and the key itself."""
    if recovery.public_key is None:
        raise ValueError("the recovery slot must hold its public key to seal a next key")
    next_key = generate_data_key()
    store_id = document.store_id
    sealed = tuple(
        SealedKey(
            username=slot.username,
            data_key=seal_data_key(
                next_key, slot.public_key, sealed_key_info(store_id, slot.username)
            ),
        )
        for slot in document.slots
        if slot.username != removing and slot.public_key is not None
    )
    rotation = Rotation(
        key_check=key_check_value(next_key, store_id),
        removes=removing,
        data_keys=sealed,
        recovery=wrap_with_recovery_key(
            next_key,
            load_recovery_public_key(recovery.public_key.encode("ascii")),
            recovery_slot_label(store_id),
        ),
        started_at=utc_now(),
    )
    return rotation, next_key


def folded(document: KeySlotDocument, next_key: bytes) -> KeySlotDocument:
    """``document`` with its key change folded in: every remaining slot holds (and is signed
    under) ``next_key``, the removed account's slot is gone, no change is in progress."""
    rotation = document.rotation
    if rotation is None:
        return document
    store_id = document.store_id
    slots = []
    for slot in document.slots:
        sealed = rotation.sealed_for(slot.username)
        if slot.username == rotation.removes or sealed is None:
            continue
        slots.append(signed_slot(slot.model_copy(update={"data_key": sealed}), next_key, store_id))
    recovery = document.recovery.model_copy(update={"ciphertext": rotation.recovery})
    return document.model_copy(
        update={
            "key_check": rotation.key_check,
            "slots": tuple(slots),
            "recovery": signed_recovery(recovery, next_key, store_id),
            "rotation": None,
        }
    )


def slot_problems(document: KeySlotDocument, data_key: bytes) -> list[str]:
    """Slots whose MAC under ``data_key`` fails (changed or damaged since they were made), and
    a recovery slot whose public key does not match its fingerprint."""
    store_id = document.store_id
    found = [
        f"the key slot for {slot.username} is damaged; reset that account's password"
        for slot in document.slots
        if slot.mac is not None
        and not mac_matches(slot.mac, data_key, store_id, *slot.mac_fields())
    ]
    recovery = document.recovery
    intact = recovery.mac is None or mac_matches(
        recovery.mac, data_key, store_id, *recovery.mac_fields()
    )
    if intact and recovery.public_key is not None:
        try:
            key = load_recovery_public_key(recovery.public_key.encode("ascii"))
        except (UserFacingError, UnicodeEncodeError):
            intact = False
        else:
            intact = fingerprint_of(key) == recovery.fingerprint
    if not intact:
        found.append(
            "the recovery slot is damaged, so the trust's recovery key could not open this "
            "store; put the recovery key on it again (trust IT)"
        )
    return found
