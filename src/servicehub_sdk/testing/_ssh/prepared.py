"""Documents prepared once per shape: what lets the emulator answer many similar batches fast.

Batches of writes differ only in their string values (`r0: createCustomer(customer: {name:
"…"})`, fifty to a document). Parsing and validating each one with graphql-core costs far more
than running it, so the emulator keeps, per *shape* (the document with every string literal
emptied to `""`), the parsed and validated document with each of those literals turned into a
variable of its own; a document of a known shape is then only scanned for its strings and run.

The answer is the same as for the document parsed and validated whole:

- only a shape that passed validation is kept, and only where every string literal stands
  where `String` or `ID` is expected, which takes any string: so the document with its own
  strings passes too;
- a variable in such a place gives its value unchanged, as the literal would;
- error locations are mapped back to the document's own columns;
- anything else (block strings, comments, variables, fragments, several operations, escapes
  or characters the scan does not decode itself, a shape that fails validation) takes the
  full path, with graphql-core's own messages.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    GraphQLID,
    GraphQLSchema,
    GraphQLString,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_nullable_type,
    parse,
    validate,
    visit,
)
from graphql.language import (
    DocumentNode,
    NamedTypeNode,
    NameNode,
    Node,
    NonNullTypeNode,
    OperationDefinitionNode,
    StringValueNode,
    VariableDefinitionNode,
    VariableNode,
)

__all__ = ["Prepared", "PreparedDocuments"]

N = TypeVar("N", bound=Node)

# A single-line string literal, or a comment (a `"` inside one is no string).
_TOKEN = re.compile(r'"(?:[^"\\\n\r]|\\.)*"|#[^\n\r]*')
# Escapes (left to graphql-core to decode) and characters graphql-core refuses in strings.
_UNUSUAL = re.compile(r"[\\\x00-\x08\x0a-\x1f\ud800-\udfff]")


@dataclass(frozen=True)
class Prepared:
    """A document of a known shape: its parsed form with strings as variables `_s0`, `_s1`, …
    and the values of those variables."""

    document: DocumentNode
    variables: dict[str, str]
    _columns: list[tuple[int, int, int]]  # (line, column in the shape, characters added)

    def located(self, formatted: dict[str, Any]) -> dict[str, Any]:
        """An error as formatted against the shape, with its locations in the document's own
        columns."""
        locations = formatted.get("locations")
        if not locations or not self._columns:
            return formatted
        moved = []
        for where in locations:
            line, column = where["line"], where["column"]
            shift = sum(d for ln, col, d in self._columns if ln == line and col < column)
            moved.append({**where, "column": column + shift})
        return {**formatted, "locations": moved}


class PreparedDocuments:
    """Shapes seen before (at most `size`, the least recently used dropped first), each
    parsed, validated against `schema` with `rules` and turned into variables once.

    `finish` is applied to a shape's document before it is kept (the `symmedia` variant adds
    `__typename`)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Collection[Any],
        finish: Callable[[DocumentNode], DocumentNode] | None = None,
        size: int = 32,
    ) -> None:
        self.schema = schema
        self.rules = rules
        self.finish = finish
        self.size = size
        self._shapes: OrderedDict[str, DocumentNode | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, query: str) -> Prepared | None:
        """The document prepared for `query`, or `None` where it takes the full path."""
        shape_parts: list[str] = []
        values: list[str] = []
        columns: list[tuple[int, int, int]] = []
        end = 0
        line, line_start, shift = 1, 0, 0  # shift: characters removed so far on this line
        for match in _TOKEN.finditer(query):
            token = match.group()
            if token[0] == "#":
                return None
            start = match.start()
            newlines = query.count("\n", end, start)
            if newlines:
                line += newlines
                line_start = query.rindex("\n", end, start) + 1
                shift = 0
            body = token[1:-1]
            if _UNUSUAL.search(body):
                return None
            values.append(body)
            shape_parts.append(query[end:start])
            shape_parts.append('""')
            column = start - line_start + 1 - shift
            columns.append((line, column, len(body)))
            shift += len(body)
            end = match.end()
        shape_parts.append(query[end:])
        shape = "".join(shape_parts)
        if "$" in shape or '"""' in shape:
            return None
        document = self._document(shape)
        if document is None:
            return None
        variables = {f"_s{i}": value for i, value in enumerate(values)}
        return Prepared(document, variables, columns if any(c[2] for c in columns) else [])

    def _document(self, shape: str) -> DocumentNode | None:
        with self._lock:
            if shape in self._shapes:
                self._shapes.move_to_end(shape)
                return self._shapes[shape]
        document = self._prepare(shape)
        with self._lock:
            self._shapes[shape] = document
            if len(self._shapes) > self.size:
                self._shapes.popitem(last=False)
        return document

    def _prepare(self, shape: str) -> DocumentNode | None:
        """The shape parsed, validated, and with its strings as variables; `None` where it
        must take the full path."""
        from graphql import GraphQLError

        try:
            document = parse(shape)
        except GraphQLError:
            return None
        operations = document.definitions
        if len(operations) != 1 or not isinstance(operations[0], OperationDefinitionNode):
            return None
        if validate(self.schema, document, self.rules):
            return None
        if self.finish is not None:
            document = self.finish(document)
        return _with_variables(self.schema, document)


class _Strings(Visitor):
    """Turns each string literal into the next variable, where `String` or `ID` is expected."""

    def __init__(self, info: TypeInfo) -> None:
        super().__init__()
        self.info = info
        self.count = 0
        self.plain = True  # every string stands where String or ID is expected

    def enter_string_value(self, node: StringValueNode, *_: Any) -> VariableNode:
        if get_nullable_type(self.info.get_input_type()) not in (GraphQLString, GraphQLID):
            self.plain = False
        name = f"_s{self.count}"
        self.count += 1
        return VariableNode(name=NameNode(value=name), loc=node.loc)


def _with_variables(schema: GraphQLSchema, document: DocumentNode) -> DocumentNode | None:
    info = TypeInfo(schema)
    strings = _Strings(info)
    changed: DocumentNode = visit(document, TypeInfoVisitor(info, strings))
    if not strings.plain:
        return None
    if not strings.count:
        return document
    string = NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="String")))
    operation = changed.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)  # the only one, checked before
    definitions = tuple(
        VariableDefinitionNode(
            variable=VariableNode(name=NameNode(value=f"_s{i}")), type=string, directives=()
        )
        for i in range(strings.count)
    )
    operation = _with(operation, variable_definitions=definitions)
    return _with(changed, definitions=(operation,))


def _with(node: N, **changes: Any) -> N:
    """A copy of an AST node with `changes` (graphql-core's nodes are dataclasses from 3.3
    on, plain classes with `keys` before)."""
    return type(node)(**{**{key: getattr(node, key) for key in node.keys}, **changes})
