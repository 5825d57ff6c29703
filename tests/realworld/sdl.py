"""Checks a GraphQL document the SDK sends against published schema excerpts (SDL).

The excerpts are federation subgraphs that reference each other's types, so no single one
builds a schema. Their type, field, argument and input-field names are merged instead, and a
document is checked against those names: a root field, argument or input field the excerpts
define nowhere is reported, and so is a required (`!`, no default) argument or input field that
an inline value leaves out. The excerpts leave out fields of many object types, so selected
fields are checked only for the types named in `selections`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    ListTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeNode,
    VariableNode,
    parse,
)

OBJECT_NODES = (ObjectTypeDefinitionNode, ObjectTypeExtensionNode)
INPUT_NODES = (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode)


def named(type_node: TypeNode) -> str:
    """The named type inside `[T!]!` and the like."""
    while isinstance(type_node, NonNullTypeNode | ListTypeNode):
        type_node = type_node.type
    return str(type_node.name.value)  # type: ignore[attr-defined]


def required(definition: Any) -> bool:
    """Whether an argument or input field must be given (`T!` without a default)."""
    return isinstance(definition.type, NonNullTypeNode) and definition.default_value is None


@dataclass
class Field:
    type: str
    arguments: dict[str, str] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)


@dataclass
class Input:
    fields: dict[str, str] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)


@dataclass
class Excerpts:
    """The merged names of several SDL excerpts."""

    objects: dict[str, dict[str, Field]] = field(default_factory=dict)
    inputs: dict[str, Input] = field(default_factory=dict)

    @classmethod
    def parse(cls, texts: Iterable[str]) -> Excerpts:
        merged = cls()
        for text in texts:
            for node in parse(text).definitions:
                if isinstance(node, OBJECT_NODES):
                    fields = merged.objects.setdefault(node.name.value, {})
                    for f in node.fields or ():
                        arguments = f.arguments or ()
                        fields[f.name.value] = Field(
                            named(f.type),
                            {a.name.value: named(a.type) for a in arguments},
                            {a.name.value for a in arguments if required(a)},
                        )
                elif isinstance(node, INPUT_NODES):
                    inputs = merged.inputs.setdefault(node.name.value, Input())
                    for f in node.fields or ():
                        inputs.fields[f.name.value] = named(f.type)
                        if required(f):
                            inputs.required.add(f.name.value)
        return merged

    def violations(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        selections: Collection[str] = (),
    ) -> list[str]:
        """Every name in `document` that the excerpts define nowhere (empty: it conforms)."""
        found: list[str] = []
        checked = {"Query", "Mutation", *selections}
        for node in parse(document).definitions:
            if isinstance(node, OperationDefinitionNode):
                root = node.operation.value.capitalize()
                self._selection(root, node.selection_set, variables or {}, checked, found)
        return found

    def _selection(
        self,
        type_name: str,
        selection: SelectionSetNode | None,
        variables: Mapping[str, Any],
        checked: Collection[str],
        found: list[str],
    ) -> None:
        fields = self.objects.get(type_name)
        if fields is None or selection is None:
            return
        for node in selection.selections:
            if not isinstance(node, FieldNode) or node.name.value.startswith("__"):
                continue  # __typename and introspection are part of every schema
            name = node.name.value
            definition = fields.get(name)
            if definition is None:
                if type_name in checked:
                    found.append(f"{type_name}.{name}")
                continue
            given = {a.name.value for a in node.arguments or ()}
            found.extend(
                f"{type_name}.{name}({missing}) missing"
                for missing in sorted(definition.required - given)
            )
            for argument in node.arguments or ():
                where = f"{type_name}.{name}({argument.name.value})"
                arg_type = definition.arguments.get(argument.name.value)
                if arg_type is None:
                    found.append(where)
                elif isinstance(argument.value, ObjectValueNode):
                    self._object_value(arg_type, argument.value, where, found)
                elif isinstance(argument.value, VariableNode):
                    self._variable(arg_type, variables.get(argument.value.name.value), where, found)
            self._selection(definition.type, node.selection_set, variables, checked, found)

    def _object_value(
        self, input_type: str, value: ObjectValueNode, where: str, found: list[str]
    ) -> None:
        known = self.inputs.get(input_type)
        if known is None:
            return
        given = {item.name.value for item in value.fields}
        found.extend(f"{where}.{missing} missing" for missing in sorted(known.required - given))
        for item in value.fields:
            name = item.name.value
            if name not in known.fields:
                found.append(f"{where}.{name}")
            elif isinstance(item.value, ObjectValueNode):
                self._object_value(known.fields[name], item.value, f"{where}.{name}", found)

    def _variable(self, input_type: str, value: Any, where: str, found: list[str]) -> None:
        known = self.inputs.get(input_type)
        if known is None or not isinstance(value, Mapping):
            return
        found.extend(
            f"{where}.{missing} missing" for missing in sorted(known.required - set(value))
        )
        for name, item in value.items():
            if name not in known.fields:
                found.append(f"{where}.{name}")
            else:
                self._variable(known.fields[name], item, f"{where}.{name}", found)
