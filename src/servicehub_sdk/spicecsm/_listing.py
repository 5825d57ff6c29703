"""SpiceCSM listings: one page, read by a flow (connect when there is no session yet,
reconnect once when it expired), yielded by the core `FlowPager`/`AsyncFlowPager` with the
surface of every other listing (`for`, `pages()`, `first()`, `to_list()`, `to_pandas()`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from ..core._client import PagedOperation
from ..core._http import AsyncEngine, Flow
from ..core._pagination import AsyncFlowPager, FlowPager, Page
from ..core._request import Call, CallOptions

__all__ = ["FlowListing", "flow_listing"]

T = TypeVar("T")
P = ParamSpec("P")


class FlowListing(PagedOperation[P, T]):
    """Descriptor made by `@flow_listing`: a `FlowPager` (sync) or `AsyncFlowPager` (async)
    over the flow the decorated function returns."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Flow[list[T]]]) -> None:
        # The listing's function returns the flow of its one page, not a first-page `Call`:
        # `pager()` below is the only place it is called.
        super().__init__(cast(Callable[Concatenate[Any, P], Call[Page[T]]], fn))
        self.flow_fn = fn

    def pager(
        self,
        engine: Any,
        obj: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        options: CallOptions | None,
        progress: bool,
    ) -> Any:
        fn = self.flow_fn
        fn(obj, *args, **kwargs).close()  # input is validated now, not when iterated
        name = f"SpiceCSM {fn.__qualname__}"
        if isinstance(engine, AsyncEngine):
            return AsyncFlowPager(
                engine, lambda: fn(obj, *args, **kwargs), name, options, progress=progress
            )
        return FlowPager(engine, lambda: fn(obj, *args, **kwargs), name, options, progress=progress)


def flow_listing(fn: Callable[Concatenate[Any, P], Flow[list[T]]]) -> FlowListing[P, T]:
    """Make a listing method out of a function returning its one-page flow. The function
    validates its input before returning the flow (it is not itself a generator), so bad
    input is refused when the listing is made."""
    return FlowListing(fn)
