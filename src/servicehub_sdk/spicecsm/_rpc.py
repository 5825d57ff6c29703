"""What the JSON-RPC resource families share: the session they call through, and checking
the object a call takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core._client import ClientBase, M, Resource
from ..core._errors import RequestValidationError
from ._session import JSONRPCSession

__all__ = ["SpiceResource", "criteria_object"]


class SpiceResource(Resource[M]):
    """A family of SpiceCSM calls: described through the client's `JSONRPCSession`
    (`self._rpc`), run by the client's engine."""

    def __init__(self, client: ClientBase[M], rpc: JSONRPCSession) -> None:
        super().__init__(client)
        self._rpc = rpc


def criteria_object(criteria: Mapping[str, Any] | None, what: str) -> dict[str, Any]:
    """`criteria` as the one object SpiceCSM's `*Load` calls take (arrays are refused)."""
    if criteria is None:
        return {}
    if not isinstance(criteria, Mapping):
        raise RequestValidationError(
            f"{what} takes one object of criteria (a mapping), not {type(criteria).__name__}"
        )
    return dict(criteria)
