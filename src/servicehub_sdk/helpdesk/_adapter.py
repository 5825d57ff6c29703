"""What every help desk adapter provides: its capabilities, its maps, and each operation
written once as a flow of the vendor client's calls (`core.Flow`) that the sync or the async
client's engine runs."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from ..core._cursor import UpdatedSince
from ..core._errors import ConfigurationError
from ..core._pagination import Page, fingerprint
from ..core._request import Flow, Step, flow_of, start
from ._errors import UnsupportedOperationError
from ._maps import Maps
from ._models import Comment, Contact, Ticket, TicketInput, TicketStatus, TicketUpdate

__all__ = ["OPERATIONS", "Adapter", "TicketFilter", "all_items", "oldest_first", "run_op"]

T = TypeVar("T")
V = TypeVar("V")

OPERATIONS: tuple[str, ...] = (
    "list",
    "get",
    "create",
    "update",
    "close",
    "reopen",
    "assign",
    "comments",
    "comment",
    "private_comments",
    "contacts",
)
"""The operations `HelpDesk.supports()` answers for, in the capability matrix's order."""


def run_op(op: Any, owner: Any, /, *args: Any, **kwargs: Any) -> Flow[Any]:
    """The vendor operation `op` (a resource method taken from its class) of `owner`, inside
    a flow: `result = yield from run_op(Requests.get, scp.requests, "1")`."""
    return (yield from flow_of(op.fn(owner, *args, **kwargs)))


def all_items(step: Step[Page[T]]) -> Flow[list[T]]:
    """Every item of a vendor listing, inside a flow (all pages)."""
    items: list[T] = []
    following: Step[Page[T]] | None = step
    while following is not None:
        page = yield from start(following)
        items.extend(page.items)
        following = page.next
    return items


def aware(moment: datetime | None) -> datetime | None:
    """`moment` with a time zone (naive vendor times are UTC)."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_TAG = re.compile(r"<[^>]+>")


def html_to_text(value: str | None) -> str:
    """Plain text of a vendor's HTML body (`<br>` as line breaks, entities decoded)."""
    text = re.sub(r"<br\s*/?>", "\n", value or "", flags=re.IGNORECASE)
    return html.unescape(_TAG.sub("", text))


def text_to_html(value: str) -> str:
    """Plain text for a vendor that takes HTML: escaped, line breaks as `<br>`."""
    return html.escape(value).replace("\n", "<br>")


def oldest_first(comment: Comment) -> tuple[bool, float]:
    """Sort key: comments oldest first, those without a time last; comments of the same
    moment keep the vendor's order (the sort is stable), not that of their ids."""
    moment = comment.created_at
    return (moment is None, moment.timestamp() if moment else 0.0)


@dataclass(frozen=True)
class TicketFilter:
    """What `tickets.list()` was asked for; `admit` applies it on the client side."""

    updated_since: datetime | None = None
    statuses: frozenset[TicketStatus] = frozenset()
    requester: str | None = None

    def admit(self, ticket: Ticket, cursor: UpdatedSince | None) -> bool:
        if self.statuses and ticket.status not in self.statuses:
            return False
        if self.requester is not None:
            who = ticket.requester
            wanted = self.requester.casefold()
            if who is None or wanted not in {
                (who.email or "").casefold(),
                (who.name or "").casefold(),
                (who.id or "").casefold(),
            }:
                return False
        if cursor is not None:
            return cursor.admit(ticket.id, ticket.updated_at)
        return True


def mapped_pages(
    step: Step[Page[V]],
    convert: Callable[[V], Ticket],
    wanted: TicketFilter,
) -> Step[Page[Ticket]]:
    """The vendor's listing as a listing of tickets, filtered on the client side; a fresh
    de-duplicating cursor on every run of the first page."""

    def first() -> Flow[Page[Ticket]]:
        cursor = (
            UpdatedSince(wanted.updated_since, overlap=_NO_OVERLAP)
            if wanted.updated_since is not None
            else None
        )
        return (yield from _page(step, convert, wanted, cursor))

    return first


def _page(
    step: Step[Page[V]],
    convert: Callable[[V], Ticket],
    wanted: TicketFilter,
    cursor: UpdatedSince | None,
) -> Flow[Page[Ticket]]:
    page = yield from start(step)
    tickets = [convert(item) for item in page.items]
    kept = [t for t in tickets if wanted.admit(t, cursor)]
    following = page.next

    def next_page() -> Flow[Page[Ticket]]:
        assert following is not None
        return (yield from _page(following, convert, wanted, cursor))

    return Page(
        kept,
        next_page if following is not None else None,
        fetched=page.fetched if page.fetched is not None else len(page.items),
        fingerprint=page.fingerprint or fingerprint([t.id for t in tickets]),
    )


_NO_OVERLAP = timedelta(0)


class Adapter:
    """The help desk of one vendor. Subclasses set `backend`, `OPERATIONS`, `NEAREST` and
    `DEFAULT_MAPS`, and write the operations as flows.

    Attributes:
        client: the vendor client (sync or async: the flows are the same).
        maps: the status, priority and custom-field maps in force.
        defaults: what the vendor needs on create that `TicketInput` lacks.
    """

    backend: ClassVar[str] = ""
    SUPPORTED: ClassVar[frozenset[str]] = frozenset()
    NEAREST: ClassVar[Mapping[str, str]] = {}
    """Operation -> the vendor's nearest way, for the operations it cannot do."""
    CONDITIONS: ClassVar[Mapping[str, str]] = {}
    """Operation -> when the vendor can do it, for operations that depend on the client."""
    DEFAULT_MAPS: ClassVar[Maps]
    DEFAULTS: ClassVar[tuple[str, ...]] = ()
    """The keys `defaults=` accepts."""
    DESCRIBES_ON_CREATE: ClassVar[bool] = True
    """Whether a description is stored with the ticket itself (not as a separate comment)."""

    def __init__(
        self,
        client: Any,
        *,
        maps: Maps,
        defaults: Mapping[str, Any] | None = None,
        url_template: str | None = None,
    ) -> None:
        unknown = sorted(set(defaults or {}) - set(self.DEFAULTS))
        if unknown:
            raise ConfigurationError(
                f"{self.backend} help desks take defaults {', '.join(self.DEFAULTS) or 'none'}; "
                f"not {', '.join(unknown)}"
            )
        self.client = client
        self.maps = maps
        self.defaults = dict(defaults or {})
        self.url_template = url_template

    # capabilities ---------------------------------------------------------------------

    def supports(self, operation: str) -> bool:
        """Whether the vendor can do `operation` (one of `OPERATIONS`)."""
        if operation not in OPERATIONS:
            raise ConfigurationError(
                f"unknown operation {operation!r}; one of {', '.join(OPERATIONS)}"
            )
        return operation in self.SUPPORTED

    def require(self, operation: str) -> None:
        """Raise `UnsupportedOperationError` unless the vendor can do `operation`."""
        if not self.supports(operation):
            raise UnsupportedOperationError(
                self.backend, operation, self.NEAREST.get(operation, "no way")
            )

    def url(self, ticket_id: str) -> str | None:
        """The ticket's page in the web UI, from the URL template (`{base_url}`, `{id}`)."""
        if not self.url_template:
            return None
        base = str(getattr(self.client, "base_url", "")).rstrip("/")
        return self.url_template.format(base_url=base, id=ticket_id)

    def status_to_send(self, status: TicketStatus) -> str:
        """The vendor value for `status`, or `UnsupportedOperationError`."""
        try:
            return self.maps.status_write[status]
        except KeyError:
            raise UnsupportedOperationError(
                self.backend,
                f"set the status {status.value}",
                "statuses it can set: "
                + ", ".join(s.value for s in self.maps.status_write)
                + " (change status_write_map)",
            ) from None

    # operations (flows) ---------------------------------------------------------------

    def list_tickets(self, wanted: TicketFilter) -> Step[Page[Ticket]]:
        raise NotImplementedError

    def get(self, ticket_id: str) -> Flow[Ticket]:
        raise NotImplementedError

    def create(self, ticket: TicketInput) -> Flow[Ticket]:
        raise NotImplementedError

    def update(self, ticket_id: str, changes: TicketUpdate) -> Flow[Ticket]:
        raise NotImplementedError

    def close(self, ticket_id: str, resolution: str | None) -> Flow[Ticket]:
        self.require("close")
        return (yield from self.update(ticket_id, TicketUpdate(status=TicketStatus.CLOSED)))

    def reopen(self, ticket_id: str) -> Flow[Ticket]:
        self.require("reopen")
        return (yield from self.update(ticket_id, TicketUpdate(status=TicketStatus.OPEN)))

    def assign(self, ticket_id: str, assignee: str) -> Flow[Ticket]:
        self.require("assign")
        raise NotImplementedError

    def comments(self, ticket_id: str) -> Flow[list[Comment]]:
        raise NotImplementedError

    def comment(self, ticket_id: str, body: str, private: bool) -> Flow[Comment]:
        raise NotImplementedError

    def find_contacts(self, email: str) -> Flow[list[Contact]]:
        self.require("contacts")
        raise NotImplementedError

    # linking --------------------------------------------------------------------------

    def marked(self, prefix: str, case_id: str) -> Flow[list[Ticket]]:
        """The tickets whose subject starts with `prefix` (a case's marker)."""
        raise NotImplementedError

    def link_fields(self, case_id: str) -> dict[str, Any]:
        """Custom fields that record a linked case's id on its ticket, where the vendor has a
        column for it."""
        return {}

    def created_by_integration(self, ticket: Ticket) -> bool:
        """Whether something the requester cannot write shows the client's own account
        created `ticket` (never, where the vendor records no such thing)."""
        return False

    def learn_creator(self, ticket: Ticket) -> None:
        """Remember the client's own account from a ticket it just created."""
