"""`UnlinkedServiceCasesSensor`: wait until Secure Service Hub has service cases without an
external ID."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from ...ssh import ServiceCaseView
from .._connections import CONNECTION_SPECS
from ..hooks._ssh import ServiceHubSSHHook

__all__ = ["UnlinkedServiceCasesSensor"]


class UnlinkedServiceCasesSensor(BaseSensorOperator):
    """Succeeds once at least `min_cases` service cases are unlinked
    (`hub.service_cases.list_unlinked()`, which reads the cases page by page and stops as soon
    as it found enough).

    Args:
        ssh_conn_id: the `servicehub_ssh` connection.
        min_cases: how many unlinked cases to wait for (templated).
        view: the service-case view (`SERVICE_PROVIDER` by default).

    Pushes (as XCom) the ids of the unlinked cases found, at most `min_cases` of them. Use
    `mode="reschedule"` to free the worker slot between pokes.
    """

    template_fields: Sequence[str] = ("min_cases",)

    def __init__(
        self,
        *,
        ssh_conn_id: str = CONNECTION_SPECS["ssh"].default_conn_name,
        min_cases: int = 1,
        view: ServiceCaseView | str = ServiceCaseView.SERVICE_PROVIDER,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.ssh_conn_id = ssh_conn_id
        self.min_cases = min_cases
        self.view = str(view)

    def poke(self, context: Any) -> PokeReturnValue:
        wanted = int(self.min_cases)
        with ServiceHubSSHHook(self.ssh_conn_id).get_client() as hub:
            found = hub.service_cases.list_unlinked(view=self.view).to_list(wanted)
        self.log.info("%d unlinked service cases found (waiting for %d)", len(found), wanted)
        return PokeReturnValue(is_done=len(found) >= wanted, xcom_value=[case.id for case in found])
