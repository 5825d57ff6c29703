"""`cec.service_ticket_types`: the configured ticket types (`GET serviceTicketTypes`)."""

from __future__ import annotations

from typing import Unpack

from ..core._client import M, Resource, paged
from ..core._pagination import Page
from ..core._request import Call, ListOptions
from ._context import CECenterContext
from ._models import ServiceTicketType
from ._wire import one_page

__all__ = ["ServiceTicketTypes"]


class ServiceTicketTypes(Resource[M, CECenterContext]):
    """Configured ticket types (`GET serviceTicketTypes`), with the client token."""

    @paged
    def list(self, **options: Unpack[ListOptions]) -> Call[Page[ServiceTicketType]]:
        """Every configured service ticket type, as a one-page pager (the API does not page)."""
        return one_page("serviceTicketTypes", ServiceTicketType, "list serviceTicketTypes")
