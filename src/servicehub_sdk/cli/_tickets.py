"""`servicehub <backend> tickets list|get|create|comment|close`: the unified help desk view,
beside the vendor's own commands, for every backend whose spec names a help desk."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Annotated, Any

import typer

from ..helpdesk import Comment, HelpDesk, Ticket, TicketStatus
from ._listing import take
from ._output import (
    Format,
    FormatOption,
    NoColorOption,
    QuietOption,
    VerboseOption,
    output,
    pick_format,
)

__all__ = ["tickets_group"]

DEFAULT_LIMIT = 50

ClientFactory = Callable[[str], Any]
Handled = Callable[[], AbstractContextManager[None]]


def _row(item: Ticket | Comment) -> dict[str, Any]:
    """A ticket or comment as printed: every unified field, without the vendor's record."""
    row: dict[str, Any] = item.model_dump(mode="json", exclude={"remote_data"})
    return row


def tickets_group(backend: str, client_for: ClientFactory, handled: Handled) -> typer.Typer:
    """The `tickets` commands of `backend`, reaching it with `client_for(backend)` and
    reporting failures through `handled()`."""
    group = typer.Typer(
        help="Tickets through the one help desk API (servicehub_sdk.helpdesk).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )

    def desk_of(client: Any) -> HelpDesk:
        return HelpDesk(client)

    @group.command("list")
    def list_tickets(
        status: Annotated[
            list[TicketStatus] | None, typer.Option(help="Only tickets of this status.")
        ] = None,
        requester: Annotated[
            str | None, typer.Option(help="Only tickets of this requester (e-mail, name or id).")
        ] = None,
        updated_since: Annotated[
            datetime | None, typer.Option(help="Only tickets changed at or after (UTC if naive).")
        ] = None,
        limit: Annotated[
            int | None, typer.Option(min=1, help=f"At most this many [default: {DEFAULT_LIMIT}].")
        ] = None,
        all_items: Annotated[bool, typer.Option("--all", help="Every ticket.")] = False,
        columns: Annotated[str | None, typer.Option(help="Comma-separated columns.")] = None,
        form: FormatOption = None,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        """List tickets (unified fields; the vendor's own listing stays beside this group)."""
        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = pick_format(form, default=Format.table)
        if all_items and limit is not None:
            raise typer.BadParameter("give --all or --limit, not both", param_hint="'--all'")
        with handled(), client_for(backend) as client:
            pager = desk_of(client).tickets.list(
                status=status or None, requester=requester, updated_since=updated_since
            )
            taken = take(pager, None if all_items else limit or DEFAULT_LIMIT)
            output.records([_row(t) for t in taken.items], chosen, columns=columns)
        note = taken.note()
        if note:
            output.note(note)

    @group.command("get")
    def get_ticket(
        ticket_id: str = typer.Argument(..., help="The ticket's id."),
        form: FormatOption = None,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        """Show one ticket."""
        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = pick_format(form, default=Format.table)
        with handled(), client_for(backend) as client:
            ticket = desk_of(client).tickets.get(ticket_id)
            output.records([_row(ticket)], chosen, one=True)

    @group.command("create")
    def create_ticket(
        subject: str = typer.Argument(..., help="The ticket's subject."),
        description: Annotated[str | None, typer.Option(help="The description.")] = None,
        requester: Annotated[str | None, typer.Option(help="Requester e-mail or name.")] = None,
        priority: Annotated[str | None, typer.Option(help="urgent, high, normal or low.")] = None,
        form: FormatOption = None,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        """Create a ticket (sent once: never retried once it may have reached the server)."""
        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = pick_format(form, default=Format.table)
        fields = {
            k: v
            for k, v in (
                ("subject", subject),
                ("description", description),
                ("requester", requester),
                ("priority", priority),
            )
            if v is not None
        }
        with handled(), client_for(backend) as client:
            ticket = desk_of(client).tickets.create(fields)
            output.records([_row(ticket)], chosen, one=True)

    @group.command("comment")
    def comment_ticket(
        ticket_id: str = typer.Argument(..., help="The ticket's id."),
        body: str = typer.Argument(..., help="The comment (plain text)."),
        public: Annotated[
            bool, typer.Option("--public", help="Shown to the requester (private otherwise).")
        ] = False,
        form: FormatOption = None,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        """Add a comment to a ticket."""
        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = pick_format(form, default=Format.table)
        with handled(), client_for(backend) as client:
            comment = desk_of(client).tickets.comments(ticket_id).create(body, private=not public)
            output.records([_row(comment)], chosen, one=True)

    @group.command("close")
    def close_ticket(
        ticket_id: str = typer.Argument(..., help="The ticket's id."),
        resolution: Annotated[str | None, typer.Option(help="How it was resolved.")] = None,
        form: FormatOption = None,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        """Close a ticket (fails with the vendor's nearest way where it cannot close)."""
        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = pick_format(form, default=Format.table)
        with handled(), client_for(backend) as client:
            ticket = desk_of(client).tickets.close(ticket_id, resolution=resolution)
            output.records([_row(ticket)], chosen, one=True)

    return group
