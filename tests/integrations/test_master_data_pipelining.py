"""Master-data sync with the dependency levels overlapping, sync and async: a document of
machines goes out as soon as the documents writing its customers and machine models are done,
and never before (read from the order in which the emulator received the documents)."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import Counter
from typing import Any

import httpx
import pytest

from servicehub_sdk import ConfigurationError, RequestValidationError
from servicehub_sdk.core import BoundStep, Steps, run_steps, run_steps_async, together
from servicehub_sdk.integrations import sync_master_data, sync_master_data_async
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import EmulatorTransport, SSHEmulator

MODELS, CUSTOMERS = 2, 8
SLOW = "PC-7"
FIRST_MACHINE = "PE-0"
"""The customer whose document the emulator answers last (see `Paused`)."""


def records(org: str) -> dict[str, list[dict[str, Any]]]:
    """Machine `PE-n` belongs to customer `PC-n` and machine model `PM-(n % MODELS)`."""
    return {
        "machine_models": [
            {"external_id": f"PM-{n}", "model_name": f"Model {n}", "technology": "Laser"}
            for n in range(MODELS)
        ],
        "customers": [
            {
                "external_id": f"PC-{n}",
                "name": f"Customer {n}",
                "service_organisation": org,
                "country": "DE",
            }
            for n in range(CUSTOMERS)
        ],
        "customer_machines": [
            {
                "external_id": f"PE-{n}",
                "serial_number": f"SN-{n}",
                "customer_external_id": f"PC-{n}",
                "machine_model_external_id": f"PM-{n % MODELS}",
            }
            for n in range(CUSTOMERS)
        ],
    }


class Paused(httpx.AsyncBaseTransport):
    """Hands requests to the emulator in process, the document naming `SLOW` only after
    every other task has had many turns (no real time passes)."""

    def __init__(self, served: EmulatorTransport) -> None:
        self.served = served

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if request.url.path.endswith("/graphql") and SLOW in written(json.loads(body)["query"]):
            for _ in range(200):
                await asyncio.sleep(0)
        return await self.served.handle_async_request(request)


class Held(httpx.BaseTransport):
    """Hands requests to the emulator in process from the sync client's threads; with `hold`,
    the document naming `SLOW` waits until the document of the first machine has arrived (at most
    `WAIT` s: only a run that sends no machine before it waits that long)."""

    WAIT = 10.0

    def __init__(self, served: EmulatorTransport, *, hold: bool) -> None:
        self.served = served
        self.hold = hold
        self.machines = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        names = (
            written(json.loads(body)["query"]) if request.url.path.endswith("/graphql") else set()
        )
        if self.hold and SLOW in names:
            self.machines.wait(self.WAIT)
        response = self.served.handle_request(request)
        if FIRST_MACHINE in names:
            self.machines.set()  # once the emulator has it: the held document comes after
        return response


def written(document: str) -> set[str]:
    """The external IDs of the records a document writes (carried as string literals; a
    machine's customer and machine model are named by `customerExternalId`…, not matched)."""
    return set(re.findall(r'\bexternalId: "(P[MCE]-\d+)"', document))


def arrivals(emulator: SSHEmulator) -> dict[str, int]:
    """For each record, the position of the first document naming it among those received."""
    first: dict[str, int] = {}
    for position, document in enumerate(emulator.requests):
        for key in written(document):
            first.setdefault(key, position)
    return first


def assert_machines_after_their_records(emulator: SSHEmulator) -> None:
    order = arrivals(emulator)
    for n in range(CUSTOMERS):
        machine = order[f"PE-{n}"]
        assert order[f"PC-{n}"] < machine, n
        assert order[f"PM-{n % MODELS}"] < machine, n


def org_name(emulator: SSHEmulator) -> str:
    return str(next(iter(emulator.store.organisations.values()))["name"])


def sync_run(emulator: SSHEmulator, data: Any, concurrency: int = 1) -> Any:
    served = EmulatorTransport(emulator)
    with (
        httpx.Client(transport=Held(served, hold=concurrency > 1)) as http,
        SSHClient(**emulator.client_config(served.url), http_client=http) as hub,
    ):
        return sync_master_data(hub, data, batch_size=2, concurrency=concurrency)


async def async_run(emulator: SSHEmulator, data: Any, concurrency: int = 3) -> Any:
    served = EmulatorTransport(emulator)
    async with (
        httpx.AsyncClient(transport=Paused(served)) as http,
        AsyncSSHClient(**emulator.client_config(served.url), http_client=http) as hub,
    ):
        return await sync_master_data_async(hub, data, batch_size=2, concurrency=concurrency)


async def either_run(mode: str, emulator: SSHEmulator, data: Any, concurrency: int) -> Any:
    if mode == "sync":
        return sync_run(emulator, data, concurrency=concurrency)
    return await async_run(emulator, data, concurrency=concurrency)


def test_sync_writes_no_machine_before_its_customer_and_model() -> None:
    emulator = SSHEmulator(seed=2)
    report = sync_run(emulator, records(org_name(emulator)))
    assert report.counts == {"created": MODELS + 2 * CUSTOMERS}
    assert_machines_after_their_records(emulator)


def test_sync_with_documents_in_flight_writes_no_machine_before_its_records() -> None:
    emulator = SSHEmulator(seed=2)
    report = sync_run(emulator, records(org_name(emulator)), concurrency=3)
    assert report.counts == {"created": MODELS + 2 * CUSTOMERS}
    assert_machines_after_their_records(emulator)
    order = arrivals(emulator)
    assert order["PE-0"] < order[SLOW] < order["PE-7"]


async def test_async_writes_no_machine_before_its_customer_and_model() -> None:
    emulator = SSHEmulator(seed=2)
    report = await async_run(emulator, records(org_name(emulator)))
    assert report.counts == {"created": MODELS + 2 * CUSTOMERS}
    assert_machines_after_their_records(emulator)
    machines = sorted(m["externalId"] for m in emulator.store.machines.values())
    assert [m for m in machines if m.startswith("PE-")] == [f"PE-{n}" for n in range(CUSTOMERS)]


async def test_async_machines_go_out_while_a_later_customer_is_still_in_flight() -> None:
    emulator = SSHEmulator(seed=2)
    report = await async_run(emulator, records(org_name(emulator)))
    order = arrivals(emulator)
    assert report.counts == {"created": MODELS + 2 * CUSTOMERS}
    assert order["PE-0"] < order[SLOW] < order["PE-7"]


async def test_a_machine_whose_customer_failed_in_this_run_is_reported_not_sent(
    mode: str,
) -> None:
    emulator = SSHEmulator(seed=2)
    data = records(org_name(emulator))
    data["customers"][3]["external_id"] = "PC-2"  # twice in the run: the second create fails
    data["customer_machines"][5]["customer_external_id"] = "PC-2"
    report = await either_run(mode, emulator, data, concurrency=3)
    rows = Counter((r.kind, r.key) for r in report.results)
    assert rows[("customer_machine", "PE-5")] == 1
    [machine] = [r for r in report.results if r.key == "PE-5"]
    assert machine.action == "failed"
    assert machine.reason == "its customer 'PC-2' failed in this run"
    assert "PE-5" not in arrivals(emulator)
    # not created: the twin PC-2, and the machines of PC-2 (PE-2, PE-5) and of PC-3 (gone)
    assert sum(r.action == "created" for r in report.results) == MODELS + 2 * CUSTOMERS - 4


class Recorder:
    """A sync runner that notes the work it carries out, refusing `"bad"`."""

    def __init__(self) -> None:
        self.done: list[str] = []

    def run(self, work: str, options: Any = None) -> str:
        if work == "bad":
            raise ValueError(work)
        self.done.append(work)
        return work


class AsyncRecorder:
    """`Recorder` for the async driver, letting other flows run before each work."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.done = self.recorder.done

    async def run(self, work: str, options: Any = None) -> str:
        await asyncio.sleep(0)
        return self.recorder.run(work)


def recorder(mode: str) -> Recorder | AsyncRecorder:
    return Recorder() if mode == "sync" else AsyncRecorder()


def noted(runner: Recorder | AsyncRecorder, work: str) -> Steps[str]:
    result: str = yield BoundStep(runner, work)
    return result


async def drive(mode: str, flow: Steps[Any]) -> Any:
    return run_steps(flow) if mode == "sync" else await run_steps_async(flow)


async def test_together_after_starts_no_flow_whose_prerequisite_failed(mode: str) -> None:
    runner = recorder(mode)
    flows = [noted(runner, "bad"), noted(runner, "free"), noted(runner, "dependant")]
    with pytest.raises(ValueError):
        await drive(mode, together(flows, 3, after=[(), (), (0,)], threads=True))
    assert "dependant" not in runner.done


async def test_together_after_names_only_earlier_flows(mode: str) -> None:
    runner = recorder(mode)
    backwards = together([noted(runner, "a"), noted(runner, "b")], 2, after=[(1,), ()])
    with pytest.raises(ConfigurationError, match="only wait for flows before it"):
        await drive(mode, backwards)
    forwards = together([noted(runner, "a"), noted(runner, "b")], 2, after=[(), (0,)], threads=True)
    assert await drive(mode, forwards) == ["a", "b"]


async def test_concurrency_below_one_is_refused_before_anything_is_sent(mode: str) -> None:
    emulator = SSHEmulator(seed=2)
    data = records(org_name(emulator))
    with pytest.raises(RequestValidationError, match="concurrency must be at least 1"):
        await either_run(mode, emulator, data, concurrency=0)
    assert emulator.requests == []
