"""Random creates, updates and deletions in every backend with `changes()`, random batch sizes,
failing handlers, incremental and complete polls, and (where the backend filters on the
server) a server clock behind the client's by up to the overlap: after every poll, what the
feed delivered adds up to the emulator's state — deletions once a complete poll ran."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehub_sdk import backends
from servicehub_sdk.feeds import ChangeFeed
from servicehub_sdk.testing import EmulatorTransport, FakeClock
from tests.feeds.worlds import FILTERED_BY_SERVER, WORLDS, World

OVERLAP = 60.0
"""The overlap `changes()` asks the server with by default, in seconds."""

Step = tuple[str, int, int, bool, bool, int]

steps = st.lists(
    st.tuples(
        st.sampled_from(["create", "update", "delete", "nothing"]),
        st.integers(0, 50),  # which record
        st.integers(1, 4),  # max_changes of the polls that follow
        st.booleans(),  # whether their handler fails first
        st.booleans(),  # whether they are complete
        st.integers(0, 90),  # seconds that pass before them
    ),
    min_size=1,
    max_size=7,
)
# Up to a millisecond short of the overlap: at exactly the overlap a change and the cursor
# meet at one instant, which the float clock rounds either way.
skews = st.floats(min_value=0.001, max_value=OVERLAP - 0.001)


class Handled:
    """What the feed delivered, applied: id -> label, and the ids deleted at the backend that
    only a complete poll can tell."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.view: dict[str, str] = {}
        self.unseen_deletions: set[str] = set()

    def drain(self, feed: ChangeFeed[Any], max_changes: int, fail: bool, complete: bool) -> None:
        """Poll until the feed is caught up, applying each committed batch."""
        if fail:
            with pytest.raises(RuntimeError), feed.poll(max_changes, complete=complete):
                raise RuntimeError("the handler failed")
        for _ in range(100):
            with feed.poll(max_changes, complete=complete) as batch:
                changes = list(batch)
            for change in changes:
                if change.kind == "deleted":
                    assert change.id in self.view
                    del self.view[change.id]
                else:
                    assert (change.id in self.view) == (change.kind == "updated"), change
                    assert change.item is not None
                    self.view[change.id] = self.world.label(change.item)
            if batch.final:
                break
        else:
            raise AssertionError("the feed never caught up")
        self.check(complete)

    def check(self, complete: bool) -> None:
        state = self.world.state()
        if complete:
            assert self.view == state
            self.unseen_deletions.clear()
            return
        assert {i: label for i, label in self.view.items() if i in state} == state
        assert set(self.view) - set(state) <= self.unseen_deletions


def change(world: World, step: Step, serial: int, handled: Handled) -> None:
    kind, which, *_ = step
    ids = sorted(world.state())
    if kind == "create" or (kind != "nothing" and not ids):
        world.create(f"created {serial}")
    elif kind == "update":
        world.update(ids[which % len(ids)], f"updated {serial}")
    elif kind == "delete":
        doomed = ids[which % len(ids)]
        world.delete(doomed)
        if doomed in handled.view:
            handled.unseen_deletions.add(doomed)


# Every world on SQLite; on PostgreSQL one that scans everything and one filtered by the
# server (the stores keep the same promises: test_feed.py checks them on both).
CASES = [(key, "sqlite") for key in WORLDS] + [
    (("ssh", "service_cases"), "postgresql"),
    (("supportcenter", "requests"), "postgresql"),
]


@pytest.mark.parametrize(
    ("key", "location"),
    CASES,
    ids=[f"{store}-{'.'.join(key)}" for key, store in CASES],
    indirect=["location"],
)
def test_the_feed_view_follows_the_backend(
    key: tuple[str, str], location: str, clock: FakeClock
) -> None:
    runs = iter(range(10**6))

    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
    @given(steps, skews)
    def check(plan: list[Step], behind: float) -> None:
        world = WORLDS[key](clock)
        if world.server_side:
            world.skew(clock, behind)
        feed: ChangeFeed[Any] = ChangeFeed(
            world.of(world.client()),
            name=f"run-{next(runs)}",
            state=location,
            complete_every=None,
            **world.listing,
        )
        handled = Handled(world)
        try:
            with feed:
                handled.drain(feed, 500, fail=False, complete=False)  # the first: complete
                handled.check(complete=True)
                for serial, step in enumerate(plan):
                    change(world, step, serial, handled)
                    clock.advance(step[5])
                    handled.drain(feed, step[2], fail=step[3], complete=step[4])
                handled.drain(feed, 500, fail=False, complete=True)
        finally:
            world.close()

    check()


def test_every_resource_with_changes_has_a_world() -> None:
    """A resource that gains `changes()` is driven through the property test too, and a
    feed passes `since=` to exactly the resources whose server filters."""
    found = set()
    for name, spec in backends.items():
        if spec.emulator is None or spec.sync_client is None:
            continue
        emulator = spec.emulator_factory()()
        transport = EmulatorTransport(emulator.app)
        client = spec.client_class()(
            **emulator.client_config(transport.url), http_client=transport.client()
        )
        with client:
            for attribute, value in vars(client).items():
                if callable(getattr(value, "changes", None)):
                    found.add((name, attribute))
                    filtered = getattr(value, "_changes_filter_server_side", False)
                    assert filtered == ((name, attribute) in FILTERED_BY_SERVER)
    assert found == set(WORLDS)
