"""Bulk throughput of the master-data sync: batched documents against one mutation per
request, with latency added to every request.

The Secure Service Hub emulator runs in its own process (`_serve.served_apart`), fresh for
every measurement, with a `Delay` of `LATENCIES` on every request. For each latency:

- the batched sync (`batch_size=BATCH_SIZE`) writes `RECORDS` new records (2 % machine
  models, then customers and machines half and half) and is run again with nothing to do;
- the same records through the async client, `CONCURRENCY` documents in flight;
- the one-mutation-per-request path (`batch_size=1`) writes `PER_RECORD` records of the same
  mix (a sample: at 50 ms a request, all of them would take minutes).

Printed: GraphQL requests per written record, records per second, and the batched / per-record
ratio of records per second measured in the same run; for the re-run, its requests and how
many of them were listing pages. Nothing is asserted.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _serve import served_apart

from servicehub_sdk.integrations import sync_master_data, sync_master_data_async
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import Delay, Faults, SSHEmulator

RECORDS = 10_000
PER_RECORD = 600
BATCH_SIZE = 50
CONCURRENCY = 4
LATENCIES = (0.0, 0.05)


def records(count: int, organisation: str) -> dict[str, list[dict[str, Any]]]:
    """`count` new records: 2 % machine models (at least one), the rest customers and the
    machines that refer to them, half and half."""
    models = max(1, count // 50)
    customers = (count - models) // 2
    machines = count - models - customers
    return {
        "machine_models": [
            {"external_id": f"BM-{n}", "model_name": f"Model {n}", "technology": "Laser"}
            for n in range(models)
        ],
        "customers": [
            {
                "external_id": f"BC-{n}",
                "name": f"Customer {n}",
                "service_organisation": organisation,
                "country": "DE",
                "city": "Dresden",
            }
            for n in range(customers)
        ],
        "customer_machines": [
            {
                "external_id": f"BE-{n}",
                "serial_number": f"SN-{n}",
                "customer_external_id": f"BC-{n % customers}",
                "machine_model_external_id": f"BM-{n % models}",
            }
            for n in range(machines)
        ],
    }


class Counted:
    """GraphQL requests a client sent, and how many of them read a listing page."""

    def __init__(self) -> None:
        self.requests = 0
        self.pages = 0

    def __call__(self, request: httpx.Request) -> None:
        if request.url.path.endswith("/graphql"):
            self.requests += 1
            self.pages += b"Paginated" in request.content


def _sync(url: str, emulator: SSHEmulator, data: Any, batch_size: int, runs: int) -> list[Any]:
    """`runs` syncs of `data` through one client: (seconds, requests, pages, report) each."""
    counted = Counted()
    config = emulator.client_config(url)
    figures = []
    with (
        httpx.Client(event_hooks={"request": [counted]}) as http,
        SSHClient(**config, http_client=http) as hub,
    ):
        for _ in range(runs):
            before = (counted.requests, counted.pages)
            started = time.perf_counter()
            report = sync_master_data(hub, data, batch_size=batch_size)
            spent = time.perf_counter() - started
            figures.append((spent, counted.requests - before[0], counted.pages - before[1], report))
    return figures


async def _sync_async(url: str, emulator: SSHEmulator, data: Any) -> tuple[float, int, Any]:
    """One async sync of `data` with `CONCURRENCY` documents in flight: (seconds, requests,
    report)."""
    counted = Counted()
    async with (
        httpx.AsyncClient(event_hooks={"request": [_async_hook(counted)]}) as http,
        AsyncSSHClient(**emulator.client_config(url), http_client=http) as hub,
    ):
        started = time.perf_counter()
        report = await sync_master_data_async(
            hub, data, batch_size=BATCH_SIZE, concurrency=CONCURRENCY
        )
        return time.perf_counter() - started, counted.requests, report


def _async_hook(counted: Counted) -> Any:
    async def hook(request: httpx.Request) -> None:
        counted(request)

    return hook


def measure(latency: float, count: int, per_record: int) -> str:
    emulator = SSHEmulator(seed=3)
    organisation = str(next(iter(emulator.store.organisations.values()))["name"])
    faults = Faults()
    if latency:
        faults.random(1.0, [Delay(latency)])
    data = records(count, organisation)
    with served_apart(emulator, faults) as url:
        (first, requests, pages, report), (again, re_requests, re_pages, re_report) = _sync(
            url, emulator, data, BATCH_SIZE, 2
        )
    written = report.counts.get("created", 0)
    assert written == count, report
    assert re_report.counts == {"unchanged": count}, re_report
    with served_apart(emulator, faults) as url:
        spread, spread_requests, spread_report = asyncio.run(_sync_async(url, emulator, data))
    assert spread_report.counts.get("created", 0) == count, spread_report
    sample = records(per_record, organisation)
    with served_apart(emulator, faults) as url:
        [(slow, slow_requests, _, slow_report)] = _sync(url, emulator, sample, 1, 1)
    assert slow_report.counts == {"created": per_record}, slow_report
    batched_rate, single_rate = written / first, per_record / slow
    return "\n".join(
        [
            f"latency {latency * 1000:.0f} ms, {count:,} records "
            f"({len(data['machine_models']):,} machine models, {len(data['customers']):,} "
            f"customers, {len(data['customer_machines']):,} machines):",
            f"  batched ({BATCH_SIZE} per document): {written:,} written in {first:.1f} s, "
            f"{batched_rate:,.0f} records/s, {requests} requests "
            f"({requests / written:.3f} per written record, {pages} of them listing pages)",
            f"  re-run: {re_requests} requests, {re_pages} of them listing pages, {again:.1f} s",
            f"  batched, async, {CONCURRENCY} documents in flight: {count / spread:,.0f} "
            f"records/s, {spread_requests} requests",
            f"  one mutation per request ({per_record:,} records): {single_rate:,.1f} records/s, "
            f"{slow_requests} requests ({slow_requests / per_record:.3f} per written record)",
            f"  batched / one per request, records per second: {batched_rate / single_rate:.1f}x"
            f" (async, {CONCURRENCY} in flight: {count / spread / single_rate:.1f}x)",
        ]
    )


def main(count: int = RECORDS, per_record: int = PER_RECORD) -> None:
    print("bulk throughput, master-data sync against the SSH emulator in its own process:")
    for latency in LATENCIES:
        print(measure(latency, count, per_record), flush=True)


if __name__ == "__main__":
    main()
