"""A wrong base_url path on Secure Service Hub says to check base_url."""

from __future__ import annotations

from typing import Any

import pytest

from servicehub_sdk import NotFoundError
from servicehub_sdk.ssh import AsyncSSHClient, SSHClient
from servicehub_sdk.testing import EmulatorTransport
from tests.helpers import close, collect


async def test_a_404_on_the_first_request_says_to_check_base_url(
    mode: str, config: dict[str, Any], server: EmulatorTransport
) -> None:
    cls = SSHClient if mode == "sync" else AsyncSSHClient
    client = cls(**{**config, "base_url": server.url + "/wrong/path"})
    with pytest.raises(NotFoundError) as caught:
        await collect(client.customers.list())
    message = str(caught.value)
    assert "check base_url" in message
    assert f"no GraphQL endpoint at {server.url}/wrong/path" in message
    await close(client)
