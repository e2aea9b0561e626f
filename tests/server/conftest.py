"""One running trust server per test module (its own PostgreSQL database, dropped after)."""

from collections.abc import Iterator

import pytest

from tests.server.harness import Trust, running_trust


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust() as running:
        yield running
