"""Builders for the `q` and `sort` parameters of ticket listings.

Only persisted fields can be queried or sorted on; the transient ones the service fills in for
reading are refused here with the persisted field to use instead.

```python
q = TicketQuery().eq("status", "OPEN").eq("type", "SERVICE_REQUEST")
cec.service_tickets.list(q=q, sort=["creationDateTime:desc"])
```
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ..core._errors import RequestValidationError

__all__ = ["TRANSIENT_FIELDS", "TicketQuery", "check_fields", "query_param", "sort_param"]

TRANSIENT_FIELDS: dict[str, str] = {
    "typeDescription": "type",
    "classification.description": "classification",
    "priorityDescription": "priority",
    "statusDescription": "status",
    "customerEmail": "customerId",
    "customerTitle": "customerId",
    "customerFirstName": "customerId",
    "customerLastName": "customerId",
    "productName": "productId",
}

_FIELD = re.compile(r"(?:^|\s|\()-?([A-Za-z_][\w.]*)\s*(?::|<|>|<=|>=)")


def check_fields(fields: Sequence[str]) -> None:
    """Refuse transient fields, naming the persisted field to use instead."""
    for field in fields:
        if field in TRANSIENT_FIELDS:
            raise RequestValidationError(
                f"{field!r} is transient and cannot be queried or sorted on; "
                f"use the persisted field {TRANSIENT_FIELDS[field]!r} instead"
            )


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


class TicketQuery:
    """An Elasticsearch-style simple query: `status:"OPEN" priority:"HIGH"` (terms AND-ed)."""

    def __init__(self) -> None:
        self._terms: list[str] = []

    def _add(self, field: str, operator: str, value: Any) -> TicketQuery:
        check_fields([field])
        if not field:
            raise RequestValidationError("a query term needs a field")
        query = TicketQuery()
        query._terms = [*self._terms, f"{field}{operator}{_literal(value)}"]
        return query

    def eq(self, field: str, value: Any) -> TicketQuery:
        return self._add(field, ":", value)

    def gt(self, field: str, value: Any) -> TicketQuery:
        return self._add(field, ">", value)

    def lt(self, field: str, value: Any) -> TicketQuery:
        return self._add(field, "<", value)

    def gte(self, field: str, value: Any) -> TicketQuery:
        return self._add(field, ">=", value)

    def lte(self, field: str, value: Any) -> TicketQuery:
        return self._add(field, "<=", value)

    def __str__(self) -> str:
        return " ".join(self._terms)

    def __repr__(self) -> str:
        return f"TicketQuery({str(self)!r})"


def query_param(q: TicketQuery | str | None) -> str | None:
    """`q` as sent; raw strings are checked for transient fields too."""
    if q is None:
        return None
    text = str(q)
    check_fields(_FIELD.findall(text))
    return text or None


def sort_param(sort: Sequence[str] | str | None) -> str | None:
    """`sort=field:desc,other` from `["field:desc", "other"]` (or a ready string)."""
    if sort is None:
        return None
    parts = [p.strip() for p in (sort.split(",") if isinstance(sort, str) else sort) if p.strip()]
    fields = []
    for part in parts:
        field, _, direction = part.partition(":")
        if direction and direction.lower() not in ("asc", "desc"):
            raise RequestValidationError(f"sort direction must be asc or desc, got {direction!r}")
        fields.append(field)
    check_fields(fields)
    return ",".join(parts) or None
