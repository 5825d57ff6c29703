"""`cec.service_ticket_statuses`: the allowed ticket statuses (`GET serviceTicketStatus`)."""

from __future__ import annotations

from typing import Unpack

from ..core._client import M, Resource, paged
from ..core._pagination import Page
from ..core._request import Call, ListOptions
from ._context import CECenterContext
from ._models import ServiceTicketStatus
from ._wire import one_page

__all__ = ["ServiceTicketStatuses"]


class ServiceTicketStatuses(Resource[M, CECenterContext]):
    """Allowed ticket statuses (`GET serviceTicketStatus`), with the client token."""

    @paged
    def list(self, **options: Unpack[ListOptions]) -> Call[Page[ServiceTicketStatus]]:
        """Every allowed service ticket status, as a one-page pager (the API does not page)."""
        return one_page("serviceTicketStatus", ServiceTicketStatus, "list serviceTicketStatus")
