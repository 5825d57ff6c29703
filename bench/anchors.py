"""Side by side: this SDK against other clients on the same answer, over the same in-memory
transport as `backends.py` (its `replaying` `httpx.MockTransport` over recorded answers).

- SupportCenter Plus: the emulator's answer to one `GET /api/v3/requests/{id}`, read by raw
  httpx + `json.loads` (the baseline), by this SDK's `requests.get`, and by servicedesk-client's
  `SyncHelpdeskClient.get_request` (a thin untyped client for the same API).
- OpenAI: one `GET /v1/models` answer, read by raw httpx + `json.loads` and by openai-python's
  `models.list()`, for a well-known typed SDK's ratio on the same machine.

Each ratio is against raw httpx in the same run. The other clients are never dependencies of
this SDK: when one is not importable the bench says "not installed" and goes on. `make bench`
runs this script in an environment of its own (`.venv-anchors`: the SDK with
servicedesk-client and openai), never the development one: servicedesk-client brings httpx2,
which vcrpy (the test suite's cassettes) then fails to patch.
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
from _serve import Answers, answer_key
from _timing import Timing, paired
from backends import replaying

from servicehub_sdk.core import capture_responses
from servicehub_sdk.supportcenter import SupportCenterClient
from servicehub_sdk.testing import EmulatorTransport, SupportCenterEmulator

CALLS = 300
MODELS = {
    "object": "list",
    "data": [
        {"id": f"model-{n}", "object": "model", "created": 1700000000 + n, "owned_by": "bench"}
        for n in range(5)
    ],
}


def recorded() -> tuple[str, Answers, dict[str, Any]]:
    """A request id, the emulator's answer to reading it (as `replaying` replays it), and the
    client's settings."""
    emulator = SupportCenterEmulator(seed=1)
    with EmulatorTransport(emulator) as served:
        config = emulator.client_config(served.url)
        client = SupportCenterClient(**config, http_client=served.client())
        ident = next(iter(emulator.records["requests"]))
        with capture_responses() as seen:
            client.requests.get(ident)
        response = seen.last
    answer = json.loads(response.content)
    # Fields servicedesk-client requires that the emulator's record may leave out.
    request = answer["request"]
    request.setdefault("created_time", {"display_value": "", "value": "1700000000000"})
    request.setdefault("group", {"name": "Service Desk"})
    request.setdefault("status", {"name": "Open"})
    request.setdefault("requester", {"name": "Someone", "email_id": "someone@example.test"})
    key = answer_key("GET", response.request.url.path, b"")
    answers = {key: (200, {"content-type": "application/json"}, json.dumps(answer).encode())}
    return str(ident), answers, config


def print_timing(what: str, timing: Timing) -> None:
    print(f"{what}: {timing} ({timing.sdk * 1e6:.0f} us per call)", flush=True)


def supportcenter(calls: int) -> None:
    ident, answers, config = recorded()
    transport = replaying(answers)
    base = str(config["base_url"]).rstrip("/")
    raw = httpx.Client(transport=transport)
    url = f"{base}/api/v3/requests/{ident}"

    def raw_call() -> Any:
        return json.loads(raw.get(url, headers={"authtoken": "key"}).content)

    sdk = SupportCenterClient(**config, http_client=httpx.Client(transport=transport))
    sdk.requests.get(ident), raw_call()  # both warm: first-call costs are not per call
    ours = paired(lambda: sdk.requests.get(ident), raw_call, calls)
    print_timing("this SDK requests.get", ours)
    try:
        from helpdesk_client.v3.client import SyncHelpdeskClient
    except ImportError:
        print("servicedesk-client get_request: not installed (pip install servicedesk-client)")
        goal("this SDK below servicedesk-client", f"{ours.ratio:.2f}x", None, "below")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = SyncHelpdeskClient(
            httpx.Client(transport=transport, base_url=base, headers={"authtoken": "key"})
        )
    other.get_request(int(ident))
    theirs = paired(lambda: other.get_request(int(ident)), raw_call, calls)
    print_timing("servicedesk-client get_request", theirs)
    goal(
        "this SDK below servicedesk-client",
        f"{ours.ratio:.2f}x against {theirs.ratio:.2f}x",
        ours.ratio <= theirs.ratio,
        "below",
    )


def openai_models(calls: int) -> None:
    try:
        from openai import OpenAI
    except ImportError:
        print("openai-python models.list: not installed (pip install openai)")
        return
    body = json.dumps(MODELS).encode()
    transport = replaying(
        {("GET", "/v1/models"): (200, {"content-type": "application/json"}, body)}
    )
    base = "https://api.openai.invalid/v1"
    raw = httpx.Client(transport=transport)

    def raw_call() -> Any:
        return json.loads(
            raw.get(f"{base}/models", headers={"Authorization": "Bearer key"}).content
        )

    client = OpenAI(
        api_key="key", base_url=base, max_retries=0, http_client=httpx.Client(transport=transport)
    )
    client.models.list()
    theirs = paired(lambda: client.models.list().data, raw_call, calls)
    print_timing("openai-python models.list", theirs)


def main(calls: int | None = None) -> None:
    supportcenter(calls or CALLS)
    openai_models(calls or CALLS)


if __name__ == "__main__":
    main()
