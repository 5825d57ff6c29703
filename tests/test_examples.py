"""The examples and the demo run end to end against the sandbox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def run(script: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_demo_script_tells_the_same_story() -> None:
    out = run("demo.py")
    assert out.startswith("Five service platforms")
    assert "1. ERP master data -> Secure Service Hub" in out
    assert "deliberate failure: EQ-DEMO-0006" in out
    assert "tickets now:" in out and "(+0)" in out


def test_ssh_sync_customers_is_idempotent() -> None:
    out = run("ssh_sync_customers.py")
    first, second = out.split("run 2:")
    assert "created" in first and "created" not in second


def test_fsm_onboard_partner() -> None:
    out = run("fsm_onboard_partner.py")
    assert "created Alpenblick" in out and "121 partners" in out


def test_scp_ticket_lifecycle() -> None:
    out = run("scp_ticket_lifecycle.py")
    assert "callback received: resolved" in out and "callback received: closed" in out


def test_cecenter_ticket_flow() -> None:
    out = run("cecenter_ticket_flow.py")
    assert "opened ticket" in out and "1 confirmed ticket(s)" in out


def test_spicecsm_webcall_server() -> None:
    out = run("spicecsm_webcall_server.py")
    assert (
        "['John Doe']" in out
        and "johnd@xyz.net" in out
        and "case 6344 for jdoe: In Progress" in out
    )
