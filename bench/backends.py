"""Per-backend figures, each a ratio against raw httpx measured in the same run:

- one typed read per backend over loopback, sync and async (goal <= 1.10x);
- the same over an in-memory `httpx.MockTransport` replaying the emulator's answers, which
  isolates the SDK's own cost, against raw httpx + json (goal <= 1.25x);
- async fan-out: 1,000 calls at concurrency 64 (goal <= 1.15x);
- 100,000 items through auto-paging: items/s and peak RSS growth (goal < 30 MB);
- SpiceCSM: render and parse 10,000 users, lxml (the SDK) vs the standard library;
- token single-flight: token requests for 100 concurrent cold calls (must be 1).

Run with `make bench`. Nothing here is asserted; the numbers are printed.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _timing import apaired, paired
from tests.proof.backends import BACKENDS, Backend

from servicehub_sdk.core import capture_responses
from servicehub_sdk.spicecsm import (
    UserSummary,
    parse_users,
    percent_decode,
    percent_encode,
    render_users,
)
from servicehub_sdk.ssh import AsyncSecureServiceHub
from servicehub_sdk.supportcenter import SupportCenterPlus
from servicehub_sdk.testing import EmulatorServer
from servicehub_sdk.testing.ssh import SshEmulator

CALLS = 40  # per round, over loopback
MEMORY_CALLS = 200  # per round, in memory


def _key(request: httpx.Request) -> tuple[str, str]:
    path = request.url.path
    if path.endswith(".php"):  # JSON-RPC: one endpoint, many methods
        path += "#" + json.loads(httpx.QueryParams(request.content.decode())["request"])["method"]
    return request.method, path


class Recorder(httpx.BaseTransport):
    """Passes requests through and remembers the last answer per (method, path)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.answers: dict[tuple[str, str], tuple[int, dict[str, str], bytes]] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        self.answers[_key(request)] = (
            response.status_code,
            dict(response.headers),
            body,
        )
        return httpx.Response(response.status_code, headers=response.headers, content=body)


def replaying(
    answers: dict[tuple[str, str], tuple[int, dict[str, str], bytes]],
) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        status, headers, body = answers[_key(request)]
        if request.url.path.endswith(".php"):  # JSON-RPC: answer with the request's own id
            sent = json.loads(httpx.QueryParams(request.content.decode())["request"])
            body = json.dumps({**json.loads(body), "id": sent["id"]}).encode()
        headers = {
            k: v
            for k, v in headers.items()
            if k.lower() not in ("content-length", "transfer-encoding", "content-encoding")
        }
        return httpx.Response(status, headers=headers, content=body)

    return httpx.MockTransport(handler)


def as_written(request: httpx.Request) -> dict[str, Any]:
    """`request` as code calling httpx writes it: the URL as text, a JSON body as `json=`,
    a form as `data=`. httpx parses, encodes and serialises them per call, as for the SDK."""
    kind = request.headers.get("content-type", "").split(";")[0]
    body: dict[str, Any] = {}
    if kind == "application/json":
        body["json"] = json.loads(request.content)
    elif kind == "application/x-www-form-urlencoded":
        body["data"] = dict(httpx.QueryParams(request.content.decode()))
    elif request.content:
        body["content"] = request.content
    headers = {
        k: v for k, v in request.headers.items() if k not in ("content-length", "content-type")
    }
    return {"method": request.method, "url": str(request.url), "headers": headers, **body}


def per_backend(backend: Backend) -> None:
    emulator = backend.make_emulator()
    with EmulatorServer(emulator) as server:
        recorder = Recorder()
        client = backend.client(
            emulator, server.url, "sync", http_client=httpx.Client(transport=recorder)
        )
        with capture_responses() as seen:
            backend.read(client, emulator)
        raw = as_written(seen.last.request)
        raw_client = httpx.Client()
        plain = backend.client(emulator, server.url, "sync")  # without the recording transport
        backend.read(plain, emulator)

        # The baseline builds its request per call too, as any httpx user does.
        def raw_call(client: httpx.Client) -> Any:
            return client.request(**{**raw, "headers": dict(raw["headers"])})

        sdk_time, raw_time = paired(
            lambda: backend.read(plain, emulator), lambda: raw_call(raw_client).json(), CALLS
        )

        async def async_pair() -> tuple[float, float]:
            aclient = backend.client(emulator, server.url, "async")
            await backend.read(aclient, emulator)
            async with httpx.AsyncClient() as araw:

                async def one() -> None:
                    answer = await araw.request(**{**raw, "headers": dict(raw["headers"])})
                    answer.json()

                timings = await apaired(lambda: backend.read(aclient, emulator), one, CALLS)
            await aclient.close()
            return timings

        async_sdk, async_raw = asyncio.run(async_pair())
        mock = replaying(recorder.answers)
        mocked = backend.client(
            emulator, server.url, "sync", http_client=httpx.Client(transport=mock)
        )
        backend.read(mocked, emulator)
        mock_raw_client = httpx.Client(transport=mock)
        mock_sdk, mock_raw = paired(
            lambda: backend.read(mocked, emulator),
            lambda: json.loads(raw_call(mock_raw_client).content),
            MEMORY_CALLS,
        )
    print(
        f"{backend.name:14} loopback sync {sdk_time / raw_time:5.2f}x  async {async_sdk / async_raw:5.2f}x  "
        f"in-memory {mock_sdk / mock_raw:5.2f}x   ({sdk_time / CALLS * 1e6:.0f} us/call sync)"
    )


def fan_out() -> None:
    emulator = SshEmulator()
    with EmulatorServer(emulator) as server:
        config = emulator.client_config(server.url)

        async def run() -> tuple[float, float]:
            async with AsyncSecureServiceHub(**config) as hub:
                await hub.customers.get("C-10001")
                with capture_responses() as seen:
                    await hub.customers.get("C-10001")
                raw_request = as_written(seen.last.request)
                gate = asyncio.Semaphore(64)

                async def sdk_one(i: int) -> None:
                    async with gate:
                        await hub.customers.get(f"C-{10001 + i % 250}")

                start = time.perf_counter()
                await asyncio.gather(*(sdk_one(i) for i in range(1000)))
                sdk = time.perf_counter() - start
            async with httpx.AsyncClient(limits=httpx.Limits(max_connections=100)) as raw:

                async def raw_one(i: int) -> None:
                    async with gate:
                        answer = await raw.request(
                            **{**raw_request, "headers": dict(raw_request["headers"])}
                        )
                        answer.json()

                start = time.perf_counter()
                await asyncio.gather(*(raw_one(i) for i in range(1000)))
                base = time.perf_counter() - start
            return sdk, base

        sdk, base = asyncio.run(run())
    print(
        f"fan-out 1,000 calls at concurrency 64: SDK {sdk:.2f} s, raw httpx {base:.2f} s, ratio {sdk / base:.2f}x (goal <= 1.15x)"
    )


def paging() -> None:
    rows = [
        {"id": str(i), "subject": f"Request {i}", "status": {"name": "Open"}} for i in range(100)
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        info = json.loads(request.url.params["input_data"])["list_info"]
        start = info["start_index"]
        more = start + 100 <= 100_000
        return httpx.Response(
            200,
            json={
                "requests": rows,
                "list_info": {"has_more_rows": more, "start_index": start, "row_count": 100},
                "response_status": [{"status_code": 2000, "status": "success"}],
            },
        )

    scp = SupportCenterPlus(
        base_url="http://scp.invalid",
        api_key="bench",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    count = sum(1 for _ in scp.requests.list(row_count=100))
    elapsed = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(
        f"paging {count:,} items: {count / elapsed:,.0f} items/s, peak RSS growth {grown:.1f} MB (goal < 30 MB)"
    )


def spicecsm_xml() -> None:
    users = [
        UserSummary(
            userkey=f"user{i}",
            status="Active",
            name=f"Jöhn Doe {i}",
            email=f"john{i}@xyz.net",
            phone="(555) 555-5555",
        )
        for i in range(10_000)
    ]

    def stdlib_render() -> bytes:
        root = ET.Element("users")
        for user in users:
            ET.SubElement(
                root,
                "user",
                {k: percent_encode(str(v)) for k, v in user.model_dump(exclude_none=True).items()},
            )
        return ET.tostring(root)

    start = time.perf_counter()
    document = render_users(users)
    lxml_render = time.perf_counter() - start
    start = time.perf_counter()
    parse_users(document)
    lxml_parse = time.perf_counter() - start
    start = time.perf_counter()
    stdlib_doc = stdlib_render()
    std_render = time.perf_counter() - start
    start = time.perf_counter()
    [
        UserSummary.model_validate({k: percent_decode(v) for k, v in e.attrib.items()})
        for e in ET.fromstring(stdlib_doc)
    ]
    std_parse = time.perf_counter() - start
    print(
        f"SpiceCSM 10,000 users: render lxml {lxml_render * 1000:.0f} ms vs stdlib {std_render * 1000:.0f} ms; "
        f"parse lxml {lxml_parse * 1000:.0f} ms vs stdlib {std_parse * 1000:.0f} ms"
    )


def single_flight() -> None:
    emulator = SshEmulator()
    with EmulatorServer(emulator) as server:
        config = emulator.client_config(server.url)

        async def run() -> None:
            async with AsyncSecureServiceHub(**config) as hub:
                await asyncio.gather(*(hub.customers.get(f"C-{10001 + i}") for i in range(100)))

        asyncio.run(run())
    print(f"token requests for 100 concurrent cold calls: {emulator.tokens.issued} (must be 1)")


def main() -> None:
    only = set(sys.argv[1:])  # `python bench/backends.py ssh fsm`: those backends only
    for backend in BACKENDS:
        if not only or backend.name in only:
            per_backend(backend)
    if only:
        return
    fan_out()
    paging()
    spicecsm_xml()
    single_flight()


if __name__ == "__main__":
    main()
