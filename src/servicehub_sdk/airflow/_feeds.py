"""What the changes sensor and its trigger share: the hook of a backend, the resource a feed
follows, and the summary of pending changes they hand on (as XCom and as a trigger event)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import Any

from .._backends import backends, load_object
from ..core._errors import ConfigurationError
from ._connections import CONNECTION_SPECS

__all__ = ["MAX_IDS", "changes_summary", "hook_of", "resource_of"]

MAX_IDS = 100
"""Ids of pending changes kept in a summary (XCom values and trigger events are meant to be
small); `pending` says how many there were."""


def hook_of(backend: str, conn_id: str | None) -> Any:
    """The provider's hook of `backend` for connection `conn_id` (default: the backend's
    default connection)."""
    spec = CONNECTION_SPECS.get(backend)
    if spec is None:
        raise ConfigurationError(
            f"no Airflow connection type for backend {backend!r} "
            f"(known: {', '.join(CONNECTION_SPECS)})"
        )
    hook_class = load_object(backends[backend].airflow_hook)
    return hook_class(conn_id or spec.default_conn_name)


def resource_of(client: Any, resource: str) -> Any:
    """`client.<resource>` (dotted for nested resources), which must list `changes()`."""
    try:
        found = reduce(getattr, resource.split("."), client)
    except AttributeError:
        found = None
    if found is None or not callable(getattr(found, "changes", None)):
        raise ConfigurationError(
            f"{type(client).__name__} has no resource {resource!r} with changes() "
            "(for example service_cases)"
        )
    return found


def changes_summary(feed: str, changes: Sequence[Any]) -> dict[str, Any]:
    """`{"feed", "pending", "kinds": {kind: count}, "ids": [first MAX_IDS ids]}`."""
    kinds: dict[str, int] = {}
    for change in changes:
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    return {
        "feed": feed,
        "pending": len(changes),
        "kinds": kinds,
        "ids": [change.id for change in changes[:MAX_IDS]],
    }
