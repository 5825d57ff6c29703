"""Polls a feed, records the changes it handled, and dies before the block ends (no commit,
no release), as a process killed between handling a batch and committing it.

    python -m tests.feeds._crash_worker STATE KEYS_FILE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from servicehub_sdk.feeds import ChangeFeed
from servicehub_sdk.ssh import SSHClient
from servicehub_sdk.testing import EmulatorTransport
from tests.feeds.conftest import small_emulator

KILLED = 3


def main(state: str, keys_file: str) -> None:
    emulator = small_emulator()
    transport = EmulatorTransport(emulator)
    hub = SSHClient(**emulator.client_config(transport.url), http_client=transport.client())
    feed: ChangeFeed[Any] = ChangeFeed(hub.service_cases, name="cases", state=state)
    with feed.poll() as batch:
        Path(keys_file).write_text("\n".join(change.key for change in batch))
        os._exit(KILLED)  # handled, not committed


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
