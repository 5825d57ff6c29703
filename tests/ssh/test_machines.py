"""Machine models and customer machines, both createCustomerMachine shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from servicehub_sdk.core import GraphQLError, RequestValidationError, capture_responses
from servicehub_sdk.testing import SSHEmulator
from tests.helpers import collect, resolve


async def test_models_list_create_find_upsert(hub: Any, emulator: SSHEmulator) -> None:
    models = await collect(hub.machine_models.list(page_size=15))
    assert len(models) == 40
    created = await resolve(
        hub.machine_models.create(
            {
                "modelName": "TruLine 9000",
                "technology": "Laser",
                "brand": "TruLine",
                "externalId": "MAT-9",
            }
        )
    )
    assert created.model_name == "TruLine 9000"
    found = await resolve(hub.machine_models.find("MAT-9"))
    assert found is not None and found.id == created.id
    assert await resolve(hub.machine_models.find("MAT-NOPE")) is None
    again = await resolve(
        hub.machine_models.upsert({"modelName": "TruLine 9001", "externalId": "MAT-9"})
    )
    # No update mutation exists: the difference is reported, nothing is changed.
    assert again.action == "differs" and again.differences == ["modelName"]
    assert again.item.model_name == "TruLine 9000"
    same = await resolve(
        hub.machine_models.upsert({"modelName": "TruLine 9000", "externalId": "MAT-9"})
    )
    assert same.action == "unchanged" and same.differences == []
    fresh = {"modelName": "Fresh", "technology": "Milling", "externalId": "MAT-10"}
    new = await resolve(hub.machine_models.upsert(fresh))
    assert new.action == "created"
    assert emulator.store.writes["createMachineModel"] == 2


async def test_machines_list_has_model_and_customer(hub: Any) -> None:
    machines = await collect(hub.customer_machines.list(page_size=200))
    assert len(machines) == 600
    assert all(m.machine_model and m.customer and m.customer.external_id for m in machines)


MACHINE = {
    "customerExternalId": "C-10001",
    "machineModelExternalId": "MAT-200001",
    "serialNumber": "SN-1",
    "externalId": "EQ-1",
    "edgeDeviceSerialNumber": "EDGE-1",
    "isSp1Migration": True,
}


@pytest.mark.parametrize("shape", ["object", "flat"])
async def test_create_machine_in_both_shapes(hub: Any, shape: str) -> None:
    with capture_responses() as seen:
        machine = await resolve(hub.customer_machines.create(MACHINE, shape=shape))
    assert machine.serial_number == "SN-1"
    assert machine.customer.external_id == "C-10001"
    assert machine.is_sp1_migration is True
    query = json.loads(seen.last.request.content)["query"]
    assert ("customerMachine:" in query) is (shape == "object")


async def test_default_shape_is_the_input_object(hub: Any) -> None:
    with capture_responses() as seen:
        await resolve(hub.customer_machines.create(MACHINE))
    assert "customerMachine: {" in json.loads(seen.last.request.content)["query"]


async def test_unknown_shape_and_missing_fields_are_refused(hub: Any) -> None:
    with pytest.raises(RequestValidationError):
        await resolve(hub.customer_machines.create(MACHINE, shape="nested"))
    with pytest.raises(RequestValidationError):
        await resolve(hub.customer_machines.create({"serialNumber": "x"}))


async def test_unknown_model_is_a_graphql_error(hub: Any) -> None:
    with pytest.raises(GraphQLError) as caught:
        await resolve(hub.customer_machines.create({**MACHINE, "machineModelExternalId": "MAT-X"}))
    assert caught.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_machine_upsert(hub: Any, emulator: SSHEmulator) -> None:
    first = await resolve(hub.customer_machines.upsert(MACHINE))
    assert first.action == "created"
    second = await resolve(hub.customer_machines.upsert({**MACHINE, "serialNumber": "SN-2"}))
    assert second.action == "differs" and second.differences == ["serialNumber"]
    assert second.item.serial_number == first.item.serial_number  # left as it is
    third = await resolve(hub.customer_machines.upsert(MACHINE))
    assert third.action == "unchanged" and third.differences == []
    assert emulator.store.writes["createCustomerMachine"] == 1
