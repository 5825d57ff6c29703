"""`fsm.partners`: the Crowd Partner API's methods 1.5, 1.9 and 1.10, and the sub-resource
handles of 1.6 to 1.8 (`fsm.partners.addresses(partner_id).list()`, …)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Unpack

import httpx

from ..core._boundary import path_segment
from ..core._client import M, Resource, operation, paged
from ..core._errors import NotFoundError, PermissionDeniedError, RequestValidationError
from ..core._jsonbody import read_json
from ..core._models import validate_input
from ..core._pagination import Page, PageData, counter_pages
from ..core._request import Call, CallOptions, Flow, ListOptions, Step
from ._client_context import FSMClientContext
from ._context import FSMContext
from ._models import (
    Partner,
    PartnerInput,
    PartnerUpdate,
    areas_as_documented,
)
from ._partner_parts import (
    PartnerAddresses,
    PartnerContacts,
    PartnerServiceAreas,
    part_call,
)
from ._wire import first_result, results, service_call

__all__ = ["Partners"]

_SCAN_PAGE_SIZE = 100


def _page_call(
    context: FSMContext, number: int, size: int, offset: int | None, sort: Sequence[str] | None
) -> Call[PageData[Partner]]:
    params: dict[str, Any] = {"page": number, "size": size}
    if offset is not None:
        params["offset"] = offset
    if sort:
        params["sort"] = list(sort)

    def parse(response: httpx.Response) -> PageData[Partner]:
        body = read_json(response, expect=dict)
        items = [Partner.model_validate(x) for x in results(response, body)]
        last = body.get("last")
        total = body.get("totalElements")
        return PageData(
            items=items,
            has_more=None if not isinstance(last, bool) else not last,
            total=total if isinstance(total, int) else None,
        )

    return service_call(context, "GET", "partners", parse, params=params, name="FSM GET partners")


def _partner_id(partner_id: str) -> str:
    """The id, refused before any request (also the secure hash's) when it is not a usable
    path segment."""
    if not isinstance(partner_id, str) or not partner_id.strip():
        raise RequestValidationError("partner_id must be a non-empty string")
    path_segment(partner_id, field="partner_id")
    return partner_id


class Partners(Resource[M, FSMClientContext]):
    """Crowd partners (methods 1.5 to 1.10)."""

    @paged
    def list(
        self,
        *,
        page: int = 0,
        size: int = 100,
        offset: int | None = None,
        sort: Sequence[str] | None = None,
        **options: Unpack[ListOptions],
    ) -> Step[Page[Partner]]:
        """Every crowd partner, page by page (`GET partners`).

        `page` is the 0-based first page, `size` the page size, `offset` the document's
        `Offset` parameter (sent as given on every page), `sort` criteria such as
        `["name,desc", "id"]`. The listing follows the service's Spring-style pages and stops
        on the page marked `last` (or a short page).
        """
        if size < 1 or page < 0 or (offset is not None and offset < 0):
            raise RequestValidationError("size must be at least 1, page and offset 0 or more")
        return self._context.listing(
            lambda context: counter_pages(
                lambda number: _page_call(context, number, size, offset, sort),
                start=page,
                step=1,
                page_size=size,
            )
        )

    def addresses(self, partner_id: str) -> PartnerAddresses[M]:
        """The partner's addresses: `.list()` (`GET partners/{id}/addresses`)."""
        return PartnerAddresses(self._context, _partner_id(partner_id))

    def contacts(self, partner_id: str) -> PartnerContacts[M]:
        """The partner's contacts: `.list()` (`GET partners/{id}/contacts`)."""
        return PartnerContacts(self._context, _partner_id(partner_id))

    def service_areas(self, partner_id: str) -> PartnerServiceAreas[M]:
        """The partner's service areas: `.list()` (`GET partners/{id}/service-areas`)."""
        return PartnerServiceAreas(self._context, _partner_id(partner_id))

    @operation
    def create(
        self, partner: PartnerInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Flow[Partner]:
        """Create a crowd partner with its address, contacts and service areas
        (`POST dispatch/accept`, 201).

        Sends `X-Secure-Hash`: the cached hash, else the existing one, else a new one; if the
        service refuses a cached hash (403), it is fetched again once. The create itself is
        not retried once it may have reached the server.
        """
        body = validate_input(PartnerInput, partner).to_wire()
        context = yield from self._context.resolve()
        refresh = False
        while True:
            secure = yield from self._context.hashes.header(context, refresh=refresh)
            try:
                created: Partner = yield service_call(
                    context,
                    "POST",
                    "dispatch/accept",
                    lambda r: Partner.model_validate(first_result(r)),
                    json=body,
                    headers=secure,
                    name="FSM POST dispatch/accept",
                ).creating()
            except PermissionDeniedError:
                if refresh:
                    raise
                refresh = True
                continue
            return created

    @operation
    def update(
        self,
        partner_id: str,
        changes: PartnerUpdate | Mapping[str, Any],
        **options: Unpack[CallOptions],
    ) -> Flow[Partner]:
        """Change some fields of a crowd partner, keeping the rest (`PUT partners/{id}`).

        The service's PUT replaces the whole partner, so this reads the current record first
        — its listing entry (`GET partners`, scanned page by page) and its address, contacts
        and service areas (`GET partners/{id}/…`) — merges the changes in (`address` field by
        field; `contacts` and `service_areas`, when given, replace the lists) and sends the
        result. What was read is sent back as the service sent it. Use `replace` to send a
        whole record without reading.

        Raises:
            NotFoundError: no partner has that id.
        """
        partner_id = _partner_id(partner_id)
        update = validate_input(PartnerUpdate, changes).model_dump(
            mode="json", by_alias=True, exclude_unset=True
        )
        context = yield from self._context.resolve()
        current = yield from self._current(context, partner_id)
        address = update.pop("address", None)
        body = {**current, **update, "id": partner_id}
        if address is not None:
            body["address"] = {**(current.get("address") or {}), **address}
        return (yield from self._put(context, partner_id, areas_as_documented(body)))

    @operation
    def replace(
        self,
        partner_id: str,
        partner: PartnerInput | Mapping[str, Any],
        **options: Unpack[CallOptions],
    ) -> Flow[Partner]:
        """Replace a crowd partner and its sub-resources with `partner` (`PUT partners/{id}`).

        What `partner` leaves out (address, contacts, service areas) is removed: the service's
        PUT replaces. Use `update` to change some fields only.
        """
        partner_id = _partner_id(partner_id)
        body = {**validate_input(PartnerInput, partner).to_wire(), "id": partner_id}
        context = yield from self._context.resolve()
        return (yield from self._put(context, partner_id, body))

    def _put(self, context: FSMContext, partner_id: str, body: dict[str, Any]) -> Flow[Partner]:
        # Section 1.4 requires X-Secure-Hash on PUT, though the table of 1.10 leaves it out.
        secure = yield from self._context.hashes.header(context)
        updated: Partner = yield service_call(
            context,
            "PUT",
            f"partners/{path_segment(partner_id, field='partner_id')}",
            lambda r: Partner.model_validate(first_result(r)),
            json=body,
            headers=secure,
            name="FSM PUT partners/{id}",
        )
        return updated

    def _current(self, context: FSMContext, partner_id: str) -> Flow[dict[str, Any]]:
        """The partner's record as the service sends it: listing entry and sub-resources."""
        entry: dict[str, Any] | None = None
        number = 0
        while entry is None:
            entry = yield _page_call(context, number, _SCAN_PAGE_SIZE, None, None).with_parse(
                lambda r: _entry(r, partner_id)
            )
            number += 1
        record = {k: v for k, v in entry.items() if k not in ("syncStatus", "contact")}
        for path, field in (
            ("addresses", "address"),
            ("contacts", "contacts"),
            ("service-areas", "serviceAreas"),
        ):
            rows: list[Any] = yield part_call(context, partner_id, path, results)
            record[field] = (rows[0] if rows else None) if field == "address" else rows
        record.pop("serviceArea", None)
        if record.get("address") is None:
            record.pop("address")
        return record


def _entry(response: httpx.Response, partner_id: str) -> dict[str, Any] | None:
    """The partner's entry on this listing page; `None` when a later page may hold it."""
    rows = results(response)
    for row in rows:
        if isinstance(row, dict) and row.get("id") == partner_id:
            return row
    last = read_json(response, expect=dict).get("last")
    listing_ended = last if isinstance(last, bool) else len(rows) < _SCAN_PAGE_SIZE
    if listing_ended:
        raise NotFoundError(
            f"crowd partner {partner_id!r} is not in the partner list",
            response=response,
            status_code=404,
            may_have_been_applied=False,
        )
    return None
