"""One-page listings over JSON-RPC calls that need a session first.

`Pager`/`AsyncPager` run single `Call`s; a SpiceCSM listing is a flow (connect when there is no
session yet, reconnect once when it expired). `FlowPager` and `AsyncFlowPager` keep the pager
surface (`for`, `pages()`, `first()`, `to_list()`, `to_pandas()`) and run the flow, made afresh
for every iteration, as the listing's only page.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from ..core.client import Async, Resource, Sync
from ..core.http import AsyncEngine, Flow, SyncEngine
from ..core.pagination import AsyncPager, Page, Pager
from ..core.request import CALL_OPTION_KEYS, Call, CallOptions

__all__ = ["AsyncFlowPager", "FlowListing", "FlowPager", "flow_listing"]

T = TypeVar("T")
P = ParamSpec("P")


class FlowPager(Pager[T]):
    """A `Pager` whose one page is the result of an operation flow."""

    def __init__(
        self,
        engine: SyncEngine,
        flow: Callable[[], Flow[list[T]]],
        name: str,
        options: CallOptions | None = None,
        *,
        progress: bool = False,
    ) -> None:
        super().__init__(engine, _named(name), options, progress=progress)
        self._flow = flow

    def pages(self) -> Iterator[Page[T]]:
        yield Page(items=self._engine.run(self._flow(), self._options))


class AsyncFlowPager(AsyncPager[T]):
    """An `AsyncPager` whose one page is the result of an operation flow."""

    def __init__(
        self,
        engine: AsyncEngine,
        flow: Callable[[], Flow[list[T]]],
        name: str,
        options: CallOptions | None = None,
        *,
        progress: bool = False,
    ) -> None:
        super().__init__(engine, _named(name), options, progress=progress)
        self._flow = flow

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        yield Page(items=await self._engine.run(self._flow(), self._options))


class FlowListing(Generic[P, T]):
    """Descriptor made by `@flow_listing`: a `FlowPager` (sync) or `AsyncFlowPager` (async)
    over the flow the decorated function describes."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Flow[list[T]]]) -> None:
        self.fn = fn
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: type[Any]) -> Callable[P, Pager[T]]: ...
    @overload
    def __get__(self, obj: Resource[Async], owner: type[Any]) -> Callable[P, AsyncPager[T]]: ...
    def __get__(self, obj: Any, owner: type[Any]) -> Any:
        if obj is None:
            return self
        fn = self.fn
        engine = obj._client._engine
        name = f"SpiceCSM {fn.__qualname__}"

        def bound(*args: Any, **kwargs: Any) -> Any:
            progress = bool(kwargs.pop("progress", False))
            options = {k: kwargs.pop(k) for k in CALL_OPTION_KEYS & kwargs.keys()} or None
            fn(obj, *args, **kwargs).close()  # input is validated now, not when iterated
            pager_cls = AsyncFlowPager if isinstance(engine, AsyncEngine) else FlowPager
            return pager_cls(
                engine,
                lambda: fn(obj, *args, **kwargs),
                name,
                options,  # type: ignore[arg-type]
                progress=progress,
            )

        bound.__name__, bound.__doc__ = fn.__name__, fn.__doc__
        return bound


def flow_listing(fn: Callable[Concatenate[Any, P], Flow[list[T]]]) -> FlowListing[P, T]:
    """Make a listing method out of a function returning its one-page flow. The function
    validates its input before returning the flow (it is not itself a generator), so bad
    input is refused when the listing is made."""
    return FlowListing(fn)


def _named(name: str) -> Call[Page[Any]]:
    # Pagers name themselves after their first call; this one is never sent.
    return Call("POST", "", parse=lambda response: Page(items=[]), name=name)
