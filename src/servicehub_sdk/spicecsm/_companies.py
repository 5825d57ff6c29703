"""`spice.companies`: the company listing (`companyList`)."""

from __future__ import annotations

from typing import Unpack

from ..core._client import M, Resource, paged
from ..core._pagination import Page
from ..core._request import ListOptions, Step
from ._context import SpiceCSMContext
from ._models import CompanyRow

__all__ = ["Companies"]


class Companies(Resource[M, SpiceCSMContext]):
    """SpiceCSM companies (brands' owners)."""

    @paged
    def list(self, **options: Unpack[ListOptions]) -> Step[Page[CompanyRow]]:
        """The companies (`companyList(session)`), as a one-page listing of `CompanyRow`s; a single company,
        which SpiceCSM sends as a bare object, is a list of one."""
        return self._context.page("companyList", [], CompanyRow)
