"""`servicehub <backend> <resource> watch`: the resource's changes as they happen.

A `ChangeFeed` does the work: with `--name` its state is kept in `--state` (a SQLite file or a
`postgresql://` URL), so the next run goes on where this one stopped; without it the feed lives
in memory for this run only. Each batch is written out, then committed: Ctrl-C during a batch
commits nothing of it, and a named feed delivers it again on the next run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from .._backends import ResourceCommands
from ..core._clock import current_clock
from ..core._errors import ConfigurationError
from ._output import Format, FormatOption, NoColorOption, QuietOption, VerboseOption, output

__all__ = ["follow_feed", "parse_since", "watch_command"]

DEFAULT_STATE = "servicehub-feeds.sqlite3"
_MEMORY = ":memory:"
_AGO = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`--since`: an ISO 8601 time (without a zone: UTC), `now`, or an age such as `15m`,
    `2h` or `7d` (seconds, minutes, hours, days before now)."""
    now = now or datetime.now(UTC)
    value = text.strip()
    if value.lower() == "now":
        return now
    ago = _AGO.match(value.lower())
    if ago:
        return now - timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(
            f"--since {text!r} is not a time: give an ISO 8601 time "
            "(2026-01-31T08:00:00+00:00), now, or an age such as 15m, 2h or 7d"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _row(change: Any) -> dict[str, Any]:
    item = change.item
    return {
        "kind": change.kind,
        "id": change.id,
        "key": change.key,
        "updated_at": change.updated_at.isoformat() if change.updated_at else None,
        "observed_at": change.observed_at.isoformat(),
        "item": item.model_dump(mode="json") if hasattr(item, "model_dump") else item,
    }


def watch_command(
    backend: str,
    everyday: ResourceCommands,
    client_of: Callable[[str], Any],
    handled: Callable[[], AbstractContextManager[None]],
) -> Callable[..., None]:
    """The `watch` command of one resource whose `changes` the spec declares."""
    follow = everyday.changes
    assert follow is not None

    def watch(
        since: Annotated[
            str | None,
            typer.Option(
                help="Start from changes since then: an ISO 8601 time, now, or an age "
                "(15m, 2h, 7d). Without it, a new feed starts with every record as created."
            ),
        ] = None,
        name: Annotated[
            str | None,
            typer.Option(help="Keep the feed's place under this name in --state, across runs."),
        ] = None,
        state: Annotated[
            str,
            typer.Option(
                envvar="SERVICEHUB_FEED_STATE",
                help="Where a named feed keeps its place: a SQLite file, or a postgresql:// URL "
                "(password in PGPASSWORD or ~/.pgpass, not here).",
            ),
        ] = DEFAULT_STATE,
        interval: Annotated[
            float, typer.Option(min=0, help="Seconds to wait when nothing is left to deliver.")
        ] = 60.0,
        max_changes: Annotated[int, typer.Option(min=1, help="Changes per batch.")] = 500,
        polls: Annotated[
            int | None, typer.Option(min=1, help="Stop after this many polls (default: never).")
        ] = None,
        columns: Annotated[
            str | None, typer.Option(help="Columns of a table or CSV (item.title, kind…).")
        ] = None,
        form: FormatOption = None,
        verbose: VerboseOption = False,
        quiet: QuietOption = False,
        no_color: NoColorOption = False,
    ) -> None:
        from ..feeds import ChangeFeed

        output.configure(verbose=verbose, quiet=quiet, no_color=no_color)
        chosen = form or Format.jsonl
        with handled():
            start = parse_since(since) if since is not None else None
            with client_of(backend) as client:
                feed: ChangeFeed[Any] = ChangeFeed(
                    follow(client),
                    name=name or "watch",
                    state=state if name else _MEMORY,
                    since=start,
                )
                with feed:
                    follow_feed(
                        feed,
                        lambda rows: output.stream(rows, chosen, columns=columns),
                        max_changes=max_changes,
                        interval=interval,
                        polls=polls,
                    )

    watch.__doc__ = (
        f"Stream the changes to {everyday.noun} (created, updated, deleted) until Ctrl-C: "
        "JSON lines unless --format says otherwise. With --name, the next run goes on where "
        "this one stopped; Ctrl-C commits nothing half-written."
    )
    return watch


def follow_feed(
    feed: Any,
    write: Callable[[list[dict[str, Any]]], None],
    *,
    max_changes: int,
    interval: float,
    polls: int | None,
) -> None:
    """Poll `feed` (`polls` times, or until interrupted), handing each batch's changes to
    `write` as rows and committing the batch once `write` returned; an exception in `write`
    (Ctrl-C included) releases the batch, uncommitted, and ends the loop. Waits `interval`
    seconds after a poll that left nothing more to deliver."""
    clock = current_clock()
    done = 0
    while polls is None or done < polls:
        done += 1
        with feed.poll(max_changes) as batch:
            write([_row(change) for change in batch])
        if (batch.final or not batch.held) and (polls is None or done < polls):
            clock.sleep(interval)
