"""The cryptography of key slots: deriving, wrapping and unwrapping the store's data key.

One random 256-bit *data key* opens the SQLCipher store. It is kept only wrapped:

- for each staff member: a key pair of their own (X25519). Argon2id(password, 16-byte salt)
  gives a 32-byte key-encryption key (KEK), which seals the private half with AES-256-GCM under
  a fresh 12-byte nonce; the data key is sealed to the public half with HPKE (RFC 9180: DHKEM
  X25519, HKDF-SHA256, AES-256-GCM). Because the data key is sealed to a *public* key, RPR can
  change the data key and seal the new one for every remaining account without knowing their
  passwords — which is what removing an account needs (design.md: "When an account is removed
  the key is rotated"). The associated data and the HPKE ``info`` name the store, the slot type
  and the username, so a slot cannot be moved to another user or another store;
- format 1 slots (written before key rotation existed) seal the data key under the KEK
  directly; they are read, and replaced by a format 2 slot at the owner's next sign-in;
- by the trust's recovery public key: RSA-OAEP with SHA-256 (and MGF1-SHA-256), whose OAEP
  label binds the store in the same way. Only keys of at least 3072 bits are accepted.

Every slot also carries an HMAC under the data key (:func:`slot_mac`), so a damaged slot —
above all the recovery slot, which nobody uses until the day it is needed — is found by any
signed-in check, without the recovery private key.

This module does no I/O and keeps no state; :mod:`app.store.keyslots` stores the results.
Nothing here logs, and no message raised here holds a key, a password or a passphrase.
Python cannot reliably wipe memory, so keys live in ordinary ``bytes`` for as short a time as
the callers allow.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Final

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from app.models.errors import Locked, RprError, UserFacingError

#: Length of the data key and of every key-encryption key, in bytes (256 bits).
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
#: AES-GCM appends a 16-byte tag, so a wrapped data key is 48 bytes.
WRAPPED_KEY_BYTES = KEY_BYTES + 16
#: The smallest recovery key RPR accepts (NIST SP 800-57: 3072-bit RSA ≈ 128-bit security).
MIN_RECOVERY_KEY_BITS = 3072
#: Argon2 version 1.3 (0x13), the only one we write or read.
ARGON2ID_VERSION: Final = 19

#: Bounds on Argon2id parameters, checked before any derivation: a damaged or hostile key-slot
#: file must not make sign-in allocate gigabytes or spin for minutes. The worst case allowed
#: (10 passes over 256 MiB) costs about 13× the default, about a second on a ward PC.
MAX_TIME_COST = 10
MAX_MEMORY_KIB = 256 * 1024
MAX_PARALLELISM = 8
#: Argon2's own floor: 8 KiB of memory per lane.
MIN_MEMORY_KIB_PER_LANE = 8

_FINGERPRINT_PREFIX = "sha256:"
_DOMAIN = "rpr-keyslot"
_HPKE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
X25519_BYTES = 32
#: An HPKE-sealed data key: the 32-byte encapsulated key, the 32-byte key and a 16-byte tag.
SEALED_KEY_BYTES = X25519_BYTES + KEY_BYTES + 16
MAC_BYTES = 32


class WrongKey(RprError):
    """An unwrap failed authentication: wrong password, wrong key, or altered slot bytes.

    Internal to the store; :mod:`app.store.keyslots` turns it into a user-facing error that
    names the user or the expected recovery key.
    """


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost parameters, stored with each password slot so they can be raised later.

    ``memory_kib`` is in KiB. Construction refuses values outside the bounds above with a
    :class:`ValueError` (a programming error; a file holding them is reported as damaged).
    """

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.time_cost <= MAX_TIME_COST:
            raise ValueError(f"Argon2 time_cost must be between 1 and {MAX_TIME_COST}")
        if not 1 <= self.parallelism <= MAX_PARALLELISM:
            raise ValueError(f"Argon2 parallelism must be between 1 and {MAX_PARALLELISM}")
        low = MIN_MEMORY_KIB_PER_LANE * self.parallelism
        if not low <= self.memory_kib <= MAX_MEMORY_KIB:
            raise ValueError(
                f"Argon2 memory_kib must be between 8 × parallelism and {MAX_MEMORY_KIB}"
            )

    def weaker_than(self, other: KdfParams) -> bool:
        """True when guessing a password under these parameters is cheaper than under
        ``other``: less memory, or less memory × passes."""
        return (
            self.memory_kib < other.memory_kib
            or self.memory_kib * self.time_cost < other.memory_kib * other.time_cost
        )


@dataclass(frozen=True, slots=True)
class KdfPolicy:
    """The Argon2id parameters new slots get (``default``) and the least a new slot may have
    (``minimum``: OWASP's floor for Argon2id, 19 MiB and 2 passes). A slot weaker than
    ``default`` is made again at its owner's next sign-in."""

    default: KdfParams = KdfParams()
    minimum: KdfParams = KdfParams(time_cost=2, memory_kib=19 * 1024, parallelism=1)


_policy = KdfPolicy()


def kdf_policy() -> KdfPolicy:
    """The policy in force (see :class:`KdfPolicy`)."""
    return _policy


def set_kdf_policy(policy: KdfPolicy) -> KdfPolicy:
    """Replace the policy and return the previous one. Only tests and benchmarks call this
    (they make hundreds of throwaway stores); the product runs with :class:`KdfPolicy`'s
    values."""
    global _policy  # one process-wide policy, swapped only by tests
    previous, _policy = _policy, policy
    return previous


def require_strong_enough(params: KdfParams) -> None:
    """Refuse parameters below the policy's minimum for a new slot (:class:`UserFacingError`)."""
    minimum = kdf_policy().minimum
    if params.weaker_than(minimum) or params.time_cost < minimum.time_cost:
        raise UserFacingError(
            "The key derivation settings are weaker than RPR allows for a new key slot "
            f"(at least {minimum.memory_kib} KiB of memory and {minimum.time_cost} passes)."
        )


def generate_data_key() -> bytes:
    """A fresh random 256-bit data key for a new store."""
    return secrets.token_bytes(KEY_BYTES)


def check_data_key(data_key: bytes) -> None:
    """Refuse anything that is not a 32-byte key (a programming error, not a user's)."""
    if not isinstance(data_key, bytes) or len(data_key) != KEY_BYTES:
        raise ValueError(f"a data key is {KEY_BYTES} bytes")


def key_check_value(data_key: bytes, store_id: str) -> bytes:
    """HMAC-SHA-256 commitment to the data key, stored so a wrong key is caught before use.

    It reveals nothing useful about a random 256-bit key and lets the store refuse to wrap a
    key that does not belong to it (which would lock a user out for good).
    """
    check_data_key(data_key)
    message = _context(store_id, "key-check")
    return hmac.new(data_key, message, hashlib.sha256).digest()


def _context(store_id: str, *parts: str) -> bytes:
    # JSON of a list is an unambiguous encoding: no choice of username can forge a separator.
    return json.dumps([_DOMAIN, 1, store_id, *parts], separators=(",", ":")).encode()


def password_slot_aad(store_id: str, username: str) -> bytes:
    """The AES-GCM associated data that binds a password slot to its store and user."""
    return _context(store_id, "password", username)


def recovery_slot_label(store_id: str) -> bytes:
    """The OAEP label that binds the recovery slot to its store."""
    return _context(store_id, "rsa-oaep-sha256")


def sealed_key_info(store_id: str, username: str) -> bytes:
    """The HPKE ``info`` that binds a data key sealed to a user's public key to that user and
    store."""
    return _context(store_id, "data-key", username)


def slot_mac(data_key: bytes, store_id: str, *fields: str) -> bytes:
    """HMAC-SHA-256 under the data key of a slot's fields (each already text: base64, names,
    numbers). A slot changed by even one bit fails it; only the data key's holder can make
    one."""
    check_data_key(data_key)
    return hmac.new(data_key, _context(store_id, "slot-mac", *fields), hashlib.sha256).digest()


def mac_matches(expected: bytes, data_key: bytes, store_id: str, *fields: str) -> bool:
    """Whether ``expected`` is the :func:`slot_mac` of ``fields`` (in constant time)."""
    return hmac.compare_digest(expected, slot_mac(data_key, store_id, *fields))


# ---------------------------------------------------------------- per-user key pairs


def new_user_key_pair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair as raw bytes: (private, public)."""
    private = x25519.X25519PrivateKey.generate()
    return (
        private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        ),
        private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        ),
    )


def seal_data_key(data_key: bytes, public_key: bytes, info: bytes) -> bytes:
    """HPKE-seal ``data_key`` to the raw X25519 ``public_key`` (fresh ephemeral key each time)."""
    check_data_key(data_key)
    try:
        recipient = x25519.X25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        raise WrongKey from None
    return _HPKE.encrypt(data_key, recipient, info=info)


def open_sealed_key(sealed: bytes, private_key: bytes, info: bytes) -> bytes:
    """The data key in ``sealed``. Raises :class:`WrongKey` if it does not open."""
    try:
        recipient = x25519.X25519PrivateKey.from_private_bytes(private_key)
        return _HPKE.decrypt(sealed, recipient, info=info)
    except (InvalidTag, ValueError):
        raise WrongKey from None


# ---------------------------------------------------------------- password slots


def _password_bytes(password: str) -> bytes:
    # NFC so that the same password typed through different keyboards or input methods
    # gives the same bytes (as RFC 8265's OpaqueString profile does).
    return unicodedata.normalize("NFC", password).encode("utf-8")


def derive_kek(password: str, salt: bytes, params: KdfParams) -> bytes:
    """Argon2id(password, salt) → 32-byte key-encryption key."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"an Argon2 salt here is {SALT_BYTES} bytes")
    return bytes(
        hash_secret_raw(
            secret=_password_bytes(password),
            salt=salt,
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
            version=ARGON2ID_VERSION,
        )
    )


@dataclass(frozen=True, slots=True, repr=False)
class PasswordWrap:
    """A 32-byte secret (a user's private key; in format 1 the data key itself) sealed under a
    password: everything a slot must store (no secrets)."""

    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def __repr__(self) -> str:
        return "PasswordWrap(…)"


def wrap_with_password(secret: bytes, password: str, aad: bytes, params: KdfParams) -> PasswordWrap:
    """Seal the 32-byte ``secret`` under ``password`` with a fresh salt and nonce."""
    check_data_key(secret)
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    kek = derive_kek(password, salt, params)
    return PasswordWrap(salt, nonce, AESGCM(kek).encrypt(nonce, secret, aad))


def unwrap_with_password(
    wrapped: PasswordWrap, password: str, aad: bytes, params: KdfParams
) -> bytes:
    """The secret sealed in ``wrapped``. Raises :class:`WrongKey` if it does not open."""
    kek = derive_kek(password, wrapped.salt, params)
    try:
        return AESGCM(kek).decrypt(wrapped.nonce, wrapped.ciphertext, aad)
    except InvalidTag:
        raise WrongKey from None


# ---------------------------------------------------------------- the recovery key


def _oaep(label: bytes) -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=label)


def _require_strong(key: rsa.RSAPublicKey | rsa.RSAPrivateKey) -> None:
    if key.key_size < MIN_RECOVERY_KEY_BITS:
        raise UserFacingError(
            f"The recovery key is RSA-{key.key_size}; RPR needs an RSA key of at least "
            f"{MIN_RECOVERY_KEY_BITS} bits. Ask the trust for its current recovery key."
        )


def fingerprint_of(key: rsa.RSAPublicKey) -> str:
    """``sha256:<hex>`` of the key's DER SubjectPublicKeyInfo."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return _FINGERPRINT_PREFIX + hashlib.sha256(der).hexdigest()


def public_key_fingerprint(public_pem: bytes) -> str:
    """The fingerprint (``sha256:<64 hex>``) of a recovery public key given as PEM."""
    return fingerprint_of(load_recovery_public_key(public_pem))


def load_recovery_public_key(public_pem: bytes) -> rsa.RSAPublicKey:
    """Read a PEM SubjectPublicKeyInfo RSA key of at least 3072 bits, or explain why not."""
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, UnsupportedAlgorithm):
        raise UserFacingError("The recovery public key is not a readable PEM public key.") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise UserFacingError("The recovery public key must be an RSA key.")
    _require_strong(key)
    return key


def _pem_is_encrypted(private_pem: bytes) -> bool:
    return b"ENCRYPTED PRIVATE KEY" in private_pem or b"Proc-Type: 4,ENCRYPTED" in private_pem


def load_recovery_private_key(
    private_pem: bytes, passphrase: bytes | None = None
) -> rsa.RSAPrivateKey:
    """Read a PEM RSA private key, encrypted with ``passphrase`` or not.

    A wrong or missing passphrase raises :class:`Locked`; an unreadable or unsuitable key
    raises :class:`UserFacingError`.
    """
    encrypted = _pem_is_encrypted(private_pem)
    if encrypted and not passphrase:
        raise Locked("The recovery private key is protected by a passphrase; enter it.")
    try:
        key = serialization.load_pem_private_key(
            private_pem, password=passphrase if encrypted else None
        )
    except ValueError:
        if encrypted:
            raise Locked("The passphrase for the recovery private key is not right.") from None
        raise UserFacingError("The recovery private key is not a readable PEM key.") from None
    except (TypeError, UnsupportedAlgorithm):
        raise UserFacingError("The recovery private key is not a readable PEM key.") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise UserFacingError("The recovery private key must be an RSA key.")
    _require_strong(key)
    return key


def wrap_with_recovery_key(data_key: bytes, key: rsa.RSAPublicKey, label: bytes) -> bytes:
    """RSA-OAEP-SHA-256 encryption of ``data_key`` to the trust's recovery key."""
    check_data_key(data_key)
    _require_strong(key)
    return key.encrypt(data_key, _oaep(label))


def unwrap_with_recovery_key(ciphertext: bytes, key: rsa.RSAPrivateKey, label: bytes) -> bytes:
    """The data key in ``ciphertext``. Raises :class:`WrongKey` if it does not decrypt."""
    try:
        return key.decrypt(ciphertext, _oaep(label))
    except ValueError:
        raise WrongKey from None


def generate_recovery_key_pair(
    bits: int = MIN_RECOVERY_KEY_BITS, passphrase: bytes | None = None
) -> tuple[bytes, bytes]:
    """A new recovery key pair as ``(private_pem, public_pem)``.

    The private key is PKCS#8, encrypted with ``passphrase`` (the library's best available
    scheme) when one is given; the trust keeps it offline. The public key is a PEM
    SubjectPublicKeyInfo, which is what each ward PC needs.
    """
    if bits < MIN_RECOVERY_KEY_BITS:
        raise UserFacingError(
            f"A recovery key must have at least {MIN_RECOVERY_KEY_BITS} bits, not {bits}."
        )
    if passphrase is not None and not passphrase:
        raise UserFacingError("A recovery key passphrase must not be empty.")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem
