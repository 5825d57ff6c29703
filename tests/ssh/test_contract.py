"""Contract: the SDK's requests match the vendor document's own examples (replayed cassette).

Requests must match method, URL, query string and — for GraphQL — the operation type, root
field and every argument value of the documented example (selections may ask for more); token
requests must carry the documented form fields. Both documented headers must be present.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from graphql import OperationDefinitionNode, parse, value_from_ast_untyped

from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import find_secrets, scrub_body, scrubbing_vcr
from tests.helpers import resolve

CASSETTES = Path(__file__).with_name("cassettes")
CREDENTIALS = {
    "api_key": "example-api-key-value",
    "client_id": "example-client-id",
    "client_secret": "example-client-secret-value",
    "scope": "https://symcloudplatformb2cprod.onmicrosoft.com/public-api/.default",
}


def _root_field(body: bytes | str) -> tuple[str, str, dict[str, Any]]:
    import json

    query = json.loads(body)["query"]
    operation = next(d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode))
    field = operation.selection_set.selections[0]
    arguments = {a.name.value: value_from_ast_untyped(a.value) for a in field.arguments}  # type: ignore[attr-defined]
    return operation.operation.value, field.name.value, arguments  # type: ignore[attr-defined]


def documented_body(live: Any, recorded: Any) -> None:
    if recorded.uri.endswith("/graphql"):
        assert _root_field(live.body) == _root_field(recorded.body)
        assert "api-key" in live.headers, "the documented api-key header is missing"
        assert live.headers["Authorization"].startswith("Bearer "), "no bearer token"
    else:
        scrubbed = [
            dict(
                parse_qsl(str(scrub_body(r.body.decode() if isinstance(r.body, bytes) else r.body)))
            )
            for r in (live, recorded)
        ]
        assert scrubbed[0] == scrubbed[1]
        assert live.headers["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.fixture
def recorder() -> Any:
    vcr = scrubbing_vcr(
        CASSETTES, match_on=["method", "scheme", "host", "port", "path", "query", "documented"]
    )
    vcr.register_matcher("documented", documented_body)
    return vcr


ORDERS = [
    ("service_organisations", lambda hub: hub.service_organisations.list().first()),
    ("customer", lambda hub: hub.customers.get("Unique Customer ID from SAP/ERP")),
    (
        "createCustomer",
        lambda hub: hub.customers.create(
            {
                "name": "Name of the Customer",
                "externalId": "Unique Customer ID from SAP/ERP",
                "serviceOrganisation": "ID of Service Org",
                "address": {"country": "DE"},
            }
        ),
    ),
    (
        "updateCustomer",
        lambda hub: hub.customers.update(
            {
                "externalId": "Unique Customer ID from SAP/ERP",
                "name": "Name of Customer",
                "serviceOrganisation": "ID of Service Org",
                "address": {"country": "DE"},
            }
        ),
    ),
    (
        "createMachineModel",
        lambda hub: hub.machine_models.create(
            {
                "modelName": "Model Name",
                "technology": "Technology",
                "brand": "Brand",
                "externalId": "Unique SAP ID - Material no",
            }
        ),
    ),
    (
        "createCustomerMachine",
        lambda hub: hub.customer_machines.create(
            {
                "customerExternalId": "Unique Customer ID from SAP/ERP",
                "serialNumber": "Serial Number of the Machine",
                "machineModelExternalId": "Unique SAP Machine Model ID - Material no",
                "externalId": "Unique SAP ID of the Machine",
                "edgeDeviceSerialNumber": "if not available, it can be removed",
                "isSp1Migration": True,
            }
        ),
    ),
    (
        "createCustomerMachine (flat)",
        lambda hub: hub.customer_machines.create(
            {
                "customerExternalId": "Unique Customer ID from SAP/ERP",
                "serialNumber": "Serial Number",
                "machineModelExternalId": "Unique SAP Machine Model ID - Material no",
                "externalId": "Unique SAP ID",
                "edgeDeviceSerialNumber": "if not available, it can be removed",
                "isSp1Migration": True,
            },
            shape="flat",
        ),
    ),
    ("serviceCasesPaginated", lambda hub: hub.service_cases.list().first()),
    (
        "updateServiceCaseExternalId",
        lambda hub: hub.service_cases.set_external_id("SCID", "External ID from SAP/ERP"),
    ),
]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_documented_examples_replay(recorder: Any, mode: str) -> None:
    cls = SSHClient if mode == "sync" else AsyncSSHClient
    # The cassette holds the document's examples: the client is pinned to the document's schema.
    hub: Any = cls(**CREDENTIALS, max_retries=0, schema="bundled")
    results = {}
    with recorder.use_cassette("documented_examples.yaml") as cassette:
        for name, order in ORDERS:
            results[name] = await resolve(order(hub))
        assert cassette.all_played
    await resolve(hub.close())
    assert results["customer"].address.postal_code == "01067"
    assert results["createCustomer"].status == "INVITED"
    assert results["createCustomerMachine (flat)"].external_id == "Unique SAP ID"
    assert results["serviceCasesPaginated"].severity == "PRODUCTION_IMPAIRED"
    assert results["updateServiceCaseExternalId"].external_id == "External ID from SAP/ERP"


def test_cassettes_hold_no_secret() -> None:
    assert find_secrets([CASSETTES], [CREDENTIALS["api_key"], CREDENTIALS["client_secret"]]) == []
    text = (CASSETTES / "documented_examples.yaml").read_text()
    assert "client_secret=REDACTED" in text
    assert '"access_token": "REDACTED"' in text
