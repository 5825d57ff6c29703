"""`spice.companies`: the company listing (`companyList`)."""

from __future__ import annotations

from typing import Any, Unpack

from ..core._client import M, Resource
from ..core._http import Flow
from ..core._request import ListOptions
from ._listing import flow_listing

__all__ = ["Companies"]


class Companies(Resource[M]):
    """SpiceCSM companies (brands' owners)."""

    @flow_listing
    def list(self, **options: Unpack[ListOptions]) -> Flow[list[dict[str, Any]]]:
        """The companies (`companyList(session)`), as a one-page listing; a single company,
        which SpiceCSM sends as a bare object, is a list of one."""
        return self._client._rows("companyList", [])  # type: ignore[attr-defined, no-any-return]
