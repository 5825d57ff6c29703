"""A server that refuses documents with many root fields: the client falls back to smaller
documents, down to one operation each, remembers the size it accepted and says so once."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from servicehub_sdk.testing import SSH_REFUSALS as REFUSALS
from servicehub_sdk.testing import SSHEmulator
from tests.helpers import resolve
from tests.ssh.test_batch import customer

LIMIT = 4


@pytest.fixture(params=REFUSALS)
def refusal(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def emulator(variant: str, refusal: str) -> SSHEmulator:
    return SSHEmulator(seed=7, variant=variant, max_root_fields=LIMIT, refusal=refusal)  # type: ignore[arg-type]


def aliases(document: str) -> int:
    return document.count("createCustomer(") + document.count("customer(")


async def test_refused_documents_are_split_and_the_size_remembered(
    hub: Any, org_id: str, emulator: SSHEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "servicehub_sdk.ssh")
    items = [customer(org_id, f"R-{n}") for n in range(10)]
    items[6]["externalId"] = "C-10001"  # a record the server refuses on its own
    results = await resolve(hub.customers.create_many(items, batch_size=10))
    keys = [f"R-{n}" if n != 6 else "C-10001" for n in range(10)]
    assert [r.index for r in results] == list(range(10)) and [r.key for r in results] == keys
    assert results.by_key()["C-10001"].status == "failed"
    assert all(r.status in ("ok", "applied") for r in results if r.key != "C-10001")
    assert all(
        sum(c["externalId"] == k for c in emulator.store.customers.values()) == 1
        for k in keys
        if k != "C-10001"
    )
    sizes = [aliases(d) for d in emulator.requests]
    assert sizes[:2] == [10, 5]  # both refused as a whole, nothing run
    assert all(size <= LIMIT for size in sizes[2:])
    assert hub._context.batching.size == 3
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "refused" in r.message
    ]
    assert len(warnings) == 1 and "at most 3 per document" in warnings[0].message

    emulator.requests.clear()
    more = [customer(org_id, f"S-{n}") for n in range(6)]
    again = await resolve(hub.customers.create_many(more, batch_size=10))
    assert [r.status for r in again] == ["ok"] * 6
    assert [aliases(d) for d in emulator.requests] == [3, 3]  # remembered: nothing refused
    lookups = await resolve(hub.customers.find_many([f"S-{n}" for n in range(6)]))
    assert [r.value.external_id for r in lookups] == [f"S-{n}" for n in range(6)]
    assert [aliases(d) for d in emulator.requests[2:]] == [3, 3]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


async def test_a_client_copy_shares_what_was_learnt(
    hub: Any, org_id: str, emulator: SSHEmulator
) -> None:
    await resolve(hub.customers.create_many([customer(org_id, f"W-{n}") for n in range(8)]))
    patient = hub.with_options(timeout=60)
    emulator.requests.clear()
    await resolve(patient.customers.create_many([customer(org_id, f"V-{n}") for n in range(8)]))
    assert max(aliases(d) for d in emulator.requests) <= LIMIT
    assert len(emulator.requests) == 2


async def test_batch_size_one_sends_single_operations(
    hub: Any, org_id: str, emulator: SSHEmulator
) -> None:
    results = await resolve(
        hub.customers.create_many([customer(org_id, f"O-{n}") for n in range(3)], batch_size=1)
    )
    assert [r.status for r in results] == ["ok"] * 3
    assert [aliases(d) for d in emulator.requests] == [1, 1, 1]
    assert hub._context.batching.size is None
