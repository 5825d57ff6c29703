"""GraphQL documents for Secure Service Hub, built from the bundled schema.

Selection sets are built with gql's DSL and printed once per shape. Arguments go inline,
serialised against `schema.graphql` by gql's `ast_from_value` and printed with graphql-core's
string escaping (never by string formatting of raw values), so any text round-trips exactly;
no document names an input type, because the vendor does not publish those names.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel

from ..core.errors import GraphQLError, ResponseValidationError
from ..core.http import ErrorInfo, decode_error
from ..core.pagination import Page, PageData, counter_pages
from ..core.request import Call

__all__ = [
    "SELECTIONS",
    "decode_gateway_error",
    "document",
    "graphql_call",
    "load_schema",
    "paged_call",
    "read_data",
]

T = TypeVar("T")
B = TypeVar("B", bound=BaseModel)

Kind = Literal["query", "mutation"]

# The fields the SDK asks for, per type: those the vendor document lists.
SELECTIONS: dict[str, tuple[str | tuple[str, str], ...]] = {
    "ServiceOrganisation": ("id", "name", "description"),
    "Address": ("country", "state", "city", "postalCode", "street", "street2"),
    "Customer": (
        "id",
        "name",
        "status",
        "externalId",
        ("serviceOrganisation", "ServiceOrganisation"),
        ("address", "Address"),
    ),
    "CustomerSummary": ("id", "name", "externalId"),
    "MachineModel": ("id", "modelName", "technology", "brand", "externalId"),
    "CustomerMachine": (
        "id",
        "serialNumber",
        "displayName",
        "externalId",
        "status",
        "isSp1Migration",
        "edgeDeviceSerialNumber",
        ("machineModel", "MachineModel"),
        ("customer", "CustomerSummary"),
    ),
    "CustomerMachineSummary": ("id", "externalId", "serialNumber"),
    "ServiceCaseLink": ("id", "externalId", "displayId"),
    "ServiceCase": (
        "id",
        "displayId",
        "externalId",
        "title",
        "description",
        "priority",
        "severity",
        "createdAt",
        "updatedAt",
        "closedAt",
        ("state", "ServiceCaseState"),
        ("creator", "Person"),
        ("assignee", "Person"),
        ("customerMachine", "CustomerMachineSummary"),
        ("customFields", "CustomField"),
        ("closingReport", "ClosingReport"),
    ),
    "ServiceCaseState": ("name",),
    "Person": ("name",),
    "CustomField": ("key", "value"),
    "ClosingReport": ("isSolved", "notes"),
}

# Selections that are a subset of a schema type.
_SCHEMA_TYPE = {
    "CustomerSummary": "Customer",
    "CustomerMachineSummary": "CustomerMachine",
    "ServiceCaseLink": "ServiceCase",
}


@functools.cache
def load_schema() -> Any:
    """The bundled schema as a `graphql.GraphQLSchema` (parsed once)."""
    from graphql import build_schema

    text = resources.files(__package__).joinpath("schema.graphql").read_text("utf-8")
    return build_schema(text)


@functools.cache
def _dsl() -> Any:
    from gql.dsl import DSLSchema

    return DSLSchema(load_schema())


@functools.cache
def _fields(ds: Any, selection: str) -> tuple[Any, ...]:
    # Built once per selection: selected fields are only read when a parent selects them.
    schema_type = getattr(ds, _SCHEMA_TYPE.get(selection, selection))
    fields = []
    for entry in SELECTIONS[selection]:
        if isinstance(entry, tuple):
            name, nested = entry
            fields.append(getattr(schema_type, name).select(*_fields(ds, nested)))
        else:
            fields.append(getattr(schema_type, entry))
    return tuple(fields)


@functools.cache
def _selection_text(field: str, selection: str) -> str:
    """The printed selection set of a root field (the same for every call)."""
    from graphql import print_ast
    from graphql.language import SelectionSetNode

    ds = _dsl()
    if field.endswith("Paginated"):
        page_type = getattr(ds, f"{_SCHEMA_TYPE.get(selection, selection)}Page")
        fields: tuple[Any, ...] = (page_type.data.select(*_fields(ds, selection)),)
    else:
        fields = _fields(ds, selection)
    node = SelectionSetNode(selections=tuple(f.ast_field for f in fields))
    text: str = print_ast(node)
    return text


def document(
    kind: Kind, field: str, arguments: Mapping[str, Any] | None, selection: str | None
) -> str:
    """The printed document for one root field with inline arguments.

    Arguments are serialised against the schema by gql's `ast_from_value` (the serialiser of
    its DSL: scalars, enums and input objects as the schema types them); the selection set,
    the same for every call, is printed once and reused. `selection` names an entry of
    `SELECTIONS`; paged fields are selected as `{ data { ... } }`.
    """
    head = field
    if arguments:
        ast_from_value, _ = _serialisers()
        types = _argument_types(kind, field)
        printed = []
        for name, value in arguments.items():
            if name not in types:
                raise KeyError(f"Argument {name} does not exist in Field: {field}.")
            printed.append(f"{name}: {_print_value(ast_from_value(value, types[name]))}")
        head = f"{field}({', '.join(printed)})"
    body = f" {_selection_text(field, selection)}" if selection is not None else ""
    operation = "" if kind == "query" else "mutation "
    return f"{operation}{{\n  {head}{body}\n}}"


@functools.cache
def _argument_types(kind: Kind, field: str) -> dict[str, Any]:
    schema = load_schema()
    root = schema.query_type if kind == "query" else schema.mutation_type
    return {name: argument.type for name, argument in root.fields[field].args.items()}


@functools.cache
def _serialisers() -> tuple[Callable[[Any, Any], Any], Callable[[str], str]]:
    """gql's `ast_from_value` and graphql-core's `print_string`, imported on first use (a
    function-level import on every call cost more than printing the document)."""
    from gql.dsl import ast_from_value
    from graphql.language.print_string import print_string

    return ast_from_value, print_string


def _print_value(node: Any) -> str:
    """A value node printed on one line, strings escaped by graphql-core's `print_string`."""
    kind = node.kind
    if kind == "string_value":
        return _serialisers()[1](node.value)
    if kind in ("int_value", "float_value", "enum_value"):
        return node.value  # type: ignore[no-any-return]
    if kind == "boolean_value":
        return "true" if node.value else "false"
    if kind == "null_value":
        return "null"
    if kind == "list_value":
        return f"[{', '.join(_print_value(item) for item in node.values)}]"
    if kind == "object_value":
        fields = ", ".join(f"{f.name.value}: {_print_value(f.value)}" for f in node.fields)
        return f"{{{fields}}}"
    raise TypeError(f"cannot print a GraphQL {kind} as an argument")


def read_data(response: httpx.Response, *, name: str, mutation: bool = False) -> dict[str, Any]:
    """The `data` of a GraphQL answer; `GraphQLError` when it carries `errors`."""
    try:
        body = response.json()
    except ValueError:
        raise ResponseValidationError(
            f"{name}: the answer is not JSON", response=response
        ) from None
    if not isinstance(body, dict):
        raise ResponseValidationError(f"{name}: the answer is not a JSON object", response=response)
    data = body.get("data")
    errors = body.get("errors")
    if errors:
        if not isinstance(errors, list):
            errors = [{"message": str(errors)}]
        errors = [e if isinstance(e, dict) else {"message": str(e)} for e in errors]
        first = str(errors[0].get("message", "unknown error"))
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        applied = mutation and isinstance(data, dict) and any(v is not None for v in data.values())
        raise GraphQLError(
            f"{name} failed: {first}{more}",
            errors=errors,
            data=data,
            response=response,
            may_have_been_applied=applied,
        )
    if not isinstance(data, dict):
        raise ResponseValidationError(f"{name}: the answer has no data", response=response)
    return data


def graphql_call(
    kind: Kind,
    field: str,
    arguments: Mapping[str, Any] | None,
    selection: str | None,
    read: Callable[[Any, httpx.Response], T],
    *,
    idempotent: bool | None = None,
) -> Call[T]:
    """A POST of one root field; `read(field_value, response)` makes the result."""
    name = f"Secure Service Hub {field}"
    query = document(kind, field, arguments, selection)
    mutation = kind == "mutation"

    def parse(response: httpx.Response) -> T:
        data = read_data(response, name=name, mutation=mutation)
        if field not in data:
            raise ResponseValidationError(f"{name}: the answer has no {field!r}", response=response)
        return read(data[field], response)

    return Call(
        "POST",
        "",
        json={"query": query},
        parse=parse,
        idempotent=(not mutation) if idempotent is None else idempotent,
        name=name,
    )


def paged_call(
    field: str,
    selection: str,
    model: type[B],
    *,
    page_size: int,
    options: Mapping[str, Any] | None = None,
    keep: Callable[[B], bool] | None = None,
) -> Call[Page[B]]:
    """A listing over `options: {pagination: {page, pageSize}}` (0-based).

    The API's totals are unreliable, so the listing ends on a short page. `keep` filters items
    on the client side without ending the listing early.
    """
    if page_size < 1:
        from ..core.errors import RequestValidationError

        raise RequestValidationError("page_size must be at least 1")

    def page(number: int) -> Call[PageData[B]]:
        arguments = {
            "options": {**(options or {}), "pagination": {"page": number, "pageSize": page_size}}
        }

        def read(value: Any, response: httpx.Response) -> PageData[B]:
            rows = value.get("data") if isinstance(value, dict) else None
            if not isinstance(rows, list):
                raise ResponseValidationError(f"{field}: no data list", response=response)
            items = [model.model_validate(row) for row in rows]
            kept = [i for i in items if keep(i)] if keep is not None else items
            return PageData(items=kept, has_more=len(rows) >= page_size and bool(rows))

        return graphql_call("query", field, arguments, selection, read)

    return counter_pages(page, start=0, step=1, page_size=page_size)


def decode_gateway_error(body: Any) -> ErrorInfo:
    """Errors of the API gateway (`{"statusCode", "message"}`) or of GraphQL (`errors`)."""
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        if isinstance(first, dict):
            extensions = first.get("extensions") or {}
            return ErrorInfo(
                code=extensions.get("code") if isinstance(extensions, dict) else None,
                message=str(first.get("message")),
                details=body["errors"],
            )
    info = decode_error(body)
    if isinstance(body, dict) and info.code is None and "statusCode" in body:
        return ErrorInfo(code=body["statusCode"], message=info.message, details=info.details)
    return info
