"""The installer tests build the whole chain (minutes): they run only when asked for with
``-m installer`` (``make installer-test``, the last step of ``make test``), never in the main
parallel pytest run. The chain is built once per session, for every module (``built``,
tests/installers/chain.py)."""

import pytest

from tests.installers.chain import Built, build_chain

MARKER = "installer"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: builds and checks the installers, run by `make installer-test` only"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the installer tests unless the marker expression names them."""
    if MARKER in (config.option.markexpr or ""):
        return
    skipped = [item for item in items if item.get_closest_marker(MARKER)]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if not item.get_closest_marker(MARKER)]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """installers/build.sh's output: the one-folder build, the .deb, the MSI, signed."""
    return build_chain(tmp_path_factory)
