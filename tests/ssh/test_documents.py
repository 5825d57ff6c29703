"""Documents fit the schema they are built against: every shipped document validates against
the bundled schema and each emulator variant, names no input type, prints IDs as strings and
serialises values exactly; the exact text sent to each variant is pinned here."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Generator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, cast

import pytest
from gql import Client, gql
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLString,
    Undefined,
    build_schema,
    parse,
    validate,
    value_from_ast_untyped,
)
from graphql.language.print_string import print_string
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehub_sdk.core import Call, RequestValidationError
from servicehub_sdk.ssh import (
    Customer,
    CustomerInput,
    CustomerMachine,
    CustomerMachineInput,
    CustomerUpdate,
    MachineModel,
    MachineModelInput,
    ServiceCase,
    ServiceOrganisation,
)
from servicehub_sdk.ssh._batch import BatchLimit
from servicehub_sdk.ssh._context import SSHContext
from servicehub_sdk.ssh._customer_machines import create_machine
from servicehub_sdk.ssh._customers import create_customer, get_customer, update_customer
from servicehub_sdk.ssh._graphql import (
    FieldRequest,
    Plan,
    bundled_plan,
    document,
    graphql_call,
    load_schema,
    page_request,
    print_value,
)
from servicehub_sdk.ssh._machine_models import create_model
from servicehub_sdk.ssh._schemas import SchemaState
from servicehub_sdk.testing import SSH_VARIANTS as VARIANTS

ADDRESS = {"country": "DE", "city": "Köln", "postalCode": "50667", "street": 'Haupt "str." 1\\a'}
MACHINE = CustomerMachineInput(
    customer_external_id="C-1", machine_model_external_id="M-1", serial_number="S", external_id="E"
)


def emulator_sdl(variant: str) -> str:
    name = {"document": "schema.graphql", "symmedia": "schema_symmedia.graphql"}[variant]
    return resources.files("servicehub_sdk.testing._ssh").joinpath(name).read_text()


def plan_of(variant: str) -> Plan:
    return Plan(build_schema(emulator_sdl(variant)), "live")


PLANS = {"bundled": bundled_plan(), **{v: plan_of(v) for v in VARIANTS}}


def shipped() -> list[FieldRequest[Any]]:
    calls: list[Any] = [
        page_request(
            "serviceOrganisationsPaginated",
            "ServiceOrganisation",
            ServiceOrganisation,
            number=0,
            page_size=10,
        ),
        page_request("customersPaginated", "Customer", ServiceOrganisation, number=0, page_size=10),
        get_customer('ERP "1" {x}'),
        create_customer(
            CustomerInput.model_validate(
                {"name": "A", "externalId": "B", "serviceOrganisation": "O", "address": ADDRESS}
            )
        ),
        page_request(
            "machineModelsPaginated", "MachineModel", MachineModel, number=0, page_size=10
        ),
        create_model(MachineModelInput(model_name="M", technology="T", external_id="X")),
        page_request(
            "customerMachinesPaginated", "CustomerMachine", CustomerMachine, number=0, page_size=10
        ),
        create_machine(MACHINE, "object"),
        create_machine(MACHINE, "flat"),
        page_request(
            "serviceCasesPaginated",
            "ServiceCase",
            ServiceCase,
            number=0,
            page_size=5,
            options={"view": "SERVICE_PROVIDER"},
        ),
    ]
    return calls


def query_of(call: FieldRequest[Any], plan: Plan | str = "bundled") -> str:
    assert isinstance(call, FieldRequest)  # built only once bound to a plan
    bound = call.bind(PLANS[plan] if isinstance(plan, str) else plan)
    query: str = bound.json["query"]
    return query


@pytest.mark.parametrize("call", shipped(), ids=lambda c: c.name)
def test_document_validates_against_the_bundled_schema_with_gql(call: Call[Any]) -> None:
    text = resources.files("servicehub_sdk.ssh").joinpath("schema.graphql").read_text()
    Client(schema=text).validate(gql(query_of(call)))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("call", shipped(), ids=lambda c: c.name)
def test_document_built_for_a_variant_validates_against_it(call: Call[Any], variant: str) -> None:
    schema = build_schema(emulator_sdl(variant))
    assert validate(schema, parse(query_of(call, variant))) == []


@pytest.mark.parametrize("call", shipped(), ids=lambda c: c.name)
def test_documents_declare_no_variables_and_name_no_input_type(call: Call[Any]) -> None:
    for plan in PLANS:
        query = query_of(call, plan)
        assert "$" not in query
        input_types = [
            n
            for n, t in PLANS[plan].schema.type_map.items()
            if t.__class__.__name__ == "GraphQLInputObjectType"
        ]
        assert not [name for name in input_types if name in query]


SERVICE_CASE_FIELDS = """\
      id
      displayId
      externalId
      title
      description
      priority
      severity
      createdAt
      updatedAt
      closedAt
      state {
        name
      }
      creator {
        name
      }
      assignee {
        name
      }
      customerMachine {
        id
        externalId
        serialNumber
      }
      customFields {
%s
      }
      closingReport {
        isSolved
        notes
      }"""


def test_service_cases_fit_each_variant_exactly() -> None:
    call = shipped()[-1]
    assert query_of(call, "document") == (
        "{\n  serviceCasesPaginated(options: {view: SERVICE_PROVIDER, pagination: {page: 0, "
        "pageSize: 5}}) {\n    data {\n"
        + SERVICE_CASE_FIELDS % "        key\n        value"
        + "\n    }\n  }\n}"
    )
    assert query_of(call, "symmedia") == (
        "{\n  serviceCasesPaginated(options: {view: SERVICE_PROVIDER}) {\n    data {\n"
        + SERVICE_CASE_FIELDS % "        definition {\n          key\n        }\n        value"
        + "\n    }\n  }\n}"
    )


def test_organisations_and_models_fit_each_variant_exactly() -> None:
    organisations, _, _, _, models = shipped()[:5]
    fields = "    data {\n      id\n      name\n      description\n    }\n  }\n}"
    assert query_of(organisations, "document") == (
        "{\n  serviceOrganisationsPaginated(options: {pagination: {page: 0, pageSize: 10}}) {\n"
        + fields
    )
    assert query_of(organisations, "symmedia") == (
        "{\n  serviceOrganisationsPaginated {\n" + fields
    )
    assert query_of(models, "document").startswith(
        "{\n  machineModelsPaginated(options: {pagination: {page: 0, pageSize: 10}}) {\n"
    )
    assert query_of(models, "symmedia").startswith("{\n  machineModelsPaginated {\n    data {\n")


def test_ids_print_as_strings_even_when_they_look_like_numbers() -> None:
    customer = CustomerInput.model_validate(
        {"name": "A", "serviceOrganisation": "123", "address": {"country": "DE"}}
    )
    for plan in PLANS:
        assert 'serviceOrganisation: "123"' in query_of(create_customer(customer), plan)
    assert (
        document(
            "mutation",
            "updateServiceCaseExternalId",
            {"serviceCaseId": 42, "externalId": "7"},
            None,
        )
        == 'mutation {\n  updateServiceCaseExternalId(serviceCaseId: "42", externalId: "7")\n}'
    )


def context_of(plan: Plan) -> SSHContext:
    """The context of a client whose plan is `plan` (no engine: `drive` answers)."""
    return SSHContext(
        engine=cast(Any, None),
        client_name="SSHClient",
        schemas=SchemaState(plan),
        batching=BatchLimit(),
    )


def drive(flow: Generator[Any, Any, Any], answers: list[Any]) -> list[str]:
    """The documents a flow sends, fed `answers` in turn (its plan is known: no
    introspection is sent)."""
    sent: list[str] = []
    value: Any = None
    answers = list(answers)
    try:
        while True:
            call = flow.send(value)
            sent.append(call.json["query"])
            value = answers.pop(0)
    except StopIteration:
        return sent


EXISTING = Customer.model_validate(
    {"id": "4711", "externalId": "10001", "address": {"country": "AT"}}
)
UPDATED = Customer.model_validate({"id": "4711"})


def test_update_in_the_document_form_sends_the_current_country() -> None:
    update = CustomerUpdate.model_validate({"externalId": "10001", "name": "N"})
    sent = drive(update_customer(context_of(PLANS["document"]), update), [EXISTING, UPDATED])
    assert sent[0].startswith('{\n  customer(externalId: "10001") {')
    assert sent[1].startswith(
        'mutation {\n  updateCustomer(customer: {externalId: "10001", name: "N", '
        'address: {country: "AT"}}) {'
    )
    # With an address the country is the caller's, and nothing is looked up.
    update = CustomerUpdate.model_validate({"externalId": "10001", "address": {"country": "DE"}})
    sent = drive(update_customer(context_of(PLANS["document"]), update), [UPDATED])
    assert len(sent) == 1 and 'address: {country: "DE"}' in sent[0]
    # A known record (an upsert has it) spares the look-up.
    update = CustomerUpdate.model_validate({"externalId": "10001", "name": "N"})
    sent = drive(update_customer(context_of(PLANS["document"]), update, EXISTING), [UPDATED])
    assert len(sent) == 1 and 'address: {country: "AT"}' in sent[0]


def test_update_uses_the_by_external_id_mutation_where_the_schema_has_it() -> None:
    update = CustomerUpdate.model_validate(
        {"externalId": "10001", "name": "N", "serviceOrganisation": "55"}
    )
    sent = drive(update_customer(context_of(PLANS["symmedia"]), update), [UPDATED])
    assert sent == [
        'mutation {\n  updateCustomerByExternalId(externalId: "10001", customer: {name: "N", '
        'serviceOrganisation: "55"}) {\n    id\n    name\n    status\n    externalId\n'
        "    serviceOrganisation {\n      id\n      name\n      description\n    }\n"
        "    address {\n      country\n      state\n      city\n      postalCode\n"
        "      street\n      street2\n    }\n  }\n}"
    ]


def test_update_by_id_looks_the_id_up_first() -> None:
    only_by_id = emulator_sdl("symmedia").replace(
        "  updateCustomerByExternalId(externalId: ID!, customer: UpdateCustomerInput!): Customer\n",
        "",
    )
    plan = Plan(build_schema(only_by_id), "live")
    update = CustomerUpdate.model_validate({"externalId": "10001", "name": "N"})
    sent = drive(update_customer(context_of(plan), update), [EXISTING, UPDATED])
    assert sent[0].startswith('{\n  customer(externalId: "10001") {')
    assert sent[1].startswith('mutation {\n  updateCustomer(id: "4711", customer: {name: "N"}) {')


def test_what_the_schema_requires_is_checked_before_sending() -> None:
    model = create_model(MachineModelInput(model_name="M"))
    assert query_of(model, "document").startswith(
        'mutation {\n  createMachineModel(machineModel: {modelName: "M"}) {'
    )
    with pytest.raises(RequestValidationError, match=r"CreateMachineModelInput\.technology"):
        query_of(model, "symmedia")


def test_values_are_escaped_by_graphql_core() -> None:
    query = query_of(get_customer('ERP "1" {x} \\ ü'))
    assert 'customer(externalId: "ERP \\"1\\" {x} \\\\ ü")' in query
    argument = parse(query).definitions[0].selection_set.selections[0].arguments[0]  # type: ignore[attr-defined]
    assert argument.value.value == 'ERP "1" {x} \\ ü'


def test_calls_are_graphql_posts() -> None:
    call = get_customer("x").bind(bundled_plan())
    assert call.method == "POST" and call.is_idempotent
    assert (
        not create_customer(
            CustomerInput.model_validate(
                {"name": "A", "serviceOrganisation": "O", "address": {"country": "DE"}}
            )
        )
        .bind(bundled_plan())
        .is_idempotent
    )
    assert json.dumps(call.json)


def test_a_field_can_be_emitted_under_an_alias() -> None:
    text = bundled_plan().field_text(
        "query", "customer", {"externalId": "7"}, "CustomerSummary", alias="c1"
    )
    assert text == 'c1: customer(externalId: "7") {\n  id\n  name\n  externalId\n}'


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
        {"name": TEXT, "serviceOrganisation": TEXT | st.integers().map(str), "address": ADDRESSES},
        optional={"externalId": st.none() | TEXT},
    )
)
def test_arguments_round_trip_exactly(customer: dict[str, Any]) -> None:
    sent = printed_argument(document("mutation", "createCustomer", {"customer": customer}, None))
    assert value_from_ast_untyped(sent.value) == customer


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_string_arguments_round_trip(external_id: str) -> None:
    sent = printed_argument(document("query", "customer", {"externalId": external_id}, "Customer"))
    assert sent.value.value == external_id


def test_unknown_arguments_are_refused() -> None:
    with pytest.raises(KeyError, match="nickname"):
        document("query", "customer", {"nickname": "x"}, "Customer")
    # A flow binding such a field gets an SDK error before anything is sent.
    request = graphql_call("query", "customer", {"nickname": "x"}, "Customer", lambda v, _: v)
    with pytest.raises(RequestValidationError, match="nickname"):
        request.bind(bundled_plan())


def test_a_flow_sends_nothing_to_plan_once_the_plan_is_known() -> None:
    context = context_of(PLANS["document"])
    flow = context.send(get_customer("7"))
    call = next(flow)  # the field itself: no introspection first
    assert call.json["query"].startswith('{\n  customer(externalId: "7")')
    with pytest.raises(StopIteration):
        flow.send("answer")


def test_the_bundled_schema_is_the_one_shipped() -> None:
    assert bundled_plan().schema is load_schema()


def test_values_the_schema_types_otherwise_are_refused() -> None:
    plan = bundled_plan()
    for arguments in (
        {"options": {"view": "ADMIN"}},
        {"options": {"view": "OPERATOR", "pagination": {"page": 1.5, "pageSize": 10}}},
        {"options": {"view": "OPERATOR", "pagination": {"page": True, "pageSize": 10}}},
        {"options": "everything"},
    ):
        with pytest.raises(RequestValidationError):
            plan.document("query", "serviceCasesPaginated", arguments, "ServiceCase")
    assert "page: 2, pageSize: 10" in plan.document(
        "query",
        "serviceCasesPaginated",
        {"options": {"view": "OPERATOR", "pagination": {"page": 2.0, "pageSize": 10}}},
        "ServiceCase",
    )


def test_selections_keep_to_what_the_schema_returns() -> None:
    plan = Plan(
        build_schema(
            "type Query { customer(externalId: String!): Other }\n"
            "type Other { unrelated: String }\n"
            "type Mutation { updateServiceCaseExternalId(serviceCaseId: ID!, externalId:"
            " String!): Boolean }"
        )
    )
    assert plan.document("query", "customer", {"externalId": "1"}, "Customer") == (
        '{\n  customer(externalId: "1") {\n    __typename\n  }\n}'
    )
    assert (
        plan.document(
            "mutation",
            "updateServiceCaseExternalId",
            {"serviceCaseId": "1", "externalId": "2"},
            "ServiceCaseLink",
        )
        == 'mutation {\n  updateServiceCaseExternalId(serviceCaseId: "1", externalId: "2")\n}'
    )


# Printing against an independent reference: the plain recursive printer the SDK started
# with (every text through graphql-core's `print_string`, one generic check per step). The
# printer in use must print every value byte for byte as it does, and refuse the same values
# with the same error.

REFERENCE_SDL = """
enum Colour { RED GREEN BLUE_GREEN }
input Node {
  label: String!
  id: ID
  count: Int
  ratio: Float
  flag: Boolean
  colour: Colour
  colours: [Colour!]
  tags: [String]
  parent: Node
  children: [Node!]
  fallback: String! = "x"
  code: Code
}
input Pair { left: Node!, right: Node }
scalar Code
type Query {
  node(
    node: Node, pair: Pair, nodes: [Node], text: String, key: ID!, colour: Colour, count: Int!
  ): String
}
"""
REFERENCE_SCHEMA = build_schema(REFERENCE_SDL)
REFERENCE_TYPES = ("Node", "Node", "Pair", "Pair", "Colour", "Code")
NODE = cast(GraphQLInputObjectType, REFERENCE_SCHEMA.type_map["Node"])


class Colour(enum.Enum):
    RED = "RED"
    GREEN = "GREEN"
    BLUE_GREEN = "BLUE_GREEN"
    PURPLE = "PURPLE"


class Tagged(str):
    """A str subclass whose str() differs from its text."""

    def __str__(self) -> str:
        return "tagged"

    def __format__(self, spec: str) -> str:
        return "formatted"


def reference_print(value: Any, type_: Any) -> str:
    if isinstance(type_, GraphQLNonNull):
        return reference_print(value, type_.of_type)
    if value is None:
        return "null"
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list | tuple) else [value]
        return "[" + ", ".join(reference_print(item, type_.of_type) for item in items) + "]"
    if isinstance(type_, GraphQLInputObjectType):
        if not isinstance(value, Mapping):
            raise RequestValidationError(
                f"{type_.name} takes an object, got {type(value).__name__}"
            )
        for name, field in type_.fields.items():
            required = isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
            if required and value.get(name) is None:
                raise RequestValidationError(
                    f"{type_.name}.{name} is required by the server's schema"
                )
        printed = [
            f"{name}: {reference_print(value[name], field.type)}"
            for name, field in type_.fields.items()
            if name in value
        ]
        return "{" + ", ".join(printed) + "}"
    if isinstance(type_, GraphQLEnumType):
        name = getattr(value, "value", value)
        if name not in type_.values:
            raise RequestValidationError(f"{name!r} is not a value of {type_.name}")
        return str(name)
    if type_ is GraphQLBoolean:
        if not isinstance(value, bool):
            raise RequestValidationError(f"Boolean takes true or false, got {value!r}")
        return "true" if value else "false"
    if type_ in (GraphQLInt, GraphQLFloat):
        number = int if type_ is GraphQLInt else float
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (number is int and value != int(value))
        ):
            raise RequestValidationError(f"{type_.name} takes a number, got {value!r}")
        return repr(number(value))
    return print_string(value if isinstance(value, str) else str(value))


def outcome(printing: Callable[..., str], *arguments: Any) -> tuple[str, str]:
    """What `printing(*arguments)` gives: its text, or the error it raises (class, message)."""
    try:
        return "printed", printing(*arguments)
    except Exception as exc:  # compared, never swallowed: a different error fails the test
        return type(exc).__name__, str(exc)


# Texts that need escaping, and some that only look as if they might.
AWKWARD = st.text(
    st.characters(codec="utf-8")
    | st.sampled_from(['"', "\\", "\x00", "\n", "\x1f", "\x7f", "\x85", "\x9f", "\xa0", "\u2028"])
    | st.sampled_from(["\u200b", "\ufeff", "ü", "€", "😀", "{", "}", "$", ",", ":", "%"]),
    max_size=12,
) | st.text(st.sampled_from(["a", " ", '"', "\\", "ü", "€"]), max_size=6)
SCALARS = (
    st.none()
    | AWKWARD
    | AWKWARD.map(Tagged)
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, 1, 2.0, 1.5, True, False, -0.0])
    | st.sampled_from(["RED", "BLUE_GREEN", "red", ""])
    | st.sampled_from(list(Colour))
)
LEAVES = SCALARS | st.lists(SCALARS, max_size=3) | st.tuples(SCALARS)
TEXTS = AWKWARD | AWKWARD.map(Tagged)


def node(children: st.SearchStrategy[Any], anything: st.SearchStrategy[Any]) -> Any:
    """A `Node`: its required fields and well-typed others, `anything` in a few places."""
    typed = st.fixed_dictionaries(
        {"label": TEXTS, "fallback": TEXTS},
        optional={
            "id": TEXTS | st.integers(),
            "count": st.integers() | st.sampled_from([2.0, 0.5]),
            "ratio": st.floats(allow_nan=False) | st.integers(),
            "flag": st.booleans(),
            "colour": st.sampled_from(["RED", "BLUE_GREEN", Colour.GREEN, Colour.PURPLE]),
            "colours": st.lists(st.sampled_from(["RED", Colour.GREEN])) | st.just("GREEN"),
            "tags": st.lists(TEXTS | st.none(), max_size=3) | TEXTS,
            "parent": children,
            "children": st.lists(children, max_size=2) | children,
            "code": TEXTS | st.integers(),
            "unknown": anything,
            "left": anything,
        },
    )
    return typed | typed.map(MappingProxyType)


def pair(nodes: st.SearchStrategy[Any], anything: st.SearchStrategy[Any]) -> Any:
    return st.fixed_dictionaries({"left": nodes}, optional={"right": nodes, "x": anything})


# well-typed nodes and pairs, some nesting others
NODES = st.recursive(
    node(st.none(), LEAVES), lambda inner: node(inner | st.none(), LEAVES), max_leaves=6
)
# anything at all: leaves, dicts of any keys and values, nodes holding anything
ANYTHING = st.recursive(
    LEAVES,
    lambda inner: (
        st.dictionaries(
            st.sampled_from([*NODE.fields, "unknown", "left"]),
            inner,
            max_size=8,
        )
        | node(inner, inner)
        | pair(inner, inner)
        | st.lists(inner, max_size=2)
    ),
    max_leaves=10,
)
VALUES = NODES | pair(NODES, LEAVES) | st.lists(NODES, max_size=3) | ANYTHING


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(REFERENCE_TYPES), st.booleans(), st.booleans(), VALUES)
def test_values_print_as_the_reference_prints_them(
    name: str, non_null: bool, listed: bool, value: Any
) -> None:
    type_: Any = REFERENCE_SCHEMA.type_map[name]
    type_ = GraphQLNonNull(type_) if non_null else type_
    type_ = GraphQLList(type_) if listed else type_
    expected = outcome(reference_print, value, type_)
    assert outcome(print_value, value, type_) == expected
    # a plan caches its printers: the second value through the same printer prints the same
    printers: dict[Any, Any] = {}
    assert outcome(print_value, value, type_, printers) == expected
    assert outcome(print_value, value, type_, printers) == expected


def reference_field(plan: Plan, kind: Any, field: str, arguments: dict[str, Any]) -> str:
    declared = plan.root_field(kind, field).args
    printed = []
    for name, value in arguments.items():
        if name not in declared:
            raise KeyError(f"Argument {name} does not exist in Field: {field}.")
        printed.append(f"{name}: {reference_print(value, declared[name].type)}")
    for name, argument in declared.items():
        required = isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
        if required and arguments.get(name) is None:
            raise RequestValidationError(f"{field}.{name} is required by the server's schema")
    return f"{field}({', '.join(printed)})" if printed else field


ROOT_NAMES = ["node", "pair", "nodes", "text", "key", "colour", "count", "nickname"]
ROOT_ARGUMENTS = st.fixed_dictionaries(
    {"key": TEXTS | st.integers(), "count": st.integers()},
    optional={"node": NODES, "pair": pair(NODES, LEAVES), "nodes": st.lists(NODES, max_size=2)},
) | st.dictionaries(st.sampled_from(ROOT_NAMES), VALUES, max_size=5)


@settings(max_examples=300, deadline=None)
@given(ROOT_ARGUMENTS)
def test_root_fields_print_as_the_reference_prints_them(arguments: dict[str, Any]) -> None:
    plan = Plan(REFERENCE_SCHEMA)
    expected = outcome(reference_field, plan, "query", "node", arguments)
    for _ in range(2):  # the first call works out the field's printers, the second reuses them
        assert outcome(plan.field_text, "query", "node", arguments, None) == expected


WIRE_TEXT = AWKWARD | st.sampled_from(["Customer 1", "BC-1", "DE", "org-1"])


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "name": WIRE_TEXT | st.none(),
            "externalId": WIRE_TEXT | st.none() | st.integers(),
            "serviceOrganisation": WIRE_TEXT,
            "address": st.fixed_dictionaries(
                {}, optional={"country": WIRE_TEXT, "city": WIRE_TEXT | st.none(), "x": SCALARS}
            ),
            "extra": SCALARS,
        },
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "customer": st.fixed_dictionaries({"customerExternalId": WIRE_TEXT}) | st.none(),
            "machineModel": st.fixed_dictionaries({"machineModelExternalId": WIRE_TEXT}),
            "serialNumber": WIRE_TEXT,
            "externalId": WIRE_TEXT | st.none(),
            "isSp1Migration": st.booleans() | st.none() | st.sampled_from(["yes", 1]),
        },
    ),
)
def test_master_data_prints_as_the_reference_prints_it(
    customer: dict[str, Any], machine: dict[str, Any]
) -> None:
    for plan in PLANS.values():
        for field, arguments in (
            ("createCustomer", {"customer": customer}),
            ("createCustomerMachine", {"customerMachine": machine}),
        ):
            if plan.has_field("mutation", field):
                expected = outcome(reference_field, plan, "mutation", field, arguments)
                printed = outcome(plan.field_text, "mutation", field, arguments, None)
                assert printed == expected


def test_escapes_print_as_graphql_core_prints_them() -> None:
    node: Any = NODE
    value = {"label": "a\x7fb", "tags": ["\u2028", '"'], "fallback": "y"}
    assert print_value(value, node) == reference_print(value, node)
    assert (
        print_value(value, node) == '{label: "a\\u007Fb", tags: ["\u2028", "\\""], fallback: "y"}'
    )


def test_a_printer_is_shared_only_once_it_is_complete() -> None:
    # Plans are shared between threads: while an input object's printer is being made (here:
    # while the fields of a type it holds are read), the plan's printers must not offer it.
    printers: dict[Any, Any] = {}
    seen: list[bool] = []

    def inner_fields() -> dict[str, GraphQLInputField]:
        seen.append(outer in printers)
        return {"value": GraphQLInputField(GraphQLString)}

    inner = GraphQLInputObjectType("Inner", inner_fields)
    outer = GraphQLInputObjectType(
        "Outer", lambda: {"inner": GraphQLInputField(inner), "again": GraphQLInputField(outer)}
    )
    value = {"inner": {"value": 'a"'}, "again": {"again": None}}
    assert print_value(value, outer, printers) == '{inner: {value: "a\\""}, again: {again: null}}'
    assert seen == [False]
    assert print_value(value, outer, printers) == reference_print(value, outer)
