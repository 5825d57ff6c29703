"""`LinkServiceCasesOperator`: new Secure Service Hub service cases linked to tickets exactly
once (`servicehub_sdk.integrations.link_service_cases`), in one task or split over mapped tasks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow.sdk import BaseOperator

from ..._backends import backends
from ...core._errors import ConfigurationError
from ...integrations import DEFAULT_LEASE_SECONDS, Shard, link_service_cases
from ...ssh import ServiceCaseView
from .._assets import TICKETS, servicehub_asset
from .._connections import CONNECTION_SPECS
from .._state import journal_url
from ..hooks._base import ServiceHubHook, TicketSystemHook
from ..hooks._ssh import ServiceHubSSHHook
from ._lineage import operator_lineage, servicehub_dataset
from ._report import finish, summarize

__all__ = ["LinkServiceCasesOperator", "journal_url", "target_backend_of"]


def target_backend_of(target_conn_id: str, target_backend: str | None) -> str | None:
    """The ticket system's backend: `target_backend`, else the backend whose default
    connection `target_conn_id` is (`servicehub_supportcenter_default`), else unknown
    until the connection is read."""
    ticket_systems = [name for name in CONNECTION_SPECS if backends[name].help_desk is not None]
    if target_backend is not None:
        if target_backend not in ticket_systems:
            raise ConfigurationError(
                f"target_backend {target_backend!r} is no ticket system "
                f"({', '.join(ticket_systems)})"
            )
        return target_backend
    for name in ticket_systems:
        if CONNECTION_SPECS[name].default_conn_name == target_conn_id:
            return name
    return None


def _outlets(target_conn_id: str | None, target_backend: str | None) -> list[Any]:
    backend = target_backend_of(target_conn_id or "", target_backend)
    return [] if backend is None else [servicehub_asset(backend, TICKETS)]


class LinkServiceCasesOperator(BaseOperator):
    """Create a ticket for every unlinked service case and write its id back to the case.

    Every task sharing one journal creates at most one ticket per case, whether its runs
    overlap, are retried or die half-way (see "Running at scale"). Map the operator over
    `shard` to split one run between tasks:

    ```python
    LinkServiceCasesOperator.partial(
        task_id="link", target_conn_id="helpdesk", journal_conn_id="link_journal", shards=4
    ).expand(shard=[0, 1, 2, 3])
    ```

    Args:
        target_conn_id: the connection of a ticket system (a backend whose spec declares a
            ticket target, e.g. `servicehub_supportcenter`): where tickets are created.
        ssh_conn_id: the `servicehub_ssh` connection.
        journal: a SQLite file (tasks on one host) or a `postgresql://` URL (templated).
        journal_conn_id: instead of `journal`, an Airflow PostgreSQL connection.
        shard, shards: link only the cases of shard `shard` (0 … `shards` - 1) (templated).
        limit: link at most this many cases (of the shard) (templated).
        view: the service-case view (`SERVICE_PROVIDER` by default).
        lease_seconds: how long a claim of a task that died blocks the others.
        dry_run: report what would be linked, change nothing.
        target_options: arguments of the ticket target that win over the target
            connection's (`customer_id`, `requester`, `table`...) (templated).
        fail_on_failed: fail the task when a case failed (after pushing the summary).
        target_backend: the ticket system's backend (`supportcenter`...), for the outlet;
            not needed when `target_conn_id` is a backend's default connection.

    Returns (as XCom) the report's summary: `counts` by action (`linked`, `unchanged` when
    another task held the case, `failed`), `total`, the failed rows, and `shard`.

    Its outlet is the asset `servicehub://<target backend>/tickets` (unless `outlets=` says
    otherwise): DAGs scheduled on it run after tickets were linked. Its OpenLineage input is
    `servicehub://ssh` `service_cases`, its outputs the target's `tickets` and the service
    cases (their external IDs).
    """

    template_fields: Sequence[str] = ("journal", "shard", "shards", "limit", "target_options")

    def __init__(
        self,
        *,
        target_conn_id: str,
        ssh_conn_id: str = CONNECTION_SPECS["ssh"].default_conn_name,
        journal: str | None = None,
        journal_conn_id: str | None = None,
        shard: int | str | None = None,
        shards: int | str | None = None,
        limit: int | str | None = None,
        view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        dry_run: bool = False,
        target_options: Mapping[str, Any] | None = None,
        fail_on_failed: bool = True,
        target_backend: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("outlets", _outlets(target_conn_id, target_backend))
        super().__init__(**kwargs)
        if (journal is None) == (journal_conn_id is None):
            raise ConfigurationError("give the link journal as journal= or journal_conn_id=")
        self.target_conn_id = target_conn_id
        self.ssh_conn_id = ssh_conn_id
        self.journal = journal
        self.journal_conn_id = journal_conn_id
        self.shard = shard
        self.shards = shards
        self.limit = limit
        self.view = str(view)
        self.lease_seconds = lease_seconds
        self.dry_run = dry_run
        self.target_options = dict(target_options or {})
        self.fail_on_failed = fail_on_failed
        self.target_backend = target_backend_of(target_conn_id, target_backend)

    @classmethod
    def partial(cls, **kwargs: Any) -> Any:
        """`BaseOperator.partial`, with the outlet `__init__` declares (mapped tasks are
        made without calling `__init__` when the DAG is parsed)."""
        kwargs.setdefault(
            "outlets", _outlets(kwargs.get("target_conn_id"), kwargs.get("target_backend"))
        )
        return super().partial(**kwargs)

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage's `OperatorLineage`: Secure Service Hub's service cases in, the
        target's tickets and the service cases (their external IDs) out (`None` without the
        OpenLineage provider)."""
        cases = servicehub_dataset("ssh", "service_cases")
        outputs = [cases]
        if self.target_backend is not None:
            outputs.insert(0, servicehub_dataset(self.target_backend, TICKETS))
        return operator_lineage([cases], outputs)

    def _shard(self) -> Shard | None:
        if self.shard is None and self.shards is None:
            return None
        if self.shard is None or self.shards is None:
            raise ConfigurationError("shard and shards go together")
        return Shard(int(self.shard), int(self.shards))

    def execute(self, context: Any) -> dict[str, Any]:
        shard = self._shard()
        target_hook = ServiceHubHook.get_hook(self.target_conn_id)
        if not isinstance(target_hook, TicketSystemHook):
            kinds = [
                spec.conn_type
                for name, spec in CONNECTION_SPECS.items()
                if backends[name].help_desk is not None
            ]
            raise ConfigurationError(
                f"target_conn_id {self.target_conn_id!r} is no ticket system connection "
                f"({', '.join(kinds)})"
            )
        self.target_backend = target_hook.spec.backend
        journal = (
            self.journal if self.journal_conn_id is None else journal_url(self.journal_conn_id)
        )
        limit = int(self.limit) if self.limit not in (None, "") else None
        with (
            ServiceHubSSHHook(self.ssh_conn_id).get_client() as hub,
            target_hook.get_client() as client,
        ):
            report = link_service_cases(
                hub,
                target_hook.help_desk(client, **self.target_options),
                journal=journal or "",
                view=self.view,
                limit=limit,
                dry_run=self.dry_run,
                lease_seconds=self.lease_seconds,
                shard=shard,
            )
        self.log.info("Service cases%s: %s", f" of shard {shard}" if shard else "", report)
        summary = summarize(report, shard=str(shard) if shard else None)
        return finish(context, summary, fail_on_failed=self.fail_on_failed)
