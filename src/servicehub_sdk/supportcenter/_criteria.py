"""A typed builder for v3 `search_criteria`, so nobody hand-writes the JSON.

```python
from servicehub_sdk.supportcenter import Criteria

open_and_urgent = Criteria("status.name").is_("Open") & (
    Criteria("priority.name").is_("High") | Criteria("priority.name").is_("Urgent")
)
scp.requests.list(search=open_and_urgent)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from ..core._errors import RequestValidationError

__all__ = ["Criteria"]


@dataclass(frozen=True)
class _Term:
    field: str
    condition: str
    value: Any
    operator: str | None = None
    children: tuple[_Term, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "condition": self.condition}
        if isinstance(self.value, list | tuple):
            data["values"] = list(self.value)
        else:
            data["value"] = self.value
        if self.operator:
            data["logical_operator"] = self.operator
        if self.children:
            data["children"] = [c.to_wire() for c in self.children]
        return data


@dataclass(frozen=True)
class Criteria:
    """A condition on a field (`"status.name"`, `"created_time"`…), combinable with `&` and `|`."""

    field: str
    _terms: tuple[_Term, ...] = dataclass_field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.field, str) or not self.field.strip():
            raise RequestValidationError("a criteria needs a field, e.g. Criteria('status.name')")

    def _with(self, condition: str, value: Any) -> Criteria:
        return Criteria(self.field, (_Term(self.field, condition, value),))

    def is_(self, value: Any) -> Criteria:
        return self._with("is", value)

    def is_not(self, value: Any) -> Criteria:
        return self._with("is not", value)

    def is_in(self, values: list[Any] | tuple[Any, ...]) -> Criteria:
        return self._with("is", list(values))

    def contains(self, value: str) -> Criteria:
        return self._with("contains", value)

    def not_contains(self, value: str) -> Criteria:
        return self._with("not contains", value)

    def starts_with(self, value: str) -> Criteria:
        return self._with("starts with", value)

    def ends_with(self, value: str) -> Criteria:
        return self._with("ends with", value)

    def greater_than(self, value: Any) -> Criteria:
        return self._with("greater than", value)

    def less_than(self, value: Any) -> Criteria:
        return self._with("lesser than", value)

    def between(self, low: Any, high: Any) -> Criteria:
        return self._with("between", [low, high])

    def _combine(self, other: Criteria, operator: str) -> Criteria:
        if not self._terms or not other._terms:
            raise ValueError("combine criteria only after giving each a condition")
        head, *rest = other._terms
        if rest:  # a group: its first term carries the rest as children
            joined = _Term(head.field, head.condition, head.value, operator, tuple(rest))
        else:
            joined = _Term(head.field, head.condition, head.value, operator, head.children)
        return Criteria(self.field, (*self._terms, joined))

    def __and__(self, other: Criteria) -> Criteria:
        return self._combine(other, "AND")

    def __or__(self, other: Criteria) -> Criteria:
        return self._combine(other, "OR")

    def to_wire(self) -> list[dict[str, Any]]:
        """The `search_criteria` list."""
        if not self._terms:
            raise ValueError(f"no condition given for {self.field!r}")
        return [t.to_wire() for t in self._terms]
