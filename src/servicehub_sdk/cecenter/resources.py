"""CECenter Mashup resources: service tickets (customer-scoped), ticket types and statuses,
interaction logs, chat transcripts, and the customer signup/login of the tutorial."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

import httpx

from ..core.client import ClientBase, M, Resource, operation, paged
from ..core.errors import ConfigurationError, RequestValidationError, ResponseValidationError
from ..core.models import validate_input
from ..core.pagination import Page
from ..core.request import USE_CLIENT_AUTH, Call, CallOptions, ListOptions
from .models import (
    ChatTranscript,
    Customer,
    CustomerLogin,
    InteractionLog,
    InteractionLogInput,
    ServiceTicket,
    ServiceTicketInput,
    ServiceTicketStatus,
    ServiceTicketType,
    TicketStatus,
)
from .query import TicketQuery, query_param, sort_param

__all__ = [
    "ChatTranscripts",
    "Customers",
    "InteractionLogs",
    "ServiceTicketStatuses",
    "ServiceTicketTypes",
    "ServiceTickets",
    "next_link",
]

MAX_PAGE_SIZE = 64
_LINK = re.compile(r"""<([^>]*)>\s*;\s*rel\s*=\s*["']?([^"';,\s]+)["']?""")


def next_link(header: str | None) -> str | None:
    """The `rel="next"` URL of a `Link` header (single, double or no quotes)."""
    for url, rel in _LINK.findall(header or ""):
        if rel.lower() == "next" and url:
            return str(url)
    return None


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise ResponseValidationError("the answer is not JSON", response=response) from None


def _rows(response: httpx.Response) -> list[Any]:
    body = _json(response)
    if body is None:
        return []
    if not isinstance(body, list):
        raise ResponseValidationError("expected a JSON array", response=response)
    return body


def _created_id(response: httpx.Response) -> str | None:
    location = response.headers.get("location")
    if location:
        return str(location).rstrip("/").rsplit("/", 1)[-1]
    return None


def _paged(
    url: str, params: dict[str, Any], model: type[Any], auth: Any, page_size: int, name: str
) -> Call[Page[Any]]:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise RequestValidationError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}"
        )

    def call(target: str, query: dict[str, Any] | None) -> Call[Page[Any]]:
        def parse(response: httpx.Response) -> Page[Any]:
            items = [model.model_validate(row) for row in _rows(response)]
            following = next_link(response.headers.get("link"))
            count = response.headers.get("hybris-count")
            total = int(count) if count and count.isdigit() else None
            if following is None and len(items) >= page_size and query is not None:
                following_call = call(url, {**query, "pageNumber": query["pageNumber"] + 1})
            elif following is not None:
                following_call = call(following, None)
            else:
                following_call = None
            return Page(items=items, next=following_call if items else None, total=total)

        return Call("GET", target, params=query, parse=parse, auth=auth, name=name)

    return call(url, {**params, "pageNumber": 1, "pageSize": page_size, "totalCount": "true"})


class _Scoped(Resource[M]):
    def __init__(self, client: ClientBase[M], customer_auth: httpx.Auth | None) -> None:
        super().__init__(client)
        self._customer_auth = customer_auth

    def _customer(self) -> httpx.Auth:
        if self._customer_auth is None:
            raise ConfigurationError(
                "service tickets are customer-scoped: give customer_email and customer_password, "
                "or customer_token (or use with_customer(...))"
            )
        return self._customer_auth


class ServiceTickets(_Scoped[M]):
    """A customer's service tickets (`/{tenant}/serviceTickets`), sent with the customer token."""

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
        return _paged(
            "serviceTickets",
            params,
            ServiceTicket,
            self._customer(),
            page_size,
            "list serviceTickets",
        )

    @operation
    def get(self, ticket_id: str, **options: Unpack[CallOptions]) -> Call[ServiceTicket]:
        """One ticket (`GET serviceTickets/{id}`)."""
        if not ticket_id:
            raise RequestValidationError("ticket_id must not be empty")
        return Call(
            "GET",
            f"serviceTickets/{ticket_id}",
            parse=lambda r: ServiceTicket.model_validate(_json(r)),
            auth=self._customer(),
            name="get serviceTicket",
        )

    @operation
    def create(
        self, ticket: ServiceTicketInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Call[ServiceTicket]:
        """Create a ticket (`POST serviceTickets`, 201); the id comes from `Location`. Not
        retried once sent."""
        body = validate_input(ServiceTicketInput, ticket).to_wire()

        def parse(response: httpx.Response) -> ServiceTicket:
            data = _json(response)
            data = data if isinstance(data, dict) else {}
            ticket_id = data.get("id") or _created_id(response)
            return ServiceTicket.model_validate({**body, **data, "id": ticket_id})

        return Call(
            "POST",
            "serviceTickets",
            json=body,
            parse=parse,
            auth=self._customer(),
            name="create serviceTicket",
        )

    @operation
    def update(
        self,
        ticket_id: str,
        ticket: ServiceTicket | Mapping[str, Any],
        **options: Unpack[CallOptions],
    ) -> Call[None]:
        """Replace a ticket (`PUT serviceTickets/{id}`, 204). Customers may only set the status
        to OPEN or CONFIRMED; transient fields are left out of the body."""
        if not ticket_id:
            raise RequestValidationError("ticket_id must not be empty")
        model = validate_input(ServiceTicket, ticket)
        allowed = {s.value for s in TicketStatus}
        if model.status is not None and model.status not in allowed:
            raise RequestValidationError(
                f"a customer can set the status only to {' or '.join(s.value for s in TicketStatus)}, not {model.status!r}"
            )
        body = model.to_wire()
        for transient in (
            "typeDescription",
            "statusDescription",
            "priorityDescription",
            "customerEmail",
            "customerTitle",
            "customerFirstName",
            "customerLastName",
            "productName",
        ):
            body.pop(transient, None)
        body["id"] = ticket_id
        return Call(
            "PUT",
            f"serviceTickets/{ticket_id}",
            json=body,
            parse=lambda r: None,
            auth=self._customer(),
            name="update serviceTicket",
        )

    @operation
    def delete(self, ticket_id: str, **options: Unpack[CallOptions]) -> Call[None]:
        """Delete a ticket (`DELETE serviceTickets/{id}`, 204)."""
        if not ticket_id:
            raise RequestValidationError("ticket_id must not be empty")
        return Call(
            "DELETE",
            f"serviceTickets/{ticket_id}",
            parse=lambda r: None,
            auth=self._customer(),
            name="delete serviceTicket",
        )


class ServiceTicketTypes(Resource[M]):
    """Configured ticket types (`GET serviceTicketTypes`), with the client token."""

    @operation
    def list(self, **options: Unpack[CallOptions]) -> Call[list[ServiceTicketType]]:
        """Every configured service ticket type."""
        return Call(
            "GET",
            "serviceTicketTypes",
            parse=lambda r: [ServiceTicketType.model_validate(x) for x in _rows(r)],
            name="list serviceTicketTypes",
        )


class ServiceTicketStatuses(Resource[M]):
    """Allowed ticket statuses (`GET serviceTicketStatus`), with the client token."""

    @operation
    def list(self, **options: Unpack[CallOptions]) -> Call[list[ServiceTicketStatus]]:
        """Every allowed service ticket status."""
        return Call(
            "GET",
            "serviceTicketStatus",
            parse=lambda r: [ServiceTicketStatus.model_validate(x) for x in _rows(r)],
            name="list serviceTicketStatus",
        )


class InteractionLogs(Resource[M]):
    """Interaction logs (`/{tenant}/interactionLogs`), with the client token."""

    @paged
    def list(
        self, *, page_size: int = MAX_PAGE_SIZE, **options: Unpack[ListOptions]
    ) -> Call[Page[InteractionLog]]:
        """Interaction log items, page by page."""
        return _paged(
            "interactionLogs",
            {},
            InteractionLog,
            USE_CLIENT_AUTH,
            page_size,
            "list interactionLogs",
        )

    @operation
    def create(
        self, log: InteractionLogInput | Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> Call[InteractionLog]:
        """Log a customer interaction (`POST interactionLogs`, 201); `customer_id` is required."""
        body = validate_input(InteractionLogInput, log).to_wire()

        def parse(response: httpx.Response) -> InteractionLog:
            data = _json(response)
            data = data if isinstance(data, dict) else {}
            return InteractionLog.model_validate(
                {**body, **data, "id": data.get("id") or _created_id(response)}
            )

        return Call("POST", "interactionLogs", json=body, parse=parse, name="create interactionLog")


class ChatTranscripts(Resource[M]):
    """Chat transcripts (`GET chatTranscripts/{id}`)."""

    @operation
    def get(self, transcript_id: str, **options: Unpack[CallOptions]) -> Call[ChatTranscript]:
        """One chat transcript."""
        if not transcript_id:
            raise RequestValidationError("transcript_id must not be empty")
        return Call(
            "GET",
            f"chatTranscripts/{transcript_id}",
            parse=lambda r: ChatTranscript.model_validate(_json(r)),
            name="get chatTranscript",
        )


class Customers(Resource[M]):
    """The tutorial's customer signup and login (YaaS customer service), with the client token."""

    def __init__(self, client: ClientBase[M], customer_url: str) -> None:
        super().__init__(client)
        self._url = customer_url.rstrip("/")

    @operation
    def signup(self, email: str, password: str, **options: Unpack[CallOptions]) -> Call[Customer]:
        """Register a customer (`POST {customer service}/signup`, 201); returns its id."""
        if not email or not password:
            raise RequestValidationError("signup needs email and password")
        return Call(
            "POST",
            f"{self._url}/signup",
            content=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            parse=lambda r: Customer.model_validate({"email": email, **(_json(r) or {})}),
            name="customer signup",
        )

    @operation
    def login(
        self, email: str, password: str, **options: Unpack[CallOptions]
    ) -> Call[CustomerLogin]:
        """Log a customer in (`POST {customer service}/login`); returns its access token."""
        if not email or not password:
            raise RequestValidationError("login needs email and password")
        return Call(
            "POST",
            f"{self._url}/login",
            content=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            idempotent=True,
            parse=lambda r: CustomerLogin.model_validate(_json(r)),
            name="customer login",
        )
