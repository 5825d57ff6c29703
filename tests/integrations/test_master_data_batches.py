"""Master-data sync in batches, sync and async: few requests, every record reported exactly
once, per-record failures inside a batch, and a server that refuses large documents."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from servicehub_sdk.integrations import sync_master_data, sync_master_data_async
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import SSH_VARIANTS as VARIANTS
from servicehub_sdk.testing import EmulatorServer, SSHEmulator
from tests.helpers import close

MODELS, CUSTOMERS, MACHINES = 12, 60, 60


@pytest.fixture(params=VARIANTS)
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def emulator(variant: str) -> SSHEmulator:
    return SSHEmulator(seed=2, variant=variant)  # type: ignore[arg-type]


def records(org: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "machine_models": [
            {"external_id": f"MM-{n}", "model_name": f"Model {n}", "technology": "Laser"}
            for n in range(MODELS)
        ],
        "customers": [
            {
                "external_id": f"CU-{n}",
                "name": f"Customer {n}",
                "service_organisation": org,
                "country": "DE",
            }
            for n in range(CUSTOMERS)
        ],
        "customer_machines": [
            {
                "external_id": f"MA-{n}",
                "serial_number": f"SN-{n}",
                "customer_external_id": f"CU-{n % CUSTOMERS}",
                "machine_model_external_id": f"MM-{n % MODELS}",
            }
            for n in range(MACHINES)
        ],
    }


def inputs(data: dict[str, list[dict[str, Any]]]) -> Counter[tuple[str, str]]:
    kinds = {
        "machine_models": "machine_model",
        "customers": "customer",
        "customer_machines": "customer_machine",
    }
    return Counter((kinds[k], row["external_id"]) for k, rows in data.items() for row in rows)


async def run(mode: str, config: dict[str, Any], data: Any, **options: Any) -> Any:
    if mode == "sync":
        with SSHClient(**config) as hub:
            return sync_master_data(hub, data, **options)
    client = AsyncSSHClient(**config)
    try:
        return await sync_master_data_async(client, data, concurrency=3, **options)
    finally:
        await close(client)


def org_name(emulator: SSHEmulator) -> str:
    return str(next(iter(emulator.store.organisations.values()))["name"])


async def test_writes_go_out_in_batches_and_a_rerun_only_reads(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, server: EmulatorServer
) -> None:
    data = records(org_name(emulator))
    report = await run(mode, config, data, batch_size=25)
    assert Counter((r.kind, r.key) for r in report.results) == inputs(data)
    assert report.counts == {"created": MODELS + CUSTOMERS + MACHINES}
    writes = [d for d in emulator.requests if d.lstrip().startswith("mutation")]
    assert len(writes) == sum(math.ceil(n / 25) for n in (MODELS, CUSTOMERS, MACHINES))
    assert sum(emulator.store.writes.values()) == MODELS + CUSTOMERS + MACHINES
    emulator.requests.clear()
    again = await run(mode, config, data, batch_size=25)
    assert again.counts == {"unchanged": MODELS + CUSTOMERS + MACHINES}
    reads = [d for d in emulator.requests if "__schema" not in d]
    assert reads and all("Paginated" in d for d in reads)  # the listing pages, nothing else


async def test_failures_inside_a_batch_fail_alone_and_nothing_vanishes(
    mode: str, config: dict[str, Any], emulator: SSHEmulator, variant: str
) -> None:
    data = records(org_name(emulator))
    data["customers"][7]["external_id"] = "C-10001"  # exists: unchanged or updated, not created
    data["customers"][7]["name"] = "Renamed"
    data["customers"][9]["country"] = "Germany"  # invalid: refused before sending
    data["customer_machines"][3]["customer_external_id"] = "CU-9"  # depends on the failure
    data["customer_machines"][5]["external_id"] = data["customer_machines"][4]["external_id"]
    report = await run(mode, config, data, batch_size=10)
    assert Counter((r.kind, r.key) for r in report.results) == inputs(data)
    by_key = {(r.kind, r.key): r for r in report.results}
    assert by_key[("customer", "C-10001")].action == "updated"
    assert by_key[("customer", "CU-9")].action == "failed"
    assert "CU-9" in (by_key[("customer_machine", "MA-3")].reason or "")
    twins = [r for r in report.results if r.key == "MA-4"]
    assert sorted(r.action for r in twins) == ["created", "failed"]
    assert "already exists" in next(r.reason or "" for r in twins if r.action == "failed")
    created = [r for r in report.results if r.action == "created"]
    assert "CU-7" in (by_key[("customer_machine", "MA-7")].reason or "")  # renamed away
    assert "CU-9" in (by_key[("customer_machine", "MA-9")].reason or "")
    assert len(created) == MODELS + CUSTOMERS - 2 + MACHINES - 4
    machines = Counter(m["externalId"] for m in emulator.store.machines.values())
    assert machines["MA-4"] == 1 and machines["MA-3"] == 0


@pytest.mark.parametrize("refusal", ["complexity", "too-large"])
async def test_a_server_refusing_large_documents_gets_smaller_ones(
    mode: str, variant: str, refusal: str
) -> None:
    emulator = SSHEmulator(seed=2, variant=variant, max_root_fields=8, refusal=refusal)  # type: ignore[arg-type]
    with EmulatorServer(emulator) as server:
        data = records(org_name(emulator))
        report = await run(mode, emulator.client_config(server.url), data, batch_size=50)
    assert Counter((r.kind, r.key) for r in report.results) == inputs(data)
    assert report.counts == {"created": MODELS + CUSTOMERS + MACHINES}
    assert sum(emulator.store.writes.values()) == MODELS + CUSTOMERS + MACHINES
    writes = [d for d in emulator.requests if d.lstrip().startswith("mutation")]
    refused = [d for d in writes if d.count(": create") > 8]
    assert 0 < len(refused) <= 3 * (1 if mode == "sync" else 3)
