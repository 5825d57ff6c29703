"""`HelpDesk` and `AsyncHelpDesk`: one ticket API over the help desk clients.

Both drive the same adapter flows (see `_adapter.py`): `HelpDesk` with the sync client's
engine, `AsyncHelpDesk` with the async client's. The adapter is found from the client
through the backend registry (`BackendSpec.help_desk`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

from .._backends import BackendSpec, backends, load_object
from ..core._errors import ConfigurationError, RequestValidationError
from ..core._http import AsyncEngine, SyncEngine
from ..core._models import validate_input
from ..core._pagination import AsyncPager, Pager
from ..core._request import Flow
from ._adapter import Adapter, TicketFilter
from ._models import (
    Comment,
    Contact,
    Ticket,
    TicketInput,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
)

__all__ = ["AsyncHelpDesk", "HelpDesk", "help_desk_spec"]

E = TypeVar("E", SyncEngine, AsyncEngine)


def help_desk_spec(client: Any) -> BackendSpec:
    """The registered backend whose client `client` is and that declares a help desk."""
    for spec in backends.values():
        if spec.help_desk is None:
            continue
        for asynchronous in (False, True):
            try:
                cls = spec.client_class(asynchronous=asynchronous)
            except (LookupError, ImportError):
                continue
            if isinstance(client, cls):
                return spec
    names = ", ".join(s.name for s in backends.values() if s.help_desk is not None)
    raise ConfigurationError(
        f"{type(client).__name__} is not the client of a help desk backend ({names})"
    )


def _statuses(
    status: TicketStatus | str | Iterable[TicketStatus | str] | None,
) -> frozenset[TicketStatus]:
    if status is None:
        return frozenset()
    given = [status] if isinstance(status, str) else list(status)
    try:
        return frozenset(TicketStatus(s) for s in given)
    except ValueError:
        known = ", ".join(s.value for s in TicketStatus)
        raise RequestValidationError(f"status: one of {known}, not {given!r}") from None


class _Base(Generic[E]):
    _engine_class: type[SyncEngine] | type[AsyncEngine]
    _client_kind: str

    def __init__(
        self,
        client: Any,
        *,
        defaults: Mapping[str, Any] | None = None,
        status_map: Mapping[str, TicketStatus | str] | None = None,
        status_write_map: Mapping[TicketStatus | str, str] | None = None,
        priority_map: Mapping[str, TicketPriority | str] | None = None,
        priority_write_map: Mapping[TicketPriority | str, str] | None = None,
        custom_fields: Mapping[str, str] | None = None,
        url_template: str | None = None,
    ) -> None:
        spec = help_desk_spec(client)
        engine = getattr(getattr(client, "_context", None), "engine", None)
        if not isinstance(engine, self._engine_class):
            other = "AsyncHelpDesk" if isinstance(engine, AsyncEngine) else "HelpDesk"
            raise ConfigurationError(
                f"{type(self).__name__} drives {self._client_kind} clients; "
                f"use {other}({type(client).__name__}(...))"
            )
        adapter_class: type[Adapter] = load_object(spec.help_desk)
        try:
            maps = adapter_class.DEFAULT_MAPS.overridden(
                status_map=status_map,
                status_write_map=status_write_map,
                priority_map=priority_map,
                priority_write_map=priority_write_map,
                custom_fields=custom_fields,
            )
        except ValueError as exc:
            raise ConfigurationError(f"{spec.name} help desk maps: {exc}") from None
        self.client = client
        """The vendor client, for everything the unified model does not cover."""
        self.adapter = adapter_class(
            client, maps=maps, defaults=defaults, url_template=url_template
        )
        self.backend = spec.name
        self._attach()

    def _attach(self) -> None:
        raise NotImplementedError

    @property
    def _engine(self) -> E:
        engine: E = self.client._context.engine
        return engine

    def supports(self, operation: str) -> bool:
        """Whether this help desk can do `operation` (`list`, `get`, `create`, `update`,
        `close`, `reopen`, `assign`, `comments`, `comment`, `private_comments`,
        `contacts`); what it cannot do raises `UnsupportedOperationError`."""
        return self.adapter.supports(operation)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.backend}>"


def _filter(
    updated_since: datetime | None,
    status: TicketStatus | str | Iterable[TicketStatus | str] | None,
    requester: str | None,
) -> TicketFilter:
    return TicketFilter(updated_since, _statuses(status), requester)


def _input(ticket: TicketInput | Mapping[str, Any]) -> TicketInput:
    return validate_input(TicketInput, ticket)


def _update(changes: TicketUpdate | Mapping[str, Any]) -> TicketUpdate:
    return validate_input(TicketUpdate, changes)


class HelpDesk(_Base[SyncEngine]):
    """One ticket API over a `SupportCenterClient`, a `CECenterClient` (acting for a
    customer) or a `SpiceCSMClient`.

    ```python
    desk = HelpDesk(scp)
    ticket = desk.tickets.create({"subject": "Spindle noise"})
    desk.tickets.comments(ticket.id).create("Checked the bearings", private=False)
    if desk.supports("close"):
        desk.tickets.close(ticket.id, resolution="Bearing replaced")
    ```

    Args:
        defaults: what the vendor needs on create that `TicketInput` lacks (see each
            adapter); every adapter also works without it.
        status_map: vendor status -> unified status, over the defaults.
        status_write_map: unified status -> the vendor status to send.
        priority_map: vendor priority -> unified priority, over the defaults.
        priority_write_map: unified priority -> the vendor priority to send.
        custom_fields: unified custom-field name -> the vendor's field.
        url_template: the ticket page's URL (`{base_url}`, `{id}`).
    """

    _engine_class = SyncEngine
    _client_kind = "sync"

    def _attach(self) -> None:
        self.tickets = Tickets(self)
        self.contacts = Contacts(self)

    def _run(self, flow: Flow[Any]) -> Any:
        return self._engine.run(flow)


class AsyncHelpDesk(_Base[AsyncEngine]):
    """`HelpDesk` over an async client: the same operations, awaited."""

    _engine_class = AsyncEngine
    _client_kind = "async"

    def _attach(self) -> None:
        self.tickets = AsyncTickets(self)
        self.contacts = AsyncContacts(self)

    async def _run(self, flow: Flow[Any]) -> Any:
        return await self._engine.run(flow)


class Tickets:
    """`desk.tickets`: list, get, create, update, close, reopen, assign, comments."""

    def __init__(self, desk: HelpDesk) -> None:
        self._desk = desk
        self._adapter = desk.adapter

    def list(
        self,
        *,
        updated_since: datetime | None = None,
        status: TicketStatus | str | Iterable[TicketStatus | str] | None = None,
        requester: str | None = None,
    ) -> Pager[Ticket]:
        """The tickets, a pager (`to_list()`, `to_pandas()`); `updated_since` (changed at or
        after), `status` (one or several) and `requester` (e-mail, name or id) filter."""
        first = self._adapter.list_tickets(_filter(updated_since, status, requester))
        return Pager(self._desk._engine, first, backend=self._desk.backend)

    def get(self, ticket_id: str) -> Ticket:
        """The ticket as it now is."""
        result: Ticket = self._desk._run(self._adapter.get(str(ticket_id)))
        return result

    def create(self, ticket: TicketInput | Mapping[str, Any]) -> Ticket:
        """Create a ticket (never retried once it may have reached the server)."""
        result: Ticket = self._desk._run(self._adapter.create(_input(ticket)))
        return result

    def update(self, ticket_id: str, changes: TicketUpdate | Mapping[str, Any]) -> Ticket:
        """Change the fields given; returns the ticket as it now is."""
        result: Ticket = self._desk._run(self._adapter.update(str(ticket_id), _update(changes)))
        return result

    def close(self, ticket_id: str, resolution: str | None = None) -> Ticket:
        """Close the ticket (`UnsupportedOperationError` where the vendor cannot)."""
        self._adapter.require("close")
        result: Ticket = self._desk._run(self._adapter.close(str(ticket_id), resolution))
        return result

    def reopen(self, ticket_id: str) -> Ticket:
        """Set the ticket open again."""
        self._adapter.require("reopen")
        result: Ticket = self._desk._run(self._adapter.reopen(str(ticket_id)))
        return result

    def assign(self, ticket_id: str, assignee: str) -> Ticket:
        """Assign the ticket (to a support rep or agent, by the vendor's id or name)."""
        self._adapter.require("assign")
        result: Ticket = self._desk._run(self._adapter.assign(str(ticket_id), assignee))
        return result

    def comments(self, ticket_id: str) -> Comments:
        """The ticket's comments: `list()` (oldest first) and `create(body, private=True)`."""
        return Comments(self._desk, str(ticket_id))


class Comments:
    """`desk.tickets.comments(id)`: the comments of one ticket."""

    def __init__(self, desk: HelpDesk, ticket_id: str) -> None:
        self._desk, self._ticket_id = desk, ticket_id

    def list(self) -> list[Comment]:
        """The comments, oldest first."""
        result: list[Comment] = self._desk._run(self._desk.adapter.comments(self._ticket_id))
        return result

    def create(self, body: str, *, private: bool = True) -> Comment:
        """Add a plain-text comment (private: not shown to the requester)."""
        if private:
            self._desk.adapter.require("private_comments")
        result: Comment = self._desk._run(
            self._desk.adapter.comment(self._ticket_id, body, private)
        )
        return result


class Contacts:
    """`desk.contacts`: requesters (SupportCenter Plus) or accounts (SpiceCSM)."""

    def __init__(self, desk: HelpDesk) -> None:
        self._desk = desk

    def find(self, *, email: str) -> list[Contact]:
        """The contacts (requesters, accounts) with that e-mail address."""
        self._desk.adapter.require("contacts")
        result: list[Contact] = self._desk._run(self._desk.adapter.find_contacts(email))
        return result


class AsyncTickets:
    """`desk.tickets` of an `AsyncHelpDesk`."""

    def __init__(self, desk: AsyncHelpDesk) -> None:
        self._desk = desk
        self._adapter = desk.adapter

    def list(
        self,
        *,
        updated_since: datetime | None = None,
        status: TicketStatus | str | Iterable[TicketStatus | str] | None = None,
        requester: str | None = None,
    ) -> AsyncPager[Ticket]:
        """As `Tickets.list`: an async pager."""
        first = self._adapter.list_tickets(_filter(updated_since, status, requester))
        return AsyncPager(self._desk._engine, first, backend=self._desk.backend)

    async def get(self, ticket_id: str) -> Ticket:
        """As `Tickets.get`, awaited."""
        result: Ticket = await self._desk._run(self._adapter.get(str(ticket_id)))
        return result

    async def create(self, ticket: TicketInput | Mapping[str, Any]) -> Ticket:
        """As `Tickets.create`, awaited."""
        result: Ticket = await self._desk._run(self._adapter.create(_input(ticket)))
        return result

    async def update(self, ticket_id: str, changes: TicketUpdate | Mapping[str, Any]) -> Ticket:
        """As `Tickets.update`, awaited."""
        result: Ticket = await self._desk._run(
            self._adapter.update(str(ticket_id), _update(changes))
        )
        return result

    async def close(self, ticket_id: str, resolution: str | None = None) -> Ticket:
        """As `Tickets.close`, awaited."""
        self._adapter.require("close")
        result: Ticket = await self._desk._run(self._adapter.close(str(ticket_id), resolution))
        return result

    async def reopen(self, ticket_id: str) -> Ticket:
        """As `Tickets.reopen`, awaited."""
        self._adapter.require("reopen")
        result: Ticket = await self._desk._run(self._adapter.reopen(str(ticket_id)))
        return result

    async def assign(self, ticket_id: str, assignee: str) -> Ticket:
        """As `Tickets.assign`, awaited."""
        self._adapter.require("assign")
        result: Ticket = await self._desk._run(self._adapter.assign(str(ticket_id), assignee))
        return result

    def comments(self, ticket_id: str) -> AsyncComments:
        """As `Tickets.comments`: `await list()`, `await create(body, private=True)`."""
        return AsyncComments(self._desk, str(ticket_id))


class AsyncComments:
    """`Comments` of an `AsyncHelpDesk`."""

    def __init__(self, desk: AsyncHelpDesk, ticket_id: str) -> None:
        self._desk, self._ticket_id = desk, ticket_id

    async def list(self) -> list[Comment]:
        """The comments, oldest first."""
        result: list[Comment] = await self._desk._run(self._desk.adapter.comments(self._ticket_id))
        return result

    async def create(self, body: str, *, private: bool = True) -> Comment:
        """Add a plain-text comment (private: not shown to the requester)."""
        if private:
            self._desk.adapter.require("private_comments")
        result: Comment = await self._desk._run(
            self._desk.adapter.comment(self._ticket_id, body, private)
        )
        return result


class AsyncContacts:
    """`Contacts` of an `AsyncHelpDesk`."""

    def __init__(self, desk: AsyncHelpDesk) -> None:
        self._desk = desk

    async def find(self, *, email: str) -> list[Contact]:
        """The contacts (requesters, accounts) with that e-mail address."""
        self._desk.adapter.require("contacts")
        result: list[Contact] = await self._desk._run(self._desk.adapter.find_contacts(email))
        return result
