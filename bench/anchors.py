"""Side by side: this SDK against other clients on the same answer, same in-memory transport.

The SupportCenter Plus emulator's answer to one `GET /api/v3/requests/{id}` is replayed by an
`httpx.MockTransport` to raw httpx + `json.loads` (the baseline), to servicedesk-client's
`SyncHelpdeskClient.get_request` (a thin client for the same API, when installed: `pip install
servicedesk-client`), and to this SDK's `requests.get`. The anchors are never dependencies of
the SDK: install servicedesk-client in a separate environment, as it brings httpx2, which
vcrpy (the test suite's cassettes) then fails to patch.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from _goals import goal
from _timing import paired

from servicehub_sdk.core import capture_responses
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import EmulatorTransport, SupportCenterEmulator

CALLS = 300


def recorded() -> tuple[str, bytes, dict[str, Any]]:
    """A request id, the emulator's answer to reading it, and the client's settings."""
    emulator = SupportCenterEmulator(seed=1)
    with EmulatorTransport(emulator) as served:
        config = emulator.client_config(served.url)
        client = SupportCenterClient(**config, http_client=served.client())
        ident = next(iter(emulator.records["requests"]))
        with capture_responses() as seen:
            client.requests.get(ident)
        body = seen.last.content
    answer = json.loads(body)
    # Fields servicedesk-client requires that the emulator's record may leave out.
    request = answer["request"]
    request.setdefault("created_time", {"display_value": "", "value": "1700000000000"})
    request.setdefault("group", {"name": "Service Desk"})
    request.setdefault("status", {"name": "Open"})
    request.setdefault("requester", {"name": "Someone", "email_id": "someone@example.test"})
    return str(ident), json.dumps(answer).encode(), config


def main() -> None:
    ident, body, config = recorded()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    transport = httpx.MockTransport(handler)
    base = str(config["base_url"]).rstrip("/")
    raw = httpx.Client(transport=transport)
    url = f"{base}/api/v3/requests/{ident}"

    def raw_call() -> Any:
        return json.loads(raw.get(url, headers={"authtoken": "key"}).content)

    sdk = SupportCenterClient(**config, http_client=httpx.Client(transport=transport))
    ours = paired(lambda: sdk.requests.get(ident), raw_call, CALLS)
    print(f"this SDK requests.get: {ours} ({ours.sdk * 1e6:.0f} us per call)")
    try:
        from helpdesk_client.v3.client import SyncHelpdeskClient
    except ImportError:
        print("servicedesk-client not installed (pip install servicedesk-client): skipped")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = SyncHelpdeskClient(
            httpx.Client(transport=transport, base_url=base, headers={"authtoken": "key"})
        )
    theirs = paired(lambda: other.get_request(int(ident)), raw_call, CALLS)
    print(f"servicedesk-client get_request: {theirs} ({theirs.sdk * 1e6:.0f} us per call)")
    goal(
        "this SDK below servicedesk-client",
        f"{ours.ratio:.2f}x against {theirs.ratio:.2f}x",
        ours.ratio <= theirs.ratio,
        "below",
    )


if __name__ == "__main__":
    main()
