"""Lazy listings: `Pager` (sync) and `AsyncPager` (async) over `Page`s described as `Call`s.

A backend describes a listing as the `Call` for its first page; reading a page gives its items
and the `Call` for the next page (or `None`). The pagers fetch one page at a time and keep only
that page, so memory stays flat however long the listing is.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from .errors import ConfigurationError
from .request import Call, CallOptions

if TYPE_CHECKING:
    from .http import AsyncEngine, SyncEngine

__all__ = [
    "AsyncPager",
    "Page",
    "PageData",
    "Pager",
    "counter_pages",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing.

    Attributes:
        items: the page's items.
        next: the `Call` that fetches the next page, `None` on the last page.
        total: the total number of items when the server said so.
    """

    items: list[T]
    next: Call[Page[T]] | None = None
    total: int | None = None


@dataclass(frozen=True, slots=True)
class PageData(Generic[T]):
    """What a backend reads from one page's answer.

    Attributes:
        items: the items.
        has_more: whether more pages follow; `None` when the server does not say, and then
            a short or empty page ends the listing. Backends that filter items on the client
            side compute it from the unfiltered page.
        total: the total number of items when the server said so.
    """

    items: list[T]
    has_more: bool | None = None
    total: int | None = None


def counter_pages(
    make_call: Callable[[int], Call[PageData[T]]],
    *,
    start: int,
    step: int,
    page_size: int,
) -> Call[Page[T]]:
    """A listing paged by a counter: page numbers (`step=1`) or offsets (`step=page_size`).

    `make_call(counter)` describes the request for one page and how to read its `PageData`.
    The listing ends when the server says so, on an empty page, or on a short page.
    """

    def build(counter: int) -> Call[Page[T]]:
        call = make_call(counter)

        def parse(response: httpx.Response) -> Page[T]:
            data = call.parse(response)
            if data.has_more is None:
                more = bool(data.items) and len(data.items) >= page_size
            else:
                more = data.has_more
            following = build(counter + step) if more else None
            return Page(items=data.items, next=following, total=data.total)

        return call.with_parse(parse)

    return build(start)


class _PagerBase(Generic[T]):
    def __init__(self, first: Call[Page[T]], options: CallOptions | None, progress: bool) -> None:
        self._first = first
        self._options = options
        self._progress = progress

    def _bar(self, total: int | None) -> Any:
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - depends on the environment
            raise ConfigurationError(
                "progress=True needs tqdm: pip install 'servicehub-sdk[progress]'"
            ) from None
        return tqdm(total=total, unit="item")

    @staticmethod
    def _frame(items: Sequence[Any]) -> Any:
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ConfigurationError(
                "to_pandas() needs pandas: pip install 'servicehub-sdk[pandas]'"
            ) from None
        rows = [
            item.model_dump(mode="json") if hasattr(item, "model_dump") else item for item in items
        ]
        return pd.json_normalize(rows) if rows else pd.DataFrame()


class Pager(_PagerBase[T]):
    """A lazy listing: iterate it for items, or use `pages()`, `first()`, `to_list()`.

    ```python
    for customer in hub.customers.list(page_size=100):
        ...
    ```
    Nothing is fetched until it is iterated; each iteration starts from the first page.
    """

    def __init__(
        self,
        engine: SyncEngine,
        first: Call[Page[T]],
        options: CallOptions | None = None,
        *,
        progress: bool = False,
    ) -> None:
        super().__init__(first, options, progress)
        self._engine = engine

    def pages(self) -> Iterator[Page[T]]:
        """The pages, fetched one at a time."""
        call: Call[Page[T]] | None = self._first
        while call is not None:
            page = self._engine.execute(call, self._options)
            yield page
            call = page.next

    def __iter__(self) -> Iterator[T]:
        bar = None
        try:
            for page in self.pages():
                if self._progress and bar is None:
                    bar = self._bar(page.total)
                if bar is not None:
                    bar.update(len(page.items))
                yield from page.items
        finally:
            if bar is not None:
                bar.close()

    def first(self) -> T | None:
        """The first item, or `None` for an empty listing (fetches pages until one has
        items: normally one)."""
        for page in self.pages():
            if page.items:
                return page.items[0]
        return None

    def to_list(self, limit: int | None = None) -> list[T]:
        """The items as a list, at most `limit` of them (fetching only the pages needed)."""
        items: list[T] = []
        for item in self:
            if limit is not None and len(items) >= limit:
                break
            items.append(item)
        return items

    def to_pandas(self, limit: int | None = None) -> Any:
        """A `pandas.DataFrame` of the items, nested fields flattened (`address.country`)."""
        return self._frame(self.to_list(limit))

    def __repr__(self) -> str:
        return f"<Pager {self._first.name or self._first.url}>"


class AsyncPager(_PagerBase[T]):
    """The async listing: `async for` items, or `pages()`, `await first()`, `await to_list()`."""

    def __init__(
        self,
        engine: AsyncEngine,
        first: Call[Page[T]],
        options: CallOptions | None = None,
        *,
        progress: bool = False,
    ) -> None:
        super().__init__(first, options, progress)
        self._engine = engine

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """The pages, fetched one at a time."""
        call: Call[Page[T]] | None = self._first
        while call is not None:
            page = await self._engine.execute(call, self._options)
            yield page
            call = page.next

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        bar = None
        try:
            async with aclosing(self.pages()) as pages:
                async for page in pages:
                    if self._progress and bar is None:
                        bar = self._bar(page.total)
                    if bar is not None:
                        bar.update(len(page.items))
                    for item in page.items:
                        yield item
        finally:
            if bar is not None:
                bar.close()

    async def first(self) -> T | None:
        """The first item, or `None` for an empty listing (fetches pages until one has
        items: normally one)."""
        async with aclosing(self.pages()) as pages:
            async for page in pages:
                if page.items:
                    return page.items[0]
        return None

    async def to_list(self, limit: int | None = None) -> list[T]:
        """The items as a list, at most `limit` of them (fetching only the pages needed)."""
        items: list[T] = []
        async with aclosing(self.__aiter__()) as iterator:
            async for item in iterator:
                if limit is not None and len(items) >= limit:
                    break
                items.append(item)
        return items

    async def to_pandas(self, limit: int | None = None) -> Any:
        """A `pandas.DataFrame` of the items, nested fields flattened (`address.country`)."""
        return self._frame(await self.to_list(limit))

    def __repr__(self) -> str:
        return f"<AsyncPager {self._first.name or self._first.url}>"
