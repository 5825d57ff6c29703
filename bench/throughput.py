"""Bulk throughput of the master-data sync: batched documents against one mutation per
request, with latency added to every request.

The Secure Service Hub emulator runs in its own process (`_serve.served_apart`), fresh for
every measurement, with a `Delay` of `LATENCIES` on every request. For each latency:

- the batched sync (`batch_size=BATCH_SIZE`) writes `RECORDS` new records (2 % machine
  models, then customers and machines half and half) and is run again with nothing to do;
- the same records through the async client, with `CONCURRENCIES` documents in flight, and
  through the sync client with `SYNC_CONCURRENCY` in flight (threads);
- the one-mutation-per-request path (`batch_size=1`) writes `PER_RECORD` records of the same
  mix (a sample: at 50 ms a request, all of them would take minutes).

Printed: GraphQL requests per written record, records per second, CPU per written record of
the client (this process, `time.process_time`) and of the emulator (its process, read from
`/proc` while it serves), and the batched / per-record ratio of records per second measured
in the same run; for the re-run, its requests and how many of them were listing pages. At
50 ms, the goals are printed beside the figures (`_goals.goal`): records per second with
documents in flight, and the client's CPU per written record against `BEFORE_CLIENT_CPU_MS`.
Nothing is asserted.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _goals import goal
from _serve import served_apart

from servicehub_sdk.integrations import sync_master_data, sync_master_data_async
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import Delay, Faults, SSHEmulator

RECORDS = 10_000
PER_RECORD = 600
BATCH_SIZE = 50
SYNC_CONCURRENCY = 8
CONCURRENCIES = (8, 16)
"""Documents in flight for the async runs: `sync_master_data_async`'s default, and twice it."""
LATENCIES = (0.0, 0.05)
GOAL_RECORDS_PER_SECOND = 1_000
BEFORE_CLIENT_CPU_MS = 0.117
"""Client CPU per written record of the batched sync at 50 ms before the bulk work (see
docs/performance.md, "Bulk writes"); the goal is half of it."""


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


@dataclass
class Run:
    """One sync: wall time, requests (listing pages among them), its report, and the CPU
    seconds spent by the client (this process) and by the emulator (its process)."""

    seconds: float
    requests: int
    pages: int
    report: Any
    client_cpu: float
    emulator_cpu: float | None

    @property
    def written(self) -> int:
        return int(self.report.counts.get("created", 0))

    def cpu_ms(self) -> str:
        """CPU per written record, client and emulator, in milliseconds."""
        per = 1000 / max(1, self.written)
        emulator = "n/a" if self.emulator_cpu is None else f"{self.emulator_cpu * per:.3f}"
        return (
            f"CPU per written record: client {self.client_cpu * per:.3f} ms, emulator {emulator} ms"
        )


def _emulator_cpu() -> float | None:
    """CPU seconds (user and system, all threads) the serving child process has used so far,
    read from `/proc`; `None` where there is none to read."""
    children = multiprocessing.active_children()
    if len(children) != 1:
        return None
    try:
        with open(f"/proc/{children[0].pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spent(before: float | None) -> float | None:
    after = _emulator_cpu()
    return None if before is None or after is None else after - before


def _sync(
    url: str, emulator: SSHEmulator, data: Any, batch_size: int, runs: int, concurrency: int = 1
) -> list[Run]:
    """`runs` syncs of `data` through one client, `concurrency` documents in flight."""
    counted = Counted()
    config = emulator.client_config(url)
    figures = []
    with (
        httpx.Client(event_hooks={"request": [counted]}) as http,
        SSHClient(**config, http_client=http) as hub,
    ):
        for _ in range(runs):
            before = (counted.requests, counted.pages)
            served, cpu, started = _emulator_cpu(), time.process_time(), time.perf_counter()
            report = sync_master_data(hub, data, batch_size=batch_size, concurrency=concurrency)
            spent = time.perf_counter() - started
            run = Run(
                spent,
                counted.requests - before[0],
                counted.pages - before[1],
                report,
                time.process_time() - cpu,
                _spent(served),
            )
            figures.append(run)
    return figures


async def _sync_async(url: str, emulator: SSHEmulator, data: Any, concurrency: int) -> Run:
    """One async sync of `data` with `concurrency` documents in flight."""
    counted = Counted()
    async with (
        httpx.AsyncClient(event_hooks={"request": [_async_hook(counted)]}) as http,
        AsyncSSHClient(**emulator.client_config(url), http_client=http) as hub,
    ):
        served, cpu, started = _emulator_cpu(), time.process_time(), time.perf_counter()
        report = await sync_master_data_async(
            hub, data, batch_size=BATCH_SIZE, concurrency=concurrency
        )
        spent = time.perf_counter() - started
        return Run(
            spent,
            counted.requests,
            counted.pages,
            report,
            time.process_time() - cpu,
            _spent(served),
        )


def _async_hook(counted: Counted) -> Any:
    async def hook(request: httpx.Request) -> None:
        counted(request)

    return hook


def measure(latency: float, count: int, per_record: int) -> None:
    """Measure the syncs at `latency` and print their figures (and at 50 ms, the goals)."""
    emulator = SSHEmulator(seed=3)
    organisation = str(next(iter(emulator.store.organisations.values()))["name"])
    faults = Faults()
    if latency:
        faults.random(1.0, [Delay(latency)])
    data = records(count, organisation)
    with served_apart(emulator, faults) as url:
        first, again = _sync(url, emulator, data, BATCH_SIZE, 2)
    written = first.written
    assert written == count, first.report
    assert again.report.counts == {"unchanged": count}, again.report
    with served_apart(emulator, faults) as url:
        [threaded] = _sync(url, emulator, data, BATCH_SIZE, 1, SYNC_CONCURRENCY)
    assert threaded.written == count, threaded.report
    threaded_rate = count / threaded.seconds
    spreads = {}
    for concurrency in CONCURRENCIES:
        with served_apart(emulator, faults) as url:
            spread = asyncio.run(_sync_async(url, emulator, data, concurrency))
        assert spread.written == count, spread.report
        spreads[concurrency] = spread
    sample = records(per_record, organisation)
    with served_apart(emulator, faults) as url:
        [slow] = _sync(url, emulator, sample, 1, 1)
    assert slow.report.counts == {"created": per_record}, slow.report
    batched_rate, single_rate = written / first.seconds, per_record / slow.seconds
    spread_rates = {n: count / run.seconds for n, run in spreads.items()}
    print(
        "\n".join(
            [
                f"latency {latency * 1000:.0f} ms, {count:,} records "
                f"({len(data['machine_models']):,} machine models, {len(data['customers']):,} "
                f"customers, {len(data['customer_machines']):,} machines):",
                f"  batched ({BATCH_SIZE} per document): {written:,} written in "
                f"{first.seconds:.1f} s, {batched_rate:,.0f} records/s, {first.requests} requests "
                f"({first.requests / written:.3f} per written record, {first.pages} of them "
                f"listing pages); {first.cpu_ms()}",
                f"  re-run: {again.requests} requests, {again.pages} of them listing pages, "
                f"{again.seconds:.1f} s",
                f"  batched, sync, {SYNC_CONCURRENCY} documents in flight: {threaded_rate:,.0f} "
                f"records/s, {threaded.requests} requests; {threaded.cpu_ms()}",
                *(
                    f"  batched, async, {n} documents in flight: {spread_rates[n]:,.0f} "
                    f"records/s, {run.requests} requests; {run.cpu_ms()}"
                    for n, run in spreads.items()
                ),
                f"  one mutation per request ({per_record:,} records): {single_rate:,.1f} "
                f"records/s, {slow.requests} requests ({slow.requests / per_record:.3f} per "
                f"written record)",
                f"  batched / one per request, records per second: "
                f"{batched_rate / single_rate:.1f}x (async, "
                + ", ".join(
                    f"{n} in flight: {rate / single_rate:.1f}x" for n, rate in spread_rates.items()
                )
                + ")",
            ]
        ),
        flush=True,
    )
    if latency == 0.05:
        best = max(batched_rate, threaded_rate, *spread_rates.values())
        asynchronous = ", ".join(f"async {n} {rate:,.0f}" for n, rate in spread_rates.items())
        goal(
            f"master-data sync of {count:,} records at 50 ms per request",
            f"{best:,.0f} records/s (sync {batched_rate:,.0f}, sync {SYNC_CONCURRENCY} "
            f"{threaded_rate:,.0f}, {asynchronous})",
            best >= GOAL_RECORDS_PER_SECOND,
            f">= {GOAL_RECORDS_PER_SECOND:,} records/s",
        )
        client_ms = first.client_cpu * 1000 / written
        goal(
            "client CPU per written record (batched sync, 50 ms)",
            f"{client_ms:.3f} ms (before: {BEFORE_CLIENT_CPU_MS:.3f} ms)",
            client_ms <= BEFORE_CLIENT_CPU_MS / 2,
            f"<= {BEFORE_CLIENT_CPU_MS / 2:.3f} ms, half of before",
        )


def main(count: int = RECORDS, per_record: int = PER_RECORD) -> None:
    print("bulk throughput, master-data sync against the SSH emulator in its own process:")
    for latency in LATENCIES:
        measure(latency, count, per_record)


if __name__ == "__main__":
    main()
