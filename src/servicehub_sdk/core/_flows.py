"""Flows over several clients: one generator body, driven by a sync or an async driver.

An operation of one client is a `Call`, or a flow of `Call`s, that the client's engine runs. A
flow that touches several clients (a hub and a ticket system, and a journal) yields `BoundStep`s
instead: each is a piece of work bound to the runner that carries it out (a client's engine,
or anything with a `run(work, options)` method), and the flow receives the step's result.
`run_steps` drives such a flow with sync runners, `run_steps_async` with async ones.

`step()` and `listing()` make the steps from the operations' own descriptions (the functions
behind `@operation` and `@paged`), so the result comes back typed:

```python
def open_ticket(scp, case) -> Steps[str]:
    request = yield from step(Requests.create, scp.requests, {"subject": case.title})
    return str(request.id)

run_steps(open_ticket(scp, case))              # SupportCenterClient
await run_steps_async(open_ticket(scp, case))  # AsyncSupportCenterClient
```
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, Protocol, TypeVar

import httpx

from ._client import ClientBase, Operation, PagedOperation, Resource, _pop_options
from ._errors import ConfigurationError
from ._http import AsyncEngine, SyncEngine
from ._pagination import Page, _Progress, _tracked
from ._request import Call, CallOptions, Flow, Step

__all__ = [
    "BoundStep",
    "Listing",
    "Runner",
    "Steps",
    "Together",
    "engine_of",
    "listing",
    "run_steps",
    "run_steps_async",
    "step",
    "together",
]

P = ParamSpec("P")
T = TypeVar("T")

Owner = Resource[Any, Any] | ClientBase[Any]
"""What an operation belongs to: a client, or one of its resources."""


class Runner(Protocol):
    """What carries out a step: `run(work, options)`, returning the result (sync runners)
    or a coroutine of it (async runners, `async def run`). Client engines are runners."""

    def run(self, work: Any, options: Any = None, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class BoundStep:
    """One piece of work of a flow, bound to the runner that carries it out."""

    runner: Runner
    work: Any
    options: CallOptions | None = None


@dataclass(frozen=True, slots=True)
class Together:
    """Several flows whose results are wanted as a list, in order: one after another under
    the sync driver, up to `concurrency` at once under the async one (`None`: one at a time).

    `after`, when set, names for each flow the (earlier) flows of the group that must have
    finished before it starts; a flow waiting for them does not hold one of the `concurrency`
    places (under the async driver), and one whose prerequisite failed does not start.
    `threads` lets the sync driver run up to `concurrency` flows at once, each in a thread of
    its own."""

    flows: list[Steps[Any]] = field(default_factory=list)
    concurrency: int | None = None
    after: list[tuple[int, ...]] | None = None
    threads: bool = False


Steps = Generator[BoundStep | Together, Any, T]
"""A flow over several clients: it yields `BoundStep`s (or `Together`) and receives their results."""


def engine_of(owner: Owner) -> SyncEngine | AsyncEngine:
    """The engine that runs the operations of `owner` (a client or one of its resources)."""
    return owner._context.engine


def step(
    op: Operation[P, T],
    owner: Owner,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Steps[T]:
    """The operation `op` (a resource's method taken from its class, such as
    `Requests.create`) of `owner`, as a step run by `owner`'s engine; per-call options
    (`timeout`, `max_retries`…) are honoured as in a direct call."""
    options = _pop_options(kwargs)
    work: Call[T] | Flow[T] = op.fn(owner, *args, **kwargs)
    result: T = yield BoundStep(engine_of(owner), work, options)
    return result


class Listing(Generic[T]):
    """A listing of one client as steps: `to_list(limit)` and `first()`, with the pagers'
    guard against listings that never end."""

    def __init__(self, owner: Owner, first: Step[Page[T]]) -> None:
        self._owner = owner
        self._first = first

    def to_list(self, limit: int | None = None) -> Steps[list[T]]:
        """The items, at most `limit` of them (fetching only the pages needed)."""
        found: list[T] = yield BoundStep(engine_of(self._owner), self._pages(limit))
        return found

    def first(self) -> Steps[T | None]:
        """The first item, or `None` for an empty listing."""
        found = yield from self.to_list(1)
        return found[0] if found else None

    def _pages(self, limit: int | None) -> Flow[list[T]]:
        progress: _Progress[T] = _Progress(self._owner._context.client_name)
        items: list[T] = []
        step: Step[Page[T]] | None = self._first if limit is None or limit > 0 else None
        while step is not None:
            seen: list[httpx.Response] = []
            page = yield from _tracked(step, seen)
            progress.check(page, seen[-1])
            items.extend(page.items)
            if limit is not None and len(items) >= limit:
                return items[:limit]
            step = page.next
        return items


def listing(
    op: PagedOperation[P, T],
    owner: Owner,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Listing[T]:
    """The listing `op` (a method made by `@paged`, such as `Customers.list`) of `owner`."""
    _pop_options(kwargs)
    return Listing(owner, op.fn(owner, *args, **kwargs))


def together(
    flows: Sequence[Steps[T]],
    concurrency: int | None = None,
    *,
    after: Sequence[Sequence[int]] | None = None,
    threads: bool = False,
) -> Steps[list[T]]:
    """The results of `flows`, in order (run side by side by the async driver).

    `after[i]` lists the indices of the flows that must have finished before flow `i` starts
    (each smaller than `i`: the sync driver runs the flows in order, so it meets them as it
    goes); the async driver starts a flow as soon as its own prerequisites are done.

    `threads=True` lets the sync driver, too, run up to `concurrency` flows at once, in
    threads: only for flows whose steps' runners may be used from several threads at once
    (a client's engine may; a journal's connection may not)."""
    waits = None
    if after is not None:
        if len(after) != len(flows):
            raise ConfigurationError("together(): after= needs one entry per flow")
        waits = [tuple(before) for before in after]
        if any(not 0 <= b < i for i, before in enumerate(waits) for b in before):
            raise ConfigurationError("together(): a flow can only wait for flows before it")
    results: list[T] = yield Together(list(flows), concurrency, waits, threads)
    return results


def run_steps(flow: Steps[T]) -> T:
    """Drive `flow` with sync runners: each step's result (or error) goes back into it."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            current = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: T = stop.value
            return result
        try:
            if isinstance(current, Together) and current.threads and (current.concurrency or 1) > 1:
                value, error = _in_threads(current), None
            elif isinstance(current, Together):
                value, error = [run_steps(f) for f in current.flows], None
            else:
                if inspect.iscoroutinefunction(current.runner.run):
                    raise ConfigurationError(
                        f"{type(current.runner).__name__} is async: pass sync clients (and "
                        "journal), or use the _async variant"
                    )
                value, error = current.runner.run(current.work, current.options), None
        except BaseException as exc:  # the flow's own `finally` blocks still run their steps
            value, error = None, exc


async def run_steps_async(flow: Steps[T]) -> T:
    """Drive `flow` with async runners: each step's result (or error) goes back into it."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            current = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: T = stop.value
            return result
        try:
            if isinstance(current, Together):
                value, error = await _side_by_side(current), None
            else:
                if not inspect.iscoroutinefunction(current.runner.run):
                    raise ConfigurationError(
                        f"{type(current.runner).__name__} is not async: pass async clients "
                        "(and journal), or use the sync variant"
                    )
                value, error = await current.runner.run(current.work, current.options), None
        except BaseException as exc:  # the flow's own `finally` blocks still run their steps
            value, error = None, exc


def _in_threads(group: Together) -> list[Any]:
    """The flows of `group`, up to `group.concurrency` at once in threads, each started after
    the flows it waits for (`group.after`); after an error no further flow starts."""
    after = group.after or [()] * len(group.flows)
    futures: list[Future[Any]] = []

    def run(flow: Steps[Any], before: tuple[int, ...]) -> Any:
        try:
            for b in before:  # submitted earlier, so already running or done: no deadlock
                futures[b].result()
        except BaseException:
            flow.close()
            raise
        return run_steps(flow)

    pool = ThreadPoolExecutor(group.concurrency or 1, thread_name_prefix="servicehub-flow")
    try:
        for flow, before in zip(group.flows, after, strict=True):
            # each flow sees the caller's context variables (clock, deadlines), as a task would
            futures.append(pool.submit(contextvars.copy_context().run, run, flow, before))
        return [future.result() for future in futures]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


async def _side_by_side(group: Together) -> list[Any]:
    gate = asyncio.Semaphore(group.concurrency or 1)
    if group.after is not None:
        return await _in_dependency_order(group, gate)

    async def bounded(flow: Steps[Any]) -> Any:
        async with gate:
            return await run_steps_async(flow)

    return list(await asyncio.gather(*(bounded(f) for f in group.flows)))


async def _in_dependency_order(group: Together, gate: asyncio.Semaphore) -> list[Any]:
    """The flows of `group`, each started once the flows it waits for (`group.after`) are
    done; a prerequisite's error is raised in its dependants instead of running them."""
    assert group.after is not None
    tasks: list[asyncio.Future[Any]] = []

    async def bounded(flow: Steps[Any], before: tuple[int, ...]) -> Any:
        try:
            if before:
                await asyncio.gather(*(tasks[b] for b in before))
        except BaseException:
            flow.close()
            raise
        async with gate:
            return await run_steps_async(flow)

    for flow, before in zip(group.flows, group.after, strict=True):
        tasks.append(asyncio.ensure_future(bounded(flow, before)))
    return list(await asyncio.gather(*tasks))
