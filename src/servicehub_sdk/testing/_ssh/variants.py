"""The two readings of the Secure Service Hub API the emulator serves.

`document`: the vendor's "Generic ERP/CRM Interface" document (`schema.graphql`).
`symmedia`: the schema excerpts of symmedia's own services published in
NikolaiFalke/simple-agent-from-scratch (`schema_symmedia.graphql`): integer priorities, custom
fields with a definition, states and people with IDs, `__typename` in every answer.
"""

from __future__ import annotations

import uuid
from importlib import resources
from typing import Any, Literal

from graphql import (
    FieldNode,
    GraphQLSchema,
    NameNode,
    SelectionSetNode,
    Visitor,
    build_schema,
    visit,
)
from graphql.language import DocumentNode, OperationDefinitionNode

__all__ = ["VARIANTS", "Variant", "add_typename", "load_schema", "symmedia_case"]

Variant = Literal["document", "symmedia"]
VARIANTS: tuple[Variant, ...] = ("document", "symmedia")

_FILES = {"document": "schema.graphql", "symmedia": "schema_symmedia.graphql"}
# Recorded portal answers carry small integers (`"priority": 2`).
_PRIORITY_NUMBERS = {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}
_NAMESPACE = uuid.UUID("0f6f3c2e-6d1b-4a35-9a57-3a1f0c7b8e21")


def load_schema(variant: Variant) -> GraphQLSchema:
    if variant not in _FILES:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    text = resources.files(__package__).joinpath(_FILES[variant]).read_text("utf-8")
    return build_schema(text)


def _stable_id(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


def _person(person: Any) -> dict[str, Any] | None:
    name = (person or {}).get("name")
    return {"id": _stable_id("user", name), "name": name} if name else None


def symmedia_case(view: dict[str, Any], states: list[str]) -> dict[str, Any]:
    """A service case (in the document's shape) as symmedia's services answer it."""
    state = (view.get("state") or {}).get("name")
    return {
        **view,
        "priority": _PRIORITY_NUMBERS.get(view.get("priority") or ""),
        "state": None
        if state is None
        else {
            "id": _stable_id("state", state),
            "index": states.index(state) if state in states else len(states),
            "name": state,
            "isClosed": state == "Closed",
        },
        "creator": _person(view.get("creator")),
        "assignee": _person(view.get("assignee")),
        "customFields": [
            {
                "definition": {
                    "id": _stable_id("field", field["key"]),
                    "key": field["key"],
                    "displayName": field["key"],
                    "required": False,
                    "defaultValue": None,
                    "type": "STRING",
                },
                "value": field["value"],
            }
            for field in view.get("customFields") or []
        ],
    }


class _AddTypename(Visitor):
    def leave_selection_set(
        self, node: SelectionSetNode, key: Any, parent: Any, *args: Any
    ) -> SelectionSetNode | None:
        names = {s.name.value for s in node.selections if isinstance(s, FieldNode)}
        if isinstance(parent, OperationDefinitionNode) or "__typename" in names:
            return None
        typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
        return SelectionSetNode(selections=(*node.selections, typename))


def add_typename(document: DocumentNode) -> DocumentNode:
    """The document with `__typename` selected in every object, as symmedia's web clients
    send it (their recorded answers carry it everywhere)."""
    result: DocumentNode = visit(document, _AddTypename())
    return result
