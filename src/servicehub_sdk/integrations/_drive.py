"""One body for sync and async integration flows.

The flows here are coroutines that `await maybe(x)` on whatever a client returns: a value from
a sync client, an awaitable from an async one. With sync clients nothing ever suspends, so
`run_sync` drives the coroutine to its end without an event loop (and works inside Jupyter's
running loop, too).
"""

from __future__ import annotations

import inspect
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["maybe", "run_sync"]

T = TypeVar("T")


async def maybe(value: Any) -> Any:
    """`value`, awaited when it is awaitable."""
    if inspect.isawaitable(value):
        return await value
    return value


def run_sync(flow: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (it only touches sync clients)."""
    try:
        flow.send(None)
    except StopIteration as stop:
        result: T = stop.value
        return result
    flow.close()
    raise RuntimeError(
        "a sync integration flow tried to suspend: pass sync clients, or use the _async variant"
    )
