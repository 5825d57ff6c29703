"""Every document the SDK ships validates against the bundled schema and the emulator's,
names no input type, and serialises values exactly."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from gql import Client, gql
from gql.dsl import ast_from_value
from graphql import build_schema, parse, parse_value, print_ast, validate
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehub_sdk.core import Call
from servicehub_sdk.ssh import (
    CustomerInput,
    CustomerMachineInput,
    CustomerUpdate,
    MachineModelInput,
)
from servicehub_sdk.ssh.customer_machines import create_machine, list_machines
from servicehub_sdk.ssh.customers import create_customer, get_customer, update_customer
from servicehub_sdk.ssh.graphql import document, load_schema, paged_call
from servicehub_sdk.ssh.machine_models import create_model, list_models
from servicehub_sdk.ssh.models import ServiceCase, ServiceOrganisation

ADDRESS = {"country": "DE", "city": "Köln", "postalCode": "50667", "street": 'Haupt "str." 1\\a'}
MACHINE = CustomerMachineInput(
    customer_external_id="C-1", machine_model_external_id="M-1", serial_number="S", external_id="E"
)


def shipped() -> list[Call[Any]]:
    return [
        paged_call(
            "serviceOrganisationsPaginated",
            "ServiceOrganisation",
            ServiceOrganisation,
            page_size=10,
        ),
        paged_call("customersPaginated", "Customer", ServiceOrganisation, page_size=10),
        get_customer('ERP "1" {x}'),
        create_customer(
            CustomerInput.model_validate(
                {"name": "A", "externalId": "B", "serviceOrganisation": "O", "address": ADDRESS}
            )
        ),
        update_customer(
            CustomerUpdate.model_validate({"externalId": "B", "name": "N", "address": ADDRESS})
        ),
        list_models(10),
        create_model(MachineModelInput(model_name="M", external_id="X")),
        list_machines(10),
        create_machine(MACHINE, "object"),
        create_machine(MACHINE, "flat"),
        paged_call(
            "serviceCasesPaginated",
            "ServiceCase",
            ServiceCase,
            page_size=5,
            options={"view": "SERVICE_PROVIDER"},
        ),
    ]


def query_of(call: Call[Any]) -> str:
    query: str = call.json["query"]
    return query


@pytest.mark.parametrize("call", shipped(), ids=lambda c: c.name)
def test_document_validates_against_the_bundled_schema_with_gql(call: Call[Any]) -> None:
    text = resources.files("servicehub_sdk.ssh").joinpath("schema.graphql").read_text()
    Client(schema=text).validate(gql(query_of(call)))


@pytest.mark.parametrize("call", shipped(), ids=lambda c: c.name)
def test_document_validates_against_the_emulators_schema(call: Call[Any]) -> None:
    text = resources.files("servicehub_sdk.testing.ssh").joinpath("schema.graphql").read_text()
    assert validate(build_schema(text), parse(query_of(call))) == []


@pytest.mark.parametrize("call", shipped(), ids=lambda c: c.name)
def test_documents_declare_no_variables_and_name_no_input_type(call: Call[Any]) -> None:
    query = query_of(call)
    assert "$" not in query
    input_types = [
        n
        for n, t in load_schema().type_map.items()
        if t.__class__.__name__ == "GraphQLInputObjectType"
    ]
    assert not [name for name in input_types if name in query]


def test_values_are_escaped_by_graphql_core() -> None:
    query = query_of(get_customer('ERP "1" {x} \\ ü'))
    assert 'customer(externalId: "ERP \\"1\\" {x} \\\\ ü")' in query
    argument = parse(query).definitions[0].selection_set.selections[0].arguments[0]  # type: ignore[attr-defined]
    assert argument.value.value == 'ERP "1" {x} \\ ü'


def test_calls_are_graphql_posts() -> None:
    call = get_customer("x")
    assert call.method == "POST" and call.is_idempotent
    assert not create_customer(
        CustomerInput.model_validate(
            {"name": "A", "serviceOrganisation": "O", "address": {"country": "DE"}}
        )
    ).is_idempotent
    assert json.dumps(call.json)


TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
ADDRESSES = st.fixed_dictionaries(
    {"country": st.sampled_from(["DE", "AT", "US"])},
    optional={"city": TEXT, "street": TEXT, "street2": st.none() | TEXT, "postalCode": TEXT},
)


def printed_argument(query: str) -> Any:
    field = parse(query).definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
    return field.arguments[0]


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {"name": TEXT, "serviceOrganisation": TEXT, "address": ADDRESSES},
        optional={"externalId": st.none() | TEXT},
    )
)
def test_arguments_print_as_graphql_core_prints_them(customer: dict[str, Any]) -> None:
    argument_type = load_schema().mutation_type.fields["createCustomer"].args["customer"].type
    expected = print_ast(ast_from_value(customer, argument_type))
    sent = printed_argument(document("mutation", "createCustomer", {"customer": customer}, None))
    assert print_ast(sent.value) == expected
    assert print_ast(parse_value(expected)) == expected


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_string_arguments_round_trip(external_id: str) -> None:
    sent = printed_argument(document("query", "customer", {"externalId": external_id}, "Customer"))
    assert sent.value.value == external_id


def test_unknown_arguments_are_refused() -> None:
    with pytest.raises(KeyError, match="nickname"):
        document("query", "customer", {"nickname": "x"}, "Customer")
