"""Lazy listings: `Pager` (sync) and `AsyncPager` (async) over `Page`s described as `Call`s.

A backend describes a listing as the `Call` for its first page; reading a page gives its items
and the `Call` for the next page (or `None`). The pagers fetch one page at a time and keep only
that page, so memory stays flat however long the listing is.

Every listing ends. A server that keeps saying "more" without making progress (the next
request is one already made, a page repeats any page read before it, or `MAX_EMPTY_PAGES`
empty pages in a row claim more) gets a `PaginationError`, raised after every valid item was yielded.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, Callable, Generator, Sequence
from contextlib import aclosing, closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import httpx
import pydantic_core

from ._errors import PaginationError, ServiceHubError
from ._extras import MissingExtraError
from ._redaction import redact_url
from ._request import Call, CallOptions, Flow, Step, start

if TYPE_CHECKING:
    from ._http import AsyncEngine, SyncEngine

__all__ = [
    "MAX_EMPTY_PAGES",
    "AsyncPager",
    "Page",
    "PageData",
    "Pager",
    "counter_pages",
    "fingerprint",
]

MAX_EMPTY_PAGES = 3
"""Empty pages in a row that may claim more before the listing is declared endless."""

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing.

    Attributes:
        items: the page's items.
        next: how the next page is fetched (a `Call`, or a function starting a flow, for
            pages that need a plan first), `None` on the last page.
        total: the total number of items when the server said so.
        fetched: how many rows the server sent, when items were filtered on the client
            side (`None`: as many as `items`).
        fingerprint: identifies the rows the server sent, when items were filtered
            (`None`: the items identify the page); see `fingerprint()`.
    """

    items: list[T]
    next: Step[Page[T]] | None = None
    total: int | None = None
    fetched: int | None = None
    fingerprint: bytes | None = None


@dataclass(frozen=True, slots=True)
class PageData(Generic[T]):
    """What a backend reads from one page's answer.

    Attributes:
        items: the items.
        has_more: whether more pages follow; `None` when the server does not say, and then
            a short or empty page ends the listing. Backends that filter items on the client
            side compute it from the unfiltered page.
        total: the total number of items when the server said so.
        fetched, fingerprint: as for `Page`, for backends that filter on the client side.
    """

    items: list[T]
    has_more: bool | None = None
    total: int | None = None
    fetched: int | None = None
    fingerprint: bytes | None = None


def fingerprint(rows: Any) -> bytes:
    """A short digest that is equal for equal rows (to notice a page sent twice).

    The rows are serialised by pydantic-core (models, dicts, lists alike; anything else by its
    `repr`): a model's `repr` is made for people and costs far more, on every page."""
    text = pydantic_core.to_json(rows, fallback=repr)
    return hashlib.blake2b(text, digest_size=16).digest()


@overload
def counter_pages(
    make_call: Callable[[int], Call[PageData[T]]], *, start: int, step: int, page_size: int
) -> Call[Page[T]]: ...
@overload
def counter_pages(
    make_call: Callable[[int], Step[PageData[T]]], *, start: int, step: int, page_size: int
) -> Step[Page[T]]: ...
def counter_pages(
    make_call: Callable[[int], Step[PageData[T]]],
    *,
    start: int,
    step: int,
    page_size: int,
) -> Step[Page[T]]:
    """A listing paged by a counter: page numbers (`step=1`) or offsets (`step=page_size`).

    `make_call(counter)` describes one page: a `Call` reading its `PageData`, or a function
    starting a flow that gives it (when the page needs a plan first). The listing ends when
    the server says so, on an empty page, or on a short page.
    """

    def page_of(counter: int, data: PageData[T]) -> Page[T]:
        if data.has_more is None:
            more = bool(data.items) and len(data.items) >= page_size
        else:
            more = data.has_more
        return Page(
            items=data.items,
            next=build(counter + step) if more else None,
            total=data.total,
            fetched=data.fetched,
            fingerprint=data.fingerprint,
        )

    def build(counter: int) -> Step[Page[T]]:
        described = make_call(counter)
        if isinstance(described, Call):
            call = described
            return call.with_parse(lambda response: page_of(counter, call.parse(response)))
        first_step = described

        def flow() -> Flow[Page[T]]:
            data = yield from first_step()
            return page_of(counter, data)

        return flow

    return build(start)


def _name_of(step: Step[Any]) -> str:
    if isinstance(step, Call):
        return step.name or step.url
    return getattr(step, "__qualname__", "listing")


def _answer_of_page(seen: list[httpx.Response]) -> httpx.Response:
    """The answer a page was read from: the last of its flow's calls (a flow that made none
    is a bug of the backend)."""
    if not seen:
        raise RuntimeError("a page's flow must send the page's request")
    return seen[-1]


def _tracked(step: Step[Page[T]], seen: list[httpx.Response]) -> Flow[Page[T]]:
    """The flow of one page, keeping the answer of every call it makes (the last one is the
    page's own, which the pager checks); calls that fetch shared state through a
    `SingleFlight` pass as they are, so that concurrent callers still share them."""
    flow = start(step)
    value: Any = None
    error: ServiceHubError | None = None
    while True:
        try:
            call = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            page: Page[T] = stop.value
            break
        try:
            if call.single_flight is not None:  # shared state (a session, a plan): no page
                value, error = (yield call), None
                continue
            value, response = yield _Progress.ask(call)
            error = None
            seen.append(response)
        except ServiceHubError as exc:
            value, error = None, exc
    _answer_of_page(seen)
    return page


class _Progress(Generic[T]):
    """What a pager checks between pages so that every listing ends (sans-I/O)."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.number = 0  # pages read so far
        self._requests: set[bytes] = set()
        self._pages: dict[bytes, int] = {}  # a digest of every page read -> its number
        self._empty_run = 0

    @staticmethod
    def ask(call: Call[U]) -> Call[tuple[U, httpx.Response]]:
        """`call`, read together with its answer (whose request is checked as sent)."""
        parse = call.parse
        return call.with_parse(lambda response: (parse(response), response))

    def check(self, page: Page[T], response: httpx.Response) -> None:
        """Refuse a page whose request was already made, a page that repeats one read before
        it, or one empty page too many."""
        self.number += 1
        # The digests are compared with the pages before and kept for the pages after: the
        # last page of a listing read in one page (most lookups) needs neither.
        later = page.next is not None
        request = response.request
        if later or self._requests:
            identity = self._request_identity(request)
            if identity in self._requests:
                raise self._error(
                    f"page {self.number} repeats a request already made "
                    f"({redact_url(request.url)})",
                    response,
                    self.number,
                )
            self._requests.add(identity)
        rows = len(page.items) if page.fetched is None else page.fetched
        if rows == 0:
            self._empty_run = self._empty_run + 1 if later else 0
            if self._empty_run >= MAX_EMPTY_PAGES:
                raise self._error(
                    f"{self._empty_run} empty pages in a row still claim more (page {self.number})",
                    response,
                    self.number,
                )
            return
        self._empty_run = 0
        if not (later or self._pages):
            return
        # A page is known by a digest of its first and last item (the backend's fingerprint
        # when it filters): cheap for every page, 16 bytes kept per page, and a page sent
        # again, right after itself or pages later (A, B, A, B...), is caught.
        current = (
            page.fingerprint
            if page.fingerprint is not None
            else fingerprint((len(page.items), page.items[0], page.items[-1]))
        )
        seen = self._pages.get(current)
        if seen is not None:
            raise self._error(f"page {self.number} repeats page {seen}", response, self.number)
        self._pages[current] = self.number

    @staticmethod
    def _request_identity(request: httpx.Request) -> bytes:
        """A digest of the method, URL and body a page was asked with (equal for the same
        request; neither a method nor a URL holds a NUL, so the parts cannot run together)."""
        try:
            body = request.content
        except httpx.RequestNotRead:  # a streamed body: the URL alone identifies it
            body = b""
        head = f"{request.method}\0{request.url}\0".encode()
        return hashlib.blake2b(head + body, digest_size=16).digest()

    def _error(self, what: str, response: httpx.Response, number: int) -> PaginationError:
        return PaginationError(
            f"{self.backend}: the listing does not end: {what}",
            response=response,
            backend=self.backend,
            page=number,
        )


class _PagerBase(Generic[T]):
    def __init__(
        self, first: Step[Page[T]], options: CallOptions | None, progress: bool, backend: str
    ) -> None:
        self._first = first
        self._options = options
        self._progress = progress
        self._backend = backend or _name_of(first)

    def _taken(self, items: list[T], page: Page[T], limit: int | None, bar: Any) -> Any:
        """Add `page`'s items to `items` (no more than `limit` in all) and count them on the
        progress bar, made on the first page when asked for; returns the bar."""
        if self._progress:
            bar = bar if bar is not None else self._bar(page.total)
            bar.update(len(page.items))
        items += page.items
        if limit is not None and len(items) > limit:
            del items[limit:]
        return bar

    def _bar(self, total: int | None) -> Any:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise MissingExtraError("progress=True", "progress", ["tqdm"]) from None
        return tqdm(total=total, unit="item")

    @staticmethod
    def _frame(items: Sequence[Any]) -> Any:
        try:
            import pandas as pd
        except ImportError:
            raise MissingExtraError("to_pandas()", "pandas", ["pandas"]) from None
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
        first: Step[Page[T]],
        options: CallOptions | None = None,
        *,
        progress: bool = False,
        backend: str = "",
    ) -> None:
        super().__init__(first, options, progress, backend)
        self._engine = engine

    def pages(self) -> Generator[Page[T], None, None]:
        """The pages, fetched one at a time (`PaginationError` if they never end)."""
        progress: _Progress[T] = _Progress(self._backend)
        step: Step[Page[T]] | None = self._first
        while step is not None:
            seen: list[httpx.Response] = []
            page = self._engine.run(start(step), self._options, seen)
            progress.check(page, _answer_of_page(seen))
            del seen
            yield page
            step = page.next

    def __iter__(self) -> Generator[T, None, None]:
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
        if limit is not None and limit <= 0:
            return items
        bar: Any = None
        with closing(self.pages()) as pages:
            try:
                for page in pages:
                    bar = self._taken(items, page, limit, bar)
                    if limit is not None and len(items) >= limit:
                        break
            finally:
                if bar is not None:
                    bar.close()
        return items

    def to_pandas(self, limit: int | None = None) -> Any:
        """A `pandas.DataFrame` of the items, nested fields flattened (`address.country`)."""
        return self._frame(self.to_list(limit))

    def __repr__(self) -> str:
        return f"<Pager {_name_of(self._first)}>"


class AsyncPager(_PagerBase[T]):
    """The async listing: `async for` items, or `pages()`, `await first()`, `await to_list()`."""

    def __init__(
        self,
        engine: AsyncEngine,
        first: Step[Page[T]],
        options: CallOptions | None = None,
        *,
        progress: bool = False,
        backend: str = "",
    ) -> None:
        super().__init__(first, options, progress, backend)
        self._engine = engine

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """The pages, fetched one at a time (`PaginationError` if they never end)."""
        progress: _Progress[T] = _Progress(self._backend)
        step: Step[Page[T]] | None = self._first
        while step is not None:
            seen: list[httpx.Response] = []
            page = await self._engine.run(start(step), self._options, seen)
            progress.check(page, _answer_of_page(seen))
            del seen
            yield page
            step = page.next

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
        if limit is not None and limit <= 0:
            return items
        bar: Any = None
        async with aclosing(self.pages()) as pages:
            try:
                async for page in pages:
                    bar = self._taken(items, page, limit, bar)
                    if limit is not None and len(items) >= limit:
                        break
            finally:
                if bar is not None:
                    bar.close()
        return items

    async def to_pandas(self, limit: int | None = None) -> Any:
        """A `pandas.DataFrame` of the items, nested fields flattened (`address.country`)."""
        return self._frame(await self.to_list(limit))

    def __repr__(self) -> str:
        return f"<AsyncPager {_name_of(self._first)}>"
