"""Key derivation settings are bounded, the password rule is the API's, and weaker key slots are
made again when their owner signs in (the store-hardening issue, defect 5)."""

import json
import shutil
from pathlib import Path

import pytest

from app.models.errors import UserFacingError
from app.store.keyslot_crypto import KdfParams, KdfPolicy, set_kdf_policy
from app.store.keyslots import KeySlotFile
from app.store.store import Store
from tests.conftest import FAST_KDF
from tests.store.conftest import PASSWORD

SAVED = Path(__file__).parent / "saved_stores" / "schema-0001"


def _slot(data_dir: Path, username: str) -> dict[str, object]:
    document = json.loads((data_dir / "keyslots.json").read_text("utf-8"))
    return next(slot for slot in document["slots"] if slot["username"] == username)


def test_the_api_refuses_weak_key_derivation_settings(
    store: Store, data_dir: Path, production_kdf_policy: KdfPolicy
) -> None:
    before = (data_dir / "keyslots.json").read_bytes()
    for weak in (KdfParams(1, 8, 1), KdfParams(1, 65536, 1), KdfParams(2, 1024, 1)):
        with pytest.raises(UserFacingError, match="weaker than RPR allows"):
            store.add_user("new.nurse", "a long enough passphrase", kdf=weak)
    assert (data_dir / "keyslots.json").read_bytes() == before


@pytest.mark.parametrize("password", ["", "x", "nine char", "new.nurse"])
def test_the_api_refuses_a_password_that_breaks_the_rule(
    password: str, store: Store, data_dir: Path, recovery_keys: tuple[bytes, bytes]
) -> None:
    before = (data_dir / "keyslots.json").read_bytes()
    with pytest.raises(UserFacingError, match=r"^password: must"):
        store.add_user("new.nurse", password)
    with pytest.raises(UserFacingError, match=r"^password: must"):
        store.reset_password("test.nurse", password)
    with pytest.raises(UserFacingError, match=r"^password: must"):
        store.change_password("test.nurse", PASSWORD, password)
    with pytest.raises(UserFacingError, match=r"^password: must"):
        Store.create(
            data_dir.parent / "another",
            username="new.nurse",
            password=password,
            recovery_public_key_pem=recovery_keys[1],
        )
    assert not (data_dir.parent / "another").exists()
    assert (data_dir / "keyslots.json").read_bytes() == before


def test_a_weaker_slot_is_made_again_when_its_owner_signs_in(store: Store, data_dir: Path) -> None:
    store.close()
    kdf = _slot(data_dir, "test.nurse")["kdf"]
    assert (kdf["t"], kdf["m"], kdf["p"]) == (1, 1024, 1)  # type: ignore[index]
    stronger = KdfParams(time_cost=2, memory_kib=2048, parallelism=1)
    previous = set_kdf_policy(KdfPolicy(default=stronger, minimum=FAST_KDF))
    try:
        with Store.open(data_dir, "test.nurse", PASSWORD):
            pass
        kdf = _slot(data_dir, "test.nurse")["kdf"]
        assert (kdf["t"], kdf["m"], kdf["p"]) == (2, 2048, 1)  # type: ignore[index]
        with Store.open(data_dir, "test.nurse", PASSWORD) as again:  # the same password
            assert again.key_slot_problems() == ()
        before = (data_dir / "keyslots.json").read_bytes()
        with Store.open(data_dir, "test.nurse", PASSWORD):
            pass
        assert (data_dir / "keyslots.json").read_bytes() == before  # up to date: not rewritten
    finally:
        set_kdf_policy(previous)


def test_a_format_1_slot_is_made_again_in_format_2_at_sign_in(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    shutil.copytree(SAVED, data_dir)
    old = json.loads((data_dir / "keyslots.json").read_text("utf-8"))
    assert old["format"] == 1
    assert "ciphertext" in old["slots"][0]

    with Store.open(data_dir, "old.nurse", "saved store passphrase") as store:
        assert store.key_slot_problems() == ()
    new = json.loads((data_dir / "keyslots.json").read_text("utf-8"))
    assert new["format"] == 2
    assert {"private_key", "public_key", "data_key", "mac"} <= set(new["slots"][0])
    assert "ciphertext" not in new["slots"][0]
    assert "mac" in new["recovery"]  # the recovery slot can now be checked
    assert KeySlotFile.load(data_dir / "keyslots.json").legacy_users() == []
    with Store.open(data_dir, "old.nurse", "saved store passphrase") as reopened:
        assert reopened.verify().ok
