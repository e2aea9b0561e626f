"""The key-slot file's format: its schema, validation on load, and crash-safe writing.

See :mod:`app.store.keyslots` for the format description and the contracts.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import json
import logging
import os
import re
import secrets
import stat
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)

from app.models.clock import as_utc
from app.models.errors import DiskFull, StoreDamaged, UserFacingError, problems_from
from app.store.keyslot_crypto import (
    KEY_BYTES,
    MAC_BYTES,
    MAX_MEMORY_KIB,
    MAX_PARALLELISM,
    MAX_TIME_COST,
    MIN_MEMORY_KIB_PER_LANE,
    MIN_RECOVERY_KEY_BITS,
    NONCE_BYTES,
    SALT_BYTES,
    SEALED_KEY_BYTES,
    WRAPPED_KEY_BYTES,
    X25519_BYTES,
    KdfParams,
)
from app.store.layout import fsync_directory
from app.store.sharing import PRIVATE, Modes, modes_for, open_new

_log = logging.getLogger("rpr.store.keyslots")

KEYSLOT_FILE_NAME: Final = "keyslots.json"
#: The format this version writes. Format 1 (no key pairs, no MACs) is still read.
FORMAT_VERSION: Final = 2
READABLE_FORMATS: Final = (1, 2)
_MAX_FILE_BYTES = 1 << 20
_MAX_SLOTS = 1000
_MAX_PEM_CHARS = 8192
_USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._@-]{0,127}$"
USERNAME_RE = re.compile(_USERNAME_PATTERN)


class KeySlotFileMissing(StoreDamaged):
    """There is no key-slot file where one was expected."""


# ---------------------------------------------------------------- the file's schema


def _from_base64(value: object) -> object:
    if isinstance(value, str):
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except ValueError:  # binascii.Error and UnicodeEncodeError are ValueErrors
            raise ValueError("is not base64") from None
    return value


def _to_base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def canonical_uuid(value: str) -> str:
    try:
        parsed = UUID(value)
    except ValueError:
        raise ValueError("is not a UUID") from None
    if str(parsed) != value:
        raise ValueError("is not a UUID in canonical form")
    return value


Base64Bytes = Annotated[
    bytes,
    BeforeValidator(_from_base64),
    PlainSerializer(_to_base64, return_type=str, when_used="json"),
]
UtcInstant = Annotated[AwareDatetime, AfterValidator(as_utc)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KdfRecord(_Record):
    """Argon2id parameters and salt of one password slot (bounded before any derivation)."""

    alg: Literal["argon2id"]
    version: Literal[19]
    t: int = Field(ge=1, le=MAX_TIME_COST)
    m: int = Field(ge=MIN_MEMORY_KIB_PER_LANE, le=MAX_MEMORY_KIB)
    p: int = Field(ge=1, le=MAX_PARALLELISM)
    salt: Base64Bytes = Field(min_length=SALT_BYTES, max_length=SALT_BYTES)

    @model_validator(mode="after")
    def _memory_covers_lanes(self) -> KdfRecord:
        if self.m < MIN_MEMORY_KIB_PER_LANE * self.p:
            raise ValueError("m: must be at least 8 × p")
        return self

    @property
    def params(self) -> KdfParams:
        """The cost parameters as :class:`KdfParams`."""
        return KdfParams(time_cost=self.t, memory_kib=self.m, parallelism=self.p)

    def mac_fields(self) -> tuple[str, ...]:
        """The fields a slot's MAC covers, as text."""
        return (self.alg, str(self.version), str(self.t), str(self.m), str(self.p), b64(self.salt))


def b64(value: bytes) -> str:
    """Standard base64 text of ``value`` (as the file holds it)."""
    return _to_base64(value)


def _instant(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


class PasswordSlot(_Record):
    """One staff member's slot. Format 2: ``private_key`` (their X25519 private key sealed under
    the password), ``public_key``, ``data_key`` (the data key sealed to the public key) and
    ``mac``. Format 1 (legacy, made again at the next sign-in): ``ciphertext``, the data key
    sealed under the password itself."""

    type: Literal["password"]
    username: str = Field(pattern=_USERNAME_PATTERN)
    kdf: KdfRecord
    nonce: Base64Bytes = Field(min_length=NONCE_BYTES, max_length=NONCE_BYTES)
    private_key: Base64Bytes | None = Field(
        default=None, min_length=WRAPPED_KEY_BYTES, max_length=WRAPPED_KEY_BYTES, repr=False
    )
    public_key: Base64Bytes | None = Field(
        default=None, min_length=X25519_BYTES, max_length=X25519_BYTES
    )
    data_key: Base64Bytes | None = Field(
        default=None, min_length=SEALED_KEY_BYTES, max_length=SEALED_KEY_BYTES, repr=False
    )
    mac: Base64Bytes | None = Field(default=None, min_length=MAC_BYTES, max_length=MAC_BYTES)
    ciphertext: Base64Bytes | None = Field(
        default=None, min_length=WRAPPED_KEY_BYTES, max_length=WRAPPED_KEY_BYTES, repr=False
    )
    created_at: UtcInstant

    @model_validator(mode="after")
    def _one_form(self) -> PasswordSlot:
        modern = (self.private_key, self.public_key, self.data_key, self.mac)
        if self.ciphertext is not None:
            if any(part is not None for part in modern):
                raise ValueError("ciphertext: a format 1 slot holds nothing of format 2")
        elif any(part is None for part in modern):
            raise ValueError("private_key: a slot needs private_key, public_key, data_key and mac")
        return self

    @property
    def legacy(self) -> bool:
        """A format 1 slot (data key sealed under the password; no key pair, no MAC)."""
        return self.ciphertext is not None

    def mac_fields(self) -> tuple[str, ...]:
        """What :attr:`mac` covers: every field but the MAC itself."""
        parts = (self.private_key, self.public_key, self.data_key)
        return (
            self.type,
            self.username,
            *self.kdf.mac_fields(),
            b64(self.nonce),
            *(b64(part) if part is not None else "" for part in parts),
            _instant(self.created_at),
        )


class RecoverySlot(_Record):
    """The data key wrapped to the trust's recovery public key. Format 2 keeps the public key
    itself (so the data key can be changed without the trust's help) and a MAC."""

    type: Literal["rsa-oaep-sha256"]
    fingerprint: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    public_key: str | None = Field(default=None, max_length=_MAX_PEM_CHARS)
    ciphertext: Base64Bytes = Field(
        min_length=MIN_RECOVERY_KEY_BITS // 8, max_length=2048, repr=False
    )
    mac: Base64Bytes | None = Field(default=None, min_length=MAC_BYTES, max_length=MAC_BYTES)
    created_at: UtcInstant

    def mac_fields(self) -> tuple[str, ...]:
        """What :attr:`mac` covers: every field but the MAC itself."""
        return (
            self.type,
            self.fingerprint,
            self.public_key or "",
            b64(self.ciphertext),
            _instant(self.created_at),
        )


class SealedKey(_Record):
    """The next data key sealed to one account's public key (during a key change)."""

    username: str = Field(pattern=_USERNAME_PATTERN)
    data_key: Base64Bytes = Field(
        min_length=SEALED_KEY_BYTES, max_length=SEALED_KEY_BYTES, repr=False
    )


class Rotation(_Record):
    """A change of data key in progress (removing ``removes``' account). Written before the
    store is re-encrypted and folded into the slots after, so a crash at any moment leaves a
    file that opens whichever key the store is encrypted with (see ``keyslots``)."""

    key_check: Base64Bytes = Field(min_length=KEY_BYTES, max_length=KEY_BYTES, repr=False)
    removes: str = Field(pattern=_USERNAME_PATTERN)
    data_keys: tuple[SealedKey, ...]
    recovery: Base64Bytes = Field(
        min_length=MIN_RECOVERY_KEY_BITS // 8, max_length=2048, repr=False
    )
    started_at: UtcInstant

    def sealed_for(self, username: str) -> bytes | None:
        """The next key sealed for ``username``, if they keep their account."""
        return next((s.data_key for s in self.data_keys if s.username == username), None)


class KeySlotDocument(_Record):
    """The whole content of ``keyslots.json``."""

    format: Literal[1, 2]
    store_id: Annotated[str, AfterValidator(canonical_uuid)]
    key_check: Base64Bytes = Field(min_length=KEY_BYTES, max_length=KEY_BYTES, repr=False)
    slots: tuple[PasswordSlot, ...] = Field(max_length=_MAX_SLOTS)
    recovery: RecoverySlot
    rotation: Rotation | None = None

    @model_validator(mode="after")
    def _consistent(self) -> KeySlotDocument:
        names = [slot.username for slot in self.slots]
        if len(names) != len(set(names)):
            raise ValueError("slots: two slots name the same user")
        if self.format == 1 and (
            self.rotation is not None
            or self.recovery.mac is not None
            or any(not slot.legacy for slot in self.slots)
        ):
            raise ValueError("format: format 1 holds only format 1 slots")
        if self.format == 2 and self.recovery.mac is None:
            # Only a format 1 file may hold a recovery slot without its MAC: one stripped from
            # a format 2 file would otherwise be signed, unchecked, at the next sign-in.
            raise ValueError("mac: the recovery slot of a format 2 file must have its MAC")
        return self

    def slot_for(self, username: str) -> PasswordSlot | None:
        """The slot of ``username`` (already normalised), if it has one."""
        return next((slot for slot in self.slots if slot.username == username), None)

    def without_user(self, username: str) -> KeySlotDocument:
        """A copy without ``username``'s slot."""
        kept = tuple(slot for slot in self.slots if slot.username != username)
        return self.model_copy(update={"slots": kept})

    def with_slot(self, slot: PasswordSlot) -> KeySlotDocument:
        """A copy in which ``slot`` adds or replaces its user's slot."""
        kept = self.without_user(slot.username).slots
        return self.model_copy(update={"slots": (*kept, slot)})


# ---------------------------------------------------------------- reading and writing


def damaged(path: Path, problem: str) -> StoreDamaged:
    return StoreDamaged(f"The key-slot file {path} {problem}.")


class _DuplicateKeyError(ValueError):
    pass


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKeyError
    return result


def parse_document(path: Path, data: bytes) -> KeySlotDocument:
    """Validate the bytes of a key-slot file; :class:`StoreDamaged` names what is wrong."""
    if len(data) > _MAX_FILE_BYTES:
        raise damaged(path, "is too large to be a key-slot file")
    try:
        raw = json.loads(data.decode("utf-8"), object_pairs_hook=_refuse_duplicate_keys)
    except UnicodeDecodeError:
        raise damaged(path, "is not UTF-8 text") from None
    except _DuplicateKeyError:
        raise damaged(path, "repeats a key in one JSON object") from None
    except json.JSONDecodeError as exc:
        raise damaged(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError):
        raise damaged(path, "is not valid JSON") from None
    if not isinstance(raw, dict):
        raise damaged(path, "does not hold a JSON object")
    version = raw.get("format")
    if isinstance(version, bool) or not isinstance(version, int):
        raise damaged(path, "has no format version")
    if version not in READABLE_FORMATS:
        raise damaged(
            path,
            f"has format version {version}, which this version of RPR cannot read (it reads "
            f"versions up to {FORMAT_VERSION}); a newer RPR may have written it",
        )
    try:
        return KeySlotDocument.model_validate(raw)
    except ValidationError as exc:
        listed = "; ".join(str(problem) for problem in problems_from(exc))
        raise damaged(path, f"is not a valid key-slot file — {listed}") from None


class NotARegularFile(OSError):
    """The path names a folder, a pipe or a device rather than a file."""


def read_regular_file(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (so a caller can tell a file
    that is too large). A pipe or device is refused before any read (it could block or never
    end); a folder too. Never writes. Raises :class:`OSError` (incl. :class:`NotARegularFile`).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
        return stream.read(limit + 1)


def read_document(path: Path) -> KeySlotDocument:
    """Read and validate ``path``. Never writes."""
    try:
        data = read_regular_file(path, _MAX_FILE_BYTES)
    except NotARegularFile:
        raise damaged(path, "is not a regular file") from None
    except FileNotFoundError:
        raise KeySlotFileMissing(
            f"The key-slot file {path} is missing, so the store next to it cannot be opened. "
            "Restore it from the same backup as the store."
        ) from None
    except OSError as exc:
        raise UserFacingError(f"Could not read the key-slot file {path}: {exc.strerror}") from None
    return parse_document(path, data)


def _link_without_clobbering(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)  # atomic, and fails if the target exists
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some shares)
        if target.exists():
            raise FileExistsError(target) from None
        temp.replace(target)
    else:
        with contextlib.suppress(OSError):  # the new file is in place; a stray link is harmless
            temp.unlink()


def write_file_atomically(
    path: Path, data: bytes, *, overwrite: bool = True, modes: Modes = PRIVATE
) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new, never half.

    The temporary file is made in the same directory with ``modes.file`` (owner-only unless
    given; see :mod:`app.store.sharing`) from its creation (before any byte is written),
    written unbuffered and fsynced, then renamed onto ``path`` and the directory fsynced.
    With ``overwrite=False`` an existing ``path`` raises ``FileExistsError``. On failure the
    temporary file is removed and the error re-raised.
    """
    temp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = open_new(temp, flags, modes)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            temp.replace(path)
        else:
            _link_without_clobbering(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    fsync_directory(path.parent)


def save_document(path: Path, document: KeySlotDocument, *, overwrite: bool) -> None:
    """Write ``document`` (always in the current format) crash-safely; failures become
    :class:`UserFacingError` saying the previous file is unchanged."""
    current = document.model_copy(update={"format": FORMAT_VERSION})
    text = json.dumps(current.model_dump(mode="json", exclude_none=True), indent=2) + "\n"
    try:
        write_file_atomically(
            path, text.encode("utf-8"), overwrite=overwrite, modes=modes_for(path.parent)
        )
    except FileExistsError:
        raise UserFacingError(
            f"A key-slot file already exists at {path}; RPR will not overwrite it."
        ) from None
    except OSError as exc:
        kind = DiskFull if exc.errno in (errno.ENOSPC, errno.EDQUOT) else UserFacingError
        raise kind(
            f"Could not save the key-slot file {path}: {exc.strerror or 'the write failed'}. "
            "The previous version is unchanged."
        ) from None
