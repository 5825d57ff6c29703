"""A crowd partner's sub-resources as handles: `fsm.partners.addresses(partner_id).list()`,
`.contacts(partner_id).list()`, `.service_areas(partner_id).list()` (methods 1.6 to 1.8).

Each `list()` is a one-page pager: the service answers these with one `results` list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar, Unpack

import httpx

from ..core._boundary import path_segment
from ..core._client import M, Resource, paged
from ..core._pagination import Page
from ..core._request import Call, ListOptions, Step
from ._client_context import FSMClientContext
from ._context import FSMContext
from ._models import Contact, PartnerAddress, ServiceArea
from ._wire import results, service_call

__all__ = ["PartnerAddresses", "PartnerContacts", "PartnerServiceAreas", "part_call"]

T = TypeVar("T")


def part_call(
    context: FSMContext, partner_id: str, path: str, parse: Callable[[httpx.Response], T]
) -> Call[T]:
    """`GET partners/{partner_id}/{path}` read by `parse`."""
    return service_call(
        context,
        "GET",
        f"partners/{path_segment(partner_id, field='partner_id')}/{path}",
        parse,
        name=f"FSM GET partners/{{id}}/{path}",
    )


class _PartnerPart(Resource[M, FSMClientContext], Generic[M, T]):
    path: ClassVar[str]
    model: ClassVar[type[Any]]

    def __init__(self, context: FSMClientContext, partner_id: str) -> None:
        super().__init__(context)
        self.partner_id = partner_id

    def _list(self) -> Step[Page[T]]:
        def parse(response: httpx.Response) -> Page[T]:
            return Page(items=[self.model.model_validate(row) for row in results(response)])

        return self._context.listing(
            lambda context: part_call(context, self.partner_id, self.path, parse)
        )


class PartnerAddresses(_PartnerPart[M, PartnerAddress]):
    """A partner's addresses (`partners/{id}/addresses`)."""

    path = "addresses"
    model = PartnerAddress

    @paged
    def list(self, **options: Unpack[ListOptions]) -> Step[Page[PartnerAddress]]:
        """The partner's addresses (`GET partners/{id}/addresses`), as a one-page pager."""
        return self._list()


class PartnerContacts(_PartnerPart[M, Contact]):
    """A partner's contacts (`partners/{id}/contacts`)."""

    path = "contacts"
    model = Contact

    @paged
    def list(self, **options: Unpack[ListOptions]) -> Step[Page[Contact]]:
        """The partner's contacts (`GET partners/{id}/contacts`), as a one-page pager."""
        return self._list()


class PartnerServiceAreas(_PartnerPart[M, ServiceArea]):
    """A partner's service areas (`partners/{id}/service-areas`)."""

    path = "service-areas"
    model = ServiceArea

    @paged
    def list(self, **options: Unpack[ListOptions]) -> Step[Page[ServiceArea]]:
        """The partner's service areas (`GET partners/{id}/service-areas`), as a one-page
        pager."""
        return self._list()
