"""The route from a resource to its client's state: `ClientContext`, planning flows, and
listings whose pages are flows that plan first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    Async,
    AsyncClient,
    AsyncEngine,
    Call,
    ClientBase,
    ClientContext,
    Flow,
    Page,
    PageData,
    PaginationError,
    Resource,
    Step,
    Sync,
    SyncClient,
    SyncEngine,
    counter_pages,
    flow_of,
    operation,
    paged,
)
from servicehub_sdk.core._client import M
from servicehub_sdk.core._singleflight import SingleFlight
from servicehub_sdk.testing import EmulatorServer
from tests.core.demo import FAST, AsyncDemoClient, DemoApp, DemoClient
from tests.helpers import close, collect, in_threads, resolve


@dataclass(frozen=True, kw_only=True)
class PlannedContext(ClientContext):
    """A backend state learnt from the server once (like a schema): the page size."""

    plans: SingleFlight[int]

    def plan(self) -> Flow[int]:
        known = self.plans.current()
        if known is not None:
            return known
        size: int = yield Call(
            "GET", "items/1", parse=lambda r: 4, single_flight=self.plans, name="plan"
        )
        return size


def _rows(response: httpx.Response) -> PageData[dict[str, Any]]:
    return PageData(items=list(response.json()["items"]))


class PlannedItems(Resource[M, PlannedContext]):
    @paged
    def list(self) -> Step[Page[dict[str, Any]]]:
        """Pages of the planned size; every page plans first (at once once known)."""

        def page(number: int) -> Flow[PageData[dict[str, Any]]]:
            size = yield from self._context.plan()
            call = Call("GET", "items", params={"page": number, "size": size}, parse=_rows)
            return (yield from flow_of(call))

        return counter_pages(lambda n: partial(page, n), start=0, step=1, page_size=4)

    @operation
    def planned_size(self) -> Flow[int]:
        return (yield from self._context.plan())


class _Planned(ClientBase[M]):
    def __init__(
        self, base_url: str, *, http_client: httpx.Client | httpx.AsyncClient | None = None
    ) -> None:
        engine = self._open_engine(
            base_url=base_url, auth=None, timeout=None, max_retries=None, http_client=http_client
        )
        self._context: PlannedContext = PlannedContext(
            engine=engine, client_name=type(self).__name__, plans=SingleFlight("plan")
        )
        self.items: PlannedItems[M] = PlannedItems(self._context)


class PlannedClient(_Planned[Sync], SyncClient):
    pass


class AsyncPlannedClient(_Planned[Async], AsyncClient):
    pass


@pytest.fixture
async def planned(mode: str, server: EmulatorServer, app: DemoApp) -> AsyncIterator[Any]:
    app.public = True
    made = (PlannedClient if mode == "sync" else AsyncPlannedClient)(server.url)
    yield made
    await close(made)


def planning_requests(server: EmulatorServer) -> int:
    return server.requests("GET", "/items/1")


async def test_a_listing_plans_first_and_only_once(
    planned: Any, server: EmulatorServer, app: DemoApp
) -> None:
    app.items = {i: {"id": i, "name": str(i)} for i in range(1, 11)}
    pager = planned.items.list()
    assert planning_requests(server) == 0  # nothing is sent before iterating
    items = await collect(pager)
    assert [i["id"] for i in items] == list(range(1, 11))
    assert planning_requests(server) == 1
    assert server.requests("GET", "/items") == 3  # 4 + 4 + 2
    again = await collect(pager)  # each iteration starts afresh; the plan is known
    assert len(again) == 10
    assert planning_requests(server) == 1


async def test_a_page_flow_that_repeats_a_request_still_ends(
    planned: Any, app: DemoApp, mode: str
) -> None:
    # A server that ignores `page` sends the same rows again: the pager refuses page 2.
    app.items = {i: {"id": i, "name": str(i)} for i in range(1, 11)}
    context: PlannedContext = planned._context

    def same_page() -> Flow[Page[dict[str, Any]]]:
        yield from context.plan()
        page: Page[dict[str, Any]] = yield Call(
            "GET",
            "items",
            params={"page": 0, "size": 4},
            parse=lambda r: Page(items=_rows(r).items, next=same_page),
        )
        return page

    from servicehub_sdk.core import AsyncPager, Pager

    pager_cls = Pager if mode == "sync" else AsyncPager
    with pytest.raises(PaginationError, match="repeats a request"):
        await collect(pager_cls(planned._context.engine, same_page, backend="PlannedClient"))


def test_concurrent_threads_plan_once(server: EmulatorServer, app: DemoApp) -> None:
    app.public = True
    with PlannedClient(server.url) as client:
        errors = in_threads(8, lambda: client.items.planned_size())
        assert errors == []
    assert planning_requests(server) == 1


async def test_concurrent_tasks_plan_once(server: EmulatorServer, app: DemoApp) -> None:
    app.public = True
    async with AsyncPlannedClient(server.url) as client:
        sizes = await asyncio.gather(*(client.items.planned_size() for _ in range(8)))
    assert sizes == [4] * 8
    assert planning_requests(server) == 1


async def test_the_engine_is_typed_by_the_client_class(mode: str, server: EmulatorServer) -> None:
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url, retry=FAST)
    engine = client._context.engine
    assert isinstance(engine, SyncEngine if mode == "sync" else AsyncEngine)
    assert client.items._context is client._context
    assert repr(client.items) == f"<Items of {cls.__name__}>"
    await close(client)


async def test_with_options_derives_the_context_and_keeps_the_backend_state(
    planned: Any, server: EmulatorServer
) -> None:
    patient = planned.with_options(timeout=99, max_retries=1)
    assert patient._context is not planned._context
    assert type(patient._context) is PlannedContext
    assert patient._context.plans is planned._context.plans  # shared, not copied
    assert patient._context.engine.http_client is planned._context.engine.http_client
    assert patient._context.engine.timeout.read == 99
    assert planned._context.engine.timeout.read != 99
    assert patient.items._context is patient._context
    assert planned.items._context is planned._context
    await resolve(patient.items.planned_size())
    assert await resolve(planned.items.planned_size()) == 4  # the copy's plan serves both
    assert planning_requests(server) == 1


def test_flow_of_runs_a_call_or_a_flow() -> None:
    call: Call[int] = Call("GET", "x", parse=lambda r: 1)
    flow = flow_of(call)
    assert next(flow) is call
    with pytest.raises(StopIteration) as done:
        flow.send(7)
    assert done.value.value == 7

    def inner() -> Flow[int]:
        return 3
        yield  # a flow that needs no call

    with pytest.raises(StopIteration) as at_once:
        next(flow_of(inner()))
    assert at_once.value.value == 3
