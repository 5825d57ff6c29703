"""A change feed's poll and commit as steps of a link flow, so that one flow drives a
`ChangeFeed` (its runner calls) or an `AsyncChangeFeed` (its runner awaits)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from ..core._changes import Change
from ..core._flows import BoundStep, Steps

if TYPE_CHECKING:  # the feeds import the journal: at run time, they are imported when used
    from ..feeds._feed import AsyncChangeBatch, AsyncChangeFeed, ChangeBatch, ChangeFeed

    Batch: TypeAlias = ChangeBatch[Any] | AsyncChangeBatch[Any]

__all__ = ["FeedSteps"]


@dataclass(frozen=True, slots=True)
class _FeedCall:
    call: Callable[..., Any]
    args: tuple[Any, ...]


class _SyncRunner:
    def run(self, work: _FeedCall, options: object = None, /) -> Any:
        return work.call(*work.args)


class _AsyncRunner:
    async def run(self, work: _FeedCall, options: object = None, /) -> Any:
        result = work.call(*work.args)
        return await result if inspect.isawaitable(result) else result


class FeedSteps:
    """`poll`, `pending`, `commit` and `release` of one feed, each a step of the flow."""

    def __init__(self, feed: ChangeFeed[Any] | AsyncChangeFeed[Any]) -> None:
        from ..feeds._feed import AsyncChangeFeed

        self.feed = feed
        self._runner = _AsyncRunner() if isinstance(feed, AsyncChangeFeed) else _SyncRunner()

    def _step(self, call: Callable[..., Any], *args: Any) -> BoundStep:
        return BoundStep(self._runner, _FeedCall(call, args))

    def poll(self, max_changes: int) -> Steps[Batch]:
        """Lease the feed's next batch (see `ChangeFeed.poll`)."""
        batch: Batch = yield self._step(self.feed.poll, max_changes)
        return batch

    def pending(self) -> Steps[list[Change[Any]]]:
        """What the next poll would deliver, without a lease (for dry runs)."""
        changes: list[Change[Any]] = yield self._step(self.feed.pending)
        return changes

    def commit(self, batch: Batch) -> Steps[None]:
        yield self._step(batch.commit)

    def release(self, batch: Batch) -> Steps[None]:
        yield self._step(batch.release)
