"""Keep Secure Service Hub customers in step with an ERP export, by external ID.

Reads `data/customers.csv` and upserts each row: created when new, updated when a field
changed, left alone otherwise. Run it twice: the second run changes nothing.

    python examples/ssh_sync_customers.py            # against the built-in sandbox
    SERVICEHUB_SSH_API_KEY=... python examples/ssh_sync_customers.py --real
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from servicehub_sdk import ServiceHubError
from servicehub_sdk.ssh import SSHClient

DATA = Path(__file__).with_name("data") / "customers.csv"


def sync_customers(hub: SSHClient, rows: list[dict[str, str]]) -> Counter[str]:
    """Upsert every row into the hub's first service organisation; count what happened."""
    organisation = hub.service_organisations.list().first()
    if organisation is None:
        raise SystemExit("the hub has no service organisation: create one in the portal first")
    outcome: Counter[str] = Counter()
    for row in rows:
        try:
            result = hub.customers.upsert(
                {
                    "externalId": row["external_id"],
                    "name": row["name"],
                    "serviceOrganisation": organisation.id,
                    "address": {
                        "country": row["country"],
                        "city": row["city"] or None,
                        "postalCode": row["postal_code"] or None,
                        "street": row["street"] or None,
                    },
                }
            )
        except ServiceHubError as error:
            outcome["failed"] += 1
            print(f"  {row['external_id']}: failed: {error}")
            continue
        outcome[result.action] += 1
        changed = f" ({', '.join(result.differences)})" if result.differences else ""
        print(f"  {row['external_id']}: {result.action}{changed}")
    return outcome


def main() -> None:
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    if "--real" in sys.argv:
        with SSHClient.from_env() as hub:
            print(dict(sync_customers(hub, rows)))
        return
    from servicehub_sdk.testing import Sandbox

    with Sandbox(["ssh"]) as sandbox, sandbox.client("ssh") as hub:
        for run in (1, 2):
            print(f"run {run}:")
            print(" ", dict(sync_customers(hub, rows)))


if __name__ == "__main__":
    main()
