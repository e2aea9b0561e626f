"""The end of every sync: the count check and the audit-chain witness (issue 7: "an audit
chain cut at its tail on a device is reported after the next sync"; docs/security.md's
independent witness)."""

from uuid import uuid4

from app.sync.wire import AuditHead, ChainWarning, CheckResponse
from tests.models import builders as b
from tests.server.harness import Device, Trust


def _head(seq: int, fill: str = "a") -> dict[str, object]:
    return {"seq": seq, "hash": fill * 64}


def _check(device: Device, cursor: int, held: int, head: dict[str, object]) -> CheckResponse:
    answer = device.request(
        "POST", "/sync/check", json={"cursor": cursor, "revisions_held": held, "audit_head": head}
    )
    assert answer.status_code == 200, answer.text
    return CheckResponse.model_validate_json(answer.content)


def test_the_count_check_agrees_after_a_full_sync(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    other, colleague = trust.signed_in_device(ward)
    device.push(*(device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse) for _ in range(3)))
    other.push(other.revision(b.patient(id=uuid4(), ward_id=ward.id), colleague))
    pulled = device.pull_all()
    cursor = device.pull(0, limit=1000).json()["next_cursor"]
    result = _check(device, cursor, len(pulled), _head(5))
    published = len(trust.published(ward.id))  # the ward, two staff members, two accounts
    assert published == 5
    assert result.expected == len(pulled) == 4 + published
    assert result.matches


def test_what_a_device_pushed_counts_before_it_pulls(trust: Trust) -> None:
    ward = trust.ward()
    device, nurse = trust.signed_in_device(ward)
    device.push(*(device.revision(b.patient(id=uuid4(), ward_id=ward.id), nurse) for _ in range(2)))
    result = _check(device, 0, 2, _head(1))
    assert result.expected == 2
    assert result.matches
    assert not _check(device, 0, 1, _head(1)).matches


def test_a_chain_shorter_than_one_seen_is_reported(trust: Trust) -> None:
    device = trust.device(trust.ward())
    first = _check(device, 0, 0, _head(10))
    assert first.chain_warning is None
    assert first.witnessed_head == AuditHead(seq=10, hash="a" * 64)
    longer = _check(device, 0, 0, _head(12, "b"))
    assert longer.chain_warning is None
    cut = _check(device, 0, 0, _head(11, "b"))  # the tail was cut off
    assert cut.chain_warning is ChainWarning.SHORTER
    assert cut.witnessed_head == AuditHead(seq=12, hash="b" * 64)
    # It stays reported at every sync until the chain is at least as long again.
    assert _check(device, 0, 0, _head(11, "b")).chain_warning is ChainWarning.SHORTER


def test_a_chain_of_the_same_length_with_another_hash_is_reported(trust: Trust) -> None:
    device = trust.device(trust.ward())
    _check(device, 0, 0, _head(7, "c"))
    assert _check(device, 0, 0, _head(7, "c")).chain_warning is None
    assert _check(device, 0, 0, _head(7, "d")).chain_warning is ChainWarning.DIFFERENT


def test_each_device_has_its_own_witness(trust: Trust) -> None:
    ward = trust.ward()
    long_chain, short_chain = trust.device(ward), trust.device(ward)
    _check(long_chain, 0, 0, _head(100))
    assert _check(short_chain, 0, 0, _head(3)).chain_warning is None


def test_a_cursor_beyond_64_bits_is_refused_as_invalid(trust: Trust) -> None:
    device = trust.device(trust.ward())
    answer = device.request(
        "POST",
        "/sync/check",
        json={"cursor": 2**64, "revisions_held": 0, "audit_head": _head(1)},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "cursor"
