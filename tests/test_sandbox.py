"""The whole sandbox: every built-in backend at once, as a context manager, through the pytest
plugin's fixture, and as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from servicehub_sdk.testing import Sandbox, registered_backends
from tests.helpers import close, resolve

ONE_CALL = {
    "ssh": lambda c: c.service_organisations.list().first(),
    "fsm": lambda c: c.partners.list(size=5).first(),
    "supportcenter": lambda c: c.admin.priorities.list().first(),
    "cecenter": lambda c: c.service_tickets.list().first(),
    "spicecsm": lambda c: c.agents.list().to_list(),
}


def test_every_backend_is_registered() -> None:
    assert set(registered_backends()) >= set(ONE_CALL)


async def test_every_backend_answers_sync_and_async(servicehub_sandbox: Sandbox, mode: str) -> None:
    for name, call in ONE_CALL.items():
        client: Any = (
            servicehub_sandbox.client(name)
            if mode == "sync"
            else servicehub_sandbox.async_client(name)
        )
        assert await resolve(call(client))
        await close(client)


def test_fault_profile_is_applied() -> None:
    with (
        Sandbox(["ssh"], faults="flaky", seed=3) as sandbox,
        sandbox.client("ssh", max_retries=6) as hub,
    ):
        assert len(hub.customers.list(page_size=50).to_list()) == 250
        assert sandbox.server("ssh").faults.injected > 0
    with pytest.raises(ValueError, match="unknown fault profile"):
        Sandbox(["ssh"], faults="nope").start()


def test_sandbox_runs_as_a_process() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "servicehub_sdk.testing", "ssh", "fsm"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("]"):
                break
        described = json.loads("".join(lines))
        assert [d["backend"] for d in described] == ["ssh", "fsm"]
        assert described[0]["url"].startswith("http://127.0.0.1:")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_environ_names_every_setting_of_every_running_backend(servicehub_sandbox: Sandbox) -> None:
    environ = servicehub_sandbox.environ()
    for name in servicehub_sandbox.names:
        for key, value in servicehub_sandbox.config(name).items():
            assert environ[f"SERVICEHUB_{name.upper()}_{key.upper()}"] == str(value)
    assert set(servicehub_sandbox.environ(["ssh"])) == {
        f"SERVICEHUB_SSH_{key.upper()}" for key in servicehub_sandbox.config("ssh")
    }


async def test_servicehub_env_lets_from_env_reach_the_sandbox(
    servicehub_env: Sandbox, mode: str
) -> None:
    from servicehub_sdk.cecenter import AsyncCECenterClient, CECenterClient
    from servicehub_sdk.fsm import AsyncFSMClient, FSMClient
    from servicehub_sdk.spicecsm import AsyncSpiceCSMClient, SpiceCSMClient
    from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
    from servicehub_sdk.supportcenter import AsyncSupportCenterClient, SupportCenterClient

    classes = {
        "ssh": (SSHClient, AsyncSSHClient),
        "fsm": (FSMClient, AsyncFSMClient),
        "supportcenter": (SupportCenterClient, AsyncSupportCenterClient),
        "cecenter": (CECenterClient, AsyncCECenterClient),
        "spicecsm": (SpiceCSMClient, AsyncSpiceCSMClient),
    }
    for name, call in ONE_CALL.items():
        client = classes[name][mode == "async"].from_env()
        try:
            assert await resolve(call(client)) is not None
        finally:
            await close(client)
