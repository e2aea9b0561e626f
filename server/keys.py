"""The trust's recovery key pair (``rpr-server admin init-trust``).

Every ward PC's store wraps its data key to the trust's recovery public key, so a forgotten
password or a re-imaged PC never loses records (design.md "Encryption at rest"). The ward
store accepts RSA of at least 3072 bits used with OAEP-SHA-256; the trust server makes 4096.
The files are the same format as ``rpr recovery-keygen``: the private key PKCS#8 PEM encrypted
with a passphrase, the public key SubjectPublicKeyInfo PEM. The private half belongs offline.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.models.errors import UserFacingError

#: The size of key the trust server makes.
KEY_BITS = 4096
#: The smallest a ward store accepts (NIST SP 800-57: 3072-bit RSA ≈ 128-bit security).
MIN_KEY_BITS = 3072


def new_recovery_key_pair(passphrase: bytes) -> tuple[bytes, bytes]:
    """(private PEM encrypted with ``passphrase``, public PEM) of a new RSA-4096 key."""
    if not passphrase:
        raise UserFacingError("passphrase: the recovery private key needs a passphrase")
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def checked_public_key(public_pem: bytes) -> str:
    """``public_pem`` as text if it is an RSA public key a ward store accepts."""
    try:
        key = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError):
        raise UserFacingError("The recovery public key is not a readable PEM public key.") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise UserFacingError("The recovery public key must be an RSA key.")
    if key.key_size < MIN_KEY_BITS:
        raise UserFacingError(
            f"The recovery public key has {key.key_size} bits; ward PCs need at least "
            f"{MIN_KEY_BITS}."
        )
    return public_pem.decode("ascii")


def write_new_file(path: Path, content: bytes, *, private: bool) -> None:
    """Write ``content`` to a file that must not exist yet (0600 when ``private``: the mode
    is set as the file is made, before anything is written)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o600 if private else 0o644)
    except FileExistsError:
        raise UserFacingError(f"{path} already exists; nothing was written.") from None
    except OSError as exc:
        raise UserFacingError(f"{path} cannot be written ({exc.strerror}).") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())
