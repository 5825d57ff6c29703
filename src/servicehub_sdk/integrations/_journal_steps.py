"""The link journal as steps of a flow, so that one link flow uses a sync or an async journal.

`JournalSteps.of(journal)` wraps a `Journal` (its runner calls the method), `of_async` an
`AsyncJournal` (its runner awaits it); the flow sees the same typed steps either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core._flows import BoundStep, Runner, Steps
from ._journal import AsyncJournal, Claim, Journal, JournalEntry

__all__ = ["JournalSteps"]


@dataclass(frozen=True, slots=True)
class _JournalCall:
    method: str
    args: tuple[Any, ...]


class _SyncRunner:
    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def run(self, work: _JournalCall, options: object = None, /) -> Any:
        return getattr(self.journal, work.method)(*work.args)


class _AsyncRunner:
    def __init__(self, journal: AsyncJournal) -> None:
        self.journal = journal

    async def run(self, work: _JournalCall, options: object = None, /) -> Any:
        return await getattr(self.journal, work.method)(*work.args)


class JournalSteps:
    """The journal's operations (see `Journal`), each a step of the flow."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner

    @classmethod
    def of(cls, journal: Journal) -> JournalSteps:
        return cls(_SyncRunner(journal))

    @classmethod
    def of_async(cls, journal: AsyncJournal) -> JournalSteps:
        return cls(_AsyncRunner(journal))

    def _step(self, method: str, *args: Any) -> BoundStep:
        return BoundStep(self._runner, _JournalCall(method, args))

    def get(self, case_id: str) -> Steps[JournalEntry | None]:
        entry: JournalEntry | None = yield self._step("get", case_id)
        return entry

    def entries(self) -> Steps[list[JournalEntry]]:
        found: list[JournalEntry] = yield self._step("entries")
        return found

    def claim(self, case_id: str, owner: str, lease_seconds: float) -> Steps[Claim | None]:
        claim: Claim | None = yield self._step("claim", case_id, owner, lease_seconds)
        return claim

    def created(self, case_id: str, ticket_id: str, owner: str) -> Steps[bool]:
        recorded: bool = yield self._step("created", case_id, ticket_id, owner)
        return recorded

    def linked(self, case_id: str, ticket_id: str, owner: str) -> Steps[bool]:
        recorded: bool = yield self._step("linked", case_id, ticket_id, owner)
        return recorded

    def release(self, case_id: str, owner: str) -> Steps[None]:
        yield self._step("release", case_id, owner)
