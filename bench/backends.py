"""Per-backend figures, each a ratio against raw httpx measured in the same run:

- one typed read per backend over loopback, sync and async (goal <= 1.10x), the emulator
  served from a child process;
- the same over an in-memory `httpx.MockTransport` replaying the emulator's answers, which
  isolates the SDK's own cost, against raw httpx + json (goal <= 1.10x; `anchors.py` puts
  other clients beside it over the same transport);
- async fan-out: 1,000 calls at concurrency 64, in memory and over loopback (goal <= 1.15x);
- 100,000 items through auto-paging: items/s and peak RSS growth (goal < 30 MB);
- SpiceCSM: render and parse 10,000 users, lxml (the SDK) vs the standard library;
- token single-flight: token requests for 100 concurrent cold calls (must be 1).

Ratios are medians of alternating rounds with their quartiles (`_timing.py`). Run with
`make bench`, or `python bench/backends.py ssh fsm` for some backends' figures only. Nothing
here is asserted; the numbers are printed."""

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

from _goals import goal
from _serve import Answers, answer_key, replayed_apart, resendable, served_apart
from _timing import Timing, apaired, paired
from tests.proof.backends import BACKENDS, Backend

from servicehub_sdk.core import capture_responses
from servicehub_sdk.spicecsm import (
    UserSummary,
    parse_users,
    percent_decode,
    percent_encode,
    render_users,
)
from servicehub_sdk.ssh import AsyncSSHClient
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import EmulatorServer, SSHEmulator

CALLS = 40  # per round, over loopback
MEMORY_CALLS = 200  # per round, in memory
MEMORY_ROUNDS = 41  # in memory: the ratios of a busy machine spread; more rounds steady the median
FAN_OUT_ROUNDS = 5  # over loopback; each round is 1,000 calls a side


class Recorder(httpx.BaseTransport):
    """Passes requests through and remembers the last answer per (method, path)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.answers: Answers = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        self.answers[answer_key(request.method, request.url.path, request.content)] = (
            response.status_code,
            dict(response.headers),
            body,
        )
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    def close(self) -> None:
        self.inner.close()


def replaying(answers: Answers) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        key = answer_key(request.method, request.url.path, request.content)
        status, headers, body = answers[key]
        if request.url.path.endswith(".php"):  # JSON-RPC: answer with the request's own id
            sent = json.loads(httpx.QueryParams(request.content.decode())["request"])
            body = json.dumps({**json.loads(body), "id": sent["id"]}).encode()
        return httpx.Response(status, headers=resendable(headers), content=body)

    return httpx.MockTransport(handler)


def yielding(answers: Answers) -> httpx.MockTransport:
    """`replaying` for async clients, handing control to the event loop on every request as
    a network would, so that concurrent calls interleave."""
    replay = replaying(answers).handler

    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)
        return replay(request)

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
        # JSON in a form field (SpiceCSM's `request`) is written as a dict and dumped per call.
        body["form_json"] = {k: v for k, v in map(_json_field, body["data"].items()) if v}
    elif request.content:
        body["content"] = request.content
    headers = {
        k: v for k, v in request.headers.items() if k not in ("content-length", "content-type")
    }
    return {"method": request.method, "url": str(request.url), "headers": headers, **body}


def _json_field(item: tuple[str, str]) -> tuple[str, Any]:
    name, text = item
    try:
        value = json.loads(text)
    except ValueError:
        return name, None
    return name, value if isinstance(value, dict | list) else None


def fresh(written: dict[str, Any]) -> dict[str, Any]:
    """Arguments for one more `request(**...)` of an `as_written` request, its headers copied
    and the JSON of its form fields dumped, as a caller builds them per call."""
    arguments = {**written, "headers": dict(written["headers"])}
    form_json = arguments.pop("form_json", None)
    if form_json:
        arguments["data"] = {**written["data"], **{k: json.dumps(v) for k, v in form_json.items()}}
    return arguments


def recorded(backend: Backend, emulator: Any, url: str) -> tuple[Answers, dict[str, Any]]:
    """One read through a recording transport: the answers it got and its request as written."""
    recorder = Recorder()
    with httpx.Client(transport=recorder) as http:
        client = backend.client(emulator, url, "sync", http_client=http)
        with capture_responses() as seen:
            backend.read(client, emulator)
    return recorder.answers, as_written(seen.last.request)


def per_backend(backend: Backend) -> None:
    emulator = backend.make_emulator()
    with served_apart(emulator) as url:
        answers, raw = recorded(backend, emulator, url)

        # The baseline builds its request per call too, as any httpx user does.
        def raw_call(client: httpx.Client) -> Any:
            return client.request(**fresh(raw))

        plain = backend.client(emulator, url, "sync")  # without the recording transport
        backend.read(plain, emulator)
        with httpx.Client() as raw_client:
            sync = paired(
                lambda: backend.read(plain, emulator), lambda: raw_call(raw_client).json(), CALLS
            )

        async def async_pair() -> Timing:
            aclient = backend.client(emulator, url, "async")
            await backend.read(aclient, emulator)
            async with httpx.AsyncClient() as araw:

                async def one() -> None:
                    answer = await araw.request(**fresh(raw))
                    answer.json()

                timing = await apaired(lambda: backend.read(aclient, emulator), one, CALLS)
            await aclient.close()
            return timing

        asynchronous = asyncio.run(async_pair())
    mock = replaying(answers)
    mocked = backend.client(emulator, url, "sync", http_client=httpx.Client(transport=mock))
    backend.read(mocked, emulator)
    mock_raw_client = httpx.Client(transport=mock)
    memory = paired(
        lambda: backend.read(mocked, emulator),
        lambda: json.loads(raw_call(mock_raw_client).content),
        MEMORY_CALLS,
        rounds=MEMORY_ROUNDS,
    )
    print(
        f"{backend.name:14} loopback sync {sync}  async {asynchronous}  in-memory {memory}  "
        f"({sync.sdk * 1e6:.0f} / {memory.sdk * 1e6:.0f} us per call)"
    )
    goal(
        f"{backend.name} in memory, SDK / raw httpx",
        f"{memory.ratio:.2f}x",
        memory.ratio <= 1.10,
        "<= 1.10x",
    )


async def fan(
    backend: Backend,
    emulator: Any,
    url: str,
    transport: httpx.AsyncBaseTransport | None,
    calls: int,
    concurrency: int,
) -> Timing:
    """`calls` reads at `concurrency`, SDK against raw httpx, both with the same kind of pool
    (as many kept-alive connections as calls in flight) over `transport`."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    client = backend.client(
        emulator, url, "async", http_client=httpx.AsyncClient(limits=limits, transport=transport)
    )
    with capture_responses() as seen:
        await backend.read(client, emulator)
    raw_request = as_written(seen.last.request)
    async with httpx.AsyncClient(limits=limits, transport=transport) as raw:

        async def sdk_one() -> None:
            async with gate:
                await backend.read(client, emulator)

        async def raw_one() -> None:
            async with gate:
                answer = await raw.request(**fresh(raw_request))
                answer.json()

        async def sdk_batch() -> None:
            await asyncio.gather(*(sdk_one() for _ in range(calls)))

        async def raw_batch() -> None:
            await asyncio.gather(*(raw_one() for _ in range(calls)))

        rounds = FAN_OUT_ROUNDS if transport is None else None
        # Each batch from the same heap: a full collection falling into one side's batch
        # (the 1,000 calls' garbage of the batch before) moved the ratio by a third.
        timing = await apaired(sdk_batch, raw_batch, 1, rounds=rounds, before=gc.collect)
    await client.close()
    return timing


def fan_out(backend: Backend, calls: int = 1000, concurrency: int = 64) -> None:
    """A fan-out over loopback and in memory, both from the backend's recorded answers.

    Over loopback an asyncio server in another process replays them (the emulators' threaded
    server, not the client, would limit a fan-out). Not for FSM, whose token answer names the
    server that recorded it.
    """
    emulator = backend.make_emulator()
    with served_apart(emulator) as url:
        answers, _ = recorded(backend, emulator, url)
    with replayed_apart(answers) as url:
        loopback = asyncio.run(fan(backend, emulator, url, None, calls, concurrency))
    memory = asyncio.run(fan(backend, emulator, url, yielding(answers), calls, concurrency))
    print(
        f"fan-out ({backend.name}) {calls:,} calls at concurrency {concurrency}: "
        f"in-memory {memory} ({memory.sdk:.2f} s / {memory.raw:.2f} s), "
        f"loopback {loopback} ({loopback.sdk:.2f} s / {loopback.raw:.2f} s)"
    )
    goal(
        f"fan-out at {concurrency}, in memory, SDK / raw httpx at {concurrency}",
        f"{memory.ratio:.2f}x",
        memory.ratio <= 1.15,
        "<= 1.15x",
    )


def paging(items: int = 100_000) -> None:
    rows = [
        {"id": str(i), "subject": f"Request {i}", "status": {"name": "Open"}} for i in range(100)
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        info = json.loads(request.url.params["input_data"])["list_info"]
        start = info["start_index"]
        more = start + 100 <= items
        return httpx.Response(
            200,
            json={
                "requests": [{**row, "id": str(start + n)} for n, row in enumerate(rows)],
                "list_info": {"has_more_rows": more, "start_index": start, "row_count": 100},
                "response_status": [{"status_code": 2000, "status": "success"}],
            },
        )

    scp = SupportCenterClient(
        base_url="https://scp.invalid",
        api_key="bench",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    rates, growths = [], []
    for _ in range(3):
        gc.collect()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        count = sum(1 for _ in scp.requests.list(row_count=100))
        rates.append(count / (time.perf_counter() - start))
        growths.append((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
    print(
        f"paging {count:,} items (best of 3 passes): {max(rates):,.0f} items/s, "
        f"peak RSS growth {max(growths):.1f} MB (goal < 30 MB)"
    )


def spicecsm_xml(count: int = 10_000) -> None:
    users = [
        UserSummary(
            userkey=f"user{i}",
            status="Active",
            name=f"Jöhn Doe {i}",
            email=f"john{i}@xyz.net",
            phone="(555) 555-5555",
        )
        for i in range(count)
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
        f"SpiceCSM {count:,} users: render lxml {lxml_render * 1000:.0f} ms vs stdlib {std_render * 1000:.0f} ms; "
        f"parse lxml {lxml_parse * 1000:.0f} ms vs stdlib {std_parse * 1000:.0f} ms"
    )


def single_flight() -> None:
    emulator = SSHEmulator()
    with EmulatorServer(emulator) as server:
        config = emulator.client_config(server.url)

        async def run() -> None:
            async with AsyncSSHClient(**config) as hub:
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
    fan_out(next(b for b in BACKENDS if b.name == "cecenter"))
    paging()
    spicecsm_xml()
    single_flight()


if __name__ == "__main__":
    main()
