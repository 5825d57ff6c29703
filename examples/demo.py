"""`make demo`: the sandbox, and an ERP → Secure Service Hub integration end to end.

1. start the built-in sandbox (emulators on 127.0.0.1, sandbox-only credentials);
2. sync ERP customers into Secure Service Hub by external ID, twice (the second run is a no-op);
3. register machine models and machines for them;
4. find service cases the ERP does not know yet and link each to a new ERP notification
   number with `updateServiceCaseExternalId`;
5. print a summary.
"""

from __future__ import annotations

import asyncio
import csv
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ssh_sync_customers import DATA, sync_customers

from servicehub_sdk.ssh import AsyncSecureServiceHub
from servicehub_sdk.testing import Sandbox


async def link_new_cases(hub: AsyncSecureServiceHub, limit: int) -> list[tuple[str, str]]:
    """Give the first `limit` unlinked service cases an ERP notification number, 8 at a time."""
    cases = await hub.service_cases.list_unlinked(page_size=100).to_list(limit=limit)
    gate = asyncio.Semaphore(8)

    async def link(index: int, case_id: str) -> tuple[str, str]:
        async with gate:
            linked = await hub.service_cases.set_external_id(case_id, f"NOTIF-{900000 + index}")
            return linked.display_id or linked.id, linked.external_id or ""

    return await asyncio.gather(*(link(i, c.id) for i, c in enumerate(cases)))


def main() -> None:
    started = time.perf_counter()
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    with Sandbox(["ssh"]) as sandbox:
        print(f"sandbox: Secure Service Hub emulator at {sandbox.url('ssh')}")
        with sandbox.client("ssh") as hub:
            print("\n1) ERP customers -> Secure Service Hub (first run)")
            first = sync_customers(hub, rows)
            print("\n2) the same export again (nothing should change)")
            second = sync_customers(hub, rows)
            assert second["created"] == second["updated"] == 0, "the second run must be a no-op"

            print("\n3) machine model and one machine per new customer")
            model = hub.machine_models.upsert(
                {
                    "modelName": "TruLine 3030",
                    "technology": "Laser cutting",
                    "brand": "TruLine",
                    "externalId": "MAT-DEMO-1",
                }
            )
            machines: Counter[str] = Counter()
            for n, row in enumerate(rows, 1):
                machine = hub.customer_machines.upsert(
                    {
                        "customerExternalId": row["external_id"],
                        "machineModelExternalId": "MAT-DEMO-1",
                        "serialNumber": f"DEMO-SN-{n:04d}",
                        "externalId": f"EQ-DEMO-{n:04d}",
                    }
                )
                machines[machine.action] += 1
            print(f"  model {model.action}, machines {dict(machines)}")

        print("\n4) link new service cases to ERP notifications (async, 8 at a time)")
        unlinked_before = sum(
            1 for c in sandbox.emulator("ssh").state.store.cases.values() if not c["externalId"]
        )

        async def run_links() -> list[tuple[str, str]]:
            async with sandbox.async_client("ssh") as ahub:
                return await link_new_cases(ahub, limit=25)

        links = asyncio.run(run_links())
        for display_id, external_id in links[:5]:
            print(f"  {display_id} -> {external_id}")
        print(f"  ... {len(links)} linked of {unlinked_before} unlinked")

        print("\nsummary")
        print(f"  customers first run : {dict(first)}")
        print(f"  customers second run: {dict(second)}")
        print(f"  machines            : {dict(machines)}")
        print(f"  service cases linked: {len(links)}")
        print(f"  requests served     : {sandbox.server('ssh').requests()}")
        print(f"  took                : {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
