"""Operations, listings, the raw escape hatch, options and configuration, sync and async."""

from __future__ import annotations

import asyncio
import gc
import inspect
import pydoc
import socket
import tracemalloc
import weakref
from collections.abc import Coroutine
from typing import Any

import httpx
import pytest

from servicehub_sdk.core import (
    APIConnectionError,
    AsyncPager,
    ClientClosedError,
    ConfigurationError,
    EventLoopError,
    NotFoundError,
    OAuth2ClientCredentials,
    Page,
    Pager,
    ResponseValidationError,
    RetryPolicy,
    capture_responses,
)
from servicehub_sdk.testing import EmulatorServer, Malformed
from tests.core.conftest import credentials
from tests.core.demo import AsyncDemoClient, DemoApp, DemoClient, Row
from tests.helpers import close, collect, resolve


async def test_single_call_operation(client: Any) -> None:
    assert await resolve(client.items.get(3)) == {"id": 3, "name": "item 3"}


async def test_multi_call_operation_handles_errors_inside_the_flow(
    client: Any, app: DemoApp
) -> None:
    assert (await resolve(client.items.get_or_create(2, "x")))[0] == "found"
    outcome, created = await resolve(client.items.get_or_create(500, "new"))
    assert outcome == "created"
    assert created["name"] == "new"
    assert app.created == 1


async def test_listing_pages_lazily_until_a_short_page(client: Any, server: EmulatorServer) -> None:
    pager = client.items.list(page_size=10)
    assert isinstance(pager, (Pager, AsyncPager))
    assert server.requests("GET", "/items") == 0  # nothing fetched yet
    items = await collect(pager)
    assert [i["id"] for i in items] == list(range(1, 26))
    assert server.requests("GET", "/items") == 3


async def test_listing_limit_fetches_only_needed_pages(client: Any, server: EmulatorServer) -> None:
    items = await collect(client.items.list(page_size=5), limit=7)
    assert len(items) == 7
    assert server.requests("GET", "/items") == 2


async def test_listing_limit_stops_as_soon_as_it_has_enough(
    client: Any, server: EmulatorServer
) -> None:
    items = await collect(client.items.list(page_size=5), limit=10)
    assert len(items) == 10
    assert server.requests("GET", "/items") == 2  # not a third page for an 11th item
    assert await collect(client.items.list(page_size=5), limit=0) == []
    assert server.requests("GET", "/items") == 2


async def test_listing_first_and_pages(mode: str, client: Any) -> None:
    pager = client.items.list(page_size=10)
    first = await resolve(pager.first())
    assert first["id"] == 1
    pages = list(pager.pages()) if mode == "sync" else [p async for p in pager.pages()]
    assert [len(p.items) for p in pages] == [10, 10, 5]
    assert pages[0].total == 25
    assert pages[-1].next is None


async def test_first_reads_past_an_empty_page_that_has_a_next(mode: str, client: Any) -> None:
    # e.g. FSM lists start with the exchanges that resolve the account context
    listing = client.items.list(page_size=10)._first
    resolving = client.items.list(page_size=5)._first  # another request than the listing's
    leading = resolving.then(lambda page: Page(items=[], next=listing))
    pager = (Pager if mode == "sync" else AsyncPager)(client._context.engine, leading)
    assert (await resolve(pager.first()))["id"] == 1


async def test_listing_of_an_exact_multiple_ends_on_an_empty_page(
    mode: str, server: EmulatorServer, app: DemoApp
) -> None:
    app.items = {i: {"id": i, "name": str(i)} for i in range(1, 21)}
    app.public = True
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url)
    assert len(await collect(client.items.list(page_size=10))) == 20
    assert server.requests("GET", "/items") == 3
    await close(client)


async def test_to_pandas_and_progress(
    mode: str, client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = await resolve(client.items.list(page_size=10, progress=True).to_pandas())
    assert list(frame.columns) == ["id", "name"]
    assert len(frame) == 25
    bar = capsys.readouterr().err
    assert "25/25" in bar  # the bar appeared, knew the total and reached it
    await resolve(client.items.list(page_size=10).to_list())
    assert capsys.readouterr().err == ""  # and no bar without progress=True


async def test_capture_responses_gives_raw_responses(client: Any) -> None:
    with capture_responses() as seen:
        await resolve(client.items.get(1))
    assert seen.last.status_code == 200
    assert seen.last.json()["id"] == 1
    assert client.capture_responses is capture_responses


async def test_raw_request_escape_hatch(client: Any) -> None:
    response = await resolve(client.request("GET", "items/4"))
    assert isinstance(response, httpx.Response)
    assert response.json()["name"] == "item 4"
    with pytest.raises(NotFoundError):
        await resolve(client.request("GET", "items/4000"))


async def test_user_agent_and_extra_headers(client: Any, app: DemoApp) -> None:
    await resolve(client.request("GET", "echo", extra_headers={"X-Trace": "abc"}))
    assert app.last_headers["user-agent"].startswith("servicehub-sdk/")
    assert " python/" in app.last_headers["user-agent"]
    assert " httpx/" in app.last_headers["user-agent"]
    assert app.last_headers["x-trace"] == "abc"


async def test_unreadable_answers_raise_response_validation_error(
    client: Any, server: EmulatorServer
) -> None:
    server.faults.add(Malformed(), path="/items/1")
    with pytest.raises(ResponseValidationError) as caught:
        await resolve(client.items.get(1))
    assert caught.value.raw == '{"data": {"trunc'
    server.faults.add(
        Malformed(b"<html>Bad gateway</html>", content_type="text/html"), path="/items/1"
    )
    with pytest.raises(ResponseValidationError) as caught:
        await resolve(client.items.get(1))
    assert "Bad gateway" in caught.value.raw


async def test_injected_http_client_is_not_closed(mode: str, server: EmulatorServer) -> None:
    if mode == "sync":
        http = httpx.Client()
        with DemoClient(server.url, http_client=http):
            pass
        assert not http.is_closed
        http.close()
    else:
        ahttp = httpx.AsyncClient()
        async with AsyncDemoClient(server.url, http_client=ahttp):
            pass
        assert not ahttp.is_closed
        await ahttp.aclose()


def test_owned_client_is_closed() -> None:
    with DemoClient("http://127.0.0.1:9") as client:
        pass
    assert client._context.engine.http_client.is_closed


def test_wrong_http_client_kind_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"httpx\.Client"):
        DemoClient("http://127.0.0.1:9", http_client=httpx.AsyncClient())  # type: ignore[arg-type]


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICEHUB_DEMO_BASE_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("SERVICEHUB_DEMO_MAX_RETRIES", "4")
    monkeypatch.setenv("SERVICEHUB_DEMO_TIMEOUT", "7.5")
    client = DemoClient.from_env()
    assert str(client.base_url) == "http://127.0.0.1:9/api"
    assert client._context.engine.retry.max_retries == 4
    assert client._context.engine.timeout.read == 7.5
    assert str(DemoClient.from_env(base_url="http://127.0.0.1:1").base_url) == "http://127.0.0.1:1"
    monkeypatch.setenv("SERVICEHUB_DEMO_MAX_RETRIES", "lots")
    with pytest.raises(ConfigurationError, match="SERVICEHUB_DEMO_MAX_RETRIES"):
        DemoClient.from_env()


def _live_pages() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Page))


def test_listing_memory_stays_flat(server: EmulatorServer, app: DemoApp) -> None:
    """Only the page being read is alive: no page and no item of the pages before is kept."""
    app.items = {i: {"id": i, "name": "x" * 50} for i in range(1, 3001)}
    app.public = True
    with DemoClient(server.url) as client:
        pager = client.items.list(page_size=100)
        iterator = iter(pager)
        gone: list[weakref.ref[Row]] = []
        for n in range(2500):
            item = next(iterator)
            if n % 100 == 50:  # (the first and last item of the page before stay known)
                gone.append(weakref.ref(item))
        del item
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(400):
            next(iterator)
        grown = tracemalloc.get_traced_memory()[0] - baseline
        tracemalloc.stop()
        assert _live_pages() <= 1  # the current page, never those before it
        assert sum(1 for ref in gone if ref() is not None) <= 1
        iterator.close()
    assert grown < 2_000_000


# -- one rule for max_retries -------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
async def test_max_retries_is_checked_everywhere(
    mode: str, server: EmulatorServer, bad: Any
) -> None:
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    with pytest.raises(ConfigurationError):
        cls(server.url, max_retries=bad)
    client = cls(server.url)
    try:
        with pytest.raises(ConfigurationError):
            client.with_options(max_retries=bad)
        with pytest.raises(ConfigurationError):
            await resolve(client.items.get(1, max_retries=bad))
        with pytest.raises(ConfigurationError):
            RetryPolicy(max_retries=bad)
    finally:
        await close(client)


# -- guidance at the mistake --------------------------------------------------------------


async def test_a_closed_client_says_so(mode: str, server: EmulatorServer) -> None:
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(server.url)
    await close(client)
    with pytest.raises(ClientClosedError, match="create a new client"):
        await resolve(client.items.get(1))


def test_an_async_client_reused_in_another_event_loop_says_what_to_do(
    server: EmulatorServer,
) -> None:
    client = AsyncDemoClient(server.url, auth=credentials(server))
    asyncio.run(client.items.get(1))
    with pytest.raises(EventLoopError, match="inside the event loop"):
        asyncio.run(client.items.get(1))
    patient = client.with_options(max_retries=5)
    with pytest.raises(EventLoopError):
        asyncio.run(patient.items.get(1))


async def test_connection_errors_name_the_host_and_endpoint(mode: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    cls = DemoClient if mode == "sync" else AsyncDemoClient
    client = cls(f"http://127.0.0.1:{port}", max_retries=0)
    token = OAuth2ClientCredentials(f"http://127.0.0.1:{port}/token", "id", "secret")
    with_token = cls("http://127.0.0.1:9", auth=token, max_retries=0)
    try:
        with pytest.raises(APIConnectionError, match=r"API host 127\.0\.0\.1"):
            await resolve(client.items.get(1))
        with pytest.raises(APIConnectionError, match=r"token endpoint host 127\.0\.0\.1") as caught:
            await resolve(with_token.items.create("x"))
        assert caught.value.may_have_been_applied is False
    finally:
        await close(client)
        await close(with_token)


# -- runtime signatures -------------------------------------------------------------------


def test_signatures_show_what_a_call_returns(server: EmulatorServer) -> None:
    from servicehub_sdk.spicecsm import AsyncSpiceCSMClient, SpiceCSMClient
    from servicehub_sdk.ssh import AsyncSSHClient, Customer, SSHClient

    sync_args: dict[str, Any] = {"api_key": "k", "client_id": "i", "client_secret": "s"}
    hub = SSHClient(**sync_args, base_url=server.url, token_url=f"{server.url}/token")
    ahub = AsyncSSHClient(**sync_args, base_url=server.url, token_url=f"{server.url}/token")
    get = inspect.signature(hub.customers.get)
    assert get.return_annotation is Customer
    assert list(get.parameters) == ["external_id", "options"]
    assert "-> servicehub_sdk.ssh._models.Customer" in pydoc.render_doc(hub.customers.get)
    assert inspect.signature(ahub.customers.get).return_annotation == Coroutine[Any, Any, Customer]
    assert inspect.iscoroutinefunction(ahub.customers.get)
    assert inspect.signature(hub.customers.list).return_annotation == Pager[Customer]
    assert inspect.signature(ahub.customers.list).return_annotation == AsyncPager[Customer]

    rpc = {"base_url": server.url, "username": "u", "password": "p"}
    batch = inspect.signature(SpiceCSMClient(**rpc).batch)
    assert batch.return_annotation == list[Any]
    assert "self" not in batch.parameters
    abatch = inspect.signature(AsyncSpiceCSMClient(**rpc).batch)
    assert abatch.return_annotation == Coroutine[Any, Any, list[Any]]
