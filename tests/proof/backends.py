"""The five backends as the proof suites drive them: how to serve each emulator, build a
client, and run one read, one listing and one write."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
from servicehub_sdk.core import RetryPolicy
from servicehub_sdk.fsm import AsyncFSMClient, FSMClient
from servicehub_sdk.spicecsm import AsyncSpiceCSMClient, SpiceCSMClient
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient
from servicehub_sdk.testing import (
    CECenterEmulator,
    FSMEmulator,
    SpiceCSMEmulator,
    SSHEmulator,
    SupportCenterEmulator,
)

FAST = RetryPolicy(max_retries=10, backoff_base=0.001, backoff_cap=0.01, max_total_wait=30)
_counter = itertools.count()


@dataclass
class Backend:
    name: str
    make_emulator: Callable[[], Any]
    sync_client: type[Any]
    async_client: type[Any]
    api_path: str  # faults go here (token endpoints stay healthy unless a test says otherwise)
    read: Callable[[Any, Any], Any]
    listing: Callable[[Any, Any], Any]
    write: Callable[[Any, Any], Any]
    writes_applied: Callable[[Any], int]

    def client(self, emulator: Any, url: str, mode: str, **options: Any) -> Any:
        cls = self.sync_client if mode == "sync" else self.async_client
        return cls(**emulator.client_config(url), **options)


def _unique() -> int:
    return next(_counter)


BACKENDS = [
    Backend(
        "ssh",
        lambda: SSHEmulator(seed=1),
        SSHClient,
        AsyncSSHClient,
        "/graphql",
        read=lambda c, e: c.customers.get("C-10001"),
        listing=lambda c, e: c.service_organisations.list().to_list(),
        write=lambda c, e: c.customers.create(
            {
                "name": "Reliable",
                "externalId": f"REL-{_unique()}",
                "serviceOrganisation": next(iter(e.store.organisations)),
                "address": {"country": "DE"},
            }
        ),
        writes_applied=lambda e: e.store.writes["createCustomer"],
    ),
    Backend(
        "fsm",
        lambda: FSMEmulator(seed=1),
        FSMClient,
        AsyncFSMClient,
        "/cloud-crowd-service/",
        read=lambda c, e: c.partners.contacts(next(iter(e.partners))).list().first(),
        listing=lambda c, e: c.partners.list(size=25).to_list(limit=25),
        write=lambda c, e: c.partners.create({"name": f"Partner {_unique()}"}),
        writes_applied=lambda e: e.writes["dispatch/accept"],
    ),
    Backend(
        "supportcenter",
        lambda: SupportCenterEmulator(seed=1, requests=50),
        SupportCenterClient,
        AsyncSupportCenterClient,
        "/api/v3/",
        read=lambda c, e: c.requests.get(next(iter(e.records["requests"]))),
        listing=lambda c, e: c.admin.priorities.list().to_list(),
        write=lambda c, e: c.requests.create({"subject": f"Reliable {_unique()}"}),
        writes_applied=lambda e: e.writes["add request"],
    ),
    Backend(
        "cecenter",
        lambda: CECenterEmulator(seed=1),
        CECenterClient,
        AsyncCECenterClient,
        "/hybris/cecentermashup/",
        read=lambda c, e: c.service_ticket_types.list().first(),
        listing=lambda c, e: c.service_tickets.list(page_size=20).to_list(limit=20),
        write=lambda c, e: c.interaction_logs.create({"customerId": "C1", "type": "RELIABILITY"}),
        writes_applied=lambda e: e.writes["interactionLogs"],
    ),
    Backend(
        "spicecsm",
        lambda: SpiceCSMEmulator(),
        SpiceCSMClient,
        AsyncSpiceCSMClient,
        "/api/spiceAPIServer/",
        read=lambda c, e: c.agents.list().to_list(),
        listing=lambda c, e: c.objects.load({"type": "accounts"}),
        write=lambda c, e: c.objects.create([{"type": "cases", "issue": f"Reliable {_unique()}"}]),
        writes_applied=lambda e: sum(1 for k in e.tables["cases"] if int(k) > 1000),
    ),
]
