"""One-page listings over JSON-RPC calls that need a session first.

`Pager`/`AsyncPager` run single `Call`s; a SpiceCSM listing is a flow (connect when there is no
session yet, reconnect once when it expired). `FlowPager` and `AsyncFlowPager` keep the pager
surface (`for`, `pages()`, `first()`, `to_list()`, `to_pandas()`) and run the flow, made afresh
for every iteration, as the listing's only page.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from ..core._client import PagedOperation
from ..core._http import AsyncEngine, Flow
from ..core._pagination import AsyncPager, Page, Pager
from ..core._request import Call, CallOptions

__all__ = ["AsyncFlowPager", "FlowListing", "FlowPager", "flow_listing"]

T = TypeVar("T")
P = ParamSpec("P")


class _FlowSource:
    """What both flow pagers hold: the flow factory, and a name for `repr`."""

    def __init__(
        self,
        engine: Any,
        flow: Callable[[], Flow[list[Any]]],
        name: str,
        options: CallOptions | None = None,
        *,
        progress: bool = False,
    ) -> None:
        # Pagers name themselves after their first call; this one is never sent.
        named: Call[Page[Any]] = Call("POST", "", parse=lambda r: Page(items=[]), name=name)
        super().__init__(engine, named, options, progress=progress)  # type: ignore[call-arg]
        self._flow = flow


class FlowPager(_FlowSource, Pager[T]):
    """A `Pager` whose one page is the result of an operation flow."""

    def pages(self) -> Iterator[Page[T]]:
        yield Page(items=self._engine.run(self._flow(), self._options))


class AsyncFlowPager(_FlowSource, AsyncPager[T]):
    """An `AsyncPager` whose one page is the result of an operation flow."""

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        yield Page(items=await self._engine.run(self._flow(), self._options))


class FlowListing(PagedOperation[P, T]):
    """Descriptor made by `@flow_listing`: a `FlowPager` (sync) or `AsyncFlowPager` (async)
    over the flow the decorated function returns."""

    def pager(
        self,
        engine: Any,
        obj: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        options: CallOptions | None,
        progress: bool,
    ) -> Any:
        fn = cast(Callable[..., Flow[list[T]]], self.fn)
        fn(obj, *args, **kwargs).close()  # input is validated now, not when iterated
        pager_cls = AsyncFlowPager if isinstance(engine, AsyncEngine) else FlowPager
        return pager_cls(
            engine,
            lambda: fn(obj, *args, **kwargs),
            f"SpiceCSM {fn.__qualname__}",
            options,
            progress=progress,
        )


def flow_listing(fn: Callable[Concatenate[Any, P], Flow[list[T]]]) -> FlowListing[P, T]:
    """Make a listing method out of a function returning its one-page flow. The function
    validates its input before returning the flow (it is not itself a generator), so bad
    input is refused when the listing is made."""
    return FlowListing(fn)  # type: ignore[arg-type]
