"""`SyncMasterDataOperator`: ERP master data from files or object storage into Secure Service
Hub (`servicehub_sdk.integrations.sync_master_data`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from airflow.sdk import BaseOperator

from ...integrations import sync_master_data
from .._assets import servicehub_asset
from .._connections import CONNECTION_SPECS
from ..hooks._ssh import ServiceHubSSHHook
from ._lineage import file_dataset, operator_lineage, servicehub_dataset
from ._report import finish, summarize

__all__ = ["MASTER_DATA_RESOURCES", "SyncMasterDataOperator"]

MASTER_DATA_RESOURCES = ("machine_models", "customers", "customer_machines")
"""The Secure Service Hub resources a master-data sync writes (`hub.<resource>`)."""


@contextmanager
def local_files(sources: Sequence[str]) -> Iterator[list[str]]:
    """Local paths of `sources`: paths as given; URIs (`s3://…`, `gs://…`, `file://…`) copied
    into a temporary directory under their own file names, which name their kind."""
    with tempfile.TemporaryDirectory(prefix="servicehub-master-data-") as workdir:
        paths = []
        for source in sources:
            if "://" not in source:
                paths.append(source)
                continue
            from airflow.sdk import ObjectStoragePath

            remote = ObjectStoragePath(source)
            local = Path(workdir) / remote.name
            local.write_bytes(remote.read_bytes())
            paths.append(str(local))
        yield paths


class SyncMasterDataOperator(BaseOperator):
    """Create or update machine models, customers and customer machines in Secure Service Hub
    from CSV, JSON Lines or JSON files, by external ID; safe to re-run.

    Args:
        source: a file or a list of files (templated): local paths, or URIs Airflow's object
            storage reads (`s3://bucket/customers.csv`, with the connection of the scheme).
            The kind comes from a `kind` column or the file name (`customers.csv`...).
        ssh_conn_id: the `servicehub_ssh` connection.
        service_organisation: the service organisation (id or name) of customers that name
            none (templated).
        dry_run: plan only, write nothing.
        report_path: also write every row of the report here (templated; `.json` or CSV).
        fail_on_failed: fail the task when a record failed (after pushing the summary).

    Returns (as XCom) the report's summary: `counts` by action, `total`, `failed_count` and
    the first failed rows with their reasons.

    Its outlets are the assets `servicehub://ssh/machine_models`, `…/customers` and
    `…/customer_machines` (unless `outlets=` says otherwise); its OpenLineage inputs are the
    source files, its outputs those three resources.
    """

    template_fields: Sequence[str] = ("source", "service_organisation", "report_path")

    def __init__(
        self,
        *,
        source: str | Sequence[str],
        ssh_conn_id: str = CONNECTION_SPECS["ssh"].default_conn_name,
        service_organisation: str | None = None,
        dry_run: bool = False,
        report_path: str | None = None,
        fail_on_failed: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("outlets", _outlets())
        super().__init__(**kwargs)
        self.source = source
        self.ssh_conn_id = ssh_conn_id
        self.service_organisation = service_organisation
        self.dry_run = dry_run
        self.report_path = report_path
        self.fail_on_failed = fail_on_failed

    @classmethod
    def partial(cls, **kwargs: Any) -> Any:
        """`BaseOperator.partial`, with the outlets `__init__` declares."""
        kwargs.setdefault("outlets", _outlets())
        return super().partial(**kwargs)

    def _sources(self) -> list[str]:
        return [self.source] if isinstance(self.source, str) else list(self.source)

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage's `OperatorLineage`: the source files in, the three Secure Service Hub
        resources out (`None` without the OpenLineage provider)."""
        return operator_lineage(
            [file_dataset(source) for source in self._sources()],
            [servicehub_dataset("ssh", resource) for resource in MASTER_DATA_RESOURCES],
        )

    def execute(self, context: Any) -> dict[str, Any]:
        sources = self._sources()
        hook = ServiceHubSSHHook(self.ssh_conn_id)
        with local_files(sources) as paths, hook.get_client() as hub:
            report = sync_master_data(
                hub,
                paths,
                dry_run=self.dry_run,
                service_organisation=self.service_organisation or None,
            )
        self.log.info("Master data: %s", report)
        if self.report_path:
            path = Path(self.report_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            _ = report.to_json(path) if path.suffix == ".json" else report.to_csv(path)
        return finish(context, summarize(report), fail_on_failed=self.fail_on_failed)


def _outlets() -> list[Any]:
    return [servicehub_asset("ssh", resource) for resource in MASTER_DATA_RESOURCES]
