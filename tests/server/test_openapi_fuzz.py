"""schemathesis over the published OpenAPI document, every endpoint, data that fits the
schema and data that does not: never a 5xx, every answer in a documented status with the
documented body and content type (design.md "The server": the OpenAPI document is the
contract; issue 7 "Acceptance")."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.models.people import AccessRole
from app.sync.wire import DEVICE_TIME_HEADER
from tests.server.harness import Trust, device_headers

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = 60


@pytest.fixture(scope="module")
def api(trust: Trust) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{trust.url}/openapi.json")


def test_the_document_covers_every_endpoint(api: schemathesis.BaseSchema) -> None:
    found = {(result.ok().method.upper(), result.ok().path) for result in api.get_all_operations()}
    assert found == {
        ("POST", "/v1/enrol"),
        ("POST", "/v1/revisions"),
        ("GET", "/v1/revisions"),
        ("POST", "/v1/sync/check"),
        ("POST", "/v1/sign-in"),
        ("GET", "/v1/device"),
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_endpoint_answers_5xx_or_off_contract(
    trust: Trust, api: schemathesis.BaseSchema, mode: GenerationMode
) -> None:
    device, _ = trust.signed_in_device(trust.ward(), AccessRole.WARD_MANAGER)
    for result in api.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            # A real credential and clock, so that the body is what is fuzzed; in the
            # negative run the clock header is left as generated.
            headers = device_headers(device.token)
            if (
                mode is GenerationMode.NEGATIVE
                and case.headers
                and DEVICE_TIME_HEADER in case.headers
            ):
                headers.pop(DEVICE_TIME_HEADER)
            case.call_and_validate(base_url=trust.url, headers=headers, checks=CHECKS)

        call()
