"""`spice.companies`: the company listing (`companyList`)."""

from __future__ import annotations

from typing import Unpack

from ..core._client import M
from ..core._http import Flow
from ..core._request import ListOptions
from ._listing import flow_listing
from ._models import CompanyRow
from ._rpc import SpiceResource

__all__ = ["Companies"]


class Companies(SpiceResource[M]):
    """SpiceCSM companies (brands' owners)."""

    @flow_listing
    def list(self, **options: Unpack[ListOptions]) -> Flow[list[CompanyRow]]:
        """The companies (`companyList(session)`), as a one-page listing; a single company,
        which SpiceCSM sends as a bare object, is a list of one."""
        return self._rpc.rows("companyList", [], CompanyRow)
