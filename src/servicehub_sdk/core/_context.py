"""`ClientContext`: what every resource of one client reaches its client's state through.

A client builds its context once, in its constructor, and hands it to each resource
(`Customers(context)`); operations find the engine that runs them as `self._context.engine`.
Backends subclass it with the state their operations need (a schema, a session, request
paths), typed, so a reader and the type checker can follow a call from resource to socket.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Self

from ._http import AsyncEngine, SyncEngine

__all__ = ["ClientContext"]


@dataclass(frozen=True, kw_only=True)
class ClientContext:
    """The per-client state every resource receives.

    Attributes:
        engine: runs the client's calls and flows (`SyncEngine` for blocking clients,
            `AsyncEngine` for async ones).
        client_name: the public name of the client class (`SSHClient`), for errors and reprs.

    Backends subclass it (as frozen, keyword-only dataclasses) with their own state; that
    state is shared, not copied, by `with_engine`.
    """

    engine: SyncEngine | AsyncEngine
    client_name: str

    def with_engine(self, engine: SyncEngine | AsyncEngine) -> Self:
        """The same context (the same backend state) run by another engine: what
        `with_options` gives its copy."""
        return replace(self, engine=engine)
