"""Where a feed or the link journal keeps its state, as a task or a trigger names it: a SQLite
path, or an Airflow PostgreSQL connection whose password stays in Airflow's connection store
(instead of a DAG, a rendered field or a trigger's stored arguments)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from ..core._errors import ConfigurationError
from ..integrations import is_postgres_url

__all__ = ["afeed_state", "ajournal_url", "check_state", "feed_state", "journal_url"]


def _check_postgres(conn: Any, conn_id: str) -> None:
    if conn.conn_type not in ("postgres", "postgresql"):
        raise ConfigurationError(
            f"connection {conn_id!r} must be a PostgreSQL connection, not {conn.conn_type!r}"
        )


def _postgres_url(uri: str) -> str:
    return "postgresql://" + uri.split("://", 1)[1]


def journal_url(conn_id: str) -> str:
    """The `postgresql://` URL of an Airflow PostgreSQL connection (`conn_type` `postgres`)."""
    from .hooks._base import ServiceHubHook

    conn = ServiceHubHook.get_connection(conn_id)
    _check_postgres(conn, conn_id)
    return _postgres_url(conn.get_uri())


async def ajournal_url(conn_id: str) -> str:
    """`journal_url` from an event loop (a trigger), without blocking it."""
    from .hooks._base import ServiceHubHook

    getter = getattr(ServiceHubHook, "aget_connection", None)
    if getter is None:  # Airflow 3.0
        return await asyncio.to_thread(journal_url, conn_id)
    conn = await getter(conn_id)
    _check_postgres(conn, conn_id)
    uri_of = getattr(conn, "aget_uri", None)
    return _postgres_url(await uri_of() if uri_of is not None else conn.get_uri())


def check_state(state: str | None, state_conn_id: str | None) -> None:
    """Exactly one of `state` and `state_conn_id`, and no password in `state` (it would be
    stored with the task and the trigger)."""
    if (state is None) == (state_conn_id is None):
        raise ConfigurationError("give the feed's state as state= or state_conn_id=")
    if state is not None and is_postgres_url(state) and urlsplit(state).password:
        raise ConfigurationError(
            "state= holds a password: name an Airflow PostgreSQL connection as state_conn_id="
        )


def feed_state(state: str | None, state_conn_id: str | None) -> str:
    """What a feed's `state=` takes: `state`, or the URL of the connection `state_conn_id`."""
    if state_conn_id is not None:
        return journal_url(state_conn_id)
    check_state(state, state_conn_id)
    return str(state)


async def afeed_state(state: str | None, state_conn_id: str | None) -> str:
    """`feed_state` from an event loop (a trigger)."""
    if state_conn_id is not None:
        return await ajournal_url(state_conn_id)
    check_state(state, state_conn_id)
    return str(state)
