"""Customers against the emulator over loopback, sync and async."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehub_sdk.core import GraphQLError, NotFoundError, RequestValidationError
from servicehub_sdk.ssh import Customer, CustomerInput, SSHClient
from servicehub_sdk.testing import EmulatorServer, SSHEmulator
from tests.helpers import collect, resolve


def new_customer(org_id: str, external_id: str = "ERP-1", **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Müller Maschinenbau GmbH",
        "externalId": external_id,
        "serviceOrganisation": org_id,
        "address": {"country": "DE", "city": "Dresden", "postalCode": "01067"},
    }
    data.update(changes)
    return data


async def test_list_pages_through_all_customers(hub: Any, server: EmulatorServer) -> None:
    customers = await collect(hub.customers.list(page_size=40))
    assert len(customers) == 250
    assert len({c.external_id for c in customers}) == 250
    assert all(isinstance(c, Customer) and c.service_organisation for c in customers)
    assert server.requests("POST", "/graphql") == 7  # 6 full pages and a short one


async def test_get_by_external_id(hub: Any) -> None:
    customer = await resolve(hub.customers.get("C-10042"))
    assert customer.external_id == "C-10042"
    assert customer.address.country


async def test_get_unknown_is_not_found(hub: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        await resolve(hub.customers.get("NOPE"))
    assert "NOPE" in str(caught.value)


async def test_create_then_get(hub: Any, org_id: str, emulator: SSHEmulator) -> None:
    created = await resolve(hub.customers.create(new_customer(org_id)))
    assert created.name == "Müller Maschinenbau GmbH"
    assert created.address.postal_code == "01067"  # leading zero kept
    fetched = await resolve(hub.customers.get("ERP-1"))
    assert fetched.id == created.id
    assert emulator.store.writes["createCustomer"] == 1


async def test_create_accepts_a_model(hub: Any, org_id: str) -> None:
    model = CustomerInput.model_validate(new_customer(org_id, "ERP-M"))
    assert (await resolve(hub.customers.create(model))).external_id == "ERP-M"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"address": {"country": "Germany"}}, "ISO 3166-1"),
        ({"address": {"country": "de "}}, "did you mean 'DE'"),
        ({"address": {}}, "country"),
        ({"name": ""}, "name"),
        ({"serviceOrganisation": ""}, "serviceOrganisation"),
        ({"externalId": ""}, "externalId"),
        ({"unknownField": 1}, "unknownField"),
    ],
)
async def test_invalid_customers_are_refused_before_sending(
    hub: Any, org_id: str, server: EmulatorServer, changes: dict[str, Any], problem: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        await resolve(hub.customers.create(new_customer(org_id, **changes)))
    assert problem in str(caught.value).replace(
        "service_organisation", "serviceOrganisation"
    ).replace("external_id", "externalId")
    assert server.requests() == 0


async def test_missing_required_fields_are_named(hub: Any) -> None:
    with pytest.raises(RequestValidationError) as caught:
        await resolve(hub.customers.create({"externalId": "X"}))
    fields = {e["loc"][0] for e in caught.value.errors}
    assert {"name", "serviceOrganisation", "address"} <= fields


async def test_duplicate_external_id_is_a_graphql_error(hub: Any, org_id: str) -> None:
    with pytest.raises(GraphQLError) as caught:
        await resolve(hub.customers.create(new_customer(org_id, "C-10001")))
    error = caught.value
    assert "already exists" in str(error)
    assert error.errors[0]["extensions"]["code"] == "CONFLICT"
    assert error.errors[0]["path"] == ["createCustomer"]
    assert error.may_have_been_applied is False


async def test_unknown_service_organisation_is_a_graphql_error(hub: Any, org_id: str) -> None:
    with pytest.raises(GraphQLError) as caught:
        await resolve(hub.customers.create(new_customer("no-such-org")))
    assert caught.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_update_by_external_id(hub: Any, org_id: str) -> None:
    updated = await resolve(
        hub.customers.update(
            {"externalId": "C-10003", "name": "NEW Customer Name", "serviceOrganisation": org_id}
        )
    )
    assert updated.name == "NEW Customer Name"
    assert updated.service_organisation.id == org_id


async def test_update_of_unknown_external_id_is_not_found(hub: Any, variant: str) -> None:
    if variant == "document":
        # The document requires the country: the update looks the customer up for it first.
        with pytest.raises(NotFoundError, match="NOPE"):
            await resolve(hub.customers.update({"externalId": "NOPE", "name": "x"}))
        return
    with pytest.raises(GraphQLError) as caught:
        await resolve(hub.customers.update({"externalId": "NOPE", "name": "x"}))
    assert caught.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_upsert_creates_then_leaves_unchanged_then_updates(
    hub: Any, org_id: str, emulator: SSHEmulator
) -> None:
    first = await resolve(hub.customers.upsert(new_customer(org_id, "ERP-U")))
    assert first.action == "created"
    second = await resolve(hub.customers.upsert(new_customer(org_id, "ERP-U")))
    assert second.action == "unchanged" and second.item.id == first.item.id
    third = await resolve(
        hub.customers.upsert(
            new_customer(org_id, "ERP-U", address={"country": "AT", "city": "Wien"})
        )
    )
    assert third.action == "updated"
    assert set(third.differences) == {"address.country", "address.city"}
    assert third.item.address.country == "AT"
    assert emulator.store.writes == {"createCustomer": 1, "updateCustomer": 1}


async def test_upsert_needs_an_external_id(hub: Any, org_id: str) -> None:
    data = new_customer(org_id)
    del data["externalId"]
    with pytest.raises(RequestValidationError):
        await resolve(hub.customers.upsert(data))


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TEXT, city=TEXT)
def test_any_text_round_trips_exactly(
    config: dict[str, Any], org_id: str, name: str, city: str
) -> None:
    tricky = f'{name} "quoted" \\back{{slash}} $var'
    with SSHClient(**config) as hub:
        external_id = f"RT-{abs(hash((name, city)))}"
        created = hub.customers.upsert(
            {
                "name": tricky,
                "externalId": external_id,
                "serviceOrganisation": org_id,
                "address": {"country": "FR", "city": city},
            }
        )
        fetched = hub.customers.get(external_id)
    assert fetched.name == tricky
    assert fetched.address is not None and fetched.address.city == city
    assert created.item.name == tricky


async def test_find_returns_none_where_get_raises(hub: Any) -> None:
    assert await resolve(hub.customers.find("NO-SUCH-CUSTOMER")) is None
    with pytest.raises(NotFoundError):
        await resolve(hub.customers.get("NO-SUCH-CUSTOMER"))
    first = (await collect(hub.customers.list()))[0]
    found = await resolve(hub.customers.find(first.external_id))
    assert found is not None and found.id == first.id
