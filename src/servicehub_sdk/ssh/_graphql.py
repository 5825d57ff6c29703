"""GraphQL documents for Secure Service Hub, built against the schema the server has.

A `Plan` builds documents against one schema (the live one from introspection, one the user
pinned, or the bundled `schema.graphql` derived from the vendor document): selection sets of
the fields its types have, printed once per shape; arguments inline, only those it declares,
printed against their declared types with graphql-core's string escaping (never by string
formatting of raw values), so any text round-trips exactly and IDs stay strings. No document
names an input type, because the vendor does not publish those names.

Operations describe each root field they send as a `FieldRequest`; a flow binds it to the
client's plan (`SSHContext.send`: the plan is asked for first when not yet known) and sends the
resulting `FieldCall`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import SimpleNamespace
from typing import Any, Generic, Literal, NamedTuple, TypeVar

import httpx
from pydantic import BaseModel

from ..core._errors import GraphQLError, RequestValidationError, ResponseValidationError
from ..core._http import ErrorInfo, decode_error
from ..core._jsonbody import read_json
from ..core._pagination import PageData, fingerprint
from ..core._request import Call

__all__ = [
    "SELECTIONS",
    "FieldCall",
    "FieldRequest",
    "Plan",
    "PrintedField",
    "bundled_plan",
    "decode_gateway_error",
    "document",
    "graphql_call",
    "load_schema",
    "page_request",
    "print_value",
    "read_data",
    "wrap",
]

T = TypeVar("T")
B = TypeVar("B", bound=BaseModel)

Kind = Literal["query", "mutation"]
Printer = Callable[[Any], str]

# The fields the SDK asks for, per selection: those the vendor document lists. A selection is
# applied to whatever type the schema gives the field; fields the type lacks are left out.
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
    # what a bulk write reads back when only its outcome counts (see `created_id`)
    "Created": ("id", "externalId"),
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
    # what a change scan reads: the case's own fields, without description, creator,
    # machine and custom fields
    "ServiceCaseChange": (
        "id",
        "displayId",
        "externalId",
        "title",
        "priority",
        "severity",
        "createdAt",
        "updatedAt",
        "closedAt",
        ("state", "ServiceCaseState"),
        ("assignee", "Person"),
        ("closingReport", "ClosingReport"),
    ),
    "ServiceCaseState": ("name",),
    "Person": ("name",),
    # `{ key value }` in the vendor document, `{ definition { key } value }` in symmedia's
    # services: each schema keeps the fields it has.
    "CustomField": ("key", ("definition", "CustomFieldDefinition"), "value"),
    "CustomFieldDefinition": ("key",),
    "ClosingReport": ("isSolved", "notes"),
}


class Plan:
    """Documents built against one schema: the live one, a pinned one or the bundled one.

    Only what the schema declares is sent: root arguments must exist (a `KeyError` names the
    one that does not), input-object fields it does not declare are left out, and selections
    keep only the fields its types have. Values are printed against the declared types: `ID`
    and text always as GraphQL strings (escaped by graphql-core's `print_string`), enums as
    names. Printed selection sets are cached per plan.

    Attributes:
        schema: the `graphql.GraphQLSchema` the documents are built against.
        source: where it came from: `"live"`, `"pinned"` or `"bundled"`.
    """

    def __init__(self, schema: Any, source: str = "bundled") -> None:
        self.schema = schema
        self.source = source
        self.bundled_differences: list[str] | None = None  # worked out once, by `SchemaState`
        self._selections: dict[tuple[Kind, str, str], str] = {}
        self._arguments: dict[tuple[Kind, str], dict[str, Any]] = {}
        self._required: dict[tuple[Kind, str], tuple[str, ...]] = {}
        self._printers: dict[Any, Printer] = {}
        self._roots: dict[tuple[Kind, str], _RootPrinter] = {}

    def __repr__(self) -> str:
        return f"<Plan {self.source}>"

    def root_field(self, kind: Kind, field: str) -> Any:
        """The schema's definition of a root field, or `None` when it has none."""
        root = self.schema.query_type if kind == "query" else self.schema.mutation_type
        return None if root is None else root.fields.get(field)

    def has_field(self, kind: Kind, field: str) -> bool:
        return self.root_field(kind, field) is not None

    def arguments(self, kind: Kind, field: str) -> dict[str, Any]:
        """The declared arguments of a root field and their types (empty when it has none)."""
        key = (kind, field)
        found = self._arguments.get(key)
        if found is None:
            definition = self.root_field(kind, field)
            if definition is None:
                raise KeyError(f"Field {field} does not exist in the {kind} type of the schema.")
            found = {name: argument.type for name, argument in definition.args.items()}
            # `_required` first: another thread that finds the arguments reads it next
            self._required[key] = _required(definition.args)
            self._arguments[key] = found
        return found

    def input_fields(self, kind: Kind, field: str, argument: str) -> dict[str, Any]:
        """The fields of the input object an argument takes (empty when it is no object)."""
        from graphql import GraphQLInputObjectType, get_named_type

        named = get_named_type(self.arguments(kind, field).get(argument))
        return dict(named.fields) if isinstance(named, GraphQLInputObjectType) else {}

    def field_text(
        self,
        kind: Kind,
        field: str,
        arguments: Mapping[str, Any] | None,
        selection: str | None,
        *,
        alias: str | None = None,
    ) -> str:
        """One root field as it stands in a document: `alias: field(arguments) { ... }`.

        The building block of `document`; several of them, each under its own alias, make a
        document with many operations.
        """
        root = self._roots.get((kind, field)) or self._root_printer(kind, field)
        text = field if alias is None else f"{alias}: {field}"
        if arguments:
            printers = root.arguments
            opening = "("
            for name in arguments:
                found = printers.get(name)
                if found is None:
                    raise KeyError(f"Argument {name} does not exist in Field: {field}.")
                text = f"{text}{opening}{found[0]}{found[1](arguments[name])}"
                opening = ", "
            text += ")"
        for name in root.required:
            if arguments is None or arguments.get(name) is None:
                _check_required(field, root.required, arguments or {})
        if selection is None:
            return text
        body = root.selections.get(selection)
        if body is None:
            body = root.selections[selection] = self.selection_text(kind, field, selection)
        return f"{text} {body}" if body else text

    def _root_printer(self, kind: Kind, field: str) -> _RootPrinter:
        """What printing a root field needs, worked out once per field (`KeyError` when the
        schema has no such field)."""
        types = self.arguments(kind, field)
        printers = self._printers
        root = _RootPrinter(
            {name: (f"{name}: ", _printer(type_, printers)) for name, type_ in types.items()},
            self._required[(kind, field)],
            {},
        )
        self._roots[(kind, field)] = root
        return root

    def document(
        self, kind: Kind, field: str, arguments: Mapping[str, Any] | None, selection: str | None
    ) -> str:
        """The printed document for one root field with inline arguments."""
        return wrap(kind, self.field_text(kind, field, arguments, selection))

    def selection_text(self, kind: Kind, field: str, selection: str) -> str:
        """The printed selection set of a root field (the same for every call).

        `selection` names an entry of `SELECTIONS`; paged fields are selected as
        `{ data { ... } }`. Empty where the field is a scalar; `{ __typename }` where the
        schema's type has none of the fields wanted.
        """
        key = (kind, field, selection)
        text = self._selections.get(key)
        if text is None:
            from graphql import get_named_type, is_leaf_type

            definition = self.root_field(kind, field)
            if definition is None:
                raise KeyError(f"Field {field} does not exist in the {kind} type of the schema.")
            named = get_named_type(definition.type)
            if is_leaf_type(named):
                lines = []
            elif field.endswith("Paginated") and "data" in named.fields:
                rows = get_named_type(named.fields["data"].type)
                inner = _selection_lines(rows, selection) or ["__typename"]
                lines = ["data {", *(f"  {line}" for line in inner), "}"]
            else:
                lines = _selection_lines(named, selection) or ["__typename"]
            text = "{\n" + "\n".join(f"  {line}" for line in lines) + "\n}" if lines else ""
            self._selections[key] = text
        return text

    def takes_pagination(self, field: str) -> bool:
        """Whether a listing's `options` declare `pagination` (else it answers unpaged)."""
        if "options" not in self.arguments("query", field):
            return False
        return "pagination" in self.input_fields("query", field, "options")


@dataclass(frozen=True, slots=True)
class _RootPrinter:
    """A root field's printing, per plan: each argument's `"name: "` and printer, the
    arguments the schema requires, and the printed selection sets asked for so far."""

    arguments: dict[str, tuple[str, Printer]]
    required: tuple[str, ...]
    selections: dict[str, str]


def _selection_lines(schema_type: Any, selection: str) -> list[str]:
    """The lines inside a selection set, of the fields the schema type has; an object field
    none of whose wanted fields exist is left out."""
    from graphql import GraphQLObjectType, get_named_type, is_leaf_type

    fields = getattr(schema_type, "fields", None) or {}
    lines: list[str] = []
    for entry in SELECTIONS[selection]:
        name, nested = entry if isinstance(entry, tuple) else (entry, None)
        definition = fields.get(name)
        if definition is None:
            continue
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            lines.append(name)
        elif nested is not None and isinstance(named, GraphQLObjectType):
            inner = _selection_lines(named, nested)
            if inner:
                lines.extend([f"{name} {{", *(f"  {line}" for line in inner), "}"])
    return lines


def print_value(value: Any, type_: Any, printers: dict[Any, Printer] | None = None) -> str:
    """A value printed on one line as the schema types it.

    `ID` and every text-like scalar print as strings (escaped by graphql-core's
    `print_string`): an ID that looks like a number stays an ID. Input objects keep only the
    fields they declare, in their declared order, and must carry the ones they require
    (`RequestValidationError` before anything is sent). `printers` caches the printer of
    each type (a `Plan` keeps one per schema).
    """
    return _printer(type_, {} if printers is None else printers)(value)


def _printer(type_: Any, printers: dict[Any, Printer]) -> Printer:
    """The printer of one schema type, made once per type (printing then only walks data)."""
    found = printers.get(type_)
    if found is None:
        found = printers[type_] = _make_printer(type_, printers)
    return found


def _make_printer(type_: Any, printers: dict[Any, Printer]) -> Printer:
    g = _graphql()
    if isinstance(type_, g.GraphQLNonNull):
        return _printer(type_.of_type, printers)
    if isinstance(type_, g.GraphQLList):
        return _list_printer(type_, printers)
    if isinstance(type_, g.GraphQLInputObjectType):
        return _object_printer(type_, printers)
    if isinstance(type_, g.GraphQLEnumType):
        values = type_.values

        def print_enum(value: Any) -> str:
            if value is None:
                return "null"
            name = getattr(value, "value", value)
            if name not in values:
                raise RequestValidationError(f"{name!r} is not a value of {type_.name}")
            return str(name)

        return print_enum
    if type_ is g.GraphQLBoolean:
        return _print_boolean
    if type_ is g.GraphQLInt or type_ is g.GraphQLFloat:
        as_number = int if type_ is g.GraphQLInt else float

        def print_number(value: Any) -> str:
            if value is None:
                return "null"
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (as_number is int and value != int(value))
            ):
                raise RequestValidationError(f"{type_.name} takes a number, got {value!r}")
            return repr(as_number(value))

        return print_number
    return _print_text


def _print_text(value: Any) -> str:
    """`ID` and text-like scalars: a GraphQL string, escaped as graphql-core's `print_string`
    escapes it (text with nothing to escape is printed as it is)."""
    if (
        type(value) is str
        and '"' not in value
        and "\\" not in value
        and (value.isprintable() or _plain_text()(value) is not None)
    ):
        return f'"{value}"'
    if value is None:
        return "null"
    escaped: str = _graphql().print_string(value if isinstance(value, str) else str(value))
    return escaped


@functools.cache
def _plain_text() -> Callable[[str], re.Match[str] | None]:
    """Whether a text has none of the characters graphql-core's `print_string` escapes."""
    from graphql.language.print_string import escape_sequences

    escaped = "".join(re.escape(chr(code)) for code in sorted(escape_sequences))
    return re.compile(f"[^{escaped}]*").fullmatch


def _print_boolean(value: Any) -> str:
    if value is None:
        return "null"
    if not isinstance(value, bool):
        raise RequestValidationError(f"Boolean takes true or false, got {value!r}")
    return "true" if value else "false"


def _list_printer(type_: Any, printers: dict[Any, Printer]) -> Printer:
    def print_list(value: Any) -> str:
        if value is None:
            return "null"
        item = _printer(type_.of_type, printers)
        items = value if isinstance(value, list | tuple) else [value]
        return f"[{', '.join(item(v) for v in items)}]"

    return print_list


def _object_printer(type_: Any, printers: dict[Any, Printer]) -> Printer:
    """The printer of an input object: a function written for its fields by `_object_source`
    (a bulk sync prints thousands of objects of a few types; one written for the type does no
    loop over its fields).

    Input types may refer to themselves: while it is written, fields that take the type get
    a printer forwarding to it. The printers made meanwhile join `printers` (which other
    threads may be reading) only once it is written.
    """
    written: list[Printer] = []
    making = {**printers, type_: lambda value: written[0](value)}
    fields = [(name, _printer(field.type, making)) for name, field in type_.fields.items()]
    required = _required(type_.fields)
    names: dict[str, Any] = {
        "Mapping": Mapping,
        "refuse": _refuse_object,
        "check_required": _check_required,
        "print_text": _print_text,
        "where": type_.name,
        "required": required,
        **{f"print_{i}": printer for i, (_, printer) in enumerate(fields)},
    }
    code = compile(_object_source(fields, required), f"<printer of {type_.name}>", "exec")
    exec(code, names)
    written.append(names["print_object"])
    making[type_] = written[0]
    printers.update(making)
    return written[0]


_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*\Z")  # a GraphQL name: safe inside a literal


def _object_source(fields: list[tuple[str, Printer]], required: tuple[str, ...]) -> str:
    """The source of an input object's printer, `print_object(value)`.

    It refuses what is no object, then an object without a field the type requires (both
    before anything is printed, as `RequestValidationError`), then prints the declared
    fields the object has, in declared order, each with its type's printer (`print_<i>`);
    text with nothing to escape is printed inline, other text by `print_text`. Names enter
    the source only as `repr` literals, or inside the f-string when they are GraphQL names.
    """
    lines = [
        "def print_object(value):",
        "    if type(value) is not dict:",
        "        if value is None:",
        "            return 'null'",
        "        if not isinstance(value, Mapping):",
        "            refuse(where, value)",
    ]
    if required:
        missing = " or ".join(f"value.get({name!r}) is None" for name in required)
        lines += [f"    if {missing}:", "        check_required(where, required, value)"]
    lines.append("    printed = []")
    for i, (name, printer) in enumerate(fields):
        lines.append(f"    if {name!r} in value:")
        if printer is _print_text and _NAME.match(name):
            lines += [
                f"        item = value[{name!r}]",
                "        if (type(item) is str and '\"' not in item and '\\\\' not in item",
                "                and item.isprintable()):",
                f"            printed.append(f'{name}: \"{{item}}\"')",
                "        else:",
                f"            printed.append({name + ': '!r} + print_text(item))",
            ]
        else:
            lines.append(f"        printed.append({name + ': '!r} + print_{i}(value[{name!r}]))")
    lines.append("    return '{' + ', '.join(printed) + '}'")
    return "\n".join(lines)


def _refuse_object(where: str, value: Any) -> None:
    raise RequestValidationError(f"{where} takes an object, got {type(value).__name__}")


def _required(declared: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the arguments or input fields a schema requires (non-null, no default)."""
    g = _graphql()
    return tuple(
        name
        for name, definition in declared.items()
        if isinstance(definition.type, g.GraphQLNonNull)
        and getattr(definition, "default_value", g.Undefined) is g.Undefined
    )


def _check_required(where: str, required: tuple[str, ...], given: Mapping[str, Any]) -> None:
    """Refuse, before sending, a value the schema requires and the caller left out."""
    for name in required:
        if given.get(name) is None:
            raise RequestValidationError(f"{where}.{name} is required by the server's schema")


@functools.cache
def _graphql() -> Any:
    """What printing needs of graphql-core, imported on first use (a function-level import
    on every value cost more than printing it)."""
    import graphql
    from graphql.language.print_string import print_string

    names = (
        "GraphQLBoolean GraphQLEnumType GraphQLFloat GraphQLInputObjectType GraphQLInt "
        "GraphQLList GraphQLNonNull Undefined"
    )
    return SimpleNamespace(
        print_string=print_string, **{name: getattr(graphql, name) for name in names.split()}
    )


@functools.cache
def load_schema() -> Any:
    """The bundled schema as a `graphql.GraphQLSchema` (parsed once)."""
    from graphql import build_schema

    text = resources.files(__package__).joinpath("schema.graphql").read_text("utf-8")
    return build_schema(text)


@functools.cache
def bundled_plan() -> Plan:
    """Documents built against the bundled, document-derived schema."""
    return Plan(load_schema(), "bundled")


def document(
    kind: Kind, field: str, arguments: Mapping[str, Any] | None, selection: str | None
) -> str:
    """The printed document for one root field, built against the bundled schema."""
    return bundled_plan().document(kind, field, arguments, selection)


def answer_errors(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The `errors` of an answer, each a dict (text and other shapes become `message`)."""
    errors = body.get("errors") or []
    if not isinstance(errors, list):
        errors = [{"message": str(errors)}]
    return [e if isinstance(e, dict) else {"message": str(e)} for e in errors]


def read_data(response: httpx.Response, *, name: str, mutation: bool = False) -> dict[str, Any]:
    """The `data` of a GraphQL answer; `GraphQLError` when it carries `errors`."""
    body = read_json(response, name=name, expect=dict)
    data = body.get("data")
    errors = answer_errors(body)
    if errors:
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


Arguments = Mapping[str, Any] | Callable[[Plan], Mapping[str, Any] | None] | None


class PrintedField(NamedTuple):
    """One root field printed against a plan: what a `FieldCall` sends alone, and what a
    batch sends under an alias (`r0: <text>`) next to others (see `batch`).

    Attributes:
        kind: `"query"` or `"mutation"`.
        field: the root field's name.
        text: the field as it stands in a document, without alias.
        read: `read(value, response)` makes the result from the field's value.
    """

    kind: Kind
    field: str
    text: str
    read: Callable[[Any, httpx.Response], Any]


@dataclass(frozen=True, slots=True)
class FieldCall(Call[T]):
    """The POST of one root field, its document built against the client's plan.

    `printed` is the field it sends, for batching; a call read by another parser
    (`with_parse`, `then`) is a plain `Call`, as its result is no longer the field's.
    """

    printed: PrintedField | None = None


@dataclass(frozen=True, slots=True)
class FieldRequest(Generic[T]):
    """One root field to send, before it is printed: `bind(plan)` builds its `FieldCall`
    against the schema of the client (flows send it with `SSHContext.send`).

    Attributes:
        kind, field, selection: what to send (`selection` names a `SELECTIONS` entry).
        arguments: the field's arguments, or a function of the plan giving them.
        read: `read(value, response)` makes the result from the field's value.
        idempotent: whether sending it twice is harmless (default: queries are).
    """

    kind: Kind
    field: str
    arguments: Arguments
    selection: str | None
    read: Callable[[Any, httpx.Response], T]
    idempotent: bool | None = None

    @property
    def name(self) -> str:
        return f"Secure Service Hub {self.field}"

    def printed(self, plan: Plan) -> PrintedField:
        """This field printed against `plan`, as a batch sends it next to others.

        Raises `RequestValidationError` for arguments the schema does not declare or
        values it refuses, before anything is sent.
        """
        return PrintedField(self.kind, self.field, self.text(plan), self.read)

    def text(self, plan: Plan) -> str:
        """The text of `printed(plan)`: the field as it stands in a document, without alias."""
        try:
            values = self.arguments(plan) if callable(self.arguments) else self.arguments
            text = plan.field_text(self.kind, self.field, values, self.selection)
        except KeyError as exc:
            problem = str(exc.args[0] if exc.args else exc)
            raise RequestValidationError(
                f"{self.name}: {problem} The server's schema differs from the one this "
                "operation was written for; hub.schema_report() lists the differences (or pin "
                "a schema with schema=...). Nothing was sent."
            ) from None
        return text

    @property
    def is_idempotent(self) -> bool:
        """Whether sending it twice is harmless: `idempotent`, by default true for queries."""
        return self.kind != "mutation" if self.idempotent is None else self.idempotent

    def bind(self, plan: Plan) -> FieldCall[T]:
        """The call sending this field in a document built against `plan`.

        Raises `RequestValidationError` for arguments the schema does not declare or
        values it refuses, before anything is sent.
        """
        kind, field, name, read = self.kind, self.field, self.name, self.read
        mutation = kind == "mutation"
        printed = self.printed(plan)

        def parse(response: httpx.Response) -> T:
            data = read_data(response, name=name, mutation=mutation)
            if field not in data:
                raise ResponseValidationError(
                    f"{name}: the answer has no {field!r}", response=response
                )
            return read(data[field], response)

        return FieldCall(
            "POST",
            "",
            parse=parse,
            json={"query": wrap(kind, printed.text)},
            idempotent=self.is_idempotent,
            name=name,
            printed=printed,
        )


def wrap(kind: Kind, fields: str) -> str:
    """A document of one or more printed root fields (`{ ... }` or `mutation { ... }`)."""
    operation = "" if kind == "query" else "mutation "
    indented = fields.replace("\n", "\n  ")
    return f"{operation}{{\n  {indented}\n}}"


def graphql_call(
    kind: Kind,
    field: str,
    arguments: Arguments,
    selection: str | None,
    read: Callable[[Any, httpx.Response], T],
    *,
    idempotent: bool | None = None,
) -> FieldRequest[T]:
    """One root field to send; `read(field_value, response)` makes the result.

    `arguments` is a mapping, or a function of the plan giving them (for arguments that
    depend on what the schema declares).
    """
    return FieldRequest(kind, field, arguments, selection, read, idempotent)


def page_request(
    field: str,
    selection: str,
    model: type[B],
    *,
    number: int,
    page_size: int,
    options: Mapping[str, Any] | None = None,
    keep: Callable[[B], bool] | None = None,
) -> FieldRequest[PageData[B]]:
    """Page `number` (0-based) of a listing over `options: {pagination: {page, pageSize}}`.

    Where the schema's options declare no `pagination` (or the field takes no options), the
    one unpaged answer is the whole listing. The API's totals are unreliable, so a paged
    listing ends on a short page. `keep` filters items on the client side without ending the
    listing early.
    """
    paged = [True]

    def arguments(plan: Plan) -> dict[str, Any] | None:
        paged[0] = plan.takes_pagination(field)
        if "options" not in plan.arguments("query", field):
            return None
        pagination = {"pagination": {"page": number, "pageSize": page_size}}
        wanted = {**(options or {}), **(pagination if paged[0] else {})}
        return {"options": wanted} if wanted else None

    def read(value: Any, response: httpx.Response) -> PageData[B]:
        rows = value.get("data") if isinstance(value, dict) else None
        if not isinstance(rows, list):
            raise ResponseValidationError(f"{field}: no data list", response=response)
        items = [model.model_validate(row) for row in rows]
        more = paged[0] and len(rows) >= page_size and bool(rows)
        if keep is None:
            return PageData(items=items, has_more=more)
        return PageData(
            items=[i for i in items if keep(i)],
            has_more=more,
            fetched=len(rows),
            fingerprint=fingerprint(rows),
        )

    return graphql_call("query", field, arguments, selection, read)


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
