"""`hub.service_organisations`: the service organisations customers belong to."""

from __future__ import annotations

from typing import Unpack

from ..core._client import M, Resource, paged
from ..core._pagination import Page
from ..core._request import ListOptions, Step
from ._context import SSHContext
from ._models import ServiceOrganisation

__all__ = ["ServiceOrganisations"]


class ServiceOrganisations(Resource[M, SSHContext]):
    """Service organisations (`serviceOrganisationsPaginated`); created by hand in the portal."""

    @paged
    def list(
        self, *, page_size: int = 100, **options: Unpack[ListOptions]
    ) -> Step[Page[ServiceOrganisation]]:
        """Every service organisation with its `id`, `name` and `description`."""
        return self._context.listing(
            "serviceOrganisationsPaginated",
            "ServiceOrganisation",
            ServiceOrganisation,
            page_size=page_size,
        )
