"""Every resource with `changes()`, over a small emulator served in-process: how to make a
client of it, change its records as a user would, and read what the emulator holds.

Help-desk records are written through a sync client of the same emulator (so the emulator
stamps their modification times on its own clock, `emulator.now`, which tests skew); Secure
Service Hub records are written into the emulator's store, as its users' own tools would.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from servicehub_sdk import backends
from servicehub_sdk.testing import (
    CECenterEmulator,
    EmulatedRequest,
    EmulatedResponse,
    EmulatorTransport,
    FakeClock,
    SpiceCSMEmulator,
    SupportCenterEmulator,
)
from tests.feeds.conftest import small_emulator

__all__ = ["FILTERED_BY_SERVER", "WORLDS", "World"]

Answer = Callable[[EmulatedRequest, EmulatedResponse], "int | None"]


@dataclass
class World:
    """One resource with `changes()` over its emulator.

    Attributes:
        backend, resource: the backend's name and the client attribute (`requests`).
        emulator: the emulator app; `transport` serves it and counts requests.
        config: the client's keyword arguments (besides `http_client`).
        writer: a sync client that makes the changes (`None` where the store is written).
        server_side: whether `changes()` filters on the server (then `skew()` applies).
        listing: `changes()` arguments that make several pages of a few records.
        rows_in: how many records a listing answer holds (`None`: not a listing).
        listed: after `record()`, the records of each listing answer, in order.
    """

    backend: str
    resource: str
    emulator: Any
    transport: EmulatorTransport
    config: dict[str, Any]
    state_of: Callable[[World], dict[str, str]]
    label: Callable[[Any], str]
    create_one: Callable[[World, str], None]
    update_one: Callable[[World, str, str], None]
    delete_one: Callable[[World, str], None]
    server_side: bool = False
    listing: dict[str, Any] = field(default_factory=dict)
    writer: Any = None
    rows_in: Answer = lambda request, response: None
    listed: list[int] = field(default_factory=list)
    clients: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.backend}.{self.resource}"

    def client(self, mode: str = "sync") -> Any:
        """A new client of the emulator (closed by `close()`)."""
        cls = backends[self.backend].client_class(asynchronous=mode == "async")
        made = cls(**self.config, http_client=self.transport.http_client(mode))
        self.clients.append(made)
        return made

    def of(self, client: Any) -> Any:
        """The resource of `client` that lists changes."""
        return getattr(client, self.resource)

    def state(self) -> dict[str, str]:
        """id -> label of every record the client can see, as the emulator holds it."""
        return self.state_of(self)

    def create(self, label: str) -> None:
        self.create_one(self, label)

    def update(self, record_id: str, label: str) -> None:
        self.update_one(self, record_id, label)

    def delete(self, record_id: str) -> None:
        self.delete_one(self, record_id)

    def record(self) -> None:
        """From now on, note in `listed` how many records each listing answer holds."""
        app = self.transport.app

        def recording(request: EmulatedRequest) -> EmulatedResponse:
            response = app(request)
            rows = self.rows_in(request, response)
            if rows is not None:
                self.listed.append(rows)
            return response

        self.transport.app = recording

    def skew(self, clock: FakeClock, behind: float) -> None:
        """Run the server's clock `behind` seconds behind `clock` (the client's)."""
        self.emulator.now = lambda: clock.time() - behind

    def close(self) -> None:
        for made in self.clients:
            closer = getattr(made, "close", None)
            if closer is not None and not hasattr(made, "aclose"):
                closer()


_serial = itertools.count()


def _new_id() -> str:
    return str(uuid.UUID(int=next(_serial) + (1 << 100)))


# -- Secure Service Hub: written into the store ------------------------------------------

_HUB_TABLES: dict[str, tuple[str, str, Callable[[Any], str]]] = {
    "service_cases": ("cases", "title", lambda item: str(item.title)),
    "customers": ("customers", "name", lambda item: str(item.name)),
    "customer_machines": ("machines", "displayName", lambda item: str(item.display_name)),
}


def _hub(resource: str, clock: FakeClock) -> World:
    emulator = small_emulator(cases=3)
    transport = EmulatorTransport(emulator)
    table, column, label = _HUB_TABLES[resource]

    def rows(world: World) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = getattr(world.emulator.store, table)
        return found

    first = dict(next(iter(getattr(emulator.store, table).values())))

    def state(world: World) -> dict[str, str]:
        return {i: str(row[column]) for i, row in rows(world).items()}

    def create(world: World, text: str) -> None:
        record_id = _new_id()
        extra = {"displayId": f"SC-{record_id[-6:]}"} if table == "cases" else {}
        rows(world)[record_id] = {**first, **extra, "id": record_id, column: text}

    def update(world: World, record_id: str, text: str) -> None:
        row = rows(world)[record_id]
        row[column] = text
        if table == "cases":
            row["updatedAt"] = datetime.fromtimestamp(clock.time(), UTC).isoformat()

    def delete(world: World, record_id: str) -> None:
        del rows(world)[record_id]

    return World(
        backend="ssh",
        resource=resource,
        emulator=emulator,
        transport=transport,
        config=emulator.client_config(transport.url),
        state_of=state,
        label=label,
        create_one=create,
        update_one=update,
        delete_one=delete,
        listing={"page_size": 2},
    )


# -- help desks: written through a client ------------------------------------------------

FILTERED_BY_SERVER = {
    ("supportcenter", "requests"),
    ("cecenter", "service_tickets"),
    ("spicecsm", "cases"),
}
"""The resources whose `changes(since=...)` the server filters."""


def _requests_listed(request: EmulatedRequest, response: EmulatedResponse) -> int | None:
    if request.method != "GET" or not request.path.endswith("/requests"):
        return None
    return len(json.loads(response.body)["requests"])


def _tickets_listed(request: EmulatedRequest, response: EmulatedResponse) -> int | None:
    if request.method != "GET" or not request.path.endswith("/serviceTickets"):
        return None
    return len(json.loads(response.body))


def _query_listed(request: EmulatedRequest, response: EmulatedResponse) -> int | None:
    if b"query" not in request.body:
        return None
    result = json.loads(response.body)["result"]
    if isinstance(result, list):
        return len(result)
    return 0 if "msg" in result else 1


def _supportcenter(clock: FakeClock) -> World:
    emulator = SupportCenterEmulator(requests=3)
    transport = EmulatorTransport(emulator)

    def state(world: World) -> dict[str, str]:
        return {i: str(r["subject"]) for i, r in world.emulator.records["requests"].items()}

    world = World(
        backend="supportcenter",
        resource="requests",
        emulator=emulator,
        transport=transport,
        config=emulator.client_config(transport.url),
        state_of=state,
        label=lambda item: str(item.subject),
        create_one=lambda w, text: w.writer.requests.create({"subject": text}),
        update_one=lambda w, i, text: w.writer.requests.update(i, {"subject": text}),
        delete_one=lambda w, i: w.writer.requests.delete(i),
        server_side=True,
        listing={"row_count": 2},
        rows_in=_requests_listed,
    )
    world.writer = world.client()
    return world


def _cecenter(clock: FakeClock) -> World:
    emulator = CECenterEmulator(tickets=8)
    transport = EmulatorTransport(emulator)
    config = emulator.client_config(transport.url)
    customer = next(
        c["id"] for c in emulator.customers.values() if c["email"] == config["customer_email"]
    )

    def state(world: World) -> dict[str, str]:
        tickets = world.emulator.tickets.items()
        return {i: str(t["shortDescription"]) for i, t in tickets if t["customerId"] == customer}

    def create(world: World, text: str) -> None:
        ticket = {"type": "INCIDENT", "customer_id": customer, "short_description": text}
        world.writer.service_tickets.create(ticket)

    world = World(
        backend="cecenter",
        resource="service_tickets",
        emulator=emulator,
        transport=transport,
        config=config,
        state_of=state,
        label=lambda item: str(item.short_description),
        create_one=create,
        update_one=lambda w, i, text: w.writer.service_tickets.update(
            i, {"short_description": text}
        ),
        delete_one=lambda w, i: w.writer.service_tickets.delete(i),
        server_side=True,
        listing={"page_size": 2},
        rows_in=_tickets_listed,
    )
    world.writer = world.client()
    return world


def _spicecsm(clock: FakeClock) -> World:
    emulator = SpiceCSMEmulator()
    cases = emulator.tables["cases"]
    for case_id in list(cases)[3:]:
        del cases[case_id]
    transport = EmulatorTransport(emulator)

    def state(world: World) -> dict[str, str]:
        return {i: str(r["issue"]) for i, r in world.emulator.tables["cases"].items()}

    world = World(
        backend="spicecsm",
        resource="cases",
        emulator=emulator,
        transport=transport,
        config={**emulator.client_config(transport.url), "allow_raw_sql": True},
        state_of=state,
        label=lambda item: str(item.issue),
        create_one=lambda w, text: w.writer.objects.create(
            [{"type": "cases", "userkey": "acct1", "status": "Open", "issue": text}]
        ),
        update_one=lambda w, i, text: w.writer.objects.update(
            [{"type": "cases", "id": i, "issue": text}]
        ),
        delete_one=lambda w, i: w.writer.objects.delete({"type": "cases", "id": i}),
        server_side=True,
        rows_in=_query_listed,
    )
    world.writer = world.client()
    return world


WORLDS: dict[tuple[str, str], Callable[[FakeClock], World]] = {
    ("ssh", "service_cases"): lambda clock: _hub("service_cases", clock),
    ("ssh", "customers"): lambda clock: _hub("customers", clock),
    ("ssh", "customer_machines"): lambda clock: _hub("customer_machines", clock),
    ("supportcenter", "requests"): _supportcenter,
    ("cecenter", "service_tickets"): _cecenter,
    ("spicecsm", "cases"): _spicecsm,
}
"""(backend, resource) -> a new world of it, on the client's `clock`."""
