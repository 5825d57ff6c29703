"""The SSH emulator answers a document of a shape it has seen before (parsed and validated
once, its strings run as variables) exactly as it answers that document parsed whole.

A trailing comment sends a document down the full path (comments are never taken apart), so
each document goes to two emulators of the same seed: as it is, and with the comment.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from servicehub_sdk.testing import SSH_VARIANTS, EmulatorTransport, SSHEmulator

ORGANISATION = "ORG"


def _customer(alias: str, external_id: str, name: str, country: str = "DE") -> str:
    return (
        f"{alias}: createCustomer(customer: {{name: {name}, externalId: {json.dumps(external_id)}, "
        f'serviceOrganisation: "{ORGANISATION}", address: {{country: "{country}", '
        f'city: "Dresden"}}}}) {{\n    id\n    name\n    externalId\n    address {{ country city }}\n  }}'
    )


DOCUMENTS = [
    # a batch, and the same shape with other strings (unicode, quotes escaped by JSON only)
    "mutation {\n  "
    + "\n  ".join(_customer(f"r{i}", f"S-{i}", f'"Kunde {i}"') for i in range(3))
    + "\n}",
    "mutation {\n  "
    + "\n  ".join(_customer(f"r{i}", f"S-{i + 3}", '"Präzision ✓ GmbH"') for i in range(3))
    + "\n}",
    # a conflict in the middle: `data` nulled, the error located after strings on its line
    "mutation { "
    + " ".join(
        _customer(f"r{i}", key, '"Kunde"').replace("\n", " ")
        for i, key in enumerate(["S-9", "S-0", "S-10"])
    )
    + " }",
    # a bad country: a resolver's error message carries the string
    "mutation {\n  " + _customer("r0", "S-11", '"Kunde"', country="Deutschland") + "\n}",
    # escapes and an empty name go the full path either way
    "mutation {\n  " + _customer("r0", "S-12", r'"Ku\"nde \u00e9"') + "\n}",
    "mutation {\n  " + _customer("r0", "S-13", '""') + "\n}",
    # strings where no String or ID is expected, unknown fields: refused in validation
    '{ serviceCasesPaginated(options: {view: "OPERATOR"}) { data { id } } }',
    '{ customer(externalId: "S-0") { id nme } }',
    '{ customer(externalId: "S-0") { id name externalId } }',
    '{ customer(externalId: "S-0", externalId: "S-1") { id } }',
    'mutation { updateServiceCaseExternalId(serviceCaseId: "nope", externalId: "X") { id } }',
]


def _post(http: httpx.Client, query: str, token: str) -> tuple[int, Any]:
    response = http.post(
        "/graphql",
        json={"query": query},
        headers={"api-key": "sandbox-ssh-api-key", "authorization": f"Bearer {token}"},
    )
    return response.status_code, response.json()


def _token(http: httpx.Client, config: dict[str, Any]) -> str:
    answer = http.post(
        config["token_url"],
        data={
            "grant_type": "client_credentials",
            "client_id": config["client_id"],
            "client_secret": config["client_secret"],
            "scope": config["scope"],
        },
    )
    return str(answer.json()["access_token"])


def _answers(variant: Any, documents: list[str]) -> list[tuple[int, Any]]:
    emulator = SSHEmulator(seed=5, variant=variant)
    organisation = next(iter(emulator.store.organisations))
    with EmulatorTransport(emulator) as served, served.client(base_url=served.url) as http:
        token = _token(http, emulator.client_config(served.url))
        return [_post(http, d.replace(ORGANISATION, organisation), token) for d in documents]


@pytest.mark.parametrize("variant", SSH_VARIANTS)
def test_known_shapes_answer_as_documents_parsed_whole(variant: Any) -> None:
    documents = [d for d in DOCUMENTS if variant == "document" or "serviceCases" not in d]
    prepared = _answers(variant, documents)
    whole = _answers(variant, [d + "\n# full path" for d in documents])
    assert prepared == whole
    statuses = [status for status, _ in prepared]
    assert 400 in statuses and 200 in statuses
    errors = [e for _, body in prepared for e in body.get("errors", [])]
    conflict = next(e for e in errors if "already exists" in e["message"])
    assert conflict["locations"][0]["column"] > 200  # after the strings on its line


def test_each_document_of_a_shape_writes_its_own_strings() -> None:
    emulator = SSHEmulator(seed=5)
    organisation = next(iter(emulator.store.organisations))
    batch = "mutation {\n  " + _customer("r0", "K-{}", '"Kunde"') + "\n}"
    with EmulatorTransport(emulator) as served, served.client(base_url=served.url) as http:
        token = _token(http, emulator.client_config(served.url))
        for n in range(3):
            status, body = _post(
                http, batch.replace(ORGANISATION, organisation).replace("{}", str(n)), token
            )
            assert status == 200 and body["data"]["r0"]["externalId"] == f"K-{n}"
    assert emulator.store.writes["createCustomer"] == 3
