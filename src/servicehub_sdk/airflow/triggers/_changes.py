"""`ServiceHubChangesTrigger`: wait on the triggerer, with the async client, until a change feed
has changes to deliver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from ...core._errors import ServiceHubError
from ...feeds import AsyncChangeFeed
from .._feeds import changes_summary, hook_of, resource_of
from .._state import afeed_state, check_state

__all__ = ["ServiceHubChangesTrigger"]


class ServiceHubChangesTrigger(BaseTrigger):
    """Fires once the feed `feed` over `resource` has pending changes (`await feed.pending()`,
    which peeks without a lease: the changes stay for whoever polls the feed).

    Its arguments are stored by Airflow and hold no secret: the client is built on the
    triggerer from the connection `conn_id` (read through the backend's hook), and a
    PostgreSQL state is named by its Airflow connection (`state_conn_id`).

    Args:
        backend: the backend's name (`ssh`).
        resource: the client attribute the feed follows (`service_cases`).
        feed: the feed's name in its store.
        state: a SQLite file holding the feed, or
        state_conn_id: an Airflow PostgreSQL connection to the database holding it.
        conn_id: the backend's connection (default: its default connection).
        listing_arguments: keyword arguments of `changes()` (`view`, `page_size`...).
        poke_interval: seconds between two checks.

    Yields one event: `{"status": "success", "feed", "pending", "kinds", "ids"}` (at most
    100 ids), or `{"status": "error", "message"}` when the SDK raised (the message names the
    error class and carries no secret).
    """

    def __init__(
        self,
        *,
        backend: str,
        resource: str,
        feed: str,
        state: str | None = None,
        state_conn_id: str | None = None,
        conn_id: str | None = None,
        listing_arguments: Mapping[str, Any] | None = None,
        poke_interval: float = 60.0,
    ) -> None:
        super().__init__()
        check_state(state, state_conn_id)
        self.backend = backend
        self.resource = resource
        self.feed = feed
        self.state = state
        self.state_conn_id = state_conn_id
        self.conn_id = conn_id
        self.listing_arguments = dict(listing_arguments or {})
        self.poke_interval = float(poke_interval)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__.rpartition('.')[0]}.{type(self).__name__}",
            {
                "backend": self.backend,
                "resource": self.resource,
                "feed": self.feed,
                "state": self.state,
                "state_conn_id": self.state_conn_id,
                "conn_id": self.conn_id,
                "listing_arguments": self.listing_arguments,
                "poke_interval": self.poke_interval,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        try:
            payload = await self._wait()
        except ServiceHubError as exc:
            payload = {"status": "error", "message": f"{type(exc).__name__}: {exc.message}"}
        yield TriggerEvent(payload)

    async def _wait(self) -> dict[str, Any]:
        hook = hook_of(self.backend, self.conn_id)
        state = await afeed_state(self.state, self.state_conn_id)
        async with await hook.aget_async_client() as client:
            resource = resource_of(client, self.resource)
            feed: AsyncChangeFeed[Any] = AsyncChangeFeed(
                resource, name=self.feed, state=state, **self.listing_arguments
            )
            async with feed:
                while True:
                    changes = await feed.pending()
                    if changes:
                        return {"status": "success", **changes_summary(self.feed, changes)}
                    self.log.info("No changes in feed %r yet", self.feed)
                    await asyncio.sleep(self.poke_interval)
