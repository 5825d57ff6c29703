"""`changes()` alone: what changed as far as the vendor's records tell, without state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from servicehub_sdk.core import RequestValidationError
from servicehub_sdk.feeds import fingerprint_of
from servicehub_sdk.testing import SSHEmulator
from tests.feeds.drive import touch
from tests.helpers import collect


async def test_service_case_changes_since_a_time_use_updated_at(
    hub: Any, emulator: SSHEmulator
) -> None:
    changed = sorted(emulator.store.cases)[0]
    touch(emulator, changed, "Coolant leak fixed")
    found = await collect(hub.service_cases.changes(since=datetime(2030, 1, 1, tzinfo=UTC)))
    assert [(c.kind, c.id) for c in found] == [("updated", changed)]
    assert found[0].updated_at == datetime(2030, 6, 1, tzinfo=UTC)
    assert found[0].key.endswith(fingerprint_of(found[0].item)[:32])


async def test_a_scan_reads_the_smallest_field_set(hub: Any, emulator: SSHEmulator) -> None:
    everything = await collect(hub.service_cases.changes(page_size=3))
    assert {c.id for c in everything} == set(emulator.store.cases)
    assert {c.kind for c in everything} == {"created"}
    document = emulator.requests[-1]
    assert "updatedAt" in document and "externalId" in document
    assert "description" not in document and "customFields" not in document


async def test_customers_and_machines_have_no_update_time(hub: Any, emulator: SSHEmulator) -> None:
    customers = await collect(hub.customers.changes())
    machines = await collect(hub.customer_machines.changes())
    assert {c.id for c in customers} == set(emulator.store.customers)
    assert {c.id for c in machines} == set(emulator.store.machines)
    since = datetime(2030, 1, 1, tzinfo=UTC)
    with pytest.raises(RequestValidationError, match="ChangeFeed"):
        hub.customers.changes(since=since)
    with pytest.raises(RequestValidationError, match="ChangeFeed"):
        hub.customer_machines.changes(since=since)


async def test_since_must_be_timezone_aware(hub: Any) -> None:
    with pytest.raises(RequestValidationError, match="timezone"):
        hub.service_cases.changes(since=datetime(2030, 1, 1))
