"""`cec.service_tickets`: a customer's service tickets (`/{tenant}/serviceTickets`), sent with
the customer's token."""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, ClassVar, Unpack

import httpx

from ..core._boundary import path_segment
from ..core._changes import Change, change_of, changed_pages
from ..core._client import (
    M,
    Resource,
    operation,
    paged,
)
from ..core._cursor import DEFAULT_OVERLAP, UpdatedSince
from ..core._errors import ConfigurationError, RequestValidationError
from ..core._models import validate_input
from ..core._pagination import Page
from ..core._request import Call, CallOptions, ListOptions, Step
from ._context import CECenterContext
from ._models import ServiceTicket, ServiceTicketInput, ServiceTicketUpdate
from ._query import TicketQuery, query_param, sort_param
from ._wire import (
    MAX_PAGE_SIZE,
    created_id,
    json_body,
    paged_call,
)

__all__ = ["ServiceTickets"]

# Filled in by the service for reading; never sent back.
TRANSIENT = (
    "typeDescription",
    "statusDescription",
    "priorityDescription",
    "customerEmail",
    "customerTitle",
    "customerFirstName",
    "customerLastName",
    "productName",
)


def _ticket_id(ticket_id: str) -> str:
    return path_segment(ticket_id, field="ticket_id")


def persisted(ticket: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket as read, without its transient fields (`classification.description` too)."""
    body = {k: v for k, v in ticket.items() if k not in TRANSIENT}
    classification = body.get("classification")
    if isinstance(classification, dict):
        body["classification"] = {k: v for k, v in classification.items() if k != "description"}
    return body


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _ticket_change(ticket: ServiceTicket, *, since: datetime | None) -> Change[ServiceTicket]:
    return change_of(
        ticket,
        since=since,
        updated_at=_aware(ticket.change_date_time),
        created_at=_aware(ticket.creation_date_time),
    )


def changed_since(since: datetime, overlap: timedelta) -> TicketQuery:
    """`changeDateTime>="<since - overlap>"`, in the service's own timestamp form
    (`2016-11-22T06:23:02.000+0000`, UTC; milliseconds rounded down)."""
    start = UpdatedSince(since, overlap).ask_from().astimezone(UTC)
    stamp = start.strftime("%Y-%m-%dT%H:%M:%S.") + f"{start.microsecond // 1000:03d}+0000"
    return TicketQuery().gte("changeDateTime", stamp)


class ServiceTickets(Resource[M, CECenterContext]):
    """A customer's service tickets (`/{tenant}/serviceTickets`), sent with the customer token."""

    _change_model: ClassVar[type[ServiceTicket]] = ServiceTicket
    _changes_filter_server_side: ClassVar[bool] = True

    def _customer(self) -> httpx.Auth:
        customer_auth = self._context.customer_auth
        if customer_auth is None:
            raise ConfigurationError(
                "service tickets are customer-scoped: give customer_email and customer_password, "
                "or customer_token (or use with_customer(...))"
            )
        return customer_auth

    @paged
    def list(
        self,
        *,
        q: TicketQuery | str | None = None,
        sort: Sequence[str] | str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        **options: Unpack[ListOptions],
    ) -> Call[Page[ServiceTicket]]:
        """The customer's tickets, page by page (`GET serviceTickets`, `pageNumber`/`pageSize`
        up to 64, following `Link: rel="next"`). `q` and `sort` refuse transient fields."""
        params: dict[str, Any] = {}
        if (query := query_param(q)) is not None:
            params["q"] = query
        if (order := sort_param(sort)) is not None:
            params["sort"] = order
        return paged_call(
            "serviceTickets",
            params,
            ServiceTicket,
            self._customer(),
            page_size,
            "list serviceTickets",
            self._context,
        )

    @paged
    def changes(
        self,
        *,
        since: datetime | None = None,
        overlap: timedelta = DEFAULT_OVERLAP,
        page_size: int = MAX_PAGE_SIZE,
        **options: Unpack[ListOptions],
    ) -> Step[Page[Change[ServiceTicket]]]:
        """The customer's tickets changed since `since`, each as a `Change` (`created` when
        their `creationDateTime` is since then too); every ticket, as `created`, without
        `since`.

        Filtered by the server: `GET serviceTickets` with the query
        `q=changeDateTime>="<since - overlap>"`, one request per `page_size` changed tickets
        (at most 64). The document gives `q` the Document service's query syntax, whose terms
        include ranges (`size<4`), and allows any persisted field in it: `changeDateTime` is
        persisted (only descriptions, customer and product names are transient). The overlap (60 seconds by default) takes in changes
        stamped late or by a clock behind this one, so a ticket changed in the overlap
        before `since` is listed too; a ticket read twice with the same `changeDateTime`
        (pages shifting while they are read) is listed once. `updated_at` is
        `changeDateTime`. Alone it says what changed as far as `changeDateTime` tells
        (deleted tickets are not listed); a `ChangeFeed` over it is exact and finds deletions
        with its complete scans.
        """
        query: TicketQuery | None = None
        if since is not None:
            if since.tzinfo is None:
                raise RequestValidationError("since must be timezone-aware (for example in UTC)")
            if overlap < timedelta(0):
                raise RequestValidationError(f"overlap must not be negative, not {overlap}")
            query = changed_since(since, overlap)
        listing = ServiceTickets.list.fn(self, q=query, page_size=page_size)
        return changed_pages(listing, partial(_ticket_change, since=since))

    def _get(self, ticket_id: str, parse: Any = ServiceTicket.model_validate) -> Call[Any]:
        return Call(
            "GET",
            f"serviceTickets/{_ticket_id(ticket_id)}",
            parse=lambda r: parse(json_body(r)),
            auth=self._customer(),
            name="get serviceTicket",
        )

    @operation
    def get(self, ticket_id: str, **options: Unpack[CallOptions]) -> Call[ServiceTicket]:
        """One ticket (`GET serviceTickets/{id}`).

        Raises:
            NotFoundError: no ticket of this customer has that id.
        """
        return self._get(ticket_id)

    @operation
    def create(
        self, ticket: ServiceTicketInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Call[ServiceTicket]:
        """Create a ticket (`POST serviceTickets`, 201); the id comes from `Location`. Not
        retried once sent."""
        body = validate_input(ServiceTicketInput, ticket).to_wire()

        def parse(response: httpx.Response) -> ServiceTicket:
            data = json_body(response)
            data = data if isinstance(data, dict) else {}
            ticket_id = data.get("id") or created_id(response)
            return ServiceTicket.model_validate({**body, **data, "id": ticket_id})

        return Call(
            "POST",
            "serviceTickets",
            json=body,
            parse=parse,
            auth=self._customer(),
            name="create serviceTicket",
        ).creating()

    @operation
    def update(
        self,
        ticket_id: str,
        changes: ServiceTicketUpdate | Mapping[str, Any],
        **options: Unpack[CallOptions],
    ) -> Generator[Call[Any], Any, ServiceTicket]:
        """Change some fields of a ticket and return it as stored.

        The service's PUT replaces the ticket (the document's example sends the whole ticket it
        read), so this reads it (`GET serviceTickets/{id}`), merges the changes in, sends the
        result without the transient fields (`PUT serviceTickets/{id}`, 204, no body) and reads
        the ticket again to return what the service stored. A customer may set the status only
        to OPEN or CONFIRMED.
        """
        path_id = _ticket_id(ticket_id)
        update = validate_input(ServiceTicketUpdate, changes).to_wire()
        current: dict[str, Any] = yield self._get(ticket_id, parse=_mapping)
        body = {**persisted(current), **update, "id": current.get("id") or ticket_id}
        yield Call(
            "PUT",
            f"serviceTickets/{path_id}",
            json=body,
            parse=lambda r: None,
            auth=self._customer(),
            name="update serviceTicket",
        )
        stored: ServiceTicket = yield self._get(ticket_id)
        return stored

    @operation
    def delete(self, ticket_id: str, **options: Unpack[CallOptions]) -> Call[None]:
        """Delete a ticket (`DELETE serviceTickets/{id}`, 204)."""
        return Call(
            "DELETE",
            f"serviceTickets/{_ticket_id(ticket_id)}",
            parse=lambda r: None,
            auth=self._customer(),
            name="delete serviceTicket",
        )


def _mapping(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body
