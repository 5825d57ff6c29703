"""The trust boundary: ids stay inside their URL segment, credentials go only to the origin
they were configured for, odd input is refused before anything is sent.

Every operation of every backend that takes an id is driven with hostile ids over a recording
`httpx.MockTransport` that serves the backend's emulator in-process.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from servicehub_sdk.core import RequestValidationError, ResponseValidationError, ServiceHubError
from servicehub_sdk.core._boundary import path_segment
from servicehub_sdk.fsm._context import SERVICE_PATH
from tests.helpers import close, resolve
from tests.proof.backends import BACKENDS, Backend
from tests.proof.transport import client_for, emulated

HOSTILE_IDS = [
    "../requesters/5",
    "1?x=2",
    "7/../../technicians/3#",
    "a#frag",
    "%2e%2e",
    "..",
    ".",
    "",
    "a b/c\\d",
    "x\r\nHost: evil",
    "\ud800",
]


@dataclass
class IdOperation:
    backend: str
    name: str
    run: Callable[[Any, Any], Any]
    path: str | None
    """The request path after the API root, `{id}` standing for the encoded id; `None` when
    the id travels in the body and the path is the endpoint's own."""
    also: tuple[str, ...] = ()
    """Other paths the operation may send to (e.g. fetching FSM's secure hash first)."""
    reaches_path: bool = True
    """Whether a hostile id gets as far as the id's own path (not when a lookup comes first)."""


def _first(pager: Any) -> Any:
    return pager.to_list(limit=1) if hasattr(pager, "to_list") else pager


OPERATIONS = [
    # Secure Service Hub: GraphQL, ids in variables
    IdOperation("ssh", "customers.get", lambda c, i: c.customers.get(i), None),
    IdOperation("ssh", "customer_machines.find", lambda c, i: c.customer_machines.find(i), None),
    IdOperation("ssh", "machine_models.find", lambda c, i: c.machine_models.find(i), None),
    IdOperation(
        "ssh",
        "service_cases.set_external_id",
        lambda c, i: c.service_cases.set_external_id(i, "EXT-1"),
        None,
    ),
    # FSM Crowd Partner
    IdOperation(
        "fsm",
        "partners.addresses",
        lambda c, i: _first(c.partners.addresses(i).list()),
        "partners/{id}/addresses",
    ),
    IdOperation(
        "fsm",
        "partners.contacts",
        lambda c, i: _first(c.partners.contacts(i).list()),
        "partners/{id}/contacts",
    ),
    IdOperation(
        "fsm",
        "partners.service_areas",
        lambda c, i: _first(c.partners.service_areas(i).list()),
        "partners/{id}/service-areas",
    ),
    IdOperation(
        "fsm",
        "partners.update",
        lambda c, i: c.partners.update(i, {"name": "P"}),
        "partners/{id}",
        also=("partners", "partners/secure-hash"),
        reaches_path=False,  # reads the listing first: an unknown id ends in NotFoundError
    ),
    IdOperation(
        "fsm",
        "partners.replace",
        lambda c, i: c.partners.replace(i, {"name": "P"}),
        "partners/{id}",
        also=("partners/secure-hash",),
    ),
    # SupportCenter Plus
    IdOperation("supportcenter", "requests.get", lambda c, i: c.requests.get(i), "requests/{id}"),
    IdOperation(
        "supportcenter",
        "requests.update",
        lambda c, i: c.requests.update(i, {"subject": "s"}),
        "requests/{id}",
    ),
    IdOperation(
        "supportcenter", "requests.delete", lambda c, i: c.requests.delete(i), "requests/{id}"
    ),
    IdOperation(
        "supportcenter", "requests.close", lambda c, i: c.requests.close(i), "requests/{id}/close"
    ),
    IdOperation(
        "supportcenter",
        "requests.pickup",
        lambda c, i: c.requests.pickup(i),
        "requests/{id}/pickup",
    ),
    IdOperation(
        "supportcenter",
        "requests.assign",
        lambda c, i: c.requests.assign(i, group="G"),
        "requests/{id}/assign",
    ),
    IdOperation(
        "supportcenter",
        "requests.reply",
        lambda c, i: c.requests.reply(i, "hello"),
        "requests/{id}/reply",
    ),
    IdOperation(
        "supportcenter",
        "requests.notes",
        lambda c, i: _first(c.requests.notes(i).list()),
        "requests/{id}/notes",
    ),
    IdOperation(
        "supportcenter",
        "requests.notes.get",
        lambda c, i: c.requests.notes("1").get(i),
        "requests/1/notes/{id}",
    ),
    IdOperation(
        "supportcenter",
        "requests.worklogs",
        lambda c, i: _first(c.requests.worklogs(i).list()),
        "requests/{id}/worklogs",
    ),
    IdOperation(
        "supportcenter",
        "requests.notifications",
        lambda c, i: _first(c.requests.notifications(i).list()),
        "requests/{id}/notifications",
    ),
    IdOperation(
        "supportcenter",
        "requests.conversations",
        lambda c, i: _first(c.requests.conversations(i).list()),
        "requests/{id}/conversations",
    ),
    IdOperation(
        "supportcenter",
        "requests.attachments",
        lambda c, i: _first(c.requests.attachments(i).list()),
        "requests/{id}/attachments",
    ),
    IdOperation(
        "supportcenter",
        "requests.attachments.download",
        lambda c, i: c.requests.attachments("1").download(i),
        "requests/1/attachments/{id}/download",
    ),
    IdOperation(
        "supportcenter",
        "requests.resolution",
        lambda c, i: c.requests.resolution(i).get(),
        "requests/{id}/resolutions",
    ),
    IdOperation(
        "supportcenter", "requesters.get", lambda c, i: c.requesters.get(i), "requesters/{id}"
    ),
    IdOperation(
        "supportcenter",
        "requesters.update",
        lambda c, i: c.requesters.update(i, {"name": "n"}),
        "requesters/{id}",
    ),
    IdOperation(
        "supportcenter", "requesters.delete", lambda c, i: c.requesters.delete(i), "requesters/{id}"
    ),
    IdOperation(
        "supportcenter", "support_reps.get", lambda c, i: c.support_reps.get(i), "technicians/{id}"
    ),
    IdOperation(
        "supportcenter",
        "admin.priorities.get",
        lambda c, i: c.admin.priorities.get(i),
        "priorities/{id}",
    ),
    IdOperation(
        "supportcenter",
        "custom_module.get",
        lambda c, i: c.custom_module("cm_assets").get(i),
        "cm_assets/{id}",
    ),
    # CECenter Mashup
    IdOperation(
        "cecenter",
        "service_tickets.get",
        lambda c, i: c.service_tickets.get(i),
        "serviceTickets/{id}",
    ),
    IdOperation(
        "cecenter",
        "service_tickets.update",
        lambda c, i: c.service_tickets.update(i, {"status": "OPEN"}),
        "serviceTickets/{id}",
    ),
    IdOperation(
        "cecenter",
        "service_tickets.delete",
        lambda c, i: c.service_tickets.delete(i),
        "serviceTickets/{id}",
    ),
    IdOperation(
        "cecenter",
        "chat_transcripts.get",
        lambda c, i: c.chat_transcripts.get(i),
        "chatTranscripts/{id}",
    ),
    # SpiceCSM JSON-RPC: ids inside the objects of the body
    IdOperation("spicecsm", "accounts.load", lambda c, i: c.accounts.load({"userkey": i}), None),
    IdOperation("spicecsm", "cases.load", lambda c, i: c.cases.load({"id": i}), None),
    IdOperation(
        "spicecsm",
        "objects.delete",
        lambda c, i: c.objects.delete({"type": "cases", "id": i}),
        None,
    ),
    IdOperation(
        "spicecsm",
        "objects.update",
        lambda c, i: c.objects.update([{"type": "cases", "id": i, "issue": "x"}]),
        None,
    ),
]

BY_NAME = {b.name: b for b in BACKENDS}
_ID_PARAMETER = ("_id", "userkey")


def _id_taking_methods(client: Any) -> set[str]:
    """`resource.method` of every public method with an id parameter, found by walking."""
    found: set[str] = set()

    def walk(obj: Any, prefix: str, depth: int) -> None:
        for name in dir(obj):
            if name.startswith("_"):
                continue
            value = getattr(obj, name, None)
            if inspect.ismethod(value):
                parameters = inspect.signature(value).parameters
                if any(p.endswith(_ID_PARAMETER) for p in parameters):
                    found.add(prefix + name)
            elif depth < 2 and type(value).__module__.startswith("servicehub_sdk."):
                walk(value, f"{prefix}{name}.", depth + 1)

    walk(client, "", 0)
    return found


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_the_table_covers_every_operation_taking_an_id(backend: Backend) -> None:
    emulator = backend.make_emulator()
    recorded: list[httpx.Request] = []
    client = client_for(backend, emulator, "sync", emulated(emulator, recorded))
    covered = {op.name for op in OPERATIONS if op.backend == backend.name}
    missing = {
        name
        for name in _id_taking_methods(client)
        if name not in covered and not name.startswith("admin.")
    }
    assert not missing, f"operations taking an id not driven with hostile ids: {missing}"
    client.close()


def _api_requests(recorded: list[httpx.Request], backend: Backend) -> list[httpx.Request]:
    return [r for r in recorded if r.url.path.startswith(backend.api_path)]


def _root(client: Any) -> str:
    if not str(client.base_url):  # FSM: the service path on the account's cluster
        return SERVICE_PATH
    return client.base_url.raw_path.decode("ascii").rstrip("/") + "/"


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=repr)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: f"{o.backend}.{o.name}")
async def test_hostile_ids_stay_inside_their_segment(
    operation: IdOperation, hostile: str, mode: str
) -> None:
    backend = BY_NAME[operation.backend]
    emulator = backend.make_emulator()
    recorded: list[httpx.Request] = []
    client = client_for(backend, emulator, mode, emulated(emulator, recorded))
    root = _root(client)
    # authenticate first, so that only the operation's own requests are looked at
    await resolve(backend.read(client, emulator))
    before = len(recorded)
    try:
        await resolve(operation.run(client, hostile))
    except RequestValidationError:
        assert len(recorded) == before, "a refused id must not send anything"
        await close(client)
        return
    except ServiceHubError:
        pass  # the server's answer to a strange id does not matter here; what was sent does
    finally:
        await close(client)
    sent = _api_requests(recorded[before:], backend)
    assert sent, "the operation sent nothing and refused nothing"
    for request in sent:
        raw = request.url.raw_path.decode("ascii")
        path, _, query = raw.partition("?")
        assert "x=2" not in query
        assert "#" not in raw
        if operation.path is None:
            assert path == root.rstrip("/") or path == root
            continue
        expected = root + operation.path.format(id=quote(hostile, safe=""))
        assert path in {expected, *(root + p for p in operation.also)}, f"{raw!r} left its segment"
    last = sent[-1].url.raw_path.decode("ascii").partition("?")[0]
    if operation.path is not None and operation.reaches_path:
        assert last == root + operation.path.format(id=quote(hostile, safe=""))


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("../requesters/5", "..%2Frequesters%2F5"),
        ("1?x=2", "1%3Fx%3D2"),
        ("7/../../technicians/3#", "7%2F..%2F..%2Ftechnicians%2F3%23"),
        ("100%", "100%25"),
        ("Müller ~_.-", "M%C3%BCller%20~_.-"),
        (42, "42"),
    ],
)
def test_path_segment_encodes_one_segment(value: str | int, encoded: str) -> None:
    assert path_segment(value, field="id") == encoded


@pytest.mark.parametrize("value", ["", ".", "..", "\ud800", None, True, 1.5, b"1"])
def test_path_segment_refuses_what_is_no_segment(value: Any) -> None:
    with pytest.raises(RequestValidationError, match="request_id"):
        path_segment(value, field="request_id")


# -- credentials go only to the configured origin ----------------------------------------

CEC = BY_NAME["cecenter"]


def _cecenter_with_next_link(link: str, recorded: list[httpx.Request], emulator: Any) -> Any:
    """A transport serving the CECenter emulator whose first ticket page names `link` next;
    any other host answers an empty page."""
    inner = emulated(emulator, recorded)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host != "127.0.0.1":
            recorded.append(request)
            return httpx.Response(200, json=[])
        response = inner.handle_request(request)
        if request.url.path.endswith("/serviceTickets") and request.url.params.get(
            "pageNumber"
        ) in ("1", None):
            response.headers["Link"] = f'<{link}>; rel="next"'
        return response

    return httpx.MockTransport(handler)


async def _items_until_failure(pager: Any) -> tuple[list[Any], BaseException | None]:
    items: list[Any] = []
    try:
        if hasattr(pager, "__aiter__"):
            async for item in pager:
                items.append(item)
        else:
            for item in pager:
                items.append(item)
    except ServiceHubError as exc:
        return items, exc
    return items, None


def _credential_headers(request: httpx.Request) -> set[str]:
    return {k.lower() for k in request.headers} & {
        "authorization",
        "authtoken",
        "x-secure-hash",
        "cookie",
        "apikey",
        "api-key",
        "ocp-apim-subscription-key",
    }


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/hybris/cecentermashup/v1/t/serviceTickets?pageNumber=2",
        "https://127.0.0.1:9/serviceTickets?pageNumber=2",  # another scheme
        "http://127.0.0.1:10/serviceTickets?pageNumber=2",  # another port
        "//evil.example/serviceTickets?pageNumber=2",  # scheme-relative
    ],
)
async def test_a_foreign_next_link_is_refused_by_default(link: str, mode: str) -> None:
    emulator = CEC.make_emulator()
    recorded: list[httpx.Request] = []
    client = client_for(CEC, emulator, mode, _cecenter_with_next_link(link, recorded, emulator))
    try:
        items, failure = await _items_until_failure(client.service_tickets.list(page_size=2))
    finally:
        await close(client)
    assert len(items) == 2, "the pages read before the foreign link stay with the caller"
    assert isinstance(failure, ResponseValidationError)
    assert "another origin" in str(failure) and "follow_without_credentials" in str(failure)
    assert failure.may_have_been_applied is False
    target = httpx.URL("http://127.0.0.1:9/").join(link)
    assert not [
        r
        for r in recorded
        if (r.url.scheme, r.url.port) == (target.scheme, target.port) and r.url.host == target.host
    ], "the foreign page was fetched"


async def test_a_foreign_next_link_can_be_followed_without_credentials(mode: str) -> None:
    emulator = CEC.make_emulator()
    recorded: list[httpx.Request] = []
    link = "https://evil.example/serviceTickets?pageNumber=2"
    transport = _cecenter_with_next_link(link, recorded, emulator)
    http: Any = (
        httpx.Client(transport=transport)
        if mode == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    cls = CEC.sync_client if mode == "sync" else CEC.async_client
    client = cls(
        **emulator.client_config("http://127.0.0.1:9"),
        http_client=http,
        foreign_links="follow_without_credentials",
    )
    try:
        items, failure = await _items_until_failure(client.service_tickets.list(page_size=2))
    finally:
        await close(client)
    assert failure is None and len(items) == 2
    foreign = [r for r in recorded if r.url.host == "evil.example"]
    assert len(foreign) == 1
    assert _credential_headers(foreign[0]) == set()


async def test_a_same_origin_relative_next_link_keeps_credentials(mode: str) -> None:
    emulator = CEC.make_emulator()
    recorded: list[httpx.Request] = []
    root = "/hybris/cecentermashup/v1/" + emulator.client_config("x")["tenant"]
    link = f"{root}/serviceTickets?pageNumber=2&pageSize=2"
    client = client_for(CEC, emulator, mode, _cecenter_with_next_link(link, recorded, emulator))
    try:
        items, failure = await _items_until_failure(client.service_tickets.list(page_size=2))
    finally:
        await close(client)
    assert failure is None and len(items) >= 2
    second = [r for r in recorded if r.url.params.get("pageNumber") == "2"]
    assert second and second[0].url.path == f"{root}/serviceTickets"
    assert "authorization" in _credential_headers(second[0])


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
async def test_redirects_are_not_followed_with_credentials(backend: Backend, mode: str) -> None:
    """Even with an injected client that follows redirects, the SDK's calls do not."""
    emulator = backend.make_emulator()
    recorded: list[httpx.Request] = []
    inner = emulated(emulator, recorded)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host != "127.0.0.1":
            recorded.append(request)
            return httpx.Response(200, json={})
        if request.url.path.startswith(backend.api_path):
            recorded.append(request)
            return httpx.Response(307, headers={"Location": "https://evil.example/steal"})
        return inner.handle_request(request)

    transport = httpx.MockTransport(handler)
    http: Any = (
        httpx.Client(transport=transport, follow_redirects=True)
        if mode == "sync"
        else httpx.AsyncClient(transport=transport, follow_redirects=True)
    )
    cls = backend.sync_client if mode == "sync" else backend.async_client
    client = cls(**emulator.client_config("http://127.0.0.1:9"), http_client=http, max_retries=0)
    try:
        await resolve(backend.read(client, emulator))
    except ServiceHubError:
        pass  # a 307 is no answer the SDK can read; what matters is where it went
    finally:
        await close(client)
    assert recorded, "nothing was sent"
    assert not [r for r in recorded if r.url.host == "evil.example"]
