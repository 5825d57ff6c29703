"""Linked tickets following their cases: what a linking run with a change feed costs.

`CASES` service cases in the Secure Service Hub emulator (its page size unchanged), linked to
SupportCenter Plus tickets by a first run with `feed="cases"`; both emulators in-process.
Then:

- a run where nothing changed: it should read the cases once, with the change scan's small
  field set, and send nothing to the help desk;
- `CHANGED_SHARE` of the cases get a new priority: the run should update exactly those
  tickets (a comment and a priority update each: two help-desk requests per case), reading
  the cases once;
- a run after it: nothing again.

Printed: hub requests (listing pages with the change scan's fields / with every field), help-desk
requests and seconds per run, with the goals (request counts). Nothing is asserted. Most of a
run's seconds are the emulator's: it executes each GraphQL page against all its cases.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _goals import goal

from servicehub_sdk.helpdesk import HelpDesk
from servicehub_sdk.integrations import SyncReport, link_service_cases
from servicehub_sdk.ssh import SSHClient
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import EmulatorTransport, SSHEmulator, SupportCenterEmulator
from servicehub_sdk.testing._ssh.store import SSHStore

CASES = 10_000
CHANGED_SHARE = 0.01
PRIORITIES = ("LOW", "HIGH")
RAM_DISK = "/dev/shm" if Path("/dev/shm").is_dir() else None
"""Where the journal goes: a RAM disk where there is one, so that the disk's flushes (the
journal commits each step) do not drown the figures."""


@dataclass
class Counted:
    """Requests a client sent: hub listing pages by field set, and all of them."""

    requests: int = 0
    scan_pages: int = 0
    full_pages: int = 0

    def __call__(self, request: httpx.Request) -> None:
        self.requests += 1
        if b"Paginated" in request.content:
            if b"description" in request.content:
                self.full_pages += 1
            else:
                self.scan_pages += 1

    def reset(self) -> None:
        self.requests = self.scan_pages = self.full_pages = 0


@dataclass
class Run:
    seconds: float
    hub: Counted
    desk: int
    report: SyncReport

    def line(self, what: str) -> str:
        hub = self.hub
        return (
            f"  {what}: {self.report}; hub {hub.requests} requests ({hub.scan_pages} change-scan "
            f"pages, {hub.full_pages} full pages), help desk {self.desk} requests, "
            f"{self.seconds:.2f} s"
        )


def emulators(count: int) -> tuple[SSHEmulator, SupportCenterEmulator]:
    store = SSHStore(3, organisations=1, customers=10, models=2, machines=10, cases=count)
    for case in store.cases.values():
        case.update(externalId=None, state={"name": "Open"}, closedAt=None, closingReport=None)
        case["priority"] = PRIORITIES[0]
    return SSHEmulator(store=store), SupportCenterEmulator(seed=1, requests=0)


def main() -> None:
    ssh, scp = emulators(CASES)
    hub_transport, desk_transport = EmulatorTransport(ssh), EmulatorTransport(scp, unique=True)
    hub_count, desk_count = Counted(), Counted()
    with (
        tempfile.TemporaryDirectory(prefix="servicehub-follow-", dir=RAM_DISK) as folder,
        SSHClient(
            **ssh.client_config(hub_transport.url),
            http_client=httpx.Client(transport=hub_transport, event_hooks={"request": [hub_count]}),
        ) as hub,
        SupportCenterClient(
            **scp.client_config(desk_transport.url),
            http_client=httpx.Client(
                transport=desk_transport, event_hooks={"request": [desk_count]}
            ),
        ) as scp_client,
    ):
        desk = HelpDesk(scp_client)
        journal = Path(folder) / "links.sqlite3"

        def run(**options: Any) -> Run:
            hub_count.reset()
            desk_count.reset()
            started = time.perf_counter()
            report = link_service_cases(hub, desk, journal=journal, feed="cases", **options)
            spent = time.perf_counter() - started
            counted = Counted(hub_count.requests, hub_count.scan_pages, hub_count.full_pages)
            return Run(spent, counted, desk_count.requests, report)

        print(f"{CASES:,} cases, linked and then followed through a change feed:", flush=True)
        first = run(max_changes=CASES)
        print(first.line("first run (links every case)"), flush=True)

        quiet = run()
        scan = quiet.hub.scan_pages
        print(quiet.line("nothing changed"), flush=True)
        goal(
            "nothing changed: hub requests",
            f"{quiet.hub.requests} ({scan} change-scan pages, {quiet.hub.full_pages} full)",
            quiet.hub.requests == scan and quiet.hub.full_pages == 0 and scan > 0,
            "one change scan, nothing else",
        )
        goal(
            "nothing changed: help-desk requests",
            f"{quiet.desk} in {quiet.seconds:.2f} s",
            quiet.desk == 0,
            "0",
        )

        changed = sorted(ssh.store.cases)[:: round(1 / CHANGED_SHARE)]
        for case_id in changed:
            ssh.store.cases[case_id]["priority"] = PRIORITIES[1]
        busy = run()
        updated = busy.report.counts.get("updated", 0)
        print(busy.line(f"{len(changed)} cases ({CHANGED_SHARE:.0%}) re-prioritised"), flush=True)
        goal(
            f"{CHANGED_SHARE:.0%} changed: tickets updated",
            f"{updated} of {len(changed)} changed cases, {busy.desk} help-desk requests "
            f"in {busy.seconds:.2f} s",
            updated == len(changed) and busy.desk == 2 * len(changed),
            f"{len(changed)}, 2 requests each (comment, priority)",
        )
        goal(
            f"{CHANGED_SHARE:.0%} changed: hub requests",
            f"{busy.hub.requests}",
            busy.hub.requests == scan and busy.hub.full_pages == 0,
            f"{scan} (one change scan)",
        )
        after = run()
        print(after.line("the run after"), flush=True)
        goal(
            "the run after: help-desk requests",
            f"{after.desk}",
            after.desk == 0 and after.report.results == [],
            "0",
        )


if __name__ == "__main__":
    main()
