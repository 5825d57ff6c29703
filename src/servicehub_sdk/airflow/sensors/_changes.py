"""`ServiceHubChangesSensor`: wait until a change feed has changes to deliver, poking from a
worker or deferred to the triggerer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from ...feeds import ChangeFeed
from .._assets import servicehub_asset
from .._feeds import changes_summary, hook_of, resource_of
from .._state import check_state, feed_state
from ..triggers import ServiceHubChangesTrigger

__all__ = ["ServiceHubChangesSensor"]


def _default_deferrable() -> bool:
    from airflow.configuration import conf

    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


class ServiceHubChangesSensor(BaseSensorOperator):
    """Succeeds once the change feed `feed` over `resource` has changes to deliver
    (`feed.pending()`: a peek, without a lease; the task that handles the changes polls the
    same feed, by name and state, and commits them).

    Args:
        resource: the client attribute the feed follows (`service_cases`, `customers`...).
        feed: the feed's name in its store (templated).
        state: a SQLite file holding the feed (templated), or
        state_conn_id: an Airflow PostgreSQL connection to the database holding it.
        backend: the backend's name (`ssh` by default).
        conn_id: the backend's connection (default: its default connection,
            `servicehub_<backend>_default`).
        listing_arguments: keyword arguments of `changes()` (`view`, `page_size`...).
        deferrable: wait on the triggerer (`ServiceHubChangesTrigger`, async client) instead
            of poking from a worker; default: Airflow's `[operators] default_deferrable`.

    Pushes (as XCom) `{"feed", "pending", "kinds", "ids"}` (at most 100 ids). Its outlet is
    the asset `servicehub://<backend>/<resource>` (unless `outlets=` says otherwise), so DAGs
    scheduled on that asset run when changes arrived.
    """

    template_fields: Sequence[str] = ("feed", "state")

    def __init__(
        self,
        *,
        resource: str,
        feed: str,
        state: str | None = None,
        state_conn_id: str | None = None,
        backend: str = "ssh",
        conn_id: str | None = None,
        listing_arguments: Mapping[str, Any] | None = None,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        check_state(state, state_conn_id)
        kwargs.setdefault("outlets", [servicehub_asset(backend, resource)])
        super().__init__(**kwargs)
        hook_of(backend, conn_id)  # a backend without a connection type fails here, not later
        self.resource = resource
        self.feed = feed
        self.state = state
        self.state_conn_id = state_conn_id
        self.backend = backend
        self.conn_id = conn_id
        self.listing_arguments = dict(listing_arguments or {})
        self.deferrable = _default_deferrable() if deferrable is None else deferrable

    def poke(self, context: Any) -> PokeReturnValue:
        state = feed_state(self.state, self.state_conn_id)
        with hook_of(self.backend, self.conn_id).get_client() as client:
            resource = resource_of(client, self.resource)
            feed: ChangeFeed[Any] = ChangeFeed(
                resource, name=self.feed, state=state, **self.listing_arguments
            )
            with feed:
                changes = feed.pending()
        self.log.info("%d changes pending in feed %r", len(changes), self.feed)
        return PokeReturnValue(
            is_done=bool(changes), xcom_value=changes_summary(self.feed, changes)
        )

    def trigger(self) -> ServiceHubChangesTrigger:
        """The trigger this sensor defers to."""
        return ServiceHubChangesTrigger(
            backend=self.backend,
            resource=self.resource,
            feed=self.feed,
            state=self.state,
            state_conn_id=self.state_conn_id,
            conn_id=self.conn_id,
            listing_arguments=self.listing_arguments,
            poke_interval=self.poke_interval,
        )

    def execute(self, context: Any) -> Any:
        if not self.deferrable:
            return super().execute(context)
        self.defer(
            trigger=self.trigger(),
            method_name="execute_complete",
            timeout=timedelta(seconds=self.timeout) if self.timeout else None,
        )

    def execute_complete(self, context: Any, event: Mapping[str, Any]) -> dict[str, Any]:
        """Resumes the deferred task with the trigger's event: its summary as XCom, or the
        task fails with the error the trigger met."""
        if event.get("status") != "success":
            from airflow.exceptions import AirflowException

            raise AirflowException(f"feed {self.feed!r}: {event.get('message', event)}")
        summary = {k: v for k, v in event.items() if k != "status"}
        self.log.info("%d changes pending in feed %r", summary["pending"], self.feed)
        return summary
