"""Batched documents against the emulator, sync and async, with non-null (`document`) and
nullable (`symmedia`) mutation results: one result per operation, never a lost record."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from servicehub_sdk.core import run_steps, run_steps_async, step
from servicehub_sdk.ssh import CustomerInput
from servicehub_sdk.ssh._batch import plan_of, run_batch, send_printed
from servicehub_sdk.ssh._customers import create_customer, create_customer_returning_id
from servicehub_sdk.testing import EmulatorServer, Reply, SSHEmulator
from tests.helpers import resolve


def customer(org_id: str, external_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "name": f"Customer {external_id}",
        "externalId": external_id,
        "serviceOrganisation": org_id,
        "address": {"country": "DE"},
        **changes,
    }


def stored(emulator: SSHEmulator, external_id: str) -> int:
    return sum(1 for c in emulator.store.customers.values() if c["externalId"] == external_id)


def assert_every_record_once(results: Any, keys: list[str | None]) -> None:
    assert [r.index for r in results] == list(range(len(keys)))
    assert [r.key for r in results] == keys


async def test_one_document_carries_many_creates(
    hub: Any, org_id: str, emulator: SSHEmulator
) -> None:
    items = [customer(org_id, f"B-{n}") for n in range(7)]
    results = await resolve(hub.customers.create_many(items, batch_size=3))
    assert_every_record_once(results, [f"B-{n}" for n in range(7)])
    assert [r.status for r in results] == ["ok"] * 7
    assert all(r.may_have_been_applied and r.value.external_id == r.key for r in results)
    assert len(emulator.requests) == 3  # 3 + 3 + 1 aliases
    assert (
        emulator.requests[0].count("createCustomer(") == 3
        and "r2: createCustomer" in (emulator.requests[0])
    )
    assert all(stored(emulator, f"B-{n}") == 1 for n in range(7))


async def test_a_failing_create_settles_every_other_record(
    hub: Any, org_id: str, emulator: SSHEmulator, variant: str
) -> None:
    items = [customer(org_id, f"D-{n}") for n in range(5)]
    items[2]["externalId"] = "C-10001"  # exists already: the server refuses it
    items[4]["address"] = {"country": "Germany"}  # refused before sending
    results = await resolve(hub.customers.create_many(items, batch_size=10))
    assert_every_record_once(results, ["D-0", "D-1", "C-10001", "D-3", "D-4"])
    by_key = results.by_key()
    duplicate, invalid = by_key["C-10001"], by_key["D-4"]
    assert duplicate.status == "failed" and not duplicate.may_have_been_applied
    assert "already exists" in duplicate.error.message and duplicate.error.paths == [["r2"]]
    assert invalid.status == "failed" and "ISO 3166-1" in invalid.error.message
    if variant == "document":
        # Customer! is non-null: `data` is null, the aliases before the failure were applied
        # (their results lost), the one after never ran and was sent again.
        assert [by_key[k].status for k in ("D-0", "D-1")] == ["applied", "applied"]
        assert all(
            by_key[k].may_have_been_applied and by_key[k].value is None for k in ("D-0", "D-1")
        )
        assert len(emulator.requests) == 2 and "D-3" in emulator.requests[1]
        assert "D-0" not in emulator.requests[1]
    else:
        assert [by_key[k].status for k in ("D-0", "D-1")] == ["ok", "ok"]
        assert len(emulator.requests) == 1
    assert by_key["D-3"].status == "ok" and by_key["D-3"].value.external_id == "D-3"
    assert [stored(emulator, k) for k in ("D-0", "D-1", "D-3", "D-4")] == [1, 1, 1, 0]
    assert [r.key for r in results.succeeded] == ["D-0", "D-1", "D-3"]
    assert [r.key for r in results.failed] == ["C-10001", "D-4"]
    assert results.counts["failed"] == 2
    assert emulator.store.writes["createCustomer"] == 3


async def test_not_run_operations_can_be_left_to_the_caller(
    hub: Any, org_id: str, emulator: SSHEmulator, variant: str
) -> None:
    items = [CustomerInput.model_validate(customer(org_id, f"N-{n}")) for n in range(4)]
    items[1] = CustomerInput.model_validate(customer(org_id, "C-10002"))
    flow = run_batch(
        hub._context,
        [create_customer(c) for c in items],
        [c.external_id for c in items],
        resend_not_run=False,
    )
    results = await resolve(hub._context.engine.run(flow))
    statuses = [r.status for r in results]
    if variant == "document":
        assert statuses == ["applied", "failed", "not_run", "not_run"]
        assert [r.may_have_been_applied for r in results] == [True, False, False, False]
        assert "not executed" in results[2].error.message
        assert stored(emulator, "N-2") == 0
    else:
        assert statuses == ["ok", "failed", "ok", "ok"]


async def test_a_document_that_may_have_been_applied_is_never_sent_again(
    hub: Any, org_id: str, server: EmulatorServer, emulator: SSHEmulator
) -> None:
    server.faults.add(Reply(503), path="/graphql")
    items = [customer(org_id, f"U-{n}") for n in range(6)]
    results = await resolve(hub.customers.create_many(items, batch_size=2))
    assert_every_record_once(results, [f"U-{n}" for n in range(6)])
    assert [r.status for r in results] == ["unknown"] * 2 + ["not_run"] * 4
    assert [r.may_have_been_applied for r in results] == [True] * 2 + [False] * 4
    assert "earlier document failed" in results[3].error.message
    assert server.requests("POST", "/graphql") == 1


async def test_external_ids_are_set_in_batches_and_retried_like_reads(
    hub: Any, server: EmulatorServer, emulator: SSHEmulator
) -> None:
    cases = list(emulator.store.cases)[:5]
    server.faults.add(Reply(503), path="/graphql")
    results = await resolve(
        hub.service_cases.set_external_ids({case: f"T-{n}" for n, case in enumerate(cases)})
    )
    assert_every_record_once(results, cases)
    assert all(r.ok and r.may_have_been_applied for r in results)
    assert [emulator.store.cases[c]["externalId"] for c in cases] == [f"T-{n}" for n in range(5)]
    assert server.requests("POST", "/graphql") == 2  # the 503, then the same document again


async def test_lookups_are_batched(hub: Any, emulator: SSHEmulator, variant: str) -> None:
    wanted = [f"C-{10001 + n}" for n in range(0, 240, 2)] + ["NOPE"]
    found = await resolve(hub.customers.find_many(wanted, batch_size=50))
    assert_every_record_once(found, wanted)
    assert [r.value.external_id if r.value else None for r in found] == [*wanted[:-1], None]
    assert len(emulator.requests) == 3 and emulator.requests[0].count("customer(") == 50
    emulator.requests.clear()
    models = await resolve(hub.machine_models.find_many(["MAT-200001", "MAT-200040", "NOPE"]))
    assert [r.value.external_id if r.value else None for r in models] == [
        "MAT-200001",
        "MAT-200040",
        None,
    ]
    # symmedia's schema has machineModel(externalId:); the document's has only the listing
    assert len(emulator.requests) == 1
    assert ("machineModel(" in emulator.requests[0]) == (variant == "symmedia")


async def test_upsert_many_creates_updates_and_leaves_alone(
    hub: Any, org_id: str, emulator: SSHEmulator
) -> None:
    existing = emulator.store.customer_by_external_id("C-10003")
    assert existing is not None
    items = [
        customer(org_id, "UP-1"),
        customer(
            existing["organisationId"],
            "C-10003",
            name="Renamed",
            address={"country": existing["address"]["country"]},
        ),
        {"name": "no external id", "serviceOrganisation": org_id, "address": {"country": "DE"}},
    ]
    results = await resolve(hub.customers.upsert_many(items))
    assert_every_record_once(results, ["UP-1", "C-10003", None])
    assert results[0].value.action == "created" and results[1].value.action == "updated"
    assert results[1].value.differences == ["name"] and results[2].status == "failed"
    again = await resolve(hub.customers.upsert_many(items[:2]))
    assert [r.value.action for r in again] == ["unchanged", "unchanged"]
    assert not again[0].may_have_been_applied


async def test_machines_upsert_many_after_their_models(
    hub: Any, org_id: str, emulator: SSHEmulator
) -> None:
    models = await resolve(
        hub.machine_models.upsert_many(
            [
                {"externalId": "MM-1", "modelName": "One", "technology": "Laser"},
                {"externalId": "MAT-200001", "modelName": "kept as it is", "technology": "x"},
            ]
        )
    )
    assert [r.value.action for r in models] == ["created", "differs"]
    machines = [
        {
            "externalId": f"EQ-B{n}",
            "serialNumber": f"S{n}",
            "customerExternalId": "C-10001",
            "machineModelExternalId": "MM-1" if n != 2 else "MM-NOPE",
        }
        for n in range(4)
    ] + [
        {
            "externalId": "EQ-300001",
            "serialNumber": "x",
            "customerExternalId": "C-10001",
            "machineModelExternalId": "MM-1",
        }
    ]
    results = await resolve(hub.customer_machines.upsert_many(machines))
    assert_every_record_once(results, ["EQ-B0", "EQ-B1", "EQ-B2", "EQ-B3", "EQ-300001"])
    by_key = results.by_key()
    assert by_key["EQ-B2"].status == "failed" and "MM-NOPE" in by_key["EQ-B2"].error.message
    assert by_key["EQ-300001"].value.action == "differs"
    assert all(by_key[k].status in ("ok", "applied") for k in ("EQ-B0", "EQ-B1", "EQ-B3"))
    counts = Counter(m["externalId"] for m in emulator.store.machines.values())
    assert [counts[k] for k in ("EQ-B0", "EQ-B1", "EQ-B2", "EQ-B3")] == [1, 1, 0, 1]


@pytest.mark.parametrize("batch_size", [0, -1])
async def test_batch_size_must_be_positive(hub: Any, org_id: str, batch_size: int) -> None:
    from servicehub_sdk.core import RequestValidationError

    with pytest.raises(RequestValidationError):
        await resolve(hub.customers.create_many([customer(org_id, "X")], batch_size=batch_size))


async def test_lookups_whose_document_fails_wrote_nothing(
    hub: Any, server: EmulatorServer, emulator: SSHEmulator
) -> None:
    server.faults.add([Reply(503)] * 3, path="/graphql")  # the first try and both retries
    found = await resolve(
        hub.customers.find_many(["C-10001", "C-10002", "C-10003"], batch_size=2, max_retries=2)
    )
    assert [r.status for r in found] == ["failed", "failed", "not_run"]
    assert not any(r.may_have_been_applied for r in found)
    assert server.requests("POST", "/graphql") == 3


def _run_steps(mode: str, steps: Any) -> Any:
    return run_steps(steps) if mode == "sync" else run_steps_async(steps)


async def _printed_creates(hub: Any, mode: str, wires: list[dict[str, Any]]) -> Any:
    """The creates of `wires`, each asking back its id only, printed against `hub`'s plan."""
    plan = await resolve(_run_steps(mode, step(plan_of, hub.customers)))
    return [create_customer_returning_id(wire).printed(plan) for wire in wires]


async def test_printed_creates_select_only_ids_and_answer_them(
    hub: Any, org_id: str, emulator: SSHEmulator, mode: str
) -> None:
    wires = [CustomerInput.model_validate(customer(org_id, f"I-{n}")).to_wire() for n in range(5)]
    fields = await _printed_creates(hub, mode, wires)
    keys = [f"I-{n}" for n in range(5)]
    results = await resolve(
        _run_steps(mode, step(send_printed, hub.customers, fields, keys, batch_size=3))
    )
    assert_every_record_once(results, keys)
    ids = {c["externalId"]: id_ for id_, c in emulator.store.customers.items()}
    assert [r.value for r in results] == [ids[key] for key in keys]
    assert all(r.ok and r.may_have_been_applied for r in results)
    assert len(emulator.requests) == 2
    selections = [
        s.split()
        for d in emulator.requests
        for s in re.findall(r"createCustomer\([^)]*\) \{([^}]*)\}", d)
    ]
    assert selections == [["id", "externalId"]] * 5


async def test_a_created_record_whose_answer_has_no_id_may_have_been_applied(
    hub: Any, org_id: str, server: EmulatorServer, mode: str
) -> None:
    wires = [CustomerInput.model_validate(customer(org_id, f"J-{n}")).to_wire() for n in range(2)]
    fields = await _printed_creates(hub, mode, wires)
    answer = '{"data": {"r0": {"externalId": "J-0"}, "r1": {"id": null, "externalId": "J-1"}}}'
    server.faults.add(Reply(200, {"content-type": "application/json"}, answer), path="/graphql")
    results = await resolve(
        _run_steps(mode, step(send_printed, hub.customers, fields, ["J-0", "J-1"], batch_size=2))
    )
    assert [r.status for r in results] == ["unknown", "unknown"]
    assert all(r.may_have_been_applied for r in results)
    assert "no id for the record created" in results[0].error.message
