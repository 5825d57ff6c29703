"""Random creates, updates and deletions in the hub, random batch sizes and failing handlers:
after every poll, what the feed delivered adds up to the hub's state."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehub_sdk.feeds import ChangeFeed
from servicehub_sdk.ssh import SSHClient
from servicehub_sdk.testing import EmulatorTransport
from tests.feeds.conftest import small_emulator
from tests.feeds.drive import add_case

Operation = tuple[str, int, int, bool]

operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "update", "delete", "nothing"]),
        st.integers(0, 50),  # which case
        st.integers(1, 4),  # max_changes of the poll that follows
        st.booleans(),  # whether its handler fails first
    ),
    min_size=1,
    max_size=8,
)


def apply(emulator: Any, operation: Operation, serial: int, template: dict[str, Any]) -> None:
    kind, which, _, _ = operation
    cases = emulator.store.cases
    ids = sorted(cases)
    if kind == "create" or (kind != "nothing" and not ids):
        add_case(emulator, f"case-{serial}", template)
    elif kind == "update":
        case = cases[ids[which % len(ids)]]
        case["title"] = f"title {serial}"
        case["updatedAt"] = f"2030-01-01T00:00:{serial % 60:02d}Z"
    elif kind == "delete":
        del cases[ids[which % len(ids)]]


def drain(feed: ChangeFeed[Any], view: dict[str, str], max_changes: int, fail: bool) -> None:
    """Poll until the feed is caught up, applying each committed batch to `view`."""
    if fail:
        try:
            with feed.poll(max_changes, complete=True):
                raise RuntimeError("the handler failed")
        except RuntimeError:
            pass
    for _ in range(100):
        with feed.poll(max_changes, complete=True) as batch:
            changes = list(batch)
        for change in changes:
            if change.kind == "deleted":
                assert change.id in view
                del view[change.id]
            else:
                assert (change.id in view) == (change.kind == "updated")
                assert change.item is not None
                view[change.id] = change.item.title
        if batch.final:
            return
    raise AssertionError("the feed never caught up")


def test_the_feed_view_follows_the_hub(location: str) -> None:
    emulator = small_emulator(cases=3)
    initial = copy.deepcopy(emulator.store.cases)
    transport = EmulatorTransport(emulator)
    hub = SSHClient(**emulator.client_config(transport.url), http_client=transport.client())
    runs = iter(range(10**6))

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(operations)
    def check(steps: list[Operation]) -> None:
        emulator.store.cases = copy.deepcopy(initial)
        run = next(runs)
        view: dict[str, str] = {}
        feed: ChangeFeed[Any] = ChangeFeed(
            hub.service_cases, name=f"run-{run}", state=location, page_size=2
        )
        with feed:
            drain(feed, view, 500, fail=False)
            for serial, step in enumerate(steps):
                apply(emulator, step, serial, next(iter(initial.values())))
                drain(feed, view, step[2], fail=step[3])
                expected = {i: case["title"] for i, case in emulator.store.cases.items()}
                assert view == expected

    check()
    hub.close()
