"""A `link_service_cases` run in a process of its own, for the tests that overlap runs.

Spawned processes import this module by name; they reach the sandbox's emulators by the
configurations they are given (loopback URLs), like runs on other hosts would.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from servicehub_sdk.core import Steps
from servicehub_sdk.helpdesk import AsyncHelpDesk, HelpDesk
from servicehub_sdk.integrations import (
    DeskTarget,
    link_service_cases,
    link_service_cases_async,
)
from servicehub_sdk.ssh import AsyncSSHClient, ServiceCase, SSHClient
from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient

KILLED = 3
"""The exit code of a run that was killed on purpose."""

KEY_OWNER = "rep1@scp.example"
"""The support rep the sandbox's SupportCenter key belongs to (its first one)."""


class DyingTarget(DeskTarget):
    """Kills the process (no cleanup, like `kill -9`) just before or just after it creates
    the ticket: the run dies holding its claim."""

    def __init__(self, scp: Any, when: str) -> None:
        super().__init__(HelpDesk(scp, defaults={"technician": KEY_OWNER}))
        self.when = when

    def create_ticket(self, case: ServiceCase) -> Steps[str]:
        if self.when == "before create":
            os._exit(KILLED)
        ticket = yield from super().create_ticket(case)
        os._exit(KILLED)
        return ticket


def run(
    mode: str,
    ssh: dict[str, Any],
    scp: dict[str, Any],
    journal: str,
    limit: int,
    report_path: str,
    start: Any = None,
    die: str | None = None,
) -> None:
    """Link up to `limit` cases (`mode` sync or async), after every process reached `start`,
    and write the report as JSON to `report_path`."""
    if mode == "async":
        asyncio.run(_run_async(ssh, scp, journal, limit, report_path, start))
        return
    with SSHClient(**ssh) as hub, SupportCenterClient(**scp) as client:
        target = (
            DyingTarget(client, die)
            if die
            else HelpDesk(client, defaults={"technician": KEY_OWNER})
        )
        if start is not None:
            start.wait(60)
        report = link_service_cases(hub, target, journal=journal, limit=limit)
    Path(report_path).write_text(report.to_json(), encoding="utf-8")


async def _run_async(
    ssh: dict[str, Any], scp: dict[str, Any], journal: str, limit: int, report_path: str, start: Any
) -> None:
    async with AsyncSSHClient(**ssh) as hub, AsyncSupportCenterClient(**scp) as client:
        if start is not None:
            await asyncio.to_thread(start.wait, 60)
        report = await link_service_cases_async(
            hub,
            AsyncHelpDesk(client, defaults={"technician": KEY_OWNER}),
            journal=journal,
            limit=limit,
        )
    Path(report_path).write_text(report.to_json(), encoding="utf-8")
