"""Hostile key-slot files, generated: "always a clear refusal, files unchanged, no derivation
above the caps".

A real store (two accounts and the trust's recovery slot) is made once. Each example writes a
variant of its ``keyslots.json`` — changed in structure (keys removed or added at any depth,
values of the wrong JSON type, values wrapped in lists, deep nesting, duplicated, emptied and
very many slots), in value (Argon2id ``t``/``m``/``p`` from 0 to 2**64 and bools, base64 of the
wrong length or not base64 at all, non-ASCII and very long text, format versions 0..5, fields
swapped between slots, the recovery PEM replaced) or in bytes (cut short, a bit flipped, bytes
inserted, a key repeated) — and then signs in. The outcome is either success, only when what
that sign-in needs is intact, or a :class:`UserFacingError` whose message repeats no password;
a refusal leaves every file as it was; and no Argon2id derivation ever runs above the bounds of
:mod:`app.store.keyslot_crypto` (a spy on ``hash_secret_raw`` records every derivation).

The table-driven cases of particular damage live in ``test_keyslots.py``.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from app.models.errors import StoreDamaged, UserFacingError
from app.store import keyslot_crypto
from app.store.keyslot_crypto import (
    MAX_MEMORY_KIB,
    MAX_PARALLELISM,
    MAX_TIME_COST,
    MIN_MEMORY_KIB_PER_LANE,
    KdfPolicy,
    set_kdf_policy,
)
from app.store.keyslot_format import KeySlotDocument, parse_document
from app.store.keyslots import (
    KEYSLOT_FILE_NAME,
    KeySlotFile,
    UnlockedKeys,
    generate_recovery_key_pair,
)
from app.store.layout import DB_NAME, LOGS_NAME
from app.store.store import Store
from tests.conftest import FAST_KDF

T = TypeVar("T")

NURSE, PASSWORD = "test.nurse", "Fuzz-pässword for ward 7"
SECOND, SECOND_PASSWORD = "second.nurse", "Second nurse's own passphrase"
WRONG_PASSWORD = "Not-the-password-of-anyone 42"
SECRETS = (PASSWORD, SECOND_PASSWORD, WRONG_PASSWORD)
#: What a store's data folder holds when no store is open.
STORE_ENTRIES = sorted([DB_NAME, KEYSLOT_FILE_NAME, LOGS_NAME])

#: Where a value sits in a JSON document: keys and list indexes from the root.
Where = tuple[str | int, ...]
#: One change to the parsed document, as plain data (so a failing example reads clearly).
Edit = tuple[Any, ...]
#: One change to the serialized bytes.
Damage = tuple[Any, ...]
#: Every file and folder under a data folder: content (b"" for a folder), inode, mtime.
Snapshot = dict[str, tuple[bytes, int, int]]


# ---------------------------------------------------------------- the store, built once


@dataclass(frozen=True)
class Pristine:
    """The store every example starts from, and what is known about it."""

    folder: Path
    keyslots_text: str = field(repr=False)
    db_bytes: bytes = field(repr=False)
    document: KeySlotDocument = field(repr=False)
    data_key: bytes = field(repr=False)
    recovery_private_pem: bytes = field(repr=False)
    recovery_public_pem: str = field(repr=False)
    other_public_pem: str = field(repr=False)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints a failing example with its fixtures: keep the key material out.
        printer.text(repr(self))


@pytest.fixture(scope="module")
def pristine(
    tmp_path_factory: pytest.TempPathFactory, recovery_keys: tuple[bytes, bytes]
) -> Pristine:
    # Module fixtures run outside the autouse function fixture that makes derivation cheap.
    previous = set_kdf_policy(KdfPolicy(default=FAST_KDF, minimum=FAST_KDF))
    try:
        folder = tmp_path_factory.mktemp("pristine") / "ward-data"
        store = Store.create(
            folder, username=NURSE, password=PASSWORD, recovery_public_key_pem=recovery_keys[1]
        )
        try:
            store.add_user(SECOND, SECOND_PASSWORD)
        finally:
            store.close()
        slots = KeySlotFile.load(folder / KEYSLOT_FILE_NAME)
        data_key = slots.unlock(NURSE, PASSWORD).current
        _, other_public = generate_recovery_key_pair()
    finally:
        set_kdf_policy(previous)
    text = (folder / KEYSLOT_FILE_NAME).read_text("utf-8")
    document = parse_document(folder / KEYSLOT_FILE_NAME, text.encode("utf-8"))
    assert [slot.username for slot in document.slots] == [NURSE, SECOND]
    assert _entries(folder) == STORE_ENTRIES
    return Pristine(
        folder=folder,
        keyslots_text=text,
        db_bytes=(folder / DB_NAME).read_bytes(),
        document=document,
        data_key=data_key,
        recovery_private_pem=recovery_keys[0],
        recovery_public_pem=recovery_keys[1].decode("ascii"),
        other_public_pem=other_public.decode("ascii"),
    )


# ---------------------------------------------------------------- the spy on Argon2id


@dataclass
class Derivations:
    """Every Argon2id derivation asked of argon2-cffi: (time_cost, memory_cost, parallelism)."""

    calls: list[tuple[int, int, int]] = field(default_factory=list)

    def assert_within_caps(self) -> None:
        for time_cost, memory_kib, parallelism in self.calls:
            assert 1 <= time_cost <= MAX_TIME_COST, self.calls
            assert 1 <= parallelism <= MAX_PARALLELISM, self.calls
            assert MIN_MEMORY_KIB_PER_LANE * parallelism <= memory_kib <= MAX_MEMORY_KIB, self.calls


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> Derivations:
    """Records each call of ``hash_secret_raw`` made by ``derive_kek``, then makes it for real."""
    real = keyslot_crypto.hash_secret_raw
    seen = Derivations()

    def spy(*args: Any, **kwargs: Any) -> bytes:
        seen.calls.append((kwargs["time_cost"], kwargs["memory_cost"], kwargs["parallelism"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(keyslot_crypto, "hash_secret_raw", spy)
    return seen


# ---------------------------------------------------------------- describing a variant


@dataclass(frozen=True)
class Ref:
    """A value only known once the store exists (a PEM), named in the example's repr."""

    name: str


@dataclass(frozen=True)
class Repeat:
    """``text`` repeated ``times`` (a long value with a short repr)."""

    text: str
    times: int


#: Number tokens json.dumps cannot write but a damaged file can hold.
RAW_NUMBERS = {
    "4301 digits": "9" * 4301,  # beyond Python's int-from-text limit
    "4300 digits": "9" * 4300,
    "1e999": "1e999",
    "-1e999": "-1e999",
    "NaN": "NaN",
    "-Infinity": "-Infinity",
    "-0": "-0",
    "1.0": "1.0",
    "1E400": "1E400",
    "01": "01",  # not JSON
    "0x10": "0x10",  # not JSON
}

BASE64_FIELDS_OF_A_SLOT: dict[Where, int] = {
    ("kdf", "salt"): 16,
    ("nonce",): 12,
    ("private_key",): 48,
    ("public_key",): 32,
    ("data_key",): 80,
    ("mac",): 32,
    ("ciphertext",): 48,  # the format 1 field: absent, so setting it adds it
}
BASE64_FIELDS: dict[Where, int] = {
    ("key_check",): 32,
    ("recovery", "ciphertext"): 384,
    ("recovery", "mac"): 32,
    **{
        ("slots", index, *where): length
        for index in (0, 1)
        for where, length in BASE64_FIELDS_OF_A_SLOT.items()
    },
}
SLOT_FIELDS: tuple[Where, ...] = (
    ("type",),
    ("username",),
    ("kdf",),
    ("kdf", "t"),
    ("kdf", "m"),
    ("kdf", "p"),
    ("kdf", "salt"),
    ("nonce",),
    ("private_key",),
    ("public_key",),
    ("data_key",),
    ("mac",),
    ("created_at",),
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)

#: Argon2id cost values. In-bounds values above 4096 are left out only to keep the run short
#: (a real 256 MiB derivation costs a second); the bounds themselves and everything beyond are in.
kdf_numbers = st.one_of(
    st.sampled_from(
        [
            *(0, -1, 1, 2, 7, 8, 9, 10, 11, 16, 64, 1023, 1024, 4096),
            *(MAX_MEMORY_KIB + 1, 2 * 1024 * 1024, 2**31 - 1, 2**31, 2**32),
            *(2**63 - 1, 2**63, 2**64, -(2**31), -(2**63)),
        ]
    ),
    st.integers(max_value=4096),
    st.integers(min_value=MAX_MEMORY_KIB + 1),
    st.booleans(),
    st.floats().filter(lambda x: not 4096 < x <= MAX_MEMORY_KIB),
    st.sampled_from(["1", "64", "", " 1", "1.0", "0x10", "1e3", "٣"]),
    st.none(),
    st.lists(st.integers(0, 10), max_size=2),
)


def base64_values(length: int) -> st.SearchStrategy[Any]:
    """Text for a base64 field holding ``length`` bytes: right length but other bytes, wrong
    lengths, not base64, not ASCII, very long, not text."""
    right_length = st.binary(min_size=length, max_size=length).map(_b64)
    return st.one_of(
        right_length,
        right_length,  # twice as likely: it gets past the schema to the cryptography
        st.binary(max_size=2 * length + 8).map(_b64),
        st.sampled_from([0, 1, length - 1, length + 1, 3 * length]).map(lambda n: _b64(bytes(n))),
        st.from_regex(r"[A-Za-z0-9+/]{0,120}={0,3}", fullmatch=True),
        st.from_regex(r"[A-Za-z0-9_-]{4,120}", fullmatch=True),
        st.text(max_size=64),
        st.sampled_from(
            [
                "",
                "=",
                "====",
                "AAAA AAAA",
                "AAAA\nAAAA",
                "QUFB\u00e9",
                "\ud800",
                Repeat("A", 300_000),
            ]
        ),
        st.integers(),
        st.none(),
        st.booleans(),
        st.lists(st.integers(0, 255), max_size=4),
    )


texts = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[a-z0-9][a-z0-9._@-]{0,20}", fullmatch=True),
    st.text(alphabet=st.characters(min_codepoint=0x80), min_size=1, max_size=20),
    st.sampled_from(
        [
            *(NURSE, SECOND, "TEST.NURSE", " test.nurse", "test.nurse\n", "test.nurse\x00"),
            *(
                "x" * 129,
                Repeat("é", 5000),
                "\ud800",
                "\x00",
                "",
                "password",
                "argon2i",
                "argon2id",
            ),
            *("rsa-oaep-sha256", "sha256:" + "0" * 64, "sha256:" + "A" * 64),
            *("2026-01-01T00:00:00Z", "7C3E3C2B-6F5A-4D5E-9B1A-2C3D4E5F6A7B"),
        ]
    ),
    st.integers(0, 5).map(lambda n: Repeat("x", 10**n)),
    st.uuids().map(str),
    json_scalars,
)

utc_offsets = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
).map(timezone)
instants = st.one_of(
    st.datetimes(timezones=utc_offsets).map(datetime.isoformat),
    st.datetimes().map(datetime.isoformat),
    st.sampled_from(
        [
            *("0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59.999999-00:01"),
            *("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T00:00:00Z"),
            *("2026-11-01T03:00:00", "2026-11-01T03:00:00+24:00", "now", ""),
        ]
    ),
    st.integers(),
    st.floats(),
    texts,
)

formats = st.one_of(
    st.integers(0, 5),
    st.sampled_from([2.0, 1.0, "2", True, False, None, -1, 2**63, [2], {"v": 2}]),
)

pem_values = st.one_of(
    st.sampled_from(
        [
            Ref("another valid recovery public key"),
            Ref("own PEM cut short"),
            Ref("own PEM labelled private"),
            Ref("own PEM without line breaks"),
            Ref("own PEM twice"),
            Ref("another key's PEM then the own"),
        ]
    ),
    st.sampled_from(
        [
            "",
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
            Repeat("x", 8193),
            "\ud800",
        ]
    ),
    texts,
)

rotations = st.fixed_dictionaries(
    {
        "key_check": st.binary(min_size=32, max_size=32).map(_b64),
        "removes": st.sampled_from([NURSE, SECOND, "ghost.user"]),
        "data_keys": st.lists(
            st.fixed_dictionaries(
                {
                    "username": st.sampled_from([NURSE, SECOND, "ghost.user"]),
                    "data_key": st.binary(min_size=80, max_size=80).map(_b64),
                }
            ),
            max_size=2,
        ),
        "recovery": st.binary(min_size=384, max_size=384).map(_b64),
        "started_at": st.sampled_from(["2026-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01"]),
    }
)

picks = st.integers(min_value=0, max_value=10_000)
kdf_places = [("slots", index, "kdf", name) for index in (0, 1) for name in ("t", "m", "p")]
text_places = [
    ("store_id",),
    ("recovery", "type"),
    ("recovery", "fingerprint"),
    *(("slots", index, name) for index in (0, 1) for name in ("type", "username")),
    *(("slots", index, "kdf", "alg") for index in (0, 1)),
]
number_places = [
    *kdf_places,
    ("format",),
    *(("slots", index, "kdf", "version") for index in (0, 1)),
]
instant_places = [
    ("recovery", "created_at"),
    ("slots", 0, "created_at"),
    ("slots", 1, "created_at"),
]

#: Changes of structure anywhere in the document.
structural_edits = st.one_of(
    st.tuples(st.just("remove"), picks),
    st.tuples(st.just("replace"), picks, json_values),
    st.tuples(st.just("wrap in a list"), picks),
    st.tuples(
        st.just("nest"), picks, st.sampled_from([2, 100, 990, 5000, 100_000]), st.sampled_from("[{")
    ),
    st.tuples(
        st.just("huge"),
        picks,
        st.sampled_from([10_000, 100_000, 600_000]),
        st.sampled_from(["list", "text", "object"]),
    ),
    st.tuples(
        st.just("add key"),
        picks,
        st.one_of(
            st.sampled_from(
                ["ciphertext", "rotation", "format", "surprise", "mac", "kdf", "slots", "t"]
            ),
            st.text(max_size=10),
        ),
        json_values,
    ),
    st.tuples(st.just("duplicate slot"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("empty slot"), st.integers(0, 1)),
    st.tuples(st.just("drop slot"), st.integers(0, 1)),
    st.tuples(st.just("no slots")),
    st.tuples(st.just("many slots"), st.sampled_from([1000, 1001, 1400])),
)

#: Changes of value at the places that matter.
value_edits = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(kdf_places), kdf_numbers),
    st.tuples(
        st.just("set"),
        st.sampled_from([("slots", index, "kdf", "version") for index in (0, 1)]),
        st.one_of(st.sampled_from([16, 19, 0x13, 20]), kdf_numbers),
    ),
    st.sampled_from(sorted(BASE64_FIELDS.items())).flatmap(
        lambda item: st.tuples(st.just("set"), st.just(item[0]), base64_values(item[1]))
    ),
    st.tuples(st.just("set"), st.sampled_from(text_places), texts),
    st.tuples(st.just("set"), st.sampled_from(instant_places), instants),
    st.tuples(st.just("set"), st.just(("format",)), formats),
    st.tuples(st.just("set"), st.just(("recovery", "public_key")), pem_values),
    st.tuples(st.just("set"), st.just(("rotation",)), st.one_of(rotations, json_values)),
    st.tuples(
        st.just("set raw"), st.sampled_from(number_places), st.sampled_from(sorted(RAW_NUMBERS))
    ),
    st.tuples(st.just("swap between slots"), st.sampled_from(SLOT_FIELDS)),
)

styles = st.tuples(st.sampled_from([2, None]), st.booleans(), st.booleans())

byte_damage = st.one_of(
    st.tuples(st.just("truncate"), picks),
    st.tuples(st.just("flip a bit"), picks, st.integers(0, 7)),
    st.tuples(st.just("insert"), picks, st.binary(min_size=1, max_size=16)),
    st.tuples(
        st.just("repeat a key"),
        st.integers(0, 8),
        st.sampled_from(["format", "slots", "username", "kdf", "t", "salt", "recovery", "mac"]),
    ),
)


@dataclass(frozen=True)
class Variant:
    """A key-slot file: the pristine document, edited, serialized in ``style`` (indent,
    ensure_ascii, final newline), then damaged byte by byte."""

    edits: list[Edit]
    style: tuple[int | None, bool, bool]
    damage: list[Damage]


variants = st.builds(
    Variant,
    edits=st.lists(st.one_of(structural_edits, value_edits), max_size=3),
    style=styles,
    # Most variants keep their bytes whole, so that most examples get past the JSON parser.
    damage=st.one_of(st.just([]), st.just([]), st.lists(byte_damage, min_size=1, max_size=2)),
)


# ---------------------------------------------------------------- making a variant's bytes


class _Missing:
    pass


MISSING = _Missing()


def _holds(node: Any, key: str | int) -> bool:
    if isinstance(node, dict):
        return isinstance(key, str) and key in node
    return isinstance(node, list) and isinstance(key, int) and -len(node) <= key < len(node)


def _lookup(node: Any, where: Where) -> Any:
    for key in where:
        if not _holds(node, key):
            return MISSING
        node = node[key]
    return node


def _put(document: Any, where: Where, value: Any) -> Any:
    if not where:
        return value
    parent, key = _lookup(document, where[:-1]), where[-1]
    if _holds(parent, key) or (isinstance(parent, dict) and isinstance(key, str)):
        parent[key] = value
    return document


def _every_place(node: Any, prefix: Where = ()) -> list[Where]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_every_place(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_every_place(value, (*prefix, index)))
    return found


def _pick(document: Any, pick: int, wanted: type | None = None) -> Where | None:
    places = [
        where
        for where in _every_place(document)
        if wanted is None or isinstance(_lookup(document, where), wanted)
    ]
    return places[pick % len(places)] if places else None


@dataclass
class _Render:
    """Building one variant: the document, and raw JSON text that stands in for placeholders."""

    document: Any
    context: dict[str, str]
    raw: dict[str, str] = field(default_factory=dict)

    def placeholder(self, text: str) -> str:
        marker = f"@@raw-{len(self.raw)}@@"
        self.raw[marker] = text
        return marker

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Repeat):
            return value.text * value.times
        return self.context[value.name] if isinstance(value, Ref) else value

    def slots(self) -> list[Any] | None:
        slots = _lookup(self.document, ("slots",))
        return slots if isinstance(slots, list) else None


def _edit_set(render: _Render, where: Where, value: Any) -> None:
    render.document = _put(render.document, where, render.resolve(value))


def _edit_set_raw(render: _Render, where: Where, name: str) -> None:
    render.document = _put(render.document, where, render.placeholder(RAW_NUMBERS[name]))


def _edit_remove(render: _Render, pick: int) -> None:
    where = _pick(render.document, pick)
    if not where:
        return
    parent, key = _lookup(render.document, where[:-1]), where[-1]
    if isinstance(parent, dict | list):
        del parent[key]


def _edit_replace(render: _Render, pick: int, value: Any) -> None:
    where = _pick(render.document, pick)
    if where is not None:
        render.document = _put(render.document, where, value)


def _edit_wrap(render: _Render, pick: int) -> None:
    where = _pick(render.document, pick)
    if where is not None:
        render.document = _put(render.document, where, [_lookup(render.document, where)])


def _edit_nest(render: _Render, pick: int, depth: int, bracket: str) -> None:
    where = _pick(render.document, pick)
    if where is None:
        return
    text = "[" * depth + "]" * depth if bracket == "[" else '{"a":' * depth + "0" + "}" * depth
    render.document = _put(render.document, where, render.placeholder(text))


def _edit_huge(render: _Render, pick: int, size: int, kind: str) -> None:
    where = _pick(render.document, pick)
    if where is None:
        return
    if kind == "list":
        text = "[" + ",".join(["0"] * size) + "]"
    elif kind == "text":
        text = json.dumps("é" * size, ensure_ascii=False)
    else:
        text = "{" + ",".join(f'"k{n}":{n}' for n in range(size // 8)) + "}"
    render.document = _put(render.document, where, render.placeholder(text))


def _edit_add_key(render: _Render, pick: int, key: str, value: Any) -> None:
    where = _pick(render.document, pick, dict)
    if where is not None:
        _lookup(render.document, where)[key] = value


def _edit_duplicate_slot(render: _Render, index: int, rename: bool) -> None:
    slots = render.slots()
    if slots and index < len(slots):
        twin = copy.deepcopy(slots[index])
        if rename and isinstance(twin, dict):
            twin["username"] = "third.nurse"
        slots.append(twin)


def _edit_empty_slot(render: _Render, index: int) -> None:
    slots = render.slots()
    if slots and index < len(slots):
        slots[index] = {}


def _edit_drop_slot(render: _Render, index: int) -> None:
    slots = render.slots()
    if slots and index < len(slots):
        del slots[index]


def _edit_no_slots(render: _Render) -> None:
    render.document = _put(render.document, ("slots",), [])


def _edit_many_slots(render: _Render, count: int) -> None:
    slots = render.slots()
    if slots and isinstance(slots[0], dict):
        for number in range(count - len(slots)):
            twin = copy.deepcopy(slots[0])
            twin["username"] = f"extra.{number}"
            slots.append(twin)


def _edit_swap(render: _Render, where: Where) -> None:
    first = _lookup(render.document, ("slots", 0, *where))
    second = _lookup(render.document, ("slots", 1, *where))
    if first is not MISSING and second is not MISSING:
        render.document = _put(render.document, ("slots", 0, *where), second)
        render.document = _put(render.document, ("slots", 1, *where), first)


EDITS: dict[str, Callable[..., None]] = {
    "set": _edit_set,
    "set raw": _edit_set_raw,
    "remove": _edit_remove,
    "replace": _edit_replace,
    "wrap in a list": _edit_wrap,
    "nest": _edit_nest,
    "huge": _edit_huge,
    "add key": _edit_add_key,
    "duplicate slot": _edit_duplicate_slot,
    "empty slot": _edit_empty_slot,
    "drop slot": _edit_drop_slot,
    "no slots": _edit_no_slots,
    "many slots": _edit_many_slots,
    "swap between slots": _edit_swap,
}


def _damage(data: bytes, damage: Damage) -> bytes:
    kind, *args = damage
    if kind == "truncate":
        return data[: args[0] % (len(data) + 1)]
    if kind == "flip a bit":
        if not data:
            return data
        changed = bytearray(data)
        changed[args[0] % len(data)] ^= 1 << args[1]
        return bytes(changed)
    if kind == "insert":
        at = args[0] % (len(data) + 1)
        return data[:at] + args[1] + data[at:]
    # "repeat a key": the key again, first thing in the n-th object
    nth, key = args
    starts = [index for index, byte in enumerate(data) if byte == ord("{")]
    if not starts:
        return data
    at = starts[nth % len(starts)] + 1
    return data[:at] + f'"{key}": 1, '.encode() + data[at:]


def _context(pristine: Pristine) -> dict[str, str]:
    own, other = pristine.recovery_public_pem, pristine.other_public_pem
    return {
        "another valid recovery public key": other,
        "own PEM cut short": own[: len(own) // 2],
        "own PEM labelled private": own.replace("PUBLIC KEY", "PRIVATE KEY"),
        "own PEM without line breaks": own.replace("\n", ""),
        "own PEM twice": own + own,
        "another key's PEM then the own": other + own,
    }


def render(variant: Variant, pristine: Pristine) -> bytes:
    """The bytes of ``variant`` of the pristine key-slot file."""
    making = _Render(json.loads(pristine.keyslots_text), _context(pristine))
    for kind, *args in variant.edits:
        EDITS[kind](making, *args)
    indent, ensure_ascii, newline = variant.style
    text = json.dumps(making.document, indent=indent, ensure_ascii=ensure_ascii)
    for marker, raw in making.raw.items():
        text = text.replace(json.dumps(marker), raw)
    data = (text + ("\n" if newline else "")).encode("utf-8", "surrogatepass")
    for damage in variant.damage:
        data = _damage(data, damage)
    return data


# ---------------------------------------------------------------- the oracle and the checks


def _needs_intact_for(data: bytes, pristine: Pristine, username: str) -> bool:
    """Whether what ``username``'s sign-in needs is as it was: the store's identity and key
    commitment, the slot's Argon2id parameters, salt, nonce, sealed private key and sealed data
    key — and no key change in progress holding a next key for them."""
    document = parse_document(Path(KEYSLOT_FILE_NAME), data)
    slot, original = document.slot_for(username), pristine.document.slot_for(username)
    assert original is not None
    return (
        slot is not None
        and document.store_id == pristine.document.store_id
        and document.key_check == pristine.document.key_check
        and slot.kdf.params == original.kdf.params
        and slot.kdf.salt == original.kdf.salt
        and slot.nonce == original.nonce
        and slot.private_key == original.private_key
        and slot.data_key == original.data_key
        and slot.ciphertext is None
        and (document.rotation is None or document.rotation.sealed_for(username) is None)
    )


def _recovery_intact(data: bytes, pristine: Pristine) -> bool:
    """Whether what the recovery key needs is as it was (and no key change is in progress)."""
    document = parse_document(Path(KEYSLOT_FILE_NAME), data)
    recovery, original = document.recovery, pristine.document.recovery
    return (
        document.store_id == pristine.document.store_id
        and document.key_check == pristine.document.key_check
        and recovery.fingerprint == original.fingerprint
        and recovery.ciphertext == original.ciphertext
        and document.rotation is None
    )


def _attempt(action: Callable[[], T]) -> T | UserFacingError:
    """What ``action`` returned, or the user-facing error it raised; anything else escapes
    (and fails the test)."""
    try:
        return action()
    except UserFacingError as refusal:
        return refusal


def _note(step: str, outcome: object) -> None:
    """Count outcomes in Hypothesis' statistics (``--hypothesis-show-statistics``)."""
    if isinstance(outcome, UserFacingError):
        gist = re.sub(r"\S*/\S*", "<path>", str(outcome))
        gist = re.sub(r"\d+", "N", gist.split("—")[0].split("(")[0])
        event(f"{step}: {type(outcome).__name__}: {gist[:70]}")
    else:
        event(f"{step}: succeeded")


def _assert_clear(refusal: UserFacingError) -> None:
    message = str(refusal)
    assert message.strip(), repr(refusal)
    for secret in SECRETS:
        assert secret not in message, message
    for leak in ("input_value", "pydantic.dev", "Traceback", "b'"):
        assert leak not in message, message


def snapshot(folder: Path) -> Snapshot:
    """Everything under ``folder`` except the logs: bytes, inode, mtime (folders included)."""
    found: Snapshot = {".": (b"", folder.stat().st_ino, folder.stat().st_mtime_ns)}
    for entry in sorted(folder.rglob("*")):
        relative = entry.relative_to(folder)
        if relative.parts[0] == LOGS_NAME:
            continue
        info = entry.stat()
        content = b"" if entry.is_dir() else entry.read_bytes()
        found[relative.as_posix()] = (content, info.st_ino, info.st_mtime_ns)
    return found


def _entries(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def _fresh_copy(pristine: Pristine, work: Path, keyslots: bytes) -> Path:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(pristine.folder, work)
    (work / KEYSLOT_FILE_NAME).write_bytes(keyslots)
    return work


# ---------------------------------------------------------------- the properties

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


#: The pristine file as it was written: the success path, in every run.
UNCHANGED = Variant(edits=[], style=(2, True, True), damage=[])
#: Time stamps inside datetime's range whose UTC equivalent is not (year 1 east of Greenwich,
#: year 9999 west of it). Found by these properties; kept so every run tries them.
YEAR_1_EAST = Variant(
    edits=[("set", ("slots", 0, "created_at"), "0001-01-01T00:00:00+00:01")],
    style=(2, True, True),
    damage=[],
)
YEAR_9999_WEST = Variant(
    edits=[("set", ("recovery", "created_at"), "9999-12-31T23:59:59.999999-00:01")],
    style=(2, True, True),
    damage=[],
)


@settings(FUZZ, max_examples=600)
@given(variant=variants)
@example(variant=UNCHANGED)
@example(variant=YEAR_1_EAST)
@example(variant=YEAR_9999_WEST)
def test_signing_in_on_a_hostile_key_slot_file_opens_or_refuses_clearly_changing_nothing(
    pristine: Pristine, derivations: Derivations, tmp_path: Path, variant: Variant
) -> None:
    data = render(variant, pristine)
    folder = _fresh_copy(pristine, tmp_path / "ward-data", data)
    before = snapshot(folder)
    derivations.calls.clear()

    outcome = _attempt(lambda: Store.open(folder, NURSE, PASSWORD))
    _note("open", outcome)

    derivations.assert_within_caps()
    if isinstance(outcome, UserFacingError):
        _assert_clear(outcome)
        assert snapshot(folder) == before  # rpr.db, keyslots.json and the folder untouched
        assert (folder / DB_NAME).read_bytes() == pristine.db_bytes
        assert (folder / KEYSLOT_FILE_NAME).read_bytes() == data
        return
    outcome.close()
    assert _needs_intact_for(data, pristine, NURSE), "opened on a changed key slot"
    # A successful open may record itself in rpr.db and bring the slots up to date; it leaves
    # no stray file and a key-slot file that opens the store again.
    assert _entries(folder) == STORE_ENTRIES
    Store.open(folder, NURSE, PASSWORD).close()
    derivations.assert_within_caps()


def _check_unlock(
    slots: KeySlotFile, username: str, password: str, data: bytes, pristine: Pristine
) -> None:
    outcome = _attempt(lambda: slots.unlock(username, password))
    _note(f"unlock {username}", outcome)
    if isinstance(outcome, UserFacingError):
        _assert_clear(outcome)
        return
    assert isinstance(outcome, UnlockedKeys)
    assert _needs_intact_for(data, pristine, username), f"{username} unlocked a changed slot"
    assert outcome.current == pristine.data_key
    assert outcome.username == username


@settings(FUZZ, max_examples=500)
@given(variant=variants)
@example(variant=UNCHANGED)
@example(variant=YEAR_1_EAST)
@example(variant=YEAR_9999_WEST)
def test_unlocking_a_hostile_key_slot_file_succeeds_or_refuses_clearly_and_only_reads(
    pristine: Pristine, derivations: Derivations, tmp_path: Path, variant: Variant
) -> None:
    data = render(variant, pristine)
    path = tmp_path / KEYSLOT_FILE_NAME
    path.write_bytes(data)
    before = snapshot(tmp_path)
    derivations.calls.clear()

    loaded = _attempt(lambda: KeySlotFile.load(path))
    _note("load", loaded)
    if isinstance(loaded, UserFacingError):
        _assert_clear(loaded)
    else:
        _check_unlock(loaded, NURSE, PASSWORD, data, pristine)
        _check_unlock(loaded, SECOND, SECOND_PASSWORD, data, pristine)
        wrong = _attempt(lambda: loaded.unlock(NURSE, WRONG_PASSWORD))
        assert isinstance(wrong, UserFacingError), "a wrong password unlocked"
        _assert_clear(wrong)
        recovered = _attempt(lambda: loaded.unlock_with_recovery(pristine.recovery_private_pem))
        _note("recovery", recovered)
        if isinstance(recovered, UserFacingError):
            _assert_clear(recovered)
        else:
            assert _recovery_intact(data, pristine), "the recovery key opened a changed slot"
            assert recovered.current == pristine.data_key

    derivations.assert_within_caps()
    assert snapshot(tmp_path) == before  # unlocking never writes, whatever the outcome
    assert path.read_bytes() == data


# ---------------------------------------------------------------- the worst claim, explicitly


@pytest.mark.parametrize("owner", [NURSE, SECOND], ids=["own-slot", "other-account-slot"])
def test_a_slot_claiming_64_passes_over_2_gib_on_16_lanes_is_refused_before_any_derivation(
    pristine: Pristine, derivations: Derivations, tmp_path: Path, owner: str
) -> None:
    document = json.loads(pristine.keyslots_text)
    slot = next(slot for slot in document["slots"] if slot["username"] == owner)
    slot["kdf"].update(t=64, m=2 * 1024 * 1024, p=16)
    data = json.dumps(document, indent=2).encode("utf-8")
    folder = _fresh_copy(pristine, tmp_path / "ward-data", data)
    before = snapshot(folder)

    with pytest.raises(StoreDamaged, match="is not a valid key-slot file") as caught:
        Store.open(folder, NURSE, PASSWORD)
    with pytest.raises(StoreDamaged, match="is not a valid key-slot file"):
        KeySlotFile.load(folder / KEYSLOT_FILE_NAME)

    index = document["slots"].index(slot)
    for name in ("t", "m", "p"):
        assert f"(slots.{index}.kdf.{name}): is too large" in str(caught.value)
    _assert_clear(caught.value)
    assert derivations.calls == []  # refused before Argon2id was asked for anything
    assert snapshot(folder) == before
    assert (folder / DB_NAME).read_bytes() == pristine.db_bytes
