"""Key slots: the data key wrapped per user (Argon2id + AES-GCM) and for the trust (RSA-OAEP)
(design.md "Encryption at rest and signing in"). Real files in tmp_path throughout.
"""

import base64
import errno
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.models.errors import Locked, StoreDamaged, UserFacingError
from app.store.keyslot_crypto import PasswordWrap
from app.store.keyslots import (
    KEYSLOT_FILE_NAME,
    NO_ACCOUNT,
    KdfParams,
    KeySlotFile,
    KeySlotFileMissing,
    generate_data_key,
    generate_recovery_key_pair,
    public_key_fingerprint,
)

CHEAP = KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
NURSE, NURSE_PW = "demo.nurse", "Nurse-pass-4-ward-7"
DOCTOR, DOCTOR_PW = "demo.doctor", "d0ctor's own pässword"
PASSPHRASE = b"trust recovery passphrase"

KeyPair = tuple[bytes, bytes]
Snapshot = dict[str, tuple[bytes, int, int]]


@pytest.fixture(scope="module")
def trust_keys() -> KeyPair:
    return generate_recovery_key_pair()


@pytest.fixture(scope="module")
def other_keys() -> KeyPair:
    return generate_recovery_key_pair()


@pytest.fixture(scope="module")
def rsa_2048() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


@pytest.fixture
def data_key() -> bytes:
    return generate_data_key()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / KEYSLOT_FILE_NAME


@pytest.fixture
def slots(path: Path, data_key: bytes, trust_keys: KeyPair) -> KeySlotFile:
    created = KeySlotFile.create(path, data_key, trust_keys[1])
    created.add_user(data_key, NURSE, NURSE_PW, kdf=CHEAP)
    created.add_user(data_key, DOCTOR, DOCTOR_PW, kdf=CHEAP)
    return created


def snapshot(directory: Path) -> Snapshot:
    """Every file in ``directory``: bytes, mtime in ns, mode."""
    return {
        entry.name: (entry.read_bytes(), entry.stat().st_mtime_ns, entry.stat().st_mode)
        for entry in sorted(directory.iterdir())
    }


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = json.loads(path.read_text("utf-8"))
    change(document)
    path.write_text(json.dumps(document), "utf-8")


def flip_first_byte(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """Prove file modes come from creation, not from a kind umask."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# ---------------------------------------------------------------- round trips


def test_each_user_unlocks_the_same_data_key(slots: KeySlotFile, data_key: bytes) -> None:
    assert slots.users() == [DOCTOR, NURSE]
    assert slots.has_user(NURSE)
    assert not slots.has_user("ghost.user")
    assert slots.unlock(NURSE, NURSE_PW).current == data_key
    assert slots.unlock(DOCTOR, DOCTOR_PW).current == data_key

    reopened = KeySlotFile.load(slots.path)
    assert reopened.store_id == slots.store_id
    assert reopened.users() == [DOCTOR, NURSE]
    assert reopened.unlock(NURSE, NURSE_PW).current == data_key
    assert reopened.unlock(DOCTOR, DOCTOR_PW).current == data_key


def test_the_default_argon2_parameters_unlock(
    path: Path, data_key: bytes, trust_keys: KeyPair, production_kdf_policy: object
) -> None:
    slots = KeySlotFile.create(path, data_key, trust_keys[1])
    slots.add_user(data_key, NURSE, NURSE_PW)

    assert slots.kdf_params_for(NURSE) == KdfParams(time_cost=3, memory_kib=65536, parallelism=2)
    kdf = json.loads(path.read_text("utf-8"))["slots"][0]["kdf"]
    assert (kdf["t"], kdf["m"], kdf["p"]) == (3, 65536, 2)
    assert KeySlotFile.load(path).unlock(NURSE, NURSE_PW).current == data_key


def test_the_file_follows_format_2(
    slots: KeySlotFile, path: Path, trust_keys: KeyPair, data_key: bytes
) -> None:
    document = json.loads(path.read_text("utf-8"))

    assert set(document) == {"format", "store_id", "key_check", "slots", "recovery"}
    assert document["format"] == 2
    assert str(UUID(document["store_id"])) == document["store_id"] == slots.store_id
    slot = document["slots"][0]
    assert set(slot) == {
        *("type", "username", "kdf", "nonce", "private_key", "public_key", "data_key"),
        *("mac", "created_at"),
    }
    assert slot["type"] == "password"
    assert slot["kdf"]["alg"] == "argon2id"
    assert slot["kdf"]["version"] == 19
    assert (slot["kdf"]["t"], slot["kdf"]["m"], slot["kdf"]["p"]) == (1, 1024, 1)
    assert len(base64.b64decode(slot["kdf"]["salt"])) == 16
    assert len(base64.b64decode(slot["nonce"])) == 12
    assert len(base64.b64decode(slot["private_key"])) == 48  # X25519 private key + GCM tag
    assert len(base64.b64decode(slot["public_key"])) == 32
    assert len(base64.b64decode(slot["data_key"])) == 80  # HPKE: encapsulated key, key, tag
    assert len(base64.b64decode(slot["mac"])) == 32
    assert datetime.fromisoformat(slot["created_at"]).utcoffset() == UTC.utcoffset(None)
    # every slot has its own salt, nonce and key pair
    other = document["slots"][1]
    assert other["kdf"]["salt"] != slot["kdf"]["salt"]
    assert other["nonce"] != slot["nonce"]
    assert other["public_key"] != slot["public_key"]

    recovery = document["recovery"]
    assert set(recovery) == {"type", "fingerprint", "public_key", "ciphertext", "mac", "created_at"}
    assert recovery["type"] == "rsa-oaep-sha256"
    der = serialization.load_pem_public_key(trust_keys[1]).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    expected = "sha256:" + hashlib.sha256(der).hexdigest()
    assert recovery["fingerprint"] == expected == public_key_fingerprint(trust_keys[1])
    assert public_key_fingerprint(recovery["public_key"].encode()) == expected
    assert slots.recovery_fingerprint() == expected
    assert len(base64.b64decode(recovery["ciphertext"])) == 384  # RSA-3072
    assert slots.problems(data_key) == []


def test_a_store_id_may_be_given_but_must_be_a_uuid(
    tmp_path: Path, data_key: bytes, trust_keys: KeyPair
) -> None:
    store_id = "0b6f3f0e-4c1b-4f7e-9d55-3a1f2f7c8e10"
    slots = KeySlotFile.create(tmp_path / "a.json", data_key, trust_keys[1], store_id=store_id)
    assert slots.store_id == store_id
    with pytest.raises(ValueError, match="UUID"):
        KeySlotFile.create(tmp_path / "b.json", data_key, trust_keys[1], store_id="ward-7")
    assert not (tmp_path / "b.json").exists()


def test_usernames_are_trimmed_and_lower_cased(slots: KeySlotFile, data_key: bytes) -> None:
    assert slots.unlock("  Demo.Nurse ", NURSE_PW).current == data_key
    assert slots.has_user("DEMO.DOCTOR")


def test_create_never_overwrites(path: Path, data_key: bytes, trust_keys: KeyPair) -> None:
    path.write_bytes(b"someone else's file")
    with pytest.raises(UserFacingError, match="already exists"):
        KeySlotFile.create(path, data_key, trust_keys[1])
    assert path.read_bytes() == b"someone else's file"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


# ---------------------------------------------------------------- refusing to open


def test_a_wrong_password_is_locked_and_writes_nothing(slots: KeySlotFile, path: Path) -> None:
    before = snapshot(path.parent)

    with pytest.raises(Locked, match=r"^The password for demo\.nurse is not right\.$"):
        slots.unlock(NURSE, "Nurse-pass-4-ward-8")
    with pytest.raises(Locked, match=r"The password for demo\.doctor is not right"):
        KeySlotFile.load(path).unlock(DOCTOR, NURSE_PW)  # another user's password

    assert snapshot(path.parent) == before


def test_an_unknown_user_is_locked_and_writes_nothing(slots: KeySlotFile, path: Path) -> None:
    before = snapshot(path.parent)

    for typed in ("ghost.user", "not a username!", NURSE_PW):  # never echoed: it may be a password
        with pytest.raises(Locked) as caught:
            slots.unlock(typed, NURSE_PW)
        assert str(caught.value) == NO_ACCOUNT

    assert snapshot(path.parent) == before


def test_a_successful_unlock_writes_nothing(
    slots: KeySlotFile, path: Path, trust_keys: KeyPair
) -> None:
    before = snapshot(path.parent)
    slots.unlock(NURSE, NURSE_PW)
    slots.unlock_with_recovery(trust_keys[0])
    assert snapshot(path.parent) == before


def test_swapped_slots_do_not_open(slots: KeySlotFile, path: Path) -> None:
    # Without AAD binding, the slot now labelled demo.nurse would open with the doctor's
    # password and sign the doctor in as the nurse.
    def swap(document: dict[str, Any]) -> None:
        first, second = document["slots"]
        first["username"], second["username"] = second["username"], first["username"]

    edit_json(path, swap)
    swapped = KeySlotFile.load(path)
    with pytest.raises(Locked, match=r"The password for demo\.nurse is not right"):
        swapped.unlock(NURSE, DOCTOR_PW)
    with pytest.raises(Locked, match=r"The password for demo\.doctor is not right"):
        swapped.unlock(DOCTOR, NURSE_PW)


def test_a_renamed_slot_does_not_open(slots: KeySlotFile, path: Path) -> None:
    def rename(document: dict[str, Any]) -> None:
        for slot in document["slots"]:
            if slot["username"] == DOCTOR:
                slot["username"] = "demo.intruder"

    edit_json(path, rename)
    with pytest.raises(Locked, match=r"The password for demo\.intruder is not right"):
        KeySlotFile.load(path).unlock("demo.intruder", DOCTOR_PW)


def test_a_slot_from_another_store_does_not_open(
    slots: KeySlotFile, path: Path, tmp_path: Path, data_key: bytes, trust_keys: KeyPair
) -> None:
    elsewhere = KeySlotFile.create(tmp_path / "other.json", data_key, trust_keys[1])
    elsewhere.add_user(data_key, "demo.agency", "agency password", kdf=CHEAP)
    transplant = json.loads(elsewhere.path.read_text("utf-8"))["slots"][0]

    edit_json(path, lambda document: document["slots"].append(transplant))
    with pytest.raises(Locked, match=r"The password for demo\.agency is not right"):
        KeySlotFile.load(path).unlock("demo.agency", "agency password")


@pytest.mark.parametrize(
    ("locate", "field"),
    [
        (lambda slot: slot, "private_key"),
        (lambda slot: slot, "nonce"),
        (lambda slot: slot["kdf"], "salt"),
    ],
    ids=["private-key", "nonce", "salt"],
)
def test_a_changed_byte_is_locked_not_a_crash(
    slots: KeySlotFile,
    path: Path,
    locate: Callable[[dict[str, Any]], dict[str, Any]],
    field: str,
) -> None:
    def corrupt(document: dict[str, Any]) -> None:
        holder = locate(document["slots"][0])
        holder[field] = flip_first_byte(holder[field])

    assert json.loads(path.read_text("utf-8"))["slots"][0]["username"] == NURSE
    edit_json(path, corrupt)
    damaged = KeySlotFile.load(path)
    with pytest.raises(Locked, match=r"The password for demo\.nurse is not right"):
        damaged.unlock(NURSE, NURSE_PW)
    assert damaged.unlock(DOCTOR, DOCTOR_PW).current == slots.unlock(DOCTOR, DOCTOR_PW).current


# ---------------------------------------------------------------- managing slots


def test_change_password(slots: KeySlotFile, path: Path, data_key: bytes) -> None:
    before = snapshot(path.parent)
    with pytest.raises(Locked, match=r"The password for demo\.nurse is not right"):
        slots.change_password(NURSE, "wrong", "new-password-1")
    assert snapshot(path.parent) == before

    slots.change_password(NURSE, NURSE_PW, "new-password-1")

    reopened = KeySlotFile.load(path)
    assert reopened.unlock(NURSE, "new-password-1").current == data_key
    with pytest.raises(Locked):
        reopened.unlock(NURSE, NURSE_PW)
    assert reopened.unlock(DOCTOR, DOCTOR_PW).current == data_key


def test_add_user_replaces_that_users_slot(slots: KeySlotFile, data_key: bytes) -> None:
    slots.add_user(data_key, "Demo.Nurse", "reset by the ward manager", kdf=CHEAP)

    assert slots.users() == [DOCTOR, NURSE]
    assert slots.unlock(NURSE, "reset by the ward manager").current == data_key
    with pytest.raises(Locked):
        slots.unlock(NURSE, NURSE_PW)


def test_add_user_refuses_a_key_that_is_not_this_stores(slots: KeySlotFile, path: Path) -> None:
    before = snapshot(path.parent)
    with pytest.raises(Locked, match="does not open this store"):
        slots.add_user(generate_data_key(), "demo.hca", "hca password", kdf=CHEAP)
    assert snapshot(path.parent) == before
    assert not slots.has_user("demo.hca")


def test_add_user_refuses_bad_usernames_and_empty_passwords(
    slots: KeySlotFile, data_key: bytes
) -> None:
    with pytest.raises(UserFacingError, match="A username") as caught:
        slots.add_user(data_key, "secret pass phrase", NURSE_PW, kdf=CHEAP)
    assert "secret" not in str(caught.value)
    for short in ("", "short pw"):
        with pytest.raises(UserFacingError, match="password: must be at least 10 characters"):
            slots.add_user(data_key, "demo.hca", short, kdf=CHEAP)
    with pytest.raises(UserFacingError, match="password: must not be the username"):
        slots.add_user(data_key, "demo.hca.user", "Demo.HCA.User", kdf=CHEAP)
    assert not slots.has_user("demo.hca")


def test_a_key_change_seals_a_new_key_for_everyone_but_the_removed_account(
    slots: KeySlotFile, path: Path, data_key: bytes, trust_keys: KeyPair
) -> None:
    next_key = slots.begin_rotation(data_key, NURSE)
    assert next_key != data_key
    # Until the store is re-encrypted, the file opens both keys for those who stay...
    during = KeySlotFile.load(path)
    assert during.users() == [DOCTOR, NURSE]
    doctor = during.unlock(DOCTOR, DOCTOR_PW)
    assert (doctor.current, doctor.following) == (data_key, next_key)
    assert during.unlock_with_recovery(trust_keys[0]).candidates() == (next_key, data_key)
    # ... and only the current key for the account being removed.
    nurse = during.unlock(NURSE, NURSE_PW)
    assert (nurse.current, nurse.following) == (data_key, None)

    slots.finish_rotation(next_key)
    after = KeySlotFile.load(path)
    assert after.users() == [DOCTOR]
    assert after.rotation is None
    assert after.unlock(DOCTOR, DOCTOR_PW).candidates() == (next_key,)
    assert after.unlock_with_recovery(trust_keys[0]).candidates() == (next_key,)
    with pytest.raises(Locked, match=NO_ACCOUNT):
        after.unlock(NURSE, NURSE_PW)
    assert after.problems(next_key) == []


def test_an_abandoned_key_change_changes_nothing(
    slots: KeySlotFile, path: Path, data_key: bytes
) -> None:
    slots.begin_rotation(data_key, NURSE)
    slots.abandon_rotation()
    after = KeySlotFile.load(path)
    assert after.users() == [DOCTOR, NURSE]
    assert after.rotation is None
    assert after.unlock(NURSE, NURSE_PW).candidates() == (data_key,)


def test_a_key_change_is_refused_for_unknown_accounts_and_foreign_keys(
    slots: KeySlotFile, path: Path, data_key: bytes
) -> None:
    before = snapshot(path.parent)
    with pytest.raises(Locked, match=NO_ACCOUNT):
        slots.begin_rotation(data_key, "ghost.user")
    with pytest.raises(Locked, match="does not open this store"):
        slots.begin_rotation(generate_data_key(), NURSE)
    assert snapshot(path.parent) == before


def test_two_windows_adding_users_keep_both(
    slots: KeySlotFile, path: Path, data_key: bytes
) -> None:
    first, second = KeySlotFile.load(path), KeySlotFile.load(path)
    first.add_user(data_key, "demo.hca", "hca password", kdf=CHEAP)
    second.add_user(data_key, "demo.pharmacist", "pharmacist password", kdf=CHEAP)

    assert KeySlotFile.load(path).users() == [DOCTOR, "demo.hca", NURSE, "demo.pharmacist"]
    assert second.unlock("demo.hca", "hca password").current == data_key


def test_kdf_params_are_validated() -> None:
    with pytest.raises(ValueError, match="memory_kib"):
        KdfParams(time_cost=1, memory_kib=4, parallelism=1)
    with pytest.raises(ValueError, match="memory_kib"):
        KdfParams(memory_kib=2 * 1024 * 1024)
    with pytest.raises(ValueError, match="time_cost"):
        KdfParams(time_cost=0)
    with pytest.raises(ValueError, match="time_cost"):
        KdfParams(time_cost=64)
    with pytest.raises(ValueError, match="parallelism"):
        KdfParams(parallelism=16)


# ---------------------------------------------------------------- the recovery key


def test_recovery_opens_when_every_password_slot_is_gone(
    slots: KeySlotFile, path: Path, data_key: bytes, trust_keys: KeyPair
) -> None:
    edit_json(path, lambda document: document.update(slots=[]))  # every password slot lost
    assert KeySlotFile.load(path).users() == []

    recovered = KeySlotFile.load(path).unlock_with_recovery(trust_keys[0]).current
    assert recovered == data_key

    reopened = KeySlotFile.load(path)
    reopened.add_user(recovered, NURSE, "a fresh start", kdf=CHEAP)
    assert KeySlotFile.load(path).unlock(NURSE, "a fresh start").current == data_key


def test_recovery_with_a_passphrase_protected_key(
    tmp_path: Path, data_key: bytes, path: Path
) -> None:
    private_pem, public_pem = generate_recovery_key_pair(passphrase=PASSPHRASE)
    assert b"ENCRYPTED PRIVATE KEY" in private_pem
    slots = KeySlotFile.create(path, data_key, public_pem)
    before = snapshot(tmp_path)

    assert slots.unlock_with_recovery(private_pem, PASSPHRASE).current == data_key
    with pytest.raises(Locked, match="passphrase for the recovery private key is not right"):
        slots.unlock_with_recovery(private_pem, b"not the passphrase")
    with pytest.raises(Locked, match="protected by a passphrase"):
        slots.unlock_with_recovery(private_pem)
    assert snapshot(tmp_path) == before


def test_a_wrong_recovery_key_is_locked_naming_the_fingerprint(
    slots: KeySlotFile, path: Path, other_keys: KeyPair
) -> None:
    before = snapshot(path.parent)
    with pytest.raises(Locked) as caught:
        slots.unlock_with_recovery(other_keys[0])
    message = str(caught.value)
    assert slots.recovery_fingerprint() in message
    assert public_key_fingerprint(other_keys[1]) in message
    assert "not this store's recovery key" in message
    assert snapshot(path.parent) == before


def test_a_damaged_recovery_slot_is_store_damaged(
    slots: KeySlotFile, path: Path, trust_keys: KeyPair
) -> None:
    def corrupt(document: dict[str, Any]) -> None:
        document["recovery"]["ciphertext"] = flip_first_byte(document["recovery"]["ciphertext"])

    edit_json(path, corrupt)
    with pytest.raises(StoreDamaged, match="damaged recovery slot"):
        KeySlotFile.load(path).unlock_with_recovery(trust_keys[0])


def test_replace_recovery_key(
    slots: KeySlotFile, path: Path, data_key: bytes, trust_keys: KeyPair, other_keys: KeyPair
) -> None:
    slots.replace_recovery_key(data_key, other_keys[1])

    reopened = KeySlotFile.load(path)
    assert reopened.recovery_fingerprint() == public_key_fingerprint(other_keys[1])
    assert reopened.unlock_with_recovery(other_keys[0]).current == data_key
    with pytest.raises(Locked):
        reopened.unlock_with_recovery(trust_keys[0])
    with pytest.raises(Locked, match="does not open this store"):
        reopened.replace_recovery_key(generate_data_key(), trust_keys[1])


def test_rsa_2048_is_refused(
    tmp_path: Path, path: Path, data_key: bytes, rsa_2048: KeyPair, slots: KeySlotFile
) -> None:
    with pytest.raises(UserFacingError, match="RSA-2048; RPR needs an RSA key of at least 3072"):
        KeySlotFile.create(tmp_path / "weak.json", data_key, rsa_2048[1])
    assert not (tmp_path / "weak.json").exists()

    before = snapshot(tmp_path)
    with pytest.raises(UserFacingError, match="at least 3072"):
        slots.replace_recovery_key(data_key, rsa_2048[1])
    with pytest.raises(UserFacingError, match="at least 3072"):
        slots.unlock_with_recovery(rsa_2048[0])
    with pytest.raises(UserFacingError, match="at least 3072"):
        public_key_fingerprint(rsa_2048[1])
    with pytest.raises(UserFacingError, match="at least 3072 bits, not 2048"):
        generate_recovery_key_pair(2048)
    assert snapshot(tmp_path) == before


def test_unreadable_recovery_keys_are_explained(
    tmp_path: Path, data_key: bytes, slots: KeySlotFile
) -> None:
    with pytest.raises(UserFacingError, match="not a readable PEM public key"):
        KeySlotFile.create(tmp_path / "x.json", data_key, b"-----BEGIN NONSENSE-----")
    with pytest.raises(UserFacingError, match="not a readable PEM key"):
        slots.unlock_with_recovery(b"garbage")


# ---------------------------------------------------------------- damaged files


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeySlotFileMissing, match="is missing") as caught:
        KeySlotFile.load(tmp_path / KEYSLOT_FILE_NAME)
    assert isinstance(caught.value, StoreDamaged)
    assert KEYSLOT_FILE_NAME in str(caught.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is not valid JSON"),
        (b'{"format": 1,', "is not valid JSON"),
        (b"[" * 100_000, "is not valid JSON"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b"[1, 2]", "does not hold a JSON object"),
        (b'{"store_id": "x"}', "has no format version"),
        (b'{"format": "1"}', "has no format version"),
        (b'{"format": true}', "has no format version"),
        (b'{"format": 3}', "has format version 3, which this version of RPR cannot read"),
        (b'{"format": 1, "format": 1}', "repeats a key"),
        (b" " * (1 << 20) + b"{}", "too large"),
    ],
)
def test_malformed_files_are_store_damaged(path: Path, content: bytes, problem: str) -> None:
    path.write_bytes(content)
    with pytest.raises(StoreDamaged, match=problem):
        KeySlotFile.load(path)


def _set(keys: tuple[str | int, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        holder: Any = document
        for key in keys[:-1]:
            holder = holder[key]
        holder[keys[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_set(("slots", 0, "kdf", "salt"), "%%%"), "(slots.0.kdf.salt): is not base64"),
        (_set(("slots", 0, "nonce"), "AAAA"), "nonce"),
        (
            _set(("slots", 0, "kdf", "alg"), "argon2i"),
            "(slots.0.kdf.alg): is not one of the allowed values",
        ),
        (_set(("slots", 0, "kdf", "m"), 1 << 30), "(slots.0.kdf.m): is too large"),
        (
            _set(("slots", 0, "type"), "fingerprint"),
            "(slots.0.type): is not one of the allowed values",
        ),
        (_set(("slots", 0, "created_at"), "2026-11-01T03:00:00"), "must include a time zone"),
        (_set(("slots", 1, "username"), NURSE), "two slots name the same user"),
        (_set(("recovery", "fingerprint"), "md5:00"), "fingerprint"),
        (_set(("store_id",), "ward-7"), "store id: is not a UUID"),
        (_set(("surprise",), 1), "surprise: is not a field of this record"),
        (lambda document: document.pop("recovery"), "recovery: is required"),
    ],
    ids=[
        "bad-base64",
        "short-nonce",
        "argon2i",
        "huge-memory",
        "slot-type",
        "naive-time",
        "duplicate-user",
        "fingerprint",
        "store-id",
        "extra-field",
        "no-recovery",
    ],
)
def test_invalid_content_is_store_damaged_naming_the_problem(
    slots: KeySlotFile,
    path: Path,
    change: Callable[[dict[str, Any]], None],
    problem: str,
) -> None:
    edit_json(path, change)
    with pytest.raises(StoreDamaged, match="is not a valid key-slot file") as caught:
        KeySlotFile.load(path)
    assert problem in str(caught.value)


def test_a_change_refuses_a_file_now_holding_another_store(
    slots: KeySlotFile, path: Path, tmp_path: Path, data_key: bytes, trust_keys: KeyPair
) -> None:
    other = KeySlotFile.create(tmp_path / "other.json", generate_data_key(), trust_keys[1])
    other.path.replace(path)
    replaced = path.read_bytes()

    with pytest.raises(StoreDamaged, match="different store"):
        slots.add_user(data_key, "demo.hca", "hca password", kdf=CHEAP)
    assert path.read_bytes() == replaced


# ---------------------------------------------------------------- crash safety and modes


def test_files_are_private_from_creation(
    umask_zero: None, path: Path, data_key: bytes, trust_keys: KeyPair
) -> None:
    slots = KeySlotFile.create(path, data_key, trust_keys[1])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    slots.add_user(data_key, NURSE, NURSE_PW, kdf=CHEAP)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_failed_replace_leaves_the_old_file_and_no_temp_file(
    umask_zero: None,
    slots: KeySlotFile,
    path: Path,
    data_key: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot(path.parent)
    seen: list[tuple[int, bytes]] = []

    def crash(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        temp = Path(source)
        assert temp.parent == path.parent  # same directory, so the rename is atomic
        seen.append((stat.S_IMODE(temp.stat().st_mode), temp.read_bytes()))
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(UserFacingError, match=r"Could not save .* previous version is unchanged"):
        slots.add_user(data_key, "demo.hca", "hca password", kdf=CHEAP)
    monkeypatch.undo()

    [(mode, written)] = seen
    assert mode == 0o600
    assert json.loads(written)["slots"][-1]["username"] == "demo.hca"  # complete before rename
    assert snapshot(path.parent) == before  # old file intact, no temp file left
    assert not slots.has_user("demo.hca")
    assert KeySlotFile.load(path).unlock(NURSE, NURSE_PW).current == data_key


def test_a_full_disk_leaves_the_old_file_and_no_temp_file(
    slots: KeySlotFile, path: Path, data_key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(path.parent)

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(UserFacingError, match="No space left on device"):
        slots.begin_rotation(data_key, NURSE)
    monkeypatch.undo()

    assert snapshot(path.parent) == before
    assert slots.users() == [DOCTOR, NURSE]


def test_a_failed_create_leaves_nothing(
    tmp_path: Path,
    path: Path,
    data_key: bytes,
    trust_keys: KeyPair,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fsync_fails(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync_fails)
    with pytest.raises(UserFacingError, match="Could not save"):
        KeySlotFile.create(path, data_key, trust_keys[1])
    monkeypatch.undo()

    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- no secrets leak


def test_no_password_or_key_appears_in_the_file_or_any_message(
    slots: KeySlotFile, path: Path, data_key: bytes, other_keys: KeyPair
) -> None:
    secrets_ = [
        NURSE_PW.encode(),
        DOCTOR_PW.encode(),
        data_key,
        data_key.hex().encode(),
        base64.b64encode(data_key),
        base64.urlsafe_b64encode(data_key),
        base64.b64encode(data_key).rstrip(b"="),
    ]
    content = path.read_bytes()
    for secret in secrets_:
        assert secret not in content

    messages = [repr(slots), str(slots), repr(KdfParams()), repr(PasswordWrap(b"", b"", b""))]
    for attempt in (
        lambda: slots.unlock(NURSE, NURSE_PW + "x"),
        lambda: slots.unlock("ghost.user", NURSE_PW),
        lambda: slots.unlock(DOCTOR_PW, NURSE_PW),  # a password typed as the username
        lambda: slots.unlock_with_recovery(other_keys[0]),
        lambda: slots.add_user(generate_data_key(), "demo.hca", DOCTOR_PW, kdf=CHEAP),
    ):
        with pytest.raises(UserFacingError) as caught:
            attempt()
        messages += [str(caught.value), repr(caught.value)]

    assert "demo.nurse" in repr(slots)
    for message in messages:
        for secret in secrets_:
            assert secret.decode("latin-1") not in message
        assert "BEGIN" not in message
